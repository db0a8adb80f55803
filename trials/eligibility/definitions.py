"""How a patient fact is defined: its type, its choices, the prompts that ask for it, and `Fact`.

The facts themselves are in trials.eligibility.facts, the registry.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.db.models import TextChoices


class FactType(StrEnum):
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    CHOICE = "choice"
    TREATMENTS = "treatments"  # a list of intervention slugs or intervention kinds
    POSTCODE = "postcode"  # a UK postcode, kept as its outward code: for distances, never in a rule


@dataclass(frozen=True)
class Choice:
    """One value a fact can take, and its words."""

    value: str | int
    label: str  # clinical: the specialist's form, the profile page, the admin
    lay: str  # the questionnaire's answer
    words: str  # inside a sentence: "Your primary site is the stomach"


@dataclass(frozen=True)
class Prompt:
    """How a form asks for a fact."""

    label: str
    help: str = ""
    boxes: str = ""  # treatment lists: the label of the boxes to tick


@dataclass(frozen=True)
class Fact:
    """One patient fact, as the registry defines it."""

    name: str
    type: FactType
    label: str  # short: the admin's rule editor, the API's description, the profile page
    clinician: Prompt  # the specialist's profile form
    lay: Prompt | None = None  # the "Could I join?" question; None when the questionnaire does not ask it
    ask: str = ""  # what to ask the specialist to settle it
    noun: str = ""  # outcomes: "Your {noun} is {value}"
    unknown: str = ""  # outcomes: "We don't know {unknown}"
    clauses: tuple[str, str] = ("", "")  # booleans: the patient's situation when true, when false
    unit: str = ""  # after a number in a sentence: "25 ml/min"
    minimum: int | None = None  # inclusive bounds of a number
    maximum: int | None = None
    choices: tuple[Choice, ...] = ()  # a CHOICE fact's values; an INTEGER fact's labelled answers
    patient_knows: bool = False  # unknown: "add it to your answers" rather than "ask your specialist"

    @property
    def choice_values(self) -> tuple[str | int, ...]:
        return tuple(choice.value for choice in self.choices)

    def choice(self, value: object) -> Choice | None:
        return next((choice for choice in self.choices if choice.value == value), None)

    def from_answer(self, answer: Any) -> Any:
        """The fact's value from a form's cleaned answer (treatment lists aside); None when unknown."""
        if answer is None or answer == "":
            return None
        if self.type is FactType.BOOLEAN:
            return answer == "yes"
        if self.choices:
            # Answers travel as text: give back the registry's value ("1" is the whole number 1).
            return next((choice.value for choice in self.choices if str(choice.value) == answer), answer)
        if self.type is FactType.POSTCODE:
            return str(answer).strip() or None
        if isinstance(answer, Decimal):
            return float(answer)
        return answer

    @property
    def in_questionnaire(self) -> bool:
        """Whether the lay "Could I join?" questionnaire asks for it."""
        return self.lay is not None


def choices_of(
    vocabulary: type[TextChoices] | Iterable[tuple[str | int, str]],
    *,
    lay: Mapping[Any, str] | None = None,
    words: Mapping[Any, str] | None = None,
) -> tuple[Choice, ...]:
    """Choices from (value, clinical label) pairs; lay answers and words default to the label and value."""
    pairs = vocabulary.choices if isinstance(vocabulary, type) else vocabulary
    lay, words = lay or {}, words or {}
    return tuple(Choice(value, label, lay.get(value, label), words.get(value, str(value))) for value, label in pairs)
