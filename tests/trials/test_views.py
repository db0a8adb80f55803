"""The public pages: home, the list, the trial page. Drafts are never public."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import pytest

from tests.factories import (
    CriterionFactory,
    HospitalFactory,
    TrialFactory,
    TrialSiteFactory,
    TumourTypeFactory,
)
from trials.registry.models import Trial, TrialSlug

pytestmark = pytest.mark.django_db


def test_home_has_one_search_box_and_links_by_tumour_type(client: Any, seeded: None) -> None:
    html = client.get("/").content.decode()
    assert '<label for="home-q">Cancer type, drug or trial name</label>' in html
    assert 'href="/trials/?tumour_type=pancreatic-net"' in html
    assert 'href="/trials/?intervention=lenvatinib"' in html


def test_the_list_shows_every_published_trial_and_no_draft(client: Any, seeded: None) -> None:
    TrialFactory(title="A secret draft trial", published=False)
    response = client.get("/trials/", {"status": ["open", "closed", "results"], "page": 1})
    count = Trial.objects.published().count()
    html = response.content.decode()
    assert f"{count} trials found" in html
    assert "A secret draft trial" not in html
    shown = html.count('class="trial-card"')
    assert shown == min(count, 20)
    second = client.get("/trials/", {"status": ["open", "closed", "results"], "page": 2}).content.decode()
    assert second.count('class="trial-card"') == count - 20


def test_the_list_runs_a_fixed_number_of_queries(client: Any, seeded: None, django_assert_max_num_queries: Any) -> None:
    with django_assert_max_num_queries(11):
        client.get("/trials/")


def test_the_trial_page_shows_each_cruk_section(client: Any) -> None:
    trial = TrialFactory(
        title="A trial looking at lenvatinib (TALENT)",
        status="closed",
        summary="This trial looked at lenvatinib.",
        more_about=(
            "Lenvatinib is a targeted drug.\n\nThe aims are to:\n- see how well it works\n- learn about side effects"
        ),
        trial_design="111 people took part.",
        hospital_visits="You see the team every 4 weeks.",
        side_effects="Tiredness & high blood pressure.",
        recruitment_start=dt.date(2016, 10, 1),
        recruitment_start_precision="month",
        chief_investigator="Dr A Example",
        supported_by=["GETNE"],
        nct_id="NCT02678780",
        min_age=18,
        tumour_types=[TumourTypeFactory(name="Pancreatic NET")],
    )
    CriterionFactory(trial=trial, kind="inclusion", text="Your NET has spread", position=0)
    CriterionFactory(trial=trial, kind="exclusion", text="You are pregnant", position=1)
    TrialSiteFactory(trial=trial, hospital=HospitalFactory(name="The Christie", town="Manchester"))
    html = client.get(trial.get_absolute_url()).content.decode()
    for expected in [
        "This trial is no longer recruiting.",
        '<h1 id="trial-title">A trial looking at lenvatinib (TALENT)</h1>',
        "<dd>Pancreatic NET</dd>",
        '<h2 id="more-about">More about this trial</h2>',
        "<ul><li>see how well it works</li><li>learn about side effects</li></ul>",
        "<li>Your NET has spread</li>",
        "<li>You are at least 18 years old</li>",
        "<h3>Who can’t take part</h3>",
        "<li>You are pregnant</li>",
        '<h2 id="design">Trial design</h2>',
        '<h2 id="visits">Hospital visits</h2>',
        "<p>Tiredness &amp; high blood pressure.</p>",
        "<li>The Christie, Manchester</li>",
        "<dd>October 2016</dd>",
        "<dd>Dr A Example</dd>",
        "<dd>GETNE</dd>",
        '<a href="https://clinicaltrials.gov/study/NCT02678780">NCT02678780</a>',
    ]:
        assert expected in html, expected


def test_an_open_trial_has_no_closed_banner(client: Any) -> None:
    trial = TrialFactory(status="open")
    assert "no longer recruiting" not in client.get(trial.get_absolute_url()).content.decode()


def test_a_draft_trial_page_is_not_found(client: Any) -> None:
    trial = TrialFactory(published=False)
    response = client.get(trial.get_absolute_url())
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_an_old_slug_redirects_permanently(client: Any, seeded: None) -> None:
    trial = Trial.objects.get(nct_id="NCT03837977")
    old = cast(TrialSlug, trial.old_slugs.first())
    response = client.get(f"/trials/{old.slug}/")
    assert (response.status_code, response["Location"]) == (301, trial.get_absolute_url())


def test_every_seeded_trial_page_renders_in_a_fixed_number_of_queries(
    client: Any, seeded: None, django_assert_max_num_queries: Any
) -> None:
    for trial in Trial.objects.published():
        with django_assert_max_num_queries(11):
            response = client.get(trial.get_absolute_url())
        assert response.status_code == 200
        assert '<h1 id="trial-title">' in response.content.decode()
