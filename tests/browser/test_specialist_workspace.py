"""A specialist in a real browser: sign in, create a profile, see its matches, print them; axe checks."""

from __future__ import annotations

from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from patients.services import specialist_create
from tests.browser.conftest import axe_violations, screenshot
from tests.patients.test_two_factor import code_for
from trials.registry.models import Trial

pytestmark = pytest.mark.browser

PASSWORD = "a-long-test-password"


def _no_violations(page: Any, name: str) -> None:
    screenshot(page, f"specialist-{name}")
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        assert axe_violations(page) == [], f"{name} at {width}px"


def _fits(page: Any, selector: str) -> None:
    """Nothing scrolls sideways at a phone's width or a desktop's, the page nor the `selector` element."""
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        widths = page.evaluate(
            "(selector) => [document.documentElement.scrollWidth, document.querySelector(selector).scrollWidth]",
            selector,
        )
        assert max(widths) <= width, (selector, width, widths)


def test_a_specialist_creates_a_profile_and_prints_its_matches(open_trials: None, browser_page: Any) -> None:
    specialist_create(username="alice", password=PASSWORD)
    published = Trial.objects.published().count()
    page = browser_page

    page.goto("/specialist/")
    page.wait_for_url("**/accounts/login/?next=/specialist/")
    _no_violations(page, "login")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # The second factor: the first time, enrol an authenticator app (QR code) and give its code.
    page.wait_for_url("**/accounts/second-factor/?next=%2Fspecialist%2F")
    assert page.get_by_role("heading", name="Set up your authenticator app").is_visible()
    _no_violations(page, "second-factor")
    page.get_by_label("Six-digit code").fill(code_for(TOTPDevice.objects.get(user__username="alice")))
    page.get_by_role("button", name="Confirm and sign in").click()

    page.wait_for_url("**/specialist/")
    assert page.get_by_role("heading", name="Your patient profiles").is_visible()
    page.get_by_role("link", name="New profile").click()
    page.wait_for_url("**/specialist/new/")
    _no_violations(page, "form")

    page.get_by_label("Reference").fill("CLINIC-42")
    page.get_by_label("Postcode district").fill("M20 4BX")
    page.get_by_label("Histology").select_option("net")
    page.get_by_label("Primary site").select_option("small_bowel")
    page.get_by_label("WHO grade").select_option("G1")
    page.get_by_label("ECOG performance status").select_option("1")
    page.get_by_role("button", name="Save profile").click()

    page.wait_for_url("**/specialist/*/")
    assert page.get_by_role("heading", name="Matches for CLINIC-42").is_visible()
    assert page.get_by_text("Profile CLINIC-42 saved.").is_visible()
    assert page.get_by_role("heading", name=f"Trials, open first ({published})").is_visible()
    assert page.locator("article.trial-card").count() == min(published, 20)  # 20 a page
    assert page.get_by_role("heading", name="What to find out").is_visible()
    letter = page.get_by_role("textbox", name="Letter text").input_value()
    assert "1. An open trial of PRRT for small bowel NETs (no registry number; Phase 2)." in letter
    assert "Nearest site: The Christie, Manchester (less than 1 mile from M20)." in letter
    assert page.get_by_role(
        "heading", name="Closed or finished: for information, the patient cannot join these"
    ).is_visible()
    _no_violations(page, "matches")
    _fits(page, ".criteria-table")
    page.get_by_label("Sort by").select_option("phase")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/specialist/*/?**sort=phase**")
    assert page.locator("article.trial-card").count() == min(published, 20)

    page.get_by_role("link", name="Print every trial").click()
    page.wait_for_url("**/print/?**")
    assert page.get_by_role("heading", name="Trial matches for CLINIC-42").is_visible()
    assert page.locator("article.trial-card").count() == published  # every trial, not the page on screen
    page.emulate_media(media="print")
    assert not page.get_by_role("button", name="Sign out").is_visible()
    page.emulate_media(media="screen")
    _no_violations(page, "print")

    page.goto("/specialist/")
    assert page.get_by_role("link", name="CLINIC-42", exact=True).is_visible()
    _no_violations(page, "list")
    _fits(page, ".profile-table")
