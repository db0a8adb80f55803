"""POST /api/v1/eligibility/: a patient's facts in, every published trial's verdict out, ranked.

Nothing is stored: the facts live only for the request. Open to anyone (AllowAny) and throttled
by the API's default anonymous and user rates.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from trials.eligibility.engine import (
    FactsInvalid,
    Outcome,
    PatientFacts,
    TrialEvaluation,
    TrialFacts,
    Verdict,
    known_intervention_slugs,
)
from trials.eligibility.ranking import eligibility_for_published_trials
from trials.eligibility.rules import FACTS, FactType
from trials.registry.choices import CriterionKind, Status
from trials.registry.models import Trial

MAX_PAGE_SIZE = 100


def fact_schema_field(name: str) -> serializers.Field[Any, Any, Any, Any]:
    """A documentation-only field for one PatientFacts entry, from the rules vocabulary."""
    fact = FACTS[name]
    common: dict[str, Any] = {"required": False, "allow_null": True, "help_text": fact.label}
    if fact.type is FactType.BOOLEAN:
        return serializers.BooleanField(**common)
    if fact.type is FactType.CHOICE:
        return serializers.ChoiceField(choices=list(fact.choices), **common)
    if fact.type is FactType.TREATMENTS:
        common["help_text"] += ": intervention slugs or kinds; [] means none, absent means unknown"
        return serializers.ListField(child=serializers.CharField(), **common)
    limits: dict[str, Any] = {"min_value": fact.minimum, "max_value": fact.maximum}
    if fact.type is FactType.INTEGER:
        return serializers.IntegerField(**common, **limits)
    return serializers.FloatField(**common, **limits)


PatientSchemaSerializer = type(
    "EligibilityPatientSerializer",
    (serializers.Serializer,),
    {
        **{name: fact_schema_field(name) for name in FACTS},
        "postcode": serializers.CharField(
            required=False, allow_null=True, help_text="UK postcode or outward code (M20 4BX or M20)"
        ),
        "__doc__": "PatientFacts: every field optional; an absent (or null) fact is unknown.",
    },
)


@extend_schema_field(PatientSchemaSerializer)
class PatientFactsField(serializers.Field[PatientFacts, dict[str, Any], dict[str, Any], Any]):
    """PatientFacts validated by the engine, with each bad fact named: {"grade": ["..."]}."""

    def to_internal_value(self, data: Any) -> PatientFacts:
        if not isinstance(data, dict):
            raise serializers.ValidationError('Must be an object of patient facts, such as {"age": 60}.')
        try:
            return PatientFacts.from_dict(data, known_treatments=known_intervention_slugs)
        except FactsInvalid as error:
            raise serializers.ValidationError(error.errors) from None

    def to_representation(self, value: PatientFacts) -> dict[str, Any]:
        return {name: getattr(value, name) for name in PatientFacts.field_names() if getattr(value, name) is not None}


class EligibilitySerializer(serializers.Serializer[Any]):
    patient = PatientFactsField()
    trials = serializers.ListField(
        child=serializers.SlugField(max_length=200),
        required=False,
        allow_empty=False,
        max_length=500,
        help_text="Only these trials (slugs); all published trials when absent.",
    )
    status = serializers.ListField(
        child=serializers.ChoiceField(
            choices=Status.choices,
            error_messages={"invalid_choice": f'"{{input}}" is not a status; use one of: {", ".join(Status.values)}.'},
        ),
        required=False,
        allow_empty=False,
        help_text="Only trials of these statuses; every status when absent.",
    )
    verdict = serializers.ChoiceField(
        choices=[v.value for v in Verdict], required=False, help_text="Only trials with this verdict."
    )
    page = serializers.IntegerField(min_value=1, default=1)
    page_size = serializers.IntegerField(min_value=1, max_value=MAX_PAGE_SIZE, default=20)

    def validate_trials(self, slugs: list[str]) -> list[str]:
        slugs = list(dict.fromkeys(slugs))
        found = set(Trial.objects.published().filter(slug__in=slugs).values_list("slug", flat=True))
        unknown = [slug for slug in slugs if slug not in found]
        if unknown:
            raise serializers.ValidationError(f"No published trial has the slug: {', '.join(unknown)}.")
        return slugs


class CriterionOutcomeSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=CriterionKind.choices)
    text = serializers.CharField()
    outcome = serializers.ChoiceField(choices=[o.value for o in Outcome])
    fact = serializers.CharField(allow_null=True, help_text="The PatientFacts name the rule reads; null: no rule.")
    patient_value = serializers.JSONField(allow_null=True, help_text="The patient's value of the fact (null: unknown).")
    reason = serializers.CharField(help_text="Why, in plain English.")


class TrialReferenceSerializer(serializers.Serializer[TrialFacts]):
    slug = serializers.SlugField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, trial: TrialFacts) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(trial.url) if request is not None else trial.url


class TrialEvaluationSerializer(serializers.Serializer[TrialEvaluation]):
    trial = TrialReferenceSerializer()
    verdict = serializers.ChoiceField(choices=[v.value for v in Verdict])
    unknown_count = serializers.IntegerField()
    distance_miles = serializers.SerializerMethodField()
    criteria = CriterionOutcomeSerializer(many=True)

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_distance_miles(self, evaluation: TrialEvaluation) -> float | None:
        """The nearest site's distance, to 0.1 mile; null without a postcode or site coordinates."""
        return None if evaluation.distance_miles is None else round(evaluation.distance_miles, 1)


