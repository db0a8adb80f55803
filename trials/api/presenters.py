"""Trials as the API's plain data: the full record and the list row. The serializers fix the shape."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request

from trials.geography.distance import NearestSite
from trials.record.format import TrialData
from trials.registry.models import Trial


def _miles(value: float | None) -> float | None:
    return round(value, 1) if value is not None else None


def trial_url(trial: Trial, request: Request) -> str:
    return request.build_absolute_uri(trial.get_absolute_url())


def trial_record(trial: Trial, *, request: Request, distances: dict[tuple[str, str], float] | None) -> dict[str, Any]:
    """The trial record (docs/trial-record.md) plus `url`, `updated_at` and each site's distance.

    Load the trial with `Trial.objects.for_detail()`. The serializer leaves out what is editorial
    (`old_slugs`, `source`, `source_url`, `published`).
    """
    record = TrialData.from_trial(trial).to_record()
    record["url"] = trial_url(trial, request)
    record["updated_at"] = trial.updated_at
    for location in record["locations"]:
        miles = (distances or {}).get((location["hospital"], location["postcode"]))
        location["distance_miles"] = _miles(miles)
    return record


def trial_row(trial: Trial, *, request: Request, headline: str | None, nearest: NearestSite | None) -> dict[str, Any]:
    """One row of the trial list. Load the trials with `Trial.objects.for_listing()`."""
    return {
        "slug": trial.slug,
        "url": trial_url(trial, request),
        "cruk_id": trial.cruk_id,
        "title": trial.title,
        "acronym": trial.acronym,
        "status": trial.status,
        "phase": trial.phase,
        "trial_type": trial.trial_type,
        "cancer_types": [
            {"slug": t.slug, "name": t.name} for t in sorted(trial.tumour_types.all(), key=lambda t: t.slug)
        ],
        "grades": sorted(trial.grades),
        "summary": trial.summary,
        "interventions": [
            {
                "slug": link.intervention.slug,
                "name": link.intervention.name,
                "kind": link.intervention.kind,
                "synonyms": list(link.intervention.synonyms),
            }
            for link in trial.trial_interventions.all()
        ],
        "updated_at": trial.updated_at,
        "highlight": headline,
        "nearest_site": (
            {"hospital": nearest.hospital, "town": nearest.town, "distance_miles": _miles(nearest.miles)}
            if nearest
            else None
        ),
    }
