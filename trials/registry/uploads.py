"""The files uploaded on the admin's import page (`TrialImport`): each is imported in the background.

Written by the upload view (`trials.admin.imports`, queued) and by the task that imports it
(`trials.importers.background`, progress after every record); read by the progress page.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from trials.registry.choices import choice_constraint

# A running import with no record done for this long has probably lost its worker (a restart).
STALLED_AFTER = dt.timedelta(minutes=5)


class ImportKind(models.TextChoices):
    CTGOV = "ctgov", "ClinicalTrials.gov JSON (one study, an API /studies page or the website's download)"
    BUNDLE = "bundle", "TrialSearch export (export_trials)"


class ImportState(models.TextChoices):
    QUEUED = "queued", "Waiting for the worker"
    RUNNING = "running", "Importing"
    FINISHED = "finished", "Finished"
    STOPPED = "stopped", "Stopped by an error"


class TrialImport(models.Model):
    """One uploaded file, imported record by record (each in its own transaction) by a task worker."""

    file_name = models.CharField(max_length=255)
    kind = models.CharField(max_length=10, choices=ImportKind.choices)
    publish = models.BooleanField(default=False)
    dry_run = models.BooleanField(default=False)
    content = models.BinaryField(blank=True, help_text="The uploaded file, kept until the import has finished.")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(max_length=10, choices=ImportState.choices, default=ImportState.QUEUED)
    queued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    progressed_at = models.DateTimeField(null=True, blank=True, help_text="When the last record was done.")
    total = models.PositiveIntegerField(default=0, help_text="Records in the file (known once it has been read).")
    processed = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    failures = models.JSONField(default=list, blank=True, help_text="Each failed record and why.")
    held_back = models.JSONField(default=list, blank=True, help_text="Each record kept as a draft and why.")
    notes = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True, help_text="Why the import stopped before the end.")

    class Meta:
        ordering = ["-queued_at", "-id"]
        constraints = [
            choice_constraint("kind", ImportKind, name="trialimport_kind_valid"),
            choice_constraint("state", ImportState, name="trialimport_state_valid"),
            models.CheckConstraint(condition=Q(processed__lte=F("total")), name="trialimport_processed_le_total"),
            models.CheckConstraint(
                condition=Q(state__in=["finished", "stopped"]) | Q(finished_at__isnull=True),
                name="trialimport_finished_when_done",
            ),
        ]

    def __str__(self) -> str:
        return f"Import of {self.file_name} ({timezone.localtime(self.queued_at):%Y-%m-%d %H:%M})"

    def get_absolute_url(self) -> str:
        return reverse("admin:trials_trial_import_progress", args=[self.pk])

    @property
    def done(self) -> bool:
        return self.state in (ImportState.FINISHED, ImportState.STOPPED)

    @property
    def stalled(self) -> bool:
        """Running, but no record done for STALLED_AFTER: the worker has probably stopped."""
        last = self.progressed_at or self.started_at
        return self.state == ImportState.RUNNING and last is not None and timezone.now() - last > STALLED_AFTER

    @property
    def failed(self) -> int:
        return len(self.failures)

    @property
    def percent(self) -> int:
        return 100 if self.done else (100 * self.processed // self.total if self.total else 0)

    def summary(self) -> str:
        held = f", {len(self.held_back)} held back" if self.held_back else ""
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, {self.failed} failed{held}"
