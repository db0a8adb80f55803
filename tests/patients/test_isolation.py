"""Alice, Bob, Carol (not a specialist) and anonymous try every page and endpoint on each other's
profiles: exact refusals, and Alice's own work."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from patients.models import PatientProfile
from tests.conftest import sign_in
from tests.patients.conftest import api_client_for, client_for

PAGES = ["patients:matches", "patients:edit", "patients:delete", "patients:print", "patients:csv"]
API = ["patients-api:detail", "patients-api:matches"]


@pytest.mark.parametrize("name", PAGES)
def test_another_specialists_profile_is_a_404_on_every_page(name: str, alice: Any, bob_profile: PatientProfile) -> None:
    client = client_for(alice)
    url = reverse(name, kwargs={"pk": bob_profile.pk})
    assert client.get(url).status_code == 404
    if name in ("patients:edit", "patients:delete"):
        assert client.post(url, {"reference": "stolen"}).status_code == 404
    bob_profile.refresh_from_db()
    assert bob_profile.reference == "NET-B-001"


@pytest.mark.parametrize("name", PAGES)
def test_a_missing_profile_is_the_same_404(name: str, alice: Any) -> None:
    assert client_for(alice).get(reverse(name, kwargs={"pk": 999_999})).status_code == 404


@pytest.mark.parametrize("name", ["patients:list", "patients:create", *PAGES])
def test_anonymous_users_are_sent_to_the_login_page(name: str, alice_profile: PatientProfile) -> None:
    url = (
        reverse(name)
        if name in ("patients:list", "patients:create")
        else reverse(name, kwargs={"pk": alice_profile.pk})
    )
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


@pytest.mark.parametrize("name", ["patients:list", "patients:create", *PAGES])
def test_signed_in_non_specialists_get_a_page_that_says_why(
    name: str, carol: Any, alice_profile: PatientProfile
) -> None:
    url = (
        reverse(name)
        if name in ("patients:list", "patients:create")
        else reverse(name, kwargs={"pk": alice_profile.pk})
    )
    response = client_for(carol).get(url)
    assert response.status_code == 403
    assert "This part of TrialSearch is for specialists" in response.content.decode()


@pytest.mark.parametrize("name", PAGES)
def test_alice_reaches_every_page_of_her_own_profile(name: str, alice: Any, alice_profile: PatientProfile) -> None:
    response = client_for(alice).get(reverse(name, kwargs={"pk": alice_profile.pk}))
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_list_shows_only_my_profiles(
    alice: Any, alice_profile: PatientProfile, bob_profile: PatientProfile
) -> None:
    body = client_for(alice).get(reverse("patients:list")).content.decode()
    assert "NET-A-001" in body
    assert "NET-B-001" not in body


def test_a_profile_cannot_be_deleted_by_another_specialist(alice: Any, bob_profile: PatientProfile) -> None:
    response = client_for(alice).post(reverse("patients:delete", kwargs={"pk": bob_profile.pk}))
    assert response.status_code == 404
    assert PatientProfile.objects.filter(pk=bob_profile.pk).exists()


# --- API ---


@pytest.mark.parametrize("name", API)
def test_api_another_specialists_profile_is_a_404(name: str, alice: Any, bob_profile: PatientProfile) -> None:
    client = api_client_for(alice)
    url = reverse(name, kwargs={"pk": bob_profile.pk})
    response = client.get(url)
    assert response.status_code == 404
    assert response.json() == client.get(reverse(name, kwargs={"pk": 999_999})).json()


def test_api_another_specialists_profile_cannot_be_changed_or_deleted(alice: Any, bob_profile: PatientProfile) -> None:
    client = api_client_for(alice)
    url = reverse("patients-api:detail", kwargs={"pk": bob_profile.pk})
    assert client.patch(url, {"reference": "stolen"}, format="json").status_code == 404
    assert client.delete(url).status_code == 404
    bob_profile.refresh_from_db()
    assert bob_profile.reference == "NET-B-001"


def test_api_list_holds_only_my_profiles(
    alice: Any, alice_profile: PatientProfile, bob_profile: PatientProfile
) -> None:
    body = api_client_for(alice).get(reverse("patients-api:list")).json()
    assert [p["reference"] for p in body["results"]] == ["NET-A-001"]


@pytest.mark.parametrize(
    ("method", "name"),
    [
        ("get", "patients-api:list"),
        ("post", "patients-api:list"),
        *[(m, "patients-api:detail") for m in ("get", "patch", "delete")],
        ("get", "patients-api:matches"),
    ],
)
def test_api_anonymous_callers_get_401(method: str, name: str, alice_profile: PatientProfile) -> None:
    url = reverse(name) if name == "patients-api:list" else reverse(name, kwargs={"pk": alice_profile.pk})
    response = getattr(APIClient(), method)(url, {}, format="json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("name", ["patients-api:list", *API])
def test_api_non_specialists_get_403(name: str, carol: Any, alice_profile: PatientProfile) -> None:
    url = reverse(name) if name == "patients-api:list" else reverse(name, kwargs={"pk": alice_profile.pk})
    response = api_client_for(carol).get(url)
    assert response.status_code == 403
    assert response.json() == {"detail": "Only members of the Specialists group can use patient profiles."}


def test_api_works_with_a_token(alice: Any, alice_profile: PatientProfile) -> None:
    token = Token.objects.create(user=alice)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.get(reverse("patients-api:detail", kwargs={"pk": alice_profile.pk}))
    assert response.status_code == 200
    assert response.json()["reference"] == "NET-A-001"


# --- CSRF ---


def test_every_form_refuses_a_post_without_the_csrf_token(alice: Any, alice_profile: PatientProfile) -> None:
    client = Client(enforce_csrf_checks=True)
    sign_in(client, alice)
    for url in (
        reverse("patients:create"),
        reverse("patients:edit", kwargs={"pk": alice_profile.pk}),
        reverse("patients:delete", kwargs={"pk": alice_profile.pk}),
        reverse("password_change"),
        reverse("logout"),
    ):
        assert client.post(url, {"reference": "X"}).status_code == 403, url
    assert PatientProfile.objects.filter(pk=alice_profile.pk, reference="NET-A-001").exists()


def test_the_login_form_refuses_a_post_without_the_csrf_token(alice: Any) -> None:
    response = Client(enforce_csrf_checks=True).post(
        reverse("login"), {"username": "alice", "password": "a-long-test-password"}
    )
    assert response.status_code == 403


def test_the_api_refuses_a_session_write_without_the_csrf_token(alice: Any) -> None:
    client = APIClient(enforce_csrf_checks=True)
    sign_in(client, alice)
    response = client.post(reverse("patients-api:list"), {"reference": "X"}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
