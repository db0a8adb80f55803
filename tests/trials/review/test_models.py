"""The database refuses suggestion rows that break the review's invariants; the rule reads in plain words."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests.factories import CriterionFactory
from tests.trials.test_constraints import assert_refused
from trials.review.models import RuleSuggestion
from trials.review.services import suggestion_key
from trials.review.wording import marked, rule_in_words

ANC = {"fact": "anc", "operator": "gte", "value": 1.5}


def proposal() -> RuleSuggestion:
    criterion = CriterionFactory(text="ANC >= 1,500/mm^3")
    return RuleSuggestion.objects.create(
        criterion=criterion,
        text=criterion.text,
        rule=ANC,
        start=0,
        end=17,
        words=criterion.text,
        key=suggestion_key(criterion.text, ANC),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("constraint", "values"),
    [
        ("rulesuggestion_state_valid", {"state": "maybe"}),
        ("rulesuggestion_rule_has_fact_and_operator", {"rule": {"value": 2}}),
        ("rulesuggestion_span_ordered", {"start": 9, "end": 3}),
        ("rulesuggestion_reviewed_when_decided", {"state": "rejected"}),
        ("rulesuggestion_reviewed_when_decided", {"reviewed_at": timezone.now()}),
        ("rulesuggestion_applied_when_accepted", {"state": "accepted", "reviewed_at": timezone.now()}),
        ("rulesuggestion_applied_when_accepted", {"applied_rule": ANC}),
    ],
)
def test_it_refuses_an_invalid_suggestion_row(constraint: str, values: dict[str, Any]) -> None:
    assert_refused(constraint, RuleSuggestion, proposal().pk, **values)


@pytest.mark.django_db
def test_it_refuses_the_same_proposal_twice_for_a_criterion() -> None:
    first = proposal()
    with pytest.raises(IntegrityError, match="rulesuggestion_unique_per_criterion"), transaction.atomic():
        RuleSuggestion.objects.create(
            criterion=first.criterion, text=first.text, rule=ANC, start=0, end=3, words="ANC", key=first.key
        )


@pytest.mark.parametrize(
    ("kind", "rule", "words"),
    [
        ("inclusion", ANC, "Needs: neutrophil count (ANC) at least 1.5 ×10⁹/L"),
        ("exclusion", {"fact": "transaminases_uln", "operator": "gte", "value": 5.01}, None),
        ("inclusion", {"fact": "ecog", "operator": "lte", "value": 1}, "Needs: performance status (ECOG) 0 or 1"),
        (
            "exclusion",
            {"fact": "brain_metastases", "operator": "is_true", "value": None},
            "Excludes: spread to the brain (yes)",
        ),
        (
            "exclusion",
            {"fact": "prior_treatments", "operator": "includes_any", "value": ["everolimus", "prrt"]},
            "Excludes: has had Everolimus or PRRT (radionuclide therapy)",
        ),
        (
            "inclusion",
            {"fact": "progressed_on", "operator": "includes_none", "value": ["everolimus"]},
            "Needs: the tumour has not grown on Everolimus",
        ),
    ],
)
def test_a_rule_reads_in_plain_words(kind: str, rule: dict[str, Any], words: str | None) -> None:
    said = rule_in_words(kind, rule, {"everolimus": "Everolimus"})
    if words is None:
        assert said.startswith("Excludes: ") and "5.01" in said
    else:
        assert said == words


def test_the_justifying_words_are_marked_escaped_and_joined_when_they_overlap() -> None:
    text = "ANC <b>≥ 1.5</b> and platelets ≥ 100"
    assert marked(text, [(0, 3), (2, 16), (21, 30)]) == (
        "<mark>ANC &lt;b&gt;≥ 1.5&lt;/b&gt;</mark> and <mark>platelets</mark> ≥ 100"
    )
    assert marked(text, []) == "ANC &lt;b&gt;≥ 1.5&lt;/b&gt; and platelets ≥ 100"
