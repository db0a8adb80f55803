"""Map one ISRCTN trial (`reading.IsrctnTrial`) onto trial fields, with no database access.

The result, `MappedIsrctnTrial`, is a frozen dataclass whose fields carry the trial record's own
names and value types (docs/trial-record.md: `title`, `status`, `phase`, `min_age`, `sexes`,
`recruitment_start`, ...), with three deliberate differences the writing phase converts: criteria
are (kind, text) pairs, dates are plain dates (ISRCTN gives them to the day), and sites are
(name, town, postcode, country) still to be located. It is not the ClinicalTrials.gov importer's
`MappedStudy`: that is keyed by an NCT id, which most ISRCTN trials lack, and its merging is being
reworked; the fields here are the same facts, so that merge can take either once it is keyed by
registry.

Mapping decisions:
- Status: the format has none, so it is derived, and `status.derived_on` says when. A registry
  override wins (the trial's `overallStatusOverride`, then the registrant's
  `recruitmentStatusOverride`): "Recruiting" and "Not yet recruiting" are open, any other value
  (ISRCTN uses "Suspended" and "Stopped") closed. Otherwise the dates decide: recruitment ended
  before today, closed ("No longer recruiting"); starting after today, open ("Not yet
  recruiting"); started and not ended, open ("Recruiting"); no start date, closed. A
  `recruitmentStartStatusOverride` replaces the start-date part while recruitment has not ended.
  A derived status goes stale by itself as the dates pass: the sync must derive it again.
- Phases: "Phase I" -> phase_1, "Phase I/II" -> phase_1_2, ... "Phase IV" -> phase_4; "Not
  Applicable" and "Not Specified" -> no phase; combinations we have no value for ("Phase III/IV"),
  or different phases across interventions -> other.
- Trial type: observational studies -> other (as for ClinicalTrials.gov: they test no treatment);
  otherwise the first of treatment, diagnosis, screening, supportive care, quality of life and
  biology named by the trial types or purposes, else other.
- Ages are whole years, rounded down, from the `value` and `unit` attributes; a limit over 120
  years is no limit. The age range words ("Adult", "Mixed") are never turned into limits: a limit
  the registrant did not write would be stricter than the text.
- Sex: "Female" or "Male" limit it; "All", "Both", "Not Specified" or anything else do not.
- Criteria: the inclusion and the exclusion text, each split by `split_criteria` under its own
  heading (a heading inside the text still switches the kind, as it does for ClinicalTrials.gov).
- Identifiers: NCT, EudraCT (or the EU CT number from CTIS) and IRAS go to their fields when they
  have the right form; CPMS, the CTIS number, the DOI, the protocol serial number and anything
  malformed are lines of `other_information`, never dropped.
- Interventions are named only by their drug names; each description is kept as an information
  line. Intervention types become ClinicalTrials.gov's codes (Drug -> DRUG, Radiotherapy ->
  RADIATION, Mixed -> "" so the name decides the kind), so one rule assigns kinds.
- Supported by: the sponsors, then the funders.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

from trials.geography.countries import country_name
from trials.importers.criteria_text import split_criteria
from trials.importers.isrctn.reading import AgeLimit, IsrctnTrial
from trials.registry.choices import Phase, Sex, Status, TrialType

ISRCTN_URL = "https://www.isrctn.com/"
NCT_RE = re.compile(r"^NCT\d{8}$")
EUDRACT_RE = re.compile(r"^\d{4}-\d{6}-\d{2}(?:-\d{2})?$")
IRAS_RE = re.compile(r"^\d{1,10}$")
NOT_PROVIDED_RE = re.compile(
    r"^(?:plain english summary of protocol )?not provided at (?:the )?time of registration\.?$", re.IGNORECASE
)
NAME_SPLIT_RE = re.compile(r"\s*(?:;|\n|,\s)\s*")

TITLE_LENGTH, ACRONYM_LENGTH, NAME_LENGTH, PLACE_LENGTH = 300, 60, 200, 100
INTERVENTION_NAME_LENGTH = 120
MAX_AGE_YEARS = 120

PHASES = {
    "phase 0": Phase.PHASE_0,
    "phase i": Phase.PHASE_1,
    "phase i/ii": Phase.PHASE_1_2,
    "phase ii": Phase.PHASE_2,
    "phase ii/iii": Phase.PHASE_2_3,
    "phase iii": Phase.PHASE_3,
    "phase iv": Phase.PHASE_4,
    "not applicable": "",
    "not specified": "",
    "": "",
}
# ISRCTN's intervention types as ClinicalTrials.gov's codes; "" lets the drug name decide the kind.
INTERVENTION_TYPES = {
    "drug": "DRUG",
    "biological/vaccine": "BIOLOGICAL",
    "device": "DEVICE",
    "procedure/surgery": "PROCEDURE",
    "radiotherapy": "RADIATION",
    "behavioural": "BEHAVIORAL",
    "supplement": "DIETARY_SUPPLEMENT",
    "genetic": "GENETIC",
    "other": "OTHER",
}
# Trial types and purposes, most telling first: a treatment trial measuring quality of life is a treatment trial.
TRIAL_TYPES = (
    ("treatment", TrialType.TREATMENT),
    ("diagnostic", TrialType.DIAGNOSIS),
    ("screening", TrialType.SCREENING),
    ("supportive care", TrialType.SUPPORTIVE_CARE),
    ("quality of life", TrialType.QUALITY_OF_LIFE),
    ("basic science", TrialType.BIOLOGY),
)
SEXES = {"female": (Sex.FEMALE.value,), "male": (Sex.MALE.value,)}
UNSTATED = frozenset({"not applicable", "not specified"})
OPEN_OVERRIDES = frozenset({"recruiting", "not yet recruiting", "enrolling by invitation"})
UNITS_PER_YEAR = {"year": 1, "month": 12, "week": 52, "day": 365}

# Lines of `other_information`, in this order, as "- <label>: <text>" under INFO_HEADING.
INFO_LABELS = (
    "Registry status",
    "Study design",
    "Enrolment",
    "Ages",
    "Sponsor's study number",
    "Other identifiers",
    "Disease category",
    "Interventions",
    "Primary outcomes",
    "Recruitment countries",
    "Results",
)
INFO_HEADING = "From the ISRCTN record:"


class IsrctnMappingError(ValueError):
    """A trial that cannot become a trial record; the message names it."""


@dataclass(frozen=True)
class RegistryStatus:
    """The status worked out from the record, in our terms and the registry's, and when and how."""

    status: str
    words: str
    basis: str
    derived_on: dt.date

    @property
    def line(self) -> str:
        """The information line; without the day it was worked out, so that an unchanged record reads back the same."""
        return f"{self.words} (worked out from {self.basis})"


