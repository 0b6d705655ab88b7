"""Log in, set up TOTP, log in again with the code, reach the dashboard: in a real browser."""

import re

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from tests.browser.helpers import activate_totp, log_in, log_out, totp_code
from tests.factories import user_in

pytestmark = pytest.mark.browser


def test_login_totp_setup_and_second_login_asks_for_code(page):
    user = user_in("BE", "officer", first_name="Ana", email="ana@example.eu")

    log_in(page, "ana@example.eu")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Ana")

    secret = activate_totp(page)
    # allauth shows the recovery codes (or a success message) once the app is activated.
    expect(page.locator("main")).to_contain_text(re.compile(r"[Rr]ecovery codes|activated"))
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()

    log_out(page)
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/"))

    log_in(page, "ana@example.eu")
    # The password alone is no longer enough: allauth asks for the authenticator code.
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    # Without the code the dashboard stays out of reach: the login resumes at the code step.
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-Factor Authentication")

    wrong = "000000" if totp_code(secret) != "000000" else "111111"
    page.get_by_label("Code").fill(wrong)
    page.locator("main").get_by_role("button", name="Sign In", exact=True).click()
    expect(page.locator("main")).to_contain_text("Incorrect code")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))

    page.get_by_label("Code").fill(totp_code(secret))
    page.locator("main").get_by_role("button", name="Sign In", exact=True).click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Ana")


def test_wrong_password_shows_error_and_stays_logged_out(page):
    user_in("BE", "officer", email="bob@example.eu")
    log_in(page, "bob@example.eu", password="not-the-password-at-all")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator("main")).to_contain_text("not correct")
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_mfa_required_sends_user_without_mfa_to_setup_until_enrolled(page, settings):
    settings.PORTAL_MFA_REQUIRED = True
    user_in("DE", "head", first_name="Dora", email="dora@example.eu")

    log_in(page, "dora@example.eu")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/$"))
    for path in ("/", "/updates/", "/account/preferences/"):
        page.goto(path)
        expect(page).to_have_url(re.compile(r"/accounts/2fa/$"))

    activate_totp(page)
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Dora")
