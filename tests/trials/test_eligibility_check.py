"""The "Could I join?" questionnaire, in short steps by POST, and its answer page, through the test client."""

from __future__ import annotations

import html as html_lib
import re
from typing import Any, cast

import pytest
from django import forms
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.datastructures import MultiValueDict

from tests.factories import CriterionFactory, TrialFactory, TrialSiteFactory
from trials.eligibility.facts import FACTS
from trials.eligibility.patient import PatientFacts
from trials.questionnaire.forms import TREATMENT_ANSWERS, CheckForm, drug_option
from trials.questionnaire.steps import STEPS, STEPS_BY_KEY, position, relevant_names, relevant_steps
from trials.registry.models import Hospital, TumourType

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')
FIRST_FORM = re.compile(r"<form [^>]*method=\"post\"[^>]*>(.*?)</form>", re.S)
STEP_TITLE = re.compile(r'<h2 class="step-title">([^<]*)</h2>')


def carried(html: str) -> dict[str, list[str]]:
    """The hidden fields of the page's first POST form: the answers it carries forward."""
    form = FIRST_FORM.search(html)
    assert form is not None
    data: dict[str, list[str]] = {}
    for name, value in HIDDEN.findall(form.group(1)):
        data.setdefault(name, []).append(html_lib.unescape(value))
    return data


def answer(client: Any, response: Any, answers: dict[str, Any], go: str = "next", url: str = "/check/") -> Any:
    """Submit the page's form as a browser would: its hidden fields, these answers and a button."""
    data = carried(response.content.decode())
    data.update({name: value if isinstance(value, list) else [value] for name, value in answers.items()})
    data["go"] = [go]
    return client.post(url, data)


def step_title(response: Any) -> str:
    found = STEP_TITLE.search(response.content.decode())
    return found.group(1) if found else ""


def walk(client: Any, *pages: dict[str, Any], url: str = "/check/") -> Any:
    """Answer each step in turn, from a GET of the first; return the last response."""
    response = client.get(url)
    for page in pages:
        response = answer(client, response, page, url=url)
        assert response.status_code == 200
    return response


SMALL_BOWEL_SPREAD = {
    "age": "64",
    "sex": "female",
    "postcode": "M20 4BX",
    "diagnosis": "net",
    "primary_site": "small_bowel",
    "extent": "metastatic",
    "carcinoid_syndrome": "no",
    "had_treatment": "none",
}


@pytest.fixture
def open_trials(seeded: None) -> dict[str, Any]:
    """Two open trials beside the seed (all closed or finished): one that fits, one that rules out."""
    christie = Hospital.objects.get(name="The Christie")
    royal_free = Hospital.objects.get(name="Royal Free Hospital")
    fits = TrialFactory(
        slug="open-small-bowel",
        title="An open trial for small bowel NETs",
        min_age=18,
        tumour_types=[TumourType.objects.get(slug="small-bowel-net")],
    )
    CriterionFactory(
        trial=fits,
        text="Your NET has spread.",
        rule={"fact": "extent", "operator": "eq", "value": "metastatic"},
        position=0,
    )
    CriterionFactory(trial=fits, kind="exclusion", text="You take warfarin.", position=1)
    TrialSiteFactory(trial=fits, hospital=royal_free)
    TrialSiteFactory(trial=fits, hospital=christie)
    ruled_out = TrialFactory(
        slug="open-pancreas",
        title="An open trial for pancreatic NETs",
        tumour_types=[TumourType.objects.get(slug="pancreatic-net")],
    )
    TrialSiteFactory(trial=ruled_out, hospital=royal_free)
    return {"fits": fits, "ruled_out": ruled_out}