@dataclass(frozen=True)
class MappedIntervention:
    """An intervention by name, typed as ClinicalTrials.gov types them."""

    name: str
    type: str = ""
    other_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Site:
    """A trial centre, to be located from its town (or postcode) when it is written."""

    name: str
    town: str = ""
    postcode: str = ""
    country: str = ""


@dataclass(frozen=True)
class MappedIsrctnTrial:
    """What an ISRCTN record says, as trial fields (see the module docstring for the conversions left)."""

    isrctn: str
    title: str
    status: RegistryStatus
    trial_type: str
    official_title: str = ""
    acronym: str = ""
    summary: str = ""
    more_about: str = ""
    nct: str = ""
    eudract: str = ""
    iras: str = ""
    cpms: str = ""
    phase: str = ""
    min_age: int | None = None
    max_age: int | None = None
    sexes: tuple[str, ...] = ()
    criteria: tuple[tuple[str, str], ...] = ()
    conditions: tuple[str, ...] = ()
    interventions: tuple[MappedIntervention, ...] = ()
    sites: tuple[Site, ...] = ()
    countries: tuple[str, ...] = ()  # the recruitment countries, the UK's nations read as the UK
    supported_by: tuple[str, ...] = ()
    recruitment_start: dt.date | None = None
    recruitment_end: dt.date | None = None
    registry_last_updated: dt.date | None = None
    has_results: bool = False
    source_url: str = ""
    info: tuple[tuple[str, str], ...] = ()

    @property
    def other_information(self) -> str:
        """The information lines as the import writes them into `other_information`."""
        if not self.info:
            return ""
        return "\n".join([INFO_HEADING, *(f"- {label}: {text}" for label, text in self.info)])


