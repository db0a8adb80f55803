"""Numbers, comparators, ranges and units as registries write them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from trials.structuring.numbers import limit_at, limits_in
from trials.structuring.text import clauses


@pytest.mark.parametrize(
    ("text", "bounds"),
    [
        ("≥ 1,500/µL", [(">=", "1.5", "count")]),
        (">= 1,500/mm^3", [(">=", "1.5", "count")]),
        ("≥ 100,000/ mm3", [(">=", "100", "count")]),
        ("≥ 100 × 109/L", [(">=", "100", "count")]),  # 10^9 with its superscript flattened
        ("≥ 1.5 ×103/μL", [(">=", "1.5", "count")]),
        ("> 80 K/uL", [(">", "80", "count")]),
        ("≥ 10g/dL", [(">=", "100", "mass")]),
        ("=< 1.5 x ULN", [("<=", "1.5", "uln")]),
        ("</=2.5x normal institutional limits", [("<=", "2.5", "uln")]),
        ("≤ institutional upper limit of normal (ULN)", [("<=", "1", "uln")]),
        ("below the upper limit of the institutional normal range", [("<", "1", "uln")]),
        ("within normal limits", [("<=", "1", "uln")]),
        ("< 5x if liver metastases", [("<", "5", "times")]),
        ("\\>= 9 g/dL", [(">=", "90", "mass")]),  # a ClinicalTrials.gov escape
        ("> 480 msec", [(">", "480", "ms")]),
        ("≥50%", [(">=", "50", "percent")]),
        ("≥ 60 mL/min/1.73 m2", [(">=", "60", "ml_min")]),
        ("0-2", [(">=", "0", ""), ("<=", "2", "")]),
        ("0 - 1", [(">=", "0", ""), ("<=", "1", "")]),
        ("0, 1, or 2", [(">=", "0", ""), ("<=", "2", "")]),
        ("18 or over", [(">=", "18", "")]),
        ("18 years of age or older", [(">=", "18", "time")]),
        ("between 18 and 75 years", [(">=", "18", "time"), ("<=", "75", "time")]),
        ("12 -24 years old", [(">=", "12", "time"), ("<=", "24", "time")]),
        ("≥ 3 years and ≤ 18 years", [(">=", "3", "time"), ("<=", "18", "time")]),
    ],
)
def test_it_reads_a_limit_with_its_unit(text: str, bounds: list[tuple[str, str, str]]) -> None:
    limit = limit_at(text, 0)

    assert limit is not None
    assert [(bound.op.value, bound.value, bound.family) for bound in limit.bounds] == [
        (op, Decimal(value), family) for op, value, family in bounds
    ]


def test_it_converts_days_to_years_for_ages() -> None:
    limit = limit_at("≥ 28 days to < 18 years", 0)

    assert limit is not None
    assert [bound.op.value for bound in limit.bounds] == [">=", "<"]
    assert limit.bounds[0].value == Decimal(28) / Decimal("365.25")


@pytest.mark.parametrize("text", ["0,1 or 3", "ECOG", "18", "≥ x ULN", "1 -"])
def test_it_reads_no_limit_from_words_that_are_not_one(text: str) -> None:
    assert limit_at(text, 0) is None


def test_it_finds_every_limit_in_a_sentence_and_skips_words_that_merely_contain_a_comparator() -> None:
    text = "Overall survival; hemoglobin ≥ 9 g/dL, platelets ≥ 100,000/mm3"

    assert [text[limit.start : limit.end] for limit in limits_in(text, 0, len(text))] == ["≥ 9 g/dL", "≥ 100,000/mm3"]


def test_clauses_split_at_semicolons_and_sentence_ends_but_not_inside_parentheses_or_decimals() -> None:
    text = "Total bilirubin ≤ 1.5 x ULN (ULN; unless Gilbert's). ALT ≤ 2.5 x ULN; Kidney: CrCl ≥ 50 mL/min."

    assert [clause.text for clause in clauses(text)] == [
        "Total bilirubin ≤ 1.5 x ULN (ULN; unless Gilbert's)",
        "ALT ≤ 2.5 x ULN",
        "Kidney: CrCl ≥ 50 mL/min",
    ]
