"""Hostile values (tests/hostile.py) sent to every URL pattern and every parameter: never a 5xx.

The normal run sends a quick selection (a few hundred requests); FUZZ_FULL=1 (scripts/fuzz.sh)
sends every value to every parameter of every endpoint, the admin's pages included.
"""

from __future__ import annotations

import os
import time
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from patients.services import patient_profile_create, specialists_add
from tests.conftest import sign_in
from tests.factories import TrialFactory
from tests.hostile import (
    HOSTILE_TEXT,
    QUICK_TEXT,
    Figures,
    fill,
    json_bodies,
    openapi_operations,
    query,
    url_patterns,
)
from trials.eligibility.facts import FACTS
from trials.eligibility.patient import PatientFacts
from trials.questionnaire.steps import QUESTION_NAMES
from trials.search.forms import TrialSearchForm

pytestmark = pytest.mark.django_db
FULL = os.environ.get("FUZZ_FULL") == "1"
VALUES = HOSTILE_TEXT if FULL else QUICK_TEXT


@pytest.fixture
def unlimited(settings: Any) -> None:
    """No throttles or page rate limits: every request must reach the code it is aimed at."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None}}
    settings.PAGE_RATE_LIMITS = dict.fromkeys(settings.PAGE_RATE_LIMITS, "1000000/minute")


@pytest.fixture
def everyone(db: None, django_user_model: Any, unlimited: None) -> Client:
    """A superuser who is also a specialist, second factor given: every page opens to them."""
    user = django_user_model.objects.create_superuser("root", "root@example.org", "a-long-test-password")
    specialists_add(users=[user])
    patient_profile_create(owner=user, reference="NET-1", facts=PatientFacts(diagnosis="net", age=60))
    TrialFactory(slug="ab", title="A trial")
    client = Client(raise_request_exception=False)
    sign_in(client, user)
    return client


def _send(client: Client, figures: Figures, method: str, url: str, **kwargs: Any) -> None:
    response = getattr(client, method.lower())(url, **kwargs)
    figures.add(method, url, response.status_code)


def test_hostile_values_never_cause_a_server_error(everyone: Client, capsys: pytest.CaptureFixture[str]) -> None:
    figures = Figures()
    started = time.monotonic()
    # Every route, each hole in its address holding each value.
    for route, names in url_patterns(include_admin=FULL):
        if "logout" in route:
            continue  # keeps the session for the rest of the run
        for value in VALUES if names else [""]:
            _send(everyone, figures, "GET", fill(route, names, value))
    # The pages' parameters: the search form's and the questionnaire's questions.
    page_parameters = [*TrialSearchForm.base_fields, "page", "sort", "trial", "check", "step"]
    for name in page_parameters:
        for value in VALUES:
            for url in ("/trials/", "/trials/feed/", "/check/", "/specialist/") if FULL else ("/trials/", "/check/"):
                _send(everyone, figures, "GET", f"{url}?{query(name, value)}")
    for name in [*QUESTION_NAMES, "step", "go", "trial"]:
        for value in VALUES:
            body = f"{query(name, value)}&step=about"
            _send(everyone, figures, "POST", "/check/", data=body, content_type="application/x-www-form-urlencoded")
    # The API: every query parameter, every JSON property (and every patient fact).
    patient_facts = list(FACTS)
    for method, path, parameters, properties in openapi_operations():
        url = fill(path.replace("{", "<").replace("}", ">"), [], "1" if "patients" in path else "ab")
        for name in parameters:
            for value in VALUES:
                _send(everyone, figures, method, f"{url}?{query(name, value)}")
        if properties:
            for body in json_bodies(properties, patient_facts, quick=not FULL):
                response = everyone.generic(method, url, body.encode("utf-8", "surrogatepass"), "application/json")
                figures.add(method, url, response.status_code)
    # A schema version header injection, and OPTIONS on the documentation.
    _send(everyone, figures, "GET", "/api/v1/schema/?" + query("version", "1\r\nX-Injected: 1"))
    _send(everyone, figures, "OPTIONS", "/api/v1/docs/")
    elapsed = time.monotonic() - started

    with capsys.disabled():
        print(f"\nhostile values: {figures.summary()} in {elapsed:.0f} s")
    assert figures.server_errors == []
    assert figures.by_class["2xx"] > 0 and figures.by_class["4xx"] > 0
    assert figures.requests > (4_000 if FULL else 500)
    assert settings.DEBUG is False
