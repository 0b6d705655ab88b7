"""A date poll in a real browser: the Presidency offers two dates, the Heads of SPOC of
Belgium and Germany answer, the Presidency sees the answers per country and picks the date,
and the meeting page shows it. An agency user sees the poll read-only. axe-core finds no
serious accessibility violation on a meeting page with a poll."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.helpers import describe, log_in, log_out, run_axe, serious_violations
from tests.browser.meeting_steps import DUBLIN, answer_poll, meeting_cast, open_date_poll
from tests.factories import user_in
from tests.meetings.factories import make_meeting

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_poll_from_candidates_to_chosen_date(page, axe_source):
    day = timezone.localdate() + datetime.timedelta(days=60)
    meeting = make_meeting(
        start=datetime.datetime.combine(day, datetime.time(9, 30), DUBLIN),
        end=datetime.datetime.combine(day, datetime.time(17, 0), DUBLIN),
    )
    meeting_cast()
    first, second = day + datetime.timedelta(days=7), day + datetime.timedelta(days=14)

    # The Presidency offers two dates.
    log_in(page, "pres@example.eu")
    open_date_poll(page, meeting, first, second)
    log_out(page)

    # Two heads answer; Germany changes its mind once.
    log_in(page, "head.be@example.eu")
    answer_poll(page, meeting, ["Yes", "If need be"])
    violations = serious_violations(run_axe(page, axe_source))
    assert violations == [], describe(violations)
    log_out(page)
    log_in(page, "head.de@example.eu")
    answer_poll(page, meeting, ["Yes", "Yes"])
    page.locator("#date-poll-answer fieldset").nth(1).get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Change my country's answers").click()
    page.wait_for_load_state()
    expect(page.locator("#date-poll-missing")).not_to_contain_text("Germany")
    log_out(page)

    # The agency sees the answers, read-only.
    log_in(page, "agency@example.eu")
    page.goto(meeting.url)
    table = page.locator("#date-poll-answers")
    expect(table.locator("tr.country-answers")).to_have_count(2)
    expect(page.locator("#date-poll-answer")).to_have_count(0)
    expect(page.locator("#date-poll-decide")).to_have_count(0)
    log_out(page)

    # The Presidency sees the answers per country and picks the second date.
    log_in(page, "pres@example.eu")
    page.goto(meeting.url)
    expect(table.locator("tr[data-country=BE] td")).to_have_text(["Yes", "If need be"])
    expect(table.locator("tr[data-country=DE] td")).to_have_text(["Yes", "No"])
    expect(table.locator("tr.count-yes td")).to_have_text(["2", "0"])
    violations = serious_violations(run_axe(page, axe_source))
    assert violations == [], describe(violations)
    decide = page.locator("#date-poll-decide")
    decide.get_by_role("radio").nth(1).check()
    decide.get_by_role("button", name="Choose this date and update the meeting").click()
    page.wait_for_load_state()
    expect(page.locator("#date-poll-status")).to_contain_text("Date chosen")
    when = page.locator("#meeting-when time").first
    chosen = datetime.datetime.combine(second, datetime.time(10, 0), DUBLIN)
    expect(when).to_have_attribute("datetime", chosen.isoformat())
    assert page.csp_violations == []


def test_attendance_and_feedback_after_the_meeting(page, axe_source):
    from meetings.services import registration_add

    day = timezone.localdate() - datetime.timedelta(days=3)
    meeting = make_meeting(
        start=datetime.datetime.combine(day, datetime.time(9, 30), DUBLIN),
        end=datetime.datetime.combine(day, datetime.time(17, 0), DUBLIN),
    )
    head = user_in("BE", "head", email="head.be@example.eu")
    user_in("IE", "presidency", email="pres@example.eu")
    for name in ("Ann", "Bob"):
        registration_add(
            actor=head,
            meeting=meeting,
            name=name,
            email=f"{name.lower()}@example.eu",
            attendance="in_person",
        )

    log_in(page, "pres@example.eu")
    page.goto(meeting.url)
    form = page.locator("#attendance-form")
    form.get_by_label("Attendance of Ann").select_option("in_person")
    form.get_by_label("Attendance of Bob").select_option("absent")
    violations = serious_violations(run_axe(page, axe_source))
    assert violations == [], describe(violations)
    form.get_by_role("button", name="Save the attendance").click()
    page.wait_for_load_state()
    expect(page.locator("#attendance-summary tr.attendance-row td")).to_have_text(["1", "0", "1"])
    log_out(page)

    log_in(page, "head.be@example.eu")
    page.goto(meeting.url)
    feedback = page.locator("#feedback-form")
    feedback.get_by_label("4", exact=True).check()
    feedback.get_by_label("Most useful topics").fill("Directive 2023/977")
    violations = serious_violations(run_axe(page, axe_source))
    assert violations == [], describe(violations)
    feedback.get_by_role("button", name="Send my feedback").click()
    page.wait_for_load_state()
    expect(page.get_by_role("status")).to_contain_text("Thank you for your feedback")
    expect(page.locator("#feedback-form").get_by_label("4", exact=True)).to_be_checked()
    log_out(page)

    log_in(page, "pres@example.eu")
    page.goto(meeting.url)
    expect(page.locator("#feedback-aggregate")).to_contain_text("4.0")
    page.get_by_role("button", name="Mark the meeting as held").click()
    page.wait_for_load_state()
    expect(page.locator("#meeting-status")).to_have_text("Held")
    assert page.csp_violations == []
