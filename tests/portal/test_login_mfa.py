"""Login by email and password, TOTP with a QR code, encrypted secrets, recovery codes,
WebAuthn on offer, and the portal's own rule: with PORTAL_MFA_REQUIRED, no MFA, no portal."""

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.test import Client

from portal.adapters import PortalMFAAdapter
from tests.factories import PASSWORD
from tests.helpers import soup_of
from tests.portal.auth_steps import (
    activate_totp,
    form_errors,
    login,
    reauthenticate,
    totp_code,
    user_with_totp,
)

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parents[2]


# --- Password login ------------------------------------------------------------------------


def test_login_by_email_and_password(client, officer_be):
    response = login(client, officer_be.email.upper())
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").wsgi_request.user == officer_be


def test_wrong_password_shows_error_and_does_not_log_in(client, officer_be):
    response = login(client, officer_be.email, "not-the-password")
    assert response.status_code == 200
    assert "not correct" in form_errors(response)
    assert client.get("/").status_code == 302


def test_login_page_keeps_next(client, officer_be):
    response = client.get("/people/")
    assert response["Location"] == "/accounts/login/?next=/people/"
    response = client.post(
        "/accounts/login/?next=/account/preferences/",
        {"login": officer_be.email, "password": PASSWORD, "next": "/account/preferences/"},
    )
    assert response["Location"] == "/account/preferences/"


