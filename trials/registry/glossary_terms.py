"""The glossary's terms (kept apart from `trials.registry.models`, which imports it from here)."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from simple_history.models import HistoricalRecords


class GlossaryTerm(models.Model):
    """A medical word with a short plain-English explanation, shown beside the word on trial pages."""

    term = models.CharField(max_length=80, unique=True)
    synonyms = ArrayField(models.CharField(max_length=80), default=list, blank=True)
    definition = models.TextField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["term"]

    def __str__(self) -> str:
        return self.term
