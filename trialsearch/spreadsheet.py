"""CSV that spreadsheets read as data: every export writes its lines through `CSVLines`.

A cell starting with = + - @, a tab or a carriage return is a formula to Excel, LibreOffice and
Google Sheets (`=HYPERLINK(...)` in a registry title would run on the specialist's computer).
OWASP's rule: prefix such a cell with a single quote, which the spreadsheet shows as text.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: object) -> object:
    """The value as a cell no spreadsheet evaluates: text that starts like a formula gets a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class _Echo:
    """A file-like object whose write() returns the line, so csv.writer can feed a generator."""

    def write(self, value: str) -> str:
        return value


class CSVLines:
    """csv.writer for streaming: `row()` returns one line of CSV, each cell through spreadsheet_cell()."""

    def __init__(self) -> None:
        self._writer = csv.writer(_Echo())

    def row(self, cells: Iterable[object]) -> str:
        line: str = self._writer.writerow([spreadsheet_cell(cell) for cell in cells])
        return line
