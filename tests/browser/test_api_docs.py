"""Swagger UI and Redoc render in Chromium under the site's own Content-Security-Policy."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_watching_csp(page: Any, path: str) -> tuple[Any, list[str]]:
    """Open the page; return its response and every console error and CSP violation it reported."""
    problems: list[str] = []

    def console(message: Any) -> None:
        if message.type == "error":
            problems.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.expose_binding("reportViolation", lambda _source, text: problems.append(text))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', event => "
        "window.reportViolation(`CSP ${event.violatedDirective} blocked ${event.blockedURI}`));"
    )
    response = page.goto(path)
    return response, problems


def test_swagger_ui_lists_the_operations_with_no_csp_violation(live_server: Any, browser_page: Any) -> None:
    page = browser_page
    response, problems = open_watching_csp(page, "/api/v1/docs/")

    page.locator(".opblock-summary-path", has_text="/api/v1/trials/{slug}/").first.wait_for()
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/trials/" in paths
    assert "/api/v1/eligibility/" in paths
    page.screenshot(path=str(ARTIFACTS / "screenshots" / "api-swagger-1280.png"))
    assert page.get_by_role("heading", name="TrialSearch API").first.is_visible()
    policy = response.headers["content-security-policy"]
    assert "'unsafe-inline'" not in policy
    assert "'nonce-" in policy
    assert problems == []


def test_redoc_renders_the_reference_with_no_csp_violation(live_server: Any, browser_page: Any) -> None:
    page = browser_page
    response, problems = open_watching_csp(page, "/api/v1/redoc/")

    page.get_by_role("heading", name="TrialSearch API").first.wait_for()
    page.locator("[data-section-id='tag/trials']").first.wait_for()
    assert "Something went wrong" not in page.content()
    page.screenshot(path=str(ARTIFACTS / "screenshots" / "api-redoc-1280.png"))
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    assert problems == []
