"""A meeting's whole life in a real browser, from date poll to approved minutes.

The Irish Presidency offers two dates; the Heads of SPOC of Belgium and Germany answer; the
Presidency picks the second date and the page shows it. Belgium proposes a topic concerning
Europol, Germany supports it, the Presidency accepts it into the agenda, which invites
Europol: the Europol user sees the item and registers a delegate, and each head registers
one. Every confirmed delegate receives an iTIP REQUEST. After the meeting the Presidency
records attendance, writes minutes and conclusions and gives Germany an action item; the
approver approves the minutes; the Head of SPOC of Belgium reads them, locked. axe-core finds
no serious violation on the meeting page at the end."""

import datetime
import email

import icalendar
import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from meetings.models import MeetingPage
from tests.browser.helpers import describe, log_in, log_out, run_axe, serious_violations
from tests.browser.meeting_steps import DUBLIN, answer_poll, meeting_cast, open_date_poll
from tests.meetings.factories import make_meeting

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
TOPIC = "Data quality of SIENA messages"


def register_delegate(page, meeting, name, address):
    page.goto(meeting.url)
    delegation = page.locator("#delegation")
    form = delegation.locator("#delegate-add")
    form.get_by_label("Name").fill(name)
    form.get_by_label("Email").fill(address)
    form.get_by_label("In person").check()
    form.get_by_role("button", name="Register").click()
    page.wait_for_load_state()
    row = delegation.locator("tr.registration").filter(has_text=name)
    expect(row.locator(".status")).to_have_text("Confirmed")


def itip_requests():
    """The iTIP REQUEST messages sent so far, by recipient: (message, parsed calendar)."""
    found = {}
    for message in mail.outbox:
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype.startswith("text/calendar") and "method=REQUEST" in mimetype:
                found[message.to[0]] = (message, icalendar.Calendar.from_ical(content))
    return found


