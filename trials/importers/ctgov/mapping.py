"""Map one ClinicalTrials.gov study onto trial fields (`MappedStudy`), with no database access.

Mapping decisions: RECRUITING, NOT_YET_RECRUITING, ENROLLING_BY_INVITATION and AVAILABLE are `open`,
every other status `closed`, and `results` when the record has results and is not open (no status
module: `closed`). EARLY_PHASE1 is `phase_0` (the registry's own label says "formerly Phase 0"); NA
is "" (no phase); PHASE1+PHASE2 and PHASE2+PHASE3 are the combined phases. Primary purposes map to
trial types (TREATMENT, DIAGNOSTIC, SCREENING, SUPPORTIVE_CARE, BASIC_SCIENCE -> biology); other
purposes, interventional studies without one, and OBSERVATIONAL studies (registries, cohorts,
surveys: they test no treatment) are `other`; EXPANDED_ACCESS is `treatment`. New interventions
take their kind from the registry type (DEVICE -> device_or_app, PROCEDURE and DIAGNOSTIC_TEST ->
procedure) or, for drugs, biologicals and radiation, from a recognisable name (lutetium or
dotatate -> prrt, octreotide -> somatostatin_analogue, ...), else `other`, and wait for review.
Ages are whole years, rounded down ("6 Months" -> 0). A site's `recruiting` is its own status when
given, else whether the trial is open. What has no field (exact status, study type, enrolment,
sponsor's study number, other identifiers, unmatched keywords, interventions, arms, primary
outcomes, officials) is written as lines of `other_information`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from trials.importers.conditions import ctgov_condition_terms
from trials.importers.criteria_text import split_criteria
from trials.importers.ctgov.locations import RegistrySite, location_countries, map_contacts, map_locations
from trials.importers.ctgov.reading import MAX_TEXT, NCT_RE, StudyReader, code_words, cut, dig, one_line
from trials.record.data import CriterionData
from trials.record.parsing import RecordInvalid
from trials.registry.choices import InterventionKind, Phase, Sex, Status, TrialType

EUDRACT_RE = re.compile(r"\b\d{4}-\d{6}-\d{2}(?:-\d{2})?\b")
ISRCTN_RE = re.compile(r"\bISRCTN\d{8}\b", re.IGNORECASE)
AGE_RE = re.compile(r"^\s*(\d{1,4})\s*(year|month|week|day|hour|minute)s?\s*$", re.IGNORECASE)

OPEN_STATUSES = frozenset({"RECRUITING", "NOT_YET_RECRUITING", "ENROLLING_BY_INVITATION", "AVAILABLE"})
CLOSED_STATUSES = frozenset(
    {
        "ACTIVE_NOT_RECRUITING",
        "SUSPENDED",
        "COMPLETED",
        "TERMINATED",
        "WITHDRAWN",
        "UNKNOWN",
        "NO_LONGER_AVAILABLE",
        "TEMPORARILY_NOT_AVAILABLE",
        "APPROVED_FOR_MARKETING",
        "WITHHELD",
    }
)
SINGLE_PHASES = {
    "EARLY_PHASE1": Phase.PHASE_0,  # The registry's "Early Phase 1" was formerly listed as "Phase 0".
    "PHASE1": Phase.PHASE_1,
    "PHASE2": Phase.PHASE_2,
    "PHASE3": Phase.PHASE_3,
    "PHASE4": Phase.PHASE_4,
}
KNOWN_PHASES = frozenset({*SINGLE_PHASES, "NA"})
PRIMARY_PURPOSES = {
    "TREATMENT": TrialType.TREATMENT,
    "DIAGNOSTIC": TrialType.DIAGNOSIS,
    "SCREENING": TrialType.SCREENING,
    "SUPPORTIVE_CARE": TrialType.SUPPORTIVE_CARE,
    "BASIC_SCIENCE": TrialType.BIOLOGY,
    "PREVENTION": TrialType.OTHER,
    "HEALTH_SERVICES_RESEARCH": TrialType.OTHER,
    "DEVICE_FEASIBILITY": TrialType.OTHER,
    "ECT": TrialType.OTHER,
    "OTHER": TrialType.OTHER,
}
STUDY_TYPES = frozenset({"INTERVENTIONAL", "OBSERVATIONAL", "EXPANDED_ACCESS"})
SEXES = {"ALL": (), "FEMALE": (Sex.FEMALE,), "MALE": (Sex.MALE,)}
INTERVENTION_KINDS = {
    "DEVICE": InterventionKind.DEVICE_OR_APP,
    "PROCEDURE": InterventionKind.PROCEDURE,
    "DIAGNOSTIC_TEST": InterventionKind.PROCEDURE,
}
# Recognisable drug names, for the kind of an intervention the import creates (an admin reviews it).
KIND_PATTERNS = [
    (InterventionKind.PRRT, re.compile(r"lutetium|177\s*lu|lu[-\s]?177|yttrium|90\s*y|y[-\s]?90|dotatate|prrt", re.I)),
    (InterventionKind.IMAGING_TRACER, re.compile(r"ga[-\s]?68|68\s*ga|f[-\s]?18|18\s*f|fdg|\bpet\b|gallium", re.I)),
    (InterventionKind.SOMATOSTATIN_ANALOGUE, re.compile(r"octreotide|lanreotide|pasireotide", re.I)),
    (
        InterventionKind.CHEMOTHERAPY,
        re.compile(
            r"temozolomide|capecitabine|platin\b|etoposide|taxel\b|fluorouracil|5-?fu\b|streptozo|gemcitabine|"
            r"irinotecan|doxorubicin|dacarbazine|cyclophosphamide|pemetrexed|chemotherapy",
            re.I,
        ),
    ),
    (
        InterventionKind.IMMUNOTHERAPY,
        re.compile(r"(?:pembroliz|nivol|ipilim|atezoliz|durval|avel|cemipl|tisleliz|dostarl|retifanl)umab", re.I),
    ),
    (InterventionKind.TARGETED_DRUG, re.compile(r"tinib\b|limus\b|ciclib\b|parib\b", re.I)),
]
# Lines of `other_information` the import writes, in this order, as "- <label>: <text>".
INFO_LABELS = (
    "Registry status",
    "Study type",
    "Enrolment",
    "Sponsor's study number",
    "Other identifiers",
    "Keywords",
    "Interventions",
    "Arms",
    "Primary outcomes",
    "Study officials",
)
INFO_HEADING = "From the ClinicalTrials.gov record:"


@dataclass(frozen=True)
class RegistryIntervention:
    name: str
    type: str = ""
    other_names: tuple[str, ...] = ()


@dataclass
class MappedStudy:
    """What a study says, as trial fields; a field absent from `facts` was not in the record."""

    nct: str
    facts: dict[str, Any]
    conditions: list[str] | None = None
    keywords: list[str] | None = None
    # Conditions, keywords and the study's own MeSH terms (never their ancestors): what names its tumour types.
    condition_terms: list[str] = field(default_factory=list)
    interventions: list[RegistryIntervention] | None = None
    locations: list[RegistrySite] | None = None
    has_results: bool = False
    info: dict[str, str] = field(default_factory=dict)


P = "protocolSection."
IDENT, STATUS, SPONSORS = P + "identificationModule.", P + "statusModule.", P + "sponsorCollaboratorsModule."
DESIGN, ELIGIBILITY, CONDITIONS = P + "designModule.", P + "eligibilityModule.", P + "conditionsModule."
ARMS, CONTACTS, DESCRIPTION = P + "armsInterventionsModule.", P + "contactsLocationsModule.", P + "descriptionModule."


def map_study(data: Any) -> MappedStudy:
    """Read a study's fields into trial fields; raise RecordInvalid naming every bad field."""
    s = StudyReader(data)
    if s.errors:
        raise RecordInvalid(s.errors)
    facts: dict[str, Any] = {}
    info: dict[str, str] = {}
    nct = (s.text(IDENT + "nctId", max_length=None) or "").upper()
    if not nct:
        s.fail(IDENT + "nctId", "is required.")
    elif not NCT_RE.match(nct):
        s.fail(IDENT + "nctId", f"{nct!r} is not an NCT number (NCT and 8 digits).")
    facts["nct"] = nct

    for name, path, length in (
        ("title", IDENT + "briefTitle", 300),
        ("official_title", IDENT + "officialTitle", 2000),
        ("acronym", IDENT + "acronym", 60),
        ("summary", DESCRIPTION + "briefSummary", MAX_TEXT),
        ("more_about", DESCRIPTION + "detailedDescription", MAX_TEXT),
    ):
        value = s.text(path, max_length=length)
        if value is not None:
            facts[name] = value
    _map_identifiers(s, facts, info)
    _map_status(s, facts, info)
    _map_design(s, facts, info)
    _map_eligibility(s, facts)
    _map_people(s, facts, info)

    for name, path in (("recruitment_start", "startDateStruct.date"), ("recruitment_end", "completionDateStruct.date")):
        if s.has(STATUS + path):
            facts[name] = s.date(STATUS + path)
    updated = s.date(STATUS + "lastUpdatePostDateStruct.date")
    if updated is not None:
        facts["registry_last_updated"] = updated.date

    keywords = s.texts(CONDITIONS + "keywords")
    conditions = s.texts(CONDITIONS + "conditions")
    mapped = MappedStudy(nct=nct, facts=facts, info=info, conditions=conditions, keywords=keywords)
    mapped.condition_terms = ctgov_condition_terms(s.data)
    mapped.interventions = _map_interventions(s, info)
    mapped.locations = map_locations(s)
    if (countries := location_countries(s)) is not None:
        facts["registry_countries"] = countries
    mapped.has_results = s.data.get("hasResults") is True or isinstance(s.data.get("resultsSection"), Mapping)
    if s.errors:
        raise RecordInvalid(s.errors)
    return mapped


