"""Fixtures for browser tests: Playwright driving Debian's headless Chromium against live_server.

Tests that use them are marked `@pytest.mark.browser`. Without /usr/bin/chromium they are skipped
with the reason shown, except under CI (CI=true), where a missing browser is a failure. Playwright
never downloads a browser here: it launches the system one.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.factories import CriterionFactory, TrialFactory, TrialSiteFactory
from trials.registry.models import Hospital, Trial, TumourType

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """The system Chromium, or a skip (a failure under CI) naming what to install."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install -y chromium)."
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return str(CHROMIUM)


@pytest.fixture
def browser(chromium_path: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Chromium for one test. Per test, not per session: while Playwright's sync API runs, its event
    loop counts as running in this thread, and Django refuses ORM calls from such a thread unless
    DJANGO_ALLOW_ASYNC_UNSAFE is set; both must end with the test, not leak into the next ones."""
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def browser_page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A fresh page whose relative URLs go to the live server."""
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def seeded_live(transactional_db: None) -> None:
    """The NET trials, committed so the live server's threads can read them."""
    call_command("load_net_trials", stdout=io.StringIO())


@pytest.fixture
def open_trials(seeded_live: None) -> None:
    """Two open trials beside the seed, with UK sites.

    The seed's own open trials (three, whose statuses need checking) are set aside as closed, so that
    the journeys see exactly the two open trials they are about.
    """
    Trial.objects.filter(status="open").update(status="closed")
    christie = Hospital.objects.get(name="The Christie")
    fits = TrialFactory(
        slug="open-small-bowel",
        title="An open trial of PRRT for small bowel NETs",
        summary="This trial is looking at PRRT for small bowel NETs that have spread.",
        min_age=18,
        last_reviewed=timezone.localdate(),
        tumour_types=[TumourType.objects.get(slug="small-bowel-net")],
    )
    CriterionFactory(
        trial=fits, text="Your NET has spread.", rule={"fact": "extent", "operator": "eq", "value": "metastatic"}
    )
    CriterionFactory(trial=fits, kind="exclusion", text="You take warfarin.", position=1)
    TrialSiteFactory(trial=fits, hospital=christie)
    TrialSiteFactory(trial=fits, hospital=Hospital.objects.get(name="Royal Free Hospital"))
    other = TrialFactory(
        slug="open-pancreas",
        title="An open trial for pancreatic NETs",
        tumour_types=[TumourType.objects.get(slug="pancreatic-net")],
    )
    TrialSiteFactory(trial=other, hospital=Hospital.objects.get(name="Royal Free Hospital"))


def screenshot(page: Any, name: str) -> None:
    """Save the page at a phone width and a desktop width under artifacts/screenshots/."""
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size(size)


def axe_violations(page: Any) -> list[str]:
    """Run axe-core (WCAG 2.0-2.2 A and AA rules) on the page; return the violations found."""
    from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]

    results = Axe().run(
        page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}
    )
    return [
        f"{violation['id']}: {violation['help']} ({len(violation['nodes'])} element(s): "
        f"{violation['nodes'][0]['target']})"
        for violation in results.response["violations"]
    ]


def assert_page_fits(page: Any, name: str) -> None:
    """At the page's current width: axe finds nothing and nothing scrolls sideways; a screenshot."""
    width = page.viewport_size["width"]
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"journey-{name}-{width}.png"), full_page=True)
    assert axe_violations(page) == [], f"{name} at {width}px"
    sideways = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert sideways <= 0, f"{name} scrolls {sideways}px sideways at {width}px"
