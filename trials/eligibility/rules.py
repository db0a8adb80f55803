"""The structured-rule format of a criterion: which facts and operators exist, and validation.

A rule is `{"fact": <PatientFacts name>, "operator": <op>, "value": <v>}`. The facts come from the
registry (trials.eligibility.facts); this module adds the operators that apply to each fact type and
checks a rule's shape; `trials.eligibility.engine` evaluates rules against a patient.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import Any

from trials.eligibility.definitions import Fact, FactType
from trials.eligibility.facts import FACTS
from trials.registry.choices import InterventionKind


class Operator(StrEnum):
    EQ = "eq"
    IN = "in"
    NOT_IN = "not_in"
    GTE = "gte"
    LTE = "lte"
    BETWEEN = "between"
    IS_TRUE = "is_true"
    IS_FALSE = "is_false"
    INCLUDES_ANY = "includes_any"
    INCLUDES_NONE = "includes_none"


OPERATORS_BY_TYPE: dict[FactType, frozenset[Operator]] = {
    FactType.INTEGER: frozenset(
        {Operator.EQ, Operator.IN, Operator.NOT_IN, Operator.GTE, Operator.LTE, Operator.BETWEEN}
    ),
    FactType.NUMBER: frozenset({Operator.EQ, Operator.GTE, Operator.LTE, Operator.BETWEEN}),
    FactType.BOOLEAN: frozenset({Operator.IS_TRUE, Operator.IS_FALSE}),
    FactType.CHOICE: frozenset({Operator.EQ, Operator.IN, Operator.NOT_IN}),
    FactType.TREATMENTS: frozenset({Operator.INCLUDES_ANY, Operator.INCLUDES_NONE}),
}

# The facts a rule may name: every fact with operators (a postcode only measures distance).
RULE_FACTS: dict[str, Fact] = {name: fact for name, fact in FACTS.items() if fact.type in OPERATORS_BY_TYPE}


# A treatment rule names a drug class as "class:<slug>" (trials.registry.drug_classes); a drug counts
# as every class it belongs to.
CLASS_PREFIX = "class:"


class RuleError(ValueError):
    """A rule that does not follow the format; the message says why in plain words."""


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_scalar(fact: Fact, value: object) -> None:
    if fact.type is FactType.CHOICE:
        if value not in fact.choice_values:
            allowed = ", ".join(str(choice) for choice in fact.choice_values)
            raise RuleError(f"{value!r} is not a value of {fact.name}; use one of: {allowed}.")
        return
    if not _is_number(value) or (fact.type is FactType.INTEGER and not float(value).is_integer()):  # type: ignore[arg-type]
        kind = "a whole number" if fact.type is FactType.INTEGER else "a number"
        raise RuleError(f"The value for {fact.name} must be {kind}, not {value!r}.")
    number = float(value)  # type: ignore[arg-type]
    if (fact.minimum is not None and number < fact.minimum) or (fact.maximum is not None and number > fact.maximum):
        raise RuleError(f"The value for {fact.name} must be between {fact.minimum:g} and {fact.maximum:g}.")


def validate_rule(
    rule: object,
    *,
    known_treatments: Callable[[Iterable[str]], set[str]] | None = None,
) -> None:
    """Raise RuleError unless `rule` is a well-formed rule.

    `known_treatments` returns which of the given intervention slugs and "class:<slug>" drug classes
    exist; without it, treatment values are checked for shape only. Intervention kinds are always
    accepted.
    """
    if not isinstance(rule, dict):
        raise RuleError('A rule must be an object such as {"fact": "ecog", "operator": "lte", "value": 2}.')
    extra = set(rule) - {"fact", "operator", "value"}
    if extra:
        raise RuleError(f"A rule has only fact, operator and value; remove: {', '.join(sorted(extra))}.")
    fact_name = rule.get("fact")
    if fact_name not in RULE_FACTS:
        raise RuleError(f"Unknown fact {fact_name!r}; use one of: {', '.join(RULE_FACTS)}.")
    fact = RULE_FACTS[str(fact_name)]
    try:
        operator = Operator(str(rule.get("operator")))
    except ValueError:
        raise RuleError(
            f"Unknown operator {rule.get('operator')!r}; use one of: {', '.join(op.value for op in Operator)}."
        ) from None
    allowed = OPERATORS_BY_TYPE[fact.type]
    if operator not in allowed:
        names = ", ".join(sorted(op.value for op in allowed))
        raise RuleError(f"The operator {operator.value} does not apply to {fact.name}; use one of: {names}.")
    value = rule.get("value")
    if operator in (Operator.IS_TRUE, Operator.IS_FALSE):
        if value is not None:
            raise RuleError(f"The operator {operator.value} takes no value (use null).")
    elif operator in (Operator.EQ, Operator.GTE, Operator.LTE):
        _check_scalar(fact, value)
    elif operator is Operator.BETWEEN:
        if not (isinstance(value, list) and len(value) == 2):
            raise RuleError("The operator between takes a list of two values: [low, high].")
        for item in value:
            _check_scalar(fact, item)
        if value[0] > value[1]:
            raise RuleError("In [low, high] the low value must not be above the high value.")
    elif operator in (Operator.IN, Operator.NOT_IN):
        if not (isinstance(value, list) and value):
            raise RuleError(f"The operator {operator.value} takes a non-empty list of values.")
        for item in value:
            _check_scalar(fact, item)
    else:
        _check_treatments(value, known_treatments)


def _check_treatments(value: object, known_treatments: Callable[[Iterable[str]], set[str]] | None) -> None:
    if not (isinstance(value, list) and value and all(isinstance(item, str) and item for item in value)):
        raise RuleError("Treatment rules take a non-empty list of intervention slugs, drug classes or kinds.")
    candidates = [item for item in value if item not in InterventionKind.values]
    if known_treatments is not None and candidates:
        missing = sorted(set(candidates) - known_treatments(candidates))
        if missing:
            raise RuleError(
                f"Unknown intervention {', '.join(missing)}; use an intervention's slug, a drug "
                f"class as {CLASS_PREFIX}<slug>, or one of the kinds: {', '.join(InterventionKind.values)}."
            )


# --- Keys the ranking reads -------------------------------------------------------------------------
# A trial row carries one key per criterion with a rule and one per tumour type (Trial.rule_keys,
# Trial.tumour_type_keys). A key holds everything its outcome depends on, so trials.eligibility.ranking evaluates
# each distinct key once per patient, in Python, with the engine itself.


def rule_key(kind: str, rule: dict[str, Any]) -> str:
    """`"<kind> <rule as compact JSON, keys sorted>"`: equal rules of the same kind, equal keys."""
    return f"{kind} {json.dumps(rule, sort_keys=True, separators=(',', ':'))}"


def parse_rule_key(key: str) -> tuple[str, dict[str, Any]]:
    kind, _, rule = key.partition(" ")
    return kind, json.loads(rule)


# A criterion of a cohort has a key of its own, `"cohort:<name>\t<rule key>"` (the rule key is empty for
# a criterion without a rule), in the same `Trial.rule_keys`: a common rule key never starts with
# "cohort:", so the common criteria's SQL conditions never match it, and the cohort keys are grouped by
# name in SQL to find the trial's best cohort.
COHORT_PREFIX = "cohort:"


def cohort_key(cohort: str, kind: str, rule: dict[str, Any] | None) -> str:
    return f"{COHORT_PREFIX}{cohort}\t{rule_key(kind, rule) if rule is not None else ''}"


def parse_cohort_key(key: str) -> tuple[str, str]:
    """`(cohort, rule key)`; the rule key is "" for a criterion without a rule."""
    cohort, _, rest = key.removeprefix(COHORT_PREFIX).partition("\t")
    return cohort, rest


def tumour_type_key(primary_site: str, diagnosis: str) -> str:
    """`"<site>/<diagnosis>"`, each blank when the tumour type leaves it open ("pancreas/", "/net")."""
    return f"{primary_site}/{diagnosis}"


def parse_tumour_type_key(key: str) -> tuple[str, str]:
    site, _, diagnosis = key.partition("/")
    return site, diagnosis
