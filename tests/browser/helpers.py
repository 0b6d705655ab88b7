"""Steps shared by the browser tests."""

import json
import time

from tests.factories import PASSWORD

TIMEOUT_MS = 20_000  # the default timeout of every page (tests/browser/conftest.py)


def log_in(page, email, password=PASSWORD):
    """Log in through allauth's login page (by email)."""
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.locator("main").get_by_role("button", name="Sign In").click()
    page.wait_for_load_state()


def log_out(page):
    page.get_by_role("navigation", name="Account").get_by_role("button", name="Log out").click()
    page.wait_for_load_state()


def totp_code(secret):
    """The current TOTP code for `secret`, computed with allauth's own functions. Waits for
    the next period when this one is about to end, so the server checks the same period."""
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    period = app_settings.TOTP_PERIOD
    if period - time.time() % period < 4:
        time.sleep(period - time.time() % period + 0.2)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))


def activate_totp(page, password=PASSWORD):
    """Set up an authenticator app on /accounts/2fa/totp/activate/ (confirming the password
    first when allauth asks for reauthentication), read the secret shown on the page, submit
    the current code. Returns the secret."""
    page.goto("/accounts/2fa/totp/activate/")
    if "/accounts/reauthenticate/" in page.url:
        page.get_by_label("Password").fill(password)
        page.locator("main").get_by_role("button", name="Confirm").click()
        page.wait_for_url("**/accounts/2fa/totp/activate/")
    secret = page.locator("#authenticator_secret").input_value().strip()
    assert secret, "the activation page shows no secret"
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    page.wait_for_load_state()
    return secret


def run_axe(page, axe_source):
    """Run axe-core (WCAG 2.0/2.1 A and AA rules plus best practices) on the current page and
    return its violations. The source is evaluated through the DevTools protocol, so the
    portal's CSP (no inline script) stays on."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source)
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                                 'best-practice']},
                resultTypes: ['violations'],
            });
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target, summary: n.failureSummary})),
            }));
        }"""
    )
    return result


def serious_violations(violations):
    return [v for v in violations if v["impact"] in ("serious", "critical")]


def describe(violations):
    return json.dumps(violations, indent=2)
