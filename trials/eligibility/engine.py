"""The eligibility engine: one patient's facts against trials' criteria, criterion by criterion.

`PatientFacts` is what a patient (or their specialist) knows; every field is optional and a missing
one is unknown. `evaluate()` is plain Python over plain data (`TrialFacts`): no HTTP, no ORM, no
stored patients, so the questionnaire, the API and the specialists' pages share it. Unknown never
excludes a trial: only a criterion that is definitely not met does.

`trials.eligibility.ranking` applies it to every published trial at once: it ranks them all in SQL from keys
each trial row carries, and evaluates in full only the trials it shows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from enum import StrEnum
from typing import Any

from trials.eligibility.rules import FACTS, Fact, FactType, Operator
from trials.geography.postcodes import PostcodeError, outward_code, place_for_postcode
from trials.record.format import CriterionData
from trials.registry.choices import CriterionKind, Diagnosis, InterventionKind, PrimarySite

# --- Patient facts ---------------------------------------------------------------------------------


class FactsInvalid(ValueError):
    """Patient facts that cannot be used; `errors` maps each bad field to readable messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{name}: {' '.join(messages)}" for name, messages in errors.items()))


@dataclass(frozen=True)
class PatientFacts:
    """What is known about one patient. None means unknown; an empty tuple means "none"."""

    age: int | None = None
    sex: str | None = None
    diagnosis: str | None = None
    primary_site: str | None = None
    gastric_type: int | None = None
    grade: str | None = None
    ki67: float | None = None
    extent: str | None = None
    resectable: bool | None = None
    measurable_disease: bool | None = None
    progressed_last_12_months: bool | None = None
    carcinoid_syndrome: bool | None = None
    bowel_movements_per_day: float | None = None
    syndrome_controlled_on_ssa: bool | None = None
    sstr_imaging_positive: bool | None = None
    ecog: int | None = None
    prior_treatments: tuple[str, ...] | None = None
    progressed_on: tuple[str, ...] | None = None
    prior_systemic_lines: int | None = None
    brain_metastases: bool | None = None
    pregnant_or_breastfeeding: bool | None = None
    creatinine_clearance: float | None = None
    postcode: str | None = None  # the outward code only ("M20"): enough for distances

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    @classmethod
    def from_dict(
        cls,
        data: Mapping[str, object],
        *,
        known_treatments: Callable[[Iterable[str]], set[str]] | None = None,
    ) -> PatientFacts:
        """Validate untrusted facts (JSON names) or raise FactsInvalid naming every bad field.

        A null value is the same as an absent one: unknown. `known_treatments` returns which of the
        given intervention slugs exist; without it, treatment slugs are checked for shape only.
        """
        errors: dict[str, list[str]] = {}
        values: dict[str, Any] = {}
        names = cls.field_names()
        for name, value in data.items():
            if name not in names:
                errors[name] = [f"Unknown fact. Use one of: {', '.join(names)}."]
                continue
            if value is None:
                continue
            try:
                values[name] = _parse_postcode(value) if name == "postcode" else _parse_fact(FACTS[name], value)
            except ValueError as error:
                errors[name] = [str(error)]
        if known_treatments is not None:
            _check_known_treatments(values, known_treatments, errors)
        if values.get("diagnosis") == Diagnosis.NEC and values.get("grade") not in (None, "G3"):
            errors.setdefault("grade", []).append("A neuroendocrine carcinoma (NEC) is always G3.")
        if errors:
            raise FactsInvalid(errors)
        return cls(**values)

    def value(self, fact: str) -> Any:
        """The patient's value of `fact`, with what follows from other facts (a NEC is G3)."""
        value = getattr(self, fact)
        if fact == "grade" and value is None and self.diagnosis == Diagnosis.NEC:
            return "G3"
        return value

    def treatment_slugs(self) -> set[str]:
        """The intervention slugs (not kinds) in the patient's treatment lists."""
        items = (*(self.prior_treatments or ()), *(self.progressed_on or ()))
        return {item for item in items if item not in InterventionKind.values}