def test_login_does_not_redirect_off_site(client, officer_be):
    response = client.post(
        "/accounts/login/",
        {"login": officer_be.email, "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_failed_logins_are_rate_limited(client, officer_be):
    for _ in range(5):
        login(client, officer_be.email, "wrong-password-123")
    response = login(client, officer_be.email)  # even the right password is refused for now
    assert response.status_code == 200
    assert "Too many failed login attempts" in form_errors(response)
    assert client.get("/").status_code == 302


# --- TOTP activation -----------------------------------------------------------------------


def test_totp_activation_page_shows_a_qr_code(client, officer_be, frozen):
    login(client, officer_be.email)
    reauthenticate(client)
    response = client.get("/accounts/2fa/totp/activate/")
    assert response.status_code == 200
    img = soup_of(response).select_one("main img")
    assert img["src"].startswith("data:image/svg+xml;base64,")
    svg = base64.b64decode(img["src"].split(",", 1)[1]).decode()
    assert "<svg" in svg
    secret = client.session[SECRET_SESSION_KEY]
    shown = soup_of(response).select_one("#authenticator_secret")
    assert shown["value"] == secret


def test_totp_activation_with_wrong_code_is_refused(client, officer_be, frozen):
    login(client, officer_be.email)
    reauthenticate(client)
    client.get("/accounts/2fa/totp/activate/")
    response = client.post("/accounts/2fa/totp/activate/", {"code": "000000x"})
    assert response.status_code == 200
    assert form_errors(response)
    assert not Authenticator.objects.filter(user=officer_be).exists()


def test_totp_secret_and_recovery_seed_are_stored_encrypted(client, officer_be, frozen):
    login(client, officer_be.email)
    secret = activate_totp(client)

    totp = Authenticator.objects.get(user=officer_be, type=Authenticator.Type.TOTP)
    stored = totp.data["secret"]
    assert secret not in json.dumps(totp.data)
    assert stored.startswith("fernet:")
    assert get_mfa_adapter().decrypt(stored) == secret

    codes = Authenticator.objects.get(user=officer_be, type=Authenticator.Type.RECOVERY_CODES)
    seed = codes.data["seed"]
    assert seed.startswith("fernet:")
    plain_seed = PortalMFAAdapter().decrypt(seed)
    assert plain_seed not in json.dumps(codes.data)
    # The codes the user sees derive from the encrypted seed.
    assert len(RecoveryCodes(codes).get_unused_codes()) == 10


def test_encryption_round_trips_and_rejects_tampering(settings):
    adapter = PortalMFAAdapter()
    token = adapter.encrypt("JBSWY3DPEHPK3PXP")
    assert "JBSWY3DPEHPK3PXP" not in token
    assert adapter.decrypt(token) == "JBSWY3DPEHPK3PXP"
    with pytest.raises(ValueError):
        adapter.decrypt("JBSWY3DPEHPK3PXP")  # a clear-text secret is not accepted
    with pytest.raises(ValueError):
        adapter.decrypt(token[:-4] + "AAAA")
    settings.PORTAL_MFA_ENCRYPTION_KEY = base64.urlsafe_b64encode(b"k" * 32).decode()
    with pytest.raises(ValueError):
        adapter.decrypt(token)  # another key cannot read it


def test_login_requires_totp_after_activation(client, officer_be, frozen):
    secret = user_with_totp(officer_be)
    frozen.shift(60)  # a fresh code, not the one used for activation
    response = login(client, officer_be.email)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"
    # Password alone is not enough.
    assert client.get("/").status_code == 302
    assert client.get("/people/").status_code == 302

    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_wrong_totp_code_shows_error_and_does_not_log_in(client, officer_be, frozen):
    user_with_totp(officer_be)
    frozen.shift(60)
    login(client, officer_be.email)
    for bad in ("123456", "", "abcdef", "1" * 200, "12 34 56"):
        response = client.post("/accounts/2fa/authenticate/", {"code": bad})
        assert response.status_code == 200
        assert soup_of(response).select(".errorlist"), bad
    assert client.get("/").status_code == 302


def test_totp_code_cannot_be_replayed(client, officer_be, frozen):
    secret = user_with_totp(officer_be)
    frozen.shift(60)
    code = totp_code(secret)
    login(client, officer_be.email)
    assert client.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
    client.post("/accounts/logout/")

    # Same code, same 30-second window, another browser: refused.
    other = Client()
    login(other, officer_be.email)
    response = other.post("/accounts/2fa/authenticate/", {"code": code})
    assert response.status_code == 200
    assert "Incorrect code" in form_errors(response)
    assert other.get("/").status_code == 302


def test_recovery_code_works_once(client, officer_be, frozen):
    user_with_totp(officer_be)
    codes_auth = Authenticator.objects.get(user=officer_be, type=Authenticator.Type.RECOVERY_CODES)
    code = RecoveryCodes(codes_auth).get_unused_codes()[0]

    login(client, officer_be.email)
    assert client.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
    assert client.get("/").status_code == 200
    client.post("/accounts/logout/")

    other = Client()
    login(other, officer_be.email)
    response = other.post("/accounts/2fa/authenticate/", {"code": code})
    assert response.status_code == 200
    assert other.get("/").status_code == 302


def test_recovery_codes_page_shows_the_codes(client, officer_be, frozen):
    login(client, officer_be.email)
    activate_totp(client)
    response = client.get("/accounts/2fa/recovery-codes/")
    assert response.status_code == 200
    shown = soup_of(response).select_one("#recovery_codes").get_text().split()
    codes_auth = Authenticator.objects.get(user=officer_be, type=Authenticator.Type.RECOVERY_CODES)
    assert shown == RecoveryCodes(codes_auth).get_unused_codes()


def test_webauthn_is_offered(client, officer_be):
    login(client, officer_be.email)
    index = soup_of(client.get("/accounts/2fa/"))
    headings = [h.get_text(strip=True) for h in index.select("main h2")]
    assert "Security Keys" in headings
    assert index.select_one('a[href="/accounts/2fa/webauthn/add/"]')

    reauthenticate(client)
    response = client.get("/accounts/2fa/webauthn/add/")
    assert response.status_code == 200
    page = soup_of(response)
    assert page.select_one("#mfa_webauthn_add")
    scripts = [s.get("src") for s in page.select("script[src]")]
    assert any(src and src.endswith("mfa/js/webauthn.js") for src in scripts)
    options = json.loads(page.select_one("#js_data").get_text())
    assert "creation_options" in options


def test_mfa_index_offers_totp_activation(client, officer_be):
    login(client, officer_be.email)
    index = soup_of(client.get("/accounts/2fa/"))
    assert index.select_one('a[href="/accounts/2fa/totp/activate/"]')
    # No "required" notice while the setting is off.
    assert not index.select("#mfa-required-notice")


# --- MFA required --------------------------------------------------------------------------


@pytest.fixture
def mfa_required(settings):
    settings.PORTAL_MFA_REQUIRED = True


@pytest.mark.parametrize(
    "path",
    ["/", "/updates/", "/people/", "/account/preferences/", "/accounts/email/", "/admin/"],
)
def test_without_mfa_every_page_leads_to_mfa_setup(client, mfa_required, officer_be, path):
    client.force_login(officer_be)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/"


def test_without_mfa_posts_are_refused_too(client, mfa_required, head_be):
    client.force_login(head_be)
    response = client.post(
        "/people/invite/", {"email": "x@example.eu", "organisation": "1", "roles": ["officer"]}
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/"
    from portal.models import Invitation

    assert not Invitation.objects.exists()


def test_without_mfa_the_api_answers_403_json(client, mfa_required, officer_be):
    client.force_login(officer_be)
    response = client.get("/api/v1/me")
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/json")
    assert "two-factor" in response.json()["detail"]


def test_without_mfa_setup_pages_and_logout_still_work(client, mfa_required, officer_be, frozen):
    login(client, officer_be.email)
    index = client.get("/accounts/2fa/")
    assert index.status_code == 200
    notice = soup_of(index).select_one("#mfa-required-notice")
    assert "Two-factor authentication is required" in notice.get_text()
    response = client.get("/accounts/2fa/totp/activate/")
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert client.get(response["Location"]).status_code == 200
    reauthenticate(client)
    assert client.get("/accounts/2fa/totp/activate/").status_code == 200
    assert client.get("/accounts/2fa/webauthn/add/").status_code == 200
    # Not redirected to the MFA setup (the test settings serve no static files).
    assert client.get("/static/portal/portal.css").status_code == 404
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert not client.get("/accounts/login/").wsgi_request.user.is_authenticated


def test_with_mfa_set_up_everything_is_reachable(client, mfa_required, officer_be, frozen):
    login(client, officer_be.email)
    activate_totp(client)
    assert not soup_of(client.get("/accounts/2fa/")).select("#mfa-required-notice")
    for path in ("/", "/updates/", "/account/preferences/", "/accounts/sessions/"):
        assert client.get(path).status_code == 200, path
    response = client.get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["email"] == officer_be.email


def test_mfa_required_after_invitation_sign_up(client, mfa_required, admin):
    """A newly invited person lands on the MFA setup, not in the portal."""
    from tests.portal.test_invitations import create_invitation

    _invitation, token = create_invitation(admin, email="fresh@example.eu")
    client.get(f"/invitations/{token}/")
    response = client.post(
        "/accounts/signup/",
        {
            "email": "fresh@example.eu",
            "first_name": "F",
            "last_name": "R",
            "password1": "a-long-and-unusual-passphrase-42",
            "password2": "a-long-and-unusual-passphrase-42",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/accounts/2fa/"
    assert response.wsgi_request.user.email == "fresh@example.eu"


def test_mfa_required_is_off_in_tests_and_on_by_default_in_production():
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") or key == "DJANGO_VAR_DIR"
    }
    env.update({"DJANGO_SECRET_KEY": "x" * 60, "DJANGO_SETTINGS_MODULE": ""})
    code = (
        "import importlib; "
        "p = importlib.import_module('portal.settings.production'); "
        "print(p.PORTAL_MFA_REQUIRED)"
    )
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    assert out.stdout.strip() == "True", out.stderr
    env["DJANGO_MFA_REQUIRED"] = "false"
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    assert out.stdout.strip() == "False", out.stderr
