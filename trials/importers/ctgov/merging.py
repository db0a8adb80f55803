"""Merge a mapped study into the stored trial (or a new one) by the ownership rules, as `TrialData`.

The registry's fields (`REGISTRY_OWNED`) overwrite the stored ones when the record has them; the
others keep what an admin wrote. Tumour types and interventions are matched by name or synonym
and added to the stored ones; unknown interventions are created, flagged for review.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from django.utils.text import slugify

from trials.importers.ctgov.mapping import (
    IDENT,
    INFO_HEADING,
    INFO_LABELS,
    OPEN_STATUSES,
    MappedStudy,
    RegistryIntervention,
    intervention_kind,
)
from trials.record.data import (
    CriterionData,
    HospitalData,
    InterventionData,
    LocationData,
    TrialData,
)
from trials.record.parsing import RecordInvalid
from trials.record.writing import hospital_to_data, intervention_to_data, tumour_type_to_data
from trials.registry.choices import Status, TrialType
from trials.registry.models import Hospital, Intervention, Trial, TumourType
from trials.registry.services import intervention_upsert

STUDY_URL = "https://clinicaltrials.gov/study/"

# The trial fields the registry owns: a re-import overwrites them (when the record has them).
REGISTRY_OWNED = frozenset(
    {
        "nct",
        "eudract",
        "isrctn",
        "title",
        "acronym",
        "official_title",
        "status",
        "phase",
        "trial_type",
        "summary",
        "more_about",
        "criteria",
        "min_age",
        "max_age",
        "sexes",
        "locations",
        "supported_by",
        "chief_investigator",
        "recruitment_start",
        "recruitment_end",
        "registry_conditions",
        "registry_last_updated",
        "other_information",
        "source",
        "source_url",
    }
)


def _key(text: str) -> str:
    """Return text for case-insensitive matching."""
    return " ".join(text.casefold().split())


def _vocabulary_index(rows: Iterable[Any]) -> dict[str, Any]:
    index: dict[str, Any] = {}
    for row in rows:
        for name in (row.name, *row.synonyms):
            index.setdefault(_key(name), row)
    return index


def _unique_slug(model: type[Intervention] | type[Trial], base: str, max_length: int) -> str:
    base = base[:max_length].strip("-") or "item"
    slug, number = base, 1
    while model.objects.filter(slug=slug).exists():
        number += 1
        suffix = f"-{number}"
        slug = base[: max_length - len(suffix)].strip("-") + suffix
    return slug


def _interventions_from_registry(items: list[RegistryIntervention]) -> list[InterventionData]:
    """Match each by name or synonym (case-insensitive); create the others, flagged for review."""
    index = _vocabulary_index(Intervention.objects.all())
    resolved: list[InterventionData] = []
    for item in items:
        match = next((index[_key(n)] for n in (item.name, *item.other_names) if _key(n) in index), None)
        if match is None:
            synonyms = tuple(o for o in item.other_names if _key(o) != _key(item.name))
            data = InterventionData(
                slug=_unique_slug(Intervention, slugify(item.name), 80),
                name=item.name,
                kind=intervention_kind(item),
                synonyms=synonyms,
            )
            match = intervention_upsert(data=data, needs_review=True).obj
            for name in (match.name, *match.synonyms):
                index.setdefault(_key(name), match)
        resolved.append(intervention_to_data(match))
    return list(dict.fromkeys(resolved))


def _locations_from_registry(locations: list[tuple[HospitalData, str]], trial_open: bool) -> tuple[LocationData, ...]:
    """Use a stored hospital as it is (an admin may have curated it); the others are created by the service."""
    stored = {(h.name, h.postcode): h for h in Hospital.objects.filter(name__in=[loc.name for loc, _ in locations])}
    result = []
    for hospital, status in locations:
        known = stored.get((hospital.name, hospital.postcode))
        if known is not None:
            hospital = hospital_to_data(known)
        recruiting = status in OPEN_STATUSES if status else trial_open
        result.append(LocationData(hospital=hospital, recruiting=recruiting))
    return tuple(sorted(result, key=lambda loc: (loc.hospital.name, loc.hospital.postcode)))


def _other_information(stored: str, info: dict[str, str]) -> str:
    """Replace the import's own lines (those the record gives) and keep every other line."""
    lines: dict[str, str] = {}
    kept: list[str] = []
    for line in stored.splitlines():
        label, sep, text = line.removeprefix("- ").partition(": ")
        if line.startswith("- ") and sep and label in INFO_LABELS:
            lines[label] = text
        elif line.strip() != INFO_HEADING:
            kept.append(line)
    lines.update(info)
    own = [f"- {label}: {lines[label]}" for label in INFO_LABELS if lines.get(label)]
    parts = ["\n".join(kept).strip(), "\n".join([INFO_HEADING, *own]) if own else ""]
    return "\n\n".join(p for p in parts if p)