def _parse_fact(fact: Fact, value: object) -> Any:
    if fact.type is FactType.BOOLEAN:
        if not isinstance(value, bool):
            raise ValueError(f"Must be true or false, not {value!r}.")
        return value
    if fact.type is FactType.CHOICE:
        if isinstance(value, bool) or value not in fact.choices:
            allowed = ", ".join(str(choice) for choice in fact.choices)
            raise ValueError(f"{value!r} is not one of: {allowed}.")
        return value
    if fact.type is FactType.TREATMENTS:
        if not isinstance(value, list | tuple) or not all(isinstance(item, str) and item for item in value):
            raise ValueError("Must be a list of intervention slugs or intervention kinds (an empty list means none).")
        return tuple(dict.fromkeys(value))
    if isinstance(value, bool) or not isinstance(value, int | float):
        kind = "a whole number" if fact.type is FactType.INTEGER else "a number"
        raise ValueError(f"Must be {kind}, not {value!r}.")
    # The range first: comparing never converts, and a 400-digit integer cannot become a float.
    if (fact.minimum is not None and value < fact.minimum) or (fact.maximum is not None and value > fact.maximum):
        raise ValueError(f"Must be between {fact.minimum:g} and {fact.maximum:g}.")
    if fact.type is FactType.INTEGER:
        if isinstance(value, float) and not value.is_integer():
            raise ValueError(f"Must be a whole number, not {value!r}.")
        value = int(value)
    return value


