"""Import a bundle of trial records (docs/trial-record.md): the seed file and our own exports."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from trials.importers.report import ImportReport
from trials.records import (
    RecordInvalid,
    parse_glossary_term,
    parse_hospital,
    parse_intervention,
    parse_trial,
    parse_tumour_type,
)
from trials.services import (
    SaveResult,
    glossary_term_upsert,
    hospital_upsert,
    intervention_upsert,
    trial_upsert,
    tumour_type_upsert,
)


def describe(error: Exception) -> str:
    """Return a readable reason for a record that failed."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


def _import_each(
    report: ImportReport,
    source: str,
    section: str,
    items: object,
    save: Callable[[Any, str], SaveResult[Any]],
) -> None:
    if items is None:
        return
    if not isinstance(items, list):
        report.fail(source, section, "must be a list.")
        return
    for index, item in enumerate(items):
        position = f"{section}[{index}]"
        label = item.get("slug") or item.get("name") or item.get("term") if isinstance(item, Mapping) else None
        if label:
            position += f" ({label})"
        try:
            with transaction.atomic():
                result = save(item, f"{section}[{index}]")
        except (RecordInvalid, ValidationError) as error:
            report.fail(source, position, describe(error))
        else:
            report.count(result.outcome)


def bundle_import(*, bundle: object, source: str, published: bool | None = None) -> ImportReport:
    """Import every vocabulary entry and trial in the bundle, each in its own transaction.

    `published` overrides the records' own `published` flags when given.
    """
    report = ImportReport()
    if not isinstance(bundle, Mapping):
        report.fail(source, "file", "must be a JSON object with a 'trials' list.")
        return report

    def save_trial(item: Any, prefix: str) -> SaveResult[Any]:
        data = parse_trial(item)
        if published is not None:
            data = replace(data, published=published)
        return trial_upsert(data=data)

    sections: list[tuple[str, Callable[[Any, str], SaveResult[Any]]]] = [
        ("tumour_types", lambda item, _: tumour_type_upsert(data=parse_tumour_type(item))),
        ("interventions", lambda item, _: intervention_upsert(data=parse_intervention(item))),
        ("hospitals", lambda item, _: hospital_upsert(data=parse_hospital(item))),
        ("glossary", lambda item, _: glossary_term_upsert(data=parse_glossary_term(item))),
        ("trials", save_trial),
    ]
    for section, save in sections:
        _import_each(report, source, section, bundle.get(section), save)
    return report
