"""What a Head of SPOC may do to accounts and invitations, and what only administrators may:
who disabled an account is recorded; an administrator's decision, another Head and other
people's invitations are out of a Head's reach; inviting an address tells nothing about
whether it has an account."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client, TestCase

from portal.models import Invitation, Organisation, User
from tests.factories import user_in
from tests.helpers import soup_of
from tests.portal.test_people import admin_edit_form_data

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 5, 4, 10, 30, tzinfo=ZoneInfo("Europe/Brussels"))
NEW_PASSWORD = "a-long-and-unusual-passphrase-42"


def refresh(user):
    user.refresh_from_db()
    user.__dict__.pop("_role_codes", None)
    return user


def person_row(client, person):
    """The People page's row of `person`: status text, and the actions offered."""
    soup = soup_of(client.get("/people/"))
    for row in soup.select("main table")[0].select("tbody tr"):
        cells = row.select("td")
        if cells[1].get_text(strip=True) == person.email:
            return {
                "status": cells[4].get_text(" ", strip=True),
                "actions": {
                    element.get_text(" ", strip=True).split(" ")[0]
                    for element in cells[5].select("a, button")
                },
                "note": cells[5].get_text(" ", strip=True),
            }
    raise AssertionError(f"{person.email} is not listed")


def set_active(client, person, active):
    return client.post(f"/people/{person.pk}/active/", {"active": "1" if active else "0"})


@pytest.fixture
def officer(db):
    return user_in("BE", "officer")


@pytest.fixture
def other_head_be(db):
    return user_in("BE", "head")


# --- Who disabled an account, and who may enable it again ---------------------------------


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_disabling_records_who_and_when_and_enabling_clears_it(client, head_be, officer, frozen):
    client.force_login(head_be)
    assert set_active(client, officer, False).status_code == 302
    officer = refresh(officer)
    assert not officer.is_active
    assert officer.disabled_by == head_be
    assert officer.disabled_at == NOW
    assert not officer.disabled_by_administrator
    row = person_row(client, officer)
    assert row["status"].startswith(f"Disabled by {head_be.get_full_name()}, 4 May 2026")
    assert "Enable" in row["actions"]

    # A Head may undo what a Head did.
    assert set_active(client, officer, True).status_code == 302
    officer = refresh(officer)
    assert officer.is_active
    assert (officer.disabled_by, officer.disabled_at) == (None, None)


def test_head_cannot_enable_an_account_an_administrator_disabled(client, head_be, admin, officer):
    admin_client = Client()
    admin_client.force_login(admin)
    set_active(admin_client, officer, False)
    officer = refresh(officer)
    assert (officer.disabled_by, officer.disabled_by_administrator) == (admin, True)

    client.force_login(head_be)
    row = person_row(client, officer)
    assert "(administrator)" in row["status"]
    assert "Enable" not in row["actions"]
    assert "Only an administrator can enable this account." in row["note"]
    # A forged request is refused, and neither does disabling again take the decision over.
    assert set_active(client, officer, True).status_code == 403
    set_active(client, officer, False)
    assert set_active(client, officer, True).status_code == 403
    officer = refresh(officer)
    assert not officer.is_active
    assert officer.disabled_by == admin

    # The administrator can.
    assert set_active(admin_client, officer, True).status_code == 302
    assert refresh(officer).is_active


def test_disabling_in_the_wagtail_admin_is_recorded_as_an_administrators(
    client, head_be, admin, officer, frozen
):
    admin_client = Client()
    admin_client.force_login(admin)
    data = admin_edit_form_data(soup_of(admin_client.get(f"/admin/users/edit/{officer.pk}/")))
    data.pop("is_active")
    assert admin_client.post(f"/admin/users/edit/{officer.pk}/", data).status_code == 302
    officer = refresh(officer)
    assert (officer.disabled_by, officer.disabled_at) == (admin, NOW)
    client.force_login(head_be)
    assert set_active(client, officer, True).status_code == 403
    assert not refresh(officer).is_active

    # Enabling it in the admin clears the record.
    data["is_active"] = ["on"]
    assert admin_client.post(f"/admin/users/edit/{officer.pk}/", data).status_code == 302
    officer = refresh(officer)
    assert officer.is_active
    assert officer.disabled_at is None


