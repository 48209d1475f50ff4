"""The API's Swagger UI and the site's pages run under the CSP in a real browser without a
single refused script or style (a CSP violation is a console error)."""

from __future__ import annotations

import pytest

from tests.pages.test_browser_flow import CHROMIUM, JsErrors, browser, new_page, pytestmark  # noqa: F401 (markers below)  # noqa: F401  (fixture and skip)


@pytest.mark.django_db(transaction=True)
def test_swagger_ui_and_pages_run_under_the_csp(browser, live_server, reference_data):  # noqa: F811
    from playwright.sync_api import expect

    errors = JsErrors()
    context, page = new_page(browser, errors)
    response = page.goto(f"{live_server.url}/api/docs/")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    # Swagger UI fetched the schema and drew its operations: its scripts ran.
    expect(page.locator(".opblock").first).to_be_visible(timeout=20_000)
    for path in ["/", "/login/", "/signup/", "/open-statistics/"]:
        page.goto(f"{live_server.url}{path}")
    context.close()
    assert errors == []
