"""Import ClinicalTrials.gov API v2 JSON: map each study to a trial record and write it through the services.

Shapes read: a single study (`GET /studies/{nctId}`, an object with `protocolSection`), a `/studies`
page (`{"studies": [...], "nextPageToken": ...}`), the website's download (a list of studies), and
folders of such files. A study that appears more than once in one import (a page and a single
record of the same trial) is combined into one record, the first copy winning where both give a
value, so importing the same files again changes nothing.

Ownership: the fields in REGISTRY_OWNED come from the registry and are overwritten on re-import,
matched by NCT id (never by slug); every other field (slug, cruk_id, published, grades, glossary,
hospital visits, side effects, trial design, results) keeps what is stored, so an admin's edits
survive. Tumour types and interventions are added to the stored ones, never removed; criteria
rules an admin wrote are kept for criteria whose text the registry still has. A key missing from a
(partial, `fields=`) record leaves the stored value alone. See docs/architecture.md.

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

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.text import slugify

from trials.importers.bundle import describe
from trials.importers.criteria_text import split_criteria
from trials.importers.report import ImportReport
from trials.record.format import (
    CriterionData,
    HospitalData,
    InterventionData,
    LocationData,
    PartialDate,
    RecordInvalid,
    TrialData,
    TumourTypeData,
    parse_trial,
)
from trials.registry.choices import InterventionKind, Phase, Sex, Status, TrialType
from trials.registry.models import Hospital, Intervention, Trial, TumourType
from trials.registry.services import Outcome, SaveResult, intervention_upsert, trial_upsert
from trialsearch.hygiene import clean_data

STUDY_URL = "https://clinicaltrials.gov/study/"
NCT_RE = re.compile(r"^NCT\d{8}$")
EUDRACT_RE = re.compile(r"\b\d{4}-\d{6}-\d{2}(?:-\d{2})?\b")
ISRCTN_RE = re.compile(r"\bISRCTN\d{8}\b", re.IGNORECASE)
AGE_RE = re.compile(r"^\s*(\d{1,4})\s*(year|month|week|day|hour|minute)s?\s*$", re.IGNORECASE)
# ClinicalTrials.gov allows 5,000 characters in a brief summary and 32,000 in a detailed
# description; anything far beyond that is a broken file, not a trial.
MAX_TEXT = 100_000

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
STATUS_WORDS = {
    "ACTIVE_NOT_RECRUITING": "Active, not recruiting",
    "ENROLLING_BY_INVITATION": "Enrolling by invitation",
    "NOT_YET_RECRUITING": "Not yet recruiting",
}
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


def _words(code: str) -> str:
    """'ACTIVE_NOT_RECRUITING' -> 'Active, not recruiting'; 'PHASE2' -> 'Phase 2'."""
    if code in STATUS_WORDS:
        return STATUS_WORDS[code]
    return re.sub(r"(\D)(\d)", r"\1 \2", code.replace("_", " ")).capitalize()


def _key(text: str) -> str:
    """Return text for case-insensitive matching."""
    return " ".join(text.casefold().split())


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _cut(text: str, length: int) -> str:
    """Shorten to a column's length (names and places only; long text is refused instead)."""
    text = _one_line(text)
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


# Reading files ----------------------------------------------------------------------------------


@dataclass
class StudyRecord:
    """One study from a file: where it came from and its JSON."""

    source: str
    position: str
    study: Any
    copies: list[str] = field(default_factory=list)

    @property
    def nct(self) -> str:
        ident = _dig(self.study, "protocolSection", "identificationModule", "nctId")
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


def _dig(data: Any, *keys: str) -> Any:
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


# Mapping one study ------------------------------------------------------------------------------


class _Study:
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
        return list(dict.fromkeys(_one_line(v) for v in values if v.strip()))

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
    interventions: list[RegistryIntervention] | None = None
    locations: list[tuple[HospitalData, str]] | None = None
    has_results: bool = False
    info: dict[str, str] = field(default_factory=dict)


