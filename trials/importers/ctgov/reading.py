"""Read ClinicalTrials.gov API v2 JSON files into studies, and give typed access to a study's fields.

`one_line()`, `cut()` and `code_words()` are the text helpers the mapping modules share.

Shapes read: a single study (`GET /studies/{nctId}`, an object with `protocolSection`), a `/studies`
page (`{"studies": [...], "nextPageToken": ...}`), the website's download (a list of studies), and
folders of such files. A study that appears more than once in one import (a page and a single
record of the same trial) is combined into one record, the first copy winning where both give a
value, so importing the same files again changes nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trials.importers.report import ImportReport
from trials.record.data import PartialDate
from trialsearch.hygiene import clean_data

NCT_RE = re.compile(r"^NCT\d{8}$")
# ClinicalTrials.gov allows 5,000 characters in a brief summary and 32,000 in a detailed
# description; anything far beyond that is a broken file, not a trial.
MAX_TEXT = 100_000
# Registry codes whose words are not just the code's, for `code_words()`.
STATUS_WORDS = {
    "ACTIVE_NOT_RECRUITING": "Active, not recruiting",
    "ENROLLING_BY_INVITATION": "Enrolling by invitation",
    "NOT_YET_RECRUITING": "Not yet recruiting",
}


def one_line(text: str) -> str:
    return " ".join(text.split())


def code_words(code: str) -> str:
    """'ACTIVE_NOT_RECRUITING' -> 'Active, not recruiting'; 'PHASE2' -> 'Phase 2'."""
    if code in STATUS_WORDS:
        return STATUS_WORDS[code]
    return re.sub(r"(\D)(\d)", r"\1 \2", code.replace("_", " ")).capitalize()


def cut(text: str, length: int) -> str:
    """Shorten to a column's length (names and places only; long text is refused instead)."""
    text = one_line(text)
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


@dataclass
class StudyRecord:
    """One study from a file: where it came from and its JSON."""

    source: str
    position: str
    study: Any
    copies: list[str] = field(default_factory=list)

    @property
    def nct(self) -> str:
        ident = dig(self.study, "protocolSection", "identificationModule", "nctId")
        return ident.strip().upper() if isinstance(ident, str) else ""

    @property
    def label(self) -> str:
        nct = self.nct
        return f"{self.position} ({nct})" if nct and nct not in self.position else self.position


@dataclass
class StudyBatch:
    """The studies read from files, and the files (or entries) that could not be read."""

    records: list[StudyRecord] = field(default_factory=list)
    report: ImportReport = field(default_factory=ImportReport)


def dig(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, Mapping):
            return None
        data = data.get(key)
    return data


def studies_from_json(source: str, content: str | bytes, batch: StudyBatch) -> None:
    """Read one file's JSON into the batch; a file that is not API v2 JSON is a failure."""
    try:
        data = clean_data(json.loads(content))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        batch.report.fail(source, "file", f"not valid JSON ({error}).")
        return
    if isinstance(data, Mapping) and "protocolSection" in data:
        batch.records.append(StudyRecord(source, "study", data))
    elif isinstance(data, Mapping) and isinstance(data.get("studies"), list):
        batch.records += [StudyRecord(source, f"studies[{i}]", s) for i, s in enumerate(data["studies"])]
    elif isinstance(data, list):
        batch.records += [StudyRecord(source, f"[{i}]", s) for i, s in enumerate(data)]
    else:
        found = (
            f"an object with keys {', '.join(sorted(map(str, data))[:6])}"
            if isinstance(data, Mapping)
            else f"a JSON {type(data).__name__}"
        )
        batch.report.fail(
            source,
            "file",
            "not ClinicalTrials.gov API v2 JSON: expected a study (with protocolSection), a /studies page "
            f"(with studies) or a list of studies; found {found}.",
        )


def json_files(paths: Iterable[Path]) -> list[tuple[str, Path]]:
    """Expand folders (recursively, *.json, sorted) into (name to report, path) pairs."""
    files: list[tuple[str, Path]] = []
    for path in paths:
        if path.is_dir():
            files += [(str(p.relative_to(path.parent)), p) for p in sorted(path.rglob("*.json")) if p.is_file()]
        else:
            files.append((str(path), path))
    return files


