"""PatientFacts: what is known about one patient, with a value for each fact of the registry.

Its attributes and its validation are derived from `trials.eligibility.facts.FACTS`: a fact added
there is a PatientFacts attribute, a JSON key the API and the forms accept, and a validated value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import FrozenInstanceError
from typing import TYPE_CHECKING, Any

from trials.eligibility.definitions import Fact, FactType
from trials.eligibility.facts import FACTS
from trials.geography.postcodes import PostcodeError, place_for_postcode
from trials.registry.choices import Diagnosis, InterventionKind

KnownTreatments = Callable[[Iterable[str]], set[str]]


class FactsInvalid(ValueError):
    """Patient facts that cannot be used; `errors` maps each bad field to readable messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{name}: {' '.join(messages)}" for name, messages in errors.items()))


class PatientFacts:
    """What is known about one patient. None means unknown; an empty tuple means "none".

    One attribute per registry fact, in the registry's order; frozen, compared and hashed by value.
    Construct it from trusted values (PatientFacts(age=60)) or validate untrusted JSON with
    `from_dict()`.
    """

    def __init__(self, **values: Any) -> None:
        unknown = [name for name in values if name not in FACTS]
        if unknown:
            raise TypeError(f"PatientFacts has no fact {', '.join(unknown)}.")
        for name in FACTS:
            object.__setattr__(self, name, values.get(name))

    if TYPE_CHECKING:
        # The attributes are the registry's facts, set in __init__; their values are typed by FactType.
        def __getattr__(self, name: str) -> Any: ...

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PatientFacts) and vars(self) == vars(other)

    def __hash__(self) -> int:
        return hash(tuple(vars(self).values()))

    def __repr__(self) -> str:
        known = ", ".join(f"{name}={value!r}" for name, value in vars(self).items() if value is not None)
        return f"PatientFacts({known})"

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return tuple(FACTS)

    @classmethod
    def from_dict(
        cls,
        data: Mapping[str, object],
        *,
        known_treatments: KnownTreatments | None = None,
    ) -> PatientFacts:
        """Validate untrusted facts (JSON names) or raise FactsInvalid naming every bad field.

        A null value is the same as an absent one: unknown. `known_treatments` returns which of the
        given intervention slugs exist; without it, treatment slugs are checked for shape only.
        """
        errors: dict[str, list[str]] = {}
        values: dict[str, Any] = {}
        for name, value in data.items():
            if name not in FACTS:
                errors[name] = [f"Unknown fact. Use one of: {', '.join(FACTS)}."]
                continue
            if value is None:
                continue
            try:
                values[name] = parse_fact(FACTS[name], value)
            except ValueError as error:
                errors[name] = [str(error)]
        if known_treatments is not None:
            _check_known_treatments(values, known_treatments, errors)
        if values.get("diagnosis") == Diagnosis.NEC and values.get("grade") not in (None, "G3"):
            errors.setdefault("grade", []).append("A neuroendocrine carcinoma (NEC) is always G3.")
        if errors:
            raise FactsInvalid(errors)
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        """The known facts in JSON names and values (lists for the treatments): from_dict's input."""
        return {
            name: list(value) if isinstance(value, tuple) else value
            for name, value in vars(self).items()
            if value is not None
        }

    def value(self, fact: str) -> Any:
        """The patient's value of `fact`, with what follows from other facts (a NEC is G3)."""
        value = getattr(self, fact)
        if fact == "grade" and value is None and self.diagnosis == Diagnosis.NEC:
            return "G3"
        return value

    def treatment_slugs(self) -> set[str]:
        """The intervention slugs (not kinds) in the patient's treatment lists."""
        items = (*(self.prior_treatments or ()), *(self.progressed_on or ()))
        return {item for item in items if item not in InterventionKind.values}


def parse_fact(fact: Fact, value: object) -> Any:
    """One untrusted, non-null value of `fact`, validated and normalised, or raise ValueError."""
    if fact.type is FactType.POSTCODE:
        return outward_postcode(value)
    if fact.type is FactType.BOOLEAN:
        if not isinstance(value, bool):
            raise ValueError(f"Must be true or false, not {value!r}.")
        return value
    if fact.type is FactType.CHOICE:
        if isinstance(value, bool) or value not in fact.choice_values:
            allowed = ", ".join(str(choice) for choice in fact.choice_values)
            raise ValueError(f"{value!r} is not one of: {allowed}.")
        return value
    if fact.type is FactType.TREATMENTS:
        if not isinstance(value, list | tuple) or not all(isinstance(item, str) and item for item in value):
            raise ValueError("Must be a list of intervention slugs or intervention kinds (an empty list means none).")
        return tuple(dict.fromkeys(value))
    if isinstance(value, bool) or not isinstance(value, int | float):
        kind = "a whole number" if fact.type is FactType.INTEGER else "a number"
        raise ValueError(f"Must be {kind}, not {value!r}.")
    # The range first: comparing never converts, and a 400-digit integer cannot become a float.
    if (fact.minimum is not None and value < fact.minimum) or (fact.maximum is not None and value > fact.maximum):
        raise ValueError(f"Must be between {fact.minimum:g} and {fact.maximum:g}.")
    if fact.type is FactType.INTEGER:
        if isinstance(value, float) and not value.is_integer():
            raise ValueError(f"Must be a whole number, not {value!r}.")
        value = int(value)
    return value


def outward_postcode(value: object) -> str:
    """The outward code of a UK postcode in a known district ("m20 4bx" -> "M20"), or raise ValueError.

    The one place a postcode is cut: only the outward code is kept, used or stored.
    """
    if not isinstance(value, str):
        raise ValueError("Must be a UK postcode such as M20 4BX, or its first part such as M20.")
    try:
        return place_for_postcode(value).outcode
    except PostcodeError as error:
        raise ValueError(str(error)) from None


def _check_known_treatments(
    values: dict[str, Any], known_treatments: KnownTreatments, errors: dict[str, list[str]]
) -> None:
    lists = {name: values[name] for name, fact in FACTS.items() if fact.type is FactType.TREATMENTS and name in values}
    slugs = {item for items in lists.values() for item in items if item not in InterventionKind.values}
    known = known_treatments(sorted(slugs)) if slugs else set()
    for name, items in lists.items():
        missing = [item for item in items if item not in InterventionKind.values and item not in known]
        if missing:
            errors[name] = [
                f"Unknown treatment {', '.join(repr(item) for item in missing)}: use an intervention's slug "
                f"or one of the kinds: {', '.join(InterventionKind.values)}."
            ]
