"""The fact registry: PatientFacts, the rules' vocabulary, the questionnaire and the outcomes' words
all come from it. No database."""

from __future__ import annotations

from dataclasses import FrozenInstanceError

import pytest

from trials.eligibility.definitions import FactType
from trials.eligibility.facts import FACTS, in_registry_order, questions_for
from trials.eligibility.patient import PatientFacts
from trials.eligibility.rules import RULE_FACTS, RuleError, validate_rule


def test_patient_facts_have_one_attribute_per_registry_fact_in_its_order() -> None:
    assert PatientFacts.field_names() == tuple(FACTS)
    assert list(vars(PatientFacts())) == list(FACTS)
    assert all(value is None for value in vars(PatientFacts()).values())


def test_patient_facts_are_frozen_and_equal_by_value() -> None:
    facts = PatientFacts(age=60, prior_treatments=("octreotide",))
    assert facts == PatientFacts(prior_treatments=("octreotide",), age=60)
    assert hash(facts) == hash(PatientFacts(age=60, prior_treatments=("octreotide",)))
    assert facts != PatientFacts(age=61, prior_treatments=("octreotide",))
    assert repr(facts) == "PatientFacts(age=60, prior_treatments=('octreotide',))"
    with pytest.raises(FrozenInstanceError):
        facts.age = 61


def test_a_fact_outside_the_registry_is_refused() -> None:
    with pytest.raises(TypeError, match="PatientFacts has no fact height"):
        PatientFacts(height=180)


def test_to_dict_is_what_from_dict_reads_back() -> None:
    facts = PatientFacts.from_dict({"age": 60, "prior_treatments": ["octreotide"], "progressed_on": [], "ecog": None})
    assert facts.to_dict() == {"age": 60, "prior_treatments": ["octreotide"], "progressed_on": []}
    assert PatientFacts.from_dict(facts.to_dict()) == facts


def test_rules_may_name_every_fact_but_the_postcode() -> None:
    assert list(RULE_FACTS) == [name for name in FACTS if name != "postcode"]
    with pytest.raises(RuleError, match="Unknown fact 'postcode'"):
        validate_rule({"fact": "postcode", "operator": "eq", "value": "M20"})


@pytest.mark.parametrize("name", list(RULE_FACTS))
def test_every_fact_a_rule_may_name_has_the_words_of_its_outcomes(name: str) -> None:
    fact = FACTS[name]
    assert fact.label and fact.clinician.label and fact.ask.endswith("?") and fact.unknown
    if fact.type is FactType.BOOLEAN:
        assert all(fact.clauses)
    else:
        assert fact.noun
    if fact.type in (FactType.INTEGER, FactType.NUMBER):
        assert fact.minimum is not None and fact.maximum is not None and fact.minimum < fact.maximum


def test_questions_come_once_each_in_the_registry_order() -> None:
    assert [fact.name for fact in in_registry_order(["ecog", "grade", "ecog", "age"])] == ["age", "grade", "ecog"]
    assert questions_for(["ecog", "grade"]) == [
        "What is the grade of my tumour (G1, G2 or G3)?",
        "What is my performance status (ECOG score)?",
    ]


LAB_FACTS = ["anc", "platelets", "haemoglobin", "bilirubin_uln", "transaminases_uln", "lvef", "qtc_ms"]


@pytest.mark.parametrize(
    "rule",
    [
        {"fact": "anc", "operator": "gte", "value": 1.5},
        {"fact": "platelets", "operator": "gte", "value": 100},
        {"fact": "haemoglobin", "operator": "between", "value": [90, 200]},
        {"fact": "bilirubin_uln", "operator": "lte", "value": 1.5},
        {"fact": "transaminases_uln", "operator": "lte", "value": 2.5},
        {"fact": "lvef", "operator": "gte", "value": 50},
        {"fact": "qtc_ms", "operator": "lte", "value": 470},
    ],
)
def test_rules_may_name_the_specialists_lab_facts(rule: dict[str, object]) -> None:
    validate_rule(rule)


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"fact": "qtc_ms", "operator": "lte", "value": 1000}, "The value for qtc_ms must be between 200 and 800."),
        ({"fact": "lvef", "operator": "gte", "value": 50.5}, "The value for lvef must be a whole number, not 50.5."),
        ({"fact": "anc", "operator": "is_true", "value": None}, "The operator is_true does not apply to anc;"),
    ],
)
def test_a_lab_rule_outside_the_facts_bounds_or_type_is_refused(rule: dict[str, object], message: str) -> None:
    with pytest.raises(RuleError) as caught:
        validate_rule(rule)
    assert str(caught.value).startswith(message)


@pytest.mark.parametrize("name", LAB_FACTS)
def test_the_lab_facts_are_the_specialists_not_the_questionnaires(name: str) -> None:
    fact = FACTS[name]
    assert not fact.in_questionnaire
    assert fact.type in (FactType.NUMBER, FactType.INTEGER)
    assert fact.clinician.label and fact.unit
