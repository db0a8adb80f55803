"""What both eligibility APIs (POST /api/v1/eligibility/ and a profile's matches) share in DRF.

`fact_schema_field()` describes one PatientFacts entry; `status_list_field()` and the others
the filters and page both take; the serializers below describe the page
of results that `trials.eligibility.results` writes (they only document it in the schema: the
page goes out as written); `eligibility_page_response()` answers with one page.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from trials.eligibility.definitions import FactType
from trials.eligibility.facts import FACTS
from trials.eligibility.results import MAX_PAGE_SIZE, PageOutOfRange, results_page
from trials.eligibility.values import Outcome, TrialEvaluation, Verdict
from trials.registry.choices import CriterionKind, Status


def fact_schema_field(name: str) -> serializers.Field[Any, Any, Any, Any]:
    """A documentation-only field for one PatientFacts entry, from the fact registry."""
    fact = FACTS[name]
    common: dict[str, Any] = {"required": False, "allow_null": True, "help_text": fact.label}
    if fact.type is FactType.POSTCODE:
        common["help_text"] = "UK postcode or outward code (M20 4BX or M20)"
        return serializers.CharField(**common)
    if fact.type is FactType.BOOLEAN:
        return serializers.BooleanField(**common)
    if fact.type is FactType.CHOICE:
        return serializers.ChoiceField(choices=list(fact.choice_values), **common)
    if fact.type is FactType.TREATMENTS:
        common["help_text"] += ": intervention slugs or kinds; [] means none, absent means unknown"
        return serializers.ListField(child=serializers.CharField(), **common)
    limits: dict[str, Any] = {"min_value": fact.minimum, "max_value": fact.maximum}
    if fact.type is FactType.INTEGER:
        return serializers.IntegerField(**common, **limits)
    return serializers.FloatField(**common, **limits)


def status_list_field(*, help_text: str, allow_empty: bool = True) -> serializers.ListField:
    """Which trial statuses to rank (absent: all), each bad one named with the allowed values."""
    return serializers.ListField(
        child=serializers.ChoiceField(
            choices=Status.choices,
            error_messages={"invalid_choice": f'"{{input}}" is not a status; use one of: {", ".join(Status.values)}.'},
        ),
        required=False,
        allow_empty=allow_empty,
        help_text=help_text,
    )


def verdict_field() -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=[v.value for v in Verdict], required=False, help_text="Only trials with this verdict."
    )


def page_field() -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, default=1)


def page_size_field() -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_PAGE_SIZE, default=20)


# `results.CriterionResult` (no docstring: it would show in the public schema).
class CriterionOutcomeSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=CriterionKind.choices)
    text = serializers.CharField()
    outcome = serializers.ChoiceField(choices=[o.value for o in Outcome])
    fact = serializers.CharField(allow_null=True, help_text="The PatientFacts name the rule reads; null: no rule.")
    patient_value = serializers.JSONField(allow_null=True, help_text="The patient's value of the fact (null: unknown).")
    reason = serializers.CharField(help_text="Why, in plain English.")
    cohort = serializers.CharField(allow_blank=True, help_text="The cohort whose criterion this is; empty: everyone's.")


# `results.CohortResult` (no docstring: it would show in the public schema).
class CohortOutcomeSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    verdict = serializers.ChoiceField(
        choices=[v.value for v in Verdict], help_text="The verdict of the common criteria and this cohort's."
    )
    unknown_count = serializers.IntegerField(help_text="Unknowns of the common criteria and this cohort's.")
    criteria = CriterionOutcomeSerializer(many=True, help_text="This cohort's own criteria.")


# `results.TrialReference` (no docstring: it would show in the public schema).
class TrialReferenceSerializer(serializers.Serializer[Any]):
    slug = serializers.SlugField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    url = serializers.URLField(read_only=True)


# `results.TrialResult` (no docstring: it would show in the public schema).
class TrialEvaluationSerializer(serializers.Serializer[Any]):
    trial = TrialReferenceSerializer()
    verdict = serializers.ChoiceField(choices=[v.value for v in Verdict])
    unknown_count = serializers.IntegerField()
    distance_miles = serializers.FloatField(allow_null=True, read_only=True)
    criteria = CriterionOutcomeSerializer(
        many=True, help_text="The facets, the common criteria and, for a trial with cohorts, the best cohort's."
    )
    cohort = serializers.CharField(
        allow_blank=True, help_text="The cohort that gives the verdict (the best fit); empty: the trial has none."
    )
    cohort_reason = serializers.CharField(allow_blank=True, help_text="Why that cohort, in plain English.")
    cohorts = CohortOutcomeSerializer(many=True, help_text="Every cohort of the trial, in its order.")


# `results.ResultsPage` (no docstring: it would show in the public schema).
class EligibilityResultsSerializer(serializers.Serializer[Any]):
    count = serializers.IntegerField(help_text="How many trials match, on every page.")
    next = serializers.IntegerField(allow_null=True, help_text="The next page number to POST, or null.")
    previous = serializers.IntegerField(allow_null=True, help_text="The previous page number, or null.")
    results = TrialEvaluationSerializer(many=True)


def eligibility_page_response(
    evaluations: Sequence[TrialEvaluation], *, page: int, page_size: int, request: Request
) -> Response:
    """One numbered page of ranked evaluations, in the body POST /eligibility/ and matches share."""
    try:
        body = results_page(evaluations, page=page, page_size=page_size, absolute_url=request.build_absolute_uri)
    except PageOutOfRange as error:
        raise serializers.ValidationError({"page": [str(error)]}) from None
    return Response(body)
