"""Password reset by email (never a way around MFA) and email change with verification."""

import pytest
from allauth.account.models import EmailAddress
from django.test import Client

from tests.factories import PASSWORD
from tests.helpers import soup_of
from tests.portal.auth_steps import (
    NEW_PASSWORD,
    link_in,
    request_reset,
    set_new_password,
    totp_code,
    user_with_totp,
)

pytestmark = pytest.mark.django_db


# --- Password reset ------------------------------------------------------------------------


def test_password_reset_email_lets_user_set_a_new_password(client, officer_be, mailoutbox):
    message = request_reset(client, officer_be.email, mailoutbox)
    assert message.to == [officer_be.email]
    assert message.subject.startswith("[SPOC Network] ")
    link = link_in(message, "/accounts/password/reset/key/")

    response = set_new_password(client, link)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/key/done/"
    officer_be.refresh_from_db()
    assert officer_be.check_password(NEW_PASSWORD)
    assert not officer_be.check_password(PASSWORD)

    # Not logged in by the reset.
    assert not client.get("/accounts/password/reset/key/done/").wsgi_request.user.is_authenticated
    assert client.get("/").status_code == 302

    # The new password works, the old does not.
    assert (
        client.post(
            "/accounts/login/", {"login": officer_be.email, "password": PASSWORD}
        ).status_code
        == 200
    )
    response = client.post(
        "/accounts/login/", {"login": officer_be.email, "password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_reset_link_works_once(client, officer_be, mailoutbox):
    link = link_in(
        request_reset(client, officer_be.email, mailoutbox), "/accounts/password/reset/key/"
    )
    set_new_password(client, link)
    other = Client()
    response = other.get(link, follow=True)
    assert response.status_code == 200
    page = soup_of(response)
    assert "Bad Token" in page.select_one("main h1").get_text()
    assert page.select_one("input[name=password1]") is None


def test_forged_reset_key_is_refused(client, officer_be):
    response = client.get("/accounts/password/reset/key/1-forged-key/", follow=True)
    assert response.status_code == 200
    assert "Bad Token" in soup_of(response).select_one("main h1").get_text()
    response = client.post(
        "/accounts/password/reset/key/1-forged-key/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert "Bad Token" in soup_of(response).select_one("main h1").get_text()
    officer_be.refresh_from_db()
    assert officer_be.check_password(PASSWORD)


def test_reset_for_unknown_address_sends_no_reset_link(client, mailoutbox, officer_be):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.eu"})
    # Same answer as for a member: no way to probe who has an account.
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/done/"
    for message in mailoutbox:
        assert "/accounts/password/reset/key/" not in message.body


def test_reset_page_is_reachable_without_login_and_from_admin_url(client):
    assert client.get("/accounts/password/reset/").status_code == 200
    response = client.get("/admin/password_reset/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/"


def test_password_reset_does_not_bypass_mfa(client, officer_be, mailoutbox, frozen):
    secret = user_with_totp(officer_be)
    frozen.shift(60)
    link = link_in(
        request_reset(client, officer_be.email, mailoutbox), "/accounts/password/reset/key/"
    )
    set_new_password(client, link)
    assert client.get("/").status_code == 302

    response = client.post(
        "/accounts/login/", {"login": officer_be.email, "password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/").status_code == 302
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_mismatched_new_passwords_show_an_error(client, officer_be, mailoutbox):
    link = link_in(
        request_reset(client, officer_be.email, mailoutbox), "/accounts/password/reset/key/"
    )
    form_url = client.get(link)["Location"]
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"})
    assert response.status_code == 200
    assert soup_of(response).select(".errorlist")
    officer_be.refresh_from_db()
    assert officer_be.check_password(PASSWORD)


# --- Email change ----------------------------------------------------------------------------


def test_email_change_takes_effect_only_after_verification(client, officer_be, mailoutbox):
    old = officer_be.email
    client.force_login(officer_be)
    page = soup_of(client.get("/accounts/email/"))
    assert page.select_one("#current_email")["value"] == old

    response = client.post(
        "/accounts/email/", {"action_add": "", "email": "new.address@police.example"}
    )
    assert response.status_code == 302
    officer_be.refresh_from_db()
    assert officer_be.email == old  # not yet
    message = mailoutbox[-1]
    assert message.to == ["new.address@police.example"]
    page = soup_of(client.get("/accounts/email/"))
    assert page.select_one("#new_email")["value"] == "new.address@police.example"

    # Logging in with the unverified address does not work yet; the old one still does.
    other = Client()
    other.post("/accounts/login/", {"login": "new.address@police.example", "password": PASSWORD})
    assert other.get("/").status_code == 302
    other.post("/accounts/login/", {"login": old, "password": PASSWORD})
    assert other.get("/").status_code == 200

    link = link_in(message, "/accounts/confirm-email/")
    confirm = client.get(link)
    assert confirm.status_code == 200
    response = client.post(link)
    assert response.status_code == 302

    officer_be.refresh_from_db()
    assert officer_be.email == "new.address@police.example"
    addresses = EmailAddress.objects.filter(user=officer_be)
    assert [(a.email, a.verified, a.primary) for a in addresses] == [
        ("new.address@police.example", True, True)
    ]
    fresh = Client()
    fresh.post("/accounts/login/", {"login": "new.address@police.example", "password": PASSWORD})
    assert fresh.get("/").status_code == 200


def test_email_change_to_an_address_in_use_is_refused(client, officer_be, head_be, mailoutbox):
    client.force_login(officer_be)
    response = client.post("/accounts/email/", {"action_add": "", "email": head_be.email})
    # allauth answers with a redirect back to the email page, as for a free address (the
    # form does not tell who has an account); nothing changes.
    assert response.status_code == 302
    assert response["Location"] == "/accounts/email/"
    officer_be.refresh_from_db()
    assert officer_be.email != head_be.email
    assert not EmailAddress.objects.filter(user=officer_be, email=head_be.email, verified=True)


def test_email_change_with_bad_input_shows_an_error(client, officer_be):
    client.force_login(officer_be)
    for data in ({"action_add": ""}, {"action_add": "", "email": "not-an-email"}):
        response = client.post("/accounts/email/", data)
        assert response.status_code == 200
        assert soup_of(response).select(".errorlist")