def test_bulk_disabling_in_the_wagtail_admin_is_recorded_as_an_administrators(
    client, head_be, admin, officer
):
    admin_client = Client()
    admin_client.force_login(admin)
    url = f"/admin/bulk/portal/user/set_active_state/?id={officer.pk}&next=/admin/users/"
    assert admin_client.post(url, {"mark_as_active": "False"}).status_code == 302
    officer = refresh(officer)
    assert officer.disabled_by == admin
    assert officer.disabled_by_administrator
    client.force_login(head_be)
    assert set_active(client, officer, True).status_code == 403
    admin_client.post(url, {"mark_as_active": "True"})
    officer = refresh(officer)
    assert officer.is_active
    assert officer.disabled_by is None


def test_an_account_disabled_without_a_record_is_for_administrators(client, head_be):
    """Accounts disabled before the record was kept: nobody knows who decided."""
    old = user_in("BE", "officer", is_active=False)
    client.force_login(head_be)
    assert "Enable" not in person_row(client, old)["actions"]
    assert set_active(client, old, True).status_code == 403
    assert not refresh(old).is_active


# --- Other Heads are for administrators ---------------------------------------------------


def test_head_cannot_disable_demote_or_edit_another_head(client, head_be, other_head_be):
    client.force_login(head_be)
    row = person_row(client, other_head_be)
    assert row["actions"] == set()
    assert "Managed by administrators." in row["note"]
    assert client.get(f"/people/{other_head_be.pk}/").status_code == 404
    response = client.post(f"/people/{other_head_be.pk}/", {"roles": ["officer"]})
    assert response.status_code == 404
    assert set_active(client, other_head_be, False).status_code == 404
    other = refresh(other_head_be)
    assert other.is_active
    assert other.role_codes == {"head"}


def test_administrator_manages_heads(client, admin, other_head_be):
    client.force_login(admin)
    response = client.post(f"/people/{other_head_be.pk}/", {"roles": ["officer"]})
    assert response.status_code == 302
    assert refresh(other_head_be).role_codes == {"officer"}
    assert set_active(client, other_head_be, False).status_code == 302
    assert not refresh(other_head_be).is_active


def test_a_head_who_makes_someone_a_head_can_no_longer_touch_them(client, head_be, officer):
    client.force_login(head_be)
    response = client.post(f"/people/{officer.pk}/", {"roles": ["head", "officer"]})
    assert response.status_code == 302
    assert refresh(officer).role_codes == {"head", "officer"}
    assert client.get(f"/people/{officer.pk}/").status_code == 404


# --- Invitations: one's own only ----------------------------------------------------------


def invite(client, email, slug="spoc-be", roles=("officer",)):
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            "/people/invite/",
            {
                "email": email,
                "organisation": Organisation.objects.get(slug=slug).pk,
                "roles": list(roles),
            },
        )
    return response


def open_invitations(client):
    """The open invitations listed on the People page: email -> (invited by, can revoke)."""
    soup = soup_of(client.get("/people/"))
    tables = soup.select("main table")
    listed = {}
    if len(tables) > 1:
        for row in tables[1].select("tbody tr"):
            cells = row.select("td")
            listed[cells[0].get_text(strip=True)] = (
                cells[3].get_text(strip=True),
                bool(row.select("button")),
            )
    return listed


def link_in(message):
    match = re.search(r"http://testserver(/invitations/[^/\s]+/)", message.body)
    return match.group(1) if match else None