def _map_identifiers(s: StudyReader, facts: dict[str, Any], info: dict[str, str]) -> None:
    org_id = s.text(IDENT + "orgStudyIdInfo.id")
    if org_id is not None:
        info["Sponsor's study number"] = org_id
    secondary = s.objects(IDENT + "secondaryIdInfos")
    if secondary is None:
        return
    others = []
    for entry in secondary:
        ident = one_line(str(entry.get("id") or ""))
        eudract = EUDRACT_RE.search(ident)
        isrctn = ISRCTN_RE.search(ident)
        if eudract and (entry.get("type") == "EUDRACT_NUMBER" or "eudract" not in facts):
            facts.setdefault("eudract", eudract.group(0))
        elif isrctn and "isrctn" not in facts:
            facts["isrctn"] = isrctn.group(0).upper()
        elif ident:
            where = entry.get("domain") or (
                entry["type"].replace("_", " ") if isinstance(entry.get("type"), str) else ""
            )
            others.append(f"{ident} ({where})" if where else ident)
    info["Other identifiers"] = "; ".join(others)


def _map_status(s: StudyReader, facts: dict[str, Any], info: dict[str, str]) -> None:
    status = s.text(STATUS + "overallStatus")
    if status is None:
        return
    if status in OPEN_STATUSES:
        facts["status"] = Status.OPEN
    elif status in CLOSED_STATUSES:
        facts["status"] = Status.CLOSED
    else:
        s.fail(STATUS + "overallStatus", f"{status!r} is not a ClinicalTrials.gov overall status.")
        return
    why = s.text(STATUS + "whyStopped")
    info["Registry status"] = code_words(status) + (f" (why stopped: {one_line(why)})" if why else "")


