"""The list row: the part of a trial record a list shows, written once for the API's list and its CSV."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, TypedDict

from trials.record.writing import (
    CancerTypeRecord,
    InterventionRecord,
    cancer_type_record,
    intervention_record,
    intervention_to_data,
    tumour_type_to_data,
)

if TYPE_CHECKING:
    from trials.geography.distance import NearestSite
    from trials.registry.models import Trial


class NearestSiteRow(TypedDict):
    hospital: str
    town: str
    distance_miles: float | None


class TrialRow(TypedDict):
    """One trial of a list: a subset of the record, plus the match's highlight and nearest site."""

    slug: str
    url: str
    cruk_id: int | None
    title: str
    acronym: str
    status: str
    phase: str
    trial_type: str
    cancer_types: list[CancerTypeRecord]
    grades: list[str]
    summary: str
    interventions: list[InterventionRecord]
    updated_at: dt.datetime
    highlight: str | None
    nearest_site: NearestSiteRow | None


def rounded_miles(value: float | None) -> float | None:
    """A distance to 0.1 mile, as every list and record shows it."""
    return round(value, 1) if value is not None else None


def trial_to_row(
    trial: Trial, *, url: str, headline: str | None = None, nearest: NearestSite | None = None
) -> TrialRow:
    """One row of a trial list. Load the trials with `Trial.objects.for_listing()`."""
    return {
        "slug": trial.slug,
        "url": url,
        "cruk_id": trial.cruk_id,
        "title": trial.title,
        "acronym": trial.acronym,
        "status": trial.status,
        "phase": trial.phase,
        "trial_type": trial.trial_type,
        "cancer_types": [
            cancer_type_record(tumour_type_to_data(t)) for t in sorted(trial.tumour_types.all(), key=lambda t: t.slug)
        ],
        "grades": sorted(trial.grades),
        "summary": trial.summary,
        "interventions": [
            intervention_record(intervention_to_data(link.intervention)) for link in trial.trial_interventions.all()
        ],
        "updated_at": trial.updated_at,
        "highlight": headline,
        "nearest_site": (
            {"hospital": nearest.hospital, "town": nearest.town, "distance_miles": rounded_miles(nearest.miles)}
            if nearest
            else None
        ),
    }
