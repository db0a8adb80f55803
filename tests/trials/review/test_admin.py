"""The admin's review queue: the pages, the decisions, who may make them, and their cost in queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import sign_in
from tests.trials.importers.ctgov.studies import V2, run
from trials.registry.models import Criterion, Trial
from trials.review.models import RuleSuggestion

ANC = {"fact": "anc", "operator": "gte", "value": 1.5}


def anc_suggestion(trial: Trial) -> RuleSuggestion:
    return RuleSuggestion.objects.get(criterion__trial=trial, rule__fact="anc")


def url(name: str, *args: Any) -> str:
    return reverse(f"admin:trials_rulesuggestion_{name}", args=args)


def test_the_queue_lists_trials_with_suggestions_waiting(staff_client: Client, toca: Trial) -> None:
    response = staff_client.get(url("changelist"))

    assert response.status_code == 200
    assert response.context["trials"] == [toca]
    assert response.context["trials"][0].pending == RuleSuggestion.objects.filter(state="proposed").count()
    assert url("trial", toca.pk) in response.content.decode()


def test_the_queue_costs_the_same_queries_whatever_the_number_of_trials(
    staff_client: Client, toca: Trial, django_assert_max_num_queries: Any
) -> None:
    run(V2 / "NCT02513394.json", V2 / "get_nct06382129_20260811.json", publish=True)
    with django_assert_max_num_queries(8):
        response = staff_client.get(url("changelist"))
    assert len(response.context["trials"]) == 3


def test_a_trial_page_marks_the_justifying_words_beside_the_rules_in_plain_words(
    staff_client: Client, toca: Trial, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(10):
        response = staff_client.get(url("trial", toca.pk))

    assert response.status_code == 200
    page = response.content.decode()
    assert "<mark>absolute neutrophil count ≥ 1,500/ mm3</mark>" in page
    assert "Needs: neutrophil count (ANC) at least 1.5 ×10⁹/L" in page
    assert "Needs: platelet count at least 100 ×10⁹/L" in page
    assert url("accept", anc_suggestion(toca).pk) in page


def test_accepting_from_the_page_writes_the_rule_and_says_so(
    staff_client: Client, staff_user: Any, toca: Trial
) -> None:
    suggestion = anc_suggestion(toca)

    response = staff_client.post(url("accept", suggestion.pk), follow=True)

    assert response.redirect_chain == [(url("trial", toca.pk), 302)]
    assert "Accepted: “absolute neutrophil count ≥ 1,500/ mm3”" in response.content.decode()
    assert Criterion.objects.get(pk=suggestion.criterion_id).rule == ANC
    criterion_history = Criterion.history.filter(id=suggestion.criterion_id).first()
    assert criterion_history.history_user == staff_user
    suggestion.refresh_from_db()
    assert (suggestion.state, suggestion.reviewed_by) == ("accepted", staff_user)

    again = staff_client.post(url("accept", suggestion.pk), follow=True)
    assert "This suggestion was already accepted." in again.content.decode()


def test_rejecting_from_the_page_writes_nothing_on_the_criterion(staff_client: Client, toca: Trial) -> None:
    suggestion = anc_suggestion(toca)

    response = staff_client.post(url("reject", suggestion.pk))

    assert (response.status_code, response["Location"]) == (302, url("trial", toca.pk))
    suggestion.refresh_from_db()
    assert suggestion.state == "rejected"
    assert not Criterion.objects.filter(trial=toca, rule__isnull=False).exists()


def test_accept_all_accepts_every_waiting_rule_of_the_trial(staff_client: Client, toca: Trial) -> None:
    waiting = RuleSuggestion.objects.filter(criterion__trial=toca, state="proposed").count()

    response = staff_client.post(url("accept_all", toca.pk), follow=True)

    assert f"Accepted {waiting} suggested rule(s)" in response.content.decode()
    assert not RuleSuggestion.objects.filter(state="proposed").exists()
    assert Criterion.objects.filter(trial=toca, rule__isnull=False).count() == waiting


def test_the_edit_form_offers_plain_choices_and_accepts_the_edited_rule(staff_client: Client, toca: Trial) -> None:
    suggestion = anc_suggestion(toca)
    page = staff_client.get(url("edit", suggestion.pk))
    assert page.status_code == 200
    assert page.context["form"].initial == {"fact": "anc", "operator": "gte", "shown_fact": "anc", "number": "1.5"}
    assert '<option value="gte" selected>is at least</option>' in page.content.decode()

    response = staff_client.post(
        url("edit", suggestion.pk), {"fact": "anc", "operator": "gte", "shown_fact": "anc", "number": "1"}
    )

    assert (response.status_code, response["Location"]) == (302, url("trial", toca.pk))
    suggestion.refresh_from_db()
    assert (suggestion.state, suggestion.applied_rule) == ("edited", {**ANC, "value": 1})
    assert Criterion.objects.get(pk=suggestion.criterion_id).rule == {**ANC, "value": 1}


@pytest.mark.parametrize(
    ("posted", "field", "message"),
    [
        ({"number": "1500"}, "number", "The value for anc must be between 0 and 100."),
        ({"number": "many"}, "number", "'many' is not a number."),
        ({"operator": "in"}, "operator", "For Neutrophils (ANC, ×10⁹/L), choose “is”, “is at least”"),
        ({"fact": "ecog"}, "__all__", "Now give the value for Performance status (ECOG)."),
    ],
)
def test_a_bad_edit_is_refused_with_a_message_and_writes_nothing(
    staff_client: Client, toca: Trial, posted: dict[str, str], field: str, message: str
) -> None:
    suggestion = anc_suggestion(toca)
    data = {"fact": "anc", "operator": "gte", "shown_fact": "anc", "number": "1", **posted}

    response = staff_client.post(url("edit", suggestion.pk), data)

    assert response.status_code == 400
    assert response.context["form"].errors[field][0].startswith(message)
    suggestion.refresh_from_db()
    assert suggestion.state == "proposed"


def test_a_choice_fact_is_edited_by_ticking_its_choices(staff_client: Client, toca: Trial) -> None:
    suggestion = anc_suggestion(toca)
    data = {"fact": "ecog", "operator": "lte", "shown_fact": "ecog", "values": ["1"]}

    response = staff_client.post(url("edit", suggestion.pk), data)

    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.applied_rule == {"fact": "ecog", "operator": "lte", "value": 1}


def test_decisions_are_posts_only(staff_client: Client, toca: Trial) -> None:
    suggestion = anc_suggestion(toca)
    assert staff_client.get(url("accept", suggestion.pk)).status_code == 405
    assert staff_client.get(url("accept_all", toca.pk)).status_code == 405
    assert staff_client.post(url("accept", 999999)).status_code == 404


def test_the_queue_is_for_staff_only(client: Client, django_user_model: Any, toca: Trial) -> None:
    suggestion = anc_suggestion(toca)
    assert client.get(url("changelist"))["Location"].startswith(reverse("admin:login"))
    assert client.post(url("accept", suggestion.pk))["Location"].startswith(reverse("admin:login"))
    staff = django_user_model.objects.create_user("helper", password="a-long-test-password", is_staff=True)
    sign_in(client, staff)
    assert client.get(url("changelist")).status_code == 403
    assert client.post(url("accept", suggestion.pk)).status_code == 403
    suggestion.refresh_from_db()
    assert suggestion.state == "proposed"


def test_a_decision_needs_the_csrf_token(toca: Trial, staff_user: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)
    assert client.post(url("accept", anc_suggestion(toca).pk)).status_code == 403


def test_the_trial_admin_page_links_to_its_waiting_suggestions(staff_client: Client, toca: Trial) -> None:
    waiting = RuleSuggestion.objects.filter(criterion__trial=toca, state="proposed").count()

    page = staff_client.get(reverse("admin:trials_trial_change", args=[toca.pk])).content.decode()

    assert f'{waiting} waiting for review: <a href="{url("trial", toca.pk)}">review them</a>' in page