def test_meeting_from_date_poll_to_approved_minutes(page, axe_source):
    day = timezone.localdate() + datetime.timedelta(days=60)
    meeting = make_meeting(
        title="Heads of SPOC meeting, Dublin",
        start=datetime.datetime.combine(day, datetime.time(9, 30), DUBLIN),
        end=datetime.datetime.combine(day, datetime.time(17, 0), DUBLIN),
        online_url="",
    )
    meeting_cast(approver=True)
    first, second = day + datetime.timedelta(days=7), day + datetime.timedelta(days=14)

    # 1. The Presidency opens a date poll with two candidate dates.
    log_in(page, "pres@example.eu")
    open_date_poll(page, meeting, first, second)
    log_out(page)

    # 2. Both heads answer for their countries.
    log_in(page, "head.be@example.eu")
    answer_poll(page, meeting, ["If need be", "Yes"])
    log_out(page)
    log_in(page, "head.de@example.eu")
    answer_poll(page, meeting, ["No", "Yes"])
    log_out(page)

    # 3. The Presidency sees the answers and picks the second date; the page shows it.
    log_in(page, "pres@example.eu")
    page.goto(meeting.url)
    table = page.locator("#date-poll-answers")
    expect(table.locator("tr.count-yes td")).to_have_text(["0", "2"])
    decide = page.locator("#date-poll-decide")
    decide.get_by_role("radio").nth(1).check()
    decide.get_by_role("button", name="Choose this date and update the meeting").click()
    page.wait_for_load_state()
    expect(page.locator("#date-poll-status")).to_contain_text("Date chosen")
    chosen = datetime.datetime.combine(second, datetime.time(10, 0), DUBLIN)
    expect(page.locator("#meeting-when time").first).to_have_attribute(
        "datetime", chosen.isoformat()
    )
    log_out(page)

    # 4. Belgium proposes a topic concerning Europol; Germany supports it.
    proposals = page.get_by_role("region", name="Topic proposals")
    proposal = page.locator(".proposal").filter(has_text=TOPIC)
    log_in(page, "head.be@example.eu")
    page.goto(meeting.url)
    proposals.get_by_text("Propose a topic").click()
    proposals.get_by_label("Topic", exact=True).fill(TOPIC)
    proposals.get_by_label("Kind of topic").select_option("workflow")
    proposals.get_by_label("Description").fill("Recurring rejections of incomplete messages.")
    proposals.get_by_label(
        "European Union Agency for Law Enforcement Cooperation", exact=True
    ).check()
    proposals.get_by_role("button", name="Propose").click()
    expect(proposal.locator(".proposer")).to_have_text("Belgium")
    log_out(page)
    log_in(page, "head.de@example.eu")
    page.goto(meeting.url)
    proposal.get_by_role("button", name="Support").click()
    expect(proposal.locator(".support-count")).to_have_text("1")
    log_out(page)

    # 5. The Presidency accepts it into the agenda, which invites Europol.
    agenda = page.get_by_role("region", name="Agenda", exact=True)
    log_in(page, "pres@example.eu")
    page.goto(meeting.url)
    proposal.get_by_role("button", name="Accept").click()
    expect(agenda.locator(".agenda-item").first.get_by_role("heading")).to_have_text(f"1. {TOPIC}")
    log_out(page)

    # 6. Europol sees the item and registers a delegate; each head registers one.
    log_in(page, "agency@example.eu")
    page.goto(meeting.url)
    item = agenda.locator(".agenda-item").first
    expect(item.get_by_role("heading")).to_have_text(f"1. {TOPIC}")
    expect(item.locator(".agency")).to_have_text("Europol")
    register_delegate(page, meeting, "Eva Europol", "eva@europol.example.eu")
    log_out(page)
    for head, name, address in (
        ("head.be@example.eu", "Bart Peeters", "bart@police.example.be"),
        ("head.de@example.eu", "Dora Schmidt", "dora@bka.example.de"),
    ):
        log_in(page, head)
        register_delegate(page, meeting, name, address)
        log_out(page)

    # Each confirmed delegate received an iTIP REQUEST for the chosen date, with one UID.
    requests = itip_requests()
    assert set(requests) == {
        "eva@europol.example.eu",
        "bart@police.example.be",
        "dora@bka.example.de",
    }
    meeting.refresh_from_db()
    for address, (message, calendar) in requests.items():
        assert calendar["METHOD"] == "REQUEST"
        event = calendar.walk("VEVENT")[0]
        assert str(event["UID"]) == meeting.ical_uid
        assert event.decoded("DTSTART") == chosen
        assert f"mailto:{address}" in [str(a).lower() for a in _as_list(event["ATTENDEE"])]
        raw = email.message_from_bytes(message.message().as_bytes())
        assert any(
            part.get_content_type() == "text/calendar" and part.get_param("method") == "REQUEST"
            for part in raw.walk()
        )

    # The meeting takes place. Instead of moving the clock (the live server runs in another
    # thread, outside time_machine's reach for the browser's requests), the meeting is moved
    # into the past directly in the database: no service call, so no update goes out; the
    # date itself was already proven above.
    held_start = timezone.now() - datetime.timedelta(days=2)
    MeetingPage.objects.filter(pk=meeting.pk).update(
        start=held_start, end=held_start + datetime.timedelta(hours=7)
    )
    sent_before = len(mail.outbox)

    # 7. The Presidency records attendance, writes the minutes, adds an action for Germany.
    log_in(page, "pres@example.eu")
    page.goto(meeting.url)
    attendance = page.locator("#attendance-form")
    attendance.get_by_label("Attendance of Eva Europol").select_option("in_person")
    attendance.get_by_label("Attendance of Bart Peeters").select_option("remote")
    attendance.get_by_label("Attendance of Dora Schmidt").select_option("absent")
    attendance.get_by_role("button", name="Save the attendance").click()
    page.wait_for_load_state()
    expect(page.locator("#attendance-summary")).to_be_visible()
    minutes = page.get_by_role("region", name="Minutes and conclusions")
    minutes.get_by_text("Write the minutes").click()
    minutes.get_by_label("Minutes", exact=True).fill("The Chair opened the meeting at 10:00.")
    minutes.get_by_label("Conclusions").fill("Europol will share a checklist of SIENA fields.")
    minutes.get_by_role("button", name="Save a new version").click()
    expect(minutes.locator(".draft")).to_contain_text("version 1")
    actions = page.get_by_role("region", name="Action items")
    actions.get_by_text("Add an action item").click()
    actions.get_by_label("Action", exact=True).fill("Report on SIENA rejections")
    actions.get_by_label("Owner country").select_option(label="Germany")
    actions.get_by_role("button", name="Add the action").click()
    expect(actions.locator(".action .owner")).to_have_text("Germany")
    log_out(page)

    # 8. The approver approves the minutes, which locks them.
    log_in(page, "approver@example.eu")
    page.goto(meeting.url)
    minutes.get_by_role("button", name="Approve version 1 and lock the minutes").click()
    expect(minutes.locator(".approved")).to_contain_text("version 1")
    log_out(page)

    # 9. A head reads the approved minutes; nobody can edit them any more.
    log_in(page, "head.be@example.eu")
    page.goto(meeting.url)
    expect(minutes.locator(".approved")).to_contain_text("version 1")
    expect(minutes.locator(".minutes-text")).to_have_text("The Chair opened the meeting at 10:00.")
    expect(minutes).to_contain_text("Europol will share a checklist of SIENA fields.")
    expect(actions.locator(".action .owner")).to_have_text("Germany")
    violations = serious_violations(run_axe(page, axe_source))
    assert violations == [], describe(violations)
    log_out(page)
    log_in(page, "pres@example.eu")
    page.goto(meeting.url)
    expect(minutes.locator(".approved")).to_contain_text("version 1")
    expect(page.locator("#minutes-save")).to_have_count(0)
    expect(minutes.get_by_role("button", name="Save a new version")).to_have_count(0)
    violations = serious_violations(run_axe(page, axe_source))
    assert violations == [], describe(violations)

    assert len(mail.outbox) == sent_before  # nothing went out after the meeting
    assert page.csp_violations == []


def _as_list(value):
    return value if isinstance(value, list) else [value]
