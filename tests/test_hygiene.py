"""Input hygiene: what text loses, how input is echoed, and the limits of the API's JSON parser."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, cast

import pytest
from django.http import QueryDict
from django.test import override_settings
from rest_framework.test import APIClient

from trials.importers.bundle import bundle_import_json
from trials.importers.ctgov.reading import StudyBatch, studies_from_json
from trials.importers.ctgov.running import ctgov_import
from trials.registry.models import Trial
from trialsearch.hygiene import clean_data, clean_query, clean_text, echo

ELIGIBILITY = "/api/v1/eligibility/"


@pytest.mark.parametrize(
    ("value", "cleaned"),
    [
        ("lenva\x00tinib", "lenvatinib"),
        ("Pasted\x0bfrom\x0ca registry\x1f\x7f", "Pastedfroma registry"),
        ("Line one\r\nLine two\tand a tab", "Line one\r\nLine two\tand a tab"),
        ("lone \ud800 surrogate", "lone \ufffd surrogate"),
        ("\ufffe\uffff", ""),
        ("Ki-67 ≤ 20% — café", "Ki-67 ≤ 20% — café"),
    ],
)
def test_text_loses_control_characters_but_keeps_its_layout(value: str, cleaned: str) -> None:
    assert clean_text(value) == cleaned


def test_parsed_json_is_cleaned_keys_and_all() -> None:
    data = {"pa\x00tient": {"prior_treatments": ["a\x00b", 3, None, True]}, "n": 1.5}

    assert clean_data(data) == {"patient": {"prior_treatments": ["ab", 3, None, True]}, "n": 1.5}


def test_parameters_are_cleaned_keeping_their_order_and_repeats() -> None:
    query = clean_query(QueryDict("status=open&q=a%00b&status=clo%0bsed&%00x=1"))

    assert list(query.lists()) == [("status", ["open", "closed"]), ("q", ["ab"]), ("x", ["1"])]
    assert not query._mutable


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("M20 4BX", "M20 4BX"),
        ("1\r\nX-Injected: yes", "1\\r\\nX-Injected: yes"),
        ("\ud800", "\\ud800"),
        ("x" * 61, "x" * 60 + "…"),
    ],
)
def test_echoed_input_shows_invisible_characters_as_escapes(value: str, shown: str) -> None:
    assert echo(value) == shown


def _post(body: str | bytes) -> Any:
    # DRF's stub types the body as str; the test client sends bytes as they are.
    return APIClient().generic("POST", ELIGIBILITY, cast(str, body), content_type="application/json")


def _nested(levels: int) -> str:
    # {"patient": {}} is two levels; each list around the patient's facts adds one.
    return '{"patient": ' + "[" * (levels - 2) + "{}" + "]" * (levels - 2) + "}"


def test_json_as_deep_as_the_limit_is_parsed(db: None) -> None:
    response = _post(_nested(20))

    assert response.status_code == 400
    assert response.json() == {"patient": ['Must be an object of patient facts, such as {"age": 60}.']}


def test_json_one_level_deeper_is_refused(db: None) -> None:
    response = _post(_nested(21))

    assert response.status_code == 400
    assert response.json() == {"detail": "The JSON is nested too deeply: at most 20 levels."}


@override_settings(API_MAX_JSON_BYTES=1000)
def test_a_body_over_the_size_limit_is_a_413(db: None) -> None:
    response = _post(json.dumps({"patient": {}, "trials": ["a-trial"] * 200}))

    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is larger than 1000 bytes."}


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_non_json_numbers_are_refused(db: None, constant: str) -> None:
    response = _post('{"patient": {"ki67": ' + constant + "}}")

    assert response.status_code == 400
    assert response.json() == {"detail": f"JSON parse error - {constant} is not a JSON value"}


def test_a_body_that_is_not_utf8_is_a_400(db: None) -> None:
    response = _post(b'{"patient": {"postcode": "\xff"}}')

    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error - 'utf-8' codec can't decode byte 0xff")


@pytest.mark.parametrize(
    "url",
    [
        "/admin/patients/patientprofile/?updated_at__year=9999",
        "/admin/patients/patientprofile/?updated_at__year=9999&updated_at__month=12",
    ],
)
def test_an_admin_date_filter_past_the_calendar_is_a_400(staff_client: Any, url: str) -> None:
    response = staff_client.get(url)

    assert response.status_code == 400
    assert "That date is out of range." in response.content.decode()


def test_a_history_version_out_of_range_is_a_404(staff_client: Any) -> None:
    assert staff_client.get("/admin/trials/trial/1/history/" + "9" * 30 + "/").status_code == 404


def test_imported_bundles_lose_control_characters(db: None) -> None:
    trial = {
        "slug": "pasted",
        "title": "A trial\x0b of lenvatinib",
        "status": "open",
        "trial_type": "treatment",
        "eligibility": {"criteria": [{"kind": "inclusion", "text": "ECOG\x0c 0 or 1\nand fit"}]},
    }

    report = bundle_import_json(
        source="pasted.json", content=json.dumps({"format": "trialsearch/1", "trials": [trial]})
    )

    assert report.failures == []
    stored = Trial.objects.get(slug="pasted")
    assert stored.title == "A trial of lenvatinib"
    assert list(stored.criteria.values_list("text", flat=True)) == ["ECOG 0 or 1\nand fit"]


def test_imported_clinicaltrials_gov_studies_lose_control_characters(db: None) -> None:
    study = {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT01234567", "briefTitle": "Lenvatinib\x0b in NETs"},
            "statusModule": {"overallStatus": "RECRUITING"},
        }
    }
    batch = StudyBatch()
    studies_from_json("study.json", json.dumps(study), batch)

    report = ctgov_import(batch=batch, today=dt.date(2026, 11, 24))

    assert report.failures == []
    assert Trial.objects.get(nct_id="NCT01234567").title == "Lenvatinib in NETs"