@pytest.mark.django_db
def test_a_get_shows_the_first_step_and_reads_no_answers_from_the_address(client: Any) -> None:
    response = client.get("/check/", {"age": "64", "diagnosis": "nec", "postcode": "M20 4BX", "check": "1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert step_title(response) == "You and your tumour"
    assert "Step 1 of up to 4" in html
    assert 'value="64"' not in html and "M20 4BX" not in html
    assert re.search(r'<input type="radio" name="diagnosis" value=""[^>]* checked', html)
    assert '<form class="check-form" action="/check/" method="post" novalidate>' in html


@pytest.mark.django_db
def test_every_question_starts_at_i_dont_know_and_has_a_label(client: Any) -> None:
    html = client.get("/check/").content.decode()
    form = CheckForm()
    for field in form:
        assert field.label, field.name
        widget = field.field.widget
        if getattr(widget, "input_type", None) == "radio" or widget.__class__.__name__ == "Select":
            assert cast(list[tuple[str, str]], cast(forms.ChoiceField, field.field).choices)[0] == (
                "",
                "I don't know",
            ), field.name
        if field.name not in TREATMENT_ANSWERS and getattr(widget, "input_type", None) in ("number", "text"):
            assert "empty" in str(field.help_text).lower() or field.name == "postcode", field.name
    assert '<legend class="question-label">What kind of tumour is it?</legend>' in html
    assert '<label class="question-label" for="id_primary_site">Where did the tumour start?</label>' in html
    assert '<option value="" selected>I don&#x27;t know</option>' in html


def test_the_questionnaire_has_four_steps_asking_each_lay_question_once() -> None:
    asked = [question.name for step in STEPS for question in step.questions]
    lay = {name for name, fact in FACTS.items() if fact.in_questionnaire}
    assert len(STEPS) == 4
    assert len(asked) == len(set(asked))
    assert set(asked) == (lay - set(TREATMENT_ANSWERS)) | set(TREATMENT_ANSWERS) | {
        answer for answer, _choices in TREATMENT_ANSWERS.values()
    }
    assert not {"anc", "platelets", "haemoglobin", "bilirubin_uln", "transaminases_uln", "lvef", "qtc_ms"} & set(asked)


@pytest.mark.parametrize(
    ("answers", "asked", "not_asked"),
    [
        ({"sex": ["male"]}, [], ["pregnant_or_breastfeeding"]),
        ({"sex": ["female"]}, ["pregnant_or_breastfeeding"], []),
        ({}, ["pregnant_or_breastfeeding", "grade", "brain_metastases"], ["gastric_type", "prior_treatments"]),
        ({"primary_site": ["stomach"]}, ["gastric_type"], []),
        ({"diagnosis": ["nec"]}, [], ["grade"]),
        ({"extent": ["localised"]}, [], ["brain_metastases"]),
        ({"carcinoid_syndrome": ["yes"]}, ["bowel_movements_per_day", "syndrome_controlled_on_ssa"], []),
        ({"carcinoid_syndrome": ["no"]}, [], ["bowel_movements_per_day", "syndrome_controlled_on_ssa"]),
        ({"had_treatment": ["none"]}, [], ["prior_treatments", "prior_systemic_lines", "progressed_on"]),
        ({"had_treatment": ["yes"]}, ["prior_treatments", "grew_on_treatment"], ["progressed_on"]),
        (
            {"had_treatment": ["yes"], "prior_treatments": ["octreotide"], "grew_on_treatment": ["yes"]},
            ["progressed_on"],
            [],
        ),
    ],
)
def test_only_questions_that_earlier_answers_make_relevant_are_asked(
    answers: dict[str, list[str]], asked: list[str], not_asked: list[str]
) -> None:
    names = relevant_names(answers)
    assert set(asked) <= set(names)
    assert not set(not_asked) & set(names)


def test_someone_without_treatment_answers_three_steps_and_a_treated_one_at_most_four() -> None:
    assert [step.key for step in relevant_steps({"had_treatment": ["none"]})] == ["you", "tumour", "health"]
    treated = {"had_treatment": ["yes"], "prior_treatments": ["everolimus"], "grew_on_treatment": ["yes"]}
    assert [step.key for step in relevant_steps(treated)] == ["you", "tumour", "health", "grew"]


@pytest.mark.parametrize(
    ("key", "answers", "shown"),
    [
        ("you", {}, "Step 1 of up to 4"),
        ("tumour", {"had_treatment": ["none"]}, "Step 2 of 3"),
        ("tumour", {"had_treatment": ["yes"]}, "Step 2 of up to 4"),
        ("health", {"had_treatment": ["yes"]}, "Step 3 of up to 4"),
        (
            "grew",
            {"had_treatment": ["yes"], "prior_treatments": ["everolimus"], "grew_on_treatment": ["yes"]},
            "Step 4 of 4",
        ),
    ],
)
def test_each_step_says_where_it_is(key: str, answers: dict[str, list[str]], shown: str) -> None:
    number, total, up_to = position(STEPS_BY_KEY[key], answers)
    assert f"Step {number} of {'up to ' if up_to else ''}{total}" == shown


def test_the_steps_go_forward_and_back_by_post_keeping_every_answer(seeded: None, client: Any) -> None:
    first = client.get("/check/")
    tumour = answer(client, first, {**SMALL_BOWEL_SPREAD, "had_treatment": "yes"})
    assert step_title(tumour) == "More about your tumour"
    assert "Step 2 of up to 4" in tumour.content.decode()
    assert carried(tumour.content.decode())["age"] == ["64"]
    health = answer(client, tumour, {"resectable": "no"})
    assert step_title(health) == "Your health and your treatments"
    html = health.content.decode()
    # Each drug once, by the name people know, with its other names as a hint and no code names.
    assert html.count('value="lanreotide"') == 1
    assert "Lutathera" in html and "Also called 177Lu-dotatate" in html
    assert "E7080" not in html and "RAD001" not in html
    back = answer(client, health, {"ecog": "1", "prior_treatments": ["octreotide"]}, go="back")
    assert step_title(back) == "More about your tumour"
    assert re.search(r'<input type="radio" name="resectable" value="no"[^>]* checked', back.content.decode())
    assert carried(back.content.decode())["prior_treatments"] == ["octreotide"]
    again = answer(client, back, {"resectable": "no"})
    assert re.search(r'value="octreotide" id="tr-octreotide" checked', again.content.decode())
    assert re.search(r'<input type="radio" name="ecog" value="1"[^>]* checked', again.content.decode())
    grew = answer(client, again, {"ecog": "1", "prior_treatments": ["octreotide"], "grew_on_treatment": "yes"})
    assert step_title(grew) == "Treatments your tumour grew on"
    assert "Step 4 of 4" in grew.content.decode()
    # Only the treatments ticked are offered, by name.
    assert re.findall(r'name="progressed_on" value="([^"]+)"', grew.content.decode()) == [
        "not-sure-which",
        "octreotide",
    ]
    result = answer(client, grew, {"progressed_on": ["octreotide"]})
    assert result.templates[0].name == "trials/check/results.html"


def test_a_step_with_bad_answers_lists_them_and_keeps_them(seeded: None, client: Any) -> None:
    response = answer(client, client.get("/check/"), {"age": "abc", "postcode": "XX"})
    html = response.content.decode()
    assert step_title(response) == "You and your tumour"
    assert 'class="error-summary" role="alert"' in html
    assert '<a href="#id_age">How old are you?: Enter a whole number.</a>' in html
    assert "Your postcode: “XX” is not a UK postcode." in html
    assert 'value="abc"' in html


def test_ticking_no_treatment_when_treatment_was_had_is_refused(seeded: None, client: Any) -> None:
    health = walk(client, {"had_treatment": "yes"}, {})
    refused = answer(client, health, {"grew_on_treatment": "none"})
    assert step_title(refused) == "Your health and your treatments"
    assert "Tick the treatments you know of, or “I don&#x27;t know which”." in refused.content.decode()


@pytest.mark.parametrize(
    ("answers", "facts"),
    [
        ({}, {}),
        (
            {"had_treatment": ["none"]},
            {"prior_treatments": (), "progressed_on": (), "prior_systemic_lines": 0},
        ),
        (
            {
                "had_treatment": ["yes"],
                "prior_treatments": ["octreotide", "chemotherapy"],
                "grew_on_treatment": ["none"],
            },
            {"prior_treatments": ("octreotide", "chemotherapy"), "progressed_on": ()},
        ),
        (
            {
                "had_treatment": ["yes"],
                "prior_treatments": ["not-sure-which"],
                "grew_on_treatment": ["yes"],
            },
            {},
        ),
        (
            {
                "had_treatment": ["yes"],
                "prior_treatments": ["everolimus"],
                "grew_on_treatment": ["yes"],
                "progressed_on": ["everolimus"],
            },
            {"prior_treatments": ("everolimus",), "progressed_on": ("everolimus",)},
        ),
        (
            {"age": ["64"], "ecog": ["1"], "primary_site": ["stomach"], "gastric_type": ["1"], "postcode": ["m20 4bx"]},
            {"age": 64, "ecog": 1, "primary_site": "stomach", "gastric_type": 1, "postcode": "M20"},
        ),
        ({"resectable": ["no"], "ki67": ["2.5"]}, {"resectable": False, "ki67": 2.5}),
    ],
)
def test_answers_become_patient_facts(seeded: None, answers: dict[str, list[str]], facts: dict[str, Any]) -> None:
    form = CheckForm(MultiValueDict(answers), asked=relevant_names(answers))
    assert form.is_valid(), form.errors
    assert form.facts is not None
    assert {name: value for name, value in vars(form.facts).items() if value is not None} == facts


@pytest.mark.django_db
def test_a_nec_is_not_asked_its_grade_and_a_given_grade_is_ignored() -> None:
    answers = {"diagnosis": ["nec"], "grade": ["G1"]}
    form = CheckForm(MultiValueDict(answers), asked=relevant_names(answers))
    assert form.is_valid(), form.errors
    assert form.facts == PatientFacts(diagnosis="nec")


@pytest.mark.parametrize(
    ("slug", "name", "synonyms", "label", "hint"),
    [
        ("lenvatinib", "lenvatinib", ["Lenvima", "E7080"], "Lenvatinib", "Also called Lenvima"),
        (
            "lutetium-dotatate",
            "177Lu-dotatate",
            ["Lutathera", "lutetium Lu 177 dotatate", "177Lu-DOTATATE", "PRRT"],
            "Lutathera",
            "Also called 177Lu-dotatate",
        ),
        ("fluorouracil", "5-fluorouracil", ["5FU", "5-FU", "fluorouracil"], "5-fluorouracil", ""),
        ("everolimus", "everolimus", ["Afinitor", "RAD001"], "Everolimus", "Also called Afinitor"),
    ],
)
def test_a_drug_is_named_as_people_know_it_without_code_names(
    slug: str, name: str, synonyms: list[str], label: str, hint: str
) -> None:
    option = drug_option(slug, name, synonyms)
    assert (option.value, option.label, option.hint) == (slug, label, hint)


def test_open_trials_come_first_and_closed_ones_get_no_verdict(open_trials: dict[str, Any], client: Any) -> None:
    response = walk(client, SMALL_BOWEL_SPREAD, {}, {})
    html = response.content.decode()
    assert (
        "We checked 2 trials open to new patients against your answers: 1 fits every point we could check, "
        "0 might suit you and 1 is ruled out by your answers."
    ) in " ".join(html.split())
    assert html.index('id="open-heading"') < html.index('id="closed-heading"')
    open_part = html[html.index('id="open-heading"') : html.index('id="closed-heading"')]
    closed_part = html[html.index('id="closed-heading"') :]
    assert open_part.index("An open trial for small bowel NETs") < open_part.index("An open trial for pancreatic NETs")
    assert "Your answers fit every point we could check" in open_part
    assert "Closed and finished trials: for information, you cannot join these" in closed_part
    assert "Show the 27 closed and finished trials" in closed_part
    assert closed_part.count('class="trial-card check-closed"') == 10
    for verdict in ("verdict-likely-eligible", "verdict-possibly-eligible", "verdict-not-eligible", "Might suit"):
        assert verdict not in closed_part
    assert closed_part.count("You cannot join this trial.") == 10


def test_each_open_trial_says_what_fits_what_rules_out_and_what_to_ask(
    open_trials: dict[str, Any], client: Any
) -> None:
    html = walk(client, SMALL_BOWEL_SPREAD, {}, {}).content.decode()
    fits = html[html.index('id="result-open-small-bowel"') : html.index('id="result-open-pancreas"')]
    assert "<h4>What you told us that fits</h4>" in fits
    assert "<li>You are 64, as this trial needs.</li>" in fits
    assert "Your tumour&#x27;s extent is metastatic (spread), as this trial needs." in fits
    # An exclusion to confirm is labelled as one, never listed as if it were a requirement.
    assert "<li><strong>Exclusion:</strong> You take warfarin." in fits
    assert "people cannot join if any of these apply" in fits
    assert "Nearest hospital: <strong>The Christie</strong>, Manchester M20 4BX (less than 1 mile from M20)" in fits
    ruled_out = html[html.index('id="result-open-pancreas"') : html.index('id="closed-heading"')]
    assert "Not suitable: your answers rule this trial out" in ruled_out
    assert "<h4>What rules you out</h4>" in ruled_out
    assert "<strong>Requirement:</strong> You have a NET that started in the small bowel" in ruled_out


def test_the_answer_has_a_map_of_the_nearest_hospitals_with_a_text_equivalent(
    open_trials: dict[str, Any], client: Any
) -> None:
    html = walk(client, SMALL_BOWEL_SPREAD, {}, {}).content.decode()
    assert '<svg class="uk-map" viewBox="0 0 400 ' in html
    assert "<title>Your area: M20 (Manchester)</title>" in html
    assert "<title>1. The Christie, Manchester</title>" in html
    # Only the trial still in play is placed: the ruled-out one's hospital is not on the map.
    assert "Royal Free Hospital, London</title>" not in html
    assert re.search(r'<ol class="map-legend">\s*<li value="1"><strong>The Christie</strong>, Manchester M20 4BX', html)
    assert "style=" not in html and "<script>" not in html


def test_with_no_open_trial_the_answer_says_what_to_do_next(seeded: None, client: Any) -> None:
    html = walk(client, SMALL_BOWEL_SPREAD, {}, {}).content.decode()
    assert "None of the trials we list is open to new patients right now." in html
    assert "Ask your specialist nurse or your specialist about trials" in html
    assert '<a href="/trials/feed/?status=open">Follow new trials open to new patients</a>' in html
    assert "verdict-" not in html


def test_the_answer_pages_by_post_carrying_the_answers(open_trials: dict[str, Any], client: Any) -> None:
    for number in range(21):
        TrialFactory(slug=f"open-any-{number:02}", title=f"Open trial {number:02}")
    first = walk(client, SMALL_BOWEL_SPREAD, {}, {})
    html = first.content.decode()
    assert "Trials 1 to 20 of 23" in html
    assert '<button type="submit" name="open_page" value="2" class="secondary">Next open trials</button>' in html
    forms = FIRST_FORM.findall(html)
    paging = next(form for form in forms if 'name="open_page"' in form)
    data: dict[str, list[str]] = {}
    for name, value in HIDDEN.findall(paging):
        data.setdefault(name, []).append(html_lib.unescape(value))
    second = client.post("/check/", {**data, "open_page": "2"}).content.decode()
    assert "Trials 21 to 23 of 23" in second
    assert "An open trial for pancreatic NETs" in second  # the ruled-out trial closes the ranking


def test_checking_one_trial_from_its_page(open_trials: dict[str, Any], client: Any) -> None:
    slug = open_trials["fits"].slug
    page = client.get(f"/trials/{slug}/").content.decode()
    assert f'<a href="/check/?trial={slug}">Could I join this trial?</a>' in page
    html = walk(client, SMALL_BOWEL_SPREAD, {}, {}, url=f"/check/?trial={slug}").content.decode()
    assert "We checked 1 trial open to new patients" in " ".join(html.split())
    assert f'action="/check/?trial={slug}" method="post"' in html
    assert "closed-heading" not in html


def test_the_answers_reach_no_address_no_cache_and_no_session(open_trials: dict[str, Any], client: Any) -> None:
    with CaptureQueriesContext(connection) as queries:
        response = walk(
            client, {**SMALL_BOWEL_SPREAD, "had_treatment": "yes"}, {}, {"prior_treatments": ["octreotide"]}
        )
    html = response.content.decode()
    assert response.templates[0].name == "trials/check/results.html"
    assert [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith(("SELECT", "SET", "RESET"))] == []
    assert Session.objects.count() == 0 and "sessionid" not in response.cookies
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"
    # No link or form on the page carries an answer in its address.
    for address in re.findall(r'(?:href|action)="([^"]*)"', html):
        assert not re.search(r"small_bowel|metastatic|M20|octreotide|age=|female", address), address
    assert client.get("/check/")["Cache-Control"].count("no-store") == 1


def test_the_answer_runs_a_fixed_number_of_queries(
    open_trials: dict[str, Any], client: Any, django_assert_max_num_queries: Any
) -> None:
    treatments = walk(client, {**SMALL_BOWEL_SPREAD, "had_treatment": "yes"}, {})
    # The form (the treatments and their slugs: 2); the ranking's vocabularies, cached until the
    # registry changes (5); for the open and the closed trials each, the counts, the page's ids,
    # trials, tumour types and criteria (10); the hospitals (1); what to ask (2).
    with django_assert_max_num_queries(20):
        answer(client, treatments, {"prior_treatments": ["octreotide"], "grew_on_treatment": "none"})


@pytest.mark.django_db
def test_the_home_page_and_the_menu_link_to_the_questionnaire(client: Any) -> None:
    html = client.get("/").content.decode()
    assert '<a href="/check/">Could I join a trial?</a>' in html
    assert '<li><a href="/check/">Could I join?</a></li>' in html
