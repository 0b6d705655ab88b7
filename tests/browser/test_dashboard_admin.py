"""The dashboard and the Wagtail admin as seen in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from portal.models import Role
from tests.browser.helpers import log_in
from tests.factories import admin_user, user_in

pytestmark = pytest.mark.browser


def test_dashboard_shows_heading_and_latest_updates_panel(page):
    user_in("FR", "officer", first_name="Claire", email="claire@example.eu")
    log_in(page, "claire@example.eu")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Claire")
    panel = page.get_by_role("region", name="Latest Presidency updates")
    expect(panel).to_be_visible()
    expect(panel.get_by_role("heading", name="Latest Presidency updates")).to_be_visible()
    # An officer has no admin link in the navigation.
    main_nav = page.get_by_role("navigation", name="Main")
    expect(main_nav.get_by_role("link", name="Admin")).to_have_count(0)
    assert page.csp_violations == []


def test_admin_user_opens_wagtail_admin_dashboard(page):
    admin_user(email="root@example.eu")
    log_in(page, "root@example.eu")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Admin").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page).to_have_title(re.compile("Dashboard"))
    expect(page.locator("main")).to_contain_text("SPOC Network Portal")


def test_presidency_editor_opens_wagtail_admin(page):
    user_in("IE", Role.PRESIDENCY, email="pres@example.eu")
    log_in(page, "pres@example.eu")
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page).to_have_title(re.compile("Dashboard"))


def test_officer_is_refused_the_admin(page):
    user_in("BE", "officer", email="olga@example.eu")
    log_in(page, "olga@example.eu")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    # The browser's session cookie, without following redirects: Wagtail refuses and sends
    # the officer away; the admin dashboard is never rendered.
    response = page.request.get("/admin/", max_redirects=0)
    assert response.status == 302
    assert "wagtail" not in response.text().lower()
    # Followed to the end, the officer lands on the portal's dashboard, not in the admin.
    response = page.request.get("/admin/pages/")
    assert response.ok
    assert response.url.endswith("/")
    assert "/admin/" not in response.url


def test_officer_opening_the_admin_gets_a_clear_refusal(page):
    user_in("BE", "officer", email="otto@example.eu")
    log_in(page, "otto@example.eu")
    page.goto("/admin/")
    expect(page.locator("main")).to_contain_text("You do not have permission to access the admin")
