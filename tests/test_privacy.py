"""Patients' pages are never stored by caches, browser features are off, sessions and tokens expire."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from patients.services import specialists_add
from tests.conftest import sign_in

PASSWORD = "a-long-test-password"
NO_STORE = "max-age=0, no-cache, no-store, must-revalidate, private"


@pytest.fixture
def specialist(db: None, django_user_model: Any) -> Any:
    user = django_user_model.objects.create_user("alice", "alice@example.org", PASSWORD)
    specialists_add(users=[user])
    return user


@pytest.mark.parametrize("url", ["/check/", "/check/?age=58&check=1", "/specialist/", "/accounts/login/"])
def test_patient_pages_are_never_stored(specialist: Any, url: str) -> None:
    client = Client()
    sign_in(client, specialist)

    assert client.get(url)["Cache-Control"] == NO_STORE


@pytest.mark.parametrize(
    ("method", "url"),
    [("get", "/api/v1/patients/"), ("post", "/api/v1/eligibility/"), ("get", "/api/v1/patients/1/matches/")],
)
def test_patient_endpoints_are_never_stored(specialist: Any, method: str, url: str) -> None:
    api = APIClient()
    api.force_authenticate(specialist)

    response = getattr(api, method)(url, {"patient": {}} if method == "post" else None, format="json")

    assert response["Cache-Control"] == NO_STORE


def test_public_pages_stay_cacheable(db: None) -> None:
    assert "Cache-Control" not in Client().get("/trials/")


def test_every_response_switches_off_unused_browser_features(db: None) -> None:
    for url in ("/", "/api/v1/tumour-types/", "/nothing/"):
        policy = Client().get(url)["Permissions-Policy"]
        assert "camera=()" in policy
        assert "geolocation=()" in policy
        assert "microphone=()" in policy


def test_a_session_lasts_eight_hours(specialist: Any) -> None:
    client = Client()
    client.post(reverse("login"), {"username": "alice", "password": PASSWORD})

    assert client.cookies["sessionid"]["max-age"] == 8 * 60 * 60


def _token_created(user: Any, days_ago: int) -> Token:
    token = Token.objects.create(user=user)
    Token.objects.filter(pk=token.pk).update(created=timezone.now() - dt.timedelta(days=days_ago))
    return token


@override_settings(API_TOKEN_MAX_AGE_DAYS=30)
def test_a_recent_token_signs_in(specialist: Any) -> None:
    token = _token_created(specialist, days_ago=29)

    response = APIClient().get("/api/v1/patients/", HTTP_AUTHORIZATION=f"Token {token.key}")

    assert response.status_code == 200


@override_settings(API_TOKEN_MAX_AGE_DAYS=30)
def test_an_old_token_is_refused(specialist: Any) -> None:
    token = _token_created(specialist, days_ago=31)

    response = APIClient().get("/api/v1/patients/", HTTP_AUTHORIZATION=f"Token {token.key}")

    assert response.status_code == 401
    assert response.json() == {
        "detail": "This token is more than 30 days old and has expired: ask an admin for a new one."
    }
    assert response["WWW-Authenticate"] == "Token"


def _patient_urls(pk: int) -> list[str]:
    """Every page and endpoint of the specialists' workspace and the patients API, for one profile."""
    from django.urls import URLPattern

    from patients import urls as page_urls
    from patients.api import urls as api_urls

    urls = []
    for prefix, module in (("/specialist/", page_urls), ("/api/v1/patients/", api_urls)):
        for pattern in module.urlpatterns:
            assert isinstance(pattern, URLPattern)
            route = str(pattern.pattern).replace("<int:pk>", str(pk)).replace("<str:pk>", str(pk))
            urls.append(prefix + route)
    return urls


def test_every_patient_page_and_endpoint_is_never_stored(specialist: Any) -> None:
    from patients.services import patient_profile_create
    from trials.eligibility.patient import PatientFacts

    profile = patient_profile_create(owner=specialist, reference="NET-1", facts=PatientFacts(diagnosis="net"))
    client = Client()
    sign_in(client, specialist)
    urls = _patient_urls(profile.pk)

    answers = {url: client.get(url) for url in urls}

    assert len(urls) == 10
    assert {url: (r.status_code, r["Cache-Control"]) for url, r in answers.items()} == dict.fromkeys(
        urls, (200, NO_STORE)
    )