def _map_design(s: StudyReader, facts: dict[str, Any], info: dict[str, str]) -> None:
    phases = s.texts(DESIGN + "phases")
    if phases is not None:
        unknown = [p for p in phases if p not in KNOWN_PHASES]
        if unknown:
            s.fail(DESIGN + "phases", f"{', '.join(map(repr, unknown))} not among: {', '.join(sorted(KNOWN_PHASES))}.")
        facts["phase"] = _phase(phases)
    study_type = s.text(DESIGN + "studyType")
    purpose = s.text(DESIGN + "designInfo.primaryPurpose")
    if study_type is not None:
        if study_type not in STUDY_TYPES:
            s.fail(DESIGN + "studyType", f"{study_type!r} is not one of: {', '.join(sorted(STUDY_TYPES))}.")
        elif purpose is not None and purpose not in PRIMARY_PURPOSES:
            s.fail(DESIGN + "designInfo.primaryPurpose", f"{purpose!r} is not a ClinicalTrials.gov primary purpose.")
        else:
            facts["trial_type"] = _trial_type(study_type, purpose)
        described = [code_words(study_type)]
        if purpose:
            described.append(f"primary purpose: {code_words(purpose)}")
        if phases:
            described.append(f"phases: {', '.join(code_words(p) if p != 'NA' else 'not applicable' for p in phases)}")
        info["Study type"] = "; ".join(described)
    count = dig(s.data, "protocolSection", "designModule", "enrollmentInfo", "count")
    if isinstance(count, int) and not isinstance(count, bool):
        kind = dig(s.data, "protocolSection", "designModule", "enrollmentInfo", "type")
        info["Enrolment"] = f"{count} people" + (f" ({code_words(kind).lower()})" if isinstance(kind, str) else "")


