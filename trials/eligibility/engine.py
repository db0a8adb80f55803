"""The eligibility engine: one patient's facts against trials' criteria, criterion by criterion.

`PatientFacts` (trials.eligibility.patient) is what a patient (or their specialist) knows; every
fact is optional and a missing one is unknown. `evaluate()` is plain Python over plain data
(`TrialFacts`): no HTTP, no ORM, no stored patients, so the questionnaire, the API and the
specialists' pages share it. Unknown never excludes a trial: only a criterion that is definitely
not met does.

`trials.eligibility.ranking` applies it to every published trial at once: it ranks them all in SQL
from keys each trial row carries, and evaluates in full only the trials it shows. The values it reads
and returns are in trials.eligibility.values, the reasons' words in trials.eligibility.wording, and
every fact's in the registry, trials.eligibility.facts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace
from enum import StrEnum
from typing import Any

from trials.eligibility.definitions import Fact, FactType
from trials.eligibility.facts import in_registry_order
from trials.eligibility.patient import PatientFacts
from trials.eligibility.rules import RULE_FACTS, Operator
from trials.eligibility.values import (
    VERDICT_ORDER,
    CohortEvaluation,
    CriterionOutcome,
    Outcome,
    Treatments,
    TrialEvaluation,
    TrialFacts,
    TumourTypeFacts,
    Verdict,
)
from trials.eligibility.wording import and_list, describe_tumour, or_list, requirement, stated, unknown_reason
from trials.record.data import CriterionData
from trials.registry.choices import CriterionKind, InterventionKind, Phase

# The engine's functions, and the values of trials.eligibility.values it reads and returns (still
# importable from here, where the tests import them).
__all__ = [
    "NO_PHASE_RANK",
    "PHASE_ORDER",
    "UNKNOWN_TUMOUR_TYPE",
    "Outcome",
    "Sort",
    "Treatments",
    "TrialEvaluation",
    "TrialFacts",
    "TumourTypeFacts",
    "Verdict",
    "evaluate",
    "evaluate_criterion",
    "facts_to_find_out",
    "questions_to_ask",
    "rank",
    "tumour_type_answer",
]

# --- Evaluating one rule ------------------------------------------------------------------------


def _treatments_include(
    items: Sequence[str], wanted: Sequence[str], treatments: Treatments
) -> tuple[bool | None, list[str], list[str]]:
    """Whether the patient's treatments include any wanted slug, class or kind: (answer, matches, doubts).

    A kind or class in `wanted` matches any intervention of that kind or class in `items`. A kind in
    `items` ("I had chemotherapy") matches a wanted kind, but leaves a wanted slug or class with
    members of that kind in doubt (None).
    """
    wanted_set = set(wanted)
    matches = [item for item in items if treatments.labels(item) & wanted_set]
    if matches:
        return True, matches, []
    wanted_kinds = {kind for item in wanted for kind in treatments.kinds_of(item)}
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
    return CriterionOutcome(
        kind=kind,
        text=text,
        outcome=Outcome.UNKNOWN,
        fact=fact,
        patient_value=None,
        reason=reason or unknown_reason(fact),
        missing_facts=(fact,),
    )


def evaluate_criterion(criterion: CriterionData, facts: PatientFacts, treatments: Treatments) -> CriterionOutcome:
    """The outcome of one criterion: met, not met, or unknown (fact missing, or no rule)."""
    outcome = _criterion_outcome(criterion, facts, treatments)
    return replace(outcome, registry_text=criterion.registry_text) if criterion.registry_text else outcome


def _criterion_outcome(criterion: CriterionData, facts: PatientFacts, treatments: Treatments) -> CriterionOutcome:
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
    fact = RULE_FACTS[rule["fact"]]
    operator = Operator(rule["operator"])
    rule_value: Any = rule.get("value")
    value = facts.value(fact.name)
    if value is None:
        return _unknown(kind, text, fact.name)
    exclusion = kind == CriterionKind.EXCLUSION
    patient_value = list(value) if isinstance(value, tuple) else value

    if fact.type is FactType.TREATMENTS:
        includes, matches, doubts = _treatments_include(value, rule_value, treatments)
        wanted = or_list([treatments.name(item) for item in rule_value])
        if includes is None:
            had = and_list([treatments.name(item) for item in doubts])
            return _unknown(
                kind,
                text,
                fact.name,
                f"You have had {had}, but we don't know if it was {wanted}: ask your specialist.",
            )
        holds = includes if operator is Operator.INCLUDES_ANY else not includes
        matched = and_list([treatments.name(item) for item in matches]) if matches else ""
        if fact.name == "prior_treatments":
            statement = f"You have had {matched}" if includes else f"You have not had {wanted}"
        else:
            statement = f"Your tumour grew on {matched}" if includes else f"Your tumour has not grown on {wanted}"
    else:
        holds = _holds(operator, rule_value, value)
        statement = stated(fact, value)

    outcome = Outcome.NOT_MET if holds == exclusion else Outcome.MET
    if outcome is Outcome.MET:
        verdict = "so this does not rule you out" if exclusion else "as this trial needs"
        reason = f"{statement}, {verdict}."
    elif exclusion:
        reason = f"{statement}: this trial does not take people in this situation."
    elif fact.type in (FactType.BOOLEAN, FactType.TREATMENTS):
        reason = f"{statement}; this trial needs the opposite."
    else:
        reason = f"{statement}; this trial needs {requirement(fact, operator, rule_value)}."
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
        sexes = or_list(list(trial.sexes))
        text = f"This trial is for {sexes} patients."
        if facts.sex is None:
            outcomes.append(_unknown(inclusion, text, "sex"))
        else:
            fits = facts.sex in trial.sexes
            verdict = ", as this trial needs" if fits else f"; this trial is for {sexes} patients only"
            outcomes.append(_facet(text, fits, "sex", facts.sex, f"You are {facts.sex}{verdict}."))
    if trial.grades:
        grades = or_list(list(trial.grades))
        text = f"Your tumour is grade {grades}."
        grade = facts.value("grade")
        if grade is None:
            outcomes.append(_unknown(inclusion, text, "grade"))
        else:
            fits = grade in trial.grades
            verdict = ", as this trial needs" if fits else f"; this trial needs {grades}"
            outcomes.append(_facet(text, fits, "grade", grade, f"Your grade is {grade}{verdict}."))
    if trial.tumour_types and not trial.any_net:
        outcomes.append(_tumour_type_outcome(trial.tumour_types, facts))
    elif not trial.any_net:
        outcomes.append(UNKNOWN_TUMOUR_TYPE)
    return outcomes


# A trial with no tumour type that is not marked "any NET" (an imported study whose conditions name
# none of ours): unknown, never "not met", and nothing the patient could add settles it.
UNKNOWN_TUMOUR_TYPE = CriterionOutcome(
    kind=CriterionKind.INCLUSION.value,
    text="Your cancer type is one this trial is for.",
    outcome=Outcome.UNKNOWN,
    fact="diagnosis",
    patient_value=None,
    reason="This trial does not say which neuroendocrine cancers it is for: ask the trial team.",
    missing_facts=(),
)


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
    text = f"Your cancer type is {or_list(names)}."
    site_matters = any(t.primary_site for t in types)
    answers = [tumour_type_answer(t.primary_site, t.diagnosis, facts) for t in types]
    if True not in answers and None in answers:
        needed = {"primary_site": site_matters, "diagnosis": any(t.diagnosis for t in types)}
        missing = tuple(name for name, wanted in needed.items() if wanted and getattr(facts, name) is None)
        return replace(_unknown(CriterionKind.INCLUSION.value, text, missing[0]), missing_facts=missing)
    described = describe_tumour(facts)
    if True in answers:
        fact = "primary_site" if site_matters else "diagnosis"
        return _facet(text, True, fact, facts.value(fact), f"{described}, as this trial needs.")
    site_fits = facts.primary_site is None or any(_matches(t.primary_site, facts.primary_site) for t in types)
    fact = "primary_site" if site_matters and not site_fits else "diagnosis"
    return _facet(text, False, fact, facts.value(fact), f"{described}; this trial is for: {or_list(names)}.")


# --- Trials -------------------------------------------------------------------------------------


def _verdict(outcomes: Sequence[CriterionOutcome]) -> Verdict:
    if any(o.outcome is Outcome.NOT_MET for o in outcomes):
        return Verdict.NOT_ELIGIBLE
    if all(o.outcome is Outcome.MET for o in outcomes if o.checked):
        return Verdict.LIKELY_ELIGIBLE
    return Verdict.POSSIBLY_ELIGIBLE


def _unknowns(outcomes: Iterable[CriterionOutcome]) -> int:
    return sum(1 for o in outcomes if o.outcome is Outcome.UNKNOWN)


def evaluate(trial: TrialFacts, facts: PatientFacts, treatments: Treatments | None = None) -> TrialEvaluation:
    """Evaluate every facet and criterion of `trial` for the patient and give the verdict.

    The facets and the criteria without a cohort are common; a trial with cohorts is judged on the
    common outcomes plus each cohort's, and the best cohort (verdict, then fewest unknowns, then the
    first) gives the verdict.
    """
    treatments = treatments or Treatments()
    common = _facet_outcomes(trial, facts)
    common += [evaluate_criterion(c, facts, treatments) for c in trial.criteria if not c.cohort]
    names = list(dict.fromkeys(c.cohort for c in trial.criteria if c.cohort))
    if not names:
        return TrialEvaluation(trial=trial, verdict=_verdict(common), criteria=tuple(common))
    cohorts = []
    for name in names:
        own = tuple(
            replace(evaluate_criterion(c, facts, treatments), cohort=name) for c in trial.criteria if c.cohort == name
        )
        combined = [*common, *own]
        cohorts.append(CohortEvaluation(name, _verdict(combined), own, _unknowns(combined)))

    def key(cohort: CohortEvaluation) -> tuple[int, int]:
        # Among cohorts that rule the patient out, the closest fit (fewest points not met) explains it.
        if cohort.verdict is Verdict.NOT_ELIGIBLE:
            return VERDICT_ORDER[cohort.verdict], sum(1 for o in cohort.criteria if o.outcome is Outcome.NOT_MET)
        unknowns = cohort.unknown_count if cohort.verdict is Verdict.POSSIBLY_ELIGIBLE else 0
        return VERDICT_ORDER[cohort.verdict], unknowns

    best = min(cohorts, key=key)  # min() keeps the first of equals
    return TrialEvaluation(
        trial=trial,
        verdict=best.verdict,
        criteria=(*common, *best.criteria),
        cohort=best.name,
        cohorts=tuple(cohorts),
    )


class Sort(StrEnum):
    """What a ranking sorts by first; every sort then falls back on the verdict order."""

    VERDICT = "verdict"
    DISTANCE = "distance"
    PHASE = "phase"


# The latest phase first (the strongest evidence a trial can add); an unknown phase last.
PHASE_ORDER: dict[str, int] = {
    phase.value: position
    for position, phase in enumerate(
        [
            Phase.PHASE_4,
            Phase.PHASE_3,
            Phase.PHASE_2_3,
            Phase.PHASE_2,
            Phase.PHASE_1_2,
            Phase.PHASE_1,
            Phase.PHASE_0,
            Phase.PILOT,
            Phase.OTHER,
        ]
    )
}
NO_PHASE_RANK = len(PHASE_ORDER)


def rank(evaluations: Iterable[TrialEvaluation], by: Sort = Sort.VERDICT) -> list[TrialEvaluation]:
    """Likely eligible first, then possibly eligible by fewest unknowns, then not eligible; ties by
    distance (nearest first, unknown distances last), then title (lower case, by code point: the
    order trials.eligibility.ranking gets from PostgreSQL), then slug.

    `by` puts one key before that order: the distance (nearest first) or the phase (latest first).
    """

    def key(evaluation: TrialEvaluation) -> tuple[float, int, int, float, str, str]:
        unknowns = evaluation.unknown_count if evaluation.verdict is Verdict.POSSIBLY_ELIGIBLE else 0
        distance = evaluation.distance_miles
        miles = float("inf") if distance is None else distance
        first = {
            Sort.VERDICT: 0.0,
            Sort.DISTANCE: miles,
            Sort.PHASE: float(PHASE_ORDER.get(evaluation.trial.phase, NO_PHASE_RANK)),
        }[by]
        return (
            first,
            VERDICT_ORDER[evaluation.verdict],
            unknowns,
            miles,
            evaluation.trial.title.lower(),
            evaluation.trial.slug,
        )

    return sorted(evaluations, key=key)


def facts_to_find_out(evaluations: Iterable[TrialEvaluation]) -> list[tuple[Fact, int]]:
    """The unknown facts of the trials not already ruled out, in the registry's order, each with
    the number of those trials it would help settle."""
    needed = Counter(
        name
        for evaluation in evaluations
        if evaluation.verdict is not Verdict.NOT_ELIGIBLE
        for name in evaluation.missing_facts
    )
    return [(fact, needed[fact.name]) for fact in in_registry_order(needed)]


def questions_to_ask(evaluations: Iterable[TrialEvaluation]) -> list[str]:
    """The questions that would settle the unknown facts of the trials not already ruled out."""
    return [fact.ask for fact, _trials in facts_to_find_out(evaluations)]
