"""The OpenAPI schema is valid and describes the API; the docs page serves its assets from the site."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.management import call_command

from trials.api.serializers import FacetsSerializer
from trials.search.filters import FACETS


def test_the_schema_is_valid_without_warnings(db: None) -> None:
    out = io.StringIO()

    call_command("spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", stdout=out)

    assert '"openapi": "3.0.3"' in out.getvalue()


@pytest.fixture
def schema(api: Any, db: None) -> dict[str, Any]:
    response = api.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def test_the_schema_lists_every_endpoint(schema: dict[str, Any]) -> None:
    assert {path for path in schema["paths"] if "eligibility" not in path and "patients" not in path} == {
        "/api/v1/trials/",
        "/api/v1/trials/{slug}/",
        "/api/v1/trials/cruk/{cruk_id}/",
        "/api/v1/tumour-types/",
        "/api/v1/interventions/",
        "/api/v1/drug-classes/",
        "/api/v1/hospitals/",
    }


def test_the_schema_describes_the_filters_and_their_values(schema: dict[str, Any]) -> None:
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/trials/"]["get"]["parameters"]}

    assert set(parameters) == {
        "q",
        "status",
        "tumour_type",
        "grade",
        "intervention",
        "intervention_kind",
        "phase",
        "trial_type",
        "age",
        "sex",
        "country",
        "near",
        "within_miles",
        "updated_since",
        "understand",
        "ordering",
        "cursor",
        "page_size",
        "format",
    }
    assert parameters["status"]["schema"] == {
        "type": "array",
        "items": {"type": "string", "enum": ["closed", "open", "results"]},
    }
    assert parameters["page_size"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 100}
    responses = schema["paths"]["/api/v1/trials/"]["get"]["responses"]
    assert set(responses["200"]["content"]) == {"application/json", "text/csv"}
    assert set(responses) == {"200", "400", "429"}
    page = schema["components"]["schemas"]["TrialPage"]
    assert page["required"] == [
        "count",
        "did_you_mean",
        "facets",
        "fallback",
        "interpreted",
        "next",
        "previous",
        "results",
    ]
    assert parameters["understand"]["schema"] == {"type": "string", "enum": ["off", "on"]}
    interpreted = schema["components"]["schemas"]["Interpreted"]
    assert set(interpreted["properties"]) == {"kind", "role", "label", "params", "words", "without"}


def test_the_facets_in_the_schema_are_the_ones_the_selector_counts() -> None:
    assert tuple(FacetsSerializer().fields) == FACETS


def test_the_docs_page_loads_swagger_ui_from_the_site(api: Any, db: None) -> None:
    response = api.get("/api/v1/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()


@pytest.mark.parametrize("url", ["/api/v1/docs/", "/api/v1/redoc/"])
def test_the_docs_pages_inline_script_runs_by_this_responses_nonce(api: Any, db: None, url: str) -> None:
    response = api.get(url)

    policy = response["Content-Security-Policy"]
    nonces = re.findall(r"'nonce-([^']+)'", policy)
    assert len(set(nonces)) == 1  # the same one for script-src and style-src
    html = response.content.decode()
    assert re.findall(r'<script nonce="([^"]+)">', html) == [nonces[0]]
    assert "'unsafe-inline'" not in policy
    assert "fonts.googleapis.com" not in html


def test_only_the_redoc_page_allows_its_style_hashes_and_a_blob_worker(api: Any, db: None) -> None:
    redoc = api.get("/api/v1/redoc/")["Content-Security-Policy"]
    swagger = api.get("/api/v1/docs/")["Content-Security-Policy"]

    assert "worker-src 'self' blob:" in redoc
    assert "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='" in redoc
    assert "worker-src" not in swagger and "sha256-" not in swagger


def test_the_sites_own_pages_get_no_nonce(client: Any, db: None) -> None:
    policy = client.get("/about/")["Content-Security-Policy"]

    assert "'nonce-" not in policy
    # django-csp writes the directives in set order (it varies between processes): compare them by name.
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if " " in part.strip())
    assert directives["script-src"] == "'self'"
