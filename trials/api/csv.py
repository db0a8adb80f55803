"""The trial list as CSV: one trial per line, every matching trial, streamed as it is read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from rest_framework.request import Request

from trials.api.presenters import trial_row
from trials.exports import csv_lines, csv_response
from trials.registry.models import Trial

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


def _cells(trial: Trial, request: Request, with_distance: bool) -> list[Any]:
    """The list row's values as text cells, and the identifiers and ages a worksheet needs too."""
    row = trial_row(trial, request=request, headline=None, nearest=None)
    cells: list[Any] = [
        row["slug"],
        row["url"],
        row["cruk_id"] if row["cruk_id"] is not None else "",
        row["title"],
        row["acronym"],
        row["status"],
        row["phase"],
        row["trial_type"],
        "; ".join(t["name"] for t in row["cancer_types"]),
        "; ".join(row["grades"]),
        "; ".join(i["name"] for i in row["interventions"]),
        trial.nct_id,
        trial.isrctn,
        trial.eudract,
        "" if trial.min_age is None else trial.min_age,
        "" if trial.max_age is None else trial.max_age,
        row["updated_at"].astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
    ]
    if with_distance:
        miles = getattr(trial, DISTANCE, None)
        cells.append("" if miles is None else f"{miles:.1f}")
    return cells


def trial_csv_lines(trials: QuerySet[Trial], *, request: Request, with_distance: bool) -> Iterator[str]:
    """The header, then one line per trial; rows are read from the database in chunks."""
    return csv_lines(
        [*HEADER, DISTANCE] if with_distance else HEADER,
        (_cells(trial, request, with_distance) for trial in trials.iterator(chunk_size=CHUNK)),
    )


def trial_csv_response(trials: QuerySet[Trial], *, request: Request, with_distance: bool) -> StreamingHttpResponse:
    return csv_response(trial_csv_lines(trials, request=request, with_distance=with_distance), filename="trials.csv")
