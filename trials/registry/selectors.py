"""Reads of the trials registry for the pages and the API."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Case, F, FloatField, Prefetch, Value, When

from trials.geography.postcodes import Place, distance_miles
from trials.registry.contacts import TrialContact
from trials.registry.drug_classes import DrugClass
from trials.registry.models import Intervention, Trial, TrialSite, TrialSlug


@dataclass(frozen=True)
class TrialLookup:
    """A published trial found by slug, or the slug it now has when an old one was used."""

    trial: Trial | None = None
    redirect_slug: str | None = None


def trial_get_published(*, slug: str, for_page: bool = False) -> TrialLookup:
    """Find a published trial by its slug or by one of its old slugs.

    Loaded for the full record, or with `for_page` for the trial page (`TrialQuerySet.for_page()`).
    """
    trials = Trial.objects.published()
    trial = (trials.for_page() if for_page else trials.for_reading()).filter(slug=slug).first()
    if trial is not None:
        return TrialLookup(trial=trial)
    old = TrialSlug.objects.filter(slug=slug, trial__published=True).select_related("trial").first()
    if old is not None:
        return TrialLookup(redirect_slug=old.trial.slug)
    return TrialLookup()


def trial_get_published_by_cruk_id(*, cruk_id: int) -> Trial | None:
    """Find a published trial by its CRUK trial database number."""
    return Trial.objects.published().for_reading().filter(cruk_id=cruk_id).first()


def trial_sites(*, trial: Trial, place: Place | None = None) -> list[TrialSite]:
    """The trial's sites with their hospitals; nearest first with `miles` when a place is given."""
    sites = TrialSite.objects.filter(trial=trial).select_related("hospital")
    if place is None:
        return list(sites.order_by("hospital__town", "hospital__name"))
    sites = sites.annotate(
        miles=Case(
            When(hospital__latitude__isnull=True, then=Value(None)),
            default=distance_miles("hospital__latitude", "hospital__longitude", place),
            output_field=FloatField(),
        )
    )
    return list(sites.order_by(F("miles").asc(nulls_last=True), "hospital__name"))


@dataclass(frozen=True)
class TeamContact:
    """A contact the trial page lists under "Contact the trial team"; `site` names a site's own contact."""

    contact: TrialContact
    site: TrialSite | None = None


def trial_contacts(*, trial: Trial, sites: list[TrialSite], place: Place | None) -> list[TeamContact]:
    """The trial team's contacts; with a place, the contact of the nearest site that has one first.

    `trial` is loaded with `for_page()` or `for_detail()` (its contacts, the sites' among them) and
    `sites` by `trial_sites()`, so this runs no query.
    """
    contacts = list(trial.contacts.all())
    found: list[TeamContact] = []
    if place is not None:
        by_site = {c.site_id: c for c in reversed(contacts) if c.site_id is not None}
        nearest = next((s for s in sites if getattr(s, "miles", None) is not None and s.pk in by_site), None)
        if nearest is not None:
            found.append(TeamContact(contact=by_site[nearest.pk], site=nearest))
    found += [TeamContact(contact=c) for c in contacts if c.site_id is None]
    return found


def known_intervention_slugs(slugs: Iterable[str]) -> set[str]:
    """Which of `slugs` are interventions in the vocabulary (one query)."""
    return set(Intervention.objects.filter(slug__in=list(slugs)).values_list("slug", flat=True))


def drug_class_list() -> list[DrugClass]:
    """Every drug class by name, with its members by slug (two queries)."""
    members = Prefetch("members", queryset=Intervention.objects.order_by("slug"))
    return list(DrugClass.objects.prefetch_related(members).order_by("name"))
