"""The public pages: home, the list, the trial page. Drafts are never public."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, cast

import pytest
from django.core.cache import cache

from tests.factories import (
    CriterionFactory,
    HospitalFactory,
    TrialFactory,
    TrialSiteFactory,
    TumourTypeFactory,
)
from trials.registry.models import GlossaryTerm, Trial, TrialSlug, TumourType

pytestmark = pytest.mark.django_db


def test_home_has_one_search_box_and_links_by_tumour_type(client: Any, seeded: None) -> None:
    html = client.get("/").content.decode()
    assert '<label for="home-q">Cancer type, drug or trial name</label>' in html
    assert 'href="/trials/?tumour_type=pancreatic-net"' in html
    assert 'href="/trials/?intervention=lenvatinib"' in html


def test_home_counts_say_how_many_trials_are_open_now_and_lead_with_them(client: Any, seeded: None) -> None:
    html = " ".join(client.get("/").content.decode().split())
    # The seed's open trials (COMPOSE, NETTER-P for GEP-NETs, NCT06121271 for any NET) count for each NET site.
    assert (
        '<a href="/trials/?tumour_type=appendix-net">Appendix NET</a> '
        '<span class="count"><strong class="status-open">3 open now</strong>, 19 in all</span>'  # UK trials
    ) in html
    assert (
        '<a href="/trials/?tumour_type=neuroendocrine-carcinoma">Neuroendocrine carcinoma (NEC)</a> '
        '<span class="count">none open now (1 closed or finished)</span>'
    ) in html
    assert html.index('tumour_type=thymus-net"') < html.index('tumour_type=carcinoid-syndrome"')
    TrialFactory(status="open", tumour_types=[TumourType.objects.get(slug="neuroendocrine-carcinoma")])
    cache.clear()
    html = " ".join(client.get("/").content.decode().split())
    nec = html.index('href="/trials/?tumour_type=neuroendocrine-carcinoma"')
    assert nec < html.index('href="/trials/?tumour_type=neuroendocrine-tumour"')
    assert (
        '<a href="/trials/?tumour_type=neuroendocrine-carcinoma">Neuroendocrine carcinoma (NEC)</a> '
        '<span class="count"><strong class="status-open">1 open now</strong>, 2 in all</span>'
    ) in html


def test_the_list_shows_every_published_trial_and_no_draft(client: Any, seeded: None) -> None:
    TrialFactory(title="A secret draft trial", published=False)
    everywhere = {"status": ["open", "closed", "results"], "country": "anywhere", "page": 1}
    response = client.get("/trials/", everywhere)
    count = Trial.objects.published().count()
    html = response.content.decode()
    assert f"{count} trials found" in html
    assert "A secret draft trial" not in html
    shown = html.count('class="trial-card"')
    assert shown == min(count, 20)
    second = client.get("/trials/", {**everywhere, "page": 2}).content.decode()
    assert second.count('class="trial-card"') == count - 20


def test_the_list_runs_a_fixed_number_of_queries(client: Any, seeded: None, django_assert_max_num_queries: Any) -> None:
    # With open trials in the seed, the open-first page loads their cards' related rows too; the
    # country options and the country facet (UK by default) are two more.
    with django_assert_max_num_queries(14):
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
    client: Any, seeded: None, django_assert_num_queries: Any, django_assert_max_num_queries: Any
) -> None:
    for trial in Trial.objects.published():
        # The registry's generation that keys the answer cache, the trial and its five prefetches
        # (no sites, no old slugs: the page asks for its sites nearest first), the sites, and the
        # cache's miss, claim and store.
        with django_assert_num_queries(10):
            response = client.get(trial.get_absolute_url())
        assert response.status_code == 200
        assert '<h1 id="trial-title">' in response.content.decode()
        # Asked again, the page comes whole from the cache: only the generation is read.
        with django_assert_max_num_queries(1):
            again = client.get(trial.get_absolute_url())
        assert (again.content, again["X-Answer-Cache"]) == (response.content, "hit")


def test_an_open_trial_page_leads_with_its_status_and_date_and_offers_to_join(client: Any) -> None:
    trial = TrialFactory(status="open", last_reviewed=dt.date.today() - dt.timedelta(days=10))
    html = " ".join(client.get(trial.get_absolute_url()).content.decode().split())
    reviewed = trial.last_reviewed
    assert reviewed is not None
    status = (
        '<p class="status-line"> <span class="status status-open">Open to new patients</span> '
        f'<span class="status-date">as of <time datetime="{reviewed:%Y-%m-%d}">{reviewed.day} {reviewed:%B %Y}</time>'
    )
    assert status in html
    assert html.index(status) < html.index('id="who-can-enter"')
    assert '<h2 id="how-to-join">How to join</h2>' in html
    assert f'<a href="/check/?trial={trial.slug}">Could I join this trial?</a>' in html
    assert "may be out of date" not in html
    assert '<button type="button" class="secondary" data-print hidden>Print this page</button>' in html
    assert f'<p class="print-only">From http://testserver/trials/{trial.slug}/, printed ' in html


@pytest.mark.parametrize("status", ["closed", "results"])
def test_a_trial_nobody_can_join_offers_neither_how_to_join_nor_the_check(client: Any, status: str) -> None:
    trial = TrialFactory(status=status)
    html = client.get(trial.get_absolute_url()).content.decode()
    assert "You cannot join it" in html
    assert 'id="how-to-join"' not in html
    assert "/check/" not in html.replace('<li><a href="/check/">Could I join?</a></li>', "")
    assert "You may be able to join" not in html


def test_a_status_not_checked_for_months_is_flagged(client: Any) -> None:
    trial = TrialFactory(status="open", last_reviewed=dt.date.today() - dt.timedelta(days=400))
    html = " ".join(client.get(trial.get_absolute_url()).content.decode().split())
    assert (
        '<p class="status-stale" role="note"><strong>This status may be out of date.</strong> It was last confirmed '
        "more than six months ago. Ask the trial team or your specialist whether it is still open.</p>"
    ) in html


def test_an_open_status_never_confirmed_says_so_and_is_flagged(client: Any) -> None:
    trial = TrialFactory(status="open", last_reviewed=None, status_confirmed=None)
    html = " ".join(client.get(trial.get_absolute_url()).content.decode().split())
    assert '<span class="status-date">(date not confirmed)</span>' in html
    assert "This status may be out of date.</strong> We do not know when it was last confirmed." in html


def test_an_open_trial_past_its_recruitment_end_is_flagged(client: Any) -> None:
    today = dt.date.today()
    trial = TrialFactory(
        status="open",
        status_confirmed=today - dt.timedelta(days=5),
        status_source="ClinicalTrials.gov",
        recruitment_end=today - dt.timedelta(days=40),
        recruitment_end_precision="day",
    )
    html = " ".join(client.get(trial.get_absolute_url()).content.decode().split())
    end = trial.recruitment_end
    assert end is not None
    assert (
        "<strong>This status may be out of date.</strong> Its planned end of recruitment "
        f"({end.day} {end:%B %Y}) has passed. Ask the trial team"
    ) in html


def test_a_closed_trial_with_an_old_status_is_not_flagged(client: Any) -> None:
    trial = TrialFactory(status="closed", last_reviewed=dt.date.today() - dt.timedelta(days=400))
    html = client.get(trial.get_absolute_url()).content.decode()
    assert "may be out of date" not in html


def test_a_trial_page_maps_its_hospitals_and_the_users_area(client: Any) -> None:
    trial = TrialFactory(status="open")
    TrialSiteFactory(trial=trial, hospital=HospitalFactory(name="The Christie", town="Manchester"))
    TrialSiteFactory(
        trial=trial,
        hospital=HospitalFactory(name="Royal Free Hospital", town="London", latitude=51.5532, longitude=-0.1667),
    )
    TrialSiteFactory(trial=trial, hospital=HospitalFactory(name="A clinic", town="", latitude=None, longitude=None))
    html = client.get(trial.get_absolute_url(), {"near": "NW3"}).content.decode()
    assert 'role="img" aria-labelledby="trial-map-title trial-map-desc"' in html
    # Nearest first, numbered as listed; a hospital without a location is listed but not placed.
    assert html.index("<title>1. Royal Free Hospital, London</title>") < html.index(
        "<title>2. The Christie, Manchester</title>"
    )
    assert "<title>Your area: NW3 (London)</title>" in html
    assert "A clinic (not on the map)</li>" in html
    assert '<ol class="sites">' in html
    assert "style=" not in html


def test_a_trial_page_without_located_hospitals_has_no_map(client: Any) -> None:
    trial = TrialFactory(status="open")
    TrialSiteFactory(trial=trial, hospital=HospitalFactory(latitude=None, longitude=None))
    assert "<svg" not in client.get(trial.get_absolute_url()).content.decode()


def test_the_seed_has_no_editorial_notes_in_criteria_and_no_survival_for_growth(client: Any, seeded: None) -> None:
    from trials.registry.models import Criterion

    texts = list(Criterion.objects.values_list("text", flat=True))
    for note in ("Our copy", "cut off", "cut short", "not shown on the results page"):
        assert not [text for text in texts if note in text], note
    summaries = " ".join(Trial.objects.values_list("results_summary", flat=True))
    # A median progression-free survival is how long before the tumour grew, not how long people lived.
    assert not re.search(r"lived (for )?(about )?[\d.]+ months (without|before)", summaries)
    assert "Typically, it was about 15.7 months before the tumour grew" in summaries
    # A median is not an average, and a median overall survival is not how long everyone lived.
    assert "On average" not in summaries
    assert not re.search(r"(?<!Half the )people lived (for )?(about )?[\d.]+ months", summaries)
    assert "Half the people lived longer than 58.7 months with both drugs" in summaries
    definition = GlossaryTerm.objects.get(term="progression-free survival").definition
    assert "It is not how long people live." in definition
