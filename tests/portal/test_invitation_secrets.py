"""The invitation link's secret never rests in the database: the email task is queued with
the invitation's id alone (django-tasks-db keeps task arguments and results after the run),
the task mints the secret and stores its hash, and the session holds only that hash."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import connection
from django.test import Client, TestCase
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from portal import services
from portal.models import Invitation, Organisation, User

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-and-unusual-passphrase-42"


@pytest.fixture
def database_tasks(settings):
    """The production task backend: tasks wait in the database until a worker runs them."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker():
    """What `manage.py db_worker --batch` does with each waiting task (without its
    connection housekeeping, which would end the test's transaction)."""
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    ran = 0
    for result in DBTaskResult.objects.ready():
        result.claim(worker.worker_id)
        worker.run_task(result)
        ran += 1
    return ran


def database_text():
    """Every value of every table, as text, plus the decoded contents of every session."""
    values = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, (bytes, memoryview)):
                        value = bytes(value).decode("utf-8", "replace")
                    if value is not None:
                        values.append(str(value))
    values.extend(repr(session.get_decoded()) for session in Session.objects.all())
    return "\n".join(values)


def invite(client, email="ines@police.example"):
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            "/people/invite/",
            {
                "email": email,
                "organisation": Organisation.objects.get(slug="spoc-be").pk,
                "roles": ["officer"],
            },
        )
    assert response.status_code == 302
    return Invitation.objects.get(email=email)


def token_in(message):
    match = re.search(r"http://testserver/invitations/([^/\s]+)/", message.body)
    assert match, message.body
    return match.group(1)


def test_the_task_is_queued_with_the_invitation_id_only(client, head_be, database_tasks):
    client.force_login(head_be)
    invitation = invite(client)
    (queued,) = DBTaskResult.objects.all()
    assert queued.args_kwargs == {"args": [], "kwargs": {"invitation_id": invitation.pk}}
    assert mail.outbox == []  # nothing is sent until the worker runs
    # No link works before the task has minted one.
    assert not invitation.token_hash.isalnum()


def test_the_raw_token_is_nowhere_in_the_database_and_the_link_works(
    client, head_be, database_tasks
):
    client.force_login(head_be)
    invitation = invite(client)
    assert run_worker() == 1
    (message,) = mail.outbox
    token = token_in(message)
    assert len(token) >= 40
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert token not in database_text()

    # The person opens the link: the session holds the hash, not the secret.
    browser = Client()
    response = browser.get(f"/invitations/{token}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/signup/")
    assert token not in database_text()

    # And signs up: the account is made in the invited organisation, logged in.
    response = browser.post(
        "/accounts/signup/",
        {
            "email": "ines@police.example",
            "first_name": "Ines",
            "last_name": "Peeters",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
        follow=True,
    )
    user = User.objects.get(email="ines@police.example")
    assert response.wsgi_request.user == user
    assert user.organisation.slug == "spoc-be"
    assert user.role_codes == {"officer"}
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    assert token not in database_text()


def test_an_invitation_revoked_before_the_worker_runs_sends_nothing(
    client, head_be, database_tasks
):
    client.force_login(head_be)
    invitation = invite(client)
    services.invitation_revoke(actor=head_be, invitation=invitation)
    assert run_worker() == 1
    assert mail.outbox == []


def test_a_second_run_of_the_task_replaces_the_link(client, head_be):
    """A retried task mints a new secret: the newest email's link works, the older one not."""
    from portal.tasks import send_invitation_email

    client.force_login(head_be)
    invitation = invite(client)
    send_invitation_email.call(invitation_id=invitation.pk)
    first, second = (token_in(message) for message in mail.outbox)
    assert first != second
    browser = Client()
    assert browser.get(f"/invitations/{first}/").status_code == 404
    assert browser.get(f"/invitations/{second}/").status_code == 302
