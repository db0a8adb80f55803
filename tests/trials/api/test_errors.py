"""Bad input is a 400 naming the parameter; no query string gives a 500; writes are 405; throttling."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.test import override_settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

URL = "/api/v1/trials/"
LIST_PARAMS = (
    "q, status, tumour_type, grade, intervention, intervention_kind, phase, trial_type, sex, country, age, near, "
    "within_miles, updated_since, understand, ordering, cursor, page_size, format"
)


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ("status=opne", {"status": ["'opne' is not one of: open, closed, results."]}),
        ("status=open&status=shut", {"status": ["'shut' is not one of: open, closed, results."]}),
        (
            "tumour_type=lung",
            {"tumour_type": ["'lung' is not one of: neuroendocrine-tumour, pancreatic-net, stomach-net."]},
        ),
        ("grade=G4", {"grade": ["'G4' is not one of: G1, G2, G3."]}),
        (
            "intervention=aspirin&intervention=lenvima&intervention=magic",
            {
                "intervention": [
                    "Unknown treatment: 'aspirin', 'magic'. Use a name, brand or code name, or a slug from "
                    "/api/v1/interventions/."
                ]
            },
        ),
        (
            "intervention_kind=pill",
            {
                "intervention_kind": [
                    "'pill' is not one of: targeted_drug, prrt, somatostatin_analogue, chemotherapy, immunotherapy, "
                    "imaging_tracer, device_or_app, procedure, other."
                ]
            },
        ),
        (
            "phase=phase_5",
            {
                "phase": [
                    "'phase_5' is not one of: phase_0, phase_1, phase_1_2, phase_2, phase_2_3, phase_3, phase_4, "
                    "pilot, other."
                ]
            },
        ),
        (
            "trial_type=cure",
            {
                "trial_type": [
                    "'cure' is not one of: treatment, diagnosis, screening, supportive_care, quality_of_life, "
                    "biology, other."
                ]
            },
        ),
        ("sex=other", {"sex": ["'other' is not one of: female, male."]}),
        ("age=forty", {"age": ["Enter the age as a whole number of years, such as 64."]}),
        ("age=-1", {"age": ["Enter an age of 0 or more."]}),
        ("age=121", {"age": ["Enter an age of 120 or less."]}),
        ("age=99999999999999999999999", {"age": ["Enter an age of 120 or less."]}),
        ("near=nowhere", {"near": ["“nowhere” is not a UK postcode. Enter one such as M20 4BX, or just M20."]}),
        ("near=ZZ99", {"near": ["We could not find the postcode area ZZ99. Check it, or try a nearby postcode."]}),
        ("within_miles=10", {"near": ["Enter a postcode to search by distance."]}),
        ("near=M20&within_miles=ten", {"within_miles": ["Enter the distance as a whole number of miles, such as 50."]}),
        ("near=M20&within_miles=0", {"within_miles": ["Ensure this value is greater than or equal to 1."]}),
        ("updated_since=yesterday", {"updated_since": ["Enter a date as YYYY-MM-DD, such as 2026-01-31."]}),
        ("updated_since=2026-02-30", {"updated_since": ["Enter a date as YYYY-MM-DD, such as 2026-01-31."]}),
        ("ordering=title", {"ordering": ["'title' is not one of: relevance, -updated_at, distance."]}),
        ("ordering=distance", {"ordering": ["Sorting by distance needs a postcode (near)."]}),
        ("page_size=0", {"page_size": ["Enter a page size from 1 to 100."]}),
        ("page_size=101", {"page_size": ["Enter a page size from 1 to 100."]}),
        ("page_size=lots", {"page_size": ["Enter a page size from 1 to 100."]}),
        (
            "cursor=not-a-cursor",
            {"cursor": ["This cursor is not valid: use the `next` or `previous` link of a page as it is."]},
        ),
        ("q=" + "x" * 201, {"q": ["Ensure this value has at most 200 characters (it has 201)."]}),
        ("format=xml", {"format": ["'xml' is not one of: json, csv."]}),
        ("statu=open", {"statu": [f"Unknown parameter. Use: {LIST_PARAMS}."]}),
        (
            "page=2&status=opne",
            {
                "page": [f"Unknown parameter. Use: {LIST_PARAMS}."],
                "status": ["'opne' is not one of: open, closed, results."],
            },
        ),
    ],
)
def test_bad_parameters_are_a_400_naming_each_one(
    api: Any, world: dict[str, Any], query: str, errors: dict[str, list[str]]
) -> None:
    response = api.get(f"{URL}?{query}")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == errors


def test_a_nul_in_a_parameter_is_dropped_before_validation(api: Any, world: dict[str, Any]) -> None:
    response = api.get(f"{URL}?q=lenva%00tinib")

    assert response.status_code == 200
    assert response.json()["results"] == api.get(f"{URL}?q=lenvatinib").json()["results"] != []


def test_a_cursor_of_another_ordering_is_a_400(api: Any, world: dict[str, Any]) -> None:
    cursor = api.get(f"{URL}?page_size=1&q=trial").json()["next"].split("cursor=")[1].split("&")[0]

    response = api.get(f"{URL}?page_size=1&cursor={cursor}")

    assert response.status_code == 400
    assert response.json() == {"cursor": ["This cursor belongs to another ordering: start again without a cursor."]}


@pytest.mark.parametrize(
    ("url", "errors"),
    [
        (
            "/api/v1/trials/alpha/?near=nowhere",
            {"near": ["“nowhere” is not a UK postcode. Enter one such as M20 4BX, or just M20."]},
        ),
        ("/api/v1/trials/alpha/?fields=title", {"fields": ["Unknown parameter. Use: near, format."]}),
        ("/api/v1/trials/alpha/?format=csv", {"format": ["'csv' is not one of: json."]}),
        (
            "/api/v1/trials/cruk/15001/?near=ZZ99",
            {"near": ["We could not find the postcode area ZZ99. Check it, or try a nearby postcode."]},
        ),
        ("/api/v1/hospitals/?town=Leeds", {"town": ["Unknown parameter. Use: format."]}),
        ("/api/v1/tumour-types/?page=2", {"page": ["Unknown parameter. Use: format."]}),
        ("/api/v1/interventions/?kind=prrt", {"kind": ["Unknown parameter. Use: format."]}),
    ],
)
def test_other_endpoints_name_their_bad_parameters(
    api: Any, world: dict[str, Any], url: str, errors: dict[str, list[str]]
) -> None:
    response = api.get(url)

    assert response.status_code == 400
    assert response.json() == errors


def test_an_unacceptable_accept_header_is_a_json_406(api: Any, world: dict[str, Any]) -> None:
    response = api.get(URL, HTTP_ACCEPT="application/xml")

    assert response.status_code == 406
    assert response.json() == {"detail": "Could not satisfy the request Accept header."}


def test_options_is_json_even_when_csv_was_asked_for(api: Any, world: dict[str, Any]) -> None:
    response = api.options(f"{URL}?format=csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["name"] == "Trial List"


ENDPOINTS = [
    "/api/v1/trials/",
    "/api/v1/trials/alpha/",
    "/api/v1/trials/cruk/15001/",
    "/api/v1/tumour-types/",
    "/api/v1/interventions/",
    "/api/v1/hospitals/",
]


@pytest.mark.parametrize("url", ENDPOINTS)
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writes_are_not_allowed(api: Any, world: dict[str, Any], url: str, method: str) -> None:
    response = getattr(api, method)(url, {"title": "changed"}, format="json")

    assert response.status_code == 405
    assert response.json() == {"detail": f'Method "{method.upper()}" not allowed.'}
    assert response["Allow"] == "GET, HEAD, OPTIONS"


@pytest.mark.parametrize("url", ENDPOINTS)
def test_every_endpoint_is_public(api: Any, world: dict[str, Any], url: str) -> None:
    assert api.get(url).status_code == 200


NASTY = [
    "q=%00",
    "q=' OR 1=1 --",
    "q=!!!&&&|||(((",
    "q=-",
    'q="',
    "q=the",
    "q=<script>",
    "q=%F0%9F%92%A5",
    "q=%FF%FE",
    "near=%00",
    "near=" + "M" * 11,
    "intervention=%00",
    "intervention=" + "a" * 5000,
    "tumour_type=%00",
    "status=",
    "age=",
    "age=1e3",
    "age=%00",
    "page_size=1.5",
    "within_miles=1e309",
    "updated_since=0000-01-01",
    "updated_since=9999-12-31",
    "updated_since=0001-01-01",
    "cursor=%00",
    "cursor=.eJyLjgUAARUAuQ:1xVe2b:AAAA",
    "cursor=" + "A" * 3000,
    "ordering=",
    "%00=1",
    "format=",
    "&&&=&=",
]


@pytest.mark.parametrize("query", NASTY)
def test_nasty_query_strings_never_cause_a_server_error(api: Any, world: dict[str, Any], query: str) -> None:
    for url in ("/api/v1/trials/", "/api/v1/trials/alpha/"):
        response = api.get(f"{url}?{query}")
        assert response.status_code in (200, 400), (url, query, response.content)
        assert response["Content-Type"] == "application/json"


PARAMETER_NAMES = st.sampled_from(
    [
        "q",
        "status",
        "tumour_type",
        "grade",
        "intervention",
        "intervention_kind",
        "phase",
        "trial_type",
        "sex",
        "age",
        "near",
        "within_miles",
        "updated_since",
        "ordering",
        "cursor",
        "page_size",
        "format",
        "other",
    ]
)


@given(params=st.lists(st.tuples(PARAMETER_NAMES, st.text(max_size=30)), max_size=6))
@hypothesis_settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_query_string_is_a_200_or_a_400(api: Any, world: dict[str, Any], params: list[tuple[str, str]]) -> None:
    response = api.get(f"{URL}?{urlencode(params)}")

    assert response.status_code in (200, 400), (params, response.content)


def _rates(anon: str) -> dict[str, Any]:
    return {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": anon, "user": "1000/minute"}}


def test_anonymous_clients_are_throttled_with_retry_after(api: Any, world: dict[str, Any]) -> None:
    with override_settings(REST_FRAMEWORK=_rates("3/minute")):
        assert [api.get("/api/v1/tumour-types/").status_code for _ in range(3)] == [200, 200, 200]
        response = api.get("/api/v1/trials/alpha/")

    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert response.json()["detail"].startswith("Request was throttled. Expected available in ")


def test_the_throttle_rate_follows_the_setting(api: Any, world: dict[str, Any]) -> None:
    with override_settings(REST_FRAMEWORK=_rates("1/hour")):
        assert api.get(URL).status_code == 200
        response = api.get(URL)

    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
