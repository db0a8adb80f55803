"""Importers that turn files into trials through `trials.services`, one record per transaction."""
