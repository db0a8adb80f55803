"""/api/v1/patients/: a specialist's profiles as JSON, and their matches in the eligibility shape."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from patients.models import PatientProfile
from tests.factories import CriterionFactory, TrialFactory
from tests.patients.conftest import api_client_for
from trials.eligibility.patient import PatientFacts

LIST = "/api/v1/patients/"


def test_a_profile_is_created_and_returned_with_every_fact_at_the_top_level(alice: Any) -> None:
    response = api_client_for(alice).post(
        LIST,
        {"reference": "MDT-9", "grade": "G2", "postcode": "M20 4BX", "prior_treatments": [], "ecog": None},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    profile = PatientProfile.objects.get()
    assert list(body) == ["id", "reference", "notes", *PatientFacts.field_names(), "created_at", "updated_at"]
    assert body["id"] == profile.pk
    assert (body["reference"], body["grade"], body["postcode"]) == ("MDT-9", "G2", "M20")
    assert (body["prior_treatments"], body["progressed_on"], body["ecog"]) == ([], None, None)
    assert profile.owner == alice


@pytest.mark.parametrize(
    ("payload", "errors"),
    [
        ({"reference": "X", "grade": "G9"}, {"grade": ["'G9' is not one of: G1, G2, G3."]}),
        ({"reference": "X", "ecog": 9}, {"ecog": ["Must be between 0 and 4."]}),
        (
            {"reference": "X", "shoe_size": 9},
            {
                "shoe_size": [
                    "Unknown field. Use reference, notes or one of: " + ", ".join(PatientFacts.field_names()) + "."
                ]
            },
        ),
        ({"grade": "G1"}, {"reference": ["This field is required."]}),
        (
            {"reference": "X", "postcode": "nowhere"},
            {"postcode": ["“nowhere” is not a UK postcode. Enter one such as M20 4BX, or just M20."]},
        ),
    ],
)
def test_bad_input_is_a_400_naming_the_field(alice: Any, payload: dict[str, Any], errors: dict[str, Any]) -> None:
    response = api_client_for(alice).post(LIST, payload, format="json")
    assert response.status_code == 400
    assert response.json() == errors
    assert not PatientProfile.objects.exists()


def test_the_lab_facts_are_stored_and_returned(alice: Any) -> None:
    labs = {"anc": 1.2, "platelets": 150.0, "haemoglobin": 118.0, "bilirubin_uln": 0.8, "lvef": 60, "qtc_ms": 440}
    response = api_client_for(alice).post(LIST, {"reference": "MDT-10", **labs}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert {name: body[name] for name in labs} == labs
    assert body["transaminases_uln"] is None
    assert PatientProfile.objects.get().to_facts() == PatientFacts(**labs)


@pytest.mark.parametrize(
    ("payload", "errors"),
    [
        ({"platelets": 2001}, {"platelets": ["Must be between 0 and 2000."]}),
        ({"transaminases_uln": "high"}, {"transaminases_uln": ["Must be a number, not 'high'."]}),
        ({"lvef": 101}, {"lvef": ["Must be between 0 and 100."]}),
    ],
)
def test_a_lab_value_out_of_range_is_a_400_naming_it(
    alice: Any, payload: dict[str, Any], errors: dict[str, Any]
) -> None:
    response = api_client_for(alice).post(LIST, {"reference": "X", **payload}, format="json")
    assert response.status_code == 400
    assert response.json() == errors
    assert not PatientProfile.objects.exists()


def test_patch_changes_only_what_is_given_and_null_makes_a_fact_unknown(
    alice: Any, alice_profile: PatientProfile
) -> None:
    url = f"{LIST}{alice_profile.pk}/"
    response = api_client_for(alice).patch(url, {"ecog": None, "ki67": 12.5}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["reference"], body["grade"], body["ecog"], body["ki67"]) == ("NET-A-001", "G2", None, 12.5)
    alice_profile.refresh_from_db()
    assert (alice_profile.ecog, alice_profile.ki67, alice_profile.primary_site) == (None, 12.5, "pancreas")


def test_patch_refuses_a_bad_combination_with_stored_facts(alice: Any, alice_profile: PatientProfile) -> None:
    response = api_client_for(alice).patch(f"{LIST}{alice_profile.pk}/", {"diagnosis": "nec"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"grade": ["A neuroendocrine carcinoma (NEC) is always G3."]}


def test_delete_removes_the_profile(alice: Any, alice_profile: PatientProfile) -> None:
    assert api_client_for(alice).delete(f"{LIST}{alice_profile.pk}/").status_code == 204
    assert not PatientProfile.objects.exists()


def test_a_patch_merges_under_a_row_lock_so_concurrent_changes_both_land(
    alice: Any, alice_profile: PatientProfile
) -> None:
    client = api_client_for(alice)
    with CaptureQueriesContext(connection) as queries:
        assert client.patch(f"{LIST}{alice_profile.pk}/", {"notes": "Seen in clinic"}, format="json").status_code == 200
    locked = [q["sql"] for q in queries if q["sql"].rstrip().endswith("FOR UPDATE")]
    assert len(locked) == 1
    assert client.patch(f"{LIST}{alice_profile.pk}/", {"grade": "G2"}, format="json").status_code == 200
    alice_profile.refresh_from_db()
    assert (alice_profile.notes, alice_profile.grade) == ("Seen in clinic", "G2")


def test_an_identifying_note_is_a_400_naming_the_field(alice: Any, alice_profile: PatientProfile) -> None:
    response = api_client_for(alice).patch(f"{LIST}{alice_profile.pk}/", {"notes": "NHS 943 476 5919"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["notes"]
    alice_profile.refresh_from_db()
    assert alice_profile.notes == ""


def test_a_non_numeric_id_is_a_json_404(alice: Any) -> None:
    response = api_client_for(alice).get(f"{LIST}abc/")
    assert response.status_code == 404
    assert response.json() == {"detail": "No such patient profile."}


def test_matches_have_the_eligibility_endpoints_shape(alice: Any, alice_profile: PatientProfile) -> None:
    trial = TrialFactory(title="G3 only trial", grades=["G3"], any_net=True)
    TrialFactory(title="Closed trial", status="closed", any_net=True)
    client = api_client_for(alice)
    body = client.get(f"{LIST}{alice_profile.pk}/matches/").json()
    facts = {name: getattr(alice_profile.to_facts(), name) for name in PatientFacts.field_names()}
    same = client.post(
        reverse("api:eligibility"), {"patient": {k: v for k, v in facts.items() if v is not None}}, format="json"
    ).json()
    assert body == same
    assert [(r["trial"]["title"], r["verdict"]) for r in body["results"]] == [
        ("Closed trial", "likely_eligible"),
        (trial.title, "not_eligible"),
    ]
    assert body["results"][1]["criteria"][0] == {
        "kind": "inclusion",
        "text": "Your tumour is grade G3.",
        "outcome": "not_met",
        "fact": "grade",
        "patient_value": "G2",
        "reason": "Your grade is G2; this trial needs G3.",
        "cohort": "",
    }


def test_matches_filter_and_page(alice: Any, alice_profile: PatientProfile) -> None:
    for n in range(3):
        TrialFactory(title=f"Open {n}")
    TrialFactory(title="Closed", status="closed")
    client = api_client_for(alice)
    url = f"{LIST}{alice_profile.pk}/matches/"
    query: dict[str, str | int] = {"status": "open", "page_size": 2, "page": 2}
    body = client.get(url, query).json()
    assert (body["count"], body["next"], body["previous"]) == (3, None, 1)
    assert [r["trial"]["title"] for r in body["results"]] == ["Open 2"]
    assert client.get(url, {"status": "nope"}).json() == {
        "status": {"0": ['"nope" is not a status; use one of: open, closed, results.']}
    }
    assert client.get(url, {"colour": "red"}).json() == {"colour": ["Unknown parameter."]}


def test_matches_endpoint_runs_a_fixed_number_of_queries(
    alice: Any, alice_profile: PatientProfile, django_assert_num_queries: Any
) -> None:
    client = api_client_for(alice)
    url = f"{LIST}{alice_profile.pk}/matches/"

    def add(count: int) -> None:
        for _ in range(count):
            CriterionFactory(trial=TrialFactory(grades=["G2"]), rule={"fact": "ecog", "operator": "lte", "value": 1})

    add(5)
    with CaptureQueriesContext(connection) as five:
        assert client.get(url, {"page_size": 100}).status_code == 200
    add(25)
    with django_assert_num_queries(len(five)):
        assert client.get(url, {"page_size": 100}).json()["count"] == 30


def test_the_schema_documents_the_patients_endpoints(client: Any) -> None:
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    assert {"/api/v1/patients/", "/api/v1/patients/{id}/", "/api/v1/patients/{id}/matches/"} <= set(schema["paths"])
    profile = schema["components"]["schemas"]["PatientProfile"]
    assert {"id", "reference", "notes", "prior_treatments", "postcode", "created_at"} <= set(profile["properties"])
