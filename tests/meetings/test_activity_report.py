"""The activity report to DAPIX: the draft built from the stored data, the Presidency's edits
(optimistic locking, sanitising), approval and its lock, and who may see what."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail import hooks

from meetings import report as report_module
from meetings.models import ActivityReport, ActivityReportSection, Attendance, Registration
from meetings.report import activity_report_draft
from meetings.services import (
    activity_report_approve,
    activity_report_create,
    activity_report_delete,
    activity_report_regenerate_section,
    activity_report_section_update,
)
from tests.factories import user_in
from tests.helpers import soup_of
from tests.meetings.report_data import NOW, PERIOD, build_period_data, meeting_on, present, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def data(frozen):
    return build_period_data()


@pytest.fixture
def editor(db):
    return user_in("IE", "presidency")


@pytest.fixture
def approver(db):
    return user_in("IE", "presidency_approver")


def draft_sections():
    start, end = PERIOD
    return {s["key"]: s for s in activity_report_draft(period_start=start, period_end=end)}


def section_soup(html):
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "html.parser")


def table_rows(html, caption_start):
    soup = section_soup(html)
    for table in soup.find_all("table"):
        if table.caption and table.caption.get_text().startswith(caption_start):
            return {
                tr.find_all("td")[0].get_text(): [td.get_text() for td in tr.find_all("td")[1:]]
                for tr in table.tbody.find_all("tr")
            }
    raise AssertionError(f"no table {caption_start!r}")


# --- The draft's content --------------------------------------------------------------------


def test_meetings_held_are_counted_and_the_cancelled_one_is_left_out(data):
    sections = draft_sections()
    listed = [
        li.strong.get_text() for li in section_soup(sections["meetings"]["html"]).find_all("li")
    ]
    assert listed == ["Heads of SPOC meeting, Vienna", "Heads of SPOC online meeting"]
    intro = section_soup(sections["introduction"]["html"]).get_text()
    assert "held 2 meetings" in intro
    assert "under the Presidency of Ireland" in intro
    assert "1 July 2026 to 31 December 2026" in intro


def test_attendance_by_country_and_agency_from_records_then_registrations(data):
    html = draft_sections()["attendance"]["html"]
    countries = table_rows(html, "Attendance by country")
    # country: meetings attended, delegates, in person, remote
    assert countries["Belgium"] == ["1", "1", "1", "0"]  # the absent Belgian is not counted
    assert countries["Germany"] == ["1", "1", "0", "1"]
    assert countries["France"] == ["1", "1", "0", "1"]  # confirmed only, not the waiting list
    assert "Italy" not in countries  # registered for the cancelled meeting only
    agencies = table_rows(html, "Attendance by EU agency")
    assert agencies == {"Europol": ["1", "1", "1", "0"]}
    text = section_soup(html).get_text()
    assert "No attendance was recorded for Heads of SPOC online meeting" in text
    assert "Italy" in text.split("Not represented in the period:")[1]


def test_agenda_topics_grouped_by_kind(data):
    soup = section_soup(draft_sections()["topics"]["html"])
    groups = {h3.get_text(): h3.find_next_sibling("ul").get_text() for h3 in soup.find_all("h3")}
    assert set(groups) == {"New legal instruments", "Workflow difficulties"}
    assert "Transposition of Directive (EU) 2023/977" in groups["New legal instruments"]
    assert "presented by Belgium" in groups["New legal instruments"]
    assert "Topic of the cancelled meeting" not in soup.get_text()


def test_conclusions_come_from_approved_minutes_only(data):
    text = section_soup(draft_sections()["conclusions"]["html"]).get_text()
    assert "The network agreed on common SIENA handling codes." in text
    assert "Unapproved draft conclusion" not in text
    assert "The minutes of Heads of SPOC online meeting" in text


def test_action_items_decided_in_the_period_and_still_open(data):
    html = draft_sections()["actions"]["html"]
    rows = table_rows(html, "Action items")
    assert rows["Draft a handbook on SPOC workflows"][-1] == "Open"
    assert rows["Circulate the questionnaire"][-1] == "Done"
    assert rows["Report on training needs"][-3:] == ["CEPOL", "1 March 2027", "In progress"]
    assert rows["Older open action from Nicosia"][-1] == "Open"  # carried over
    assert "Older action closed before the period" not in rows
    summary = section_soup(html).p.get_text()
    assert summary.startswith(
        "3 actions were decided in the period (1 open, 1 in progress, 1 done)"
    )
    assert "1 action carried over" in summary


def test_an_empty_period_reports_nothing_rather_than_failing(frozen):
    sections = {
        s["key"]: s
        for s in activity_report_draft(
            period_start=datetime.date(2025, 1, 1), period_end=datetime.date(2025, 6, 30)
        )
    }
    assert "No meeting of the network was held" in sections["meetings"]["html"]
    assert sections["attendance"]["html"] == report_module.NOTHING_TO_REPORT


def test_draft_build_queries_do_not_grow_with_the_number_of_meetings(frozen):
    def build_meetings(offset, count):
        for n in range(count):
            meeting = meeting_on(
                datetime.date(2026, 7, 6) + datetime.timedelta(days=7 * (n + offset)),
                f"Meeting {offset + n}",
            )
            present(register(meeting, "BE", name=f"Delegate {offset} {n}"))
            register(meeting, agency="europol", name=f"Liaison {offset} {n}")
            from tests.meetings.report_data import action, minutes

            minutes(meeting, "<p>Agreed.</p>", approved=True)
            action(meeting, f"Action {offset} {n}")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            activity_report_draft(period_start=PERIOD[0], period_end=PERIOD[1])
        return len(captured)

    build_meetings(0, 2)
    with_two = queries()
    build_meetings(2, 4)
    assert len(draft_sections()["meetings"]["html"].split("<li>")) == 7  # 6 meetings
    assert queries() == with_two
    assert with_two <= 15  # meetings: 7; with the knowledge sections at most 13


def test_a_hook_adds_a_section_in_its_order(data):
    extra = report_module.ReportSectionType(
        "test_extra", "Extra section", 65, lambda context: f"<p>{len(context.meetings)} seen</p>"
    )
    with hooks.register_temporarily("register_report_section", lambda: extra):
        keys = [s["key"] for s in draft_sections().values()]
        assert keys.index("test_extra") == keys.index("actions") + 1
        assert draft_sections()["test_extra"]["html"] == "<p>2 seen</p>"
    assert "test_extra" not in draft_sections()


def test_a_later_hook_replaces_a_section_by_key(data):
    replacement = report_module.ReportSectionType(
        "actions", "Actions (replaced)", 60, lambda context: "<p>replaced</p>"
    )
    with hooks.register_temporarily("register_report_section", lambda: replacement, order=1):
        sections = draft_sections()
        assert sections["actions"]["heading"] == "Actions (replaced)"
        assert sections["actions"]["html"] == "<p>replaced</p>"
        start, end = PERIOD
        keys = [s["key"] for s in activity_report_draft(period_start=start, period_end=end)]
        assert keys.count("actions") == 1
    assert draft_sections()["actions"]["heading"] == "Action items and their status"


# --- Services -------------------------------------------------------------------------------


def test_create_defaults_to_the_current_presidency_semester(data, editor):
    report = activity_report_create(actor=editor)
    assert (report.period_start, report.period_end) == PERIOD
    assert report.presidency.country.code == "IE"
    assert report.status == "draft"
    assert report.period_slug == "2026-H2"
    keys = list(report.sections.values_list("key", flat=True))
    assert keys[:6] == [
        "introduction",
        "meetings",
        "attendance",
        "topics",
        "conclusions",
        "actions",
    ]
    with pytest.raises(ValidationError, match="already exists"):
        activity_report_create(actor=editor, period_start=PERIOD[0], period_end=PERIOD[1])


def test_only_the_presidency_creates_and_periods_are_checked(data, head_be, editor):
    with pytest.raises(PermissionDenied):
        activity_report_create(actor=head_be)
    with pytest.raises(ValidationError, match="end on or after"):
        activity_report_create(
            actor=editor,
            period_start=datetime.date(2026, 9, 1),
            period_end=datetime.date(2026, 8, 31),
        )
    assert not ActivityReport.objects.exists()
    with pytest.raises(IntegrityError), transaction.atomic():
        ActivityReport.objects.create(
            title="Backwards",
            period_start=datetime.date(2026, 9, 1),
            period_end=datetime.date(2026, 8, 31),
        )


def test_section_edit_is_sanitised_and_raises_the_version(data, editor):
    report = activity_report_create(actor=editor)
    section = activity_report_section_update(
        actor=editor,
        report=report,
        key="introduction",
        body='<p onclick="x()">Hello <script>alert(1)</script><a href="javascript:x()">link</a>'
        "<strong>DAPIX</strong></p><img src=x>",
        version=1,
    )
    assert section.version == 2
    assert (
        section.body == '<p>Hello <a rel="noopener noreferrer">link</a><strong>DAPIX</strong></p>'
    )
    plain = activity_report_section_update(
        actor=editor, report=report, key="meetings", body="One.\n\nTwo > one & three", version=1
    )
    assert plain.body == "<p>One.</p><p>Two &gt; one &amp; three</p>"


def test_a_stale_edit_is_refused_and_nothing_is_overwritten(data, editor):
    report = activity_report_create(actor=editor)
    other = user_in("IE", "presidency", first_name="Niamh", last_name="Kelly")
    activity_report_section_update(
        actor=other, report=report, key="introduction", body="<p>Niamh's text</p>", version=1
    )
    with pytest.raises(ValidationError, match="changed by Niamh Kelly"):
        activity_report_section_update(
            actor=editor, report=report, key="introduction", body="<p>Mine</p>", version=1
        )
    section = ActivityReportSection.objects.get(report=report, key="introduction")
    assert (section.body, section.version) == ("<p>Niamh's text</p>", 2)


def test_regenerate_rebuilds_a_section_from_current_data(data, editor):
    report = activity_report_create(actor=editor)
    activity_report_section_update(
        actor=editor, report=report, key="attendance", body="<p>Edited</p>", version=1
    )
    # Attendance is now recorded for the online meeting: the Frenchwoman was absent.
    Attendance.objects.create(
        registration=Registration.objects.get(name="Claire Martin"), present=False, mode=""
    )
    section = activity_report_regenerate_section(
        actor=editor, report=report, key="attendance", version=2
    )
    assert section.version == 3
    assert "France" not in table_rows(section.body, "Attendance by country")


def test_approval_needs_an_approver_other_than_the_creator_and_locks(data, editor, approver):
    report = activity_report_create(actor=editor)
    with pytest.raises(PermissionDenied):
        activity_report_approve(actor=editor, report=report)
    own = activity_report_create(
        actor=approver,
        period_start=datetime.date(2026, 7, 1),
        period_end=datetime.date(2026, 9, 30),
    )
    with pytest.raises(PermissionDenied, match="four-eyes"):
        activity_report_approve(actor=approver, report=own)

    approved = activity_report_approve(actor=approver, report=report)
    assert approved.status == "approved"
    assert approved.approved_by == approver
    with pytest.raises(ValidationError, match="approved on .* can no longer be changed"):
        activity_report_section_update(
            actor=editor, report=report, key="introduction", body="<p>Late</p>", version=1
        )
    with pytest.raises(ValidationError, match="can no longer be changed"):
        activity_report_regenerate_section(
            actor=editor, report=report, key="introduction", version=1
        )
    with pytest.raises(ValidationError):
        activity_report_approve(actor=approver, report=report)
    with pytest.raises(IntegrityError), transaction.atomic():
        ActivityReport.objects.filter(pk=report.pk).update(approved_at=None)


# --- Views: who sees what -------------------------------------------------------------------


@pytest.fixture
def reports(data, editor, approver):
    draft = activity_report_create(
        actor=editor, period_start=datetime.date(2026, 7, 1), period_end=datetime.date(2026, 9, 30)
    )
    approved = activity_report_create(actor=editor)
    activity_report_approve(actor=approver, report=approved)
    return {"draft": draft, "approved": approved}


def urls_of(report):
    return [
        reverse("meetings:report_detail", args=[report.pk]),
        reverse("meetings:report_pdf", args=[report.pk]),
        reverse("meetings:report_docx", args=[report.pk]),
    ]


def test_an_officer_sees_no_report(client, officer_be, reports):
    client.force_login(officer_be)
    assert client.get(reverse("meetings:report_list")).status_code == 403
    for report in reports.values():
        for url in urls_of(report):
            assert client.get(url).status_code == 404, url
    response = client.post(
        reverse("meetings:report_create"),
        {"period_start": "2027-01-01", "period_end": "2027-06-30"},
    )
    assert response.status_code == 403
    assert ActivityReport.objects.count() == 2


def test_a_head_reads_approved_reports_only(client, head_be, reports):
    client.force_login(head_be)
    soup = soup_of(client.get(reverse("meetings:report_list")))
    titles = [a.get_text() for a in soup.select("tr.report td:first-child a")]
    assert titles == [reports["approved"].title]
    assert soup.find("form", id="report-create") is None
    for url in urls_of(reports["draft"]):
        assert client.get(url).status_code == 404, url
    detail = soup_of(client.get(urls_of(reports["approved"])[0]))
    assert detail.find("textarea") is None
    assert "Attendance" in [h2.get_text().split(". ", 1)[1] for h2 in detail.select("section h2")]
    assert client.get(urls_of(reports["approved"])[1]).status_code == 200
    section = reports["draft"].sections.get(key="introduction")
    response = client.post(
        reverse("meetings:report_section_update", args=[reports["draft"].pk, "introduction"]),
        {"introduction-body": "<p>Head's text</p>", "introduction-version": section.version},
    )
    assert response.status_code == 404
    response = client.post(reverse("meetings:report_approve", args=[reports["approved"].pk]))
    assert response.status_code == 403


def test_presidency_creates_from_the_list_page_with_the_semester_as_default(client, data, editor):
    client.force_login(editor)
    soup = soup_of(client.get(reverse("meetings:report_list")))
    form = soup.find("form", id="report-create")
    assert form.find("input", attrs={"name": "period_start"})["value"] == "2026-07-01"
    assert form.find("input", attrs={"name": "period_end"})["value"] == "2026-12-31"
    response = client.post(
        reverse("meetings:report_create"),
        {"period_start": "2026-07-01", "period_end": "2026-06-30"},
    )
    assert response.status_code == 400
    assert "must end on or after" in soup_of(response).find(class_="error").get_text()
    response = client.post(
        reverse("meetings:report_create"),
        {"period_start": "2026-07-01", "period_end": "2026-12-31"},
    )
    report = ActivityReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:report_detail", args=[report.pk])


def test_stale_edit_in_the_page_keeps_the_typed_text(client, reports, editor):
    client.force_login(editor)
    report = reports["draft"]
    url = reverse("meetings:report_section_update", args=[report.pk, "meetings"])
    ok = client.post(url, {"meetings-body": "<p>First</p>", "meetings-version": 1})
    assert ok.status_code == 302
    stale = client.post(url, {"meetings-body": "<p>Second attempt</p>", "meetings-version": 1})
    assert stale.status_code == 409
    soup = soup_of(stale)
    section = soup.find("section", id="section-meetings")
    assert "since you opened it" in section.find(class_="form-errors").get_text()
    assert section.find("textarea").get_text().strip() == "<p>Second attempt</p>"
    assert section.find("details").has_attr("open")
    assert report.sections.get(key="meetings").body == "<p>First</p>"


def test_an_approved_report_cannot_be_edited_through_the_page(client, reports, editor):
    client.force_login(editor)
    report = reports["approved"]
    detail = soup_of(client.get(reverse("meetings:report_detail", args=[report.pk])))
    assert detail.find("textarea") is None
    assert "locked" in detail.find(class_="report-status").get_text()
    response = client.post(
        reverse("meetings:report_section_update", args=[report.pk, "meetings"]),
        {"meetings-body": "<p>Late</p>", "meetings-version": 1},
    )
    assert response.status_code == 409
    assert report.sections.get(key="meetings").version == 1


def test_report_pages_render_with_bounded_queries(
    client, reports, editor, django_assert_max_num_queries
):
    client.force_login(editor)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("meetings:report_list")).status_code == 200
    with django_assert_max_num_queries(20):
        assert (
            client.get(reverse("meetings:report_detail", args=[reports["draft"].pk])).status_code
            == 200
        )


def test_dashboard_panel_shows_the_semester_report_state(client, reports, editor, officer_be):
    client.force_login(editor)
    panel = soup_of(client.get("/")).find(string=lambda s: s and "Activity report for" in s)
    assert panel is not None
    assert "approved on" in panel.parent.get_text()
    client.force_login(officer_be)
    assert "Activity report for" not in client.get("/").content.decode()


# --- Knowledge's sections and the demo ------------------------------------------------------


def test_knowledge_sections_are_registered_and_empty_without_their_data(data):
    sections = draft_sections()
    assert sections["best_practices"]["heading"] == "Best practices presented"
    assert sections["obstacles"]["heading"] == "Obstacles raised"
    keys = list(sections)
    assert keys[-2:] == ["best_practices", "obstacles"]
    assert sections["best_practices"]["html"] == report_module.NOTHING_TO_REPORT
    assert sections["obstacles"]["html"] == report_module.NOTHING_TO_REPORT


def test_demo_seeder_builds_one_draft_for_the_current_semester(frozen):
    from meetings.demo import seed_activity_report

    user_in("IE", "presidency", email="presidency.ie@example.eu")
    seed_activity_report({"logins": []})
    seed_activity_report({"logins": []})
    report = ActivityReport.objects.get()
    assert (report.period_start, report.period_end) == PERIOD
    assert report.status == "draft"
    assert report.sections.count() >= 6


def test_drafts_can_be_deleted_approved_reports_cannot(client, reports, editor, head_be):
    with pytest.raises(PermissionDenied):
        activity_report_delete(actor=head_be, report=reports["draft"])
    client.force_login(editor)
    response = client.post(reverse("meetings:report_delete", args=[reports["approved"].pk]))
    assert response.status_code == 409
    response = client.post(reverse("meetings:report_delete", args=[reports["draft"].pk]))
    assert response.status_code == 302
    assert list(ActivityReport.objects.values_list("pk", flat=True)) == [reports["approved"].pk]
    assert not ActivityReportSection.objects.filter(report_id=reports["draft"].pk).exists()
