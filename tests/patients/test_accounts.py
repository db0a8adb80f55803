"""Signing in, the lockout after repeated failures, making specialists, and the admin."""

from __future__ import annotations

import io
from typing import Any

import pytest
from axes.models import AccessAttempt  # type: ignore[import-untyped]
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from patients.models import PatientProfile
from patients.selectors import is_specialist
from tests.patients.conftest import PASSWORD, client_for
from tests.patients.test_two_factor import code_for


def test_a_specialist_signs_in_and_lands_on_their_profiles(alice: Any) -> None:
    device = TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)
    client = Client()
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response["Location"] == "/accounts/second-factor/?next=%2Fspecialist%2F"
    response = client.post(response["Location"], {"code": code_for(device)})
    assert response["Location"] == "/specialist/"
    body = client.get("/specialist/").content.decode()
    assert '<a href="/specialist/" aria-current="page">Specialists</a>' in body


def test_the_nav_links_specialists_only_for_members(alice: Any, carol: Any) -> None:
    assert ">Specialists</a>" in client_for(alice).get("/").content.decode()
    assert ">Specialists</a>" not in client_for(carol).get("/").content.decode()
    anonymous = Client().get("/").content.decode()
    assert ">Specialists</a>" not in anonymous
    assert '<a href="/accounts/login/">sign in</a>' in anonymous


def test_signing_out_is_a_post(alice: Any) -> None:
    client = client_for(alice)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout"))["Location"] == "/"
    assert client.get("/specialist/").status_code == 302


def test_repeated_failures_lock_the_account_and_the_page_says_so(alice: Any, settings: Any) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(reverse("login"), {"username": "alice", "password": "wrong"})
        assert response.status_code == 200
    response = client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    assert response.status_code == 429
    assert "This account is locked for a while" in response.content.decode()
    assert "signing in is blocked for 30 minutes" in response.content.decode()
    # Even the right password is refused while the lock lasts.
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 429
    # The attempt made while locked counts as one more failure.
    assert AccessAttempt.objects.get(username="alice").failures_since_start == settings.AXES_FAILURE_LIMIT + 1


def test_admins_see_the_locks_in_the_admin(staff_client: Any, alice: Any) -> None:
    for _ in range(5):
        Client().post(reverse("login"), {"username": "alice", "password": "wrong"})
    body = staff_client.get(reverse("admin:axes_accessattempt_changelist")).content.decode()
    assert "alice" in body


def test_create_specialist_reads_the_password_from_stdin(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-test-password\n"))
    out = io.StringIO()
    call_command("create_specialist", "dana", "--email", "dana@example.org", "--password-stdin", stdout=out)
    from django.contrib.auth import get_user_model

    dana = get_user_model().objects.get(username="dana")
    assert is_specialist(dana)
    assert dana.check_password("a-long-test-password")
    assert "Created the specialist dana" in out.getvalue()


def test_create_specialist_refuses_a_weak_password_and_has_no_default(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("123\n"))
    with pytest.raises(CommandError, match="too short"):
        call_command("create_specialist", "dana", "--password-stdin")
    monkeypatch.delenv("SPECIALIST_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    with pytest.raises(CommandError, match="No password"):
        call_command("create_specialist", "dana")


def test_the_admin_action_adds_users_to_the_specialists_group(staff_client: Any, carol: Any) -> None:
    response = staff_client.post(
        reverse("admin:auth_user_changelist"), {"action": "make_specialists", "_selected_action": [carol.pk]}
    )
    assert response.status_code == 302
    assert list(Group.objects.get(name="Specialists").user_set.all()) == [carol]


def test_the_admin_lists_every_owners_profiles_for_staff(
    staff_client: Any, alice_profile: PatientProfile, bob_profile: PatientProfile
) -> None:
    body = staff_client.get(reverse("admin:patients_patientprofile_changelist"), {"q": "NET-"}).content.decode()
    assert "NET-A-001" in body
    assert "NET-B-001" in body


def test_specialists_cannot_reach_the_admin(alice: Any, alice_profile: PatientProfile) -> None:
    response = client_for(alice).get(reverse("admin:patients_patientprofile_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
