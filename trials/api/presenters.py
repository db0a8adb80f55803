"""Trials as the API's plain data: the full record and the list row, from their one writer each.

The serializers in `trials.api.serializers` fix which keys go out and describe them in the schema.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from rest_framework.request import Request

from trials.geography.distance import NearestSite
from trials.record import listing
from trials.record.listing import TrialRow, rounded_miles
from trials.record.writing import TrialRecord, data_to_record, trial_to_data
from trials.registry.freshness import status_needs_checking
from trials.registry.models import Trial


class TrialDetail(TrialRecord):
    """The record as the API gives it: with the trial's page, its last change and whether its status is stale."""

    url: str
    updated_at: dt.datetime
    status_needs_checking: bool
    countries: list[str]


def trial_url(trial: Trial, request: Request) -> str:
    return request.build_absolute_uri(trial.get_absolute_url())


def trial_record(trial: Trial, *, request: Request, distances: dict[tuple[str, str], float] | None) -> TrialDetail:
    """The trial record (docs/trial-record.md) plus `url`, `updated_at`, `status_needs_checking`, `countries`
    and each site's distance.

    Load the trial with `Trial.objects.for_detail()`. The serializer leaves out what is editorial
    (`old_slugs`, `source`, `source_url`, `admin_notes`, `published`).
    """
    record = data_to_record(trial_to_data(trial))
    for location in record["locations"]:
        location["distance_miles"] = rounded_miles((distances or {}).get((location["hospital"], location["postcode"])))
    return TrialDetail(
        **record,
        url=trial_url(trial, request),
        updated_at=trial.updated_at,
        status_needs_checking=status_needs_checking(trial, timezone.localdate()),
        countries=list(trial.countries),
    )


def trial_row(trial: Trial, *, request: Request, headline: str | None, nearest: NearestSite | None) -> TrialRow:
    """One row of the trial list. Load the trials with `Trial.objects.for_listing()`."""
    return listing.trial_to_row(trial, url=trial_url(trial, request), headline=headline, nearest=nearest)
