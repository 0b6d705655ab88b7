"""Steps the meeting browser tests share: the cast, opening a date poll, a head's answers."""

import zoneinfo

from playwright.sync_api import expect

from portal.models import Organisation
from tests.factories import UserFactory, user_in

DUBLIN = zoneinfo.ZoneInfo("Europe/Dublin")


def meeting_cast(*, approver=False):
    """The Irish Presidency (and its approver), the heads of BE and DE and a Europol user,
    each logging in with the address the steps use."""
    user_in("IE", "presidency", email="pres@example.eu")
    if approver:
        user_in("IE", "presidency_approver", email="approver@example.eu")
    user_in("BE", "head", email="head.be@example.eu")
    user_in("DE", "head", email="head.de@example.eu")
    UserFactory(
        email="agency@example.eu",
        organisation=Organisation.objects.get(slug="europol"),
        roles=["agency"],
    )


def open_date_poll(page, meeting, first, second):
    """As the Presidency: offer two candidate days (09:30–17:00 and 10:00–16:00)."""
    page.goto(meeting.url)
    form = page.locator("#date-poll-open")
    form.get_by_label("Candidate 1: start").fill(f"{first}T09:30")
    form.get_by_label("Candidate 1: end").fill(f"{first}T17:00")
    form.get_by_label("Candidate 2: start").fill(f"{second}T10:00")
    form.get_by_label("Candidate 2: end").fill(f"{second}T16:00")
    form.get_by_role("button", name="Open the date poll").click()
    page.wait_for_load_state()
    expect(page.locator("#date-poll-status")).to_contain_text("Open")


def answer_poll(page, meeting, values):
    """As a head: answer each candidate in turn ("Yes", "If need be", "No")."""
    page.goto(meeting.url)
    form = page.locator("#date-poll-answer")
    for index, value in enumerate(values):
        form.locator("fieldset").nth(index).get_by_label(value, exact=True).check()
    form.get_by_role("button", name="Save my country's answers").click()
    page.wait_for_load_state()
    expect(page.get_by_role("status")).to_contain_text("Your country's answers are saved")
