"""Write the trial record: a saved trial into `TrialData`, and `TrialData` into the JSON record.

`data_to_record()` is the one writer of the record shape: exports, the ClinicalTrials.gov
importer's validation and the API's detail view all use it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NotRequired, TypedDict

from trials.record.data import (
    ContactData,
    CriterionData,
    HospitalData,
    InterventionData,
    LocationData,
    PartialDate,
    PublicationData,
    TrialData,
    TumourTypeData,
)
from trials.registry.choices import CriterionKind

if TYPE_CHECKING:
    from trials.registry.contacts import TrialContact
    from trials.registry.models import Hospital, Intervention, Trial, TumourType


class CancerTypeRecord(TypedDict):
    slug: str
    name: str


class InterventionRecord(TypedDict):
    slug: str
    name: str
    kind: str
    synonyms: list[str]


class ContactRecord(TypedDict):
    name: str
    role: str
    phone: str
    email: str


class LocationRecord(TypedDict):
    hospital: str
    town: str
    region: str
    postcode: str
    latitude: float | None
    longitude: float | None
    recruiting: bool
    contact: ContactRecord | None
    # Only in the API's record, which adds each site's distance from the place asked about.
    distance_miles: NotRequired[float | None]


class IdentifiersRecord(TypedDict):
    nct: str
    isrctn: str
    eudract: str
    iras: str


class CriterionRecord(TypedDict):
    kind: str
    text: str
    rule: dict[str, Any] | None
    registry_text: NotRequired[str]  # only when the registry's words are kept
    cohort: str  # "" for a criterion every participant must meet


class EligibilityRecord(TypedDict):
    min_age: int | None
    max_age: int | None
    sexes: list[str]
    criteria: list[CriterionRecord]


class PublicationRecord(TypedDict):
    title: str
    url: str


class ResultsRecord(TypedDict):
    lay_summary: str
    publications: list[PublicationRecord]


class TrialRecord(TypedDict):
    """The JSON trial record of docs/trial-record.md, with `published`."""

    slug: str
    old_slugs: list[str]
    cruk_id: int | None
    title: str
    acronym: str
    official_title: str
    status: str
    phase: str
    trial_type: str
    cancer_types: list[CancerTypeRecord]
    any_net: bool
    registry_conditions: list[str]
    registry_countries: list[str]
    grades: list[str]
    summary: str
    more_about: str
    who_can_enter: list[str]
    who_cannot_take_part: list[str]
    trial_design: str
    hospital_visits: str
    side_effects: str
    interventions: list[InterventionRecord]
    locations: list[LocationRecord]
    recruitment_start: str | None
    recruitment_end: str | None
    chief_investigator: str
    supported_by: list[str]
    contacts: list[ContactRecord]
    other_information: str
    identifiers: IdentifiersRecord
    eligibility: EligibilityRecord
    results: ResultsRecord | None
    source: str
    source_url: str
    registry_last_updated: str | None
    status_confirmed: str | None
    status_source: str
    admin_notes: str
    last_reviewed: str | None
    published: bool
    draft_reason: str


def tumour_type_to_data(tumour_type: TumourType) -> TumourTypeData:
    """A trial's tumour type as the record names it (slug and name)."""
    return TumourTypeData(slug=tumour_type.slug, name=tumour_type.name)


def intervention_to_data(intervention: Intervention) -> InterventionData:
    """A trial's intervention as the record names it (slug, name, kind and synonyms)."""
    return InterventionData(
        slug=intervention.slug, name=intervention.name, kind=intervention.kind, synonyms=tuple(intervention.synonyms)
    )


def hospital_to_data(hospital: Hospital) -> HospitalData:
    return HospitalData(
        name=hospital.name,
        town=hospital.town,
        region=hospital.region,
        postcode=hospital.postcode,
        latitude=hospital.latitude,
        longitude=hospital.longitude,
    )


def contact_to_data(contact: TrialContact) -> ContactData:
    return ContactData(name=contact.name, role=contact.role, phone=contact.phone, email=contact.email)


