"""A specialist's matches for an MDT: open trials first, sorts, cards with ids, sites and status dates,
print and CSV of every trial, and the letter text."""

from __future__ import annotations

import csv
import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from patients.exports import CSV_HEADER, letter_text
from patients.models import PatientProfile
from tests.factories import CriterionFactory, HospitalFactory, TrialFactory, TrialSiteFactory
from tests.patients.conftest import client_for, make_profile
from tests.responses import streamed
from trials.geography.postcodes import place_for_postcode

ECOG = {"fact": "ecog", "operator": "lte", "value": 1}
MEASURABLE = {"fact": "measurable_disease", "operator": "is_true"}


@pytest.fixture
def profile(alice: Any) -> PatientProfile:
    return make_profile(alice, "MDT 9/b", diagnosis="net", primary_site="pancreas", grade="G2", ecog=1, postcode="LS1")


@pytest.fixture
def registry(db: None) -> dict[str, Any]:
    ls1 = place_for_postcode("LS1")
    leeds = HospitalFactory(
        name="St James's University Hospital",
        town="Leeds",
        postcode="LS9 7TF",
        latitude=ls1.latitude,
        longitude=ls1.longitude,
    )
    christie = HospitalFactory(name="The Christie", town="Manchester", postcode="M20 4BX")
    pancreas = TrialFactory(any_net=True, title="Pancreas trial", phase="phase_4", nct_id="NCT01234567")
    CriterionFactory(trial=pancreas, text="ECOG 0 or 1", rule=ECOG)
    CriterionFactory(trial=pancreas, text="Measurable disease", rule=MEASURABLE)
    TrialSiteFactory(trial=pancreas, hospital=christie)
    near = TrialFactory(
        any_net=True,
        title="Leeds trial",
        phase="phase_3",
        isrctn="ISRCTN11112222",
        status_confirmed=dt.date(2026, 11, 20),
        status_source="ISRCTN",
    )
    TrialSiteFactory(trial=near, hospital=leeds)
    TrialSiteFactory(trial=near, hospital=christie)
    g3 = TrialFactory(any_net=True, title="G3 trial", phase="phase_1", grades=["G3"])
    TrialSiteFactory(trial=g3, hospital=leeds)
    closed = TrialFactory(any_net=True, title="Closed trial", status="closed", phase="phase_3")
    return {"pancreas": pancreas, "near": near, "g3": g3, "closed": closed}


def _titles(response: Any) -> list[str]:
    return [card.trial.title for card in response.context["cards"]]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["Leeds trial", "Pancreas trial", "G3 trial", "Closed trial"]),
        ("verdict", ["Leeds trial", "Pancreas trial", "G3 trial", "Closed trial"]),
        # Leeds and G3 trials share the nearest hospital: the verdict breaks the tie.
        ("distance", ["Leeds trial", "G3 trial", "Pancreas trial", "Closed trial"]),
        ("phase", ["Pancreas trial", "Leeds trial", "G3 trial", "Closed trial"]),
    ],
)
def test_matches_put_open_trials_first_in_the_chosen_order(
    alice: Any, profile: PatientProfile, registry: dict[str, Any], sort: str, expected: list[str]
) -> None:
    url = reverse("patients:matches", kwargs={"pk": profile.pk})
    response = client_for(alice).get(url, {"sort": sort} if sort else {})
    assert response.status_code == 200
    assert _titles(response) == expected
    headings = [card.heading for card in response.context["cards"]]
    assert headings == [
        "Open to new patients",
        "",
        "",
        "Closed or finished: for information, the patient cannot join these",
    ]


def test_distance_is_not_offered_without_a_postcode(alice: Any, registry: dict[str, Any]) -> None:
    no_area = make_profile(alice, "NO-AREA", diagnosis="net", primary_site="pancreas", grade="G2", ecog=1)
    query = {"sort": "distance", "status": "open"}
    response = client_for(alice).get(reverse("patients:matches", kwargs={"pk": no_area.pk}), query)
    assert response.status_code == 200
    assert [value for value, _label in response.context["form"].fields["sort"].choices] == ["verdict", "phase"]
    assert response.context["form"].errors == {
        "sort": ["Select a valid choice. distance is not one of the available choices."]
    }
    assert _titles(response) == ["Leeds trial", "Pancreas trial", "G3 trial"]  # the status filter still applies
    assert "distance is not one of the available choices" in response.content.decode()


