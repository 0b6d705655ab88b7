"""Reminders by email (django-tasks): heads whose country has registered nobody, one week
before the registration deadline; confirmed participants, two days before the meeting. Each
reminder goes once; cancelled meetings get none."""

import datetime

import pytest
from django.core.management import call_command

from meetings.models import MeetingPage, ReminderSent
from meetings.services import meeting_update, registration_add
from meetings.tasks import send_meeting_reminders
from tests.factories import user_in
from tests.meetings.factories import make_meeting

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
DEADLINE = datetime.datetime(2026, 11, 20, 17, 0, tzinfo=UTC)
START = datetime.datetime(2026, 12, 3, 9, 30, tzinfo=UTC)  # the Dublin meeting (winter: UTC)


@pytest.fixture
def meeting(db):
    meeting = make_meeting()
    MeetingPage.objects.filter(pk=meeting.pk).update(registration_deadline=DEADLINE)
    return MeetingPage.objects.get(pk=meeting.pk)


@pytest.fixture
def heads(db):
    return {code: user_in(code, "head") for code in ("BE", "DE", "FR")}


def sent_to(mailoutbox, word):
    return sorted(m.to[0] for m in mailoutbox if word in m.subject)


def run_at(time_machine, when):
    time_machine.move_to(when, tick=False)
    return send_meeting_reminders.enqueue().return_value


def test_registration_reminder_a_week_before_to_heads_without_delegates(
    meeting, heads, mailoutbox, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 11, 1, tzinfo=UTC), tick=False)
    registration_add(
        actor=heads["BE"],
        meeting=meeting,
        name="Ann",
        email="ann@example.eu",
        attendance="in_person",
    )
    mailoutbox.clear()
    assert run_at(time_machine, DEADLINE - datetime.timedelta(days=7, minutes=1)) == 0
    assert mailoutbox == []
    run_at(time_machine, DEADLINE - datetime.timedelta(days=7))
    assert sent_to(mailoutbox, "Register your delegation") == sorted(
        [heads["DE"].email, heads["FR"].email]
    )
    message = mailoutbox[0]
    assert "Friday 20 November 2026, 17:00" in message.body
    assert meeting.url in message.body


def test_reminders_go_once(meeting, heads, mailoutbox, time_machine):
    run_at(time_machine, DEADLINE - datetime.timedelta(days=3))
    first = len(mailoutbox)
    assert first == 3
    assert run_at(time_machine, DEADLINE - datetime.timedelta(days=2)) == 0
    assert len(mailoutbox) == first
    assert ReminderSent.objects.filter(kind="registration").count() == 3


def test_no_registration_reminder_after_the_deadline(meeting, heads, mailoutbox, time_machine):
    run_at(time_machine, DEADLINE + datetime.timedelta(minutes=1))
    assert sent_to(mailoutbox, "Register your delegation") == []


def test_meeting_reminder_two_days_before_to_confirmed_participants(
    meeting, heads, mailoutbox, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 11, 1, tzinfo=UTC), tick=False)
    meeting.delegates_per_country = 1
    meeting.save(update_fields=["delegates_per_country"])
    for name in ("Ann", "Bob"):  # Bob waits
        registration_add(
            actor=heads["BE"],
            meeting=meeting,
            name=name,
            email=f"{name.lower()}@example.eu",
            attendance="remote",
        )
    mailoutbox.clear()
    run_at(time_machine, START - datetime.timedelta(days=2, minutes=1))
    assert sent_to(mailoutbox, "In two days") == []
    run_at(time_machine, START - datetime.timedelta(days=2))
    assert sent_to(mailoutbox, "In two days") == ["ann@example.eu"]
    run_at(time_machine, START - datetime.timedelta(days=1))
    assert sent_to(mailoutbox, "In two days") == ["ann@example.eu"]  # once
    mailoutbox.clear()
    run_at(time_machine, START + datetime.timedelta(minutes=1))
    assert mailoutbox == []


def test_cancelled_meetings_get_no_reminders(meeting, heads, mailoutbox, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 1, tzinfo=UTC), tick=False)
    registration_add(
        actor=heads["BE"],
        meeting=meeting,
        name="Ann",
        email="ann@example.eu",
        attendance="remote",
    )
    meeting_update(meeting=meeting, status=MeetingPage.Status.CANCELLED)
    mailoutbox.clear()
    run_at(time_machine, DEADLINE - datetime.timedelta(days=1))
    run_at(time_machine, START - datetime.timedelta(days=1))
    assert mailoutbox == []
    assert not ReminderSent.objects.exists()


def test_the_command_enqueues_the_task(meeting, heads, mailoutbox, time_machine):
    time_machine.move_to(DEADLINE - datetime.timedelta(days=1), tick=False)
    call_command("send_meeting_reminders")
    assert len(sent_to(mailoutbox, "Register your delegation")) == 3


def test_the_task_takes_an_explicit_time(meeting, heads, mailoutbox):
    registration_add(
        actor=heads["BE"],
        meeting=meeting,
        name="Ann",
        email="ann@example.eu",
        attendance="remote",
        now=datetime.datetime(2026, 11, 1, tzinfo=UTC),
    )
    mailoutbox.clear()
    when = (START - datetime.timedelta(hours=30)).isoformat()
    send_meeting_reminders.call(now=when)
    (message,) = [m for m in mailoutbox if "In two days" in m.subject]
    assert message.to == ["ann@example.eu"]
    assert "Online: https://meet.example.eu/dublin" in message.body  # a participant's reminder
