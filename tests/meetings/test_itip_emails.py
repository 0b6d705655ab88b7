"""iTIP emails to registered participants: a REQUEST when a delegate takes a seat, a new
REQUEST with a higher SEQUENCE after each significant change, a CANCEL (same UID, higher
SEQUENCE, STATUS:CANCELLED) on cancellation or withdrawal, never the same sequence twice."""

import datetime

import pytest
from icalendar import Calendar

from meetings.models import CalendarMessageSent, MeetingPage
from meetings.services import (
    itip_update_participants,
    meeting_update,
    registration_swap,
    registration_withdraw,
)
from tests.factories import user_in
from tests.meetings.factories import DUBLIN, register

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _before_the_meeting(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 1, 12, 0, tzinfo=datetime.UTC), tick=False)


@pytest.fixture
def run_tasks(django_capture_on_commit_callbacks):
    """Run the tasks queued on commit (the immediate backend) inside the block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def calendar_parts(message):
    return [part for part in message.message().walk() if part.get_content_type() == "text/calendar"]


def event_of(message):
    (part,) = calendar_parts(message)
    calendar = Calendar.from_ical(part.get_payload(decode=True))
    (event,) = calendar.walk("VEVENT")
    return calendar, event, part



def test_a_confirmed_delegate_gets_a_request(client, meeting, head_be, mailoutbox, run_tasks):
    with run_tasks():
        register(head_be, meeting, "Ann")
    (message,) = mailoutbox
    assert message.to == ["ann@example.eu"]
    calendar, event, part = event_of(message)
    assert part["Content-Type"].startswith("text/calendar; method=REQUEST")
    assert "charset=utf-8" in part["Content-Type"]
    assert str(calendar["METHOD"]) == "REQUEST"
    client.force_login(head_be)
    download = Calendar.from_ical(client.get(f"/meetings/{meeting.pk}/meeting.ics").content)
    assert str(event["UID"]) == str(download.walk("VEVENT")[0]["UID"]) == meeting.ical_uid
    assert str(event["ORGANIZER"]).startswith("mailto:")
    assert event["ORGANIZER"].params["CN"] == "Ireland Presidency"
    assert str(event["ATTENDEE"]) == "mailto:ann@example.eu"
    assert event["ATTENDEE"].params["CN"] == "Ann"
    assert event["SEQUENCE"] == meeting.ical_sequence
    # the participant's invitation carries the online link
    assert "meet.example.eu/dublin" in str(event["DESCRIPTION"])


def test_waiting_list_gets_nothing_until_moving_up(meeting, head_be, mailoutbox, run_tasks):
    for name in ("Ann", "Bob", "Cid"):
        with run_tasks():
            register(head_be, meeting, name)
    assert sorted(m.to[0] for m in mailoutbox) == ["ann@example.eu", "bob@example.eu"]
    ann = meeting.registrations.get(name="Ann")
    mailoutbox.clear()
    with run_tasks():
        registration_withdraw(actor=head_be, registration=ann)
    methods = {m.to[0]: str(event_of(m)[0]["METHOD"]) for m in mailoutbox}
    assert methods == {"ann@example.eu": "CANCEL", "cid@example.eu": "REQUEST"}


def test_a_change_of_time_sends_a_higher_sequence_once(meeting, head_be, mailoutbox, run_tasks):
    with run_tasks():
        register(head_be, meeting, "Ann")
    with run_tasks():
        register(head_be, meeting, "Bob")
    first = event_of(mailoutbox[0])[1]["SEQUENCE"]
    mailoutbox.clear()
    with run_tasks():
        meeting_update(
            meeting=meeting,
            start=datetime.datetime(2026, 12, 3, 10, 0, tzinfo=DUBLIN),
        )
    assert sorted(m.to[0] for m in mailoutbox) == ["ann@example.eu", "bob@example.eu"]
    calendar, event, _ = event_of(mailoutbox[0])
    assert str(calendar["METHOD"]) == "REQUEST"
    assert event["SEQUENCE"] > first
    assert event["SEQUENCE"] == MeetingPage.objects.get(pk=meeting.pk).ical_sequence
    assert event.decoded("DTSTART").hour == 10
    mailoutbox.clear()
    # the same sequence is never sent again to the same address
    assert itip_update_participants(meeting_id=meeting.pk) == 0
    assert mailoutbox == []
    # a description-only edit is not announced
    with run_tasks():
        meeting_update(meeting=meeting, description="<p>New text</p>")
    assert mailoutbox == []


def test_a_change_of_place_is_announced(meeting, head_be, mailoutbox, run_tasks):
    with run_tasks():
        register(head_be, meeting, "Ann")
    mailoutbox.clear()
    with run_tasks():
        meeting_update(meeting=meeting, venue="Farmleigh House")
    (message,) = mailoutbox
    assert str(event_of(message)[1]["LOCATION"]) == "Farmleigh House"


def test_cancellation_sends_cancel_with_same_uid_and_higher_sequence(
    meeting, head_be, mailoutbox, run_tasks
):
    with run_tasks():
        register(head_be, meeting, "Ann")
    request_event = event_of(mailoutbox[0])[1]
    mailoutbox.clear()
    with run_tasks():
        meeting_update(meeting=meeting, status=MeetingPage.Status.CANCELLED)
    (message,) = mailoutbox
    calendar, event, part = event_of(message)
    assert part["Content-Type"].startswith("text/calendar; method=CANCEL")
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == str(request_event["UID"])
    assert event["SEQUENCE"] > request_event["SEQUENCE"]
    assert message.subject.endswith("Cancelled: Heads of SPOC meeting, Dublin")


def test_withdrawn_delegate_gets_a_cancel_for_themselves(meeting, head_be, mailoutbox, run_tasks):
    with run_tasks():
        ann = register(head_be, meeting, "Ann")
    with run_tasks():
        register(head_be, meeting, "Bob")
    sequence = event_of(mailoutbox[0])[1]["SEQUENCE"]
    mailoutbox.clear()
    with run_tasks():
        registration_withdraw(actor=head_be, registration=ann)
    (message,) = mailoutbox
    assert message.to == ["ann@example.eu"]
    calendar, event, _ = event_of(message)
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(event["ATTENDEE"]) == "mailto:ann@example.eu"
    assert event["SEQUENCE"] > sequence
    # registered again: a new REQUEST, at a sequence higher than the CANCEL's
    mailoutbox.clear()
    with run_tasks():
        register(head_be, meeting, "Ann")
    calendar, again, _ = event_of(mailoutbox[0])
    assert str(calendar["METHOD"]) == "REQUEST"
    assert again["SEQUENCE"] > event["SEQUENCE"]


def test_swap_cancels_the_old_delegate_and_invites_the_new(meeting, head_be, mailoutbox, run_tasks):
    with run_tasks():
        ann = register(head_be, meeting, "Ann")
    mailoutbox.clear()
    with run_tasks():
        registration_swap(actor=head_be, registration=ann, name="Zoe", email="zoe@example.eu")
    methods = {m.to[0]: str(event_of(m)[0]["METHOD"]) for m in mailoutbox}
    assert methods == {"ann@example.eu": "CANCEL", "zoe@example.eu": "REQUEST"}


def test_the_log_keeps_the_last_sequence_per_address(meeting, head_be, mailoutbox, run_tasks):
    with run_tasks():
        register(head_be, meeting, "Ann")
    with run_tasks():
        meeting_update(meeting=meeting, venue="Farmleigh House")
    log = CalendarMessageSent.objects.get(meeting=meeting, email="ann@example.eu")
    assert log.method == "REQUEST"
    assert log.sequence == MeetingPage.objects.get(pk=meeting.pk).ical_sequence
    sent = [event_of(m)[1]["SEQUENCE"] for m in mailoutbox]
    assert sent == sorted(set(sent))  # strictly increasing, never twice


def test_other_countries_delegates_are_not_told(meeting, head_be, mailoutbox, run_tasks):
    with run_tasks():
        register(head_be, meeting, "Ann")
    head_de = user_in("DE", "head")
    mailoutbox.clear()
    with run_tasks():
        register(head_de, meeting, "Dirk")
    assert [m.to for m in mailoutbox] == [["dirk@example.eu"]]
