"""A trial's published results: papers and reports (kept apart from `models` only for its length)."""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from trials.registry.models import Trial


class Publication(models.Model):
    """A published paper or report of a trial's results."""

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="publications")
    title = models.CharField(max_length=500)
    url = models.URLField(max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title
