"""The specialist's pages: the form, the matches, the print view and the CSV worksheet."""

from __future__ import annotations

import csv
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from patients.exports import CSV_HEADER
from patients.models import PatientProfile
from tests.factories import CriterionFactory, TrialFactory
from tests.patients.conftest import client_for, make_profile
from tests.responses import streamed

FORM = {
    "reference": "CLINIC-7",
    "notes": "",
    "age": "58",
    "sex": "female",
    "postcode": "M20 4BX",
    "diagnosis": "net",
    "primary_site": "small_bowel",
    "grade": "G2",
    "ecog": "1",
    "prior_treatments_known": "none",
    "progressed_on_known": "",
}


def test_a_specialist_creates_a_profile_from_the_form(alice: Any) -> None:
    response = client_for(alice).post(reverse("patients:create"), FORM)
    profile = PatientProfile.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("patients:matches", kwargs={"pk": profile.pk})
    assert (profile.owner, profile.postcode, profile.age, profile.ecog) == (alice, "M20", 58, 1)
    assert (profile.prior_treatments, profile.progressed_on, profile.resectable) == ([], None, None)


def test_the_form_says_what_is_wrong_and_saves_nothing(alice: Any) -> None:
    data = {**FORM, "diagnosis": "nec", "grade": "G1", "postcode": "nowhere", "prior_treatments_known": "listed"}
    response = client_for(alice).post(reverse("patients:create"), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "The profile was not saved" in body
    assert "is not a UK postcode" in body
    assert "Tick at least one, or answer “Unknown” or “None” above." in body
    assert not PatientProfile.objects.exists()


def test_the_form_warns_against_identifying_details(alice: Any) -> None:
    body = client_for(alice).get(reverse("patients:create")).content.decode()
    assert "Never a name, date of birth, NHS number or contact details." in body
    assert "a full postcode is cut to it when saved" in body


def test_editing_shows_the_stored_answers_and_saves_changes(alice: Any, alice_profile: PatientProfile) -> None:
    client = client_for(alice)
    url = reverse("patients:edit", kwargs={"pk": alice_profile.pk})
    form = client.get(url).context["form"]
    assert form.initial["grade"] == "G2"
    assert form.initial["ecog"] == "1"
    response = client.post(url, {**FORM, "reference": "NET-A-001", "grade": "G3"})
    assert response.status_code == 302
    alice_profile.refresh_from_db()
    assert alice_profile.grade == "G3"


LABS = {
    "anc": "1.2",
    "platelets": "150",
    "haemoglobin": "118",
    "bilirubin_uln": "0.8",
    "transaminases_uln": "1.5",
    "lvef": "60",
    "qtc_ms": "440",
}


def test_the_form_saves_the_lab_values_and_the_profile_shows_them(alice: Any) -> None:
    client = client_for(alice)
    form = client.get(reverse("patients:create")).context["form"]
    [(_key, legend, fields)] = [fieldset for fieldset in form.fieldsets() if fieldset[0] == "bloods"]
    assert (legend, [field.name for field in fields]) == ("Blood counts, liver and heart", list(LABS))
    assert client.post(reverse("patients:create"), {**FORM, **LABS}).status_code == 302
    profile = PatientProfile.objects.get()
    assert [getattr(profile, name) for name in LABS] == [1.2, 150.0, 118.0, 0.8, 1.5, 60, 440]
    rows = {row.name: (row.label, row.value) for row in client.get(profile.get_absolute_url()).context["fact_rows"]}
    assert rows["anc"] == ("Neutrophils (ANC, ×10⁹/L)", "1.2")
    assert rows["qtc_ms"] == ("QTc (ms)", "440")
    edit = client.get(reverse("patients:edit", kwargs={"pk": profile.pk}))
    assert {name: edit.context["form"].initial[name] for name in LABS} == {
        "anc": 1.2,
        "platelets": 150.0,
        "haemoglobin": 118.0,
        "bilirubin_uln": 0.8,
        "transaminases_uln": 1.5,
        "lvef": 60,
        "qtc_ms": 440,
    }
    assert 'name="anc" value="1.2"' in edit.content.decode()


def test_the_form_refuses_a_lab_value_outside_its_bounds(alice: Any) -> None:
    response = client_for(alice).post(reverse("patients:create"), {**FORM, "qtc_ms": "900", "lvef": "55.5"})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "lvef": ["Enter a whole number."],
        "qtc_ms": ["Ensure this value is less than or equal to 800."],
    }
    assert not PatientProfile.objects.exists()


