"""Read ISRCTN API XML (`/api/query/format/default`) into one frozen `IsrctnTrial` per `<fullTrial>`.

The format (../shared/data/isrctn/SOURCES.md): a root `<allTrials totalCount="N">` in the
`http://www.67bricks.com/isrctn` namespace holding `<fullTrial>`s; each has a `<trial>` and, beside
it, the `<sponsor id=...>` and `<funder id=...>` elements that `<parties>` refers to by id. A record
file is the same document with one trial. There is no recruitment status in this format: only the
recruitment dates and the registrant's overrides, which `mapping` turns into a status.

The XML comes from the network or an upload, so it is parsed by defusedxml with DTDs forbidden
outright: the registry sends none, and without a DTD there are no entities to expand (no
"billion laughs") and no external entities to fetch or read (no XXE). Such a document, or one that
is not well-formed, is refused with an `IsrctnXmlInvalid` naming the file. A trial that cannot be
identified is reported in `problems` and skipped; the others are read.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

NAMESPACE = "http://www.67bricks.com/isrctn"
ISRCTN_RE = re.compile(r"^(?:ISRCTN)?\s*(\d{8})$", re.IGNORECASE)
CPMS_RE = re.compile(r"\bCPMS\s*(?:ID|number|no\.?)?\s*[:#]?\s*(\d{3,})", re.IGNORECASE)


class IsrctnXmlInvalid(ValueError):
    """A document that is not ISRCTN XML, or that is not safe to parse; the message names the source."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


@dataclass(frozen=True)
class AgeLimit:
    """`<lowerAgeLimit unit="years" value="18.0">18 Years</lowerAgeLimit>`; value is None when not a number."""

    value: float | None
    unit: str
    text: str


@dataclass(frozen=True)
class Condition:
    description: str
    disease_class_1: str = ""
    disease_class_2: str = ""


@dataclass(frozen=True)
class Intervention:
    description: str
    type: str = ""
    phase: str = ""
    drug_names: str = ""


@dataclass(frozen=True)
class TrialCentre:
    name: str
    address: str = ""
    city: str = ""
    state: str = ""
    country: str = ""
    postcode: str = ""


@dataclass(frozen=True)
class Sponsor:
    organisation: str
    sponsor_type: str = ""
    ror: str = ""
    commercial_status: str = ""


@dataclass(frozen=True)
class Funder:
    name: str
    fund_ref: str = ""


@dataclass(frozen=True)
class SecondaryNumber:
    """A typed identifier from `<secondaryNumbers>`: numberType is "nct", "iras", "cpms", "ctis" or free text."""

    number_type: str
    value: str
    canonical: str = ""


@dataclass(frozen=True)
class IsrctnTrial:
    """Everything the sync uses from one `<fullTrial>`, as text, dates and tuples; "" when absent."""

    source: str
    isrctn: str
    last_updated: dt.datetime | None = None
    version: str = ""
    title: str = ""
    scientific_title: str = ""
    acronym: str = ""
    plain_english_summary: str = ""
    study_hypothesis: str = ""
    primary_outcomes: tuple[str, ...] = ()
    doi: str = ""
    eudract: str = ""
    iras: str = ""
    nct: str = ""
    cpms: str = ""
    ctis: str = ""
    protocol_serial_number: str = ""
    secondary_numbers: tuple[SecondaryNumber, ...] = ()
    study_design: str = ""
    primary_study_design: str = ""
    secondary_study_design: str = ""
    purposes: tuple[str, ...] = ()
    trial_types: tuple[str, ...] = ()
    overall_status_override: str = ""
    overall_end: dt.date | None = None
    recruitment_countries: tuple[str, ...] = ()
    centres: tuple[TrialCentre, ...] = ()
    healthy_volunteers: bool | None = None
    inclusion: str = ""
    exclusion: str = ""
    age_range: str = ""
    lower_age: AgeLimit | None = None
    upper_age: AgeLimit | None = None
    gender: str = ""
    target_enrolment: int | None = None
    recruitment_start: dt.date | None = None
    recruitment_end: dt.date | None = None
    recruitment_start_status_override: str = ""
    recruitment_status_override: str = ""
    conditions: tuple[Condition, ...] = ()
    interventions: tuple[Intervention, ...] = ()
    publication_stage: str = ""
    publication_details: str = ""
    basic_report: str = ""
    sponsors: tuple[Sponsor, ...] = ()
    funders: tuple[Funder, ...] = ()


@dataclass(frozen=True)
class IsrctnDocument:
    """One API answer or record file: the registry's total for the query, the trials in it, what was skipped."""

    source: str
    total_count: int
    trials: tuple[IsrctnTrial, ...]
    problems: tuple[str, ...] = ()


