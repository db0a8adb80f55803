"""Streaming CSV downloads (the trial list, a patient's matches): each line is sent as soon as it is written.

Every cell goes through `trialsearch.spreadsheet` (OWASP's rule), so no export can carry a formula.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.http import StreamingHttpResponse

from trialsearch.spreadsheet import CSVLines


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The header, then one line per row, each written only when the previous one has been sent."""
    lines = CSVLines()
    yield lines.row(header)
    for row in rows:
        yield lines.row(row)


def csv_response(lines: Iterator[str], *, filename: str) -> StreamingHttpResponse:
    """Stream the lines as a UTF-8 CSV attachment called `filename`."""
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
