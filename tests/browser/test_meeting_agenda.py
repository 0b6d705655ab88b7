"""From proposal to agenda in a real browser: a Head of SPOC proposes a topic concerning
Europol, a second head supports it, the Presidency accepts it into the agenda, and the item
shows with Europol invited. The meeting page with its agenda has no serious axe violation."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.helpers import describe, log_in, log_out, run_axe, serious_violations
from tests.factories import user_in
from tests.meetings.factories import make_meeting

pytestmark = pytest.mark.browser


def coming_meeting():
    start = (timezone.now() + datetime.timedelta(days=30)).replace(
        hour=9, minute=30, second=0, microsecond=0
    )
    return make_meeting(
        title="Heads of SPOC meeting, Dublin",
        start=start,
        end=start + datetime.timedelta(hours=27),
        time_zone="UTC",
    )


def test_proposal_supported_accepted_and_agency_invited(page, axe_source):
    meeting = coming_meeting()
    user_in("BE", "head", email="hanna@example.eu")
    user_in("DE", "head", email="dieter@example.eu")
    user_in("IE", "presidency", email="pres@example.eu")

    log_in(page, "hanna@example.eu")
    page.goto(meeting.url)
    proposals = page.get_by_role("region", name="Topic proposals")
    proposals.get_by_text("Propose a topic").click()
    proposals.get_by_label("Topic", exact=True).fill("Data quality of SIENA messages")
    proposals.get_by_label("Kind of topic").select_option("workflow")
    proposals.get_by_label("Description").fill("Recurring rejections of incomplete messages.")
    proposals.get_by_label(
        "European Union Agency for Law Enforcement Cooperation", exact=True
    ).check()
    proposals.get_by_role("button", name="Propose").click()
    expect(page.locator(".messages")).to_contain_text("Data quality of SIENA messages")
    proposal = page.locator(".proposal").filter(has_text="Data quality of SIENA messages")
    expect(proposal.locator(".proposer")).to_have_text("Belgium")
    expect(proposal.get_by_role("button", name="Support")).to_have_count(0)  # own country
    log_out(page)

    log_in(page, "dieter@example.eu")
    page.goto(meeting.url)
    proposal.get_by_role("button", name="Support").click()
    expect(proposal.locator(".support-count")).to_have_text("1")
    expect(proposal).to_contain_text("Germany")
    expect(proposal.get_by_role("button", name="Support")).to_have_count(0)
    log_out(page)

    log_in(page, "pres@example.eu")
    page.goto(meeting.url)
    proposal.get_by_role("button", name="Accept").click()
    agenda = page.get_by_role("region", name="Agenda", exact=True)
    item = agenda.locator(".agenda-item").first
    expect(item.get_by_role("heading")).to_have_text("1. Data quality of SIENA messages")
    expect(item.locator(".presenter")).to_have_text("Belgium")
    expect(item.locator(".agency")).to_have_text("Europol")
    expect(agenda.locator("#agency-invitations")).to_contain_text(
        "European Union Agency for Law Enforcement Cooperation"
    )
    expect(proposal.locator(".status")).to_have_text("Accepted into the draft agenda")

    violations = serious_violations(run_axe(page, axe_source))
    assert violations == [], describe(violations)
    # And with the Presidency's forms unfolded, and on the page that adds an item.
    for summary in page.locator("details > summary").all():
        summary.click()
    expect(page.get_by_label("Owner country")).to_be_visible()
    violations = serious_violations(run_axe(page, axe_source))
    assert violations == [], describe(violations)
    page.get_by_role("link", name="Add an agenda item").click()
    page.get_by_label("Title").fill("Any other business")
    page.get_by_role("button", name="Add to the agenda").click()
    expect(agenda.locator(".agenda-item").nth(1).get_by_role("heading")).to_have_text(
        "2. Any other business"
    )
    page.get_by_role("link", name="Add an agenda item").click()
    expect(page.get_by_label("Slot starts")).to_be_visible()
    violations = serious_violations(run_axe(page, axe_source))
    assert violations == [], describe(violations)
    assert page.csp_violations == []


def held_meeting():
    start = (timezone.now() - datetime.timedelta(days=20)).replace(
        hour=9, minute=30, second=0, microsecond=0
    )
    return make_meeting(
        title="Heads of SPOC meeting, Nicosia",
        start=start,
        end=start + datetime.timedelta(hours=8),
        time_zone="UTC",
        status="held",
    )


def test_minutes_drafted_approved_and_action_closed_by_its_owner(page, axe_source):
    meeting = held_meeting()
    user_in("IE", "presidency", email="pres@example.eu")
    user_in("IE", "presidency_approver", email="approver@example.eu")
    user_in("BE", "head", email="hanna@example.eu")

    log_in(page, "pres@example.eu")
    page.goto(meeting.url)
    minutes = page.get_by_role("region", name="Minutes and conclusions")
    minutes.get_by_text("Write the minutes").click()
    minutes.get_by_label("Minutes", exact=True).fill("The Chair opened the meeting.")
    minutes.get_by_label("Conclusions").fill("A checklist will be shared.")
    minutes.get_by_role("button", name="Save a new version").click()
    expect(minutes.locator(".draft")).to_contain_text("version 1")
    minutes.get_by_text("Edit the minutes").click()
    minutes.get_by_label("Minutes", exact=True).fill("The Chair opened the meeting at 09:30.")
    minutes.get_by_label("What changed").fill("Opening time")
    minutes.get_by_role("button", name="Save a new version").click()
    expect(minutes.locator(".draft")).to_contain_text("version 2")
    minutes.get_by_role("link", name="Version history and differences").click()
    expect(page.locator(".diff-added")).to_contain_text(["+The Chair opened the meeting at 09:30."])
    violations = serious_violations(run_axe(page, axe_source))
    assert violations == [], describe(violations)
    page.goto(meeting.url)
    actions = page.get_by_role("region", name="Action items")
    actions.get_by_text("Add an action item").click()
    actions.get_by_label("Action", exact=True).fill("Share the checklist")
    actions.get_by_label("Owner country").select_option(label="Belgium")
    actions.get_by_role("button", name="Add the action").click()
    expect(actions.locator(".action .owner")).to_have_text("Belgium")
    log_out(page)

    log_in(page, "approver@example.eu")
    page.goto(meeting.url)
    minutes.get_by_role("button", name="Approve version 2 and lock the minutes").click()
    expect(minutes.locator(".approved")).to_contain_text("version 2")
    expect(minutes.get_by_role("button", name="Save a new version")).to_have_count(0)
    log_out(page)

    log_in(page, "hanna@example.eu")
    page.goto(meeting.url)
    expect(minutes.locator(".minutes-text")).to_have_text("The Chair opened the meeting at 09:30.")
    action = actions.locator(".action").first
    action.get_by_label("New status").select_option("done")
    action.get_by_label("Note").fill("Sent to all SPOCs")
    action.get_by_role("button", name="Update").click()
    expect(action.locator(".status")).to_have_text("Done")
    violations = serious_violations(run_axe(page, axe_source))
    assert violations == [], describe(violations)
    assert page.csp_violations == []
