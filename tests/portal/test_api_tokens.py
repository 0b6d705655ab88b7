"""API tokens as stolen credentials: MFA enrolment for bearer requests, expiry, last use,
revocation with API and feed tokens on password, MFA and account changes, and
reauthentication before a token is made."""

from datetime import datetime, timedelta

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import APIToken

from portal import services
from portal.models import AccessToken
from portal.tokens import access_token_for
from tests.factories import PASSWORD, user_in
from tests.helpers import soup_of
from tests.portal.auth_steps import (
    NEW_PASSWORD,
    link_in,
    login,
    reauthenticate,
    request_reset,
    set_new_password,
    totp_code,
    user_with_totp,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    return user_in("BE", "officer")


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def api_me(plaintext):
    return Client().get("/api/v1/me", **bearer(plaintext))


def feed_status(token, purpose):
    path = (
        f"/feeds/updates/{token}/"
        if purpose == AccessToken.Purpose.FEED
        else f"/feeds/meetings/{token}.ics"
    )
    return Client().get(path).status_code


class Credentials:
    """An API token and both feed tokens of one user, checked from outside."""

    def __init__(self, user):
        _token, self.api = services.api_token_create(user=user, name="script")
        self.feed = access_token_for(user=user, purpose=AccessToken.Purpose.FEED)
        self.calendar = access_token_for(user=user, purpose=AccessToken.Purpose.CALENDAR)

    def working(self):
        return {
            "api": api_me(self.api).status_code == 200,
            "feed": feed_status(self.feed, AccessToken.Purpose.FEED) == 200,
            "calendar": feed_status(self.calendar, AccessToken.Purpose.CALENDAR) == 200,
        }


ALL_WORKING = {"api": True, "feed": True, "calendar": True}
NONE_WORKING = {"api": False, "feed": False, "calendar": False}


def with_totp(user):
    from allauth.mfa.adapter import get_adapter

    Authenticator.objects.create(
        user=user,
        type=Authenticator.Type.TOTP,
        data={"secret": get_adapter().encrypt("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")},
    )
    return user


# --- MFA enrolment for bearer requests ------------------------------------------------------


def test_bearer_token_of_a_user_without_mfa_is_refused_when_mfa_is_required(settings, member):
    _token, plaintext = services.api_token_create(user=member, name="script")
    settings.PORTAL_MFA_REQUIRED = True
    response = api_me(plaintext)
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/json")
    assert "two-factor" in response.json()["detail"]
    # The search API and the other routers sit behind the same authentication.
    assert Client().get("/api/v1/countries", **bearer(plaintext)).status_code == 403


def test_bearer_token_works_once_the_owner_has_a_second_factor(settings, member):
    _token, plaintext = services.api_token_create(user=member, name="script")
    settings.PORTAL_MFA_REQUIRED = True
    with_totp(member)
    response = api_me(plaintext)
    assert response.status_code == 200
    assert response.json()["email"] == member.email


# --- Expiry and last use ----------------------------------------------------------------


def test_token_expires_after_the_configured_days(member):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _token, plaintext = services.api_token_create(user=member, name="script")
    with time_machine.travel(start + timedelta(days=90) - timedelta(minutes=1), tick=False):
        assert api_me(plaintext).status_code == 200
    with time_machine.travel(start + timedelta(days=90, minutes=1), tick=False):
        response = api_me(plaintext)
        assert response.status_code == 401
        assert response["Content-Type"].startswith("application/json")


def test_token_lifetime_is_a_setting(settings, member):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _token, plaintext = services.api_token_create(user=member, name="script")
    settings.PORTAL_API_TOKEN_DAYS = 7
    with time_machine.travel(start + timedelta(days=6), tick=False):
        assert api_me(plaintext).status_code == 200
    with time_machine.travel(start + timedelta(days=7, seconds=1), tick=False):
        assert api_me(plaintext).status_code == 401


def _token_updates(queries):
    return [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith("UPDATE") and "wagtailcore_apitoken" in q["sql"]
    ]


def test_last_use_is_recorded_at_most_once_a_minute(member):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        token, plaintext = services.api_token_create(user=member, name="script")
        assert api_me(plaintext).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at == start

    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        with CaptureQueriesContext(connection) as queries:
            assert api_me(plaintext).status_code == 200
    assert _token_updates(queries.captured_queries) == []
    token.refresh_from_db()
    assert token.last_used_at == start

    later = start + timedelta(seconds=61)
    with time_machine.travel(later, tick=False):
        assert api_me(plaintext).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at == later


def moment(element, selector):
    return datetime.fromisoformat(element.select_one(selector)["datetime"])


def test_account_page_shows_expiry_and_last_use(client, member):
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        _used, plaintext = services.api_token_create(user=member, name="statistics script")
        services.api_token_create(user=member, name="never used")
    with time_machine.travel(start + timedelta(hours=2), tick=False):
        api_me(plaintext)
        client.force_login(member)
        page = soup_of(client.get("/account/preferences/"))
    rows = {li.get_text(" ", strip=True).split(" (")[0]: li for li in page.select("li.api-token")}
    used = rows["statistics script"]
    assert moment(used, ".token-expires") == start + timedelta(days=90)
    assert "expires" in used.get_text()
    assert moment(used, ".token-last-used") == start + timedelta(hours=2)
    assert "never used" in rows["never used"].get_text()


def test_account_page_says_a_token_has_expired(client, member):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        services.api_token_create(user=member, name="old script")
    with time_machine.travel(start + timedelta(days=91), tick=False):
        client.force_login(member)
        page = soup_of(client.get("/account/preferences/"))
    (row,) = page.select("li.api-token")
    assert "api-token--expired" in row["class"]
    assert "expired" in row.get_text()


# --- Revocation ------------------------------------------------------------------------------


def test_password_change_revokes_api_and_feed_tokens(client, member):
    credentials = Credentials(member)
    other = Credentials(user_in("DE", "officer"))
    assert credentials.working() == ALL_WORKING
    client.force_login(member)
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert credentials.working() == NONE_WORKING
    assert other.working() == ALL_WORKING
    # The account page offers working new feed addresses.
    page = soup_of(client.get("/account/preferences/"))
    new_feed = page.select_one("#feed-url")["value"].rstrip("/").rsplit("/", 1)[1]
    assert new_feed != credentials.feed
    assert feed_status(new_feed, AccessToken.Purpose.FEED) == 200


def test_password_reset_revokes_api_and_feed_tokens(client, member, mailoutbox):
    credentials = Credentials(member)
    link = link_in(request_reset(client, member.email, mailoutbox), "/accounts/password/reset/key/")
    assert credentials.working() == ALL_WORKING
    response = set_new_password(client, link, NEW_PASSWORD)
    assert response.status_code == 302
    assert credentials.working() == NONE_WORKING


def test_removing_the_second_factor_revokes_api_and_feed_tokens(client, member, frozen):
    secret = user_with_totp(member)
    credentials = Credentials(member)
    assert credentials.working() == ALL_WORKING
    login(client, member.email)
    frozen.shift(31)
    client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    reauthenticate(client)
    response = client.post("/accounts/2fa/totp/deactivate/")
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=member, type=Authenticator.Type.TOTP).exists()
    assert credentials.working() == NONE_WORKING