P = "protocolSection."
IDENT, STATUS, SPONSORS = P + "identificationModule.", P + "statusModule.", P + "sponsorCollaboratorsModule."
DESIGN, ELIGIBILITY, CONDITIONS = P + "designModule.", P + "eligibilityModule.", P + "conditionsModule."
ARMS, CONTACTS, DESCRIPTION = P + "armsInterventionsModule.", P + "contactsLocationsModule.", P + "descriptionModule."


def map_study(data: Any) -> MappedStudy:
    """Read a study's fields into trial fields; raise RecordInvalid naming every bad field."""
    s = _Study(data)
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
    mapped.interventions = _map_interventions(s, info)
    mapped.locations = _map_locations(s)
    mapped.has_results = s.data.get("hasResults") is True or isinstance(s.data.get("resultsSection"), Mapping)
    if s.errors:
        raise RecordInvalid(s.errors)
    return mapped


def _map_identifiers(s: _Study, facts: dict[str, Any], info: dict[str, str]) -> None:
    org_id = s.text(IDENT + "orgStudyIdInfo.id")
    if org_id is not None:
        info["Sponsor's study number"] = org_id
    secondary = s.objects(IDENT + "secondaryIdInfos")
    if secondary is None:
        return
    others = []
    for entry in secondary:
        ident = _one_line(str(entry.get("id") or ""))
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


def _map_status(s: _Study, facts: dict[str, Any], info: dict[str, str]) -> None:
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
    info["Registry status"] = _words(status) + (f" (why stopped: {_one_line(why)})" if why else "")


def _map_design(s: _Study, facts: dict[str, Any], info: dict[str, str]) -> None:
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
        described = [_words(study_type)]
        if purpose:
            described.append(f"primary purpose: {_words(purpose)}")
        if phases:
            described.append(f"phases: {', '.join(_words(p) if p != 'NA' else 'not applicable' for p in phases)}")
        info["Study type"] = "; ".join(described)
    count = _dig(s.data, "protocolSection", "designModule", "enrollmentInfo", "count")
    if isinstance(count, int) and not isinstance(count, bool):
        kind = _dig(s.data, "protocolSection", "designModule", "enrollmentInfo", "type")
        info["Enrolment"] = f"{count} people" + (f" ({_words(kind).lower()})" if isinstance(kind, str) else "")


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


def _age(s: _Study, path: str) -> int | None:
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


def _map_eligibility(s: _Study, facts: dict[str, Any]) -> None:
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
        facts["criteria"] = tuple(CriterionData(kind=kind, text=text) for kind, text in split_criteria(criteria))


def _map_people(s: _Study, facts: dict[str, Any], info: dict[str, str]) -> None:
    if s.has(P + "sponsorCollaboratorsModule"):
        names = [s.text(SPONSORS + "leadSponsor.name")] + [
            c.get("name") if isinstance(c.get("name"), str) else None
            for c in s.objects(SPONSORS + "collaborators") or []
        ]
        facts["supported_by"] = tuple(dict.fromkeys(_cut(n, 200) for n in names if n and n.strip()))
    officials = s.objects(CONTACTS + "overallOfficials")
    if officials is None:
        return
    people = []
    chief = ""
    for role in ("PRINCIPAL_INVESTIGATOR", "STUDY_CHAIR"):
        chief = chief or next((str(o.get("name")) for o in officials if o.get("role") == role and o.get("name")), "")
    for official in officials:
        details = [
            _words(str(official[k])) if k == "role" else str(official[k])
            for k in ("role", "affiliation")
            if official.get(k)
        ]
        people.append(
            f"{official.get('name', '')} ({', '.join(details)})" if details else str(official.get("name", ""))
        )
    facts["chief_investigator"] = _cut(chief, 200)
    info["Study officials"] = "; ".join(p for p in people if p)


