"""The "Could I join?" questionnaire in a real browser, without JavaScript of our own."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.browser


@pytest.fixture
def seeded_live(transactional_db: None) -> None:
    """The NET trials, committed so that the live server's thread sees them."""
    call_command("load_net_trials", stdout=io.StringIO())


def test_answering_the_questionnaire_changes_the_verdicts(seeded_live: None, browser_page: Any) -> None:
    page = browser_page
    page.goto("/check/")
    page.get_by_role("button", name="Check the trials").click()

    page.wait_for_url("**check=1**")
    assert page.get_by_role("heading", name="Could I join? Your results").is_visible()
    assert page.get_by_text("We checked 27 trials against your answers").is_visible()
    assert page.locator(".check-result").count() == 20  # a page; the rest on the next
    assert page.get_by_text("Page 1 of 2").is_visible()
    assert page.locator(".verdict-not-eligible").count() == 0
    assert page.get_by_text("Not suitable", exact=True).count() == 0

    page.get_by_role("link", name="Change your answers").click()
    page.get_by_label("Stomach", exact=True).check()
    page.get_by_label("A neuroendocrine tumour (NET), sometimes called a carcinoid").check()
    page.get_by_label("Grade 1 (G1): slow growing").check()
    page.get_by_role("button", name="Check the trials").click()

    page.wait_for_url("**check=1**")
    assert page.locator(".check-result").count() == 20
    assert page.locator(".verdict-not-eligible").count() == 1  # the not suitable come last
    page.get_by_role("link", name="Next").click()
    page.wait_for_url("**page=2**")
    assert page.locator(".check-result").count() == 7
    assert page.locator(".verdict-not-eligible").count() == 7
    lutathera = page.locator(".check-result", has_text="A trial looking at Lutathera")
    assert "Not suitable" in lutathera.inner_text()
    assert "this trial is for: Small bowel NET." in lutathera.inner_text()
