"""One browser test per journey, each failing where its journey breaks: a patient on a phone (390 px)
from the home page to the answer of "Could I join?", and a specialist at a desk (1280 px) from
signing in to the printed and downloaded matches. Every page visited has no axe violation and does
not scroll sideways."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from patients.services import specialist_create
from tests.browser.conftest import assert_page_fits
from tests.patients.test_two_factor import code_for
from trials.registry.models import Trial

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}
PASSWORD = "a-long-test-password"
# What the patient answers; none of it may appear in an address the browser asks for.
ANSWERS = ["64", "M20", "4BX", "female", "small_bowel", "metastatic", "had_treatment"]


def new_page(browser: Any, live_server: Any, viewport: dict[str, int]) -> tuple[Any, Any, list[str]]:
    """A page at that size, and the list it fills with every 4xx or 5xx answer (the icon's included)."""
    context = browser.new_context(base_url=live_server.url, viewport=viewport, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    failed: list[str] = []

    def note(response: Any) -> None:
        if response.status >= 400:
            failed.append(f"{response.status} {response.url}")

    page.on("response", note)
    return context, page, failed


def test_a_patient_on_a_phone_goes_from_the_home_page_to_an_answer(
    open_trials: None, browser: Any, live_server: Any
) -> None:
    context, page, failed = new_page(browser, live_server, PHONE)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto("/")
    assert page.get_by_role("heading", level=1).is_visible()
    assert_page_fits(page, "patient-home")
    page.get_by_label("Cancer type, drug or trial name").fill("PRRT")
    page.get_by_role("button", name="Search").click()

    page.wait_for_url("**/trials/?q=PRRT")
    assert page.get_by_role("heading", level=3, name="Open to new patients (1)").is_visible()
    assert_page_fits(page, "patient-results")
    page.locator(".trial-card").first.get_by_role("link").first.click()

    page.wait_for_url("**/trials/open-small-bowel/")
    assert page.get_by_role("heading", level=1, name="An open trial of PRRT for small bowel NETs").is_visible()
    assert page.get_by_role("heading", level=2, name="How to join").is_visible()
    assert_page_fits(page, "patient-trial")
    page.get_by_role("link", name="Could I join this trial?").first.click()

    page.wait_for_url("**/check/?trial=open-small-bowel")
    assert page.get_by_text("Checking one trial: An open trial of PRRT for small bowel NETs.").is_visible()
    assert_page_fits(page, "patient-step-1")
    page.get_by_label("How old are you?").fill("64")
    page.get_by_label("Female").check()
    page.get_by_label("Your postcode").fill("M20 4BX")
    page.get_by_label("A neuroendocrine tumour (NET), sometimes called a carcinoid").check()
    page.get_by_label("Where did the tumour start?").select_option("small_bowel")
    page.get_by_label("Yes, it has spread to other parts of the body, such as the liver").check()
    page.locator("input[name=had_treatment][value=none]").check()
    steps = 1
    while page.get_by_role("button", name="Continue").count():
        page.get_by_role("button", name="Continue").click()
        steps += 1
        assert page.get_by_text(f"Step {steps} of").is_visible()
        assert_page_fits(page, f"patient-step-{steps}")
    assert steps <= 4
    page.get_by_role("button", name="Check the trials").click()

    assert page.get_by_role("heading", level=1, name="Could I join? Your answer").is_visible()
    result = page.locator(".check-result").first
    assert "An open trial of PRRT for small bowel NETs" in result.inner_text()
    assert "Your answers fit every point we could check" in result.inner_text()
    assert "Exclusion: You take warfarin." in result.inner_text()
    assert "Nearest hospital: The Christie" in result.inner_text()
    assert page.get_by_role("button", name="Print this summary").is_visible()
    assert page.url == live_server.url + "/check/?trial=open-small-bowel"  # the answers went by POST
    # Only the path and query can carry answers: the live server's port is random and may hold "64".
    addresses = [urlsplit(url)._replace(scheme="", netloc="").geturl() for url in requested]
    assert [address for address in addresses if any(word in address for word in ANSWERS)] == []
    assert_page_fits(page, "patient-answer")
    assert failed == []
    context.close()


def test_a_specialist_at_a_desk_signs_in_and_takes_every_match_to_the_mdt(
    seeded_live: None, browser: Any, live_server: Any
) -> None:
    specialist_create(username="alice", password=PASSWORD)
    titles = set(Trial.objects.published().values_list("title", flat=True))
    context, page, failed = new_page(browser, live_server, DESK)

    page.goto("/specialist/")
    page.wait_for_url("**/accounts/login/?next=/specialist/")
    assert_page_fits(page, "specialist-sign-in")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # The second factor: the first time, enrol an authenticator app and give its code.
    page.wait_for_url("**/accounts/second-factor/?next=%2Fspecialist%2F")
    assert_page_fits(page, "specialist-second-factor")
    page.get_by_label("Six-digit code").fill(code_for(TOTPDevice.objects.get(user__username="alice")))
    page.get_by_role("button", name="Confirm and sign in").click()

    page.wait_for_url("**/specialist/")
    assert page.get_by_role("heading", name="Your patient profiles").is_visible()
    assert_page_fits(page, "specialist-profiles")
    page.get_by_role("link", name="New profile").click()

    page.wait_for_url("**/specialist/new/")
    assert_page_fits(page, "specialist-profile-form")
    page.get_by_label("Reference").fill("CLINIC-42")
    page.get_by_label("Postcode district").fill("M20 4BX")
    page.get_by_label("Histology").select_option("net")
    page.get_by_label("Primary site").select_option("small_bowel")
    page.get_by_label("WHO grade").select_option("G2")
    page.get_by_role("button", name="Save profile").click()

    page.wait_for_url("**/specialist/*/")
    assert page.get_by_role("heading", name="Matches for CLINIC-42").is_visible()
    assert page.get_by_text("Profile CLINIC-42 saved.").is_visible()
    assert page.locator("article.trial-card").count() > 0
    assert_page_fits(page, "specialist-matches")
    on_screen = page.locator("article.trial-card").count()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    cells = {cell for row in csv.reader(io.StringIO(text)) for cell in row}
    assert titles <= cells, f"missing from the CSV: {sorted(titles - cells)}"

    page.get_by_role("link", name="Print").first.click()
    page.wait_for_url("**/print/**")
    assert page.get_by_role("heading", name="Trial matches for CLINIC-42").is_visible()
    # The handout lists every trial the filters select, not one page of them.
    assert page.locator(".trial-card").count() == Trial.objects.published().count() > on_screen
    assert_page_fits(page, "specialist-print")
    page.emulate_media(media="print")
    assert not page.get_by_role("button", name="Sign out").is_visible()
    assert failed == []
    context.close()