def _phase(phases: Sequence[str]) -> str:
    wanted = {p for p in phases if p != "NA"}
    if not wanted:
        return ""
    if wanted == {"PHASE1", "PHASE2"}:
        return Phase.PHASE_1_2
    if wanted == {"PHASE2", "PHASE3"}:
        return Phase.PHASE_2_3
    if len(wanted) == 1 and (only := next(iter(wanted))) in SINGLE_PHASES:
        return SINGLE_PHASES[only]
    return Phase.OTHER


def _trial_type(study_type: str, purpose: str | None) -> str:
    if study_type == "EXPANDED_ACCESS":
        return TrialType.TREATMENT
    if study_type == "OBSERVATIONAL" or purpose is None:
        # Observational studies (registries, cohorts, quality-of-life surveys) test no treatment.
        return TrialType.OTHER
    return PRIMARY_PURPOSES[purpose]


def _age(s: StudyReader, path: str) -> int | None:
    text = s.text(path, max_length=None)
    if text is None or text.upper() in ("", "N/A", "NA"):
        return None
    match = AGE_RE.match(text)
    if not match:
        s.fail(path, f"{text!r} is not an age such as '18 Years', '6 Months' or 'N/A'.")
        return None
    number, unit = int(match.group(1)), match.group(2).lower()
    years = {"year": number, "month": number // 12, "week": number // 52, "day": number // 365}.get(unit, 0)
    if years > 120:
        s.fail(path, f"{text!r} is over 120 years.")
        return None
    return years


def _map_eligibility(s: StudyReader, facts: dict[str, Any]) -> None:
    for name, key in (("min_age", "minimumAge"), ("max_age", "maximumAge")):
        if s.has(ELIGIBILITY + key):
            facts[name] = _age(s, ELIGIBILITY + key)
    sex = s.text(ELIGIBILITY + "sex")
    if sex is not None:
        if sex.upper() in SEXES:
            facts["sexes"] = tuple(str(x) for x in SEXES[sex.upper()])
        else:
            s.fail(ELIGIBILITY + "sex", f"{sex!r} is not one of: ALL, FEMALE, MALE.")
    criteria = s.text(ELIGIBILITY + "eligibilityCriteria")
    if criteria is not None:
        facts["criteria"] = tuple(
            CriterionData(kind=kind, text=text, registry_text=text) for kind, text in split_criteria(criteria)
        )


def _map_people(s: StudyReader, facts: dict[str, Any], info: dict[str, str]) -> None:
    if s.has(P + "sponsorCollaboratorsModule"):
        names = [s.text(SPONSORS + "leadSponsor.name")] + [
            c.get("name") if isinstance(c.get("name"), str) else None
            for c in s.objects(SPONSORS + "collaborators") or []
        ]
        facts["supported_by"] = tuple(dict.fromkeys(cut(n, 200) for n in names if n and n.strip()))
    central, officials = s.objects(CONTACTS + "centralContacts"), s.objects(CONTACTS + "overallOfficials")
    if central is not None or officials is not None:
        facts["contacts"] = tuple(map_contacts([*(central or []), *(officials or [])], "Trial contact"))
    if officials is None:
        return
    people = []
    chief = ""
    for role in ("PRINCIPAL_INVESTIGATOR", "STUDY_CHAIR"):
        chief = chief or next((str(o.get("name")) for o in officials if o.get("role") == role and o.get("name")), "")
    for official in officials:
        details = [
            code_words(str(official[k])) if k == "role" else str(official[k])
            for k in ("role", "affiliation")
            if official.get(k)
        ]
        people.append(
            f"{official.get('name', '')} ({', '.join(details)})" if details else str(official.get("name", ""))
        )
    facts["chief_investigator"] = cut(chief, 200)
    info["Study officials"] = "; ".join(p for p in people if p)


def _map_interventions(s: StudyReader, info: dict[str, str]) -> list[RegistryIntervention] | None:
    entries = s.objects(ARMS + "interventions")
    arms = s.objects(ARMS + "armGroups")
    if arms is not None:
        info["Arms"] = "; ".join(
            one_line(
                f"{arm.get('label', '')}"
                + (f" ({code_words(arm['type']).lower()})" if isinstance(arm.get("type"), str) else "")
                + (f": {arm['description']}" if isinstance(arm.get("description"), str) else "")
            )
            for arm in arms
        )
    outcomes = s.objects(P + "outcomesModule.primaryOutcomes")
    if outcomes is not None:
        info["Primary outcomes"] = "; ".join(one_line(str(o.get("measure", ""))) for o in outcomes if o.get("measure"))
    if entries is None:
        return None
    found: list[RegistryIntervention] = []
    described = []
    for index, entry in enumerate(entries):
        name, kind, others = entry.get("name"), entry.get("type"), entry.get("otherNames") or []
        path = f"{ARMS}interventions[{index}]"
        if not isinstance(name, str) or not name.strip():
            s.fail(f"{path}.name", "is required.")
            continue
        if not (isinstance(others, list) and all(isinstance(o, str) for o in others)):
            s.fail(f"{path}.otherNames", "must be a list of text.")
            continue
        kind = kind if isinstance(kind, str) else ""
        found.append(
            RegistryIntervention(
                name=cut(name, 120),
                type=kind,
                other_names=tuple(dict.fromkeys(cut(o, 120) for o in others if o.strip())),
            )
        )
        line = f"{code_words(kind)}: {one_line(name)}" if kind else one_line(name)
        if others:
            line += f" (also: {', '.join(map(one_line, others))})"
        described.append(line)
    info["Interventions"] = "; ".join(described)
    return found


def intervention_kind(item: RegistryIntervention) -> str:
    if item.type in INTERVENTION_KINDS:
        return INTERVENTION_KINDS[item.type]
    if item.type in ("DRUG", "BIOLOGICAL", "RADIATION", "COMBINATION_PRODUCT", ""):
        text = " ".join((item.name, *item.other_names))
        for kind, pattern in KIND_PATTERNS:
            if pattern.search(text):
                return kind
    return InterventionKind.OTHER
