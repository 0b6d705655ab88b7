"""`manage.py seed_demo` creates one demo user per role and a few updates, idempotently."""

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from wagtail.models import Page, Revision

from portal.demo import DEMO_PASSWORD, DEMO_USERS
from portal.models import Role, UpdateNotification, UpdatePage, User

pytestmark = pytest.mark.django_db


def counts():
    return {
        "users": User.objects.count(),
        "emails": EmailAddress.objects.count(),
        "pages": Page.objects.count(),
        "updates": UpdatePage.objects.live().count(),
        "revisions": Revision.objects.count(),
        "notifications": UpdateNotification.objects.count(),
        "memberships": User.groups.through.objects.count(),
    }


def test_seed_demo_is_idempotent(capsys):
    before = counts()
    call_command("seed_demo", "--force")
    first = counts()
    output = capsys.readouterr().out
    call_command("seed_demo", "--force")
    second = counts()

    assert first["users"] == before["users"] + len(DEMO_USERS)
    assert first["updates"] == before["updates"] + 3
    assert second == first
    assert "admin@example.eu" in output
    assert DEMO_PASSWORD in output


def test_seed_demo_creates_a_user_for_each_role():
    call_command("seed_demo", "--force")
    held = set()
    for email, *_ in DEMO_USERS:
        user = User.objects.get(email=email)
        assert user.check_password(DEMO_PASSWORD)
        assert EmailAddress.objects.get(user=user).verified
        held |= set(user.role_codes)
    assert held == set(Role.values)


def test_seed_demo_users_can_log_in_and_see_the_updates(client):
    call_command("seed_demo", "--force")
    response = client.post(
        "/accounts/login/", {"login": "officer.be@example.eu", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    page = client.get("/updates/")
    assert page.status_code == 200
    assert "Heads of SPOC meeting in Dublin" in page.content.decode()


def test_seed_demo_keeps_changes_made_since(capsys):
    call_command("seed_demo", "--force")
    officer = User.objects.get(email="officer.be@example.eu")
    officer.first_name = "Renamed"
    officer.save(update_fields=["first_name"])
    call_command("seed_demo", "--force")
    officer.refresh_from_db()
    assert officer.first_name == "Renamed"


def test_seed_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not User.objects.filter(email="admin@example.eu").exists()


def test_seeding_emails_nobody(mailoutbox):
    """The demo updates are back-dated news: seeding must not mail every demo account."""
    call_command("seed_demo", "--force")
    assert mailoutbox == []
    assert UpdateNotification.objects.filter(sent_at__isnull=True).count() == 0
