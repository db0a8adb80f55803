"""The cheap 500s of issue 17: each bad input answers a 4xx with a message (or its normal page), never a 500."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from rest_framework.test import APIClient

from patients.models import PatientProfile
from patients.services import patient_profile_create, specialists_add
from tests.conftest import sign_in
from tests.factories import InterventionFactory, TrialFactory
from trials.eligibility.patient import PatientFacts
from trials.registry.models import Trial
from trialsearch.errors import permission_denied

PASSWORD = "a-long-test-password"
ELIGIBILITY = "/api/v1/eligibility/"


@pytest.fixture
def client() -> Client:
    # A 500 must show as a status here, as a browser would see it, not as a raised exception.
    return Client(raise_request_exception=False)


@pytest.fixture
def api() -> APIClient:
    return APIClient(raise_request_exception=False)


@pytest.fixture
def trial(db: None) -> Trial:
    return TrialFactory(slug="ab", title="A trial looking at lenvatinib")


@pytest.fixture
def specialist(db: None, django_user_model: Any) -> Any:
    user = django_user_model.objects.create_user("alice", "alice@example.org", PASSWORD)
    specialists_add(users=[user])
    return user


@pytest.fixture
def profile(specialist: Any) -> PatientProfile:
    return patient_profile_create(owner=specialist, reference="NET-A-001", facts=PatientFacts(grade="G2"))


def _post_json(api: APIClient, url: str, body: str) -> Any:
    return api.generic("POST", url, body, content_type="application/json")


# NUL bytes: PostgreSQL refuses them in text, so they must never reach a query.


def test_a_nul_in_the_trial_to_check_is_dropped(client: Client, trial: Trial) -> None:
    response = client.get("/check/?trial=a%00b")

    assert response.status_code == 200
    assert response.context["trial_slug"] == "ab"
    assert response.context["trial_title"] == "A trial looking at lenvatinib"


def test_a_nul_treatment_filter_on_the_results_page_is_dropped(client: Client, trial: Trial) -> None:
    response = client.get("/trials/?intervention=%00&status=open")

    assert response.status_code == 200
    assert [t.slug for t in response.context["open_trials"]] == ["ab"]


def test_a_nul_in_an_api_trial_address_is_dropped(api: APIClient, trial: Trial) -> None:
    response = api.get("/api/v1/trials/a%00b/")

    assert response.status_code == 200
    assert response.json()["slug"] == "ab"


def test_a_nul_in_an_unknown_api_trial_address_is_a_json_404(api: APIClient, trial: Trial) -> None:
    response = api.get("/api/v1/trials/zz%00z/")

    assert response.status_code == 404
    assert response.json() == {"detail": "No published trial has the slug 'zzz'."}


def test_a_nul_in_a_posted_treatment_list_is_dropped(api: APIClient, trial: Trial) -> None:
    InterventionFactory(slug="lenvatinib")

    response = _post_json(api, ELIGIBILITY, json.dumps({"patient": {"prior_treatments": ["len\u0000vatinib"]}}))

    assert response.status_code == 200
    assert [row["trial"]["slug"] for row in response.json()["results"]] == ["ab"]


def test_a_nul_in_an_unknown_posted_treatment_is_a_400_naming_it(api: APIClient, trial: Trial) -> None:
    response = _post_json(api, ELIGIBILITY, json.dumps({"patient": {"progressed_on": ["ma\u0000gic"]}}))

    assert response.status_code == 400
    assert response.json()["patient"]["progressed_on"][0].startswith("Unknown treatment 'magic': ")


def test_a_nul_in_the_patients_api_search_is_dropped(api: APIClient, profile: PatientProfile) -> None:
    api.force_authenticate(profile.owner)

    response = api.get("/api/v1/patients/?search=NET%00-A")

    assert response.status_code == 200
    assert [row["reference"] for row in response.json()["results"]] == ["NET-A-001"]


# JSON bodies: numbers, depth, size, and strings that cannot be encoded.


def test_a_400_digit_integer_fact_is_a_400_naming_it(api: APIClient, trial: Trial) -> None:
    response = _post_json(api, ELIGIBILITY, '{"patient": {"age": ' + "9" * 400 + "}}")

    assert response.status_code == 400
    assert response.json() == {"patient": {"age": ["Must be between 0 and 120."]}}


def test_a_400_digit_integer_in_a_profile_is_a_400_naming_it(api: APIClient, specialist: Any) -> None:
    api.force_authenticate(specialist)

    response = _post_json(
        api, "/api/v1/patients/", '{"reference": "NET-9", "prior_systemic_lines": 1' + "0" * 399 + "}"
    )

    assert response.status_code == 400
    assert response.json() == {"prior_systemic_lines": ["Must be between 0 and 20."]}


def test_deeply_nested_json_is_a_400(api: APIClient, trial: Trial) -> None:
    response = _post_json(api, ELIGIBILITY, '{"patient": ' + "[" * 100_000 + "]" * 100_000 + "}")

    assert response.status_code == 400
    assert response.json() == {"detail": "The JSON is nested too deeply: at most 20 levels."}


def test_a_lone_surrogate_in_the_postcode_is_echoed_safely(api: APIClient, trial: Trial) -> None:
    response = _post_json(api, ELIGIBILITY, '{"patient": {"postcode": "\\ud800"}}')

    assert response.status_code == 400
    assert response.json() == {
        "patient": {"postcode": ["“\ufffd” is not a UK postcode. Enter one such as M20 4BX, or just M20."]}
    }


# Stored text: a control character pasted into registry text.


def test_a_control_character_in_a_published_trial_does_not_break_the_feed(client: Client, db: None) -> None:
    TrialFactory(title="A trial\x0b of lenvatinib", summary="Pasted\x0c from a registry.")

    response = client.get("/trials/feed/")

    assert response.status_code == 200
    body = response.content.decode()
    assert "<title>A trial of lenvatinib [Open]</title>" in body
    assert "Pasted from a registry." in body


# The API's documentation and schema.


@pytest.mark.parametrize("url", ["/api/v1/docs/", "/api/v1/redoc/"])
def test_options_on_the_api_docs_is_a_json_405(api: APIClient, url: str) -> None:
    response = api.options(url)

    assert response.status_code == 405
    assert response.json() == {"detail": 'Method "OPTIONS" not allowed.'}


def test_a_schema_version_with_a_newline_is_a_400_not_a_header(api: APIClient) -> None:
    response = api.get("/api/v1/schema/?version=1%0d%0aX-Injected:%20yes")

    assert response.status_code == 400
    assert "X-Injected" not in response
    assert response.json() == {"version": ["'1\\r\\nX-Injected: yes' is not one of: 1.0.0."]}


def test_the_schema_of_the_current_version_is_served(api: APIClient) -> None:
    response = api.get("/api/v1/schema/?version=1.0.0")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'inline; filename="TrialSearch API (1.0.0).yaml"'


# The admin.


@pytest.mark.parametrize(
    "url",
    [
        "/admin/trials/trial/abc/history/",
        "/admin/trials/trial/1/history/abc/",
        "/admin/patients/patientprofile/abc/history/",
    ],
)
def test_an_admin_history_address_with_a_non_numeric_id_is_a_404(client: Client, staff_user: Any, url: str) -> None:
    sign_in(client, staff_user)

    response = client.get(url)

    assert response.status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/admin/patients/patientprofile/?updated_at__year=" + "9" * 30,
        "/admin/patients/patientprofile/?updated_at__year=2026&updated_at__month=" + "9" * 30,
        "/admin/axes/accessattempt/?attempt_time__year=" + "9" * 30,
        # Lists without a date hierarchy take date lookups in the address too.
        "/admin/trials/trial/?updated_at__year=99999",
        "/admin/trials/trial/?recruitment_start__year=" + "9" * 30,
    ],
)
def test_an_admin_date_filter_out_of_range_is_a_400(client: Client, staff_user: Any, url: str) -> None:
    sign_in(client, staff_user)

    response = client.get(url)

    assert response.status_code == 400
    assert "That date is out of range." in response.content.decode()


# Signing in.


def test_a_300_character_username_is_a_failed_sign_in(client: Client, specialist: Any) -> None:
    response = client.post("/accounts/login/", {"username": "u" * 300, "password": PASSWORD})

    assert response.status_code == 200
    assert "Please enter a correct username and password." in response.content.decode()


# The API answers JSON whatever goes wrong.


def test_an_unknown_api_address_is_a_json_404(api: APIClient, db: None) -> None:
    response = api.get("/api/v1/nothing/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found: /api/v1/nothing/ is not an address of this API."}


def test_a_server_error_in_the_api_is_json(api: APIClient, trial: Trial, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr("trials.api.views.selectors.trial_get_published", broken)

    response = api.get("/api/v1/trials/ab/")

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Server error: it has been logged. Please try again later."}


def test_pages_outside_the_api_keep_the_html_404(client: Client, db: None) -> None:
    response = client.get("/nothing/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_a_request_refused_before_any_view_is_a_json_400_under_the_api(db: None) -> None:
    response = Client(HTTP_HOST="evil.example").get("/api/v1/trials/")

    assert response.status_code == 400
    assert response.json() == {"detail": "Bad request."}


def test_a_permission_refused_outside_drf_is_a_json_403_under_the_api() -> None:
    response = permission_denied(RequestFactory().get("/api/v1/trials/"), PermissionDenied())

    assert response.status_code == 403
    assert json.loads(response.content) == {"detail": "You do not have permission to perform this action."}


@pytest.mark.parametrize("url", ["/api/v1/docs/", "/api/v1/redoc/"])
def test_a_version_with_a_newline_on_the_docs_pages_stays_inside_the_page(api: APIClient, url: str) -> None:
    response = api.get(url + "?version=1%0d%0aX-Injected:%20yes")

    assert response.status_code == 200
    assert "X-Injected" not in response
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