def _parse_postcode(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError("Must be a UK postcode such as M20 4BX, or its first part such as M20.")
    try:
        return place_for_postcode(outward_code(value)).outcode
    except PostcodeError as error:
        raise ValueError(str(error)) from None


def _check_known_treatments(
    values: dict[str, Any], known_treatments: Callable[[Iterable[str]], set[str]], errors: dict[str, list[str]]
) -> None:
    lists = {name: values[name] for name in ("prior_treatments", "progressed_on") if name in values}
    slugs = {item for items in lists.values() for item in items if item not in InterventionKind.values}
    known = known_treatments(sorted(slugs)) if slugs else set()
    for name, items in lists.items():
        missing = [item for item in items if item not in InterventionKind.values and item not in known]
        if missing:
            errors[name] = [
                f"Unknown treatment {', '.join(repr(item) for item in missing)}: use an intervention's slug "
                f"or one of the kinds: {', '.join(InterventionKind.values)}."
            ]


# --- Trials as plain data ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TumourTypeFacts:
    name: str
    primary_site: str = ""  # "" means any site
    diagnosis: str = ""  # "" means any diagnosis


@dataclass(frozen=True)
class TrialFacts:
    """What the engine needs to know about one trial."""

    slug: str
    title: str
    status: str = "open"
    url: str = ""
    min_age: int | None = None
    max_age: int | None = None
    sexes: tuple[str, ...] = ()
    grades: tuple[str, ...] = ()
    tumour_types: tuple[TumourTypeFacts, ...] = ()
    criteria: tuple[CriterionData, ...] = ()
    distance_miles: float | None = None


@dataclass(frozen=True)
class Treatments:
    """The intervention vocabulary: each slug's kind and display name."""

    kinds: Mapping[str, str] = field(default_factory=dict)
    names: Mapping[str, str] = field(default_factory=dict)

    def name(self, item: str) -> str:
        if item in InterventionKind.values:
            return KIND_NAMES[item]
        return self.names.get(item, item.replace("-", " "))


KIND_NAMES = {
    "targeted_drug": "a targeted drug",
    "prrt": "PRRT (radionuclide therapy)",
    "somatostatin_analogue": "a somatostatin analogue (such as octreotide or lanreotide)",
    "chemotherapy": "chemotherapy",
    "immunotherapy": "immunotherapy",
    "imaging_tracer": "an imaging tracer",
    "device_or_app": "a device or app",
    "procedure": "a procedure or test",
    "other": "another treatment",
}


# --- Outcomes -------------------------------------------------------------------------------------


class Outcome(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"


class Verdict(StrEnum):
    LIKELY_ELIGIBLE = "likely_eligible"
    POSSIBLY_ELIGIBLE = "possibly_eligible"
    NOT_ELIGIBLE = "not_eligible"


@dataclass(frozen=True)
class CriterionOutcome:
    """How one criterion (or facet) turned out for the patient, and why, in plain English."""

    kind: str
    text: str
    outcome: Outcome
    fact: str | None
    patient_value: Any
    reason: str
    checked: bool = True  # False for a criterion without a rule: only the trial team can confirm it
    missing_facts: tuple[str, ...] = ()  # the unknown facts that would settle it


@dataclass(frozen=True)
class TrialEvaluation:
    trial: TrialFacts
    verdict: Verdict
    criteria: tuple[CriterionOutcome, ...]

    @property
    def unknown_count(self) -> int:
        return sum(1 for c in self.criteria if c.outcome is Outcome.UNKNOWN)

    @property
    def distance_miles(self) -> float | None:
        return self.trial.distance_miles

    @property
    def not_met(self) -> list[CriterionOutcome]:
        return [c for c in self.criteria if c.outcome is Outcome.NOT_MET]

    @property
    def unknown(self) -> list[CriterionOutcome]:
        return [c for c in self.criteria if c.outcome is Outcome.UNKNOWN]

    @property
    def missing_facts(self) -> list[str]:
        return list(dict.fromkeys(name for c in self.criteria for name in c.missing_facts))


# --- Wording ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Wording:
    noun: str  # "Your {noun} is {value}"
    unknown: str  # "We don't know {unknown}"
    question: str  # what to ask the specialist
    clauses: tuple[str, str] = ("", "")  # booleans: (when true, when false)
    unit: str = ""
    patient_knows: bool = False


WORDING: dict[str, Wording] = {
    "age": Wording("age", "your age", "Am I within the age limits of these trials?", patient_knows=True),
    "sex": Wording("sex", "your sex", "Is the trial open to people of my sex?", patient_knows=True),
    "diagnosis": Wording(
        "diagnosis",
        "whether your tumour is a NET, a NEC or a mixed tumour (MiNEN)",
        "Is my tumour a neuroendocrine tumour (NET), a neuroendocrine carcinoma (NEC) or a mixed tumour (MiNEN)?",
    ),
    "primary_site": Wording(
        "primary site (where the tumour started)", "where your tumour started", "Where did my tumour start?"
    ),
    "gastric_type": Wording(
        "stomach NET type", "the type of your stomach NET", "If my NET started in the stomach: is it type 1, 2 or 3?"
    ),
    "grade": Wording("grade", "your grade", "What is the grade of my tumour (G1, G2 or G3)?"),
    "ki67": Wording("Ki-67 score", "your Ki-67 score", "What is my Ki-67 score?", unit="%"),
    "extent": Wording(
        "tumour's extent", "how far your tumour has spread", "Has my tumour spread, and how far (its stage)?"
    ),
    "resectable": Wording(
        "",
        "whether your tumour can be removed by surgery",
        "Could my tumour be removed completely with an operation?",
        ("your tumour can be removed completely by surgery", "your tumour cannot be removed completely by surgery"),
    ),
    "measurable_disease": Wording(
        "",
        "whether your tumour can be measured on a scan",
        "Can my tumour be measured on a scan (RECIST)?",
        ("your tumour can be measured on a scan", "your tumour cannot be measured on a scan"),
    ),
    "progressed_last_12_months": Wording(
        "",
        "whether your tumour has grown in the last 12 months",
        "Has my tumour grown in the last 12 months?",
        ("your tumour has grown in the last 12 months", "your tumour has not grown in the last 12 months"),
    ),
    "carcinoid_syndrome": Wording(
        "",
        "whether you have carcinoid syndrome",
        "Do I have carcinoid syndrome?",
        ("you have carcinoid syndrome", "you do not have carcinoid syndrome"),
    ),
    "bowel_movements_per_day": Wording(
        "number of bowel movements a day",
        "how many bowel movements you have a day",
        "Some trials count bowel movements a day: how many do I have on average?",
        patient_knows=True,
    ),
    "syndrome_controlled_on_ssa": Wording(
        "",
        "whether a somatostatin analogue controls your symptoms",
        "Are my symptoms controlled by my somatostatin analogue (octreotide or lanreotide)?",
        (
            "your symptoms are controlled by a somatostatin analogue",
            "your symptoms are not controlled by a somatostatin analogue",
        ),
    ),
    "sstr_imaging_positive": Wording(
        "",
        "whether a scan shows somatostatin receptors",
        "Has a somatostatin-receptor scan (such as a Gallium-68 DOTATATE PET) shown receptors on my tumour?",
        ("a scan shows somatostatin receptors on your tumour", "a scan shows no somatostatin receptors on your tumour"),
    ),
    "ecog": Wording(
        "performance status (ECOG)",
        "your performance status (ECOG)",
        "What is my performance status (ECOG score)?",
    ),
    "prior_treatments": Wording(
        "treatments", "which treatments you have had", "Which treatments have I had for my tumour, and when?"
    ),
    "progressed_on": Wording(
        "treatments",
        "which treatments your tumour grew on",
        "Did my tumour grow while I was having any of my treatments?",
    ),
    "prior_systemic_lines": Wording(
        "number of earlier lines of drug treatment",
        "how many lines of drug treatment you have had",
        "How many lines of drug treatment have I had?",
    ),
    "brain_metastases": Wording(
        "",
        "whether your tumour has spread to the brain",
        "Has my tumour spread to the brain?",
        ("your tumour has spread to the brain", "your tumour has not spread to the brain"),
    ),
    "pregnant_or_breastfeeding": Wording(
        "",
        "whether you are pregnant or breastfeeding",
        "Trials often exclude people who are pregnant or breastfeeding: does this apply to me?",
        ("you are pregnant or breastfeeding", "you are not pregnant or breastfeeding"),
        patient_knows=True,
    ),
    "creatinine_clearance": Wording(
        "kidney function (creatinine clearance)",
        "your kidney function (creatinine clearance)",
        "How well do my kidneys work (creatinine clearance)?",
        unit=" ml/min",
    ),
}

VALUE_WORDS: dict[str, dict[Any, str]] = {
    "diagnosis": {"net": "NET", "nec": "NEC", "minen": "MiNEN (a mixed tumour)"},
    "primary_site": {
        site.value: "an unknown place (unknown primary)"
        if site == PrimarySite.UNKNOWN_PRIMARY
        else "another part of the body"
        if site == PrimarySite.OTHER
        else f"the {site.label.lower()}"
        for site in PrimarySite
    },
    "extent": {"localised": "localised", "locally_advanced": "locally advanced", "metastatic": "metastatic (spread)"},
    "gastric_type": {1: "type 1", 2: "type 2", 3: "type 3"},
}


def question_for(fact: str) -> str:
    """What to ask the specialist to settle `fact`."""
    return WORDING[fact].question


def _word(fact: str, value: Any) -> str:
    words = VALUE_WORDS.get(fact, {})
    if value in words:
        return words[value]
    if isinstance(value, float | int) and not isinstance(value, bool):
        return f"{value:g}{WORDING[fact].unit}"
    return str(value)


def _or_list(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"


def _and_list(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _requirement(fact: Fact, operator: Operator, value: Any) -> str:
    """A rule's required values in words: "0 or 1", "at least 30 ml/min", "anything but the lung"."""
    name = fact.name
    if operator is Operator.EQ:
        return _word(name, value)
    if operator is Operator.IN:
        return _or_list([_word(name, item) for item in value])
    if operator is Operator.NOT_IN:
        return "anything but " + _or_list([_word(name, item) for item in value])
    if operator is Operator.BETWEEN:
        return f"between {_word(name, value[0])} and {_word(name, value[1])}"
    if fact.type is FactType.INTEGER:
        # A short range of whole numbers reads best spelled out: "0 or 1" rather than "1 or less".
        low, high = (fact.minimum, value) if operator is Operator.LTE else (value, fact.maximum)
        if low is not None and high is not None and 0 <= high - low <= 3:
            return _or_list([str(number) for number in range(int(low), int(high) + 1)])
    if operator is Operator.GTE:
        return f"at least {_word(name, value)}"
    return f"{_word(name, value)} or less"


# --- Evaluating one rule ------------------------------------------------------------------------


def _treatments_include(
    items: Sequence[str], wanted: Sequence[str], treatments: Treatments
) -> tuple[bool | None, list[str], list[str]]:
    """Whether the patient's treatments include any wanted slug or kind: (answer, matches, doubts).

    A kind in `wanted` matches any intervention of that kind in `items`. A kind in `items` ("I had
    chemotherapy") matches a wanted kind, but leaves a wanted slug of that kind in doubt (None).
    """
    wanted_set = set(wanted)
    matches = [item for item in items if item in wanted_set or treatments.kinds.get(item) in wanted_set]
    if matches:
        return True, matches, []
    wanted_kinds = {treatments.kinds.get(item) for item in wanted} - {None}
    doubts = [item for item in items if item in InterventionKind.values and item in wanted_kinds]
    return (None if doubts else False), [], doubts


def _holds(operator: Operator, rule_value: Any, value: Any) -> bool:
    if operator is Operator.EQ:
        return bool(value == rule_value)
    if operator is Operator.IN:
        return value in rule_value
    if operator is Operator.NOT_IN:
        return value not in rule_value
    if operator is Operator.GTE:
        return bool(value >= rule_value)
    if operator is Operator.LTE:
        return bool(value <= rule_value)
    if operator is Operator.BETWEEN:
        return bool(rule_value[0] <= value <= rule_value[1])
    if operator is Operator.IS_TRUE:
        return value is True
    return value is False


def _unknown(kind: str, text: str, fact: str, reason: str | None = None) -> CriterionOutcome:
    wording = WORDING[fact]
    hint = "add it to your answers to check this" if wording.patient_knows else "ask your specialist"
    return CriterionOutcome(
        kind=kind,
        text=text,
        outcome=Outcome.UNKNOWN,
        fact=fact,
        patient_value=None,
        reason=reason or f"We don't know {wording.unknown}: {hint}.",
        missing_facts=(fact,),
    )


def evaluate_criterion(criterion: CriterionData, facts: PatientFacts, treatments: Treatments) -> CriterionOutcome:
    """The outcome of one criterion: met, not met, or unknown (fact missing, or no rule)."""
    kind, text, rule = criterion.kind, criterion.text, criterion.rule
    if rule is None:
        return CriterionOutcome(
            kind=kind,
            text=text,
            outcome=Outcome.UNKNOWN,
            fact=None,
            patient_value=None,
            reason="We can't check this here: to confirm with the trial team.",
            checked=False,
        )
    fact = FACTS[rule["fact"]]
    operator = Operator(rule["operator"])
    rule_value: Any = rule.get("value")
    value = facts.value(fact.name)
    if value is None:
        return _unknown(kind, text, fact.name)
    exclusion = kind == CriterionKind.EXCLUSION
    patient_value = list(value) if isinstance(value, tuple) else value

    if fact.type is FactType.TREATMENTS:
        includes, matches, doubts = _treatments_include(value, rule_value, treatments)
        wanted = _or_list([treatments.name(item) for item in rule_value])
        if includes is None:
            had = _and_list([treatments.name(item) for item in doubts])
            return _unknown(
                kind,
                text,
                fact.name,
                f"You have had {had}, but we don't know if it was {wanted}: ask your specialist.",
            )
        holds = includes if operator is Operator.INCLUDES_ANY else not includes
        matched = _and_list([treatments.name(item) for item in matches]) if matches else ""
        if fact.name == "prior_treatments":
            stated = f"You have had {matched}" if includes else f"You have not had {wanted}"
        else:
            stated = f"Your tumour grew on {matched}" if includes else f"Your tumour has not grown on {wanted}"
    elif fact.type is FactType.BOOLEAN:
        holds = _holds(operator, rule_value, value)
        yes, no = WORDING[fact.name].clauses
        stated = _capital(yes if value else no)
    else:
        holds = _holds(operator, rule_value, value)
        wording = WORDING[fact.name]
        stated = f"Your {wording.noun} is {_word(fact.name, value)}"

    outcome = Outcome.NOT_MET if holds == exclusion else Outcome.MET
    if outcome is Outcome.MET:
        reason = f"{stated}, as this trial needs." if not exclusion else f"{stated}, so this does not rule you out."
    elif exclusion:
        reason = f"{stated}: this trial does not take people in this situation."
    elif fact.type in (FactType.BOOLEAN, FactType.TREATMENTS):
        reason = f"{stated}; this trial needs the opposite."
    else:
        reason = f"{stated}; this trial needs {_requirement(fact, operator, rule_value)}."
    return CriterionOutcome(
        kind=kind, text=text, outcome=outcome, fact=fact.name, patient_value=patient_value, reason=reason
    )


# --- Facets -------------------------------------------------------------------------------------


def _age_range(trial: TrialFacts) -> str:
    if trial.min_age is not None and trial.max_age is not None:
        return f"between {trial.min_age} and {trial.max_age}"
    if trial.min_age is not None:
        return f"{trial.min_age} or older"
    return f"{trial.max_age} or younger"


def _facet_outcomes(trial: TrialFacts, facts: PatientFacts) -> list[CriterionOutcome]:
    """The trial's facets as its first inclusion criteria; a facet the trial leaves empty is none."""
    inclusion = CriterionKind.INCLUSION.value
    outcomes: list[CriterionOutcome] = []
    if trial.min_age is not None or trial.max_age is not None:
        text = f"You are {_age_range(trial)}."
        if facts.age is None:
            outcomes.append(_unknown(inclusion, text, "age"))
        else:
            fits = (trial.min_age is None or facts.age >= trial.min_age) and (
                trial.max_age is None or facts.age <= trial.max_age
            )
            verdict = ", as this trial needs" if fits else f"; this trial is for people aged {_age_range(trial)}"
            outcomes.append(_facet(text, fits, "age", facts.age, f"You are {facts.age}{verdict}."))
    if trial.sexes:
        sexes = _or_list(list(trial.sexes))
        text = f"This trial is for {sexes} patients."
        if facts.sex is None:
            outcomes.append(_unknown(inclusion, text, "sex"))
        else:
            fits = facts.sex in trial.sexes
            verdict = ", as this trial needs" if fits else f"; this trial is for {sexes} patients only"
            outcomes.append(_facet(text, fits, "sex", facts.sex, f"You are {facts.sex}{verdict}."))
    if trial.grades:
        grades = _or_list(list(trial.grades))
        text = f"Your tumour is grade {grades}."
        grade = facts.value("grade")
        if grade is None:
            outcomes.append(_unknown(inclusion, text, "grade"))
        else:
            fits = grade in trial.grades
            verdict = ", as this trial needs" if fits else f"; this trial needs {grades}"
            outcomes.append(_facet(text, fits, "grade", grade, f"Your grade is {grade}{verdict}."))
    if trial.tumour_types:
        outcomes.append(_tumour_type_outcome(trial.tumour_types, facts))
    return outcomes


def _facet(text: str, fits: bool, fact: str, value: Any, reason: str) -> CriterionOutcome:
    return CriterionOutcome(
        kind=CriterionKind.INCLUSION.value,
        text=text,
        outcome=Outcome.MET if fits else Outcome.NOT_MET,
        fact=fact,
        patient_value=value,
        reason=reason,
    )


def _matches(required: str, value: str | None) -> bool | None:
    if not required:
        return True
    return None if value is None else required == value


def tumour_type_answer(primary_site: str, diagnosis: str, facts: PatientFacts) -> bool | None:
    """Whether the patient has a tumour type of this site and diagnosis (blank: any); None: unknown."""
    parts = (_matches(primary_site, facts.primary_site), _matches(diagnosis, facts.diagnosis))
    return False if False in parts else None if None in parts else True


def _tumour_type_outcome(types: Sequence[TumourTypeFacts], facts: PatientFacts) -> CriterionOutcome:
    """Met when any of the trial's tumour types matches both the patient's site and diagnosis.

    Unknown facts make a type's match unknown (three-valued AND), and the facet is unknown only when
    no type matches for sure and some type might.
    """
    names = [t.name for t in types]
    text = f"Your cancer type is {_or_list(names)}."
    site_matters = any(t.primary_site for t in types)
    answers = [tumour_type_answer(t.primary_site, t.diagnosis, facts) for t in types]
    if True not in answers and None in answers:
        needed = {"primary_site": site_matters, "diagnosis": any(t.diagnosis for t in types)}
        missing = tuple(name for name, wanted in needed.items() if wanted and getattr(facts, name) is None)
        return replace(_unknown(CriterionKind.INCLUSION.value, text, missing[0]), missing_facts=missing)
    described = _describe_tumour(facts)
    if True in answers:
        fact = "primary_site" if site_matters else "diagnosis"
        return _facet(text, True, fact, facts.value(fact), f"{described}, as this trial needs.")
    site_fits = facts.primary_site is None or any(_matches(t.primary_site, facts.primary_site) for t in types)
    fact = "primary_site" if site_matters and not site_fits else "diagnosis"
    return _facet(text, False, fact, facts.value(fact), f"{described}; this trial is for: {_or_list(names)}.")


TUMOUR_WORDS = {"net": "a NET", "nec": "an NEC", "minen": "a mixed tumour (MiNEN)"}


def _describe_tumour(facts: PatientFacts) -> str:
    tumour = TUMOUR_WORDS[facts.diagnosis] if facts.diagnosis else "a tumour"
    if facts.primary_site is None:
        return f"You have {tumour}"
    return f"You have {tumour} that started in {_word('primary_site', facts.primary_site)}"


# --- Trials -------------------------------------------------------------------------------------


def evaluate(trial: TrialFacts, facts: PatientFacts, treatments: Treatments | None = None) -> TrialEvaluation:
    """Evaluate every facet and criterion of `trial` for the patient and give the verdict."""
    treatments = treatments or Treatments()
    outcomes = _facet_outcomes(trial, facts)
    outcomes += [evaluate_criterion(criterion, facts, treatments) for criterion in trial.criteria]
    if any(o.outcome is Outcome.NOT_MET for o in outcomes):
        verdict = Verdict.NOT_ELIGIBLE
    elif all(o.outcome is Outcome.MET for o in outcomes if o.checked):
        verdict = Verdict.LIKELY_ELIGIBLE
    else:
        verdict = Verdict.POSSIBLY_ELIGIBLE
    return TrialEvaluation(trial=trial, verdict=verdict, criteria=tuple(outcomes))


VERDICT_ORDER = {Verdict.LIKELY_ELIGIBLE: 0, Verdict.POSSIBLY_ELIGIBLE: 1, Verdict.NOT_ELIGIBLE: 2}


def rank(evaluations: Iterable[TrialEvaluation]) -> list[TrialEvaluation]:
    """Likely eligible first, then possibly eligible by fewest unknowns, then not eligible; ties by
    distance (nearest first, unknown distances last), then title (lower case, by code point: the
    order trials.eligibility.ranking gets from PostgreSQL), then slug."""

    def key(evaluation: TrialEvaluation) -> tuple[int, int, float, str, str]:
        unknowns = evaluation.unknown_count if evaluation.verdict is Verdict.POSSIBLY_ELIGIBLE else 0
        distance = evaluation.distance_miles
        return (
            VERDICT_ORDER[evaluation.verdict],
            unknowns,
            float("inf") if distance is None else distance,
            evaluation.trial.title.lower(),
            evaluation.trial.slug,
        )

    return sorted(evaluations, key=key)


def questions_to_ask(evaluations: Iterable[TrialEvaluation]) -> list[str]:
    """The questions that would settle the unknown facts of the trials not already ruled out."""
    missing: dict[str, None] = {}
    for evaluation in evaluations:
        if evaluation.verdict is not Verdict.NOT_ELIGIBLE:
            missing.update(dict.fromkeys(evaluation.missing_facts))
    order = list(FACTS)
    return [question_for(name) for name in sorted(missing, key=order.index)]


# --- Loading published trials -------------------------------------------------------------------


def known_intervention_slugs(slugs: Iterable[str]) -> set[str]:
    """Which of `slugs` are interventions in the vocabulary (one query)."""
    from trials.registry.models import Intervention

    return set(Intervention.objects.filter(slug__in=list(slugs)).values_list("slug", flat=True))
