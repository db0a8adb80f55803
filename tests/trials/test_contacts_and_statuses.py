"""The trial page's "Contact the trial team" and dated statuses in the admin (issue 13, items 4 and 6)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import HospitalFactory, TrialFactory, TrialSiteFactory
from trials.registry.contacts import TrialContact
from trials.registry.freshness import months_before, status_check, status_needs_checking_q
from trials.registry.models import Trial

pytestmark = pytest.mark.django_db


def _page(client: Any, trial: Trial, **params: str) -> str:
    return " ".join(client.get(trial.get_absolute_url(), params).content.decode().split())


@pytest.fixture
def trial_with_contacts() -> Trial:
    trial = TrialFactory(status="open", last_reviewed=timezone.localdate())
    christie = TrialSiteFactory(trial=trial, hospital=HospitalFactory(name="The Christie"))
    leeds = TrialSiteFactory(
        trial=trial,
        hospital=HospitalFactory(
            name="St James's University Hospital", town="Leeds", postcode="LS9 7TF", latitude=53.806, longitude=-1.52
        ),
    )
    TrialContact.objects.create(trial=trial, name="Dr A Lamarca", role="Principal investigator", position=0)
    TrialContact.objects.create(
        trial=trial, name="", role="Trial office", phone="+44 (0)20 7000 0000", email="trials@example.org", position=1
    )
    TrialContact.objects.create(trial=trial, site=christie, name="NET research nurses", phone="0161 446 3000")
    TrialContact.objects.create(trial=trial, site=leeds, name="Leeds NET team", phone="0113 243 3144")
    return trial


def test_the_trial_page_lists_the_teams_contacts_with_phone_links(client: Any, trial_with_contacts: Trial) -> None:
    html = _page(client, trial_with_contacts)

    section = html[html.index('<h2 id="contacts">Contact the trial team</h2>') : html.index('id="how-to-join"')]
    assert (
        '<li> <p class="contact-name">The trial team, <span class="contact-role">Trial office</span></p> '
        '<p>Phone: <a href="tel:+442070000000">+44 (0)20 7000 0000</a></p> '
        '<p>Email: <a href="mailto:trials@example.org">trials@example.org</a></p> </li>'
    ) in section
    assert (
        '<p class="contact-name">Dr A Lamarca, <span class="contact-role">Principal investigator</span></p>' in section
    )
    assert "NET research nurses" not in section
    assert '<a href="#near">Give your postcode</a> to see the contact at the nearest hospital first' in section


def test_with_a_postcode_the_nearest_sites_contact_comes_first(client: Any, trial_with_contacts: Trial) -> None:
    html = _page(client, trial_with_contacts, near="LS9 7TF")

    section = html[html.index('<h2 id="contacts">') : html.index('id="how-to-join"')]
    assert section.index("Leeds NET team") < section.index("Dr A Lamarca")
    assert "NET research nurses" not in section
    assert (
        '<p class="contact-name">Leeds NET team<br>at St James&#x27;s University Hospital, Leeds (less than 1 '
        "mile from LS9)</p> "
        '<p>Phone: <a href="tel:01132433144">0113 243 3144</a></p>'
    ) in section


def test_a_trial_without_contacts_has_no_contact_section(client: Any) -> None:
    assert 'id="contacts"' not in _page(client, TrialFactory(status="closed"))


@pytest.mark.parametrize(
    ("today", "months", "expected"),
    [
        (dt.date(2026, 12, 1), 6, dt.date(2026, 6, 1)),
        (dt.date(2026, 8, 31), 6, dt.date(2026, 2, 28)),
        (dt.date(2026, 3, 15), 6, dt.date(2025, 9, 15)),
    ],
)
def test_six_months_before_is_counted_in_calendar_months(today: dt.date, months: int, expected: dt.date) -> None:
    assert months_before(today, months) == expected


TODAY = dt.date(2026, 12, 1)


@pytest.mark.parametrize(
    ("values", "why"),
    [
        ({"status": "open", "status_confirmed": dt.date(2026, 6, 1)}, None),
        ({"status": "open", "status_confirmed": dt.date(2026, 5, 31)}, "old"),
        ({"status": "open", "last_reviewed": dt.date(2026, 11, 1)}, None),
        ({"status": "open", "last_reviewed": dt.date(2025, 1, 1)}, "old"),
        ({"status": "open"}, "undated"),
        ({"status": "open", "status_confirmed": TODAY, "recruitment_end": dt.date(2026, 11, 30)}, "ended"),
        ({"status": "closed"}, None),
        ({"status": "results", "status_confirmed": dt.date(2020, 1, 1)}, None),
    ],
)
def test_a_status_needs_checking_when_open_and_old_undated_or_past_its_end(
    values: dict[str, Any], why: str | None
) -> None:
    trial = TrialFactory(**{"last_reviewed": None, **values})

    check = status_check(trial, TODAY)
    assert [name for name in ("undated", "old", "ended") if getattr(check, name)] == ([why] if why else [])
    # The SQL filter says the same of the same trial.
    assert Trial.objects.filter(status_needs_checking_q(TODAY), pk=trial.pk).exists() is (why is not None)


def test_the_admin_lists_the_trials_whose_status_needs_checking(staff_client: Any) -> None:
    today = timezone.localdate()
    stale = TrialFactory(title="Stale open trial", status="open", status_confirmed=today - dt.timedelta(days=400))
    TrialFactory(title="Fresh open trial", status="open", status_confirmed=today)
    TrialFactory(title="Old closed trial", status="closed", status_confirmed=today - dt.timedelta(days=400))

    response = staff_client.get(reverse("admin:trials_trial_changelist"), {"status_check": "yes"})

    assert response.status_code == 200
    assert [t.pk for t in response.context["cl"].result_list] == [stale.pk]


def test_the_admin_confirms_a_status_today_and_the_history_records_it(staff_client: Any) -> None:
    trial = TrialFactory(status="open", status_confirmed=dt.date(2024, 1, 1), status_source="ClinicalTrials.gov")
    before = trial.history.count()

    response = staff_client.post(
        reverse("admin:trials_trial_changelist"), {"action": "confirm_status", "_selected_action": [trial.pk]}
    )

    assert response.status_code == 302
    trial.refresh_from_db()
    assert (trial.status, trial.status_confirmed, trial.status_source) == ("open", timezone.localdate(), "admin")
    assert trial.history.count() == before + 1
    assert trial.history.first().history_user.username == "curator"
