"""Merge a mapped ISRCTN trial into the stored trial (or a new one), as `TrialData`.

The conversions `mapping` leaves: criteria pairs become `CriterionData` (keeping the rules an admin
wrote for criteria whose text the registry still has), dates `PartialDate`s to the day, and centres
sites at hospitals: an existing hospital of the same name in the same town (`hospital_match_key`)
or with the same name and postcode is used as stored (an admin may have curated it); otherwise a new
one is located from its UK postcode, else its UK town, with the shipped data (`locate`). The status
is the registry's derived one, `results` when the trial has results and is not open.

Conditions are matched to tumour types by `map_conditions` (synonyms from the TumourType rows); a
trial none of whose conditions names a neuroendocrine neoplasm is never published (`held_back`).
Tumour types and interventions are added to the stored ones, never removed.

Ownership (see `trials.importers.registries`): keyed by ISRCTN number, ISRCTN owns the registry
fields of a trial until ClinicalTrials.gov's record of it has been imported; from then on it adds
only its number, the numbers the trial lacks and tumour types. Numbers of other registries (NCT,
EudraCT, IRAS) fill a blank field and never replace one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from django.utils.text import slugify

from trials.importers.conditions import map_conditions, tumour_type_synonyms
from trials.importers.ctgov.mapping import RegistryIntervention
from trials.importers.ctgov.merging import _interventions_from_registry, _with_rules
from trials.importers.isrctn.mapping import INFO_HEADING, MappedIsrctnTrial, Site
from trials.importers.registries import without_block
from trials.importers.sites import site_hospital
from trials.record.data import CriterionData, HospitalData, LocationData, PartialDate, TrialData
from trials.record.writing import tumour_type_to_data
from trials.registry.choices import Status
from trials.registry.models import TumourType

SOURCE = "ISRCTN record {isrctn}, imported {today}"


@dataclass(frozen=True)
class IsrctnMerge:
    """The merged record, and why it is held back as a draft ("" when it is not)."""

    data: TrialData
    held_back: str = ""


def trial_status(mapped: MappedIsrctnTrial) -> str:
    """The registry's status as ours: `results` when the trial has results and is not open."""
    status = mapped.status.status
    return Status.RESULTS if mapped.has_results and status != Status.OPEN else status


def build_isrctn_trial_data(
    mapped: MappedIsrctnTrial, stored: TrialData | None, *, ctgov_owns: bool, publish: bool, today: dt.date
) -> IsrctnMerge:
    """Merge what ISRCTN says into the stored trial (or a new one) by the ownership rules."""
    types = list(TumourType.objects.all())
    conditions = map_conditions(mapped.conditions, tumour_type_synonyms(types).terms)
    by_slug = {t.slug: t for t in types}
    cancer_types = {t.slug: t for t in (stored.cancer_types if stored else ())}
    cancer_types.update({slug: tumour_type_to_data(by_slug[slug]) for slug in conditions.slugs})
    # A trial an admin has given a tumour type (or marked "any NET") is not held back.
    held_back = "" if cancer_types or (stored is not None and stored.any_net) else conditions.draft_reason
    if stored is None:
        base = TrialData(
            slug=_slug(mapped), title=mapped.title, status=Status.CLOSED, trial_type=mapped.trial_type, published=False
        )
    else:
        base = stored
    published = base.published or (publish and not held_back)
    facts: dict[str, Any] = {
        "isrctn": mapped.isrctn,
        "published": published,
        "draft_reason": "" if published else held_back,
        "cancer_types": tuple(sorted(cancer_types.values(), key=lambda t: t.slug)),
        "registry_countries": tuple(dict.fromkeys([*base.registry_countries, *mapped.countries])),
    }
    for name in ("nct", "eudract", "iras"):
        if not getattr(base, name) and getattr(mapped, name):
            facts[name] = getattr(mapped, name)
    if ctgov_owns and stored is not None:
        return IsrctnMerge(replace(base, **facts), facts["draft_reason"])
    status = trial_status(mapped)
    registry = [RegistryIntervention(name=i.name, type=i.type, other_names=i.other_names) for i in mapped.interventions]
    criteria = tuple(CriterionData(kind=kind, text=text, registry_text=text) for kind, text in mapped.criteria)
    kept = without_block(base.other_information, INFO_HEADING)
    facts.update(
        title=mapped.title,
        acronym=mapped.acronym,
        official_title=mapped.official_title,
        summary=mapped.summary,
        more_about=mapped.more_about,
        status=status,
        phase=mapped.phase,
        trial_type=mapped.trial_type,
        min_age=mapped.min_age,
        max_age=mapped.max_age,
        sexes=tuple(sorted(mapped.sexes)),
        criteria=_with_rules(criteria, base.criteria),
        registry_conditions=conditions.unmatched,
        interventions=tuple(dict.fromkeys([*base.interventions, *_interventions_from_registry(registry)])),
        locations=_locations(mapped.sites, recruiting=status == Status.OPEN),
        supported_by=mapped.supported_by,
        recruitment_start=_day(mapped.recruitment_start),
        recruitment_end=_day(mapped.recruitment_end),
        registry_last_updated=mapped.registry_last_updated,
        other_information="\n\n".join(p for p in (kept, mapped.other_information) if p),
        source=SOURCE.format(isrctn=mapped.isrctn, today=today.isoformat()),
        source_url=mapped.source_url,
    )
    return IsrctnMerge(replace(base, **facts), facts["draft_reason"])


def _slug(mapped: MappedIsrctnTrial) -> str:
    stem = slugify(mapped.acronym or mapped.title)
    if len(stem) > 60:  # Cut at a word boundary.
        stem = stem[:61].rsplit("-", 1)[0]
    return f"{stem}-{mapped.isrctn.lower()}" if stem else mapped.isrctn.lower()


def _day(date: dt.date | None) -> PartialDate | None:
    return PartialDate(date) if date is not None else None


def _hospital(site: Site) -> HospitalData:
    return site_hospital(
        name=site.name,
        town=site.town,
        region=site.country,
        postcode=site.postcode,
        country=site.country,
        geo_point=None,
    )


def _locations(sites: tuple[Site, ...], *, recruiting: bool) -> tuple[LocationData, ...]:
    hospitals = {(h.name, h.postcode): h for h in map(_hospital, sites)}
    locations = [LocationData(hospital=h, recruiting=recruiting) for h in hospitals.values()]
    return tuple(sorted(locations, key=lambda loc: (loc.hospital.name, loc.hospital.postcode)))
