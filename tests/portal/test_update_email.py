"""Members who opted in get one email per published update, sent by a django-tasks task (not
inside the publishing request), never twice for the same update; scheduled updates email
when they actually go live."""

import datetime

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_tasks import task_backends

from portal.models import UpdateIndexPage, UpdateNotification, UpdatePage
from portal.tasks import send_update_notification
from tests.factories import user_in

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=datetime.UTC)


def draft_update(slug="budapest-meeting", title="Network meeting in Budapest", **fields):
    index = UpdateIndexPage.objects.get()
    page = UpdatePage(
        title=title,
        slug=slug,
        date=datetime.date(2026, 11, 20),
        summary="The Presidency invites the Heads of SPOC.",
        body="<p>Details.</p>",
        **fields,
    )
    index.add_child(instance=page)
    return page


def publish(page, user=None):
    page.save_revision(user=user).publish(user=user)
    page.refresh_from_db()
    return page


@pytest.fixture
def members(db):
    return {
        "de": user_in("DE", "officer", email="officer.de@example.eu"),
        "fr": user_in("FR", "head", email="head.fr@example.eu"),
        "opted_out": user_in("NL", "officer", email="quiet.nl@example.eu", notify_updates=False),
        "disabled": user_in("AT", "officer", email="gone.at@example.eu", is_active=False),
    }


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def test_publication_emails_opted_in_active_members_one_message_each(
    members, django_capture_on_commit_callbacks
):
    page = draft_update()
    with django_capture_on_commit_callbacks(execute=True):
        publish(page)

    assert recipients() == ["head.fr@example.eu", "officer.de@example.eu"]
    for message in mail.outbox:
        assert len(message.to) == 1
        assert not message.cc and not message.bcc
        assert message.subject == "[SPOC Network] Network meeting in Budapest"
        assert "http://testserver/updates/budapest-meeting/" in message.body
        assert "http://testserver/account/preferences/" in message.body
        # No other member's address appears in anyone's message.
        others = {"head.fr@example.eu", "officer.de@example.eu"} - set(message.to)
        assert not any(address in message.body for address in others)
    notification = UpdateNotification.objects.get(page_id=page.pk)
    assert notification.sent_at is not None
    assert notification.recipient_count == 2


def test_republishing_does_not_email_again(members, django_capture_on_commit_callbacks):
    page = draft_update()
    with django_capture_on_commit_callbacks(execute=True):
        publish(page)
    assert len(mail.outbox) == 2

    page.summary = "Corrected venue."
    with django_capture_on_commit_callbacks(execute=True):
        publish(page)
    # Unpublish and publish again: still no second email.
    page.unpublish()
    with django_capture_on_commit_callbacks(execute=True):
        publish(UpdatePage.objects.get(pk=page.pk))
    assert len(mail.outbox) == 2


def test_email_is_a_background_task_not_sent_in_the_request(
    members, settings, client, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    backend = task_backends["default"]
    page = draft_update()
    approver = user_in("IE", "presidency_approver", notify_updates=False)
    client.force_login(approver)
    page.save_revision(user=approver)

    # Publish through the admin's edit view, as the approver would.
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

    data = nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "date": "2026-11-20",
            "audience": "network",
            "summary": page.summary,
            "body": rich_text("<p>Details.</p>"),
            "documents": inline_formset([]),
            "action-publish": "Publish",
        }
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/pages/{page.pk}/edit/", data)
    assert response.status_code == 302
    assert UpdatePage.objects.live().filter(pk=page.pk).exists()

    # Nothing was mailed during the request; the task waits in the queue.
    assert mail.outbox == []
    queued = [r for r in backend.results if r.task.name == send_update_notification.name]
    assert len(queued) == 1
    assert queued[0].kwargs == {"page_id": page.pk}

    # The worker runs it: now the members get their email.
    queued[0].task.call(*queued[0].args, **queued[0].kwargs)
    assert recipients() == ["head.fr@example.eu", "officer.de@example.eu"]

    # A duplicate task (e.g. a retry) sends nothing more.
    assert send_update_notification.call(page_id=page.pk) == 0
    assert len(mail.outbox) == 2


def test_immediate_backend_delivers_on_publication(members, django_capture_on_commit_callbacks):
    page = draft_update()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        publish(page)
    assert callbacks, "the email is queued after the transaction commits"
    assert len(mail.outbox) == 2


def test_opting_out_on_preferences_page_stops_emails(members):
    member = members["de"]
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    page = client.get("/account/preferences/")
    assert page.status_code == 200
    soup = BeautifulSoup(page.content, "html.parser")
    checkbox = soup.find("input", attrs={"name": "notify_updates"})
    assert checkbox is not None and checkbox.has_attr("checked")
    form = checkbox.find_parent("form")
    token = form.find("input", attrs={"name": "csrfmiddlewaretoken"})["value"]
    # What a browser sends with the box unticked: only the CSRF token.
    response = client.post("/account/preferences/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.notify_updates is False

    update = draft_update()
    publish(update)  # queued on commit; run the task as the worker would
    send_update_notification.call(page_id=update.pk)
    assert "officer.de@example.eu" not in recipients()
    assert "head.fr@example.eu" in recipients()


@time_machine.travel(NOW, tick=False)
def test_scheduled_update_goes_live_and_emails_when_its_time_comes(
    members, django_capture_on_commit_callbacks
):
    go_live = NOW + datetime.timedelta(hours=3)
    page = draft_update(go_live_at=go_live)
    with django_capture_on_commit_callbacks(execute=True):
        publish(page)
    # Scheduled, not live: not listed, and nobody is emailed yet.
    assert not page.live
    assert not UpdatePage.objects.live().filter(pk=page.pk).exists()
    assert mail.outbox == []

    # Before its time, the scheduler leaves it alone.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("publish_scheduled", verbosity=0)
    assert not UpdatePage.objects.get(pk=page.pk).live
    assert mail.outbox == []

    with time_machine.travel(go_live + datetime.timedelta(minutes=1), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("publish_scheduled", verbosity=0)
        page = UpdatePage.objects.get(pk=page.pk)
        assert page.live
        assert page.first_published_at >= go_live
        assert timezone.now() > go_live
    assert recipients() == ["head.fr@example.eu", "officer.de@example.eu"]


@time_machine.travel(NOW, tick=False)
def test_scheduled_update_is_not_visible_before_it_goes_live(client, members):
    page = draft_update(go_live_at=NOW + datetime.timedelta(days=1))
    publish(page)
    client.force_login(members["de"])
    assert client.get("/updates/budapest-meeting/").status_code == 404
    assert "Network meeting in Budapest" not in client.get("/updates/").content.decode()


def test_email_link_uses_the_portal_address_with_several_sites(
    members, settings, django_capture_on_commit_callbacks
):
    from wagtail.models import Site

    settings.WAGTAILADMIN_BASE_URL = "https://spoc.example.eu"
    # A second host name for the same portal (e.g. an internal address).
    Site.objects.create(
        hostname="portal.internal", root_page=Site.objects.get().root_page, is_default_site=False
    )
    page = draft_update(title="Agenda & venue")
    with django_capture_on_commit_callbacks(execute=True):
        publish(page)
    body = mail.outbox[0].body
    assert "Read it (log in first): https://spoc.example.eu/updates/budapest-meeting/\n" in body
    assert "Agenda & venue" in body  # plain text: not HTML-escaped
    assert "for The network" in body
