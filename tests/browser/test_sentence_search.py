"""A patient types a sentence, sees what was understood and removes one part, without JavaScript."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def texts(links: Any) -> list[str]:
    return [" ".join(text.split()) for text in links.all_inner_texts()]


def test_a_patient_removes_an_understood_part_without_javascript(
    live_server: Any, seeded_live: None, browser: Any
) -> None:
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/")
    page.get_by_label("Cancer type, drug or trial name").fill("trials for stomach carcinoid near Birmingham")
    page.get_by_role("button", name="Search").click()

    assert page.get_by_role("heading", level=2, name="19 trials found").is_visible()
    chips = page.get_by_role("list", name="We searched for").get_by_role("link")
    assert texts(chips) == ["Stomach (gastric) NET × (remove)", "Near Birmingham × (remove)"]

    chips.first.click()

    assert page.get_by_label("Cancer type, drug or trial name").input_value() == "trials for near Birmingham"
    assert texts(page.get_by_role("list", name="We searched for").get_by_role("link")) == ["Near Birmingham × (remove)"]
    # Every UK trial of the seed, nearest first (the page's default is the UK).
    assert page.get_by_role("heading", level=2, name="26 trials found").is_visible()
    context.close()


def test_the_understood_parts_pass_the_accessibility_checks(
    live_server: Any, seeded_live: None, browser_page: Any
) -> None:
    # axe-core runs as a script: this page is checked with JavaScript on.
    browser_page.goto(live_server.url + "/trials/?q=pancreatic+NET+grade+2+that+has+spread+near+Leeds")

    assert browser_page.get_by_role("list", name="We searched for").get_by_role("link").count() == 4
    assert axe_violations(browser_page) == []
