"""/api/v1/patients/: a specialist's own profiles and their matches. Session or token auth.

Anonymous callers get 401; signed-in users outside the Specialists group 403; another specialist's
profile is 404, the same as one that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from patients import selectors, services
from patients.access import IsSpecialist
from patients.api.serializers import (
    MatchesQuerySerializer,
    PatientProfileInputSchema,
    PatientProfileInputSerializer,
    PatientProfileOutputSerializer,
    PatientProfilePageSerializer,
    profile_representation,
)
from trials.eligibility.serializers import EligibilityResultsSerializer, eligibility_page_response
from trials.eligibility.values import Verdict
from trials.registry.choices import Status
from trialsearch.tokens import ExpiringTokenAuthentication

REFUSALS = {
    401: OpenApiResponse(description="Not signed in (session) and no valid token."),
    403: OpenApiResponse(description="Signed in, but not in the Specialists group."),
}
NOT_FOUND = {404: OpenApiResponse(description="No such profile among yours.")}
BAD_INPUT = {400: OpenApiResponse(description='Each bad field named: {"grade": ["..."]}')}


class ProfilePagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class SpecialistAPIView(APIView):
    # Token first: DRF answers an anonymous call with the first class's challenge, so that it is a
    # 401 with `WWW-Authenticate: Token` rather than the 403 that session authentication gives.
    authentication_classes = [ExpiringTokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated, IsSpecialist]


class PatientProfileListView(SpecialistAPIView):
    @extend_schema(
        operation_id="patients_list",
        summary="My patient profiles, most recently updated first",
        parameters=[OpenApiParameter("search", str, description="Only profiles whose reference contains this.")],
        responses={200: PatientProfilePageSerializer, **REFUSALS},
        tags=["patients"],
    )
    def get(self, request: Request) -> Response:
        profiles = selectors.patient_profile_list(owner=request.user, search=request.query_params.get("search", ""))
        paginator = ProfilePagination()
        page = paginator.paginate_queryset(profiles, request, view=self) or []
        return paginator.get_paginated_response([profile_representation(p) for p in page])

    @extend_schema(
        operation_id="patients_create",
        summary="Save a patient profile",
        request=PatientProfileInputSchema,
        responses={201: PatientProfileOutputSerializer, **BAD_INPUT, **REFUSALS},
        tags=["patients"],
    )
    def post(self, request: Request) -> Response:
        serializer = PatientProfileInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        profile = services.patient_profile_create(owner=request.user, **serializer.validated_data)
        return Response(profile_representation(profile), status=status.HTTP_201_CREATED)


class PatientProfileDetailView(SpecialistAPIView):
    @extend_schema(
        operation_id="patients_retrieve",
        summary="One of my patient profiles",
        responses={200: PatientProfileOutputSerializer, **REFUSALS, **NOT_FOUND},
        tags=["patients"],
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(profile_representation(selectors.patient_profile_get(owner=request.user, pk=pk)))

    @extend_schema(
        operation_id="patients_partial_update",
        summary="Change some of a profile's fields; facts not given keep their values (null: unknown)",
        request=PatientProfileInputSchema,
        responses={200: PatientProfileOutputSerializer, **BAD_INPUT, **REFUSALS, **NOT_FOUND},
        tags=["patients"],
    )
    def patch(self, request: Request, pk: int) -> Response:
        # The stored values the change is merged with are read under a row lock: two PATCHes of
        # different fields at once both land.
        with transaction.atomic():
            profile = selectors.patient_profile_get(owner=request.user, pk=pk, for_update=True)
            serializer = PatientProfileInputSerializer(
                data=request.data, partial=True, profile=profile, context={"request": request}
            )
            serializer.is_valid(raise_exception=True)
            data: dict[str, Any] = serializer.validated_data
            profile = services.patient_profile_update(
                profile=profile,
                reference=data.get("reference", profile.reference),
                notes=data.get("notes", profile.notes),
                facts=data["facts"],
            )
        return Response(profile_representation(profile))

    @extend_schema(
        operation_id="patients_destroy",
        summary="Delete a profile",
        responses={204: None, **REFUSALS, **NOT_FOUND},
        tags=["patients"],
    )
    def delete(self, request: Request, pk: int) -> Response:
        services.patient_profile_delete(profile=selectors.patient_profile_get(owner=request.user, pk=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class PatientProfileMatchesView(SpecialistAPIView):
    @extend_schema(
        operation_id="patients_matches",
        summary="Every published trial ranked for the profile (the shape of POST /api/v1/eligibility/)",
        parameters=[
            OpenApiParameter("status", str, enum=Status.values, many=True, description="Repeat for several."),
            OpenApiParameter("verdict", str, enum=[v.value for v in Verdict]),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses={200: EligibilityResultsSerializer, **BAD_INPUT, **REFUSALS, **NOT_FOUND},
        tags=["patients"],
    )
    def get(self, request: Request, pk: int) -> Response:
        profile = selectors.patient_profile_get(owner=request.user, pk=pk)
        params = request.query_params
        unknown = sorted(set(params) - {"status", "verdict", "page", "page_size", "format"})
        if unknown:
            raise serializers.ValidationError({name: ["Unknown parameter."] for name in unknown})
        query = MatchesQuerySerializer(data={**params.dict(), "status": params.getlist("status")})
        query.is_valid(raise_exception=True)
        data = query.validated_data
        ranking = selectors.patient_profile_ranking(
            profile=profile, statuses=data.get("status"), verdict=data.get("verdict")
        )
        return eligibility_page_response(ranking, page=data["page"], page_size=data["page_size"], request=request)
