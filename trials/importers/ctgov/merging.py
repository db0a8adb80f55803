"""Merge a mapped study into the stored trial (or a new one) by the ownership rules, as `TrialData`.

The registry's fields (`REGISTRY_OWNED`) overwrite the stored ones when the record has them; the
others keep what an admin wrote. Tumour types come from the study's conditions, keywords and MeSH
terms (`trials.importers.conditions`), interventions by name or synonym; both are added to the
stored ones, and unknown interventions are created, flagged for review. A study naming no NET/NEC
is never published: it stays a draft with `draft_reason` "no neuroendocrine condition".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from django.utils.text import slugify

from trials.importers.conditions import map_conditions, normalise_term, tumour_type_synonyms
from trials.importers.ctgov.locations import RegistrySite
from trials.importers.ctgov.mapping import (
    IDENT,
    INFO_HEADING,
    INFO_LABELS,
    OPEN_STATUSES,
    MappedStudy,
    RegistryIntervention,
    intervention_kind,
)
from trials.importers.sites import site_hospital
from trials.record.data import (
    CriterionData,
    InterventionData,
    LocationData,
    TrialData,
)
from trials.record.parsing import RecordInvalid
from trials.record.writing import intervention_to_data, tumour_type_to_data
from trials.registry.choices import Status, TrialType
from trials.registry.models import Intervention, Trial, TumourType
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
        "contacts",
        "chief_investigator",
        "recruitment_start",
        "recruitment_end",
        "registry_conditions",
        "registry_countries",
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


def _locations_from_registry(sites: list[RegistrySite], trial_open: bool) -> tuple[LocationData, ...]:
    """Each site at its hospital (matched or located: `trials.importers.sites`), with its own status and contact.

    A site recruits only while the trial is open: a site's own "recruiting" never opens a closed trial.
    """
    result: dict[tuple[str, str], LocationData] = {}
    for site in sites:
        hospital = site_hospital(
            name=site.name,
            town=site.town,
            region=site.region,
            postcode=site.postcode,
            country=site.country,
            geo_point=site.geo_point,
        )
        recruiting = trial_open and (site.status in OPEN_STATUSES if site.status else True)
        location = LocationData(hospital=hospital, recruiting=recruiting, contact=site.contact)
        result.setdefault((hospital.name, hospital.postcode), location)
    return tuple(sorted(result.values(), key=lambda loc: (loc.hospital.name, loc.hospital.postcode)))


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
    """Keep the rules (and cohorts) an admin added to criteria whose text the registry still has.

    A criterion stating several facts holds one rule per stored row, each row with the same text
    (an inclusion needs them all, any one of an exclusion excludes): the registry's one criterion
    becomes those rows again.
    """
    kept: dict[tuple[str, str], list[CriterionData]] = {}
    for c in stored:
        if c.rule is not None or c.cohort:
            kept.setdefault((c.kind, _key(c.text)), []).append(c)
    rows: list[CriterionData] = []
    for c in criteria:
        olds = kept.get((c.kind, _key(c.text)))
        rows += [replace(c, rule=old.rule, cohort=old.cohort) for old in olds] if olds else [c]
    return tuple(rows)


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
            published=False,
        )
    else:
        base = stored

    info = dict(mapped.info)
    # Conditions, keywords and MeSH terms name tumour types (trials.importers.conditions); the
    # conditions and keywords matching none are kept as text.
    types = list(TumourType.objects.all())
    mapping = map_conditions(mapped.condition_terms, tumour_type_synonyms(types).terms)
    by_slug = {t.slug: t for t in types}
    cancer_types = {t.slug: t for t in base.cancer_types}
    cancer_types.update({slug: tumour_type_to_data(by_slug[slug]) for slug in mapping.slugs})
    facts["cancer_types"] = tuple(sorted(cancer_types.values(), key=lambda t: t.slug))
    matched = {normalise_term(m.term) for m in mapping.matches}
    if mapped.conditions is not None:
        facts["registry_conditions"] = tuple(c for c in mapped.conditions if normalise_term(c) not in matched)
    if mapped.keywords is not None:
        info["Keywords"] = "; ".join(k for k in mapped.keywords if normalise_term(k) not in matched)
    # A study that names no NET/NEC stays a draft, whatever `publish` says, unless an admin has
    # given it a tumour type or published it.
    held_back = "" if cancer_types or base.any_net else mapping.draft_reason
    facts["published"] = base.published or (publish and not held_back)
    facts["draft_reason"] = "" if facts["published"] else held_back
    if mapped.interventions is not None:
        registry = _interventions_from_registry(mapped.interventions)
        facts["interventions"] = tuple(dict.fromkeys([*base.interventions, *registry]))
    if "registry_countries" in facts:
        # Added to those another registry (ISRCTN) gave, as they add to these: never removed by a sync.
        facts["registry_countries"] = tuple(dict.fromkeys([*base.registry_countries, *facts["registry_countries"]]))
    if "criteria" in facts:
        facts["criteria"] = _with_rules(facts["criteria"], base.criteria)
    if mapped.locations is not None:
        facts["locations"] = _locations_from_registry(mapped.locations, facts.get("status", base.status) == Status.OPEN)
    facts["other_information"] = _other_information(base.other_information, info)
    facts["source_url"] = STUDY_URL + mapped.nct
    facts["source"] = f"ClinicalTrials.gov record {mapped.nct}, imported {today.isoformat()}"
    return replace(base, **facts)
