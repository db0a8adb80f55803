"""The sign-in lockout holds one username at one address: behind a shared address, others still sign in."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse

PASSWORD = "a-long-test-password"
HOSPITAL = "203.0.113.7"
HOME = "198.51.100.20"


@pytest.fixture
def users(db: None, django_user_model: Any) -> None:
    for name in ("alice", "bob"):
        django_user_model.objects.create_user(name, f"{name}@example.org", PASSWORD)


def _sign_in(username: str, password: str, **meta: Any) -> int:
    return Client(**meta).post(reverse("login"), {"username": username, "password": password}).status_code


def _fail_until_locked(settings: Any, username: str, **meta: str) -> None:
    statuses = [_sign_in(username, "wrong", **meta) for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert statuses[-1] == 429


def test_failures_lock_that_username_at_that_address(users: None, settings: Any) -> None:
    _fail_until_locked(settings, "alice", REMOTE_ADDR=HOSPITAL)

    assert _sign_in("alice", PASSWORD, REMOTE_ADDR=HOSPITAL) == 429


def test_a_colleague_at_the_same_address_still_signs_in(users: None, settings: Any) -> None:
    _fail_until_locked(settings, "alice", REMOTE_ADDR=HOSPITAL)

    assert _sign_in("bob", PASSWORD, REMOTE_ADDR=HOSPITAL) == 302


def test_the_same_person_elsewhere_still_signs_in(users: None, settings: Any) -> None:
    _fail_until_locked(settings, "alice", REMOTE_ADDR=HOSPITAL)

    assert _sign_in("alice", PASSWORD, REMOTE_ADDR=HOME) == 302


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_trusted_proxy_the_forwarded_address_is_the_one_locked(users: None, settings: Any) -> None:
    proxy = {"REMOTE_ADDR": "10.0.0.5"}
    _fail_until_locked(settings, "alice", HTTP_X_FORWARDED_FOR=HOSPITAL, **proxy)

    assert _sign_in("alice", PASSWORD, HTTP_X_FORWARDED_FOR=HOSPITAL, **proxy) == 429
    assert _sign_in("alice", PASSWORD, HTTP_X_FORWARDED_FOR=HOME, **proxy) == 302


def test_a_forged_forwarded_for_header_does_not_escape_the_lock(users: None, settings: Any) -> None:
    _fail_until_locked(settings, "alice", REMOTE_ADDR=HOSPITAL)

    assert _sign_in("alice", PASSWORD, REMOTE_ADDR=HOSPITAL, HTTP_X_FORWARDED_FOR=HOME) == 429
