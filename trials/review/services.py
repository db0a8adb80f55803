"""Writes of suggested rules: proposing them from a trial's criteria, and an admin's decisions.

Proposals are stored, never applied: only `suggestions_accept` (one, or every pending one of a
trial) writes rules onto criteria, through `trial_upsert()`, so the change is validated, recorded in
the criteria's history with the admin who made it, and refreshes the trial's ranking keys and the
registry's cache generation like any other edit.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from trials.eligibility.rules import RuleError, validate_rule
from trials.record.data import CriterionData
from trials.record.writing import trial_to_data
from trials.registry.models import Criterion, Intervention, Trial
from trials.registry.services import trial_upsert
from trials.review.models import RuleSuggestion, SuggestionState
from trials.review.selectors import vocabulary_load
from trials.structuring import Vocabulary, structure_criterion


class ReviewError(ValueError):
    """A decision that cannot be made; the message says why in plain words."""


@dataclass
class RefreshReport:
    proposed: int = 0
    withdrawn: int = 0

    def add(self, other: RefreshReport) -> None:
        self.proposed += other.proposed
        self.withdrawn += other.withdrawn


def suggestion_key(text: str, rule: dict[str, Any]) -> str:
    """One proposal per criterion text and rule: the hash of both."""
    return hashlib.sha256(json.dumps([text, rule], sort_keys=True).encode()).hexdigest()


@transaction.atomic
def trial_suggestions_refresh(*, trial: Trial, vocabulary: Vocabulary | None = None) -> RefreshReport:
    """Propose the structurer's rules for each of the trial's criteria; idempotent.

    A rule the criterion already holds is not proposed; a proposal already stored (whatever its
    state) is not stored again, so a rejected rule stays rejected. Pending proposals the criterion's
    text no longer gives (the text changed, or the rule is now on the criterion) are withdrawn.
    """
    vocabulary = vocabulary if vocabulary is not None else vocabulary_load()
    report = RefreshReport()
    groups: dict[tuple[str, str], list[Criterion]] = {}
    for criterion in trial.criteria.order_by("position", "id").prefetch_related("suggestions"):
        groups.setdefault((criterion.kind, criterion.text), []).append(criterion)
    new: list[RuleSuggestion] = []
    stale: list[int] = []
    for (kind, text), rows in groups.items():
        held = [row.rule for row in rows if row.rule is not None]
        wanted = {
            suggestion_key(text, proposal.rule): proposal
            for proposal in structure_criterion(kind, text, vocabulary)
            if proposal.rule not in held
        }
        stored = [suggestion for row in rows for suggestion in row.suggestions.all()]
        stale += [s.pk for s in stored if s.state == SuggestionState.PROPOSED and s.key not in wanted]
        known = {s.key for s in stored}
        for key, proposal in wanted.items():
            if key in known:
                continue
            suggestion = RuleSuggestion(
                criterion=rows[0],
                text=text,
                rule=proposal.rule,
                start=proposal.start,
                end=proposal.end,
                words=proposal.words,
                explanation=proposal.explanation,
                pattern=proposal.pattern[:60],
                key=key,
            )
            suggestion.clean_fields(exclude=["criterion"])  # the row was just read: skip a query per proposal
            new.append(suggestion)
    if stale:
        report.withdrawn = RuleSuggestion.objects.filter(pk__in=stale).update(state=SuggestionState.WITHDRAWN)
    report.proposed = len(RuleSuggestion.objects.bulk_create(new))
    return report


def trials_suggestions_refresh(*, trials: Iterable[Trial]) -> RefreshReport:
    """Refresh the proposals of each trial (one transaction each), reading the vocabulary once."""
    vocabulary = vocabulary_load()
    report = RefreshReport()
    for trial in trials:
        report.add(trial_suggestions_refresh(trial=trial, vocabulary=vocabulary))
    return report


def _known_treatments(slugs: Iterable[str]) -> set[str]:
    return set(Intervention.objects.filter(slug__in=list(slugs)).values_list("slug", flat=True))


def _with_rule(criteria: list[CriterionData], kind: str, text: str, rule: dict[str, Any]) -> None:
    """Put `rule` on the criterion with this kind and text: on a row without a rule, or a new row after its rows."""
    rows = [i for i, c in enumerate(criteria) if (c.kind, c.text) == (kind, text)]
    if not rows:
        raise ReviewError("The criterion is no longer in the trial; refresh the page.")
    if any(criteria[i].rule == rule for i in rows):
        return
    free = next((i for i in rows if criteria[i].rule is None), None)
    if free is not None:
        criteria[free] = replace(criteria[free], rule=rule)
    else:
        criteria.insert(rows[-1] + 1, replace(criteria[rows[-1]], rule=rule))


@transaction.atomic
def suggestions_accept(
    *,
    trial: Trial,
    suggestions: Sequence[RuleSuggestion],
    user: User | None,
    edited: dict[int, dict[str, Any]] | None = None,
) -> int:
    """Write the rules of pending `suggestions` of `trial` onto their criteria; return how many.

    `edited` maps a suggestion's id to the rule the admin wrote instead of the proposal.
    """
    edited = edited or {}
    trial = Trial.objects.select_for_update().get(pk=trial.pk)
    locked = list(
        RuleSuggestion.objects.select_for_update(of=("self",))
        .select_related("criterion")
        .filter(pk__in=[s.pk for s in suggestions], criterion__trial=trial)
    )
    if len(locked) != len(suggestions):
        raise ReviewError("A suggestion is not one of this trial's; refresh the page.")
    data = trial_to_data(Trial.objects.for_detail().get(pk=trial.pk))
    criteria = list(data.criteria)
    now = timezone.now()
    for suggestion in locked:
        if not suggestion.is_pending:
            raise ReviewError(f"This suggestion was already {suggestion.get_state_display().lower()}.")
        if suggestion.text != suggestion.criterion.text:
            raise ReviewError("The criterion's text has changed since this rule was proposed; refresh the page.")
        rule = edited.get(suggestion.pk, suggestion.rule)
        try:
            validate_rule(rule, known_treatments=_known_treatments)
        except RuleError as error:
            raise ReviewError(str(error)) from error
        _with_rule(criteria, suggestion.criterion.kind, suggestion.text, rule)
        suggestion.state = SuggestionState.EDITED if suggestion.pk in edited else SuggestionState.ACCEPTED
        suggestion.applied_rule, suggestion.reviewed_by, suggestion.reviewed_at = rule, user, now
    trial_upsert(data=replace(data, criteria=tuple(criteria)), trial=trial)
    for suggestion in locked:
        suggestion.full_clean(validate_unique=False)
        suggestion.save(update_fields=["state", "applied_rule", "reviewed_by", "reviewed_at"])
    return len(locked)


def suggestion_accept(*, suggestion: RuleSuggestion, user: User | None, rule: dict[str, Any] | None = None) -> None:
    """Accept one suggestion as proposed, or with the admin's `rule` instead (state "edited")."""
    trial = suggestion.criterion.trial
    edited = {suggestion.pk: rule} if rule is not None and rule != suggestion.rule else None
    suggestions_accept(trial=trial, suggestions=[suggestion], user=user, edited=edited)


def trial_suggestions_accept_all(*, trial: Trial, user: User | None) -> int:
    """Accept every pending suggestion of the trial as proposed; return how many."""
    pending = list(RuleSuggestion.objects.filter(criterion__trial=trial, state=SuggestionState.PROPOSED))
    if not pending:
        raise ReviewError("This trial has no suggestions waiting.")
    return suggestions_accept(trial=trial, suggestions=pending, user=user)


@transaction.atomic
def suggestion_reject(*, suggestion: RuleSuggestion, user: User | None) -> None:
    """Reject a pending suggestion: it never counts, and is not proposed again for this text."""
    locked = RuleSuggestion.objects.select_for_update().get(pk=suggestion.pk)
    if not locked.is_pending:
        raise ReviewError(f"This suggestion was already {locked.get_state_display().lower()}.")
    locked.state, locked.reviewed_by, locked.reviewed_at = SuggestionState.REJECTED, user, timezone.now()
    locked.full_clean(validate_unique=False)
    locked.save(update_fields=["state", "reviewed_by", "reviewed_at"])
    suggestion.state, suggestion.reviewed_by, suggestion.reviewed_at = locked.state, user, locked.reviewed_at