def map_isrctn_trial(trial: IsrctnTrial, *, today: dt.date) -> MappedIsrctnTrial:
    """Map one ISRCTN trial as of `today` (the recruitment status depends on the date)."""
    title = _cut(trial.title or trial.scientific_title, TITLE_LENGTH)
    if not title:
        raise IsrctnMappingError(f"{trial.source}: has neither a title nor a scientific title.")
    info: dict[str, str] = {}
    status = derive_status(trial, today=today)
    info["Registry status"] = status.line
    identifiers = _identifiers(trial, info)
    min_age, max_age = _years(trial.lower_age), _years(trial.upper_age)
    ages = [a.text for a in (trial.lower_age, trial.upper_age) if a is not None and a.text]
    if ages or trial.age_range:
        info["Ages"] = " to ".join(ages) + (f" ({trial.age_range})" if ages and trial.age_range else trial.age_range)
    _describe_design(trial, info)
    categories = dict.fromkeys(c.disease_class_1 for c in trial.conditions if c.disease_class_1)
    if categories:
        info["Disease category"] = "; ".join(categories)
    interventions = _interventions(trial, info)
    if trial.primary_outcomes:
        info["Primary outcomes"] = "; ".join(_one_line(o) for o in trial.primary_outcomes)
    if trial.recruitment_countries:
        info["Recruitment countries"] = ", ".join(trial.recruitment_countries)
    has_results = trial.publication_stage.casefold() == "results" or bool(trial.basic_report)
    results = [trial.publication_stage, trial.publication_details, trial.basic_report]
    if any(results):
        info["Results"] = _one_line(". ".join(r.rstrip(".") for r in results if r))
    return MappedIsrctnTrial(
        isrctn=trial.isrctn,
        title=title,
        official_title=trial.scientific_title,
        acronym=_acronym(trial.acronym),
        summary="" if NOT_PROVIDED_RE.match(trial.plain_english_summary) else trial.plain_english_summary,
        more_about=trial.study_hypothesis,
        status=status,
        phase=_phase(trial),
        trial_type=_trial_type(trial),
        min_age=min_age,
        max_age=max_age,
        sexes=SEXES.get(trial.gender.casefold(), ()),
        criteria=_criteria(trial),
        conditions=_conditions(trial),
        interventions=interventions,
        sites=tuple(
            dict.fromkeys(
                Site(
                    name=_cut(c.name or f"Study site in {c.city}", NAME_LENGTH),
                    town=_cut(c.city, PLACE_LENGTH),
                    postcode=c.postcode.upper()[:10].strip(),
                    country=_cut(c.country, PLACE_LENGTH),
                )
                for c in trial.centres
            )
        ),
        supported_by=tuple(
            dict.fromkeys(
                _cut(name, NAME_LENGTH)
                for name in [*(s.organisation for s in trial.sponsors), *(f.name for f in trial.funders)]
            )
        ),
        recruitment_start=trial.recruitment_start,
        recruitment_end=trial.recruitment_end,
        registry_last_updated=trial.last_updated.date() if trial.last_updated else None,
        has_results=has_results,
        source_url=ISRCTN_URL + trial.isrctn,
        countries=tuple(dict.fromkeys(n for n in map(country_name, trial.recruitment_countries) if n)),
        nct=identifiers.get("nct", ""),
        eudract=identifiers.get("eudract", ""),
        iras=identifiers.get("iras", ""),
        cpms=identifiers.get("cpms", ""),
        info=tuple((label, info[label]) for label in INFO_LABELS if info.get(label)),
    )


