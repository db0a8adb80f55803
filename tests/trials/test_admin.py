"""Curating trials in the Django admin: inlines, history, actions, drafts."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.factories import HospitalFactory, InterventionFactory, TrialFactory, TumourTypeFactory
from trials.registry.models import Trial

pytestmark = pytest.mark.django_db

INLINES = ["trial_interventions", "criteria", "sites", "contacts", "publications", "old_slugs"]


def trial_form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "A trial looking at a new drug for stomach NETs",
        "acronym": "STOMACH-1",
        "slug": "stomach-one",
        "status": "open",
        "phase": "phase_2",
        "trial_type": "treatment",
        "summary": "This trial is looking at a new drug.",
        "min_age": "18",
        "recruitment_start_precision": "day",
        "recruitment_end_precision": "day",
        "_save": "Save",
    }
    for prefix in INLINES:
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"})
    data.update(overrides)
    return data


def test_a_curator_creates_a_draft_trial_with_inlines(staff_client: Any, client: Any) -> None:
    drug = InterventionFactory(slug="lenvatinib", name="lenvatinib", synonyms=["Lenvima"])
    hospital = HospitalFactory(name="The Christie")
    stomach = TumourTypeFactory(slug="stomach-net", name="Stomach NET")
    data = trial_form(
        tumour_types=[stomach.pk],
        **{
            "trial_interventions-TOTAL_FORMS": "1",
            "trial_interventions-0-intervention": drug.pk,
            "trial_interventions-0-position": "0",
            "criteria-TOTAL_FORMS": "2",
            "criteria-0-kind": "inclusion",
            "criteria-0-position": "0",
            "criteria-0-text": "Your performance status is 0, 1 or 2",
            "criteria-0-fact": "ecog",
            "criteria-0-operator": "lte",
            "criteria-0-value": "2",
            "criteria-1-kind": "exclusion",
            "criteria-1-position": "1",
            "criteria-1-text": "You are pregnant",
            "criteria-1-fact": "",
            "sites-TOTAL_FORMS": "1",
            "sites-0-hospital": hospital.pk,
            "sites-0-recruiting": "on",
        },
    )
    response = staff_client.post(reverse("admin:trials_trial_add"), data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    trial = Trial.objects.get(slug="stomach-one")
    assert trial.published is False
    assert [(c.kind, c.rule) for c in trial.criteria.all()] == [
        ("inclusion", {"fact": "ecog", "operator": "lte", "value": 2}),
        ("exclusion", None),
    ]
    assert [s.hospital.name for s in trial.sites.all()] == ["The Christie"]
    assert "Lenvima" in trial.related_search_text
    assert trial.history.first().history_user.username == "curator"
    assert client.get(trial.get_absolute_url()).status_code == 404


def test_a_criterion_with_a_bad_rule_cannot_be_saved(staff_client: Any) -> None:
    data = trial_form(
        **{
            "criteria-TOTAL_FORMS": "1",
            "criteria-0-kind": "inclusion",
            "criteria-0-position": "0",
            "criteria-0-text": "Performance status 0-2",
            "criteria-0-fact": "ecog",
            "criteria-0-operator": "lte",
            "criteria-0-value": "7",
        }
    )
    response = staff_client.post(reverse("admin:trials_trial_add"), data)
    assert response.status_code == 200
    assert "The value for ecog must be between 0 and 4." in response.content.decode()
    assert not Trial.objects.exists()


def test_the_admin_refuses_an_upper_age_below_the_lower(staff_client: Any) -> None:
    response = staff_client.post(reverse("admin:trials_trial_add"), trial_form(min_age="60", max_age="18"))
    assert response.status_code == 200
    assert "The upper age limit must not be below the lower one." in response.content.decode()


def test_changing_a_slug_keeps_the_old_address_working(staff_client: Any, client: Any) -> None:
    trial = TrialFactory(slug="old-name", title="A trial", published=True)
    data = trial_form(slug="new-name", title="A trial", status="open", published="on")
    response = staff_client.post(reverse("admin:trials_trial_change", args=[trial.pk]), data)
    assert response.status_code == 302
    response = client.get("/trials/old-name/")
    assert (response.status_code, response["Location"]) == (301, "/trials/new-name/")


@pytest.mark.parametrize(
    ("action", "field", "value"),
    [
        ("publish", "published", True),
        ("unpublish", "published", False),
        ("mark_closed", "status", "closed"),
        ("mark_results", "status", "results"),
    ],
)
def test_bulk_actions_change_the_selected_trials(staff_client: Any, action: str, field: str, value: Any) -> None:
    chosen = TrialFactory(published=not value if field == "published" else True, status="open")
    other = TrialFactory(published=not value if field == "published" else True, status="open")
    response = staff_client.post(
        reverse("admin:trials_trial_changelist"), {"action": action, "_selected_action": [chosen.pk]}
    )
    assert response.status_code == 302
    chosen.refresh_from_db()
    other.refresh_from_db()
    assert getattr(chosen, field) == value
    assert getattr(other, field) != value
    assert chosen.history.first().history_user.username == "curator"


def test_the_history_page_lists_each_change(staff_client: Any) -> None:
    trial = TrialFactory(title="Before")
    trial.title = "After"
    trial.save()
    response = staff_client.get(reverse("admin:trials_trial_history", args=[trial.pk]))
    assert response.status_code == 200
    assert response.content.decode().count("Changed") + response.content.decode().count("Created") >= 2


@pytest.mark.parametrize("model", ["trial", "intervention", "tumourtype", "hospital", "glossaryterm"])
def test_every_admin_list_and_search_works(staff_client: Any, seeded: None, model: str) -> None:
    response = staff_client.get(reverse(f"admin:trials_{model}_changelist"), {"q": "net"})
    assert response.status_code == 200
