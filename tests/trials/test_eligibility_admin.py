"""The admin's rule editor: fact, operator and value build a valid rule or the criterion is refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.factories import CriterionFactory, InterventionFactory, TrialFactory
from tests.trials.test_admin import trial_form
from trials.admin.forms import parse_rule_value
from trials.eligibility.rules import RULE_FACTS, Operator, RuleError
from trials.registry.models import Criterion, Trial

pytestmark = pytest.mark.django_db


def add_trial_with_rule(staff_client: Any, fact: str, operator: str, value: str) -> Any:
    data = trial_form(
        **{
            "criteria-TOTAL_FORMS": "1",
            "criteria-0-kind": "inclusion",
            "criteria-0-position": "0",
            "criteria-0-text": "A criterion",
            "criteria-0-fact": fact,
            "criteria-0-operator": operator,
            "criteria-0-value": value,
        }
    )
    return staff_client.post(reverse("admin:trials_trial_add"), data)


@pytest.mark.parametrize(
    ("fact", "operator", "value", "rule"),
    [
        ("grade", "in", "G1, G2", {"fact": "grade", "operator": "in", "value": ["G1", "G2"]}),
        ("age", "between", "18, 75", {"fact": "age", "operator": "between", "value": [18, 75]}),
        ("ki67", "lte", "9.9", {"fact": "ki67", "operator": "lte", "value": 9.9}),
        ("gastric_type", "eq", "1", {"fact": "gastric_type", "operator": "eq", "value": 1}),
        ("resectable", "is_false", "", {"fact": "resectable", "operator": "is_false", "value": None}),
        (
            "prior_treatments",
            "includes_any",
            "lenvatinib, somatostatin_analogue",
            {"fact": "prior_treatments", "operator": "includes_any", "value": ["lenvatinib", "somatostatin_analogue"]},
        ),
        ("", "", "", None),
    ],
)
def test_the_editor_builds_the_rule(
    staff_client: Any, fact: str, operator: str, value: str, rule: dict[str, Any] | None
) -> None:
    InterventionFactory(slug="lenvatinib", name="lenvatinib")
    response = add_trial_with_rule(staff_client, fact, operator, value)
    assert response.status_code == 302
    assert Criterion.objects.get().rule == rule


@pytest.mark.parametrize(
    ("fact", "operator", "value", "message"),
    [
        ("ecog", "lte", "5", "The value for ecog must be between 0 and 4."),
        ("ecog", "lte", "two", "&#x27;two&#x27; is not a number."),
        ("grade", "eq", "G4", "&#x27;G4&#x27; is not a value of grade; use one of: G1, G2, G3."),
        ("grade", "gte", "G1", "“is at least” does not apply to Grade; choose “is”, “is one of”, “is none of”."),
        ("resectable", "is_true", "yes", "“is yes” takes no value: leave it empty."),
        ("age", "between", "75, 18", "In [low, high] the low value must not be above the high value."),
        ("prior_treatments", "includes_any", "unobtainium", "Unknown intervention unobtainium;"),
        ("ecog", "", "2", "Choose an operator."),
        ("", "lte", "2", "Choose the fact this rule reads, or clear the operator and value."),
    ],
)
def test_a_bad_rule_cannot_be_saved(staff_client: Any, fact: str, operator: str, value: str, message: str) -> None:
    response = add_trial_with_rule(staff_client, fact, operator, value)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Trial.objects.exists()


def test_the_editor_shows_and_keeps_an_existing_rule(staff_client: Any) -> None:
    criterion = CriterionFactory(
        trial=TrialFactory(), rule={"fact": "primary_site", "operator": "not_in", "value": ["pancreas", "lung"]}
    )
    page = staff_client.get(reverse("admin:trials_trial_change", args=[criterion.trial.pk])).content.decode()
    assert '<option value="primary_site" selected>' in page
    assert '<option value="not_in" selected>' in page
    assert 'value="primary_site:pancreas" id="id_criteria-0-choices_2_2" checked>' in page


@pytest.mark.parametrize(
    ("fact", "operator", "text", "value"),
    [
        ("ecog", "lte", " 2 ", 2),
        ("creatinine_clearance", "gte", "30", 30),
        ("ki67", "between", "0,9.9", [0, 9.9]),
        ("sex", "eq", "female", "female"),
        ("progressed_on", "includes_none", "octreotide,,lanreotide", ["octreotide", "lanreotide"]),
        ("brain_metastases", "is_true", "", None),
    ],
)
def test_values_are_parsed_by_the_fact_type(fact: str, operator: str, text: str, value: Any) -> None:
    assert parse_rule_value(RULE_FACTS[fact], Operator(operator), text) == value


def test_an_empty_value_is_refused() -> None:
    with pytest.raises(RuleError, match=r"^Enter a value\.$"):
        parse_rule_value(RULE_FACTS["ecog"], Operator.LTE, "  ")
