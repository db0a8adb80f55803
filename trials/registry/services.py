"""Writes to the trials registry. Every function is keyword-only, transactional and validates.

Each upsert compares what is stored with what it is given and writes nothing when they agree, so a
re-import changes nothing (and adds no history rows).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction

from trials.eligibility.rules import cohort_key, rule_key, tumour_type_key
from trials.geography.countries import is_uk_source, trial_countries
from trials.record.data import (
    ContactData,
    DrugClassData,
    GlossaryTermData,
    HospitalData,
    InterventionData,
    TrialData,
    TumourTypeData,
)
from trials.record.writing import trial_to_data
from trials.registry.cache import bump_generation
from trials.registry.choices import InterventionKind, Status
from trials.registry.contacts import TrialContact
from trials.registry.drug_classes import DrugClass
from trials.registry.locks import ADMIN_SOURCE
from trials.registry.models import (
    Criterion,
    GlossaryTerm,
    Hospital,
    Intervention,
    Trial,
    TrialIntervention,
    TrialSite,
    TrialSlug,
    TumourType,
)
from trials.registry.publications import Publication

M = TypeVar("M", bound=models.Model)


class WriteOutcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class SaveResult(Generic[M]):
    obj: M
    outcome: WriteOutcome


def _assign(instance: models.Model, values: dict[str, Any]) -> bool:
    """Set the values on the instance; return whether any differed."""
    changed = False
    for name, value in values.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    return changed


def _upsert(model: type[M], lookup: dict[str, Any], values: dict[str, Any]) -> SaveResult[M]:
    instance = model._default_manager.filter(**lookup).first()
    created = instance is None
    if instance is None:
        instance = model(**lookup)
    if not _assign(instance, values) and not created:
        return SaveResult(instance, WriteOutcome.UNCHANGED)
    instance.full_clean()
    instance.save()
    return SaveResult(instance, WriteOutcome.CREATED if created else WriteOutcome.UPDATED)


@transaction.atomic
def tumour_type_upsert(*, data: TumourTypeData) -> SaveResult[TumourType]:
    result = _upsert(
        TumourType,
        {"slug": data.slug},
        {
            "name": data.name,
            "synonyms": list(data.synonyms),
            "primary_site": data.primary_site,
            "diagnosis": data.diagnosis,
            "description": data.description,
        },
    )
    if result.outcome is not WriteOutcome.UNCHANGED:
        trial_refresh_derived(trials=trials_affected_by_tumour_type(tumour_type=result.obj))
    return result


def trials_affected_by_tumour_type(*, tumour_type: TumourType) -> models.QuerySet[Trial]:
    """Trials whose derived fields may change when this tumour type is added or changed."""
    covering = [t.pk for t in TumourType.objects.all() if t.covers(tumour_type)]
    return Trial.objects.filter(
        models.Q(tumour_types__in=covering)
        | models.Q(any_net=True)
        | models.Q(tumour_type_coverage__contains=[tumour_type.slug])
    ).distinct()


@transaction.atomic
def intervention_upsert(*, data: InterventionData, needs_review: bool = False) -> SaveResult[Intervention]:
    values: dict[str, Any] = {
        "name": data.name,
        "kind": data.kind or InterventionKind.OTHER,
        "synonyms": list(data.synonyms),
        "description": data.description,
    }
    if needs_review:
        values["needs_review"] = True
    result = _upsert(Intervention, {"slug": data.slug}, values)
    if result.outcome is WriteOutcome.UPDATED:
        trial_refresh_derived(trials=result.obj.trials.all())
    return result


@transaction.atomic
def drug_class_upsert(*, data: DrugClassData) -> SaveResult[DrugClass]:
    """Write a drug class and its members (which must be interventions of the vocabulary)."""
    members = list(Intervention.objects.filter(slug__in=data.members).order_by("slug"))
    missing = sorted(set(data.members) - {m.slug for m in members})
    if missing:
        raise ValidationError({"members": f"Unknown intervention {', '.join(missing)}."})
    result = _upsert(DrugClass, {"slug": data.slug}, {"name": data.name, "description": data.description})
    current = set(result.obj.members.values_list("slug", flat=True))
    if current == set(data.members):
        return result
    result.obj.members.set(members)
    return SaveResult(
        result.obj, WriteOutcome.CREATED if result.outcome is WriteOutcome.CREATED else WriteOutcome.UPDATED
    )


@transaction.atomic
def hospital_upsert(*, data: HospitalData) -> SaveResult[Hospital]:
    return _upsert(
        Hospital,
        {"name": data.name, "postcode": data.postcode},
        {"town": data.town, "region": data.region, "latitude": data.latitude, "longitude": data.longitude},
    )


@transaction.atomic
def glossary_term_upsert(*, data: GlossaryTermData) -> SaveResult[GlossaryTerm]:
    return _upsert(GlossaryTerm, {"term": data.term}, {"definition": data.definition, "synonyms": list(data.synonyms)})


def search_text_for(*, tumour_types: Iterable[TumourType], interventions: Iterable[Intervention]) -> str:
    """The related search text of a trial with these tumour types and interventions (in order)."""
    words: list[str] = []
    for tumour_type in tumour_types:
        words += [tumour_type.name, *tumour_type.synonyms]
    for intervention in interventions:
        words += [intervention.name, *intervention.synonyms, intervention.get_kind_display()]
    return " | ".join(dict.fromkeys(words))


def coverage_for(*, tumour_types: list[TumourType], all_types: list[TumourType], any_net: bool = False) -> list[str]:
    """The slugs of the tumour types a trial for `tumour_types` covers, sorted.

    A trial marked "any NET" covers every type; one with no tumour type otherwise covers none (an
    imported study whose conditions name no NET is not a trial for every NET).
    """
    covered = all_types if any_net else [t for t in all_types if any(own.covers(t) for own in tumour_types)]
    return sorted(t.slug for t in covered)


def derived_values_for(
    *,
    tumour_types: list[TumourType],
    interventions: list[Intervention],
    all_types: list[TumourType],
    criteria: Iterable[tuple[str, dict[str, Any] | None, str]] = (),
    hospital_ids: Iterable[int] = (),
    any_net: bool = False,
    countries: Iterable[str] = (),
) -> dict[str, Any]:
    """Every derived field of a trial with these related rows (pure: no queries).

    `criteria` are (kind, rule or None, cohort) in the trial's order; `hospital_ids` its sites'
    hospitals; `countries` as `trial_countries()` works them out. The common criteria (no cohort) give
    `rule_keys` and `unchecked_criteria`; each criterion of a cohort gives a cohort key
    (trials.eligibility.rules.cohort_key), with or without a rule. An "any NET" trial has no tumour
    type keys: its tumour type is met by everyone (trials.eligibility.ranking).
    """
    criteria = list(criteria)
    return {
        "related_search_text": search_text_for(tumour_types=tumour_types, interventions=interventions),
        "tumour_type_coverage": coverage_for(tumour_types=tumour_types, all_types=all_types, any_net=any_net),
        "intervention_slugs": [i.slug for i in interventions],
        "intervention_kinds": sorted({i.kind for i in interventions}),
        "site_hospital_ids": sorted(set(hospital_ids)),
        "rule_keys": [rule_key(kind, rule) for kind, rule, cohort in criteria if rule is not None and not cohort]
        + [cohort_key(cohort, kind, rule) for kind, rule, cohort in criteria if cohort],
        "unchecked_criteria": sum(1 for _kind, rule, cohort in criteria if rule is None and not cohort),
        "tumour_type_keys": (
            [] if any_net else sorted({tumour_type_key(t.primary_site, t.diagnosis) for t in tumour_types})
        ),
        "countries": sorted(set(countries)),
    }


def _derived_values(trial: Trial, all_types: list[TumourType]) -> dict[str, Any]:
    interventions = [link.intervention for link in trial.trial_interventions.select_related("intervention")]
    # Unordered: by the trial's own index, whatever the planner knows of the tables' sizes.
    sites = list(trial.sites.order_by().values_list("hospital_id", "hospital__region", "hospital__postcode"))
    return derived_values_for(
        tumour_types=list(trial.tumour_types.all()),
        interventions=interventions,
        all_types=all_types,
        criteria=trial.criteria.order_by("position", "id").values_list("kind", "rule", "cohort"),
        hospital_ids=[hospital_id for hospital_id, _region, _postcode in sites],
        any_net=trial.any_net,
        countries=trial_countries(
            registry_countries=trial.registry_countries,
            uk_source=is_uk_source(cruk_id=trial.cruk_id, iras=trial.iras, source_url=trial.source_url),
            hospitals=[(region, postcode) for _id, region, postcode in sites],
        ),
    )


@transaction.atomic
def trial_refresh_derived(*, trials: Iterable[Trial]) -> int:
    """Recompute what a trial copies from related rows (search text, coverage, intervention arrays)."""
    all_types = list(TumourType.objects.all())
    changed = 0
    for trial in trials:
        values = _derived_values(trial, all_types)
        if any(getattr(trial, name) != value for name, value in values.items()):
            # update() so that a refresh of derived fields is not recorded as an editorial change.
            Trial.objects.filter(pk=trial.pk).update(**values)
            bump_generation()
            for name, value in values.items():
                setattr(trial, name, value)
            changed += 1
    return changed


def _trial_values(data: TrialData) -> dict[str, Any]:
    return {
        "slug": data.slug,
        "cruk_id": data.cruk_id,
        "nct_id": data.nct,
        "isrctn": data.isrctn,
        "eudract": data.eudract,
        "iras": data.iras,
        "title": data.title,
        "acronym": data.acronym,
        "official_title": data.official_title,
        "status": data.status,
        "phase": data.phase,
        "trial_type": data.trial_type,
        "summary": data.summary,
        "more_about": data.more_about,
        "trial_design": data.trial_design,
        "hospital_visits": data.hospital_visits,
        "side_effects": data.side_effects,
        "other_information": data.other_information,
        "registry_conditions": list(data.registry_conditions),
        "registry_countries": list(data.registry_countries),
        "any_net": data.any_net,
        "draft_reason": data.draft_reason,
        "recruitment_start": data.recruitment_start.date if data.recruitment_start else None,
        "recruitment_start_precision": data.recruitment_start.precision if data.recruitment_start else "day",
        "recruitment_end": data.recruitment_end.date if data.recruitment_end else None,
        "recruitment_end_precision": data.recruitment_end.precision if data.recruitment_end else "day",
        "chief_investigator": data.chief_investigator,
        "supported_by": list(data.supported_by),
        "min_age": data.min_age,
        "max_age": data.max_age,
        "sexes": list(data.sexes),
        "grades": list(data.grades),
        "results_summary": data.results_summary,
        "source": data.source,
        "source_url": data.source_url,
        "registry_last_updated": data.registry_last_updated,
        "status_confirmed": data.status_confirmed,
        "status_source": data.status_source,
        "admin_notes": data.admin_notes,
        "last_reviewed": data.last_reviewed,
        "published": data.published,
    }


def _tumour_types_get_or_create(refs: Iterable[TumourTypeData]) -> list[TumourType]:
    refs = list(refs)
    found = {t.slug: t for t in TumourType.objects.filter(slug__in=[r.slug for r in refs])}
    missing = [r for r in refs if r.slug not in found]
    for ref in missing:
        if not ref.name:
            raise ValidationError({"cancer_types": f"Unknown tumour type {ref.slug!r} (give a name to create it)."})
        found[ref.slug] = tumour_type_upsert(data=ref).obj
    return [found[r.slug] for r in refs]


def _interventions_get_or_create(refs: Iterable[InterventionData]) -> list[Intervention]:
    refs = list(refs)
    found = {i.slug: i for i in Intervention.objects.filter(slug__in=[r.slug for r in refs])}
    for ref in refs:
        if ref.slug in found:
            continue
        if not ref.name:
            raise ValidationError({"interventions": f"Unknown intervention {ref.slug!r} (give a name to create it)."})
        found[ref.slug] = intervention_upsert(data=ref).obj
    return [found[r.slug] for r in refs]


def _sync_old_slugs(trial: Trial, slugs: Iterable[str]) -> None:
    wanted = set(slugs) - {trial.slug}
    clashes = Trial.objects.filter(slug__in=wanted).values_list("slug", flat=True)
    if clashes:
        raise ValidationError({"old_slugs": f"{', '.join(clashes)} is the current slug of another trial."})
    taken = TrialSlug.objects.filter(slug__in=wanted).exclude(trial=trial).values_list("slug", flat=True)
    if taken:
        raise ValidationError({"old_slugs": f"{', '.join(taken)} already redirects to another trial."})
    TrialSlug.objects.filter(trial=trial).exclude(slug__in=wanted).delete()
    existing = set(TrialSlug.objects.filter(trial=trial).values_list("slug", flat=True))
    for slug in sorted(wanted - existing):
        TrialSlug.objects.create(trial=trial, slug=slug)


def _sync_interventions(trial: Trial, interventions: list[Intervention]) -> None:
    current = [link.intervention_id for link in trial.trial_interventions.order_by("position", "id")]
    if current == [i.pk for i in interventions]:
        return
    trial.trial_interventions.all().delete()
    for position, intervention in enumerate(interventions):
        TrialIntervention.objects.create(trial=trial, intervention=intervention, position=position)


def _sync_criteria(trial: Trial, data: TrialData) -> None:
    """Write the record's criteria, keeping the stored rows: by kind and text first, then by kind.

    Rows are matched by kind and text, in order, so a criterion keeps its id (and what hangs on it:
    its history, its rule suggestions) when other criteria, its rule or its position change. A
    criterion whose text changed takes a row of its kind left over, so its history shows the change
    (and its suggestions read from the old text are withdrawn, not lost); rows still left are deleted.
    """
    stored = list(trial.criteria.order_by("position", "id"))
    if [(c.kind, c.text, c.rule, c.registry_text, c.cohort) for c in stored] == [
        (c.kind, c.text, c.rule, c.registry_text, c.cohort) for c in data.criteria
    ]:
        return
    unused: dict[tuple[str, str], list[Criterion]] = {}
    for row in stored:
        unused.setdefault((row.kind, row.text), []).append(row)
    found = [matches.pop(0) if (matches := unused.get((c.kind, c.text))) else None for c in data.criteria]
    left = [row for rows in unused.values() for row in rows]
    left.sort(key=lambda row: (row.position, row.pk))
    rows: list[tuple[Criterion, dict[str, Any]]] = []
    for position, (criterion_data, match) in enumerate(zip(data.criteria, found, strict=True)):
        if match is None:
            match = next((r for r in left if r.kind == criterion_data.kind), None)
            if match is None:
                match = Criterion(trial=trial, kind=criterion_data.kind)
            else:
                left.remove(match)
        values = {"text": criterion_data.text, "rule": criterion_data.rule, "position": position}
        rows.append((match, {**values, "registry_text": criterion_data.registry_text, "cohort": criterion_data.cohort}))
    Criterion.objects.filter(pk__in=[row.pk for row in left]).delete()
    for position, (row, values) in enumerate(rows):
        if not _assign(row, values) and row.pk is not None:
            continue
        try:
            row.full_clean()
        except ValidationError as error:
            raise ValidationError({f"eligibility.criteria[{position}]": error.messages}) from error
        row.save()


def _sync_sites(trial: Trial, data: TrialData) -> None:
    """Update the trial's sites in place: a hospital's site keeps its row; a site the record dropped goes."""
    wanted: dict[int, tuple[bool, ContactData | None]] = {}
    for location in data.locations:
        hospital = hospital_upsert(data=location.hospital).obj
        wanted[hospital.pk] = (location.recruiting, location.contact)
    current = {site.hospital_id: site for site in trial.sites.all()}
    for hospital_id, site in current.items():
        if hospital_id not in wanted:
            site.delete()
        elif site.recruiting != wanted[hospital_id][0]:
            site.recruiting = wanted[hospital_id][0]
            site.save()
    for hospital_id, (recruiting, _contact) in wanted.items():
        if hospital_id not in current:
            current[hospital_id] = TrialSite.objects.create(trial=trial, hospital_id=hospital_id, recruiting=recruiting)
    for hospital_id, (_recruiting, contact) in wanted.items():
        _sync_contact_list(trial, current[hospital_id], [contact] if contact else [])


def _sync_contacts(trial: Trial, data: TrialData) -> None:
    _sync_contact_list(trial, None, list(data.contacts))


def _sync_contact_list(trial: Trial, site: TrialSite | None, contacts: list[ContactData]) -> None:
    """Make the trial's (or one site's) contacts these, in order; write nothing when they already are."""
    stored = TrialContact.objects.filter(trial=trial, site=site)
    if [(c.name, c.role, c.phone, c.email) for c in stored] == [(c.name, c.role, c.phone, c.email) for c in contacts]:
        return
    stored.delete()
    for position, data in enumerate(contacts):
        contact = TrialContact(
            trial=trial,
            site=site,
            name=data.name,
            role=data.role,
            phone=data.phone,
            email=data.email,
            position=position,
        )
        try:
            contact.full_clean()
        except ValidationError as error:
            raise ValidationError({f"contacts[{position}]": error.messages}) from error
        contact.save()


def _sync_publications(trial: Trial, data: TrialData) -> None:
    current = [(p.title, p.url) for p in trial.publications.all()]
    if current == [(p.title, p.url) for p in data.publications]:
        return
    trial.publications.all().delete()
    for position, publication in enumerate(data.publications):
        Publication.objects.create(trial=trial, title=publication.title, url=publication.url, position=position)


@transaction.atomic
def trial_upsert(*, data: TrialData, trial: Trial | None = None) -> SaveResult[Trial]:
    """Create or update a trial and everything it holds from a validated record.

    Without `trial`, the trial with the record's slug is updated (or created).
    """
    if trial is None:
        trial = Trial.objects.for_detail().filter(slug=data.slug).first()
    if trial is not None and trial_to_data(trial) == data:
        return SaveResult(trial, WriteOutcome.UNCHANGED)
    created = trial is None
    trial = trial or Trial()
    _assign(trial, _trial_values(data))
    trial.full_clean()
    trial.save()
    _sync_old_slugs(trial, data.old_slugs)
    trial.tumour_types.set(_tumour_types_get_or_create(data.cancer_types))
    _sync_interventions(trial, _interventions_get_or_create(data.interventions))
    _sync_criteria(trial, data)
    _sync_sites(trial, data)
    _sync_contacts(trial, data)
    _sync_publications(trial, data)
    trial_refresh_derived(trials=[trial])
    return SaveResult(trial, WriteOutcome.CREATED if created else WriteOutcome.UPDATED)


@transaction.atomic
def trial_record_slug_change(*, trial: Trial, old_slug: str) -> None:
    """Keep a trial's previous slug so that its old address redirects to the new one."""
    if old_slug and old_slug != trial.slug:
        TrialSlug.objects.filter(slug=trial.slug).delete()
        TrialSlug.objects.get_or_create(slug=old_slug, defaults={"trial": trial})


@transaction.atomic
def trials_set_status(*, trials: Iterable[Trial], status: str) -> int:
    """Set the status of each trial (recorded in its history); return how many changed."""
    if status not in Status.values:
        raise ValidationError({"status": f"{status!r} is not one of: {', '.join(Status.values)}."})
    return _save_each(trials, status=status)


@transaction.atomic
def trials_confirm_status(*, trials: Iterable[Trial], today: dt.date) -> int:
    """Record that an admin confirmed each trial's status today (in its history); return how many changed."""
    return _save_each(trials, status_confirmed=today, status_source=ADMIN_SOURCE)


@transaction.atomic
def trials_set_published(*, trials: Iterable[Trial], published: bool) -> int:
    """Publish or unpublish each trial (recorded in its history); return how many changed."""
    return _save_each(trials, published=published)


def _save_each(trials: Iterable[Trial], **values: Any) -> int:
    changed = 0
    for trial in trials:
        if _assign(trial, values):
            trial.full_clean()
            trial.save()
            changed += 1
    return changed
