"""`RuleSuggestion`: a rule the structurer proposed for a criterion, its evidence, and the admin's decision."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from trials.registry.models import Criterion


class SuggestionState(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ACCEPTED = "accepted", "Accepted"
    EDITED = "edited", "Accepted as edited"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn (the criterion changed)"


REVIEWED = (SuggestionState.ACCEPTED, SuggestionState.EDITED, SuggestionState.REJECTED)
APPLIED = (SuggestionState.ACCEPTED, SuggestionState.EDITED)


class RuleSuggestion(models.Model):
    """One rule proposed for a criterion, read from `text[start:end]` (the criterion's text when proposed)."""

    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="suggestions")
    text = models.TextField(help_text="The criterion's text the rule was read from.")
    rule = models.JSONField(help_text="The proposed rule, in the format of Criterion.rule.")
    start = models.PositiveIntegerField(help_text="Where the justifying words start in the text.")
    end = models.PositiveIntegerField(help_text="Where they end.")
    words = models.TextField(help_text="The justifying words.")
    explanation = models.TextField(blank=True)
    pattern = models.CharField(max_length=60, blank=True, help_text="The structurer's pattern that found it.")
    key = models.CharField(max_length=64, editable=False, help_text="Hash of the text and the rule: one proposal each.")
    state = models.CharField(max_length=9, choices=SuggestionState.choices, default=SuggestionState.PROPOSED)
    applied_rule = models.JSONField(
        null=True, blank=True, help_text="The rule written onto the criterion (the proposal, or the admin's edit)."
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["criterion", "start", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=SuggestionState.values), name="rulesuggestion_state_valid"),
            models.CheckConstraint(
                condition=Q(rule__has_keys=["fact", "operator"]), name="rulesuggestion_rule_has_fact_and_operator"
            ),
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="rulesuggestion_span_ordered"),
            # A decision says who made it and when; a proposal or a withdrawn one has none.
            models.CheckConstraint(
                condition=Q(state__in=[s.value for s in REVIEWED], reviewed_at__isnull=False)
                | (~Q(state__in=[s.value for s in REVIEWED]) & Q(reviewed_at__isnull=True)),
                name="rulesuggestion_reviewed_when_decided",
            ),
            # Only an accepted (or edited) suggestion has written a rule onto its criterion.
            models.CheckConstraint(
                condition=Q(state__in=[s.value for s in APPLIED], applied_rule__isnull=False)
                | (~Q(state__in=[s.value for s in APPLIED]) & Q(applied_rule__isnull=True)),
                name="rulesuggestion_applied_when_accepted",
            ),
            # Re-structuring a criterion never stores the same proposal twice.
            models.UniqueConstraint(fields=["criterion", "key"], name="rulesuggestion_unique_per_criterion"),
        ]
        indexes = [
            # The review queue: trials with proposals waiting, and a trial's waiting proposals.
            models.Index(fields=["criterion"], condition=Q(state="proposed"), name="rulesuggestion_pending_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_state_display()}: {self.words[:60]}"

    @property
    def is_pending(self) -> bool:
        return self.state == SuggestionState.PROPOSED