def test_a_card_shows_ids_phase_status_date_and_nearest_site(
    alice: Any, profile: PatientProfile, registry: dict[str, Any]
) -> None:
    body = client_for(alice).get(reverse("patients:matches", kwargs={"pk": profile.pk})).content.decode()
    leeds = body[
        body.index('id="trial-' + registry["near"].slug) : body.index('id="trial-' + registry["pancreas"].slug)
    ]
    assert '<span class="registry-id">ISRCTN11112222</span>' in leeds
    assert "<span>Phase 3</span>" in leeds
    assert "Open to new patients" in leeds
    assert 'according to ISRCTN on <time datetime="2026-11-20">20 November 2026</time>' in leeds
    assert (
        "Nearest hospital: <strong>St James&#x27;s University Hospital</strong>, Leeds LS9 7TF (less than 1 mile from LS1)."
        in leeds
    )
    assert "1 other hospital on" in leeds
    assert '<span class="registry-id">NCT01234567</span>' in body
    assert "<span>Phase 4</span>" in body


def test_a_closed_trial_never_shows_a_positive_verdict(
    alice: Any, profile: PatientProfile, registry: dict[str, Any]
) -> None:
    body = client_for(alice).get(reverse("patients:matches", kwargs={"pk": profile.pk})).content.decode()
    closed = body[body.index('id="trial-' + registry["closed"].slug) :]
    assert "verdict-likely-eligible" not in closed
    assert "<strong>Not open to new patients.</strong> For information, on these facts:" in closed
    assert body.count("verdict-likely-eligible") == 1  # the open Leeds trial
    assert "Open trials: 1 likely eligible, 1 possibly eligible, 1 not eligible." in body
    assert "1 closed or finished, listed after them for information." in body


def test_the_letter_text_names_the_best_open_trials_with_unknowns_and_sites(
    alice: Any, profile: PatientProfile, registry: dict[str, Any]
) -> None:
    response = client_for(alice).get(reverse("patients:matches", kwargs={"pk": profile.pk}))
    today = timezone.localdate()
    assert response.context["letter"] == "\n".join(
        [
            f"Clinical trials that may suit this patient (TrialSearch, {today.day} {today:%B %Y}):",
            "",
            "1. Leeds trial (ISRCTN11112222; Phase 3).",
            "   Likely eligible.",
            "   Nearest site: St James's University Hospital, Leeds (less than 1 mile from LS1).",
            "2. Pancreas trial (NCT01234567; Phase 4).",
            "   Possibly eligible.",
            "   To confirm: Measurable disease.",
            "   Nearest site: The Christie, Manchester (about 38 miles from LS1).",
            "",
            "Eligibility is confirmed by each trial team.",
        ]
    )
    body = response.content.decode()
    assert '<textarea id="letter-text" readonly rows="12"' in body
    assert "1. Leeds trial (ISRCTN11112222; Phase 3)." in body


def test_the_letter_says_when_no_open_trial_is_in_play(profile: PatientProfile) -> None:
    letter = letter_text(profile=profile, cards=[], today=dt.date(2026, 12, 1), place=None)
    assert letter == (
        "Clinical trials (1 December 2026): on the facts recorded, no open trial in TrialSearch "
        "is likely or possibly suitable. We will search again as the situation changes."
    )


def test_print_and_csv_cover_every_trial_not_one_page(
    alice: Any, profile: PatientProfile, registry: dict[str, Any]
) -> None:
    for n in range(23):
        TrialFactory(any_net=True, title=f"Extra trial {n:02}")
    client = client_for(alice)
    page = client.get(reverse("patients:matches", kwargs={"pk": profile.pk}))
    assert len(page.context["cards"]) == 20
    assert page.context["page"].paginator.count == 27
    printed = client.get(reverse("patients:print", kwargs={"pk": profile.pk})).content.decode()
    assert printed.count('<article class="trial-card') == 27
    assert "Every trial, open first (27)" in printed
    address = f"http://testserver{reverse('patients:print', kwargs={'pk': profile.pk})}"
    assert f"Printed from TrialSearch ({address}) on {timezone.localdate():%-d %B %Y}." in printed
    assert '<button type="button" class="secondary" data-print hidden>Print</button>' in printed
    assert '<pre class="letter-text">Clinical trials that may suit this patient' in printed
    response = client.get(reverse("patients:csv", kwargs={"pk": profile.pk}))
    lines = streamed(response).decode().splitlines()
    rows = list(csv.DictReader(lines[lines.index(",".join(CSV_HEADER)) :]))
    assert len(rows) == 27
    assert [row["Rank"] for row in rows] == [str(n) for n in range(1, 28)]
    assert rows[-1]["Trial"] == "Closed trial"


