"""GET /api/v1/trials/{slug}/ and /api/v1/trials/cruk/{cruk_id}/: the full record."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from trials.record.parsing import parse_trial
from trials.registry.models import Trial
from trials.registry.services import trial_record_slug_change, trial_upsert

RECORD: dict[str, Any] = {
    "slug": "talent-lenvatinib",
    "old_slugs": ["talent"],
    "cruk_id": 14052,
    "title": "A trial looking at lenvatinib for NETs that have spread (TALENT)",
    "acronym": "TALENT",
    "official_title": "A phase II trial of lenvatinib in advanced neuroendocrine tumours",
    "status": "results",
    "phase": "phase_2",
    "trial_type": "treatment",
    "cancer_types": [
        {"slug": "pancreatic-net", "name": "Pancreatic NET"},
        {"slug": "neuroendocrine-tumour", "name": "NET, any site"},
    ],
    "grades": ["G2", "G1"],
    "summary": "This trial looked at lenvatinib.",
    "more_about": "Lenvatinib is a targeted drug.",
    "trial_design": "A phase 2 trial.",
    "hospital_visits": "Every 4 weeks.",
    "side_effects": "Tiredness.",
    "interventions": [{"slug": "lenvatinib", "name": "lenvatinib", "kind": "targeted_drug", "synonyms": ["Lenvima"]}],
    "locations": [
        {
            "hospital": "The Christie",
            "town": "Manchester",
            "region": "North West",
            "postcode": "M20 4BX",
            "latitude": 53.4291,
            "longitude": -2.2302,
            "recruiting": False,
            "contact": {"name": "NET research nurses", "role": "Site contact", "phone": "0161 446 3000"},
        },
        {"hospital": "A hospital with no map", "town": "", "region": "", "postcode": "", "recruiting": True},
    ],
    "recruitment_start": "2016-10",
    "recruitment_end": "2017",
    "chief_investigator": "Dr A Example",
    "supported_by": ["Spanish Task Force Group for NETs", "Eisai"],
    "contacts": [
        {"name": "Dr A Example", "role": "Principal investigator", "email": "a.example@nhs.net"},
        {"name": "", "role": "Trial office", "phone": "+44 (0)20 7000 0000", "email": ""},
    ],
    "other_information": "See the paper.",
    "identifiers": {"nct": "NCT02678780", "isrctn": "", "eudract": "2015-001467-39", "iras": "12345"},
    "eligibility": {
        "min_age": 18,
        "max_age": None,
        "sexes": [],
        "criteria": [
            {
                "kind": "inclusion",
                "text": "You are 18 or older",
                "rule": {"fact": "age", "operator": "gte", "value": 18},
            },
            {"kind": "exclusion", "text": "You are pregnant", "rule": None},
            {"kind": "inclusion", "text": "Your NET is grade 1 or 2"},
        ],
    },
    "results": {
        "lay_summary": "Lenvatinib shrank some tumours.",
        "publications": [{"title": "Capdevila 2021", "url": "https://example.org/p"}],
    },
    "source": "The CRUK record and the paper.",
    "source_url": "https://example.org/source",
    "status_confirmed": "2023-09-13",
    "status_source": "ClinicalTrials.gov",
    "admin_notes": "Curators only: never in the API.",
    "last_reviewed": "2026-11-01",
    "published": True,
}


@pytest.fixture
def talent(db: None) -> Trial:
    trial = trial_upsert(data=parse_trial(RECORD)).obj
    Trial.objects.filter(pk=trial.pk).update(updated_at=dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC))
    trial.refresh_from_db()
    return trial


EXPECTED = {
    "slug": "talent-lenvatinib",
    "url": "http://testserver/trials/talent-lenvatinib/",
    "cruk_id": 14052,
    "title": "A trial looking at lenvatinib for NETs that have spread (TALENT)",
    "acronym": "TALENT",
    "official_title": "A phase II trial of lenvatinib in advanced neuroendocrine tumours",
    "status": "results",
    "status_confirmed": "2023-09-13",
    "status_source": "ClinicalTrials.gov",
    "status_needs_checking": False,
    "phase": "phase_2",
    "trial_type": "treatment",
    "countries": ["United Kingdom"],  # a CRUK record
    "any_net": False,
    "cancer_types": [
        {"slug": "neuroendocrine-tumour", "name": "NET, any site"},
        {"slug": "pancreatic-net", "name": "Pancreatic NET"},
    ],
    "grades": ["G1", "G2"],
    "summary": "This trial looked at lenvatinib.",
    "more_about": "Lenvatinib is a targeted drug.",
    "who_can_enter": ["You are 18 or older", "Your NET is grade 1 or 2"],
    "who_cannot_take_part": ["You are pregnant"],
    "trial_design": "A phase 2 trial.",
    "hospital_visits": "Every 4 weeks.",
    "side_effects": "Tiredness.",
    "interventions": [{"slug": "lenvatinib", "name": "lenvatinib", "kind": "targeted_drug", "synonyms": ["Lenvima"]}],
    "locations": [
        {
            "hospital": "A hospital with no map",
            "town": "",
            "region": "",
            "postcode": "",
            "latitude": None,
            "longitude": None,
            "recruiting": True,
            "contact": None,
            "distance_miles": None,
        },
        {
            "hospital": "The Christie",
            "town": "Manchester",
            "region": "North West",
            "postcode": "M20 4BX",
            "latitude": 53.4291,
            "longitude": -2.2302,
            "recruiting": False,
            "contact": {"name": "NET research nurses", "role": "Site contact", "phone": "0161 446 3000", "email": ""},
            "distance_miles": None,
        },
    ],
    "recruitment_start": "2016-10",
    "recruitment_end": "2017",
    "chief_investigator": "Dr A Example",
    "supported_by": ["Spanish Task Force Group for NETs", "Eisai"],
    "contacts": [
        {"name": "Dr A Example", "role": "Principal investigator", "phone": "", "email": "a.example@nhs.net"},
        {"name": "", "role": "Trial office", "phone": "+44 (0)20 7000 0000", "email": ""},
    ],
    "other_information": "See the paper.",
    "identifiers": {"nct": "NCT02678780", "isrctn": "", "eudract": "2015-001467-39", "iras": "12345"},
    "eligibility": {
        "min_age": 18,
        "max_age": None,
        "sexes": [],
        "criteria": [
            {
                "kind": "inclusion",
                "text": "You are 18 or older",
                "rule": {"fact": "age", "operator": "gte", "value": 18},
                "cohort": "",
            },
            {"kind": "exclusion", "text": "You are pregnant", "rule": None, "cohort": ""},
            {"kind": "inclusion", "text": "Your NET is grade 1 or 2", "rule": None, "cohort": ""},
        ],
    },
    "results": {
        "lay_summary": "Lenvatinib shrank some tumours.",
        "publications": [{"title": "Capdevila 2021", "url": "https://example.org/p"}],
    },
    "last_reviewed": "2026-11-01",
    "updated_at": "2026-11-02T09:30:00Z",
}


def test_the_record_has_every_field_of_the_contract_in_order(api: Any, talent: Trial) -> None:
    response = api.get("/api/v1/trials/talent-lenvatinib/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == EXPECTED
    assert list(response.json()) == list(EXPECTED)


def test_the_record_by_cruk_id_is_the_same(api: Any, talent: Trial) -> None:
    assert api.get("/api/v1/trials/cruk/14052/").json() == EXPECTED


@pytest.mark.parametrize(
    ("status", "confirmed", "end", "flagged"),
    [
        ("open", "2023-09-13", None, True),
        ("open", None, None, True),
        ("open", "today", "2020-01", True),
        ("open", "today", None, False),
        ("closed", "2023-09-13", None, False),
    ],
)
def test_an_open_trials_stale_status_is_flagged(
    api: Any, db: None, status: str, confirmed: str | None, end: str | None, flagged: bool
) -> None:
    today = dt.date.today().isoformat()
    record = {
        **RECORD,
        "status": status,
        "status_confirmed": today if confirmed == "today" else confirmed,
        "last_reviewed": None,
        "recruitment_end": end,
        "results": None,
    }
    trial_upsert(data=parse_trial(record))

    assert api.get("/api/v1/trials/talent-lenvatinib/").json()["status_needs_checking"] is flagged


def test_a_trial_without_results_has_null_results(api: Any, db: None) -> None:
    trial_upsert(data=parse_trial({**RECORD, "results": None, "old_slugs": []}))

    assert api.get("/api/v1/trials/talent-lenvatinib/").json()["results"] is None


def test_near_adds_each_sites_distance(api: Any, talent: Trial) -> None:
    locations = api.get("/api/v1/trials/talent-lenvatinib/?near=M20%204BX").json()["locations"]

    assert [(loc["hospital"], loc["distance_miles"]) for loc in locations] == [
        ("A hospital with no map", None),
        ("The Christie", 0.3),
    ]


def test_an_old_slug_redirects_permanently_keeping_the_query(api: Any, talent: Trial) -> None:
    response = api.get("/api/v1/trials/talent/?near=M20")

    assert response.status_code == 301
    assert response["Location"] == "/api/v1/trials/talent-lenvatinib/?near=M20"


def test_a_renamed_trials_old_slug_redirects(api: Any, talent: Trial) -> None:
    trial_record_slug_change(trial=talent, old_slug="talent-first-name")

    assert api.get("/api/v1/trials/talent-first-name/")["Location"] == "/api/v1/trials/talent-lenvatinib/"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/api/v1/trials/no-such-trial/", "No published trial has the slug 'no-such-trial'."),
        ("/api/v1/trials/not a slug!/", "No published trial has the slug 'not a slug!'."),
        ("/api/v1/trials/cruk/99999/", "No published trial has the CRUK id '99999'."),
        ("/api/v1/trials/cruk/abc/", "No published trial has the CRUK id 'abc'."),
        ("/api/v1/trials/cruk/99999999999999999999/", "No published trial has the CRUK id '99999999999999999999'."),
        ("/api/v1/trials/cruk/-1/", "No published trial has the CRUK id '-1'."),
    ],
)
def test_an_unknown_trial_is_a_json_404(api: Any, talent: Trial, url: str, message: str) -> None:
    response = api.get(url)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": message}


def test_a_draft_is_invisible_by_slug_cruk_id_and_old_slug(api: Any, talent: Trial) -> None:
    Trial.objects.filter(pk=talent.pk).update(published=False)

    assert api.get("/api/v1/trials/talent-lenvatinib/").status_code == 404
    assert api.get("/api/v1/trials/cruk/14052/").status_code == 404
    assert api.get("/api/v1/trials/talent/").status_code == 404


def test_the_record_has_an_etag_and_last_modified(api: Any, talent: Trial) -> None:
    response = api.get("/api/v1/trials/talent-lenvatinib/")

    assert response["Last-Modified"] == "Mon, 02 Nov 2026 09:30:00 GMT"
    assert re.fullmatch(r'"[0-9a-f]{40}"', response["ETag"])


def test_a_matching_etag_gets_a_304_without_a_body(api: Any, talent: Trial) -> None:
    etag = api.get("/api/v1/trials/talent-lenvatinib/")["ETag"]

    response = api.get("/api/v1/trials/talent-lenvatinib/", HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag


def test_if_modified_since_gets_a_304_until_the_trial_changes(api: Any, talent: Trial) -> None:
    since = "Mon, 02 Nov 2026 09:30:00 GMT"

    assert api.get("/api/v1/trials/talent-lenvatinib/", HTTP_IF_MODIFIED_SINCE=since).status_code == 304
    Trial.objects.filter(pk=talent.pk).update(updated_at=dt.datetime(2026, 11, 3, tzinfo=dt.UTC))
    assert api.get("/api/v1/trials/talent-lenvatinib/", HTTP_IF_MODIFIED_SINCE=since).status_code == 200


def test_the_etag_changes_with_the_record_and_with_near(api: Any, talent: Trial) -> None:
    etag = api.get("/api/v1/trials/talent-lenvatinib/")["ETag"]
    near_etag = api.get("/api/v1/trials/talent-lenvatinib/?near=M20")["ETag"]
    # An intervention's new synonym changes the record without touching the trial's updated_at.
    for intervention in talent.interventions.all():
        intervention.synonyms = ["Lenvima", "E7080"]
        intervention.save()

    response = api.get("/api/v1/trials/talent-lenvatinib/", HTTP_IF_NONE_MATCH=etag)

    assert near_etag != etag
    assert response.status_code == 200
    assert response["ETag"] != etag


def test_the_record_runs_a_fixed_number_of_queries(api: Any, talent: Trial, django_assert_num_queries: Any) -> None:
    # The trial, then its tumour types, interventions (2), criteria, sites, hospitals, contacts,
    # publications and old slugs; with `near`, one more for the distances; and the registry's
    # generation (answer cache).
    with django_assert_num_queries(11):
        assert api.get("/api/v1/trials/talent-lenvatinib/").status_code == 200
    with django_assert_num_queries(12):
        assert api.get("/api/v1/trials/talent-lenvatinib/?near=M20").status_code == 200