class EligibilityResultsSerializer(serializers.Serializer[Any]):
    count = serializers.IntegerField(help_text="How many trials match, on every page.")
    next = serializers.IntegerField(allow_null=True, help_text="The next page number to POST, or null.")
    previous = serializers.IntegerField(allow_null=True, help_text="The previous page number, or null.")
    results = TrialEvaluationSerializer(many=True)


class EligibilityView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="eligibility_check",
        summary="Check a patient's facts against every published trial",
        description=(
            "Evaluates each trial's facets (age, sex, grades, tumour types) and criteria for the patient: "
            "each is met, not_met or unknown (fact missing, or a criterion with no rule). Verdict: "
            "not_eligible if any is not_met; likely_eligible if every criterion with a rule is met; "
            "otherwise possibly_eligible. Ranked likely, then possibly by fewest unknowns, then not "
            "eligible; ties by distance (with a postcode), then title. Paginated by page number in the "
            "body (`next`/`previous` are page numbers). Nothing is stored."
        ),
        request=EligibilitySerializer,
        responses={
            200: EligibilityResultsSerializer,
            400: OpenApiResponse(description='Each bad field named: {"patient": {"grade": ["..."]}}'),
        },
        examples=[
            OpenApiExample(
                "A stomach G1 NET patient",
                value={"patient": {"primary_site": "stomach", "diagnosis": "net", "grade": "G1", "ecog": 1}},
                request_only=True,
            )
        ],
        tags=["eligibility"],
    )
    def post(self, request: Request) -> Response:
        serializer = EligibilitySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        evaluations = eligibility_for_published_trials(
            data["patient"], statuses=data.get("status"), slugs=data.get("trials"), verdict=data.get("verdict")
        )
        return eligibility_page_response(evaluations, page=data["page"], page_size=data["page_size"], request=request)


def eligibility_page_response(
    evaluations: Sequence[TrialEvaluation], *, page: int, page_size: int, request: Request
) -> Response:
    """One numbered page of ranked evaluations, in the body POST /eligibility/ and matches share."""
    count = len(evaluations)
    last_page = max(1, -(-count // page_size))
    if page > last_page:
        raise serializers.ValidationError({"page": [f"There are only {last_page} page(s) of results."]})
    body = {
        "count": count,
        "next": page + 1 if page < last_page else None,
        "previous": page - 1 if page > 1 else None,
        "results": evaluations[(page - 1) * page_size : page * page_size],
    }
    return Response(EligibilityResultsSerializer(body, context={"request": request}).data)