def test_deleting_asks_first_then_deletes_on_post(alice: Any, alice_profile: PatientProfile) -> None:
    client = client_for(alice)
    url = reverse("patients:delete", kwargs={"pk": alice_profile.pk})
    assert "Delete profile NET-A-001?" in client.get(url).content.decode()
    assert PatientProfile.objects.filter(pk=alice_profile.pk).exists()
    assert client.post(url)["Location"] == reverse("patients:list")
    assert not PatientProfile.objects.filter(pk=alice_profile.pk).exists()


def test_the_list_searches_references_and_puts_the_latest_first(alice: Any) -> None:
    for reference in ("MDT-1", "CLINIC-2", "MDT-3"):
        make_profile(alice, reference)
    client = client_for(alice)
    assert [p.reference for p in client.get(reverse("patients:list")).context["page"]] == ["MDT-3", "CLINIC-2", "MDT-1"]
    assert [p.reference for p in client.get(reverse("patients:list"), {"q": "mdt"}).context["page"]] == [
        "MDT-3",
        "MDT-1",
    ]


@pytest.fixture
def trials() -> dict[str, Any]:
    pancreas = TrialFactory(title="Pancreas G1-G2 trial", grades=["G1", "G2"], any_net=True)
    CriterionFactory(trial=pancreas, text="ECOG 0 or 1", rule={"fact": "ecog", "operator": "lte", "value": 1})
    CriterionFactory(
        trial=pancreas, text="Measurable disease", rule={"fact": "measurable_disease", "operator": "is_true"}
    )
    g3 = TrialFactory(title="G3 only trial", grades=["G3"], any_net=True)
    closed = TrialFactory(title="Closed trial", status="closed", any_net=True)
    return {"pancreas": pancreas, "g3": g3, "closed": closed}


def test_matches_rank_trials_with_the_criterion_table_and_what_to_find_out(
    alice: Any, alice_profile: PatientProfile, trials: dict[str, Any]
) -> None:
    response = client_for(alice).get(reverse("patients:matches", kwargs={"pk": alice_profile.pk}))
    matches = response.context["matches"]
    # Open trials first; the closed one (likely eligible) after them, for information.
    assert [(e.trial.title, e.verdict.value) for e in matches.evaluations] == [
        ("Pancreas G1-G2 trial", "possibly_eligible"),
        ("G3 only trial", "not_eligible"),
        ("Closed trial", "likely_eligible"),
    ]
    assert [(f.fact, f.trials) for f in matches.find_out] == [("measurable_disease", 1)]
    body = response.content.decode()
    assert "Your grade is G2; this trial needs G3." in body
    assert "Measurable on a scan (RECIST)</strong> (1 trial)" in body
    assert '<td data-label="Outcome" class="outcome-met">' in body


def test_matches_filter_by_status_and_verdict(
    alice: Any, alice_profile: PatientProfile, trials: dict[str, Any]
) -> None:
    client = client_for(alice)
    url = reverse("patients:matches", kwargs={"pk": alice_profile.pk})
    open_only = client.get(url, {"status": "open"}).context["matches"]
    assert [e.trial.title for e in open_only.evaluations] == ["Pancreas G1-G2 trial", "G3 only trial"]
    not_eligible = client.get(url, {"verdict": "not_eligible"}).context["matches"]
    assert [e.trial.title for e in not_eligible.evaluations] == ["G3 only trial"]


def test_the_print_view_holds_every_trial_and_the_facts(
    alice: Any, alice_profile: PatientProfile, trials: dict[str, Any]
) -> None:
    body = client_for(alice).get(reverse("patients:print", kwargs={"pk": alice_profile.pk})).content.decode()
    assert "Trial matches for NET-A-001" in body
    assert body.count('<article class="trial-card') == 3
    assert "Performance status (ECOG)" in body