def trial_to_data(trial: Trial) -> TrialData:
    """Read a saved trial (load it with `Trial.objects.for_detail()` to avoid extra queries)."""
    site_contacts: dict[int, ContactData] = {}
    for contact in trial.contacts.all():
        if contact.site_id is not None:
            site_contacts.setdefault(contact.site_id, contact_to_data(contact))
    return TrialData(
        slug=trial.slug,
        old_slugs=tuple(sorted(old.slug for old in trial.old_slugs.all())),
        cruk_id=trial.cruk_id,
        title=trial.title,
        acronym=trial.acronym,
        official_title=trial.official_title,
        status=trial.status,
        phase=trial.phase,
        trial_type=trial.trial_type,
        cancer_types=tuple(tumour_type_to_data(t) for t in sorted(trial.tumour_types.all(), key=lambda t: t.slug)),
        any_net=trial.any_net,
        registry_conditions=tuple(trial.registry_conditions),
        registry_countries=tuple(trial.registry_countries),
        grades=tuple(sorted(trial.grades)),
        summary=trial.summary,
        more_about=trial.more_about,
        trial_design=trial.trial_design,
        hospital_visits=trial.hospital_visits,
        side_effects=trial.side_effects,
        interventions=tuple(intervention_to_data(link.intervention) for link in trial.trial_interventions.all()),
        locations=tuple(
            LocationData(
                hospital=hospital_to_data(site.hospital),
                recruiting=site.recruiting,
                contact=site_contacts.get(site.pk),
            )
            for site in sorted(trial.sites.all(), key=lambda s: (s.hospital.name, s.hospital.postcode))
        ),
        recruitment_start=(
            PartialDate(trial.recruitment_start, trial.recruitment_start_precision) if trial.recruitment_start else None
        ),
        recruitment_end=(
            PartialDate(trial.recruitment_end, trial.recruitment_end_precision) if trial.recruitment_end else None
        ),
        chief_investigator=trial.chief_investigator,
        supported_by=tuple(trial.supported_by),
        contacts=tuple(contact_to_data(c) for c in trial.contacts.all() if c.site_id is None),
        other_information=trial.other_information,
        nct=trial.nct_id,
        isrctn=trial.isrctn,
        eudract=trial.eudract,
        iras=trial.iras,
        min_age=trial.min_age,
        max_age=trial.max_age,
        sexes=tuple(sorted(trial.sexes)),
        criteria=tuple(
            CriterionData(kind=c.kind, text=c.text, rule=c.rule, registry_text=c.registry_text, cohort=c.cohort)
            for c in trial.criteria.all()
        ),
        results_summary=trial.results_summary,
        publications=tuple(PublicationData(title=p.title, url=p.url) for p in trial.publications.all()),
        source=trial.source,
        source_url=trial.source_url,
        registry_last_updated=trial.registry_last_updated,
        status_confirmed=trial.status_confirmed,
        status_source=trial.status_source,
        admin_notes=trial.admin_notes,
        last_reviewed=trial.last_reviewed,
        published=trial.published,
        draft_reason=trial.draft_reason,
    )


def cancer_type_record(data: TumourTypeData) -> CancerTypeRecord:
    return {"slug": data.slug, "name": data.name}


def intervention_record(data: InterventionData) -> InterventionRecord:
    return {"slug": data.slug, "name": data.name, "kind": data.kind, "synonyms": list(data.synonyms)}


def criterion_record(data: CriterionData) -> CriterionRecord:
    record: CriterionRecord = {"kind": data.kind, "text": data.text, "rule": data.rule, "cohort": data.cohort}
    if data.registry_text:
        record["registry_text"] = data.registry_text
    return record


def contact_record(data: ContactData) -> ContactRecord:
    return {"name": data.name, "role": data.role, "phone": data.phone, "email": data.email}


def data_to_record(data: TrialData) -> TrialRecord:
    """Return the JSON record (docs/trial-record.md), with `published`."""
    inclusions = [c for c in data.criteria if c.kind == CriterionKind.INCLUSION]
    exclusions = [c for c in data.criteria if c.kind == CriterionKind.EXCLUSION]
    has_results = bool(data.results_summary or data.publications)
    return {
        "slug": data.slug,
        "old_slugs": list(data.old_slugs),
        "cruk_id": data.cruk_id,
        "title": data.title,
        "acronym": data.acronym,
        "official_title": data.official_title,
        "status": data.status,
        "phase": data.phase,
        "trial_type": data.trial_type,
        "cancer_types": [cancer_type_record(t) for t in data.cancer_types],
        "any_net": data.any_net,
        "registry_conditions": list(data.registry_conditions),
        "registry_countries": list(data.registry_countries),
        "grades": list(data.grades),
        "summary": data.summary,
        "more_about": data.more_about,
        # A criterion stating several facts is one row per rule with the same text: each text once.
        "who_can_enter": list(dict.fromkeys(c.text for c in inclusions)),
        "who_cannot_take_part": list(dict.fromkeys(c.text for c in exclusions)),
        "trial_design": data.trial_design,
        "hospital_visits": data.hospital_visits,
        "side_effects": data.side_effects,
        "interventions": [intervention_record(i) for i in data.interventions],
        "locations": [
            {
                "hospital": loc.hospital.name,
                "town": loc.hospital.town,
                "region": loc.hospital.region,
                "postcode": loc.hospital.postcode,
                "latitude": loc.hospital.latitude,
                "longitude": loc.hospital.longitude,
                "recruiting": loc.recruiting,
                "contact": contact_record(loc.contact) if loc.contact else None,
            }
            for loc in data.locations
        ],
        "recruitment_start": data.recruitment_start.isoformat() if data.recruitment_start else None,
        "recruitment_end": data.recruitment_end.isoformat() if data.recruitment_end else None,
        "chief_investigator": data.chief_investigator,
        "supported_by": list(data.supported_by),
        "contacts": [contact_record(c) for c in data.contacts],
        "other_information": data.other_information,
        "identifiers": {
            "nct": data.nct,
            "isrctn": data.isrctn,
            "eudract": data.eudract,
            "iras": data.iras,
        },
        "eligibility": {
            "min_age": data.min_age,
            "max_age": data.max_age,
            "sexes": list(data.sexes),
            "criteria": [criterion_record(c) for c in data.criteria],
        },
        "results": (
            {
                "lay_summary": data.results_summary,
                "publications": [{"title": p.title, "url": p.url} for p in data.publications],
            }
            if has_results
            else None
        ),
        "source": data.source,
        "source_url": data.source_url,
        "registry_last_updated": data.registry_last_updated.isoformat() if data.registry_last_updated else None,
        "status_confirmed": data.status_confirmed.isoformat() if data.status_confirmed else None,
        "status_source": data.status_source,
        "admin_notes": data.admin_notes,
        "last_reviewed": data.last_reviewed.isoformat() if data.last_reviewed else None,
        "published": data.published,
        "draft_reason": data.draft_reason,
    }
