"""Importers that turn files into trials through `trials.registry.services`, one record per transaction."""
