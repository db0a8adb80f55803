"""The "Could I join?" questionnaire and its answer page, through the test client."""

from __future__ import annotations

import re
from typing import Any, cast

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

from trials.eligibility.facts import FACTS
from trials.eligibility.patient import PatientFacts
from trials.questionnaire.forms import CheckForm

STOMACH_G1_NOT_SUITABLE = [
    "a-study-looking-circulating-tumour-cells-find-out-whether-they-can-predict-how-neuroendocrine-tumours-respond-treatment-calm-net",
    "a-study-of-lanreotide-for-neuroendocrine-tumours-of-the-pancreas-or-small-bowel-that-have-spread",
    "a-trial-chemotherapy-neuroendrocrine-carcinoma-started-any-part-body-except-lungs-net-02",
    "a-trial-looking-at-lanreotide-autogel-for-neuroendocrine-tumours-of-the-digestive-system-that-have-spread",
    "a-trial-looking-everolimus-pasireotide-neuroendocrine-tumours-lung-thymus-luna",
    "a-trial-looking-lutathera-carcinoid-tumours-small-bowel-netter",
    "e2211-temozolomide-capecitabine-pancreatic-nets",
    "immune-system-neuroendocrine-tumours-study",
]


def verdicts(response: Any) -> dict[str, str]:
    # Every trial's verdict, across the pages (the page object's whole ranking).
    return {e.trial.slug: e.verdict.value for e in response.context["page"].paginator.object_list}


@pytest.mark.django_db
def test_every_question_starts_at_i_dont_know(client: Any) -> None:
    response = client.get("/check/")
    html = response.content.decode()
    assert response.status_code == 200
    form = response.context["form"]
    for field in form:
        if field.name == "open_only":
            continue
        if field.field.widget.input_type == "radio":
            assert field.field.choices[0] == ("", "I don't know"), field.name
            assert re.search(rf'<input type="radio" name="{field.name}" value=""[^>]* checked', html), field.name
        # Every input has a label (or, for a group of radios or boxes, a legend).
        assert field.label
    assert '<legend class="question-label">Where did the tumour start?</legend>' in html
    assert '<legend class="question-label">How much does your illness affect your daily life?</legend>' in html
    assert '<label class="question-label" for="id_age">How old are you?</label>' in html
    assert "I can do everything I could before" in html


def test_all_i_dont_know_marks_no_trial_not_suitable(seeded: None, client: Any) -> None:
    response = client.get("/check/", {"check": "1"})
    assert response.status_code == 200
    assert set(verdicts(response).values()) == {"possibly_eligible"}
    assert len(verdicts(response)) == 27
    html = response.content.decode()
    assert "Not suitable" not in html
    assert "Might be suitable: ask about" in html
    assert "What is the grade of my tumour (G1, G2 or G3)?" in html
    assert "Where did my tumour start?" in html


def test_a_stomach_g1_net_patient_sees_the_verdicts_change(seeded: None, client: Any) -> None:
    response = client.get("/check/", {"primary_site": "stomach", "diagnosis": "net", "grade": "G1", "check": "1"})
    result = verdicts(response)
    assert sorted(slug for slug, verdict in result.items() if verdict == "not_eligible") == STOMACH_G1_NOT_SUITABLE
    assert set(result.values()) == {"possibly_eligible", "not_eligible"}
    html = response.content.decode()
    # 20 trials a page, best first: the 8 not suitable close the ranking (the 20th to the 27th).
    assert html.count("<strong>Not suitable</strong>") == 1
    second = client.get(
        "/check/", {"primary_site": "stomach", "diagnosis": "net", "grade": "G1", "check": "1", "page": "2"}
    ).content.decode()
    assert second.count("<strong>Not suitable</strong>") == 7
    assert "Page 2 of 2" in second
    html += second
    assert "You have a NET that started in the stomach; this trial is for: Small bowel NET." in html
    assert "Your grade is G1; this trial needs G3." in html
    # Trials still possible come first, and grade is no longer a question.
    assert list(result.values()).index("not_eligible") == 19
    assert "What is the grade of my tumour" not in html


def test_checking_one_trial_from_its_page(seeded: None, client: Any) -> None:
    slug = "talent-lenvatinib-neuroendocrine-tumours"
    page = client.get(f"/trials/{slug}/").content.decode()
    assert f'<a href="/check/?trial={slug}">Could I join this trial?</a>' in page
    form = client.get("/check/", {"trial": slug}).content.decode()
    assert f'<input type="hidden" name="trial" value="{slug}">' in form
    response = client.get("/check/", {"trial": slug, "ecog": "2", "check": "1"})
    assert verdicts(response) == {slug: "not_eligible"}
    assert "Your performance status (ECOG) is 2; this trial needs 0 or 1." in response.content.decode()