def derive_status(trial: IsrctnTrial, *, today: dt.date) -> RegistryStatus:
    """Work out the recruitment status from the overrides and the recruitment dates, as of `today`."""
    for override, whose in (
        (trial.overall_status_override, "the registry's status override"),
        (trial.recruitment_status_override, "the registrant's recruitment status override"),
    ):
        if override:
            return _from_override(override, whose, today)
    start, end = trial.recruitment_start, trial.recruitment_end
    if end is None and trial.overall_end is not None and trial.overall_end < today:
        end = trial.overall_end
    if end is not None and end < today:
        return RegistryStatus(
            Status.CLOSED, "No longer recruiting", f"the recruitment end date, {end.isoformat()}", today
        )
    if trial.recruitment_start_status_override:
        return _from_override(trial.recruitment_start_status_override, "the registrant's start status override", today)
    if start is None:
        return RegistryStatus(Status.CLOSED, "Not known", "a record without a recruitment start date", today)
    if start > today:
        basis = f"the recruitment dates, from {start.isoformat()}"
        return RegistryStatus(Status.OPEN, "Not yet recruiting", basis, today)
    ending = f" to {end.isoformat()}" if end is not None else ""
    return RegistryStatus(Status.OPEN, "Recruiting", f"the recruitment dates, {start.isoformat()}{ending}", today)


def _from_override(value: str, whose: str, today: dt.date) -> RegistryStatus:
    words = _one_line(value)
    status = Status.OPEN if words.casefold() in OPEN_OVERRIDES else Status.CLOSED
    return RegistryStatus(status, words, whose, today)


def _identifiers(trial: IsrctnTrial, info: dict[str, str]) -> dict[str, str]:
    """The identifiers with fields of their own; every other number becomes an information line."""
    fields: dict[str, str] = {}
    others: list[str] = []
    nct = trial.nct.replace(" ", "").upper()
    if NCT_RE.match(nct):
        fields["nct"] = nct
    elif nct:
        others.append(f"{trial.nct} (ClinicalTrials.gov, not an NCT number)")
    ctis_number = trial.ctis.upper().removeprefix("CTIS")
    for value, label in ((trial.eudract, "EudraCT"), (ctis_number, "EU CT")):
        value = value.strip()
        if value and EUDRACT_RE.match(value) and "eudract" not in fields:
            fields["eudract"] = value
        elif value and not EUDRACT_RE.match(value):
            others.append(f"{value} ({label}, not in the EudraCT form)")
    iras = trial.iras.upper().removeprefix("IRAS").strip()
    if IRAS_RE.match(iras):
        fields["iras"] = iras
    elif iras:
        others.append(f"{trial.iras} (IRAS, not a number)")
    if trial.cpms:
        fields["cpms"] = trial.cpms
        others.append(f"CPMS {trial.cpms}")
    if trial.ctis:
        others.append(f"{trial.ctis} (CTIS)")
    # The protocol serial number is shown whole; its parts are often repeated as typed numbers.
    serials = {part.strip() for part in re.split(r"[,;]", trial.protocol_serial_number)}
    known = {trial.nct, trial.eudract, trial.iras, trial.cpms, trial.ctis, trial.protocol_serial_number, *serials}
    for number in trial.secondary_numbers:
        typed = number.number_type.casefold() in {"nct", "eudract", "iras", "cpms", "ctis", "protocol serial number"}
        if number.value not in known and not typed:
            others.append(f"{number.value} ({number.number_type})" if number.number_type else number.value)
            known.add(number.value)
    if trial.doi:
        others.append(f"doi:{trial.doi}")
    if trial.protocol_serial_number:
        info["Sponsor's study number"] = _one_line(trial.protocol_serial_number)
    if others:
        info["Other identifiers"] = "; ".join(others)
    return fields