def test_the_csv_worksheet_has_one_row_per_trial(
    alice: Any, alice_profile: PatientProfile, trials: dict[str, Any]
) -> None:
    response = client_for(alice).get(reverse("patients:csv", kwargs={"pk": alice_profile.pk}))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="trialsearch-matches-net-a-001-{today}.csv"'
    assert response.streaming  # written as the trials are evaluated
    lines = streamed(response).decode().splitlines()
    rows = list(csv.DictReader(lines[lines.index(",".join(CSV_HEADER)) :]))
    assert [(r["Trial"], r["Status"], r["Verdict"], r["Unknown criteria"]) for r in rows] == [
        ("Pancreas G1-G2 trial", "Open to new patients", "Possibly eligible", "1"),
        ("G3 only trial", "Open to new patients", "Not eligible", "0"),
        ("Closed trial", "Closed to new patients", "Not open to new patients (on these facts: likely eligible)", "0"),
    ]
    assert rows[0]["To confirm"] == "Measurable disease"
    assert rows[1]["Criteria not met"] == "Your tumour is grade G3. (Your grade is G2; this trial needs G3.)"


def _many_trials(count: int) -> None:
    for n in range(count):
        trial = TrialFactory(grades=["G1", "G2"], status="closed" if n % 5 == 0 else "open")
        CriterionFactory(trial=trial, rule={"fact": "ecog", "operator": "lte", "value": 1})
        CriterionFactory(trial=trial, rule=None)


@pytest.mark.parametrize("sort", ["verdict", "phase"])
@pytest.mark.parametrize("name", ["patients:matches", "patients:print", "patients:csv"])
def test_the_matches_pages_run_a_fixed_number_of_queries(
    name: str, sort: str, alice: Any, alice_profile: PatientProfile, django_assert_max_num_queries: Any
) -> None:
    """At most as many queries for 30 trials as for 5 (a page that spans the open and the closed
    trials reads both rankings: with 5 trials page 1 does, with 30 it holds only open trials)."""
    client = client_for(alice)
    url = reverse(name, kwargs={"pk": alice_profile.pk}) + f"?sort={sort}"
    _many_trials(5)
    client.get(url)  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from trials.registry.cache import answers_cache

    def read() -> int:
        response = client.get(url)
        if response.streaming:  # the worksheet is evaluated as it is read
            streamed(response)
        return response.status_code

    answers_cache().clear()  # both cold: the ranking's vocabularies are cached until the registry changes
    with CaptureQueriesContext(connection) as five:
        assert read() == 200
    _many_trials(25)
    answers_cache().clear()
    with django_assert_max_num_queries(len(five)):
        assert read() == 200


def test_the_list_runs_a_fixed_number_of_queries(alice: Any, django_assert_num_queries: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(alice)
    make_profile(alice, "FIRST")
    client.get(reverse("patients:list"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("patients:list"))
    for n in range(20):
        make_profile(alice, f"MORE-{n}")
    with django_assert_num_queries(len(one)):
        assert len(client.get(reverse("patients:list")).context["page"]) == 21


def test_matches_and_worksheet_say_which_cohort_gives_the_verdict(alice: Any, alice_profile: PatientProfile) -> None:
    trial = TrialFactory(title="Two cohort trial", any_net=True)
    CriterionFactory(
        trial=trial,
        text="Started in the pancreas.",
        cohort="Pancreatic NET",
        rule={"fact": "primary_site", "operator": "eq", "value": "pancreas"},
    )
    CriterionFactory(
        trial=trial,
        text="Started in the gut.",
        cohort="Gastrointestinal NET",
        rule={"fact": "primary_site", "operator": "in", "value": ["small_bowel", "colon"]},
    )
    reason = (
        "This trial has separate groups (cohorts): Pancreatic NET and Gastrointestinal NET. We judged you on the "
        "Pancreatic NET group, the one you fit best; the Gastrointestinal NET group does not take you."
    )

    body = client_for(alice).get(reverse("patients:matches", kwargs={"pk": alice_profile.pk})).content.decode()
    response = client_for(alice).get(reverse("patients:csv", kwargs={"pk": alice_profile.pk}))

    assert f'<p class="cohort-reason">{reason}</p>' in body
    assert '<span class="hint">Inclusion, Pancreatic NET cohort:</span> Started in the pancreas.' in body
    lines = streamed(response).decode().splitlines()
    rows = list(csv.DictReader(lines[lines.index(",".join(CSV_HEADER)) :]))
    assert [(r["Trial"], r["Verdict"], r["Cohort"]) for r in rows] == [("Two cohort trial", "Likely eligible", reason)]
