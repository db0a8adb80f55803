"""Numbers, comparators and units as registries write them.

"ANC >= 1,500/mm^3", "Hemoglobin ≥ 9.0 g/dL", "=< 1.5 x ULN", "</=2.5x normal institutional limits",
"ECOG 0-2", "0 or 1", "aged 18 or over", "between 18 and 75 years", "> 480 msec", "≤ ULN". A parsed
limit keeps the words it came from, so every rule can point at its evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class Op(StrEnum):
    GE = ">="
    GT = ">"
    LE = "<="
    LT = "<"

    @property
    def is_lower(self) -> bool:
        return self in (Op.GE, Op.GT)

    @property
    def is_strict(self) -> bool:
        return self in (Op.GT, Op.LT)


@dataclass(frozen=True)
class Bound:
    """One side of a limit: `op value` in the base unit of `family` ("" when no unit was written)."""

    op: Op
    value: Decimal
    family: str
    start: int
    end: int


@dataclass(frozen=True)
class Limit:
    """What one statement says about a quantity: one bound, or two (a range)."""

    bounds: tuple[Bound, ...]
    start: int
    end: int


_S = r"\\?"  # ClinicalTrials.gov may escape < and > with a backslash.
_COMPARATORS: tuple[tuple[Op, str], ...] = (
    (
        Op.GE,
        rf"≥|≧|⩾|{_S}>\s*/?\s*=|=\s*{_S}>|{_S}>\s*or\s*=|(?:greater|more|higher)\s+than\s+or\s+equal\s+to"
        r"|equal\s+to\s+or\s+(?:greater|more|higher)\s+than|(?:of\s+)?at\s+least|(?:not|no)\s+(?:less|lower)\s+than"
        r"|minimum(?:\s+of)?",
    ),
    (
        Op.LE,
        rf"≤|≦|⩽|{_S}<\s*/?\s*=|=\s*{_S}<|{_S}<\s*or\s*=|(?:less|lower)\s+than\s+or\s+equal\s+to"
        r"|equal\s+to\s+or\s+(?:less|lower)\s+than|(?:not|no)\s+(?:more|greater|higher)\s+than|not\s+exceeding"
        r"|not\s+to\s+exceed|up\s+to(?:\s+and\s+including)?|at\s+most|maximum(?:\s+of)?",
    ),
    (
        Op.GT,
        rf"{_S}>|(?:greater|more|higher|older)\s+than|above|over|exceeding|in\s+excess\s+of",
    ),
    (Op.LT, rf"{_S}<|(?:less|lower|younger)\s+than|below|under"),
)
COMPARATOR_RE = re.compile(
    r"(?:(?<![A-Za-z])(?=[A-Za-z])|(?![A-Za-z]))(?:"  # a word comparator starts a word; "age≥18" still reads
    + "|".join(rf"(?P<{op.name}>(?:{pattern})(?![a-z]))" for op, pattern in _COMPARATORS)
    + ")",
    re.IGNORECASE,
)
# Thousands may be grouped with commas or (thin, no-break) spaces: "1,500", "100 000".
NUMBER_RE = re.compile(
    r"(?<![\d.,])(?:\d{1,3}(?:,\d{3})+|\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\d.,])|\d+)(?:\.\d+)?(?![\d])"
)

# Units: (pattern, family, factor to the family's base unit). Counts are in 10^9/L, haemoglobin in
# g/L, "uln" in multiples of the upper limit of normal, "times" a bare multiplier ("< 5x"), age in years.
_ULN_WORDS = (
    r"(?:the\s+)?(?:institutional\s+|local\s+|laboratory\s+|site\s+)?"
    r"(?:ULN|upper\s+limits?\s+of\s+(?:the\s+)?(?:institutional\s+)?normal(?:\s+range)?|upper\s+normal\s+limits?"
    r"|(?:institutional\s+)?normal\s+(?:institutional\s+)?(?:upper\s+)?limits?|institutional\s+(?:upper\s+)?limits?\s+of\s+normal)"
)
_PER_MICROLITRE = r"(?:µ|μ|u|mc|micro)\s*l(?:it(?:er|re)s?)?|mm\s*\^?\s*3|mm³|cu\.?\s*mm|cumm"
_UNITS: tuple[tuple[re.Pattern[str], str, Decimal], ...] = tuple(
    (re.compile(pattern, flags), family, Decimal(factor))
    for pattern, family, factor, flags in (
        (rf"(?:[x×*]|times)\s*{_ULN_WORDS}", "uln", "1", re.IGNORECASE),
        (r"(?:[x×*]\s*)?10\s*(?:\^\s*9|⁹|9|e9|\(9\)|\^\(9\))\s*/\s*l\b", "count", "1", re.IGNORECASE),
        (rf"(?:[x×*]\s*)?10\s*(?:\^\s*3|³|3|e3|\(3\))\s*/\s*(?:{_PER_MICROLITRE})", "count", "1", re.IGNORECASE),
        (rf"k\s*/\s*(?:{_PER_MICROLITRE})|/\s*nl\b", "count", "1", re.IGNORECASE),
        (r"G\s*/\s*L\b|Gpt\s*/\s*L\b", "count", "1", 0),
        (rf"(?:cells?\s*)?/\s*(?:{_PER_MICROLITRE})", "count", "0.001", re.IGNORECASE),
        (r"g\s*/\s*dl\b", "mass", "10", re.IGNORECASE),
        (r"g\s*/\s*l\b", "mass", "1", re.IGNORECASE),
        (r"mmol\s*/\s*l\b", "mmol", "1", re.IGNORECASE),
        (r"(?:mg|µmol|μmol|umol)\s*/\s*(?:dl|l)\b", "absolute", "1", re.IGNORECASE),
        (
            r"ml\s*/\s*min(?:ute)?\b(?:\s*(?:/|per)\s*1\.73\s*m\s*(?:\^?\s*2|²))?",
            "ml_min",
            "1",
            re.IGNORECASE,
        ),
        (r"%|per\s*cent\b", "percent", "1", re.IGNORECASE),
        (r"ms(?:ec)?s?\b|milli-?seconds?\b", "ms", "1", re.IGNORECASE),
        (r"(?:years?|yrs?)\b", "time", "1", re.IGNORECASE),
        (r"months?\b", "time", str(Decimal(1) / Decimal(12)), re.IGNORECASE),
        (r"weeks?\b", "time", str(Decimal(7) / Decimal("365.25")), re.IGNORECASE),
        (r"days?\b", "time", str(Decimal(1) / Decimal("365.25")), re.IGNORECASE),
        (r"(?:[x×*](?!\s*10\s*(?:\^|⁹|³|e|\()))|times\b", "times", "1", re.IGNORECASE),
    )
)
# "≤ ULN", "below the upper limit of normal", "within normal limits": one times the ULN.
_BARE_ULN_RE = re.compile(rf"\s*(?:\(\s*)?{_ULN_WORDS}", re.IGNORECASE)
_WITHIN_NORMAL_RE = re.compile(
    r"(?:with)?in\s+(?:the\s+)?(?:institutional\s+)?normal\s+(?:institutional\s+)?(?:limits?|range)|\bWNL\b",
    re.IGNORECASE,
)
_RANGE_SEPARATOR_RE = re.compile(r"\s*(?:-|–|—|to|through)\s*", re.IGNORECASE)
_BETWEEN_RE = re.compile(r"between\s+", re.IGNORECASE)
_AND_RE = re.compile(r"\s*(?:and|to|-)\s*", re.IGNORECASE)
_TRAILING_RE = re.compile(
    r"(?:\s+(?:of\s+age|old))?\s*(?:or|and)\s+(?:(?P<ge>more|greater|higher|above|over|older)|(?P<le>less|lower|below|fewer|younger))\b",
    re.IGNORECASE,
)
_LIST_RE = re.compile(r"(?P<items>\d(?:\s*,\s*\d)*)\s*,?\s*(?:or|and)\s+(?P<last>\d)(?![\d.,])", re.IGNORECASE)
_SECOND_RE = re.compile(r"\s*(?:,\s*)?(?:and|to|-)?\s*", re.IGNORECASE)


def parse_number(text: str) -> Decimal:
    return Decimal(re.sub(r"[,\s\u00a0\u202f]", "", text))


def _unit_at(text: str, pos: int) -> tuple[str, Decimal, int]:
    """The unit written at `pos` (after optional spaces): (family, factor, end); ("", 1, pos) if none."""
    match = re.compile(r"\s*").match(text, pos)
    start = match.end() if match else pos
    for pattern, family, factor in _UNITS:
        unit = pattern.match(text, start)
        if unit:
            return family, factor, unit.end()
    return "", Decimal(1), pos


def _quantity_at(text: str, pos: int) -> tuple[Decimal, str, int, int] | None:
    """A number and its unit at `pos`: (value in the base unit, family, start, end)."""
    match = re.compile(r"\s*").match(text, pos)
    start = match.end() if match else pos
    number = NUMBER_RE.match(text, start)
    if not number:
        return None
    family, factor, end = _unit_at(text, number.end())
    return parse_number(number.group()) * factor, family, start, end


def _compared_at(text: str, pos: int) -> Bound | None:
    """`<comparator> <number> <unit>` or `<comparator> ULN` at `pos`."""
    space = re.compile(r"\s*").match(text, pos)
    start = space.end() if space else pos
    comparator = COMPARATOR_RE.match(text, start)
    if comparator:
        op = Op[str(comparator.lastgroup)]
        quantity = _quantity_at(text, comparator.end())
        if quantity:
            value, family, _, end = quantity
            return Bound(op, value, family, start, end)
        bare = _BARE_ULN_RE.match(text, comparator.end())
        if bare:
            return Bound(op, Decimal(1), "uln", start, bare.end())
        return None
    within = _WITHIN_NORMAL_RE.match(text, start)
    if within:
        return Bound(Op.LE, Decimal(1), "uln", start, within.end())
    return None


def limit_at(text: str, pos: int) -> Limit | None:
    """The limit written at `pos` (after optional spaces), in any of the forms registries use."""
    space = re.compile(r"\s*").match(text, pos)
    start = space.end() if space else pos
    between = _BETWEEN_RE.match(text, start)
    if between:
        return _range_at(text, between.end(), start)
    bound = _compared_at(text, start)
    if bound:
        second = _second_bound(text, bound)
        if second:
            return Limit((bound, second), start, second.end)
        return Limit((bound,), start, bound.end)
    listed = _LIST_RE.match(text, start)
    if listed:
        items = [int(item) for item in re.findall(r"\d", listed.group("items"))] + [int(listed.group("last"))]
        if sorted(items) == list(range(min(items), max(items) + 1)):
            low = Bound(Op.GE, Decimal(min(items)), "", start, listed.end())
            high = Bound(Op.LE, Decimal(max(items)), "", start, listed.end())
            return Limit((low, high), start, listed.end())
        return None
    ranged = _range_at(text, start, start)
    if ranged:
        return ranged
    quantity = _quantity_at(text, start)
    if quantity:
        value, family, _, end = quantity
        trailing = _TRAILING_RE.match(text, end)
        if trailing:
            op = Op.GE if trailing.group("ge") else Op.LE
            return Limit((Bound(op, value, family, start, trailing.end()),), start, trailing.end())
    return None


def _second_bound(text: str, first: Bound) -> Bound | None:
    """The other side of "≥ 3 years and ≤ 18 years"."""
    gap = _SECOND_RE.match(text, first.end)
    if not gap:
        return None
    second = _compared_at(text, gap.end())
    if second is None or second.op.is_lower == first.op.is_lower or second.family not in (first.family, ""):
        return None
    family = first.family
    return Bound(second.op, second.value, family, second.start, second.end)


def _range_at(text: str, pos: int, start: int) -> Limit | None:
    """`<number> [unit] (-|to|and) <number> [unit]`: both ends included."""
    low = _quantity_at(text, pos)
    if not low:
        return None
    low_value, low_family, _, low_end = low
    separator = (_RANGE_SEPARATOR_RE if text[start:pos].strip() == "" else _AND_RE).match(text, low_end)
    if not separator:
        return None
    high = _quantity_at(text, separator.end())
    if not high:
        return None
    high_value, high_family, _, end = high
    if low_family and high_family and low_family != high_family:
        return None
    family = high_family or low_family
    if not low_family and high_family:
        # "18 to 64 years": the unit written once applies to both numbers.
        _, factor, _ = _unit_at(text, _quantity_end(text, separator.end()))
        low_value = low_value * factor
    if low_value > high_value:
        return None
    return Limit(
        (Bound(Op.GE, low_value, family, start, end), Bound(Op.LE, high_value, family, start, end)), start, end
    )


def _quantity_end(text: str, pos: int) -> int:
    number = NUMBER_RE.search(text, pos)
    return number.end() if number else pos


def limits_in(text: str, start: int, end: int) -> list[Limit]:
    """Every limit written between `start` and `end`, left to right."""
    found: list[Limit] = []
    pos = start
    while pos < end:
        limit = limit_at(text, pos)
        if limit and limit.end <= end:
            found.append(limit)
            pos = limit.end
            continue
        pos += 1
    return found
