"""The patient profile API's serializers: one for input, one for output, and the matches' query.

The facts are validated by `PatientFacts.from_dict()`, the engine's own validation, so a bad fact
is a 400 naming the field, exactly as for POST /api/v1/eligibility/.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from patients.models import NOTES_HELP, POSTCODE_HELP, REFERENCE_HELP, PatientProfile
from trials.eligibility.facts import FACTS
from trials.eligibility.patient import FactsInvalid, PatientFacts
from trials.eligibility.serializers import (
    fact_schema_field,
    page_field,
    page_size_field,
    status_list_field,
    verdict_field,
)
from trials.registry.selectors import known_intervention_slugs

FACT_NAMES = tuple(FACTS)
READ_ONLY = ("id", "created_at", "updated_at")


def _fact_fields() -> dict[str, serializers.Field[Any, Any, Any, Any]]:
    return {
        **{name: fact_schema_field(name) for name in FACTS},
        "postcode": serializers.CharField(
            required=False, allow_null=True, help_text=f"UK postcode or outward code. {POSTCODE_HELP}"
        ),
    }


class PatientProfileInputSerializer(serializers.Serializer[Any]):
    """reference and notes, and any PatientFacts at the top level; a missing or null fact is unknown.

    With `partial=True` (PATCH), facts not given keep the profile's stored values.
    """

    reference = serializers.CharField(max_length=40, help_text=REFERENCE_HELP)
    notes = serializers.CharField(required=False, allow_blank=True, default="", help_text=NOTES_HELP)

    def __init__(self, *args: Any, profile: PatientProfile | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.profile = profile

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        data = self.initial_data
        allowed = {"reference", "notes", *FACT_NAMES, *READ_ONLY}
        unknown = sorted(set(data) - allowed)
        if unknown:
            raise serializers.ValidationError(
                {name: [f"Unknown field. Use reference, notes or one of: {', '.join(FACT_NAMES)}."] for name in unknown}
            )
        facts: dict[str, Any] = self.profile.facts_dict() if self.partial and self.profile is not None else {}
        facts.update({name: data[name] for name in FACT_NAMES if name in data})
        try:
            attrs["facts"] = PatientFacts.from_dict(facts, known_treatments=known_intervention_slugs)
        except FactsInvalid as error:
            raise serializers.ValidationError(error.errors) from None
        return attrs


PatientProfileInputSchema = type(
    "PatientProfileInputSerializer",
    (serializers.Serializer,),
    {
        "reference": serializers.CharField(max_length=40, help_text=REFERENCE_HELP),
        "notes": serializers.CharField(required=False, allow_blank=True, help_text=NOTES_HELP),
        **_fact_fields(),
        "__doc__": "A profile to save: reference, notes and any PatientFacts (absent or null: unknown).",
    },
)


def profile_representation(profile: PatientProfile) -> dict[str, Any]:
    """A profile's JSON: id, reference, notes, every PatientFacts field (null: unknown), timestamps."""
    facts = profile.to_facts().to_dict()
    return {
        "id": profile.pk,
        "reference": profile.reference,
        "notes": profile.notes,
        **{name: facts.get(name) for name in FACT_NAMES},
        "created_at": serializers.DateTimeField().to_representation(profile.created_at),
        "updated_at": serializers.DateTimeField().to_representation(profile.updated_at),
    }


def _to_representation(self: serializers.Serializer[Any], profile: PatientProfile) -> dict[str, Any]:
    return profile_representation(profile)


PatientProfileOutputSerializer = type(
    "PatientProfileSerializer",
    (serializers.Serializer,),
    {
        "id": serializers.IntegerField(),
        "reference": serializers.CharField(help_text=REFERENCE_HELP),
        "notes": serializers.CharField(help_text=NOTES_HELP),
        **_fact_fields(),
        "created_at": serializers.DateTimeField(),
        "updated_at": serializers.DateTimeField(),
        "to_representation": _to_representation,
        "__doc__": "A saved profile: every PatientFacts field at the top level (null: unknown; []: none).",
    },
)


class PatientProfilePageSerializer(serializers.Serializer[Any]):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = PatientProfileOutputSerializer(many=True)


class MatchesQuerySerializer(serializers.Serializer[Any]):
    status = status_list_field(
        help_text="Only trials of these statuses (repeat the parameter); every status when absent."
    )
    verdict = verdict_field()
    page = page_field()
    page_size = page_size_field()