def read_paths(paths: Iterable[Path]) -> StudyBatch:
    """Read every file (and folder) given into one batch."""
    batch = StudyBatch()
    for name, path in json_files(paths):
        try:
            content = path.read_bytes()
        except OSError as error:
            batch.report.fail(name, "file", f"cannot be read ({error.strerror or error}).")
            continue
        studies_from_json(name, content, batch)
    return batch


def combine_copies(records: list[StudyRecord]) -> list[StudyRecord]:
    """Merge the copies of a study that appear more than once (the first copy wins)."""
    by_nct: dict[str, StudyRecord] = {}
    combined: list[StudyRecord] = []
    for record in records:
        nct = record.nct
        first = by_nct.get(nct) if NCT_RE.match(nct) else None
        if first is None:
            if NCT_RE.match(nct):
                by_nct[nct] = record
            combined.append(record)
            continue
        if isinstance(first.study, Mapping) and isinstance(record.study, Mapping):
            first.study = _merge(first.study, record.study)
        first.copies.append(f"{record.source} {record.position}")
    return combined


def _merge(first: Mapping[str, Any], other: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(first)
    for key, value in other.items():
        if key not in merged or merged[key] is None:
            merged[key] = value
        elif isinstance(merged[key], Mapping) and isinstance(value, Mapping):
            merged[key] = _merge(merged[key], value)
    return merged


class StudyReader:
    """Typed access to one study's JSON, collecting an error per bad field (named by its path)."""

    def __init__(self, data: Any) -> None:
        self.errors: dict[str, str] = {}
        if not isinstance(data, Mapping):
            self.errors["study"] = "must be a JSON object with a protocolSection."
            data = {}
        elif not isinstance(data.get("protocolSection"), Mapping):
            self.errors["protocolSection"] = "is required (a JSON object)."
        self.data: Mapping[str, Any] = data

    def fail(self, path: str, message: str) -> None:
        self.errors.setdefault(path, message)

    def has(self, path: str) -> bool:
        return self._walk(path)[0]

    def _walk(self, path: str) -> tuple[bool, Any]:
        node: Any = self.data
        walked: list[str] = []
        for key in path.split("."):
            if not isinstance(node, Mapping):
                self.fail(".".join(walked), "must be a JSON object.")
                return False, None
            if key not in node or node[key] is None:
                return False, None
            node = node[key]
            walked.append(key)
        return True, node

    def text(self, path: str, *, max_length: int | None = MAX_TEXT) -> str | None:
        """The text at `path`, or None when the record does not give it."""
        present, value = self._walk(path)
        if not present:
            return None
        if not isinstance(value, str):
            self.fail(path, "must be text.")
            return None
        value = value.strip()
        if max_length is not None and len(value) > max_length:
            self.fail(path, f"must be at most {max_length} characters (it has {len(value)}).")
            return None
        return value

    def items(self, path: str) -> list[Any] | None:
        present, value = self._walk(path)
        if not present:
            return None
        if not isinstance(value, list):
            self.fail(path, "must be a list.")
            return None
        return value

    def texts(self, path: str) -> list[str] | None:
        values = self.items(path)
        if values is None:
            return None
        if not all(isinstance(v, str) for v in values):
            self.fail(path, "must be a list of text.")
            return None
        return list(dict.fromkeys(one_line(v) for v in values if v.strip()))

    def objects(self, path: str) -> list[Mapping[str, Any]] | None:
        values = self.items(path)
        if values is None:
            return None
        if not all(isinstance(v, Mapping) for v in values):
            self.fail(path, "must be a list of objects.")
            return None
        return values

    def date(self, path: str) -> PartialDate | None:
        text = self.text(path)
        if not text:
            return None
        try:
            return PartialDate.parse(text)
        except ValueError as error:
            self.fail(path, str(error))
            return None