def _map_interventions(s: _Study, info: dict[str, str]) -> list[RegistryIntervention] | None:
    entries = s.objects(ARMS + "interventions")
    arms = s.objects(ARMS + "armGroups")
    if arms is not None:
        info["Arms"] = "; ".join(
            _one_line(
                f"{arm.get('label', '')}"
                + (f" ({_words(arm['type']).lower()})" if isinstance(arm.get("type"), str) else "")
                + (f": {arm['description']}" if isinstance(arm.get("description"), str) else "")
            )
            for arm in arms
        )
    outcomes = s.objects(P + "outcomesModule.primaryOutcomes")
    if outcomes is not None:
        info["Primary outcomes"] = "; ".join(_one_line(str(o.get("measure", ""))) for o in outcomes if o.get("measure"))
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
                name=_cut(name, 120),
                type=kind,
                other_names=tuple(dict.fromkeys(_cut(o, 120) for o in others if o.strip())),
            )
        )
        line = f"{_words(kind)}: {_one_line(name)}" if kind else _one_line(name)
        if others:
            line += f" (also: {', '.join(map(_one_line, others))})"
        described.append(line)
    info["Interventions"] = "; ".join(described)
    return found


def _map_locations(s: _Study) -> list[tuple[HospitalData, str]] | None:
    entries = s.objects(CONTACTS + "locations")
    if entries is None:
        return None
    locations: dict[tuple[str, str], tuple[HospitalData, str]] = {}
    for entry in entries:
        texts = {k: _one_line(v) if isinstance((v := entry.get(k)), str) else "" for k in _LOCATION_KEYS}
        place = texts["city"] or texts["state"] or texts["country"]
        name = texts["facility"] or (f"Study site in {place}" if place else "")
        if not name:
            continue
        latitude, longitude = _coordinates(entry.get("geoPoint"))
        hospital = HospitalData(
            name=_cut(name, 200),
            town=_cut(texts["city"], 100),
            region=_cut(", ".join(t for t in (texts["state"], texts["country"]) if t), 100),
            postcode=texts["zip"].upper()[:10].strip(),
            latitude=latitude,
            longitude=longitude,
        )
        locations.setdefault((hospital.name, hospital.postcode), (hospital, texts["status"]))
    return list(locations.values())


_LOCATION_KEYS = ("facility", "city", "state", "zip", "country", "status")


def _coordinates(point: Any) -> tuple[float | None, float | None]:
    """Return (latitude, longitude) from a geoPoint, or (None, None) when absent or out of range."""
    if not isinstance(point, Mapping):
        return None, None
    values = [point.get("lat"), point.get("lon")]
    numbers = [float(v) for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    if len(numbers) != 2:
        return None, None
    lat, lon = numbers
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None, None
    return lat, lon


# Writing one study ------------------------------------------------------------------------------


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


def _intervention_kind(item: RegistryIntervention) -> str:
    if item.type in INTERVENTION_KINDS:
        return INTERVENTION_KINDS[item.type]
    if item.type in ("DRUG", "BIOLOGICAL", "RADIATION", "COMBINATION_PRODUCT", ""):
        text = " ".join((item.name, *item.other_names))
        for kind, pattern in KIND_PATTERNS:
            if pattern.search(text):
                return kind
    return InterventionKind.OTHER


def _resolve_interventions(items: list[RegistryIntervention]) -> list[InterventionData]:
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
                kind=_intervention_kind(item),
                synonyms=synonyms,
            )
            match = intervention_upsert(data=data, needs_review=True).obj
            for name in (match.name, *match.synonyms):
                index.setdefault(_key(name), match)
        resolved.append(
            InterventionData(slug=match.slug, name=match.name, kind=match.kind, synonyms=tuple(match.synonyms))
        )
    return list(dict.fromkeys(resolved))