def read_isrctn_xml(content: str | bytes, source: str) -> IsrctnDocument:
    """Parse an ISRCTN XML document; raise IsrctnXmlInvalid naming `source` if it is unsafe or not ISRCTN XML."""
    try:
        root = fromstring(content, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise IsrctnXmlInvalid(
            source, f"refused: the XML declares a DTD or entities ({type(error).__name__}), which ISRCTN never sends."
        ) from error
    except ParseError as error:
        raise IsrctnXmlInvalid(source, f"not well-formed XML ({error}).") from error
    for element in root.iter():
        if isinstance(element.tag, str):
            element.tag = element.tag.rsplit("}", 1)[-1]  # Drop the namespace: paths stay readable.
    if root.tag == "fullTrial":
        full_trials = [root]
        total = 1
    elif root.tag == "allTrials":
        full_trials = root.findall("fullTrial")
        total = _total_count(root, source, len(full_trials))
    else:
        raise IsrctnXmlInvalid(source, f"not ISRCTN API XML: the root element is <{root.tag}>, not <allTrials>.")
    trials: list[IsrctnTrial] = []
    problems: list[str] = []
    for position, full_trial in enumerate(full_trials, start=1):
        trial = _read_trial(full_trial, f"{source} fullTrial[{position}]", problems)
        if trial is not None:
            trials.append(trial)
    return IsrctnDocument(source=source, total_count=total, trials=tuple(trials), problems=tuple(problems))


def _total_count(root: Element, source: str, found: int) -> int:
    text = root.get("totalCount")
    if text is None:
        return found
    if not text.strip().isdigit():
        raise IsrctnXmlInvalid(source, f"totalCount {text!r} is not a count.")
    return int(text)


def _text(element: Element | None, path: str = "") -> str:
    """The stripped text at `path` (line breaks kept, as registrants write lists); "" when absent."""
    node = element.find(path) if element is not None and path else element
    if node is None:
        return ""
    return "".join(node.itertext()).replace("\r\n", "\n").strip()


def _texts(element: Element | None, path: str) -> tuple[str, ...]:
    if element is None:
        return ()
    return tuple(dict.fromkeys(t for node in element.findall(path) if (t := _text(node))))


def _read_trial(full_trial: Element, where: str, problems: list[str]) -> IsrctnTrial | None:
    trial = full_trial.find("trial")
    if trial is None:
        problems.append(f"{where}: has no <trial> element; skipped.")
        return None
    number = _text(trial, "isrctn") or trial.get("publicIdentifierCanonical", "")
    match = ISRCTN_RE.match(number.strip())
    if not match:
        problems.append(f"{where}: {number!r} is not an ISRCTN number; skipped.")
        return None
    isrctn = f"ISRCTN{match.group(1)}"
    where = f"{where} ({isrctn})"

    def date(element: Element | None, path: str) -> dt.date | None:
        text = _text(element, path)
        if not text:
            return None
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            problems.append(f"{where}: {path} {text!r} is not a date; left empty.")
            return None

    description = trial.find("trialDescription")
    refs = trial.find("externalRefs")
    design = trial.find("trialDesign")
    people = trial.find("participants")
    results = trial.find("results")
    numbers = tuple(
        SecondaryNumber(
            number_type=node.get("numberType", "").strip(),
            value=_text(node),
            canonical=node.get("canonicalSecondaryNumber", "").strip(),
        )
        for node in (refs.findall("secondaryNumbers/secondaryNumber") if refs is not None else [])
        if _text(node)
    )
    typed = {n.number_type.casefold(): n for n in reversed(numbers)}  # The first of each type wins.
    serial = _text(refs, "protocolSerialNumber")
    cpms = typed["cpms"].value if "cpms" in typed else ""
    if not cpms and (found := CPMS_RE.search(serial)):
        cpms = found.group(1)
    return IsrctnTrial(
        source=where,
        isrctn=isrctn,
        last_updated=_datetime(trial.get("lastUpdated", ""), where, problems),
        version=trial.get("version", "").strip(),
        title=_text(description, "title"),
        scientific_title=_text(description, "scientificTitle"),
        acronym=_text(description, "acronym"),
        plain_english_summary=_text(description, "plainEnglishSummary"),
        study_hypothesis=_text(description, "studyHypothesis"),
        primary_outcomes=(
            _texts(description, "primaryOutcomes/outcomeMeasure/variable") or _texts(description, "primaryOutcome")
        ),
        doi=_text(refs, "doi"),
        eudract=_text(refs, "eudraCTNumber") or (typed["eudract"].value if "eudract" in typed else ""),
        iras=_text(refs, "irasNumber") or (typed["iras"].value if "iras" in typed else ""),
        nct=_text(refs, "clinicalTrialsGovNumber") or (typed["nct"].value if "nct" in typed else ""),
        cpms=cpms,
        ctis=(typed["ctis"].canonical or typed["ctis"].value) if "ctis" in typed else "",
        protocol_serial_number=serial,
        secondary_numbers=numbers,
        study_design=_text(design, "studyDesign"),
        primary_study_design=_text(design, "primaryStudyDesign"),
        secondary_study_design=_text(design, "secondaryStudyDesign"),
        purposes=_texts(design, "interventionalTrialDesign/purposes/purpose"),
        trial_types=_texts(design, "trialTypes/trialType"),
        overall_status_override=_text(design, "overallStatusOverride"),
        overall_end=date(design, "overallEndDate"),
        recruitment_countries=_texts(people, "recruitmentCountries/country"),
        centres=_centres(people),
        healthy_volunteers=_boolean(_text(people, "healthyVolunteersAllowed")),
        inclusion=_text(people, "inclusion"),
        exclusion=_text(people, "exclusion"),
        age_range=_text(people, "ageRange"),
        lower_age=_age(people.find("lowerAgeLimit") if people is not None else None),
        upper_age=_age(people.find("upperAgeLimit") if people is not None else None),
        gender=_text(people, "gender"),
        target_enrolment=_count(_text(people, "targetEnrolment")),
        recruitment_start=date(people, "recruitmentStart"),
        recruitment_end=date(people, "recruitmentEnd"),
        recruitment_start_status_override=_text(people, "recruitmentStartStatusOverride"),
        recruitment_status_override=_text(people, "recruitmentStatusOverride"),
        conditions=tuple(
            Condition(_text(node, "description"), _text(node, "diseaseClass1"), _text(node, "diseaseClass2"))
            for node in trial.findall("conditions/condition")
        ),
        interventions=tuple(
            Intervention(
                _text(node, "description"),
                _text(node, "interventionType"),
                _text(node, "phase"),
                _text(node, "drugNames"),
            )
            for node in trial.findall("interventions/intervention")
        ),
        publication_stage=_text(results, "publicationStage"),
        publication_details=_text(results, "publicationDetails"),
        basic_report=_text(results, "basicReport"),
        sponsors=tuple(
            dict.fromkeys(
                Sponsor(
                    _text(n, "organisation"), _text(n, "sponsorType"), _text(n, "rorId"), _text(n, "commercialStatus")
                )
                for n in _parties(full_trial, trial, "sponsor", where, problems)
                if _text(n, "organisation")
            )
        ),
        funders=tuple(
            dict.fromkeys(
                Funder(_text(n, "name"), _text(n, "fundRef"))
                for n in _parties(full_trial, trial, "funder", where, problems)
                if _text(n, "name")
            )
        ),
    )


def _centres(people: Element | None) -> tuple[TrialCentre, ...]:
    if people is None:
        return ()
    centres = []
    for node in people.findall("trialCentres/trialCentre"):
        centre = TrialCentre(
            name=_text(node, "name"),
            address=_text(node, "address"),
            city=_text(node, "city"),
            state=_text(node, "state"),
            country=_text(node, "country"),
            # The trimmed samples carry none; the registry's own pages show one as "zip".
            postcode=_text(node, "zip") or _text(node, "postcode"),
        )
        if centre.name or centre.city:
            centres.append(centre)
    return tuple(dict.fromkeys(centres))


def _parties(full_trial: Element, trial: Element, kind: str, where: str, problems: list[str]) -> list[Element]:
    """The `<sponsor>` or `<funder>` elements `<parties>` names, in its order (all of them when it names none)."""
    by_id = {node.get("id", ""): node for node in full_trial.findall(kind)}
    ids = [_text(node) for node in trial.findall(f"parties/{kind}Id")]
    missing = [i for i in ids if i not in by_id]
    if missing:
        problems.append(f"{where}: <parties> names {kind} {', '.join(missing)}, which the record does not hold.")
    return [by_id[i] for i in ids if i in by_id] if ids else list(by_id.values())


def _age(node: Element | None) -> AgeLimit | None:
    if node is None:
        return None
    text = _text(node)
    unit = node.get("unit", "").strip().lower()
    try:
        value: float | None = float(node.get("value", ""))
    except ValueError:
        value = None
    if value is None and not text:
        return None
    return AgeLimit(value=value, unit=unit, text=text)


def _datetime(text: str, where: str, problems: list[str]) -> dt.datetime | None:
    if not text.strip():
        return None
    try:
        # Python reads up to six decimals; the registry writes nine ("...37.845816062Z").
        value = dt.datetime.fromisoformat(re.sub(r"(\.\d{6})\d+", r"\1", text.strip()))
    except ValueError:
        problems.append(f"{where}: lastUpdated {text!r} is not a date and time; left empty.")
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def _boolean(text: str) -> bool | None:
    return {"true": True, "false": False}.get(text.lower())


def _count(text: str) -> int | None:
    return int(text) if text.isdigit() else None
