"""POST /api/v1/eligibility/: ranked verdicts for a patient, validation, paging, no storage,
fixed query counts, throttling and the schema."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import CriterionFactory, HospitalFactory, TrialFactory, TrialSiteFactory, TumourTypeFactory
from trials.api.eligibility import EligibilityView
from trials.api.throttling import AnonRateThrottle, UserRateThrottle
from trials.registry.cache import answers_cache

URL = "/api/v1/eligibility/"
NET_02 = "a-trial-chemotherapy-neuroendrocrine-carcinoma-started-any-part-body-except-lungs-net-02"
GRADE_LIMITED_SMALL_BOWEL = {
    "a-trial-looking-lutathera-carcinoid-tumours-small-bowel-netter",
    "a-trial-of-everolimus-and-a-type-of-internal-radiotherapy-for-neuroendocrine-tumours-compete",
    "talent-lenvatinib-neuroendocrine-tumours",
    "a-trial-looking-at-lanreotide-autogel-for-neuroendocrine-tumours-of-the-digestive-system-that-have-spread",
    "axinet-axitinib-octreotide-neuroendocrine-tumours",
    "a021202-pazopanib-carcinoid-tumours",
}


@pytest.fixture
def api() -> APIClient:
    cache.clear()  # the throttles count requests in the cache
    return APIClient()


def check(api: APIClient, body: dict[str, Any]) -> Any:
    return api.post(URL, body, format="json")


def test_a_patient_who_fits_one_trial_gets_it_first_as_likely_eligible(seeded: None, api: APIClient) -> None:
    patient = {
        "age": 58,
        "diagnosis": "nec",
        "primary_site": "pancreas",
        "extent": "metastatic",
        "prior_treatments": ["cisplatin"],
        "ecog": 1,
    }
    response = check(api, {"patient": patient, "page_size": 100})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 32
    assert (body["next"], body["previous"]) == (None, None)
    first = body["results"][0]
    assert first["trial"]["slug"] == NET_02
    assert first["trial"]["url"] == f"http://testserver/trials/{NET_02}/"
    assert (first["verdict"], first["unknown_count"], first["distance_miles"]) == ("likely_eligible", 0, None)
    assert [(c["kind"], c["fact"], c["outcome"], c["patient_value"]) for c in first["criteria"]] == [
        ("inclusion", "age", "met", 58),
        ("inclusion", "grade", "met", "G3"),
        ("inclusion", "diagnosis", "met", "nec"),
        ("inclusion", "primary_site", "met", "pancreas"),
        ("inclusion", "extent", "met", "metastatic"),
        ("inclusion", "prior_treatments", "met", ["cisplatin"]),
        ("inclusion", "ecog", "met", 1),
    ]
    assert first["criteria"][5]["reason"] == "You have had cisplatin, as this trial needs."
    assert {r["verdict"] for r in body["results"][1:]} == {"not_eligible"}


def test_an_unknown_grade_makes_grade_limited_trials_possible_not_excluded(seeded: None, api: APIClient) -> None:
    response = check(api, {"patient": {"primary_site": "small_bowel", "diagnosis": "net"}, "page_size": 100})
    results = {r["trial"]["slug"]: r for r in response.json()["results"]}
    for slug in GRADE_LIMITED_SMALL_BOWEL:
        assert results[slug]["verdict"] == "possibly_eligible", slug
        grade = [c for c in results[slug]["criteria"] if c["fact"] == "grade"]
        assert grade == [
            {
                "kind": "inclusion",
                "text": "Your tumour is grade G1 or G2.",
                "outcome": "unknown",
                "fact": "grade",
                "patient_value": None,
                "reason": "We don't know your grade: ask your specialist.",
                "cohort": "",
            }
        ]
    # Nothing at all known: not one trial is excluded.
    everything_unknown = check(api, {"patient": {}, "page_size": 100}).json()
    assert everything_unknown["count"] == 32
    assert {r["verdict"] for r in everything_unknown["results"]} == {"possibly_eligible"}


def test_results_are_ranked_likely_then_possible_by_fewest_unknowns_then_not(seeded: None, api: APIClient) -> None:
    patient = {"age": 60, "diagnosis": "net", "primary_site": "stomach", "grade": "G1", "extent": "metastatic"}
    results = check(api, {"patient": patient, "page_size": 100}).json()["results"]
    order = {"likely_eligible": 0, "possibly_eligible": 1, "not_eligible": 2}
    keys = [(order[r["verdict"]], r["unknown_count"] if r["verdict"] == "possibly_eligible" else 0) for r in results]
    assert keys == sorted(keys)
    assert {r["verdict"] for r in results} == {"likely_eligible", "possibly_eligible", "not_eligible"}


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"patient": {"grade": "G4"}}, {"patient": {"grade": ["'G4' is not one of: G1, G2, G3."]}}),
        ({"patient": {"ecog": 7}}, {"patient": {"ecog": ["Must be between 0 and 4."]}}),
        ({"patient": {"age": "old"}}, {"patient": {"age": ["Must be a whole number, not 'old'."]}}),
        ({"patient": []}, {"patient": ['Must be an object of patient facts, such as {"age": 60}.']}),
        ({}, {"patient": ["This field is required."]}),
        ({"patient": {}, "page_size": 101}, {"page_size": ["Ensure this value is less than or equal to 100."]}),
        ({"patient": {}, "verdict": "maybe"}, {"verdict": ['"maybe" is not a valid choice.']}),
        (
            {"patient": {}, "status": ["recruiting"]},
            {"status": {"0": ['"recruiting" is not a status; use one of: open, closed, results.']}},
        ),
        ({"patient": {}, "trials": ["no-such-trial"]}, {"trials": ["No published trial has the slug: no-such-trial."]}),
        ({"patient": {}, "page": 3, "page_size": 20}, {"page": ["There are only 2 page(s) of results."]}),
    ],
)
def test_bad_input_is_a_400_naming_the_field(
    seeded: None, api: APIClient, body: dict[str, Any], errors: dict[str, Any]
) -> None:
    response = check(api, body)
    assert response.status_code == 400
    assert response.json() == errors


def test_unknown_facts_and_treatments_are_named(db: None, api: APIClient) -> None:
    response = check(api, {"patient": {"height": 180, "prior_treatments": ["octreotide", "somatostatin_analogue"]}})
    assert response.status_code == 400
    errors = response.json()["patient"]
    assert set(errors) == {"height", "prior_treatments"}
    assert errors["height"][0].startswith("Unknown fact. Use one of: age, sex, diagnosis, primary_site,")
    assert errors["prior_treatments"][0].startswith("Unknown treatment 'octreotide': use an intervention's slug")


def test_filters_and_pages(seeded: None, api: APIClient) -> None:
    patient = {"diagnosis": "nec", "primary_site": "pancreas"}
    not_eligible = check(api, {"patient": patient, "verdict": "not_eligible", "page_size": 100}).json()
    assert not_eligible["count"] == 31
    assert {r["verdict"] for r in not_eligible["results"]} == {"not_eligible"}

    page_1 = check(api, {"patient": patient, "page_size": 10}).json()
    page_3 = check(api, {"patient": patient, "page_size": 10, "page": 3}).json()
    assert (page_1["count"], len(page_1["results"]), page_1["next"], page_1["previous"]) == (32, 10, 2, None)
    assert (len(page_3["results"]), page_3["next"], page_3["previous"]) == (10, 4, 2)
    assert page_1["results"][0]["trial"]["slug"] == NET_02

    one = check(api, {"patient": patient, "trials": [NET_02, NET_02]}).json()
    assert [r["trial"]["slug"] for r in one["results"]] == [NET_02]

    closed = check(api, {"patient": patient, "status": ["closed"], "page_size": 100}).json()
    assert closed["count"] == 8
    assert {r["trial"]["status"] for r in closed["results"]} == {"closed"}


def test_a_postcode_gives_distances_and_breaks_ties_by_nearest(db: None, api: APIClient) -> None:
    for title, latitude, longitude in [("A far", 51.5, -0.12), ("B near", 53.43, -2.23), ("C unknown", None, None)]:
        trial = TrialFactory(title=title, slug=title.split()[1].lower())
        TrialSiteFactory(trial=trial, hospital=HospitalFactory(latitude=latitude, longitude=longitude))
    results = check(api, {"patient": {"postcode": "M20 4BX"}}).json()["results"]
    assert [r["trial"]["title"] for r in results] == ["B near", "A far", "C unknown"]
    near, far, unknown = (r["distance_miles"] for r in results)
    assert near < 1
    assert 155 < far < 170  # Manchester to London, as the crow flies
    assert unknown is None


def test_nothing_is_stored(seeded: None, api: APIClient) -> None:
    body = {"patient": {"age": 60, "grade": "G2", "postcode": "M20 4BX", "prior_treatments": ["octreotide"]}}
    with CaptureQueriesContext(connection) as queries:
        response = check(api, body)
    assert response.status_code == 200
    writes = [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert writes == []
    assert Session.objects.count() == 0
    assert "sessionid" not in response.cookies


def make_trials(count: int) -> None:
    stomach = TumourTypeFactory(slug="stomach-net", name="Stomach NET", primary_site="stomach", diagnosis="net")
    for n in range(count):
        trial = TrialFactory(min_age=18, grades=["G1", "G2"], tumour_types=[stomach])
        CriterionFactory(trial=trial, rule={"fact": "ecog", "operator": "lte", "value": 1})
        CriterionFactory(trial=trial, kind="exclusion", text=f"Rule {n}", rule=None)
        TrialSiteFactory(trial=trial)


def queries_for(api: APIClient, body: dict[str, Any]) -> int:
    answers_cache().clear()  # cold: the ranking's vocabularies are cached until the registry changes
    with CaptureQueriesContext(connection) as queries:
        assert check(api, body).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "patient",
    [{}, {"grade": "G1", "postcode": "M20", "prior_treatments": ["chemotherapy"]}],
)
def test_the_query_count_does_not_grow_with_the_number_of_trials(
    db: None, api: APIClient, patient: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    make_trials(5)
    five = queries_for(api, {"patient": patient})
    make_trials(25)
    # The vocabularies (interventions, rule keys, tumour-type keys, hospitals: cached until the
    # registry changes), the counts, the page's ids, and its trials, tumour types and criteria; the
    # registry's generation (1).
    with django_assert_max_num_queries(10):
        response = check(api, {"patient": patient, "page_size": 100})
    assert response.json()["count"] == 30
    assert queries_for(api, {"patient": patient}) == five


def test_it_is_open_to_anyone_and_throttled_like_the_rest(
    db: None, api: APIClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert [type(t) for t in EligibilityView().get_throttles()] == [AnonRateThrottle, UserRateThrottle]
    rest_framework = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "2/minute", "user": "10/minute"}}
    with override_settings(REST_FRAMEWORK=rest_framework):
        statuses = [check(api, {"patient": {}}).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_it_is_in_the_openapi_schema(db: None, api: APIClient) -> None:
    schema = api.get(reverse("api:schema"), {"format": "json"}).json()
    post = schema["paths"]["/api/v1/eligibility/"]["post"]
    assert post["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/EligibilityRequest"
    }
    assert post["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/EligibilityResults"
    }
    patient = schema["components"]["schemas"]["EligibilityPatientRequest"]["properties"]
    assert set(patient) >= {"age", "grade", "ecog", "prior_treatments", "postcode"}
    assert post["security"] == [{"cookieAuth": []}, {"tokenAuth": []}, {}]


def test_the_schema_allows_a_missing_distance(db: None, api: APIClient) -> None:
    schema = api.get(reverse("api:schema"), {"format": "json"}).json()
    distance = schema["components"]["schemas"]["TrialEvaluation"]["properties"]["distance_miles"]
    assert distance["type"] == "number"
    assert distance["nullable"] is True


def test_the_specialists_lab_facts_are_accepted_and_checked(db: None, api: APIClient) -> None:
    trial = TrialFactory(title="Needs neutrophils", any_net=True)
    CriterionFactory(
        trial=trial, text="ANC at least 1.5 x 10^9/L.", rule={"fact": "anc", "operator": "gte", "value": 1.5}
    )
    low = check(api, {"patient": {"anc": 1.2, "platelets": 150, "lvef": 60, "qtc_ms": 440}}).json()["results"][0]
    assert low["verdict"] == "not_eligible"
    assert low["criteria"][0]["reason"] == (
        "Your neutrophil count (ANC) is 1.2 ×10⁹/L; this trial needs at least 1.5 ×10⁹/L."
    )
    unknown = check(api, {"patient": {"platelets": 150}}).json()["results"][0]
    assert (unknown["verdict"], unknown["criteria"][0]["outcome"]) == ("possibly_eligible", "unknown")


@pytest.mark.parametrize(
    ("patient", "errors"),
    [
        ({"anc": 101}, {"anc": ["Must be between 0 and 100."]}),
        ({"haemoglobin": 300}, {"haemoglobin": ["Must be between 0 and 250."]}),
        ({"bilirubin_uln": -0.5}, {"bilirubin_uln": ["Must be between 0 and 100."]}),
        ({"qtc_ms": 440.5}, {"qtc_ms": ["Must be a whole number, not 440.5."]}),
    ],
)
def test_a_lab_value_out_of_range_is_a_400_naming_it(
    db: None, api: APIClient, patient: dict[str, Any], errors: dict[str, Any]
) -> None:
    response = check(api, {"patient": patient})
    assert response.status_code == 400
    assert response.json() == {"patient": errors}


def test_the_schema_documents_the_lab_facts_with_their_bounds(db: None, api: APIClient) -> None:
    schema = api.get(reverse("api:schema"), {"format": "json"}).json()
    patient = schema["components"]["schemas"]["EligibilityPatientRequest"]["properties"]
    assert patient["anc"] == {
        "type": "number",
        "format": "double",
        "maximum": 100,
        "minimum": 0,
        "nullable": True,
        "description": "Neutrophils (ANC, ×10⁹/L)",
    }
    assert (patient["qtc_ms"]["type"], patient["qtc_ms"]["minimum"], patient["qtc_ms"]["maximum"]) == (
        "integer",
        200,
        800,
    )
