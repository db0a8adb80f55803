"""The public read endpoints of /api/v1/: one view per operation, each validating, reading, rendering.

Every view here is public (AllowAny), throttled (anonymous clients by API_ANON_THROTTLE_RATE), and
read-only: any other method is a 405.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from django.http import HttpResponseBase, HttpResponsePermanentRedirect
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from trials.api import params as api_params
from trials.api.csv import trial_csv_response
from trials.api.negotiation import ApiContentNegotiation, CSVRenderer
from trials.api.presenters import trial_record, trial_row
from trials.api.serializers import (
    FIELD_ERRORS_SCHEMA,
    DetailErrorSerializer,
    DrugClassSerializer,
    HospitalSerializer,
    InterventionSerializer,
    TrialPageSerializer,
    TrialSerializer,
    TumourTypeSerializer,
)
from trials.registry import selectors
from trials.registry.answers import cache_read
from trials.registry.choices import Grade, InterventionKind, Phase, Sex, Status, TrialType
from trials.registry.models import Hospital, Intervention, Trial, TumourType
from trials.search.filters import Ordering
from trials.search.pagination import CursorError
from trials.search.selector import KeysetPage, trial_results

BAD_REQUEST = OpenApiResponse(FIELD_ERRORS_SCHEMA, description="A bad parameter: each one named, with the reason.")
NOT_FOUND = OpenApiResponse(DetailErrorSerializer, description="No published trial has this address.")
THROTTLED = OpenApiResponse(DetailErrorSerializer, description="Too many requests: wait `Retry-After` seconds.")
FORMAT_JSON = OpenApiParameter("format", str, enum=["json"], description="The representation (JSON only).")


class PublicReadView(APIView):
    """A public, read-only endpoint whose errors are JSON whatever representation was asked for."""

    permission_classes = [AllowAny]
    renderer_classes: Sequence[type[BaseRenderer]] = [JSONRenderer]
    content_negotiation_class = ApiContentNegotiation

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        # CSV is streamed by the list view itself: anything else (errors, OPTIONS) is JSON.
        if isinstance(response, Response) and not isinstance(getattr(request, "accepted_renderer", None), JSONRenderer):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


def _many(name: str, choices: list[str] | None, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, str, many=True, explode=True, enum=choices, description=description)


TRIAL_LIST_PARAMETERS = [
    OpenApiParameter(
        "q",
        {"type": "string", "maxLength": 200},
        description='Words to search for, or a sentence: "pancreatic NET grade 2 near Leeds". Its understood '
        "parts (tumour type, grade, extent, treatment, status, place) act as those filters and are listed in "
        "`interpreted`; the other words are searched as text. A trial's number (NCT, ISRCTN, EudraCT/EU CT, IRAS, CRUK "
        "id: any case, with or without a space or hyphen) finds that trial first.",
    ),
    OpenApiParameter(
        "understand",
        str,
        enum=["on", "off"],
        description="`off`: search the words of `q` as typed, without reading it as a sentence (default `on`). "
        "To undo one understood part, search again with its `without` as `q`.",
    ),
    _many("status", list(Status.values), "Repeatable: trials of any of these statuses."),
    _many("tumour_type", None, "Repeatable: tumour type slugs (see /api/v1/tumour-types/)."),
    _many("grade", list(Grade.values), "Repeatable: trials open to this grade (or to any grade)."),
    _many("intervention", None, "Repeatable: an intervention's slug, name or synonym, any case."),
    _many("intervention_kind", list(InterventionKind.values), "Repeatable: trials testing this kind of treatment."),
    _many("phase", list(Phase.values), "Repeatable: trials of these phases."),
    _many("trial_type", list(TrialType.values), "Repeatable: trials of these types."),
    OpenApiParameter(
        "age",
        {"type": "integer", "minimum": 0, "maximum": 120},
        description="Trials open to this age (0-120); no age limit matches every age.",
    ),
    _many("sex", list(Sex.values), "Trials open to this sex (or to any)."),
    _many(
        "country",
        None,
        "Repeatable: trials recruiting in any of these countries, by name (United Kingdom, France, ...; the "
        "`country` facet lists them). No default: every country.",
    ),
    OpenApiParameter(
        "near",
        {"type": "string", "maxLength": 10},
        description="A UK postcode or outward code (M20 4BX, M20): adds distances.",
    ),
    OpenApiParameter(
        "within_miles",
        {"type": "integer", "minimum": 1, "maximum": 1000},
        description="With `near`: only trials with a site this close (1-1000).",
    ),
    OpenApiParameter("updated_since", OpenApiTypes.DATE, description="Trials updated on or after this date."),
    OpenApiParameter(
        "ordering",
        str,
        enum=[o.value for o in Ordering],
        description="`relevance` (default: best match with `q`, then newest), `-updated_at`, or `distance` "
        "(needs `near`).",
    ),
    OpenApiParameter("cursor", str, description="A page's `next` or `previous` cursor."),
    OpenApiParameter(
        "page_size",
        {"type": "integer", "minimum": 1, "maximum": 100},
        description="Trials per page: 1 to 100, default 20.",
    ),
    OpenApiParameter(
        "format", str, enum=["json", "csv"], description="`csv`: every matching trial as CSV (or `Accept: text/csv`)."
    ),
]


class TrialListView(PublicReadView):
    renderer_classes: Sequence[type[BaseRenderer]] = [JSONRenderer, CSVRenderer]

    @extend_schema(
        operation_id="trials_list",
        summary="Search trials",
        description="Published trials matching every filter, in cursor pages, with facet counts. With "
        "`format=csv` or `Accept: text/csv`: every matching trial as CSV (all pages), one per line.",
        parameters=TRIAL_LIST_PARAMETERS,
        responses={
            (200, "application/json"): TrialPageSerializer,
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="One trial per line, with a header."),
            (400, "application/json"): BAD_REQUEST,
            (429, "application/json"): THROTTLED,
        },
    )
    @cache_read
    def get(self, request: Request) -> HttpResponseBase:
        form = api_params.validate_params(api_params.TrialListParams, request.query_params)
        filters = form.to_filters()
        if request.accepted_renderer.format == "csv":
            every = trial_results(filters=filters).matches
            return trial_csv_response(every, request=request, with_distance=filters.near is not None)
        page = KeysetPage(cursor=form.cleaned_data.get("cursor"), size=form.page_size_or_default())
        try:
            results = trial_results(filters=filters, page=page)
        except CursorError as error:
            raise ValidationError({"cursor": [str(error)]}) from error
        url = request.build_absolute_uri()
        body = {
            "count": results.count,
            "next": replace_query_param(url, "cursor", results.next_cursor) if results.next_cursor else None,
            "previous": (
                replace_query_param(url, "cursor", results.previous_cursor) if results.previous_cursor else None
            ),
            "facets": results.facets,
            "interpreted": results.interpreted,
            "fallback": results.fallback or None,
            "did_you_mean": results.suggestion,
            "results": [
                trial_row(
                    trial,
                    request=request,
                    headline=results.headlines.get(trial.pk),
                    nearest=results.nearest.get(trial.pk),
                )
                for trial in results.rows
            ],
        }
        return Response(TrialPageSerializer(body).data)


def _record_response(request: Request, trial: Trial, form: api_params.TrialDetailParams) -> HttpResponseBase:
    """The record, with an ETag of its content and Last-Modified of the trial; 304 when unchanged."""
    place = form.cleaned_data["near"]
    sites = selectors.trial_sites(trial=trial, place=place) if place else []
    # `miles` is annotated by trial_sites when a place is given.
    distances = {(s.hospital.name, s.hospital.postcode): s.miles for s in sites} if place else None  # type: ignore[attr-defined]
    data = TrialSerializer(trial_record(trial, request=request, distances=distances)).data
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()
    etag = f'"{digest[:40]}"'
    last_modified = int(trial.updated_at.timestamp())
    headers = {"ETag": etag, "Last-Modified": http_date(last_modified)}
    not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if not_modified is not None:
        for name, value in headers.items():
            not_modified[name] = value
        return not_modified
    return Response(data, headers=headers)


SLUG_PARAMETER = OpenApiParameter(
    "slug",
    {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"},
    OpenApiParameter.PATH,
    description="The trial's slug (an old slug redirects to the current one).",
    examples=[OpenApiExample("TALENT", value="talent-lenvatinib-neuroendocrine-tumours")],
)
CRUK_ID_PARAMETER = OpenApiParameter(
    "cruk_id",
    {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
    OpenApiParameter.PATH,
    description="The trial's number in the Cancer Research UK trial database.",
)
DETAIL_PARAMETERS = [
    OpenApiParameter(
        "near",
        {"type": "string", "maxLength": 10},
        description="A UK postcode or outward code: adds each site's `distance_miles`.",
    ),
    FORMAT_JSON,
]


class TrialDetailView(PublicReadView):
    @extend_schema(
        operation_id="trials_retrieve",
        summary="A trial's full record",
        description="The full record of a published trial. A trial's old slug answers with a 301 to its "
        "current address. `ETag` and `Last-Modified` allow conditional requests (304).",
        parameters=[SLUG_PARAMETER, *DETAIL_PARAMETERS],
        responses={
            200: TrialSerializer,
            301: OpenApiResponse(description="Moved: the trial's current address."),
            304: OpenApiResponse(description="Not modified."),
            400: BAD_REQUEST,
            404: NOT_FOUND,
            429: THROTTLED,
        },
    )
    @cache_read
    def get(self, request: Request, slug: str) -> HttpResponseBase:
        form = api_params.validate_params(api_params.TrialDetailParams, request.query_params)
        found = selectors.trial_get_published(slug=slug)
        if found.redirect_slug:
            location = reverse("api:trial-detail", kwargs={"slug": found.redirect_slug})
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(location + (f"?{query}" if query else ""))
        if found.trial is None:
            raise NotFound(f"No published trial has the slug '{slug}'.")
        return _record_response(request, found.trial, form)


# PostgreSQL's integer: a larger number cannot be a CRUK id (and must not reach the database).
MAX_CRUK_ID = 2**31 - 1


class TrialByCrukIdView(PublicReadView):
    @extend_schema(
        operation_id="trials_retrieve_by_cruk_id",
        summary="A trial's full record, by its CRUK trial database number",
        parameters=[CRUK_ID_PARAMETER, *DETAIL_PARAMETERS],
        responses={
            200: TrialSerializer,
            304: OpenApiResponse(description="Not modified."),
            400: BAD_REQUEST,
            404: NOT_FOUND,
            429: THROTTLED,
        },
    )
    @cache_read
    def get(self, request: Request, cruk_id: str) -> HttpResponseBase:
        form = api_params.validate_params(api_params.TrialDetailParams, request.query_params)
        trial = None
        if cruk_id.isascii() and cruk_id.isdigit() and int(cruk_id) <= MAX_CRUK_ID:
            trial = selectors.trial_get_published_by_cruk_id(cruk_id=int(cruk_id))
        if trial is None:
            raise NotFound(f"No published trial has the CRUK id '{cruk_id}'.")
        return _record_response(request, trial, form)


class TumourTypeListView(PublicReadView):
    @extend_schema(
        operation_id="tumour_types_list",
        summary="Every tumour type (the values of the `tumour_type` filter)",
        parameters=[FORMAT_JSON],
        responses={200: TumourTypeSerializer(many=True), 400: BAD_REQUEST, 429: THROTTLED},
    )
    @cache_read
    def get(self, request: Request) -> Response:
        api_params.validate_params(api_params.NoParams, request.query_params)
        return Response(TumourTypeSerializer(TumourType.objects.order_by("name"), many=True).data)


class InterventionListView(PublicReadView):
    @extend_schema(
        operation_id="interventions_list",
        summary="Every intervention, with its kind and synonyms (the `intervention` filter accepts any of them)",
        parameters=[FORMAT_JSON],
        responses={200: InterventionSerializer(many=True), 400: BAD_REQUEST, 429: THROTTLED},
    )
    @cache_read
    def get(self, request: Request) -> Response:
        api_params.validate_params(api_params.NoParams, request.query_params)
        return Response(InterventionSerializer(Intervention.objects.order_by("name"), many=True).data)


class DrugClassListView(PublicReadView):
    @extend_schema(
        operation_id="drug_classes_list",
        summary="Every drug class and its members (a treatment rule may name a class as class:<slug>)",
        parameters=[FORMAT_JSON],
        responses={200: DrugClassSerializer(many=True), 400: BAD_REQUEST, 429: THROTTLED},
    )
    def get(self, request: Request) -> Response:
        api_params.validate_params(api_params.NoParams, request.query_params)
        return Response(DrugClassSerializer(selectors.drug_class_list(), many=True).data)


class HospitalListView(PublicReadView):
    @extend_schema(
        operation_id="hospitals_list",
        summary="Every hospital where trials recruit",
        parameters=[FORMAT_JSON],
        responses={200: HospitalSerializer(many=True), 400: BAD_REQUEST, 429: THROTTLED},
    )
    @cache_read
    def get(self, request: Request) -> Response:
        api_params.validate_params(api_params.NoParams, request.query_params)
        return Response(HospitalSerializer(Hospital.objects.order_by("name", "postcode"), many=True).data)
