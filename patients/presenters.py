"""A profile's facts as label/value rows for the pages, in clinical words."""

from __future__ import annotations

from dataclasses import dataclass

from patients.models import PatientProfile
from trials.eligibility.engine import KIND_NAMES, PatientFacts
from trials.eligibility.rules import FACTS
from trials.registry.models import Intervention


@dataclass(frozen=True)
class FactRow:
    name: str
    label: str
    value: str
    known: bool


def fact_rows(profile: PatientProfile) -> list[FactRow]:
    """Every PatientFacts field of the profile, "Unknown" where unknown (one query for drug names)."""
    facts = profile.facts_dict()
    names = dict(Intervention.objects.filter(slug__in=profile.to_facts().treatment_slugs()).values_list("slug", "name"))
    rows = []
    for name in PatientFacts.field_names():
        label = FACTS[name].label if name in FACTS else "Postcode district"
        if name not in facts:
            rows.append(FactRow(name, label, "Unknown", False))
            continue
        value = facts[name]
        if isinstance(value, bool):
            text = "Yes" if value else "No"
        elif isinstance(value, list):
            text = ", ".join(str(KIND_NAMES.get(item) or names.get(item) or item) for item in value) or "None"
        elif name in ("sex", "diagnosis", "primary_site", "grade", "extent", "gastric_type"):
            text = str(getattr(profile, f"get_{name}_display")())
        else:
            text = f"{value:g}" if isinstance(value, float) else str(value)
        rows.append(FactRow(name, label, text, True))
    return rows
