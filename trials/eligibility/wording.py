"""The words of the engine's reasons, from the fact registry: values, requirements, unknowns.

Reasons speak to the patient ("Your performance status (ECOG) is 2; this trial needs 0 or 1."), as
the questionnaire, the API and the specialists' pages all show them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from trials.eligibility.definitions import Fact, FactType
from trials.eligibility.facts import FACTS
from trials.eligibility.patient import PatientFacts
from trials.eligibility.rules import Operator

# Intervention kinds inside a sentence: "You have had a targeted drug".
KIND_NAMES = {
    "targeted_drug": "a targeted drug",
    "prrt": "PRRT (radionuclide therapy)",
    "somatostatin_analogue": "a somatostatin analogue (such as octreotide or lanreotide)",
    "chemotherapy": "chemotherapy",
    "immunotherapy": "immunotherapy",
    "imaging_tracer": "an imaging tracer",
    "device_or_app": "a device or app",
    "procedure": "a procedure or test",
    "other": "another treatment",
}

TUMOUR_WORDS = {"net": "a NET", "nec": "an NEC", "minen": "a mixed tumour (MiNEN)"}


def word(fact: str, value: Any) -> str:
    """One value of `fact` inside a sentence: "the stomach", "25 ml/min", "G2"."""
    definition = FACTS[fact]
    choice = definition.choice(value)
    if choice is not None:
        return choice.words
    if isinstance(value, float | int) and not isinstance(value, bool):
        return f"{value:g}{definition.unit}"
    return str(value)


def or_list(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"


def and_list(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def stated(fact: Fact, value: Any) -> str:
    """The patient's value as a statement: "Your grade is G2", "Your tumour has spread to the brain"."""
    if fact.type is FactType.BOOLEAN:
        yes, no = fact.clauses
        return capital(yes if value else no)
    return f"Your {fact.noun} is {word(fact.name, value)}"


def unknown_reason(fact: str) -> str:
    """Why an outcome is unknown when the fact is missing, and who can settle it."""
    definition = FACTS[fact]
    hint = "add it to your answers to check this" if definition.patient_knows else "ask your specialist"
    return f"We don't know {definition.unknown}: {hint}."


def requirement(fact: Fact, operator: Operator, value: Any) -> str:
    """A rule's required values in words: "0 or 1", "at least 30 ml/min", "anything but the lung"."""
    name = fact.name
    if operator is Operator.EQ:
        return word(name, value)
    if operator is Operator.IN:
        return or_list([word(name, item) for item in value])
    if operator is Operator.NOT_IN:
        return "anything but " + or_list([word(name, item) for item in value])
    if operator is Operator.BETWEEN:
        return f"between {word(name, value[0])} and {word(name, value[1])}"
    if fact.type is FactType.INTEGER:
        # A short range of whole numbers reads best spelled out: "0 or 1" rather than "1 or less".
        low, high = (fact.minimum, value) if operator is Operator.LTE else (value, fact.maximum)
        if low is not None and high is not None and 0 <= high - low <= 3:
            return or_list([str(number) for number in range(int(low), int(high) + 1)])
    if operator is Operator.GTE:
        return f"at least {word(name, value)}"
    return f"{word(name, value)} or less"


def describe_tumour(facts: PatientFacts) -> str:
    """The patient's tumour as far as known: "You have a NET that started in the stomach"."""
    tumour = TUMOUR_WORDS[facts.diagnosis] if facts.diagnosis else "a tumour"
    if facts.primary_site is None:
        return f"You have {tumour}"
    return f"You have {tumour} that started in {word('primary_site', facts.primary_site)}"