def _resolve_locations(locations: list[tuple[HospitalData, str]], trial_open: bool) -> tuple[LocationData, ...]:
    """Use a stored hospital as it is (an admin may have curated it); the others are created by the service."""
    stored = {(h.name, h.postcode): h for h in Hospital.objects.filter(name__in=[loc.name for loc, _ in locations])}
    result = []
    for hospital, status in locations:
        known = stored.get((hospital.name, hospital.postcode))
        if known is not None:
            hospital = HospitalData(
                name=known.name,
                town=known.town,
                region=known.region,
                postcode=known.postcode,
                latitude=known.latitude,
                longitude=known.longitude,
            )
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
    """Keep the rules an admin added to criteria whose text the registry still has."""
    rules = {(c.kind, _key(c.text)): c.rule for c in stored if c.rule is not None}
    return tuple(replace(c, rule=rules.get((c.kind, _key(c.text)))) for c in criteria)


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
                cancer_types[match.slug] = TumourTypeData(slug=match.slug, name=match.name)
        facts["cancer_types"] = tuple(sorted(cancer_types.values(), key=lambda t: t.slug))
        if mapped.conditions is not None:
            facts["registry_conditions"] = tuple(c for c in mapped.conditions if _key(c) not in index)
        if mapped.keywords is not None:
            info["Keywords"] = "; ".join(k for k in mapped.keywords if _key(k) not in index)
    if mapped.interventions is not None:
        registry = _resolve_interventions(mapped.interventions)
        facts["interventions"] = tuple(dict.fromkeys([*base.interventions, *registry]))
    if "criteria" in facts:
        facts["criteria"] = _with_rules(facts["criteria"], base.criteria)
    if mapped.locations is not None:
        facts["locations"] = _resolve_locations(mapped.locations, facts.get("status", base.status) == Status.OPEN)
    facts["other_information"] = _other_information(base.other_information, info)
    facts["source_url"] = STUDY_URL + mapped.nct
    facts["source"] = f"ClinicalTrials.gov record {mapped.nct}, imported {today.isoformat()}"
    return replace(base, **facts)


@transaction.atomic
def ctgov_study_import(*, study: Any, publish: bool = False, today: dt.date | None = None) -> SaveResult[Trial]:
    """Create or update (matched by NCT id) the trial of one ClinicalTrials.gov study."""
    mapped = map_study(study)
    trial = Trial.objects.for_detail().filter(nct_id=mapped.nct).first()
    stored = TrialData.from_trial(trial) if trial is not None else None
    data = build_trial_data(mapped, stored, publish=publish, today=today or timezone.localdate())
    if trial is not None and replace(data, source=trial.source) == stored:
        return SaveResult(trial, Outcome.UNCHANGED)
    if trial is None and Trial.objects.filter(slug=data.slug).exists():
        raise ValidationError({"slug": f"{data.slug!r} is the slug of another trial (without this NCT id)."})
    # Validate the merged record exactly as an imported trial record is validated.
    data = parse_trial(data.to_record())
    return trial_upsert(data=data, trial=trial)


def ctgov_import(
    *,
    batch: StudyBatch,
    publish: bool = False,
    dry_run: bool = False,
    today: dt.date | None = None,
    on_record: Callable[[StudyRecord, str, int, int], None] | None = None,
) -> ImportReport:
    """Import every study of the batch, each in its own transaction; with `dry_run`, write nothing.

    `on_record(record, outcome, number, total)` is called after each study (for progress).
    """
    report = batch.report
    records = combine_copies(batch.records)
    with transaction.atomic():
        for number, record in enumerate(records, start=1):
            if record.copies:
                report.note(f"{record.source} {record.label} also appears as {', '.join(record.copies)}; combined.")
            try:
                with transaction.atomic():
                    result = ctgov_study_import(study=record.study, publish=publish, today=today)
            except (RecordInvalid, ValidationError, DatabaseError) as error:
                report.fail(record.source, record.label, describe(error))
                outcome = "failed"
            else:
                report.count(result.outcome)
                outcome = result.outcome.value
            if on_record is not None:
                on_record(record, outcome, number, len(records))
        if dry_run:
            transaction.set_rollback(True)
    return report
