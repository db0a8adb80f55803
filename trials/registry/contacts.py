"""Who to contact about a trial: the trial team's contacts and officials, and each site's own contact.

Stored as the registry (or the curated record) publishes them: a name, a role, a phone number and an
e-mail address, any of which may be missing. Written by `trials.registry.services.trial_upsert`.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from trials.registry.models import Trial, TrialSite


class TrialContact(models.Model):
    """A contact of a trial: of its whole team (no site) or of one of its sites."""

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="contacts")
    site = models.ForeignKey(
        TrialSite,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contacts",
        help_text="Empty: a contact for the whole trial (central contact or overall official).",
    )
    name = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=200, blank=True, help_text="As published, e.g. 'Central contact'.")
    phone = models.CharField(max_length=60, blank=True)
    email = models.EmailField(max_length=254, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "contact"
        constraints = [
            models.CheckConstraint(condition=~Q(name="", phone="", email=""), name="trialcontact_name_phone_or_email"),
        ]
        indexes = [
            # The trial page and the record read a trial's contacts in order.
            models.Index(fields=["trial", "position"], name="trialcontact_trial_order_idx"),
        ]

    def __str__(self) -> str:
        return self.name or self.phone or self.email
