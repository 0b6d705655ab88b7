"""axe-core finds no serious or critical violations; the skip link works from the keyboard."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import describe, log_in, run_axe, serious_violations
from tests.factories import user_in

pytestmark = pytest.mark.browser


def test_login_page_has_no_serious_axe_violations(page, axe_source):
    page.goto("/accounts/login/")
    violations = serious_violations(run_axe(page, axe_source))
    assert violations == [], describe(violations)
    assert page.csp_violations == []


def test_logged_in_pages_have_no_serious_axe_violations(page, axe_source):
    user_in("BE", "head", first_name="Hanna", email="hanna@example.eu")
    log_in(page, "hanna@example.eu")
    for path in ("/", "/account/preferences/", "/updates/", "/accounts/2fa/"):
        page.goto(path)
        violations = serious_violations(run_axe(page, axe_source))
        assert violations == [], f"{path}:\n{describe(violations)}"
    assert page.csp_violations == []


def test_axe_check_itself_catches_violations(page, axe_source):
    """Guards the guard: a page with an unlabelled field and an image without alt text."""
    page.set_content(
        '<html lang="en"><head><title>t</title></head><body><main>'
        '<img src="data:,"><input type="text"></main></body></html>'
    )
    found = {v["id"] for v in serious_violations(run_axe(page, axe_source))}
    assert {"image-alt", "label"} <= found


def test_skip_link_is_first_focusable_and_moves_focus_to_main(page):
    page.goto("/accounts/login/")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    expect(skip).to_have_text("Skip to main content")
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator(":focus")).to_have_id("main")
    # The next Tab lands inside main (the login form), not back in the header.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)")


def test_login_form_is_usable_by_keyboard_alone(page):
    user_in("BE", "officer", first_name="Kai", email="kai@example.eu")
    page.goto("/accounts/login/")
    page.get_by_label("Email").focus()
    page.keyboard.type("kai@example.eu")
    page.keyboard.press("Tab")
    page.keyboard.type("correct-horse-battery-staple")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Kai")