def test_the_home_page_and_the_menu_link_to_the_questionnaire(db: None, client: Any) -> None:
    html = client.get("/").content.decode()
    assert '<a href="/check/">Could I join a trial?</a>' in html
    assert '<li><a href="/check/">Could I join?</a></li>' in html


def test_bad_answers_are_listed_in_an_error_summary(seeded: None, client: Any) -> None:
    response = client.get("/check/", {"age": "abc", "ecog": "9", "postcode": "XX", "check": "1"})
    assert response.status_code == 200
    assert "page" not in response.context
    html = response.content.decode()
    assert 'class="error-summary" role="alert"' in html
    assert '<a href="#id_age">How old are you?: Enter a whole number.</a>' in html
    assert '<a href="#id_ecog_0">How much does your illness affect your daily life?: Select a valid choice.' in html
    assert "Your postcode: “XX” is not a UK postcode." in html
    # The answers given are kept.
    assert 'value="abc"' in html


@pytest.mark.parametrize(
    ("answers", "field", "message"),
    [
        ({"had_treatment": "none", "prior_treatments": ["octreotide"]}, "prior_treatments", "You answered “No” above"),
        ({"had_treatment": "yes"}, "prior_treatments", "Tick the treatments you know of"),
        ({"diagnosis": "nec", "grade": "G1"}, "grade", "A neuroendocrine carcinoma (NEC) is always G3."),
    ],
)
def test_contradictory_answers_are_refused(seeded: None, answers: dict[str, Any], field: str, message: str) -> None:
    form = CheckForm(answers)
    assert not form.is_valid()
    assert cast(str, form.errors[field][0]).startswith(message)


@pytest.mark.parametrize(
    ("answers", "facts"),
    [
        ({}, {}),
        ({"had_treatment": "none", "grew_on_treatment": "none"}, {"prior_treatments": (), "progressed_on": ()}),
        (
            {"prior_treatments": ["octreotide", "chemotherapy"], "had_treatment": ""},
            {"prior_treatments": ("octreotide", "chemotherapy")},
        ),
        (
            {"age": "64", "ecog": "1", "gastric_type": "1", "resectable": "no", "ki67": "2.5", "postcode": "m20 4bx"},
            {"age": 64, "ecog": 1, "gastric_type": 1, "resectable": False, "ki67": 2.5, "postcode": "M20"},
        ),
    ],
)
def test_answers_become_patient_facts(seeded: None, answers: dict[str, Any], facts: dict[str, Any]) -> None:
    form = CheckForm(answers)
    assert form.is_valid(), form.errors
    assert form.facts is not None
    known = {name: value for name, value in vars(form.facts).items() if value is not None}
    assert known == facts


def test_nothing_is_stored_and_no_session_is_made(
    seeded: None, client: Any, django_assert_max_num_queries: Any
) -> None:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(
            "/check/",
            {"age": "70", "grade": "G2", "had_treatment": "yes", "prior_treatments": "octreotide", "check": "1"},
        )
    assert response.status_code == 200
    assert [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")] == []
    # Check the form's treatments (1); the ranking's vocabularies (4, cached until the registry
    # changes); the counts; what to ask (2); the page's ids, trials, tumour types and criteria (4);
    # the registry's generation (1).
    assert len(queries) <= 13
    assert Session.objects.count() == 0
    assert "sessionid" not in response.cookies


def test_change_your_answers_fills_the_form_in_again(seeded: None, client: Any) -> None:
    response = client.get(
        "/check/", {"grade": "G2", "had_treatment": "yes", "prior_treatments": "octreotide", "check": "1"}
    )
    assert response.context["change_answers"] == "grade=G2&had_treatment=yes&prior_treatments=octreotide"
    form = client.get("/check/?" + response.context["change_answers"]).content.decode()
    assert re.search(r'<input type="radio" name="grade" value="G2"[^>]* checked', form)
    assert re.search(r'<input type="checkbox" name="prior_treatments" value="octreotide"[^>]* checked', form)


@pytest.mark.django_db
def test_the_questionnaire_asks_every_lay_question_and_no_lab_value() -> None:
    form = CheckForm({"anc": "0.5", "qtc_ms": "900", "age": "60"})
    asked = {name for name, fact in FACTS.items() if fact.in_questionnaire}
    assert asked <= set(form.fields)
    assert not {"anc", "platelets", "haemoglobin", "bilirubin_uln", "transaminases_uln", "lvef", "qtc_ms"} & set(
        form.fields
    )
    assert form.is_valid(), form.errors
    assert form.facts == PatientFacts(age=60)