def _describe_design(trial: IsrctnTrial, info: dict[str, str]) -> None:
    designs = (trial.primary_study_design, trial.secondary_study_design, trial.study_design)
    parts = [*dict.fromkeys(d for d in designs if d and d.casefold() not in UNSTATED)]
    if trial.purposes:
        parts.append(f"purposes: {', '.join(trial.purposes)}")
    if trial.trial_types:
        parts.append(f"trial types: {', '.join(trial.trial_types)}")
    phases = list(dict.fromkeys(i.phase for i in trial.interventions if i.phase and i.phase.casefold() not in UNSTATED))
    if phases:
        parts.append(f"phase: {', '.join(phases)}")
    if trial.healthy_volunteers:
        parts.append("healthy volunteers accepted")
    if parts:
        info["Study design"] = "; ".join(parts)
    if trial.target_enrolment is not None:
        info["Enrolment"] = f"{trial.target_enrolment} people (target)"


def _phase(trial: IsrctnTrial) -> str:
    phases = {PHASES.get(" ".join(i.phase.casefold().split()), Phase.OTHER) for i in trial.interventions}
    phases.discard("")
    if len(phases) == 1:
        return str(phases.pop())
    return Phase.OTHER if phases else ""


def _trial_type(trial: IsrctnTrial) -> str:
    if trial.primary_study_design.casefold() == "observational":
        return TrialType.OTHER  # Registries, cohorts and surveys test no treatment.
    named = {t.casefold() for t in (*trial.trial_types, *trial.purposes)}
    return next((kind for word, kind in TRIAL_TYPES if word in named), TrialType.OTHER)


def _years(limit: AgeLimit | None) -> int | None:
    """Whole years, rounded down; None for no limit (missing, not a number, or over 120 years)."""
    if limit is None or limit.value is None or limit.value < 0:
        return None
    per_year = UNITS_PER_YEAR.get(limit.unit.rstrip("s"))
    if per_year is None:
        return None  # An unknown unit: no limit rather than a wrong one.
    years = math.floor(limit.value / per_year)
    return None if years > MAX_AGE_YEARS else years


def _criteria(trial: IsrctnTrial) -> tuple[tuple[str, str], ...]:
    pairs: list[tuple[str, str]] = []
    for heading, text in (("Inclusion criteria:", trial.inclusion), ("Exclusion criteria:", trial.exclusion)):
        if text:
            pairs += split_criteria(f"{heading}\n{text}")
    return tuple(pairs)


def _conditions(trial: IsrctnTrial) -> tuple[str, ...]:
    """Each line of each condition, and the registry's specific disease class; one of each."""
    terms: dict[str, str] = {}
    for condition in trial.conditions:
        for line in [*condition.description.splitlines(), condition.disease_class_2]:
            term = _one_line(line)
            if term:
                terms.setdefault(term.casefold(), _cut(term, TITLE_LENGTH))
    return tuple(terms.values())


def _interventions(trial: IsrctnTrial, info: dict[str, str]) -> tuple[MappedIntervention, ...]:
    found: dict[str, MappedIntervention] = {}
    described = []
    for item in trial.interventions:
        kind = INTERVENTION_TYPES.get(item.type.casefold(), "")
        for name in NAME_SPLIT_RE.split(item.drug_names):
            name = _cut(name, INTERVENTION_NAME_LENGTH)
            if name:
                found.setdefault(name.casefold(), MappedIntervention(name=name, type=kind))
        line = ": ".join(p for p in (item.type, _one_line(item.drug_names)) if p)
        if item.description:
            line = f"{line} ({_one_line(item.description)})" if line else _one_line(item.description)
        if line:
            described.append(line)
    if described:
        info["Interventions"] = "; ".join(described)
    return tuple(found.values())


def _acronym(text: str) -> str:
    """The acronym, or its part before a colon when the registrant spelled it out ("PACE: Pacing, ...")."""
    text = _one_line(text)
    if len(text) > ACRONYM_LENGTH and ":" in text:
        text = text.split(":", 1)[0].strip()
    return _cut(text, ACRONYM_LENGTH)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _cut(text: str, length: int) -> str:
    """Shorten to a column's length, at a word where possible."""
    text = _one_line(text)
    if len(text) <= length:
        return text
    head = text[: length - 1]
    return (head.rsplit(" ", 1)[0] if " " in head else head).rstrip(" ,;:") + "…"
