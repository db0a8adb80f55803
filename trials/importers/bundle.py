"""Import a bundle of trial records (docs/trial-record.md): the seed file and our own exports."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from contextlib import nullcontext
from dataclasses import replace
from typing import Any, TypedDict

from django.core.exceptions import ValidationError
from django.db import transaction

from trials.eligibility.rules import CLASS_PREFIX
from trials.importers.report import ImportReport
from trials.record.data import FORMAT
from trials.record.parsing import (
    RecordInvalid,
    parse_drug_class,
    parse_glossary_term,
    parse_hospital,
    parse_intervention,
    parse_trial,
    parse_tumour_type,
)
from trials.record.writing import TrialRecord, data_to_record, trial_to_data
from trials.registry.drug_classes import DrugClass
from trials.registry.models import GlossaryTerm, Hospital, Intervention, Trial, TumourType
from trials.registry.services import (
    SaveResult,
    drug_class_upsert,
    glossary_term_upsert,
    hospital_upsert,
    intervention_upsert,
    trial_upsert,
    tumour_type_upsert,
)
from trialsearch.hygiene import clean_data


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
    on_record: Callable[[], None],
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
        on_record()


def bundle_import(
    *,
    bundle: object,
    source: str,
    published: bool | None = None,
    on_record: Callable[[int, int, ImportReport], None] | None = None,
) -> ImportReport:
    """Import every vocabulary entry and trial in the bundle, each in its own transaction.

    `published` overrides the records' own `published` flags when given. `on_record(number, total,
    report)` is called after each entry (for progress).
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
        ("drug_classes", lambda item, _: drug_class_upsert(data=parse_drug_class(item))),
        ("hospitals", lambda item, _: hospital_upsert(data=parse_hospital(item))),
        ("glossary", lambda item, _: glossary_term_upsert(data=parse_glossary_term(item))),
        ("trials", save_trial),
    ]
    total = sum(len(items) for items in (bundle.get(section) for section, _ in sections) if isinstance(items, list))
    done = 0

    def record_done() -> None:
        nonlocal done
        done += 1
        if on_record is not None:
            on_record(done, total, report)

    for section, save in sections:
        _import_each(report, source, section, bundle.get(section), save, record_done)
    return report


def bundle_import_json(
    *,
    source: str,
    content: str | bytes,
    dry_run: bool = False,
    published: bool | None = None,
    on_record: Callable[[int, int, ImportReport], None] | None = None,
) -> ImportReport:
    """Read a bundle file's JSON and import it; with `dry_run`, report what would happen and write nothing.

    Only a dry run holds one outer transaction (rolled back): otherwise each entry is committed as it goes.
    """
    try:
        bundle = clean_data(json.loads(content))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        report = ImportReport()
        report.fail(source, "file", f"not valid JSON ({error}).")
        return report
    if isinstance(bundle, Mapping) and bundle.get("format", FORMAT) != FORMAT:
        report = ImportReport()
        report.fail(source, "file", f"format {bundle.get('format')!r} is not {FORMAT!r}.")
        return report
    with transaction.atomic() if dry_run else nullcontext():
        report = bundle_import(bundle=bundle, source=source, published=published, on_record=on_record)
        if dry_run:
            transaction.set_rollback(True)
    return report


def _sorted_json(value: Any) -> Any:
    """Return JSON with the keys of every object sorted (rules are free-form JSON)."""
    if isinstance(value, Mapping):
        return {key: _sorted_json(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted_json(item) for item in value]
    return value


class TumourTypeEntry(TypedDict):
    slug: str
    name: str
    synonyms: list[str]
    primary_site: str
    diagnosis: str
    description: str


class InterventionEntry(TypedDict):
    slug: str
    name: str
    kind: str
    synonyms: list[str]
    description: str


class DrugClassEntry(TypedDict):
    slug: str
    name: str
    description: str
    members: list[str]


class HospitalEntry(TypedDict):
    name: str
    town: str
    region: str
    postcode: str
    latitude: float | None
    longitude: float | None


class GlossaryEntry(TypedDict):
    term: str
    synonyms: list[str]
    definition: str


class Bundle(TypedDict):
    """An export file (docs/trial-record.md): the trials and the vocabulary they use."""

    format: str
    tumour_types: list[TumourTypeEntry]
    interventions: list[InterventionEntry]
    drug_classes: list[DrugClassEntry]
    hospitals: list[HospitalEntry]
    glossary: list[GlossaryEntry]
    trials: list[TrialRecord]


def bundle_export(*, trials: Iterable[Trial]) -> Bundle:
    """Return the bundle (docs/trial-record.md) of the trials and the vocabulary they use, ordered by slug."""
    records: list[TrialRecord] = []
    for trial in sorted(trials, key=lambda t: t.slug):
        record = data_to_record(trial_to_data(trial))
        for criterion in record["eligibility"]["criteria"]:
            criterion["rule"] = _sorted_json(criterion["rule"])
        records.append(record)
    tumour_slugs = {t["slug"] for r in records for t in r["cancer_types"]}
    # Rules may name interventions (prior treatments): an import needs them to validate the rule.
    named = {
        item
        for r in records
        for c in r["eligibility"]["criteria"]
        if c["rule"] and isinstance(c["rule"].get("value"), list)
        for item in c["rule"]["value"]
        if isinstance(item, str)
    }
    classes = list(
        DrugClass.objects.filter(slug__in=[n.removeprefix(CLASS_PREFIX) for n in named if n.startswith(CLASS_PREFIX)])
        .prefetch_related("members")
        .order_by("slug")
    )
    members = {m.slug for c in classes for m in c.members.all()}
    intervention_slugs = {i["slug"] for r in records for i in r["interventions"]} | named | members
    hospital_keys = {(loc["hospital"], loc["postcode"]) for r in records for loc in r["locations"]}
    hospitals = [
        h
        for h in Hospital.objects.filter(name__in={name for name, _ in hospital_keys}).order_by("name", "postcode")
        if (h.name, h.postcode) in hospital_keys
    ]
    return {
        "format": FORMAT,
        "tumour_types": [
            {
                "slug": t.slug,
                "name": t.name,
                "synonyms": list(t.synonyms),
                "primary_site": t.primary_site,
                "diagnosis": t.diagnosis,
                "description": t.description,
            }
            for t in TumourType.objects.filter(slug__in=tumour_slugs).order_by("slug")
        ],
        "interventions": [
            {
                "slug": i.slug,
                "name": i.name,
                "kind": i.kind,
                "synonyms": list(i.synonyms),
                "description": i.description,
            }
            for i in Intervention.objects.filter(slug__in=intervention_slugs).order_by("slug")
        ],
        "drug_classes": [
            {
                "slug": c.slug,
                "name": c.name,
                "description": c.description,
                "members": sorted(m.slug for m in c.members.all()),
            }
            for c in classes
        ],
        "hospitals": [
            {
                "name": h.name,
                "town": h.town,
                "region": h.region,
                "postcode": h.postcode,
                "latitude": h.latitude,
                "longitude": h.longitude,
            }
            for h in hospitals
        ],
        "glossary": [
            {"term": g.term, "synonyms": list(g.synonyms), "definition": g.definition}
            for g in GlossaryTerm.objects.order_by("term")
        ],
        "trials": records,
    }


def bundle_dumps(bundle: Mapping[str, Any]) -> str:
    """Serialise a bundle deterministically: the same data always gives the same bytes."""
    return json.dumps(bundle, indent=2, ensure_ascii=False) + "\n"
