"""The activity report as PDF (WeasyPrint, from an HTML template) and DOCX (python-docx), in a
sober Council-document layout: A4, the network's heading, a document reference placeholder,
numbered headings, tables for attendance and actions, page numbers in the footer. Drafts
carry a DRAFT mark. The sections' HTML is the sanitised HTML stored on the report, so the
converters below only ever see the few allowed tags."""

import io

import lxml.html
from django.utils import timezone
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from meetings.report import day
from portal.exports import render_pdf

NETWORK = "Network of Heads of SPOC"
SUBTITLE = (
    "European network of Heads of SPOC for international law enforcement information exchange"
)
RUNNING_TITLE = f"{NETWORK} — Activity report to the DAPIX working party"
REFERENCE_PLACEHOLDER = "[document reference to be assigned]"
DISCLAIMER = (
    "Working document of the network of Heads of SPOC, prepared on the SPOC Network Portal. "
    "It is not an official document of the Council of the European Union."
)


def export_filename(report, extension):
    return f"activity-report-{report.period_slug}.{extension}"


def _document_context(report, sections):
    issued = timezone.localtime(report.approved_at).date() if report.approved_at else None
    return {
        "report": report,
        "sections": sections,
        "is_draft": not report.is_approved,
        "network": NETWORK,
        "subtitle": SUBTITLE,
        "running_title": RUNNING_TITLE,
        "reference": REFERENCE_PLACEHOLDER,
        "disclaimer": DISCLAIMER,
        "date_label": day(issued or timezone.localdate()),
        "period_label": f"{day(report.period_start)} – {day(report.period_end)}",
        "sender": (
            f"Presidency of {report.presidency.country.name}"
            if report.presidency_id
            else "Presidency"
        ),
    }


# --- PDF ------------------------------------------------------------------------------------


def report_pdf(report, sections):
    return render_pdf("meetings/report/report_pdf.html", _document_context(report, sections))


# --- DOCX -----------------------------------------------------------------------------------


def _add_field(paragraph, instruction):
    """A Word field (PAGE, NUMPAGES) in its own run."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = instruction
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(begin)
    run._r.append(text)
    run._r.append(end)
    return run


def _inline(paragraph, element, *, bold=False, italic=False):
    """Runs for an element's text and its inline children (strong, em, a)."""
    tag = element.tag if isinstance(element.tag, str) else ""
    bold = bold or tag in ("strong", "b", "th")
    italic = italic or tag in ("em", "i")
    if element.text:
        run = paragraph.add_run(element.text)
        run.bold, run.italic = bold or None, italic or None
    for child in element:
        _inline(paragraph, child, bold=bold, italic=italic)
        if child.tail:
            run = paragraph.add_run(child.tail)
            run.bold, run.italic = bold or None, italic or None
    href = element.get("href") if tag == "a" else None
    if href and href != (element.text_content() or "").strip():
        paragraph.add_run(f" ({href})")


def _add_table(document, element):
    caption = element.find("caption")
    if caption is not None:
        paragraph = document.add_paragraph()
        _inline(paragraph, caption, bold=True)
    rows = element.findall(".//tr")
    if not rows:
        return
    width = max(len(row.findall("th") + row.findall("td")) for row in rows)
    table = document.add_table(rows=0, cols=max(width, 1))
    table.style = "Table Grid"
    for row in rows:
        cells = table.add_row().cells
        for index, cell in enumerate([c for c in row if c.tag in ("th", "td")][:width]):
            paragraph = cells[index].paragraphs[0]
            _inline(paragraph, cell)


def _add_html(document, html):
    if not html:
        return
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    if root.text and root.text.strip():
        document.add_paragraph(root.text.strip())
    for element in root:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "h3":
            heading = document.add_heading(level=2)
            _inline(heading, element)
        elif tag in ("ul", "ol"):
            style = "List Bullet" if tag == "ul" else "List Number"
            for item in element.findall("li"):
                _inline(document.add_paragraph(style=style), item)
        elif tag == "table":
            _add_table(document, element)
        elif tag:
            _inline(document.add_paragraph(), element)
        if element.tail and element.tail.strip():
            document.add_paragraph(element.tail.strip())


def report_docx(report, sections):
    context = _document_context(report, sections)
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(25)
    section.top_margin = section.bottom_margin = Mm(25)
    normal = document.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(12)

    header = section.header.paragraphs[0]
    header.text = RUNNING_TITLE + (" — DRAFT" if context["is_draft"] else "")
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run(f"{REFERENCE_PLACEHOLDER}    Page ")
    _add_field(footer, "PAGE")
    footer.add_run(" of ")
    _add_field(footer, "NUMPAGES")

    if context["is_draft"]:
        mark = document.add_paragraph()
        mark.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = mark.add_run("DRAFT — not approved")
        run.bold = True
        run.font.size = Pt(20)
        run.font.color.rgb = RGBColor(0x80, 0x80, 0x80)

    masthead = document.add_paragraph()
    run = masthead.add_run(NETWORK.upper())
    run.bold = True
    run.font.size = Pt(14)
    masthead.add_run("\n" + SUBTITLE).italic = True
    meta = document.add_paragraph()
    meta.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    meta.add_run(f"{context['date_label']}\n{REFERENCE_PLACEHOLDER}")

    note = document.add_paragraph()
    note.add_run("NOTE").bold = True
    addressing = document.add_table(rows=0, cols=2)
    for label, value in (
        ("From:", context["sender"]),
        ("To:", "DAPIX working party"),
        ("Period:", context["period_label"]),
        ("Subject:", report.title),
    ):
        cells = addressing.add_row().cells
        cells[0].text = label
        cells[1].text = value
    disclaimer = document.add_paragraph()
    disclaimer.add_run(DISCLAIMER).italic = True

    for number, item in enumerate(sections, start=1):
        document.add_heading(f"{number}. {item.heading}", level=1)
        _add_html(document, item.body)

    if report.is_approved:
        approved = document.add_paragraph()
        approved.add_run(
            f"Approved on {day(timezone.localtime(report.approved_at).date())}"
            + (f" by {report.approved_by}" if report.approved_by_id else "")
            + "."
        ).italic = True

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
