"""Numeric facts: their units, and how a written limit becomes a rule that is never stricter.

A limit may be strict ("> 480 ms") or use another unit ("9 g/dL"); a rule compares the patient's
value with `gte`/`lte`/`between` in the fact's own unit. Whole-number facts (ECOG, LVEF %, QTc ms)
move a strict bound by one ("> 480" is "≥ 481"). Age counts completed years, so an inclusion's
"over 18" keeps 18. Continuous facts keep an inclusion's strict bound as it is (the rule then also
accepts the boundary value: looser) and move an exclusion's one step inside, so that the rule never
excludes a value the text keeps. Values are rounded the same safe way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from trials.eligibility.facts import FACTS
from trials.structuring.numbers import Bound, Op

INCLUSION = "inclusion"
EXCLUSION = "exclusion"


def _between(low: str, high: str, factor: str = "1") -> Callable[[Decimal], Decimal | None]:
    """A unitless number read as the fact's unit when it lies in [low, high] (times `factor`)."""

    def read(value: Decimal) -> Decimal | None:
        return value * Decimal(factor) if Decimal(low) <= value <= Decimal(high) else None

    return read


def _first(*readers: Callable[[Decimal], Decimal | None]) -> Callable[[Decimal], Decimal | None]:
    def read(value: Decimal) -> Decimal | None:
        for reader in readers:
            result = reader(value)
            if result is not None:
                return result
        return None

    return read


@dataclass(frozen=True)
class NumericFact:
    name: str
    words: str  # plain words for explanations
    unit: str  # the fact's unit, for explanations ("" when none)
    step: Decimal  # the finest difference the fact is reported in
    whole: bool  # a whole-number scale: strict bounds move by one step either way
    minimum: Decimal
    maximum: Decimal
    families: Mapping[str, Decimal] = field(default_factory=dict)  # unit family -> factor to the fact's unit
    unitless: Callable[[Decimal], Decimal | None] | None = None  # how to read a number written without unit
    completed_units: bool = False  # age in completed years: "over 18" may be 18

    def value_of(self, bound: Bound) -> Decimal | None:
        """The bound's value in this fact's unit, or None when its unit does not fit the fact."""
        if bound.family == "":
            return self.unitless(bound.value) if self.unitless else None
        factor = self.families.get(bound.family)
        return None if factor is None else bound.value * factor


def _range(name: str, low: str, high: str) -> tuple[Decimal, Decimal]:
    fact = FACTS.get(name)
    if fact is not None and fact.minimum is not None and fact.maximum is not None:
        return Decimal(str(fact.minimum)), Decimal(str(fact.maximum))
    return Decimal(low), Decimal(high)


def _fact(
    name: str,
    words: str,
    unit: str,
    step: str,
    *,
    whole: bool,
    span: tuple[str, str],
    families: Mapping[str, str],
    unitless: Callable[[Decimal], Decimal | None] | None = None,
    completed_units: bool = False,
) -> NumericFact:
    minimum, maximum = _range(name, *span)
    return NumericFact(
        name=name,
        words=words,
        unit=unit,
        step=Decimal(step),
        whole=whole,
        minimum=minimum,
        maximum=maximum,
        families={family: Decimal(factor) for family, factor in families.items()},
        unitless=unitless,
        completed_units=completed_units,
    )


# The seven laboratory facts (anc ... qtc_ms) may not be in FACTS yet; their ranges here are the
# physiological ones, and FACTS' own ranges win once it defines them.
NUMERIC_FACTS: dict[str, NumericFact] = {
    fact.name: fact
    for fact in (
        _fact(
            "age",
            "age",
            "years",
            "1",
            whole=True,
            span=("0", "120"),
            families={"time": "1"},
            unitless=_between("0", "120"),
            completed_units=True,
        ),
        _fact(
            "ecog",
            "ECOG performance status",
            "",
            "1",
            whole=True,
            span=("0", "4"),
            families={},
            unitless=_between("0", "4"),
        ),
        _fact("ki67", "Ki-67", "%", "0.1", whole=False, span=("0", "100"), families={"percent": "1"}),
        _fact(
            "bowel_movements_per_day",
            "bowel movements a day",
            "",
            "0.1",
            whole=False,
            span=("0", "50"),
            families={},
            unitless=_between("0", "50"),
        ),
        _fact(
            "creatinine_clearance",
            "creatinine clearance",
            "ml/min",
            "1",
            whole=False,
            span=("0", "300"),
            families={"ml_min": "1"},
        ),
        _fact(
            "anc",
            "neutrophil count (ANC)",
            "x10^9/L",
            "0.01",
            whole=False,
            span=("0", "100"),
            families={"count": "1"},
            unitless=_first(_between("100", "20000", "0.001"), _between("0.1", "20")),
        ),
        _fact(
            "platelets",
            "platelet count",
            "x10^9/L",
            "1",
            whole=False,
            span=("0", "2000"),
            families={"count": "1"},
            unitless=_first(_between("10000", "2000000", "0.001"), _between("10", "1500")),
        ),
        _fact(
            "haemoglobin",
            "haemoglobin",
            "g/L",
            "1",
            whole=False,
            span=("0", "250"),
            families={"mass": "1", "mmol": "16.11"},
            unitless=_first(_between("4", "20", "10"), _between("40", "200")),
        ),
        _fact(
            "bilirubin_uln",
            "bilirubin",
            "x ULN",
            "0.01",
            whole=False,
            span=("0", "100"),
            families={"uln": "1", "times": "1"},
        ),
        _fact(
            "transaminases_uln",
            "AST and ALT",
            "x ULN",
            "0.01",
            whole=False,
            span=("0", "100"),
            families={"uln": "1", "times": "1"},
        ),
        _fact(
            "lvef",
            "LVEF",
            "%",
            "1",
            whole=True,
            span=("0", "100"),
            families={"percent": "1"},
            unitless=_between("10", "90"),
        ),
        _fact(
            "qtc_ms",
            "QTc",
            "ms",
            "1",
            whole=True,
            span=("200", "800"),
            families={"ms": "1"},
            unitless=_between("300", "700"),
        ),
    )
}


