"""Personas for the specialists' workspace: specialists Alice and Bob, Carol (signed in, not a
specialist) and anonymous; each specialist with one profile."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from patients.models import PatientProfile
from patients.services import patient_profile_create, specialists_add
from tests.conftest import sign_in
from trials.eligibility.patient import PatientFacts

PASSWORD = "a-long-test-password"


@pytest.fixture
def make_specialist(django_user_model: Any) -> Any:
    def make(username: str) -> Any:
        user = django_user_model.objects.create_user(username, f"{username}@example.org", PASSWORD)
        specialists_add(users=[user])
        return user

    return make


@pytest.fixture
def alice(db: None, make_specialist: Any) -> Any:
    return make_specialist("alice")


@pytest.fixture
def bob(db: None, make_specialist: Any) -> Any:
    return make_specialist("bob")


@pytest.fixture
def carol(db: None, django_user_model: Any) -> Any:
    return django_user_model.objects.create_user("carol", "carol@example.org", PASSWORD)


def make_profile(owner: Any, reference: str, **facts: Any) -> PatientProfile:
    return patient_profile_create(owner=owner, reference=reference, facts=PatientFacts(**facts))


@pytest.fixture
def alice_profile(alice: Any) -> PatientProfile:
    return make_profile(alice, "NET-A-001", diagnosis="net", primary_site="pancreas", grade="G2", ecog=1)


@pytest.fixture
def bob_profile(bob: Any) -> PatientProfile:
    return make_profile(bob, "NET-B-001", diagnosis="net", primary_site="small_bowel", grade="G1")


def client_for(user: Any | None) -> Client:
    client = Client()
    if user is not None:
        sign_in(client, user)
    return client


def api_client_for(user: Any | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client
