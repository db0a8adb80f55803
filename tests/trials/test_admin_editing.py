"""Editing a trial in the admin: an unchanged save changes nothing, ticks for grades, sexes and rule
values, operators in words, and a warning for an open trial patients cannot ask about."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from tests.factories import (
    CriterionFactory,
    HospitalFactory,
    TrialFactory,
    TrialSiteFactory,
    TumourTypeFactory,
)
from tests.trials.test_admin import trial_form
from trials.registry.models import Criterion, GlossaryTerm, Trial

pytestmark = pytest.mark.django_db

WARNING = "is published and open but lists no hospital: patients see nobody to ask about joining."


def with_criterion(**fields: str) -> dict[str, str]:
    data = {
        "criteria-TOTAL_FORMS": "1",
        "criteria-0-kind": "inclusion",
        "criteria-0-position": "0",
        "criteria-0-text": "A criterion",
    }
    data.update({f"criteria-0-{name}": value for name, value in fields.items()})
    return data


def test_saving_a_trial_unchanged_records_no_change(staff_client: Any) -> None:
    """A browser sends every textarea with \\r\\n line endings, the stored text has \\n."""
    stomach = TumourTypeFactory(slug="stomach-net", name="Stomach NET")
    typed = {
        "summary": "This trial is looking at a new drug.\r\nIt is in two parts.",
        "grades": ["G1", "G2"],
        "tumour_types": [stomach.pk],
        **with_criterion(
            text="You are 18 or older.\r\nYou can look after yourself.", fact="age", operator="gte", value="18"
        ),
    }
    assert staff_client.post(reverse("admin:trials_trial_add"), trial_form(**typed)).status_code == 302
    trial = Trial.objects.get(slug="stomach-one")
    criterion = trial.criteria.get()
    assert trial.summary == "This trial is looking at a new drug.\nIt is in two parts."
    assert criterion.text == "You are 18 or older.\nYou can look after yourself."
    rows, locked = (trial.history.count(), criterion.history.count()), trial.locked_fields

    again = trial_form(**typed, **{"criteria-INITIAL_FORMS": "1", "criteria-0-id": str(criterion.pk)})
    again["criteria-0-trial"] = str(trial.pk)
    response = staff_client.post(reverse("admin:trials_trial_change", args=[trial.pk]), again)

    assert response.status_code == 302
    trial.refresh_from_db()
    assert (trial.history.count(), criterion.history.count()) == rows
    assert trial.locked_fields == locked
    assert LogEntry.objects.filter(object_id=str(trial.pk)).latest("action_time").get_change_message() == (
        "No fields changed."
    )


def test_grades_and_sexes_are_ticked(staff_client: Any) -> None:
    page = staff_client.get(reverse("admin:trials_trial_add")).content.decode()
    assert '<input type="checkbox" name="grades" value="G3" id="id_grades_2">' in page
    assert '<input type="checkbox" name="sexes" value="female" id="id_sexes_0">' in page

    response = staff_client.post(reverse("admin:trials_trial_add"), trial_form(grades=["G1", "G3"], sexes=["female"]))

    assert response.status_code == 302
    trial = Trial.objects.get(slug="stomach-one")
    assert (trial.grades, trial.sexes) == (["G1", "G3"], ["female"])


def test_a_grade_outside_the_choices_is_refused(staff_client: Any) -> None:
    response = staff_client.post(reverse("admin:trials_trial_add"), trial_form(grades=["G4"]))

    assert response.status_code == 200
    assert "Select a valid choice. G4 is not one of the available choices." in response.content.decode()


def test_operators_and_facts_read_in_plain_words(staff_client: Any) -> None:
    page = staff_client.get(reverse("admin:trials_trial_change", args=[CriterionFactory().trial.pk])).content.decode()

    assert '<option value="lte">is at most</option>' in page
    assert '<option value="includes_none">includes none of</option>' in page
    assert '<option value="primary_site">Where the tumour started</option>' in page
    assert 'value="primary_site:small_bowel"' in page


@pytest.mark.parametrize(
    ("fields", "rule"),
    [
        (
            {"fact": "primary_site", "operator": "not_in", "choices": ["primary_site:pancreas", "primary_site:lung"]},
            {"fact": "primary_site", "operator": "not_in", "value": ["pancreas", "lung"]},
        ),
        (
            {"fact": "grade", "operator": "eq", "choices": ["grade:G3"]},
            {"fact": "grade", "operator": "eq", "value": "G3"},
        ),
        (
            {"fact": "ecog", "operator": "in", "choices": ["ecog:0", "ecog:1"]},
            {"fact": "ecog", "operator": "in", "value": [0, 1]},
        ),
        (
            {"fact": "age", "operator": "between", "value": "18 to 75"},
            {"fact": "age", "operator": "between", "value": [18, 75]},
        ),
    ],
)
def test_a_rule_is_built_from_ticked_values_or_words(
    staff_client: Any, fields: dict[str, Any], rule: dict[str, Any]
) -> None:
    response = staff_client.post(reverse("admin:trials_trial_add"), trial_form(**with_criterion(**fields)))

    assert response.status_code == 302
    assert Criterion.objects.get().rule == rule


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"fact": "grade", "operator": "eq", "choices": ["grade:G1", "grade:G2"]}, "Tick one value for “is”."),
        (
            {"fact": "grade", "operator": "in", "choices": ["sex:male"]},
            "Tick only values of “Grade”, the fact this rule reads.",
        ),
        (
            {"fact": "grade", "operator": "in", "choices": ["grade:G1"], "value": "G2"},
            "Tick the values or type one, not both.",
        ),
        ({"fact": "", "operator": "", "choices": ["grade:G1"]}, "Choose the fact this rule reads"),
    ],
)
def test_a_rule_ticked_wrongly_is_refused(staff_client: Any, fields: dict[str, Any], message: str) -> None:
    response = staff_client.post(reverse("admin:trials_trial_add"), trial_form(**with_criterion(**fields)))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Trial.objects.exists()


def test_a_stored_rule_shows_its_values_ticked(staff_client: Any) -> None:
    criterion = CriterionFactory(rule={"fact": "primary_site", "operator": "not_in", "value": ["pancreas", "lung"]})
    page = staff_client.get(reverse("admin:trials_trial_change", args=[criterion.trial.pk])).content.decode()

    assert 'value="primary_site:pancreas" id="id_criteria-0-choices_2_2" checked>' in page
    assert 'value="primary_site:lung" id="id_criteria-0-choices_2_7" checked>' in page
    assert '<input type="text" name="criteria-0-value" aria-describedby="id_criteria-0-value_helptext"' in page
    assert 'id="id_criteria-0-value">' in page  # typed value empty: no value="..."


@pytest.mark.parametrize(("status", "warned"), [("open", True), ("closed", False)])
def test_publishing_an_open_trial_without_sites_warns(staff_client: Any, status: str, warned: bool) -> None:
    response = staff_client.post(
        reverse("admin:trials_trial_add"), trial_form(status=status, published="on"), follow=True
    )

    assert response.status_code == 200
    messages = [(m.level_tag, str(m)) for m in response.context["messages"]]
    assert any(level == "warning" and WARNING in text for level, text in messages) is warned


def test_an_open_trial_with_a_site_is_published_without_a_warning(staff_client: Any) -> None:
    hospital = HospitalFactory()
    data = trial_form(
        published="on", **{"sites-TOTAL_FORMS": "1", "sites-0-hospital": hospital.pk, "sites-0-recruiting": "on"}
    )

    response = staff_client.post(reverse("admin:trials_trial_add"), data, follow=True)

    assert [m.level_tag for m in response.context["messages"]] == ["success"]


def test_publishing_open_trials_without_sites_from_the_list_warns(staff_client: Any) -> None:
    lonely = TrialFactory(title="Open, no hospital", status="open", published=False)
    sited = TrialFactory(title="Open, with a hospital", status="open", published=False)
    TrialSiteFactory(trial=sited)
    closed = TrialFactory(title="Closed, no hospital", status="closed", published=False)

    response = staff_client.post(
        reverse("admin:trials_trial_changelist"),
        {"action": "publish", "_selected_action": [lonely.pk, sited.pk, closed.pk]},
        follow=True,
    )

    assert [(m.level_tag, str(m)) for m in response.context["messages"]] == [
        ("success", "3 trial(s) published."),
        (
            "warning",
            "“Open, no hospital” is published and open but lists no hospital: patients see nobody to ask "
            "about joining. Add the sites (and contacts), or unpublish until they are known.",
        ),
    ]


def test_saving_a_glossary_term_unchanged_records_no_change(staff_client: Any) -> None:
    term = GlossaryTerm.objects.create(term="PRRT", definition="Radiation carried to the tumour.\nBy a drug.")
    rows = term.history.count()
    form = {"term": "PRRT", "synonyms": "", "definition": "Radiation carried to the tumour.\r\nBy a drug."}

    response = staff_client.post(reverse("admin:trials_glossaryterm_change", args=[term.pk]), form)

    assert response.status_code == 302
    assert term.history.count() == rows
    term.refresh_from_db()
    assert term.definition == "Radiation carried to the tumour.\nBy a drug."
