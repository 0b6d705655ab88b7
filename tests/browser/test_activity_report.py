"""The activity report to DAPIX in a real browser: the Presidency builds the draft for the
current semester, edits a section, an approver approves it, the PDF downloads."""

import datetime

import pytest
from playwright.sync_api import expect

from meetings.models import ActivityReport, Registration
from meetings.report import default_period
from tests.browser.helpers import describe, log_in, log_out, run_axe, serious_violations
from tests.factories import user_in
from tests.meetings.factories import make_meeting

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def held_meeting_in_current_semester():
    start, _, _ = default_period()
    day = start + datetime.timedelta(days=1) if start < datetime.date.today() else start
    meeting = make_meeting(
        title="Heads of SPOC meeting, Vienna",
        slug="report-browser-vienna",
        start=datetime.datetime(day.year, day.month, day.day, 8, 0, tzinfo=datetime.UTC),
        end=datetime.datetime(day.year, day.month, day.day, 15, 0, tzinfo=datetime.UTC),
        time_zone="Europe/Vienna",
        status="held",
    )
    Registration.objects.create(
        meeting=meeting,
        country_id=user_in("BE", "officer").country.pk,
        name="Anne Peeters",
        email="anne.peeters@example.eu",
        attendance="in_person",
        status="confirmed",
    )
    return meeting


def test_presidency_drafts_edits_approver_approves_and_pdf_downloads(page, axe_source):
    held_meeting_in_current_semester()
    user_in("IE", "presidency", email="aoife@example.eu", first_name="Aoife")
    user_in("IE", "presidency_approver", email="cian@example.eu", first_name="Cian")

    log_in(page, "aoife@example.eu")
    page.goto("/meetings/reports/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Activity reports to the DAPIX working party"
    )
    page.get_by_role("button", name="Build the draft report").click()
    expect(page.get_by_role("heading", name="3. Attendance")).to_be_visible()
    expect(page.locator("#section-attendance")).to_contain_text("Belgium")

    violations = serious_violations(run_axe(page, axe_source))
    assert violations == [], describe(violations)

    section = page.locator("#section-introduction")
    section.get_by_text("Edit “Introduction”").click()
    section.get_by_label("Text of “Introduction”").fill(
        "The Presidency reports a productive semester.\n\nThe network met in Vienna."
    )
    section.get_by_role("button", name="Save “Introduction”").click()
    expect(page.get_by_role("status")).to_contain_text("“Introduction” was saved.")
    expect(page.locator("#section-introduction .report-section__body")).to_contain_text(
        "productive semester"
    )
    # The editor created the report: another approver approves it.
    expect(page.get_by_role("button", name="Approve and lock the report")).to_have_count(0)
    assert page.csp_violations == []
    report_url = page.url.split("#")[0]
    log_out(page)

    log_in(page, "cian@example.eu")
    page.goto(report_url)
    page.get_by_role("button", name="Approve and lock the report").click()
    expect(page.locator(".report-status")).to_contain_text("the report is locked")
    expect(page.locator("textarea")).to_have_count(0)
    assert ActivityReport.objects.get().status == "approved"

    pdf_href = page.get_by_role("link", name="PDF").get_attribute("href")
    response = page.request.get(pdf_href)
    assert response.ok
    assert response.headers["content-type"] == "application/pdf"
    assert response.body()[:5] == b"%PDF-"
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Word (DOCX)").click()
    assert download_info.value.suggested_filename.startswith("activity-report-")
    assert download_info.value.suggested_filename.endswith(".docx")
    assert page.csp_violations == []