@dataclass(frozen=True)
class Target:
    """One bound as a rule side: `gte`/`lte` a value on the fact's grid."""

    lower: bool
    value: Decimal
    bound: Bound


def _on_grid(value: Decimal, step: Decimal, *, up: bool) -> Decimal:
    units = (value / step).to_integral_value(rounding=ROUND_CEILING if up else ROUND_FLOOR)
    return units * step


def target(fact: NumericFact, kind: str, bound: Bound, value: Decimal) -> Target:
    """The loosest grid value for `bound` that keeps the rule no stricter than the text."""
    exclusion = kind == EXCLUSION
    step = fact.step
    if bound.op.is_lower:
        moves = bound.op is Op.GT and (exclusion or (fact.whole and not fact.completed_units))
        if moves:
            return Target(True, _on_grid(value, step, up=False) + step, bound)
        return Target(True, _on_grid(value, step, up=exclusion), bound)
    moves = bound.op is Op.LT and (exclusion or fact.whole)
    if moves:
        return Target(False, _on_grid(value, step, up=True) - step, bound)
    return Target(False, _on_grid(value, step, up=not exclusion), bound)


def loosest(targets: Sequence[Target], kind: str, *, lower: bool) -> Target | None:
    """Of several limits on one side, the one whose rule holds for the most (inclusion) or fewest (exclusion)."""
    side = [item for item in targets if item.lower == lower]
    if not side:
        return None
    accept_more = (kind == INCLUSION) != lower  # inclusion upper, exclusion lower: the highest value
    return max(side, key=lambda item: item.value) if accept_more else min(side, key=lambda item: item.value)


def number(value: Decimal) -> int | float:
    """A rule value as JSON writes it: 3, not 3.0; 1.5, not Decimal('1.50')."""
    normal = value.normalize()
    if normal == normal.to_integral_value():
        return int(normal)
    return float(normal)


def rules_for(
    fact: NumericFact, kind: str, targets: Sequence[Target], *, single_range: bool
) -> list[tuple[dict[str, object], list[Target]]]:
    """The rules the loosest targets make, each with the targets behind it; none for a trivial side.

    Inclusion sides must all hold, so a low and a high side make one `between`. Exclusion rules
    each exclude on their own, so "< 18 or > 75" makes two rules, while one written range
    ("ECOG 3-4") makes one.
    """
    low = loosest(targets, kind, lower=True)
    high = loosest(targets, kind, lower=False)
    if low is not None and low.value <= fact.minimum:
        low = None
    if high is not None and high.value >= fact.maximum:
        high = None
    if kind == EXCLUSION and not single_range:
        rules = [(_rule(fact, "gte", low.value), [low])] if low is not None else []
        return rules + ([(_rule(fact, "lte", high.value), [high])] if high is not None else [])
    if low is not None and high is not None:
        if low.value > high.value:
            return []
        return [(_rule(fact, "between", [number(low.value), number(high.value)]), [low, high])]
    if low is not None:
        return [(_rule(fact, "gte", low.value), [low])]
    if high is not None:
        return [(_rule(fact, "lte", high.value), [high])]
    return []


def _rule(fact: NumericFact, operator: str, value: Decimal | list[int | float]) -> dict[str, object]:
    return {"fact": fact.name, "operator": operator, "value": value if isinstance(value, list) else number(value)}


def describe(fact: NumericFact, rule: dict[str, object]) -> str:
    """A numeric rule in plain words: "neutrophil count (ANC) at least 1.5 x10^9/L"."""
    unit = f" {fact.unit}" if fact.unit else ""
    value = rule["value"]
    if isinstance(value, list):
        return f"{fact.words} between {value[0]} and {value[1]}{unit}"
    words = "at least" if rule["operator"] == "gte" else "at most"
    return f"{fact.words} {words} {value}{unit}"


def explain(
    fact: NumericFact, kind: str, rule: dict[str, object], used: Sequence[Target], quoted: str, *, limits: int
) -> str:
    """Why a numeric rule says what it says, in one short sentence and a note; `limits` counts those read."""
    lead = "Needs" if kind == INCLUSION else "Excludes"
    sentence = f"{lead} {describe(fact, rule)}: “{quoted}”."
    notes = []
    if limits > len(used):
        notes.append("the loosest of the limits the text gives")
    if any(item.bound.op.is_strict for item in used):
        notes.append("a strict limit rounded to the side the text allows")
    return f"{sentence} ({'; '.join(notes)})" if notes else sentence
