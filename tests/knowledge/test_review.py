"""The review cycle: overdue banner, the editors' dashboard panel, the monthly reminder email
(once per country and month) and "mark as reviewed"."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from knowledge.models import ReviewReminder
from knowledge.tasks import remind_overdue_fact_sheets
from tests.factories import user_in
from tests.helpers import soup_of
from tests.knowledge.factories import make_sheet

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def sheets():
    with time_machine.travel(NOW, tick=False):
        return {
            "be_overdue": make_sheet("BE", "hot-pursuit", last_reviewed=datetime.date(2025, 9, 1)),
            "be_soon": make_sheet("BE", "arms", last_reviewed=datetime.date(2025, 12, 10)),
            "be_fresh": make_sheet("BE", "languages", last_reviewed=datetime.date(2026, 10, 1)),
            "de_overdue": make_sheet(
                "DE",
                "hot-pursuit",
                last_reviewed=datetime.date(2026, 1, 5),
                review_interval_months=6,
            ),
        }


def panel(client):
    return soup_of(client.get("/")).find(id="panel-fact-sheets-to-review")


@time_machine.travel(NOW, tick=False)
def test_editor_panel_lists_own_country_overdue_and_due_soon(client, sheets):
    client.force_login(user_in("BE", "editor"))
    section = panel(client)
    assert section is not None
    titles = [a.get_text() for a in section.select("#sheets-to-review a")]
    assert titles == [sheets["be_overdue"].title, sheets["be_soon"].title]
    items = section.select("#sheets-to-review li")
    assert "overdue" in items[0].get_text() and "overdue" not in items[1].get_text()


@time_machine.travel(NOW, tick=False)
def test_admin_panel_lists_every_country(client, sheets, admin):
    client.force_login(admin)
    titles = {a.get_text() for a in panel(client).select("#sheets-to-review a")}
    assert {sheets["be_overdue"].title, sheets["de_overdue"].title} <= titles
    assert sheets["be_fresh"].title not in titles


@time_machine.travel(NOW, tick=False)
def test_officers_see_no_review_panel(client, sheets, officer_be):
    client.force_login(officer_be)
    assert panel(client) is None


def test_monthly_reminder_once_per_country_and_month(sheets):
    editor_be = user_in("BE", "editor", email="editor.be@example.eu")
    editor_de = user_in("DE", "editor", email="editor.de@example.eu")
    user_in("BE", "officer", email="officer.be@example.eu")
    mail.outbox.clear()
    with time_machine.travel(NOW, tick=False):
        remind_overdue_fact_sheets.enqueue()
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {editor_be.email, editor_de.email}
    be = by_recipient[editor_be.email]
    assert "1 fact sheet of Belgium to review" in be.subject
    assert sheets["be_overdue"].title in be.body
    assert sheets["be_soon"].title not in be.body  # due soon is not overdue
    assert f"http://testserver{sheets['be_overdue'].url}" in be.body
    assert sheets["de_overdue"].title in by_recipient[editor_de.email].body

    # Again in the same month: nothing new.
    mail.outbox.clear()
    with time_machine.travel(NOW + datetime.timedelta(days=3), tick=False):
        call_command("send_review_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert mail.outbox == []
    assert ReviewReminder.objects.filter(month=datetime.date(2026, 11, 1)).count() == 2

    # Next month they are reminded again (the Belgian "due soon" sheet is overdue by then).
    with time_machine.travel(
        datetime.datetime(2026, 12, 15, 9, 0, tzinfo=datetime.UTC), tick=False
    ):
        remind_overdue_fact_sheets.enqueue()
    be = next(m for m in mail.outbox if m.to == [editor_be.email])
    assert "2 fact sheets of Belgium to review" in be.subject


def test_no_editors_no_record(sheets):
    mail.outbox.clear()
    with time_machine.travel(NOW, tick=False):
        remind_overdue_fact_sheets.enqueue()
    assert mail.outbox == []
    # A country whose editor arrives later in the month still gets its reminder.
    assert not ReviewReminder.objects.exists()


def test_mark_reviewed_by_own_editor(client, sheets):
    editor = user_in("BE", "editor")
    client.force_login(editor)
    sheet = sheets["be_overdue"]
    with time_machine.travel(NOW, tick=False):
        assert soup_of(client.get(sheet.url)).find(id="review-overdue")
        response = client.post(f"/knowledge/factsheets/{sheet.pk}/reviewed/")
        assert response.status_code == 302
        sheet.refresh_from_db()
        assert sheet.last_reviewed == datetime.date(2026, 11, 23)
        assert sheet.live and not sheet.has_unpublished_changes
        assert soup_of(client.get(sheet.url)).find(id="review-overdue") is None
        # Another country's sheet: forbidden, nothing changes. (Still at NOW: the session's
        # last activity is NOW, and the real clock may be more than the idle timeout later.)
        response = client.post(f"/knowledge/factsheets/{sheets['de_overdue'].pk}/reviewed/")
        assert response.status_code == 403
    sheets["de_overdue"].refresh_from_db()
    assert sheets["de_overdue"].last_reviewed == datetime.date(2026, 1, 5)


def test_mark_reviewed_refused_while_changes_wait(client, sheets):
    editor = user_in("BE", "editor")
    sheet = sheets["be_overdue"]
    draft = sheet.get_latest_revision_as_object()
    draft.summary = "Pending change."
    draft.save_revision(user=editor)
    client.force_login(editor)
    response = client.post(f"/knowledge/factsheets/{sheet.pk}/reviewed/", follow=True)
    assert "waiting for review" in response.content.decode()
    sheet.refresh_from_db()
    assert sheet.last_reviewed == datetime.date(2025, 9, 1)


def test_readers_cannot_mark_reviewed(client, sheets, officer_be):
    client.force_login(officer_be)
    sheet = sheets["be_overdue"]
    assert client.post(f"/knowledge/factsheets/{sheet.pk}/reviewed/").status_code == 403
    assert not soup_of(client.get(sheet.url)).find("button", string=lambda s: s and "reviewed" in s)


@time_machine.travel(NOW, tick=False)
def test_knowledge_reviewers_see_every_country(client, sheets):
    from django.contrib.auth.models import Group

    reviewer = user_in("IE", "officer")
    reviewer.groups.add(Group.objects.get(name="Knowledge reviewers"))
    client.force_login(reviewer)
    titles = {a.get_text() for a in panel(client).select("#sheets-to-review a")}
    assert {sheets["be_overdue"].title, sheets["de_overdue"].title} <= titles