def test_disabling_on_the_people_page_revokes_tokens_for_good(client, member):
    head = user_in("BE", "head")
    credentials = Credentials(member)
    client.force_login(head)
    client.post(f"/people/{member.pk}/active/", {"active": "0"})
    assert credentials.working() == NONE_WORKING
    client.post(f"/people/{member.pk}/active/", {"active": "1"})
    member.refresh_from_db()
    assert member.is_active
    assert credentials.working() == NONE_WORKING
    assert APIToken.objects.get(user=member).revoked_at is not None


def test_disabling_in_the_wagtail_admin_revokes_tokens(client, admin, member):
    from tests.portal.test_people import admin_edit_form_data

    credentials = Credentials(member)
    client.force_login(admin)
    data = admin_edit_form_data(soup_of(client.get(f"/admin/users/edit/{member.pk}/")))
    data.pop("is_active")
    assert client.post(f"/admin/users/edit/{member.pk}/", data).status_code == 302
    member.is_active = True
    member.save(update_fields=["is_active"])
    assert credentials.working() == NONE_WORKING


def test_bulk_disabling_in_the_wagtail_admin_revokes_tokens(client, admin, member):
    credentials = Credentials(member)
    client.force_login(admin)
    url = f"/admin/bulk/portal/user/set_active_state/?id={member.pk}&next=/admin/users/"
    client.post(url, {"mark_as_active": "False"})
    client.post(url, {"mark_as_active": "True"})
    member.refresh_from_db()
    assert member.is_active
    assert credentials.working() == NONE_WORKING


def test_other_account_changes_leave_tokens_alone(client, member):
    credentials = Credentials(member)
    client.force_login(member)
    client.post("/account/preferences/", {"notify_updates": ""})
    assert credentials.working() == ALL_WORKING


# --- Reauthentication before a token is made ----------------------------------------------


def test_creating_a_token_asks_for_the_password_again(client, member):
    client.force_login(member)
    response = client.post("/account/api-tokens/", {"name": "statistics script"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert not APIToken.objects.filter(user=member).exists()

    # A wrong password makes nothing.
    wrong = client.post(response["Location"], {"password": "not-the-password"})
    assert wrong.status_code == 200
    assert not APIToken.objects.filter(user=member).exists()

    # The right one finishes the creation that was asked for.
    response = client.post(response["Location"], {"password": PASSWORD}, follow=True)
    assert response.status_code == 200
    token = APIToken.objects.get(user=member)
    assert token.name == "statistics script"
    plaintext = soup_of(response).select_one("#new-token")["value"]
    assert api_me(plaintext).status_code == 200


def test_a_recent_reauthentication_is_not_asked_again(client, member):
    client.force_login(member)
    reauthenticate(client)
    response = client.post("/account/api-tokens/", {"name": "first"})
    assert response["Location"] == "/account/preferences/"
    response = client.post("/account/api-tokens/", {"name": "second"})
    assert response["Location"] == "/account/preferences/"
    assert APIToken.objects.filter(user=member).count() == 2


def test_the_wagtail_admin_token_page_asks_for_the_password_again(client, admin, member):
    client.force_login(admin)
    response = client.post("/admin/api-tokens/new/", {"name": "for a colleague", "user": member.pk})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert not APIToken.objects.exists()

    response = client.post(response["Location"], {"password": PASSWORD})
    assert response.status_code == 200  # Wagtail's "token created" page, shown once
    token = APIToken.objects.get()
    assert (token.user, token.name) == (member, "for a colleague")
    shown = [field.get("value", "") for field in soup_of(response).select("input")]
    assert any(value.startswith(token.prefix) for value in shown)

    # Within the reauthentication window the page opens directly.
    assert client.get("/admin/api-tokens/new/").status_code == 200