def test_the_csv_has_labels_the_profile_facts_and_a_dated_name(
    alice: Any, profile: PatientProfile, registry: dict[str, Any]
) -> None:
    TrialFactory(any_net=True, title='=HYPERLINK("http://evil")', phase="")
    response = client_for(alice).get(reverse("patients:csv", kwargs={"pk": profile.pk}))
    today = timezone.localdate().isoformat()
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="trialsearch-matches-mdt-9b-{today}.csv"'
    lines = streamed(response).decode().splitlines()
    assert lines[:5] == [
        "TrialSearch: trial matches,MDT 9/b",
        f"Exported on,{today}",
        "Not medical advice: each trial team confirms eligibility.",
        "",
        "Patient's facts,Value",
    ]
    facts = dict(row for row in csv.reader(lines[5 : lines.index("", 5)]) if len(row) == 2)
    assert facts["Grade"] == "Grade 2 (G2)"
    assert facts["Age in years"] == "Unknown"
    assert facts["Postcode district"] == "LS1"
    rows = list(csv.DictReader(lines[lines.index(",".join(CSV_HEADER)) :]))
    leeds = next(row for row in rows if row["Trial"] == "Leeds trial")
    assert leeds == {
        "Rank": "1",
        "Trial": "Leeds trial",
        "Registry numbers": "ISRCTN11112222",
        "Phase": "Phase 3",
        "Status": "Open to new patients",
        "Status as of": "2026-11-20",
        "Verdict": "Likely eligible",
        "Cohort": "",
        "Unknown criteria": "0",
        "Criteria not met": "",
        "To confirm": "",
        "Nearest site": "St James's University Hospital",
        "Town": "Leeds",
        "Distance (miles)": "0.0",
        "Trial page": f"http://testserver{registry['near'].get_absolute_url()}",
    }
    evil = next(row for row in rows if "HYPERLINK" in row["Trial"])
    assert evil["Trial"] == '\'=HYPERLINK("http://evil")'
    assert evil["Phase"] == "Not given"


def test_another_specialists_profile_is_a_404_on_every_view(
    bob: Any, profile: PatientProfile, registry: dict[str, Any]
) -> None:
    client = client_for(bob)
    for name in ("patients:matches", "patients:print", "patients:csv"):
        assert client.get(reverse(name, kwargs={"pk": profile.pk})).status_code == 404


def test_the_criterion_table_shows_the_registry_wording_beside_the_lay_wording(
    alice: Any, profile: PatientProfile, registry: dict[str, Any]
) -> None:
    CriterionFactory(
        trial=registry["near"],
        text="You have not had lenvatinib",
        kind="exclusion",
        registry_text="Prior treatment with lenvatinib or any other multi-kinase inhibitor",
    )
    CriterionFactory(trial=registry["near"], text="Your NET has spread.", rule=None, position=2)
    body = client_for(alice).get(reverse("patients:matches", kwargs={"pk": profile.pk})).content.decode()
    assert '<th scope="col">Registry wording</th>' in body
    row = body[body.index("Exclusion:</span> You have not had lenvatinib") :]
    assert row.index("Prior treatment with lenvatinib or any other multi-kinase inhibitor") < row.index("</tr>")
    # The facets (age, tumour type) and criteria without registry words.
    assert '<span aria-hidden="true">–</span><span class="visually-hidden">none recorded</span>' in body
    letter = client_for(alice).get(reverse("patients:matches", kwargs={"pk": profile.pk})).context["letter"]
    assert "   To confirm: Your NET has spread.\n   Exclusions to rule out: You have not had lenvatinib.\n" in letter
