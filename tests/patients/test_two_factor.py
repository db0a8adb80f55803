"""The second factor: staff and specialists enrol an authenticator app, then give its code at every sign-in."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from tests.patients.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def code_for(device: TOTPDevice) -> str:
    """The code an authenticator app shows now, computed from the device's key."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def password_step(client: Client, username: str, next_url: str) -> Any:
    return client.post(f"/accounts/login/?next={next_url}", {"username": username, "password": PASSWORD})


def test_a_specialist_enrols_an_app_with_a_qr_code_and_its_first_code(alice: Any) -> None:
    client = Client()

    response = password_step(client, "alice", "/specialist/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/second-factor/?next=%2Fspecialist%2F"
    # Signed in with the password alone, the workspace is still closed.
    assert client.get("/specialist/")["Location"] == "/accounts/second-factor/?next=%2Fspecialist%2F"
    page = client.get(response["Location"])
    html = page.content.decode()
    device = TOTPDevice.objects.get(user=alice)
    assert device.confirmed is False
    assert "<h1>Set up your authenticator app</h1>" in html
    assert '<svg width="' in html and "<title>QR code</title>" in html
    assert "<script" not in html.split("</head>")[1]
    secret = re.search(r'<code class="otp-secret">([A-Z2-7 ]+)</code>', html)
    assert secret is not None and len(secret.group(1).replace(" ", "")) == 32
    assert page["Cache-Control"].startswith("max-age=0, no-cache, no-store")

    confirmed = client.post("/accounts/second-factor/", {"code": code_for(device), "next": "/specialist/"})

    assert confirmed.status_code == 302
    assert confirmed["Location"] == "/specialist/"
    assert TOTPDevice.objects.get(user=alice).confirmed is True
    assert client.get("/specialist/").status_code == 200


def test_a_wrong_code_is_refused_with_a_message(alice: Any) -> None:
    client = Client()
    password_step(client, "alice", "/specialist/")
    client.get("/accounts/second-factor/?next=/specialist/")
    device = TOTPDevice.objects.get(user=alice)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"

    response = client.post("/accounts/second-factor/", {"code": wrong, "next": "/specialist/"})

    assert response.status_code == 200
    assert "That code is not right. Type the code your app shows now." in response.content.decode()
    assert TOTPDevice.objects.get(user=alice).confirmed is False
    assert client.get("/specialist/").status_code == 302


def test_an_enrolled_specialist_gives_the_code_at_the_next_sign_in(alice: Any) -> None:
    device = TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)
    client = Client()

    password_step(client, "alice", "/specialist/")
    html = client.get("/accounts/second-factor/?next=/specialist/").content.decode()

    assert "<h1>Type the code from your authenticator app</h1>" in html
    assert "<svg" not in html and "otp-secret" not in html
    response = client.post("/accounts/second-factor/", {"code": code_for(device), "next": "/specialist/"})
    assert response["Location"] == "/specialist/"
    assert client.get("/specialist/").status_code == 200
    # A code is good once: the same code again is refused.
    other = Client()
    password_step(other, "alice", "/specialist/")
    again = other.post("/accounts/second-factor/", {"code": code_for(device), "next": "/specialist/"})
    assert "That code is not right." in again.content.decode()


def test_staff_need_the_second_factor_for_the_admin(staff_user: Any) -> None:
    client = Client()

    assert client.get("/admin/")["Location"] == "/admin/login/?next=/admin/"
    assert client.get("/admin/login/?next=/admin/")["Location"] == "/accounts/login/?next=%2Fadmin%2F"
    response = client.post("/accounts/login/?next=/admin/", {"username": "curator", "password": PASSWORD})
    assert response["Location"] == "/accounts/second-factor/?next=%2Fadmin%2F"
    # Password alone: the admin sends the session on to the second factor.
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/login/?next=/admin/")["Location"] == "/accounts/second-factor/?next=%2Fadmin%2F"
    client.get(response["Location"])
    device = TOTPDevice.objects.get(user=staff_user)

    done = client.post("/accounts/second-factor/", {"code": code_for(device), "next": "/admin/"})

    assert done["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_second_factor_never_sends_anyone_to_another_site(alice: Any) -> None:
    client = Client()
    password_step(client, "alice", "/specialist/")
    device = TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)

    response = client.post("/accounts/second-factor/", {"code": code_for(device), "next": "https://evil.example/"})

    assert response["Location"] == "/specialist/"


def test_the_patients_api_over_a_session_needs_the_second_factor(alice: Any) -> None:
    client = APIClient()
    password_step(client, "alice", "/specialist/")

    response = client.get("/api/v1/patients/")

    assert response.status_code == 403
    assert response.json() == {"detail": "Give the second factor first: sign in at /accounts/login/."}


def test_signing_in_without_a_second_factor_for_the_public_is_unchanged(carol: Any) -> None:
    client = Client()

    response = password_step(client, "carol", "/")

    assert response["Location"] == "/"
    assert not TOTPDevice.objects.filter(user=carol).exists()


def test_reset_second_factor_removes_the_device_and_ends_the_sessions(alice: Any) -> None:
    client = Client()
    password_step(client, "alice", "/specialist/")
    device = TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)
    client.post("/accounts/second-factor/", {"code": code_for(device), "next": "/specialist/"})
    out = io.StringIO()

    call_command("reset_second_factor", "alice", stdout=out)

    assert out.getvalue() == (
        "Removed 1 device(s) of alice and ended 1 session(s); they set up an authenticator app at their next sign-in.\n"
    )
    assert not TOTPDevice.objects.filter(user=alice).exists()
    assert client.get("/specialist/")["Location"] == "/accounts/login/?next=/specialist/"


def test_reset_second_factor_names_an_unknown_user() -> None:
    with pytest.raises(CommandError, match=r"There is no user 'nobody'\."):
        call_command("reset_second_factor", "nobody")


def test_staff_can_remove_a_device_in_the_admin_but_never_read_its_key(staff_client: Client, alice: Any) -> None:
    device = TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)

    listing = staff_client.get("/admin/otp_totp/totpdevice/").content.decode()
    page = staff_client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").content.decode()

    assert "alice" in listing
    assert device.key not in page and device.key not in listing
    assert staff_client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/").status_code == 302
    assert staff_client.get(f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/").status_code == 302
    assert staff_client.get("/admin/otp_totp/totpdevice/add/").status_code == 403
    staff_client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert not TOTPDevice.objects.filter(user=alice).exists()
