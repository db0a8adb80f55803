"""Every proposed rule passes the same check as an admin's: `validate_rule`, or invalid rules are dropped.

The seven laboratory facts may not be in `FACTS` yet (another change adds them); until they are,
their rules are checked here against the same shape: a number in range with gte, lte or between.
"""

from __future__ import annotations

from typing import Any

from trials.eligibility.facts import FACTS
from trials.eligibility.rules import RuleError, validate_rule
from trials.structuring.limits import NUMERIC_FACTS
from trials.structuring.vocabulary import Vocabulary


def is_valid(rule: dict[str, Any], vocabulary: Vocabulary) -> bool:
    """Whether `rule` is a well-formed rule naming only known interventions."""
    name = rule.get("fact")
    if name in FACTS:
        try:
            validate_rule(rule, known_treatments=vocabulary.known)
        except RuleError:
            return False
        return True
    fact = NUMERIC_FACTS.get(str(name))
    if fact is None or set(rule) != {"fact", "operator", "value"}:
        return False
    value = rule["value"]
    if rule["operator"] in ("gte", "lte"):
        items = [value]
    elif rule["operator"] == "between" and isinstance(value, list) and len(value) == 2:
        items = value
        if not all(_in_range(item, fact.minimum, fact.maximum, whole=fact.whole) for item in items):
            return False
        return bool(items[0] <= items[1])
    else:
        return False
    return all(_in_range(item, fact.minimum, fact.maximum, whole=fact.whole) for item in items)


def _in_range(value: object, minimum: object, maximum: object, *, whole: bool) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    if whole and not float(value).is_integer():
        return False
    return bool(float(str(minimum)) <= value <= float(str(maximum)))
