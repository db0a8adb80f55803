"""Reads of the trials registry for the pages and the API."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from trials.choices import InterventionKind, Status
from trials.models import Intervention, Trial, TrialSlug, TumourType


@dataclass(frozen=True)
class TrialLookup:
    """A published trial found by slug, or the slug it now has when an old one was used."""

    trial: Trial | None = None
    redirect_slug: str | None = None


def trial_get_published(*, slug: str) -> TrialLookup:
    """Find a published trial by its slug or by one of its old slugs."""
    trial = Trial.objects.published().for_detail().select_related(None).filter(slug=slug).first()
    if trial is not None:
        return TrialLookup(trial=trial)
    old = TrialSlug.objects.filter(slug=slug, trial__published=True).select_related("trial").first()
    if old is not None:
        return TrialLookup(redirect_slug=old.trial.slug)
    return TrialLookup()


def trial_get_published_by_cruk_id(*, cruk_id: int) -> Trial | None:
    """Find a published trial by its CRUK trial database number."""
    return Trial.objects.published().for_detail().filter(cruk_id=cruk_id).first()


def trial_list_published(*, statuses: list[str] | None = None) -> QuerySet[Trial]:
    """Published trials of the given statuses (all when None), newest first."""
    trials = Trial.objects.published().for_listing()
    if statuses:
        trials = trials.with_status(statuses)
    return trials.order_by("-updated_at", "title")


def tumour_types_in_use() -> QuerySet[TumourType]:
    """Tumour types with at least one published trial, with how many are open."""
    return (
        TumourType.objects.annotate(
            trial_count=Count("trials", filter=Q(trials__published=True), distinct=True),
            open_count=Count("trials", filter=Q(trials__published=True, trials__status=Status.OPEN), distinct=True),
        )
        .filter(trial_count__gt=0)
        .order_by("name")
    )


def interventions_in_use() -> QuerySet[Intervention]:
    """Treatments with at least one published trial (placebo and the like left out)."""
    return (
        Intervention.objects.exclude(kind=InterventionKind.OTHER)
        .annotate(trial_count=Count("trials", filter=Q(trials__published=True), distinct=True))
        .filter(trial_count__gt=0)
        .order_by("name")
    )
