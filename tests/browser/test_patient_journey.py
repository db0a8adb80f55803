"""A patient's journey in a real browser: search, filter, open a trial, page through, with axe checks."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, screenshot
from trials.registry.models import Trial
from trials.search.filters import TrialFilters
from trials.search.matches import trial_search

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_patient_searches_filters_and_opens_a_trial(live_server: Any, seeded_live: None, browser_page: Any) -> None:
    page = browser_page
    page.goto(live_server.url + "/")
    page.get_by_label("Cancer type, drug or trial name").fill("Xermelo")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/trials/?q=Xermelo")
    assert page.get_by_role("heading", level=2, name="3 trials found").is_visible()
    page.get_by_label("Phase 3").first.check()
    page.get_by_role("button", name="Show trials").click()
    assert page.get_by_role("heading", level=2, name="3 trials found").is_visible()
    page.get_by_role("link", name="(TELECAST)").click()
    assert "TELECAST" in page.get_by_role("heading", level=1).inner_text()
    assert page.get_by_text("This trial has finished recruiting and has results.").is_visible()


def test_a_patient_on_a_phone_searches_from_home_and_sees_open_trials_first(
    live_server: Any, open_trials: None, browser: Any
) -> None:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/")
    small_bowel = page.locator("li", has=page.get_by_role("link", name="Small bowel NET", exact=True))
    assert "1 open now" in small_bowel.inner_text()
    page.get_by_label("Cancer type, drug or trial name").fill("PRRT")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/trials/?q=PRRT")
    open_part = page.get_by_role("heading", level=3, name="Open to new patients (1)")
    closed_part = page.get_by_role("heading", level=3, name="Closed and finished trials: for information")
    assert open_part.bounding_box()["y"] < closed_part.bounding_box()["y"]
    first_card = page.locator(".trial-card").first
    assert "An open trial of PRRT for small bowel NETs" in first_card.inner_text()
    first_card.get_by_role("link").click()

    assert page.get_by_text("Open to new patients as of").is_visible()
    assert page.get_by_role("heading", level=2, name="How to join").is_visible()
    # The button is shown by the page's script once it has loaded: wait for it, as a person would.
    expect(page.get_by_role("button", name="Print this page")).to_be_visible()
    # The medical word is explained where it is read, not at the foot of the page.
    page.locator(".summary .glossary-note summary").first.click()
    assert page.locator(".summary .glossary-note p").first.is_visible()
    assert page.get_by_role("img", name="Map of the UK hospitals taking part").is_visible()
    page.get_by_label("Show distances from your postcode").fill("M20 4BX")
    page.get_by_role("button", name="Show distances").click()
    assert page.locator("svg.uk-map .map-area").count() == 1
    assert page.get_by_text("The Christie, Manchester (less than 1 mile from M20)").is_visible()
    page.get_by_role("link", name="Could I join this trial?").first.click()
    assert page.get_by_text("Checking one trial: An open trial of PRRT for small bowel NETs.").is_visible()
    context.close()


def test_an_empty_open_search_leads_to_closed_trials_and_pages(
    live_server: Any, seeded_live: None, browser_page: Any
) -> None:
    # No open trial: the seed's three are set aside as closed.
    Trial.objects.filter(status="open").update(status="closed")
    page = browser_page
    page.goto(live_server.url + "/trials/")
    page.get_by_role("link", name="Show closed trials and trials with results").click()
    # The seed's UK trials: the page's default (six of the 32 published run elsewhere).
    assert page.get_by_role("heading", level=2, name="26 trials found").is_visible()
    assert page.locator(".trial-card").count() == 20
    page.get_by_role("link", name="Next page").click()
    assert page.get_by_text("Page 2 of 2").is_visible()
    assert page.locator(".trial-card").count() == 6


def test_the_page_works_with_the_keyboard_alone(live_server: Any, seeded_live: None, browser_page: Any) -> None:
    page = browser_page
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.bounding_box()["x"] >= 0  # visible when focused
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.type("lanreotide")
    page.keyboard.press("Enter")
    page.wait_for_url("**/trials/?q=lanreotide")
    assert page.locator(".trial-card").count() > 0


def test_it_works_without_javascript(live_server: Any, seeded_live: None, browser: Any) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/trials/?status=closed&status=results")
    page.get_by_label("Lung NET (lung carcinoid)").check()
    page.get_by_role("button", name="Show trials").click()
    assert "tumour_type=lung-net" in page.url
    uk_lung = TrialFilters(status=("closed", "results"), tumour_type=("lung-net",), country=("United Kingdom",))
    expected = trial_search(filters=uk_lung).count()
    assert page.get_by_role("heading", level=2, name=f"{expected} trials found").is_visible()
    context.close()


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("home", "/"),
        ("results", "/trials/?q=carcinoid&status=closed&status=results&near=M20+4BX"),
        ("results-open-first", "/trials/?q=NET&near=M20+4BX"),
        ("no-open-results", "/trials/?status=open&tumour_type=lung-net&near=M20&within_miles=25"),
        ("form-errors", "/trials/?age=abc&near=ZZ9"),
        ("trial", "/trials/a-trial-looking-everolimus-pasireotide-neuroendocrine-tumours-lung-thymus-luna/?near=NW3"),
        ("trial-open", "/trials/open-small-bowel/?near=M20"),
        ("about", "/about/"),
    ],
)
def test_pages_have_no_accessibility_violations(
    live_server: Any, open_trials: None, browser_page: Any, name: str, path: str
) -> None:
    page = browser_page
    page.goto(live_server.url + path)
    screenshot(page, name)
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        assert axe_violations(page) == [], f"{name} at {width}px"
        overflow = page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
        assert not overflow, f"{name} scrolls sideways at {width}px"
