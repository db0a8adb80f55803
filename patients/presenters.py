"""A profile's facts as label/value rows for the pages, in clinical words."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from patients.models import PatientProfile
from trials.eligibility.definitions import Fact
from trials.eligibility.facts import FACTS
from trials.eligibility.wording import KIND_NAMES
from trials.registry.models import Intervention


@dataclass(frozen=True)
class FactRow:
    name: str
    label: str
    value: str
    known: bool


def fact_rows(profile: PatientProfile) -> list[FactRow]:
    """Every fact of the registry for the profile, "Unknown" where unknown (one query for drug names)."""
    facts = profile.to_facts()
    names = dict(Intervention.objects.filter(slug__in=facts.treatment_slugs()).values_list("slug", "name"))
    rows = []
    for name, fact in FACTS.items():
        value = getattr(facts, name)
        if value is None:
            rows.append(FactRow(name, fact.label, "Unknown", False))
        else:
            rows.append(FactRow(name, fact.label, _text(fact, value, names), True))
    return rows


def _text(fact: Fact, value: Any, drug_names: dict[str, str]) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, tuple):
        return ", ".join(str(KIND_NAMES.get(item) or drug_names.get(item) or item) for item in value) or "None"
    choice = fact.choice(value)
    if choice is not None:
        return choice.label
    return f"{value:g}" if isinstance(value, float) else str(value)