def _with_rules(criteria: tuple[CriterionData, ...], stored: tuple[CriterionData, ...]) -> tuple[CriterionData, ...]:
    """Keep the rules (and cohorts) an admin added to criteria whose text the registry still has."""
    kept = {(c.kind, _key(c.text)): c for c in stored if c.rule is not None or c.cohort}
    return tuple(
        replace(c, rule=old.rule, cohort=old.cohort) if (old := kept.get((c.kind, _key(c.text)))) else c
        for c in criteria
    )


def build_trial_data(mapped: MappedStudy, stored: TrialData | None, *, publish: bool, today: dt.date) -> TrialData:
    """Merge what the registry says into the stored trial (or a new one) by the ownership rules."""
    facts = dict(mapped.facts)
    if mapped.has_results and facts.get("status", stored.status if stored else Status.CLOSED) != Status.OPEN:
        facts["status"] = Status.RESULTS
    if stored is not None and stored.status == Status.RESULTS and facts.get("status") == Status.CLOSED:
        facts["status"] = Status.RESULTS  # A trial an admin marked as having results stays so.
    if stored is None:
        title = facts.get("title") or facts.get("official_title", "")[:300]
        if not title:
            raise RecordInvalid({IDENT + "briefTitle": "is required for a new trial."})
        stem = slugify(facts.get("acronym") or title)
        if len(stem) > 60:  # Cut at a word boundary.
            stem = stem[:61].rsplit("-", 1)[0]
        base = TrialData(
            slug=f"{stem}-{mapped.nct.lower()}" if stem else mapped.nct.lower(),
            title=title,
            status=Status.CLOSED,
            trial_type=TrialType.OTHER,
            published=publish,
        )
    else:
        base = replace(stored, published=stored.published or publish)

    info = dict(mapped.info)
    if mapped.conditions is not None or mapped.keywords is not None:
        # Conditions and keywords name tumour types; those matching none are kept as text.
        index = _vocabulary_index(TumourType.objects.all())
        terms = [*(mapped.conditions or []), *(mapped.keywords or [])]
        cancer_types = {t.slug: t for t in base.cancer_types}
        for term in terms:
            if (match := index.get(_key(term))) is not None:
                cancer_types[match.slug] = tumour_type_to_data(match)
        facts["cancer_types"] = tuple(sorted(cancer_types.values(), key=lambda t: t.slug))
        if mapped.conditions is not None:
            facts["registry_conditions"] = tuple(c for c in mapped.conditions if _key(c) not in index)
        if mapped.keywords is not None:
            info["Keywords"] = "; ".join(k for k in mapped.keywords if _key(k) not in index)
    if mapped.interventions is not None:
        registry = _interventions_from_registry(mapped.interventions)
        facts["interventions"] = tuple(dict.fromkeys([*base.interventions, *registry]))
    if "criteria" in facts:
        facts["criteria"] = _with_rules(facts["criteria"], base.criteria)
    if mapped.locations is not None:
        facts["locations"] = _locations_from_registry(mapped.locations, facts.get("status", base.status) == Status.OPEN)
    facts["other_information"] = _other_information(base.other_information, info)
    facts["source_url"] = STUDY_URL + mapped.nct
    facts["source"] = f"ClinicalTrials.gov record {mapped.nct}, imported {today.isoformat()}"
    return replace(base, **facts)
