"""PDF and DOCX exports of the activity report: they open in the usual readers' libraries
(pypdf, python-docx) with the numbered headings, the attendance table and the DRAFT mark."""

import datetime
import io

import docx
import pypdf
import pytest
import time_machine
from django.urls import reverse

from meetings.services import (
    activity_report_approve,
    activity_report_create,
    activity_report_section_update,
)
from portal.exports import DOCX_CONTENT_TYPE
from tests.factories import user_in
from tests.meetings.report_data import NOW, build_period_data

pytestmark = pytest.mark.django_db

HEADINGS = [
    "1. Introduction",
    "2. Meetings held",
    "3. Attendance",
    "4. Agenda topics",
    "5. Conclusions",
    "6. Action items and their status",
    "7. Training",  # the training app's section
    "8. Best practices presented",  # the knowledge base's sections
    "9. Obstacles raised",
]


@pytest.fixture
def editor(db):
    return user_in("IE", "presidency")


@pytest.fixture
def report(db, editor):
    with time_machine.travel(NOW, tick=False):
        build_period_data()
        yield activity_report_create(actor=editor)


def download(client, user, report, kind):
    client.force_login(user)
    return client.get(reverse(f"meetings:report_{kind}", args=[report.pk]))


def pdf_text(response):
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def test_draft_pdf_has_the_headings_countries_and_a_draft_mark(client, editor, report):
    response = download(client, editor, report, "pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="activity-report-2026-H2.pdf"'
    reader, text = pdf_text(response)
    for heading in HEADINGS:
        assert heading in text
    assert "Belgium" in text and "Europol" in text
    assert "DRAFT" in text
    assert "Activity report to the DAPIX working party" in text
    assert "not an official document of the Council" in " ".join(text.split())
    assert "Page 1 of" in text
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (595, 842)  # A4 in points


def test_approved_pdf_has_no_draft_mark_and_carries_the_edits(client, editor, report):
    activity_report_section_update(
        actor=editor,
        report=report,
        key="introduction",
        body="<p>The Irish Presidency reports a productive semester.</p>",
        version=1,
    )
    activity_report_approve(actor=user_in("IE", "presidency_approver"), report=report)
    _, text = pdf_text(download(client, editor, report, "pdf"))
    assert "DRAFT" not in text
    assert "productive semester" in text
    assert "Approved on" in text


def test_docx_has_the_headings_and_the_attendance_table(client, editor, report):
    response = download(client, editor, report, "docx")
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX_CONTENT_TYPE
    assert 'filename="activity-report-2026-H2.docx"' in response["Content-Disposition"]
    document = docx.Document(io.BytesIO(response.content))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == HEADINGS
    tables = [
        [[cell.text for cell in row.cells] for row in table.rows] for table in document.tables
    ]
    attendance = next(t for t in tables if t[0][:2] == ["Country", "Meetings attended"])
    assert ["Belgium", "1", "1", "1", "0"] in attendance
    actions = next(t for t in tables if t[0][0] == "Action")
    rows = {row[0]: row for row in actions[1:]}
    assert rows["Draft a handbook on SPOC workflows"][-1] == "Open"
    assert rows["Older open action from Nicosia"][-1] == "Open"
    body = "\n".join(p.text for p in document.paragraphs)
    assert "DRAFT — not approved" in body
    assert "DRAFT" in document.sections[0].header.paragraphs[0].text
    subheadings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert "New legal instruments" in subheadings
    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert any(text.startswith("Heads of SPOC meeting, Vienna") for text in bullets)
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)


def test_a_period_that_is_not_a_semester_names_its_dates(client, editor, db):
    with time_machine.travel(NOW, tick=False):
        report = activity_report_create(
            actor=editor,
            period_start=datetime.date(2026, 7, 1),
            period_end=datetime.date(2026, 9, 30),
        )
    response = download(client, editor, report, "docx")
    assert (
        'filename="activity-report-2026-07-01_2026-09-30.docx"' in response["Content-Disposition"]
    )


def test_a_section_edited_as_laid_out_in_the_textarea_exports_the_same_table(
    client, editor, report
):
    from meetings.report import html_for_editing

    section = report.sections.get(key="attendance")
    edited = html_for_editing(section.body).replace("Belgium", "Belgium (Federal Police)")
    assert "\n<tr>" in edited
    activity_report_section_update(
        actor=editor, report=report, key="attendance", body=edited, version=section.version
    )
    document = docx.Document(io.BytesIO(download(client, editor, report, "docx").content))
    attendance = next(
        [[cell.text for cell in row.cells] for row in table.rows]
        for table in document.tables
        if table.rows[0].cells[0].text == "Country"
    )
    assert attendance[0] == ["Country", "Meetings attended", "Delegates", "In person", "Remote"]
    assert ["Belgium (Federal Police)", "1", "1", "1", "0"] in attendance
    assert len(attendance) == 4  # header, Belgium, France, Germany
