"""A patient on a phone (390 px) answers "Could I join?" in a real browser: steps, answer page, map.

Every page of the journey is checked with axe (no violation) and for sideways scrolling, and every
address the browser requests is recorded: none may carry an answer.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import axe_violations, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
# What the patient answers; none of it may appear in an address the browser asks for.
ANSWER_WORDS = ["64", "M20", "4BX", "small_bowel", "metastatic", "female", "lanreotide", "had_treatment"]


def check_page(page: Any, name: str) -> None:
    """axe finds nothing, nothing scrolls sideways, at a phone's width and a desktop's; screenshots."""
    screenshot(page, name)
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        assert axe_violations(page) == [], f"{name} at {width}px"
        overflow = page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
        assert not overflow, f"{name} scrolls sideways at {width}px"
    page.set_viewport_size(PHONE)


def small_targets(page: Any) -> list[str]:
    """The answers (radio buttons, boxes) whose clickable label is under 44 px tall."""
    heights = page.eval_on_selector_all(
        "label.choice",
        "labels => labels.filter(l => l.offsetParent !== null).map(l => [l.innerText, l.getBoundingClientRect().height])",
    )
    return [text for text, height in heights if height < 44]


def test_a_patient_on_a_phone_checks_the_open_trials_in_four_short_steps(
    open_trials: None, browser: Any, live_server: Any
) -> None:
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto("/")
    page.get_by_role("link", name="Could I join a trial?").click()
    assert page.get_by_text("Step 1 of up to 4").is_visible()
    check_page(page, "check-step-1")
    assert small_targets(page) == []
    page.get_by_label("How old are you?").fill("64")
    page.get_by_label("Female").check()
    page.get_by_label("Your postcode").fill("M20 4BX")
    page.get_by_label("A neuroendocrine tumour (NET), sometimes called a carcinoid").check()
    page.get_by_label("Where did the tumour start?").select_option("small_bowel")
    page.get_by_label("Yes, it has spread to other parts of the body, such as the liver").check()
    page.locator("input[name=carcinoid_syndrome][value=no]").check()
    page.locator("input[name=had_treatment][value=yes]").check()
    page.get_by_role("button", name="Continue").click()

    assert page.get_by_role("heading", name="More about your tumour").is_visible()
    assert page.get_by_text("Step 2 of up to 4").is_visible()
    # Nobody without carcinoid syndrome is asked about it again.
    assert page.get_by_text("About how many times a day do you open your bowels?").count() == 0
    check_page(page, "check-step-2")
    assert small_targets(page) == []
    page.locator("input[name=resectable][value=no]").check()
    page.get_by_role("button", name="Continue").click()

    assert page.get_by_role("heading", name="Your health and your treatments").is_visible()
    assert page.get_by_text("Are you pregnant or breastfeeding?").is_visible()  # asked of a woman
    page.get_by_label("I can't do heavy physical work, but I can do light work").check()
    page.get_by_text("Somatostatin analogue injections").click()
    assert page.get_by_text("Also called Somatuline").is_visible()
    page.get_by_label("Lanreotide").check()
    page.locator("input[name=grew_on_treatment][value=yes]").check()
    check_page(page, "check-step-3")
    assert small_targets(page) == []
    page.get_by_role("button", name="Continue").click()

    assert page.get_by_text("Step 4 of 4").is_visible()
    page.get_by_label("Lanreotide").check()
    check_page(page, "check-step-4")
    page.get_by_role("button", name="Check the trials").click()

    assert page.get_by_role("heading", level=1, name="Could I join? Your answer").is_visible()
    open_heading = page.get_by_role("heading", level=2, name="Open to new patients")
    closed_heading = page.get_by_role("heading", level=2, name="Closed and finished trials: for information")
    assert open_heading.bounding_box()["y"] < closed_heading.bounding_box()["y"]
    first = page.locator(".check-result").first
    assert "An open trial of PRRT for small bowel NETs" in first.inner_text()
    assert "Your answers fit every point we could check" in first.inner_text()
    assert "Exclusion: You take warfarin." in first.inner_text()
    assert "Nearest hospital: The Christie, Manchester M20 4BX (less than 1 mile from M20)" in first.inner_text()
    assert page.locator("svg.uk-map").is_visible()
    assert page.locator("svg.uk-map .map-site").count() == 1
    assert page.get_by_role("button", name="Print this summary").is_visible()
    check_page(page, "check-answer")
    page.get_by_text("Show the 32 closed and finished trials").click()
    closed = page.locator(".check-closed")
    assert closed.count() == 10
    assert closed.locator(".verdict").count() == 0
    assert page.locator(".closed-section").get_by_text("You cannot join this trial.").count() == 10
    check_page(page, "check-answer-closed-open")

    assert page.url == live_server.url + "/check/"
    # Only the query can carry answers: the live server's port is random and may hold "64".
    queries = [urlsplit(url).query for url in requested]
    leaks = [query for query in queries if any(word in query for word in ANSWER_WORDS)]
    assert leaks == []
    context.close()


def test_the_questionnaire_works_without_javascript(open_trials: None, browser: Any, live_server: Any) -> None:
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/check/?trial=open-small-bowel")
    assert page.get_by_text("Checking one trial: An open trial of PRRT for small bowel NETs.").is_visible()
    page.get_by_label("Male", exact=True).check()
    page.locator("input[name=had_treatment][value=none]").check()
    page.get_by_role("button", name="Continue").click()
    # Without treatment the last step is skipped; a man is not asked about pregnancy.
    assert page.get_by_text("Step 2 of 3").is_visible()
    page.get_by_role("button", name="Back").click()
    assert page.get_by_label("Male", exact=True).is_checked()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_text("Step 3 of 3").is_visible()
    assert page.get_by_text("Are you pregnant or breastfeeding?").count() == 0
    assert page.get_by_text("Which treatments have you had?").count() == 0
    page.get_by_role("button", name="Check the trials").click()
    assert page.get_by_text("We checked 1 trial open to new patients").is_visible()
    assert not page.get_by_role("button", name="Print this summary").is_visible()  # it needs JavaScript
    page.get_by_role("button", name="Change your answers").click()
    assert page.get_by_label("Male", exact=True).is_checked()
    assert page.url == live_server.url + "/check/?trial=open-small-bowel"
    context.close()
