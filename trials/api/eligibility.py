"""POST /api/v1/eligibility/: a patient's facts in, every published trial's verdict out, ranked.

Nothing is stored: the facts live only for the request. Open to anyone (AllowAny) and throttled
by the API's default anonymous and user rates.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from trials.eligibility.facts import FACTS
from trials.eligibility.patient import FactsInvalid, PatientFacts
from trials.eligibility.ranking import eligibility_for_published_trials
from trials.eligibility.serializers import (
    EligibilityResultsSerializer,
    eligibility_page_response,
    fact_schema_field,
    page_field,
    page_size_field,
    status_list_field,
    verdict_field,
)
from trials.registry.models import Trial
from trials.registry.selectors import known_intervention_slugs

PatientSchemaSerializer = type(
    "EligibilityPatientSerializer",
    (serializers.Serializer,),
    {
        **{name: fact_schema_field(name) for name in FACTS},
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
        return value.to_dict()


@extend_schema_serializer(
    component_name="Eligibility"
)  # the schema's name ("EligibilityRequest") from before the rename
class EligibilityCheckSerializer(serializers.Serializer[Any]):
    patient = PatientFactsField()
    trials = serializers.ListField(
        child=serializers.SlugField(max_length=200),
        required=False,
        allow_empty=False,
        max_length=500,
        help_text="Only these trials (slugs); all published trials when absent.",
    )
    status = status_list_field(help_text="Only trials of these statuses; every status when absent.", allow_empty=False)
    verdict = verdict_field()
    page = page_field()
    page_size = page_size_field()

    def validate_trials(self, slugs: list[str]) -> list[str]:
        slugs = list(dict.fromkeys(slugs))
        found = set(Trial.objects.published().filter(slug__in=slugs).values_list("slug", flat=True))
        unknown = [slug for slug in slugs if slug not in found]
        if unknown:
            raise serializers.ValidationError(f"No published trial has the slug: {', '.join(unknown)}.")
        return slugs


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
        request=EligibilityCheckSerializer,
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
        serializer = EligibilityCheckSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        evaluations = eligibility_for_published_trials(
            data["patient"], statuses=data.get("status"), slugs=data.get("trials"), verdict=data.get("verdict")
        )
        return eligibility_page_response(evaluations, page=data["page"], page_size=data["page_size"], request=request)
