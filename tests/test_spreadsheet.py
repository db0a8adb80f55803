"""CSV cells never reach a spreadsheet as formulas, in the API's export and the specialist's worksheet."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from patients.exports import CSV_HEADER
from patients.services import patient_profile_create, specialists_add
from tests.conftest import sign_in
from tests.factories import CriterionFactory, InterventionFactory, TrialFactory, TumourTypeFactory
from tests.responses import streamed
from trials.eligibility.patient import PatientFacts
from trialsearch.spreadsheet import CSVLines, spreadsheet_cell


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://evil.example","x")', '\'=HYPERLINK("http://evil.example","x")'),
        ("+44 161 446 3000", "'+44 161 446 3000"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("A trial of lenvatinib", "A trial of lenvatinib"),
        ("", ""),
        (" =1", " =1"),
        (-3, -3),
        (2.5, 2.5),
        (None, None),
    ],
)
def test_text_that_starts_like_a_formula_gets_a_quote(value: object, cell: object) -> None:
    assert spreadsheet_cell(value) == cell


def test_a_line_neutralises_every_cell() -> None:
    assert CSVLines().row(["=1", "ok", "@x", 5]) == "'=1,ok,'@x,5\r\n"


def _rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8"))))


def test_the_api_export_neutralises_registry_text_in_every_column(db: None) -> None:
    trial = TrialFactory(
        slug="formula",
        title="=HYPERLINK(1)",
        acronym="+A",
        tumour_types=[TumourTypeFactory(slug="at-net", name="@NET")],
        interventions=[InterventionFactory(slug="minus", name="-cmd|' /C calc'!A0")],
    )

    response = APIClient().get("/api/v1/trials/?format=csv")

    header, row = _rows(streamed(response))
    cells = dict(zip(header, row, strict=True))
    assert cells["slug"] == trial.slug
    assert (cells["title"], cells["acronym"]) == ("'=HYPERLINK(1)", "'+A")
    assert (cells["cancer_types"], cells["interventions"]) == ("'@NET", "'-cmd|' /C calc'!A0")


def test_the_specialists_worksheet_neutralises_titles_and_criteria(db: None, django_user_model: Any) -> None:
    user = django_user_model.objects.create_user("alice", "alice@example.org", "a-long-test-password")
    specialists_add(users=[user])
    profile = patient_profile_create(owner=user, reference="NET-1", facts=PatientFacts(ecog=3))
    trial = TrialFactory(title='=HYPERLINK("http://evil.example")')
    CriterionFactory(trial=trial, text="+ECOG 0 or 1", rule={"fact": "ecog", "operator": "lte", "value": 1})
    client = Client()
    sign_in(client, user)

    response = client.get(reverse("patients:csv", kwargs={"pk": profile.pk}))

    rows = _rows(streamed(response))
    start = rows.index(CSV_HEADER)  # after the profile's facts
    [row] = rows[start + 1 :]
    cells = dict(zip(CSV_HEADER, row, strict=True))
    assert cells["Trial"] == '\'=HYPERLINK("http://evil.example")'
    assert cells["Criteria not met"].startswith("'+ECOG 0 or 1 (")
