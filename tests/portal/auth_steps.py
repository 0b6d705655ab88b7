"""Sign-in steps through the real allauth pages, shared by the login, MFA, password and
token tests: log in, reauthenticate, set up TOTP, follow an emailed link."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.test import Client

from tests.factories import PASSWORD
from tests.helpers import soup_of

NEW_PASSWORD = "another-long-passphrase-for-spoc-77"


def totp_code(secret, at=None):
    moment = (at or datetime.now(tz=ZoneInfo("UTC"))).timestamp()
    return format_hotp_value(hotp_value(secret, int(moment) // 30))


def login(client, email, password=PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})


def reauthenticate(client, password=PASSWORD):
    """allauth asks for the password again before MFA changes (a login alone does not count)."""
    response = client.post("/accounts/reauthenticate/", {"password": password})
    assert response.status_code == 302, form_errors(response)


def activate_totp(client):
    """Open the activation page and confirm with a code; returns the secret."""
    page = client.get("/accounts/2fa/totp/activate/")
    if page.status_code == 302 and page["Location"].startswith("/accounts/reauthenticate/"):
        reauthenticate(client)
        page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200, page.get("Location")
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response.status_code == 302, soup_of(response).select(".errorlist")
    return secret


def user_with_totp(user):
    """Set up TOTP for `user` through the pages; returns (secret, logged-out client)."""
    browser = Client()
    assert login(browser, user.email).status_code == 302
    secret = activate_totp(browser)
    browser.post("/accounts/logout/")
    return secret


def form_errors(response):
    soup = soup_of(response)
    return " ".join(e.get_text(" ", strip=True) for e in soup.select(".errorlist"))


def link_in(message, prefix):
    match = re.search(r"https?://[^/\s]+(" + re.escape(prefix) + r"\S+)", message.body)
    assert match, message.body
    return match.group(1)


def request_reset(client, email, mailoutbox):
    response = client.post("/accounts/password/reset/", {"email": email})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/done/"
    return mailoutbox[-1] if mailoutbox else None


def set_new_password(client, link, password=NEW_PASSWORD):
    response = client.get(link)
    # allauth moves the key out of the address before showing the form.
    assert response.status_code == 302
    form_url = response["Location"]
    page = client.get(form_url)
    assert soup_of(page).select_one("input[name=password1]") is not None
    return client.post(form_url, {"password1": password, "password2": password})
