"""Invitation-only accounts: who may invite whom, the email, the sign-up it opens, and every
way a link stops working."""

import re
from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.utils import timezone

from portal import services
from portal.models import Invitation, Organisation, Role, User
from portal.selectors import hash_invitation_token
from tests.helpers import soup_of

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-and-unusual-passphrase-42"



def org(slug):
    return Organisation.objects.get(slug=slug)


def invite_via_form(client, *, email, organisation, roles, capture):
    """Submit the portal's invitation form; run on-commit work (the email task)."""
    with capture(execute=True):
        return client.post(
            "/people/invite/",
            {"email": email, "organisation": organisation.pk, "roles": roles},
        )


def link_from(message):
    match = re.search(r"http://testserver(/invitations/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def sign_up(client, link, *, email, password=NEW_PASSWORD, follow=True):
    response = client.get(link)
    assert response.status_code == 302
    return client.post(
        response["Location"].split("?")[0],
        {
            "email": email,
            "first_name": "Ines",
            "last_name": "Peeters",
            "password1": password,
            "password2": password,
        },
        follow=follow,
    )


def create_invitation(actor, email="new.person@example.eu", slug="spoc-be", roles=("officer",)):
    """Invite through the service and let the task send the email (it runs on commit);
    returns the invitation and the secret from the link in the email."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        invitation = services.invitation_create(
            actor=actor, email=email, organisation=org(slug), roles=list(roles)
        )
    message = mail.outbox[-1]
    assert message.to == [invitation.email]
    return invitation, link_from(message).split("/")[2]


# --- Who may invite ---------------------------------------------------------------------


def test_admin_invites_anyone_anywhere_with_any_role(
    client, admin, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(admin)
    response = invite_via_form(
        client,
        email="liaison@europol.example",
        organisation=org("europol"),
        roles=["agency", "admin"],
        capture=django_capture_on_commit_callbacks,
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="liaison@europol.example")
    assert invitation.organisation.slug == "europol"
    assert set(invitation.roles) == {"agency", "admin"}
    assert invitation.invited_by == admin
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["liaison@europol.example"]


def test_admin_invite_form_offers_every_organisation_and_role(client, admin):
    client.force_login(admin)
    soup = soup_of(client.get("/people/invite/"))
    options = {o["value"] for o in soup.select("select[name=organisation] option") if o["value"]}
    assert len(options) == Organisation.objects.count()
    roles = {i["value"] for i in soup.select("input[name=roles]")}
    assert roles == set(Role.values)


def test_head_invite_form_offers_own_spoc_and_head_roles_only(client, head_be):
    client.force_login(head_be)
    soup = soup_of(client.get("/people/invite/"))
    options = [o for o in soup.select("select[name=organisation] option") if o["value"]]
    assert [o["value"] for o in options] == [str(org("spoc-be").pk)]
    roles = {i["value"] for i in soup.select("input[name=roles]")}
    assert roles == {"head", "officer", "editor", "trainer"}


def test_head_invites_to_own_country(
    client, head_be, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(head_be)
    response = invite_via_form(
        client,
        email="Officer.New@Police.example",
        organisation=org("spoc-be"),
        roles=["officer", "editor"],
        capture=django_capture_on_commit_callbacks,
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.organisation.slug == "spoc-be"
    assert invitation.roles == ["editor", "officer"]
    # The list shows the open invitation.
    soup = soup_of(client.get("/people/"))
    open_rows = [
        row.get_text(" ", strip=True) for row in soup.select("table")[1].select("tbody tr")
    ]
    assert any("Officer.New@police.example" in row for row in open_rows)


@pytest.mark.parametrize(
    ("slug", "roles"),
    [
        ("spoc-de", ["officer"]),  # another country
        ("europol", ["officer"]),  # an agency
        ("spoc-be", ["admin"]),  # a role a head may not give
        ("spoc-be", ["presidency"]),
        ("spoc-be", ["officer", "presidency_approver"]),
    ],
)
def test_head_cannot_invite_outside_country_or_roles(
    client, head_be, mailoutbox, django_capture_on_commit_callbacks, slug, roles
):
    client.force_login(head_be)
    response = invite_via_form(
        client,
        email="someone@example.eu",
        organisation=org(slug),
        roles=roles,
        capture=django_capture_on_commit_callbacks,
    )
    assert response.status_code == 403
    assert not Invitation.objects.exists()
    assert mailoutbox == []


def test_officer_cannot_invite(client, officer_be):
    client.force_login(officer_be)
    assert client.get("/people/invite/").status_code == 403
    response = client.post(
        "/people/invite/",
        {"email": "x@example.eu", "organisation": org("spoc-be").pk, "roles": ["officer"]},
    )
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_an_administrator_inviting_an_existing_member_is_told(client, admin, officer_be):
    """Administrators see every account anyway; for Heads the answer is neutral (see
    tests/portal/test_account_powers.py)."""
    client.force_login(admin)
    response = client.post(
        "/people/invite/",
        {
            "email": officer_be.email.upper(),
            "organisation": org("spoc-be").pk,
            "roles": ["officer"],
        },
    )
    assert response.status_code == 200
    errors = soup_of(response).select(".form-errors, .error")
    assert any("already exists" in e.get_text() for e in errors)
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"email": "not-an-address", "organisation": "1", "roles": ["officer"]},
        {"email": "a@example.eu", "organisation": "999999", "roles": ["officer"]},
        {"email": "a@example.eu", "organisation": "abc", "roles": ["officer"]},
        {"email": "a@example.eu", "roles": ["officer"]},
        {"email": "a@example.eu", "organisation": "1"},
        {"email": "a@example.eu", "organisation": "1", "roles": ["no-such-role"]},
    ],
)
def test_bad_invitation_form_input_is_a_form_error(client, admin, data):
    client.force_login(admin)
    response = client.post("/people/invite/", data)
    assert response.status_code == 200
    assert soup_of(response).select(".error, .form-errors")
    assert not Invitation.objects.exists()


def test_a_new_invitation_to_the_same_address_replaces_the_open_one(admin):
    first, first_token = create_invitation(admin)
    second, second_token = create_invitation(admin)
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert second.revoked_at is None


# --- The email and the link ---------------------------------------------------------------


def test_invitation_email_goes_out_through_the_task_after_commit(
    admin, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitation = services.invitation_create(
            actor=admin,
            email="new.person@example.eu",
            organisation=org("spoc-be"),
            roles=["officer"],
        )
    # Nothing is sent inside the transaction; the task is queued when it commits.
    assert mailoutbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [invitation.email]
    assert "invited" in message.subject.lower()
    token = link_from(message).split("/")[2]
    # Only a hash of the secret is stored.
    invitation.refresh_from_db()
    assert token not in invitation.token_hash
    assert invitation.token_hash == hash_invitation_token(token)


def test_full_invitation_flow_creates_user_in_organisation_with_roles(
    client, head_be, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(head_be)
    invite_via_form(
        client,
        email="ines@police.example",
        organisation=org("spoc-be"),
        roles=["officer", "trainer"],
        capture=django_capture_on_commit_callbacks,
    )
    client.logout()
    link = link_from(mailoutbox[0])

    response = client.get(link)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/signup/")

    page = client.get(response["Location"])
    assert page.status_code == 200
    email_input = soup_of(page).select_one("input[name=email]")
    assert email_input["value"] == "ines@police.example"
    assert email_input.has_attr("readonly")

    response = sign_up(client, link, email="ines@police.example")
    assert response.status_code == 200
    user = User.objects.get(email="ines@police.example")
    assert user.organisation.slug == "spoc-be"
    assert user.role_codes == {"officer", "trainer"}
    assert user.first_name == "Ines"
    assert user.check_password(NEW_PASSWORD)
    assert EmailAddress.objects.get(user=user).verified
    # Logged in and on the dashboard.
    assert response.wsgi_request.user == user
    assert response.redirect_chain[-1][0] == "/"
    invitation = Invitation.objects.get(email="ines@police.example")
    assert invitation.accepted_by == user
    assert invitation.accepted_at is not None


def test_link_is_single_use(client, admin):
    _invitation, token = create_invitation(admin)
    link = f"/invitations/{token}/"
    sign_up(client, link, email="new.person@example.eu")
    assert User.objects.filter(email="new.person@example.eu").count() == 1
    client.logout()

    again = client.get(link)
    assert again.status_code == 410
    soup = soup_of(again)
    assert "can no longer be used" in soup.select_one("main h1").get_text()
    assert "already been used" in soup.select_one(".invitation-reason").get_text()
    # A stale form submitted from a second browser creates nothing.
    other = client.__class__()
    response = other.post(
        "/accounts/signup/",
        {
            "email": "new.person@example.eu",
            "first_name": "X",
            "last_name": "Y",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert "Sign Up Closed" in soup_of(response).select_one("main h1").get_text()
    assert User.objects.filter(email="new.person@example.eu").count() == 1


def test_two_browsers_opening_the_same_link_make_one_account(client, admin):
    _invitation, token = create_invitation(admin)
    link = f"/invitations/{token}/"
    second = client.__class__()
    second.get(link)  # opened, form not yet submitted
    sign_up(client, link, email="new.person@example.eu")
    response = second.post(
        "/accounts/signup/",
        {
            "email": "new.person@example.eu",
            "first_name": "X",
            "last_name": "Y",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code < 500
    assert User.objects.filter(email="new.person@example.eu").count() == 1
    assert not response.wsgi_request.user.is_authenticated


def test_expired_link_shows_a_clear_message(client, admin, settings):
    _invitation, token = create_invitation(admin)
    later = timezone.now() + timedelta(days=settings.PORTAL_INVITATION_DAYS, minutes=1)
    with time_machine.travel(later, tick=False):
        response = client.get(f"/invitations/{token}/")
    assert response.status_code == 410
    assert soup_of(response).select_one(".invitation-reason").get_text(strip=True) == (
        "This invitation has expired."
    )
    assert not User.objects.filter(email="new.person@example.eu").exists()


def test_link_still_works_just_before_expiry(client, admin, settings):
    _invitation, token = create_invitation(admin)
    almost = timezone.now() + timedelta(days=settings.PORTAL_INVITATION_DAYS, minutes=-1)
    with time_machine.travel(almost, tick=False):
        assert client.get(f"/invitations/{token}/").status_code == 302


def test_link_expiring_while_the_form_is_open_creates_nothing(client, admin, settings):
    _invitation, token = create_invitation(admin)
    assert client.get(f"/invitations/{token}/").status_code == 302
    later = timezone.now() + timedelta(days=settings.PORTAL_INVITATION_DAYS, hours=1)
    with time_machine.travel(later, tick=False):
        response = client.post(
            "/accounts/signup/",
            {
                "email": "new.person@example.eu",
                "first_name": "X",
                "last_name": "Y",
                "password1": NEW_PASSWORD,
                "password2": NEW_PASSWORD,
            },
        )
    assert response.status_code < 500
    assert not User.objects.filter(email="new.person@example.eu").exists()


def test_revoked_invitation_does_not_work(client, head_be):
    invitation, token = create_invitation(head_be)
    client.force_login(head_be)
    response = client.post(f"/people/invitations/{invitation.pk}/revoke/")
    assert response.status_code == 302
    client.logout()
    response = client.get(f"/invitations/{token}/")
    assert response.status_code == 410
    assert "withdrawn" in soup_of(response).select_one(".invitation-reason").get_text()


def test_head_cannot_revoke_another_countrys_invitation(client, head_be, head_de):
    invitation, _token = create_invitation(head_de, slug="spoc-de")
    client.force_login(head_be)
    response = client.post(f"/people/invitations/{invitation.pk}/revoke/")
    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


# --- Sign-up stays closed otherwise --------------------------------------------------------


def test_signup_without_invitation_is_closed(client):
    response = client.get("/accounts/signup/")
    assert response.status_code == 200
    soup = soup_of(response)
    assert "Sign Up Closed" in soup.select_one("main h1").get_text()
    assert "by invitation only" in soup.select_one("main").get_text()
    assert not soup.select("input[name=password1]")
    response = client.post(
        "/accounts/signup/",
        {
            "email": "intruder@example.eu",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "first_name": "I",
            "last_name": "N",
        },
    )
    assert not User.objects.filter(email="intruder@example.eu").exists()


def test_signing_up_with_another_address_is_refused(client, admin):
    _invitation, token = create_invitation(admin)
    response = sign_up(client, f"/invitations/{token}/", email="someone.else@example.eu")
    assert response.status_code == 200
    errors = soup_of(response).select_one("#id_email_error").get_text(strip=True)
    assert errors == "Sign up with the address the invitation was sent to."
    assert not User.objects.filter(email="someone.else@example.eu").exists()
    assert not User.objects.filter(email="new.person@example.eu").exists()
    assert not response.wsgi_request.user.is_authenticated


def test_logged_in_user_opening_an_invitation_is_not_switched(client, admin, officer_be):
    _invitation, token = create_invitation(admin)
    client.force_login(officer_be)
    response = client.get(f"/invitations/{token}/", follow=True)
    assert response.wsgi_request.user == officer_be
    assert not User.objects.filter(email="new.person@example.eu").exists()


@pytest.mark.parametrize(
    "token",
    [
        "x",
        "forged-token-that-never-existed",
        "A" * 500,
        "%00",
        "%E2%98%83",
        "'%20OR%201=1--",
    ],
)
def test_malformed_or_forged_tokens_get_a_clear_404(client, admin, token):
    create_invitation(admin)  # a real invitation exists; the forged token must not match it
    response = client.get(f"/invitations/{token}/")
    assert response.status_code == 404
    soup = soup_of(response)
    assert "can no longer be used" in soup.select_one("main h1").get_text()
    assert "not a valid invitation" in soup.select_one(".invitation-reason").get_text()
    assert "portal_invitation_hash" not in client.session


def test_token_with_a_slash_does_not_reach_the_view(client):
    response = client.get("/invitations/..%2F..%2Fetc/")
    assert response.status_code == 404


def test_invitation_used_up_during_submission_saves_nothing(client, admin, monkeypatch):
    """The race the sign-up view cannot see: the link is used elsewhere between the view's
    check and saving. The person gets the clear page, no half-made account remains."""
    invitation, token = create_invitation(admin)
    client.get(f"/invitations/{token}/")
    services.invitation_revoke(actor=admin, invitation=invitation)
    monkeypatch.setattr(
        "portal.adapters.PortalAccountAdapter.is_open_for_signup", lambda self, request: True
    )
    monkeypatch.setattr("portal.adapters.invitation_in_session", lambda request: invitation)
    response = client.post(
        "/accounts/signup/",
        {
            "email": "new.person@example.eu",
            "first_name": "X",
            "last_name": "Y",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 410
    assert "withdrawn" in soup_of(response).select_one(".invitation-reason").get_text()
    assert not User.objects.filter(email="new.person@example.eu").exists()
    assert not EmailAddress.objects.filter(email="new.person@example.eu").exists()


def test_inviting_an_address_another_member_added_is_refused(admin, officer_be):
    EmailAddress.objects.create(user=officer_be, email="second@police.example", verified=False)
    with pytest.raises(ValidationError):
        create_invitation(admin, email="Second@Police.example")
    assert not Invitation.objects.exists()


def test_people_page_lists_only_invitations_that_still_work(client, head_be, settings):
    services.invitation_create(
        actor=head_be, email="old@example.eu", organisation=org("spoc-be"), roles=["officer"]
    )
    later = timezone.now() + timedelta(days=settings.PORTAL_INVITATION_DAYS - 1)
    with time_machine.travel(later, tick=False):
        services.invitation_create(
            actor=head_be, email="fresh@example.eu", organisation=org("spoc-be"), roles=["editor"]
        )
    gone = services.invitation_create(
        actor=head_be, email="gone@example.eu", organisation=org("spoc-be"), roles=["officer"]
    )
    services.invitation_revoke(actor=head_be, invitation=gone)
    with time_machine.travel(later + timedelta(days=1, minutes=1), tick=False):
        client.force_login(head_be)
        soup = soup_of(client.get("/people/"))
    tables = soup.select("main table")
    listed = [row.select_one("td").get_text(strip=True) for row in tables[1].select("tbody tr")]
    assert listed == ["fresh@example.eu"]