def test_head_may_revoke_only_invitations_they_issued(client, head_be, other_head_be, admin):
    other = Client()
    other.force_login(other_head_be)
    invite(other, "theirs@example.eu")
    their_link = link_in(mail.outbox[-1])
    theirs = Invitation.objects.get(email="theirs@example.eu")
    client.force_login(head_be)
    invite(client, "mine@example.eu")
    mine = Invitation.objects.get(email="mine@example.eu")

    listed = open_invitations(client)
    assert listed["theirs@example.eu"] == (other_head_be.get_full_name(), False)
    assert listed["mine@example.eu"] == ("You", True)

    assert client.post(f"/people/invitations/{theirs.pk}/revoke/").status_code == 403
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    assert Client().get(their_link).status_code == 302  # still opens the sign-up

    assert client.post(f"/people/invitations/{mine.pk}/revoke/").status_code == 302
    mine.refresh_from_db()
    assert mine.revoked_at is not None

    # Administrators may revoke anyone's.
    admin_client = Client()
    admin_client.force_login(admin)
    assert admin_client.post(f"/people/invitations/{theirs.pk}/revoke/").status_code == 302
    theirs.refresh_from_db()
    assert theirs.revoked_at is not None


def test_inviting_an_address_someone_else_invited_leaves_their_invitation(
    client, head_be, other_head_be
):
    other = Client()
    other.force_login(other_head_be)
    invite(other, "wanted@example.eu")
    first_link = link_in(mail.outbox[-1])
    client.force_login(head_be)
    invite(client, "wanted@example.eu", roles=("editor",))
    second_link = link_in(mail.outbox[-1])

    open_ = Invitation.objects.filter(
        email="wanted@example.eu", revoked_at__isnull=True, accepted_at__isnull=True
    )
    assert {i.invited_by for i in open_} == {head_be, other_head_be}
    assert Client().get(first_link).status_code == 302

    # Inviting again replaces only one's own.
    invite(client, "wanted@example.eu", roles=("trainer",))
    assert {i.invited_by for i in open_.all()} == {head_be, other_head_be}
    assert Client().get(second_link).status_code == 410

    # The person accepts one: the account is made, the other link closes.
    browser = Client()
    browser.get(first_link)
    browser.post(
        "/accounts/signup/",
        {
            "email": "wanted@example.eu",
            "first_name": "W",
            "last_name": "A",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert refresh(User.objects.get(email="wanted@example.eu")).role_codes == {"officer"}
    assert not open_.all().exists()


# --- Inviting tells nothing about accounts ------------------------------------------------


def outcome(client, email):
    """What the inviting Head can observe: the answer, the message, the open invitations."""
    response = invite(client, email)
    messages = [str(m).replace(email, "<email>") for m in get_messages(response.wsgi_request)]
    listed = open_invitations(client)
    return {
        "status": response.status_code,
        "location": response.get("Location"),
        "messages": messages,
        "listed": email in listed or email.lower() in {e.lower() for e in listed},
    }


@pytest.mark.parametrize("existing_country", ["BE", "DE"])
def test_inviting_an_address_that_has_an_account_looks_like_any_invitation(
    client, head_be, existing_country
):
    existing = user_in(existing_country, "officer", email="known.person@police.example")
    client.force_login(head_be)

    for_new = outcome(client, "unknown.person@police.example")
    new_message = mail.outbox[-1]
    for_existing = outcome(client, "Known.Person@police.example")
    existing_message = mail.outbox[-1]

    assert for_new == for_existing
    assert for_existing["status"] == 302
    assert for_existing["messages"] == ["Invitation sent to <email>."]

    # The new person gets a link; the account's owner is told how to sign in instead, with no
    # link that could make a second account.
    assert link_in(new_message)
    assert existing_message.to == ["Known.Person@police.example"]
    assert link_in(existing_message) is None
    assert "already has an account" in existing_message.body
    assert "http://testserver/accounts/login/" in existing_message.body
    assert refresh(existing).organisation.country.code == existing_country
    assert User.objects.filter(email__iexact="known.person@police.example").count() == 1
