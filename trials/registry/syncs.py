"""What the registry syncs record: each run (`SyncRun`), and what each registry last said of a trial (`RegistryRecord`).

Written by `trials.importers.sync` and `trials.importers.registries`; read by the admin, by the next
run (its "last complete sync" mark) and by the status arbitration between registries.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from trials.registry.choices import Registry, Status, choice_constraint
from trials.registry.models import Trial


class SyncRun(models.Model):
    """One run of `sync_ctgov` or `sync_isrctn`: what it asked the registry for and what it did."""

    registry = models.CharField(max_length=10, choices=Registry.choices)
    parameters = models.JSONField(default=dict, blank=True, help_text="The options the run was given.")
    since = models.DateField(
        null=True, blank=True, help_text="Asked only for records updated on or after this day; empty: every record."
    )
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    pages = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    held_back = models.PositiveIntegerField(
        default=0, help_text="Records kept as drafts for a reason (such as no neuroendocrine condition)."
    )
    failed = models.PositiveIntegerField(default=0)
    failures = models.JSONField(default=list, blank=True, help_text="Each failed record and why.")
    held_back_reasons = models.JSONField(default=list, blank=True, help_text="Each record held back and why.")
    notes = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True, help_text="Why the run stopped early: what the registry answered, and where.")
    complete = models.BooleanField(
        default=False,
        help_text="Read every page with no error and no failed record: the next run asks only for what changed "
        "since this one started.",
    )
    created_trials = models.ManyToManyField(Trial, related_name="created_by_sync_runs", blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            choice_constraint("registry", Registry, name="syncrun_registry_valid"),
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True) | Q(finished_at__gte=F("started_at")),
                name="syncrun_finished_after_start",
            ),
            models.CheckConstraint(condition=Q(complete=False) | Q(error=""), name="syncrun_complete_without_error"),
        ]
        indexes = [
            # The admin's list (newest first, by registry) and the "last complete sync" mark of a registry.
            models.Index(fields=["registry", "-started_at"], name="syncrun_registry_started_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_registry_display()} sync of {timezone.localtime(self.started_at):%Y-%m-%d %H:%M}"

    @property
    def outcome(self) -> str:
        """In words: unfinished, complete, stopped by an error, or incomplete (a page limit or failed records)."""
        if self.finished_at is None:
            return "unfinished"
        if self.complete:
            return "complete"
        return "stopped by an error" if self.error else "incomplete"


class RegistryRecord(models.Model):
    """What one registry last said about a trial: its number there, and the status it gives and when.

    When registries disagree on a trial's status, the one whose record was updated most recently wins
    (`trials.importers.registries`), so each registry's status is kept here, not only the winner's.
    """

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="registry_records")
    registry = models.CharField(max_length=10, choices=Registry.choices)
    identifier = models.CharField(max_length=20, help_text="The trial's number in that registry.")
    status = models.CharField(
        max_length=10, choices=Status.choices, blank=True, help_text="Empty: the record gives no status."
    )
    status_words = models.CharField(max_length=300, blank=True, help_text="The status in the registry's own words.")
    confirmed = models.DateField(null=True, blank=True, help_text="When the registry says the status was confirmed.")
    updated = models.DateField(null=True, blank=True, help_text="When the registry's record was last updated.")
    status_inputs = models.JSONField(
        default=dict, blank=True, help_text="What a derived status is worked out from (ISRCTN's dates and overrides)."
    )

    class Meta:
        ordering = ["trial", "registry"]
        verbose_name = "registry record"
        constraints = [
            choice_constraint("registry", Registry, name="registryrecord_registry_valid"),
            choice_constraint("status", Status, name="registryrecord_status_valid", blank=True),
            models.UniqueConstraint(fields=["trial", "registry"], name="registryrecord_one_per_registry"),
            # Also serves the re-derivation of every ISRCTN status (`registry = 'isrctn'`) on each sync.
            models.UniqueConstraint(fields=["registry", "identifier"], name="registryrecord_identifier_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.identifier} ({self.get_registry_display()})"
