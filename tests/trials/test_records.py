"""Reading and writing the trial record (docs/trial-record.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from trials.eligibility.rules import RuleError, validate_rule
from trials.record.data import PartialDate
from trials.record.parsing import RecordInvalid, parse_trial


def minimal(**overrides: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "slug": "a-trial",
        "title": "A trial",
        "status": "open",
        "trial_type": "treatment",
    }
    record.update(overrides)
    return record


@pytest.mark.parametrize(
    ("text", "date", "precision", "display"),
    [
        ("2012-07-10", dt.date(2012, 7, 10), "day", "10 July 2012"),
        ("2016-10", dt.date(2016, 10, 1), "month", "October 2016"),
        ("2013", dt.date(2013, 1, 1), "year", "2013"),
    ],
)
def test_partial_dates_keep_their_precision(text: str, date: dt.date, precision: str, display: str) -> None:
    parsed = PartialDate.parse(text)
    assert (parsed.date, parsed.precision, parsed.isoformat(), parsed.display()) == (
        date,
        precision,
        text,
        display,
    )


@pytest.mark.parametrize("text", ["2016-13", "10/07/2012", "2023-02-30", "soon"])
def test_it_rejects_a_date_that_is_not_one(text: str) -> None:
    with pytest.raises(ValueError, match="date"):
        PartialDate.parse(text)


def test_it_names_every_bad_field_of_a_record() -> None:
    record = minimal(
        slug="not a slug",
        status="opne",
        phase="phase 2",
        grades=["G1", "G4"],
        eligibility={"min_age": 70, "max_age": 18, "sexes": ["female", "x"]},
        identifiers="NCT1",
        recruitment_start="2016-13",
    )
    with pytest.raises(RecordInvalid) as caught:
        parse_trial(record)
    assert caught.value.errors == {
        "slug": "'not a slug' is not a slug (letters, digits, hyphens and underscores only).",
        "status": "'opne' is not one of: open, closed, results.",
        "phase": (
            "'phase 2' is not one of: phase_0, phase_1, phase_1_2, phase_2, phase_2_3, phase_3, phase_4, pilot, other."
        ),
        "grades": "'G4' not among: G1, G2, G3.",
        "identifiers": "must be a JSON object.",
        "eligibility.sexes": "'x' not among: female, male.",
        "recruitment_start": "'2016-13' is not a real date.",
        "eligibility.max_age": "must not be below min_age.",
    }


def test_it_refuses_a_criterion_with_an_unknown_fact() -> None:
    record = minimal(
        eligibility={
            "criteria": [
                {
                    "kind": "inclusion",
                    "text": "Tall",
                    "rule": {"fact": "height", "operator": "gte", "value": 2},
                }
            ]
        }
    )
    with pytest.raises(RecordInvalid) as caught:
        parse_trial(record)
    assert list(caught.value.errors) == ["eligibility.criteria[0].rule"]
    assert caught.value.errors["eligibility.criteria[0].rule"].startswith(
        "Unknown fact 'height'; use one of: age, sex,"
    )


def test_a_missing_facet_means_no_restriction() -> None:
    data = parse_trial(minimal())
    assert (data.min_age, data.max_age, data.sexes, data.grades, data.cancer_types) == (
        None,
        None,
        (),
        (),
        (),
    )
    assert data.published is True


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"fact": "ecog", "operator": "lte", "value": 2}, None),
        ({"fact": "ecog", "operator": "lte", "value": 7}, "The value for ecog must be between 0 and 4."),
        (
            {"fact": "ecog", "operator": "is_true", "value": None},
            "The operator is_true does not apply to ecog",
        ),
        ({"fact": "grade", "operator": "in", "value": ["G1", "G2"]}, None),
        ({"fact": "grade", "operator": "in", "value": ["G5"]}, "'G5' is not a value of grade"),
        (
            {"fact": "grade", "operator": "in", "value": []},
            "The operator in takes a non-empty list of values.",
        ),
        ({"fact": "ki67", "operator": "between", "value": [3, 20]}, None),
        (
            {"fact": "ki67", "operator": "between", "value": [20, 3]},
            "the low value must not be above the high value",
        ),
        (
            {"fact": "ki67", "operator": "between", "value": 20},
            "The operator between takes a list of two values",
        ),
        ({"fact": "carcinoid_syndrome", "operator": "is_true", "value": None}, None),
        ({"fact": "carcinoid_syndrome", "operator": "is_true", "value": True}, "takes no value"),
        ({"fact": "prior_treatments", "operator": "includes_any", "value": ["somatostatin_analogue"]}, None),
        (
            {"fact": "prior_treatments", "operator": "includes_none", "value": "chemotherapy"},
            "Treatment rules take",
        ),
        ({"fact": "age", "operator": "gte", "value": True}, "must be a whole number"),
        ({"fact": "age", "operator": "approximately", "value": 18}, "Unknown operator 'approximately'"),
        ({"fact": "age", "operator": "gte", "value": 18, "note": "x"}, "remove: note"),
        (["age", "gte", 18], "A rule must be an object"),
    ],
)
def test_rules_are_validated_with_a_readable_reason(rule: Any, message: str | None) -> None:
    if message is None:
        validate_rule(rule)
    else:
        with pytest.raises(RuleError, match=message.replace("(", r"\(").replace("[", r"\[")):
            validate_rule(rule)


def test_treatment_rules_name_unknown_interventions_when_asked_to_check() -> None:
    rule = {
        "fact": "progressed_on",
        "operator": "includes_any",
        "value": ["everolimus", "chemotherapy", "zzz"],
    }
    with pytest.raises(RuleError, match="Unknown intervention zzz"):
        validate_rule(rule, known_treatments=lambda slugs: {"everolimus"} & set(slugs))
