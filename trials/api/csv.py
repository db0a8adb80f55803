"""The trial list as CSV: one trial per line, every matching trial, streamed as it is read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from rest_framework.request import Request

from trials.api.presenters import trial_url
from trials.registry.models import Trial
from trialsearch.spreadsheet import CSVLines

HEADER = [
    "slug",
    "url",
    "cruk_id",
    "title",
    "acronym",
    "status",
    "phase",
    "trial_type",
    "cancer_types",
    "grades",
    "interventions",
    "nct",
    "isrctn",
    "eudract",
    "min_age",
    "max_age",
    "updated_at",
]
DISTANCE = "distance_miles"
CHUNK = 500


def _row(trial: Trial, request: Request, with_distance: bool) -> list[Any]:
    row: list[Any] = [
        trial.slug,
        trial_url(trial, request),
        trial.cruk_id if trial.cruk_id is not None else "",
        trial.title,
        trial.acronym,
        trial.status,
        trial.phase,
        trial.trial_type,
        "; ".join(t.name for t in sorted(trial.tumour_types.all(), key=lambda t: t.slug)),
        "; ".join(sorted(trial.grades)),
        "; ".join(link.intervention.name for link in trial.trial_interventions.all()),
        trial.nct_id,
        trial.isrctn,
        trial.eudract,
        "" if trial.min_age is None else trial.min_age,
        "" if trial.max_age is None else trial.max_age,
        trial.updated_at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
    ]
    if with_distance:
        miles = getattr(trial, DISTANCE, None)
        row.append("" if miles is None else f"{miles:.1f}")
    return row


def trial_csv_lines(trials: QuerySet[Trial], *, request: Request, with_distance: bool) -> Iterator[str]:
    """The header, then one line per trial; rows are read from the database in chunks."""
    lines = CSVLines()
    yield lines.row([*HEADER, DISTANCE] if with_distance else HEADER)
    for trial in trials.iterator(chunk_size=CHUNK):
        yield lines.row(_row(trial, request, with_distance))


def trial_csv_response(trials: QuerySet[Trial], *, request: Request, with_distance: bool) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        trial_csv_lines(trials, request=request, with_distance=with_distance), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="trials.csv"'
    return response
