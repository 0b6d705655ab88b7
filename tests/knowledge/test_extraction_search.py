"""Attached documents: their text is extracted (PDF with pypdf, DOCX with python-docx) and
indexed with the page; a file that claims to be a PDF and is not is refused at upload and,
should one get in, recorded as an extraction error. Site search finds fact sheets by their
structured values and by a phrase in an attached PDF, with country and topic facets."""

import io

import docx
import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.documents.models import Document
from weasyprint import HTML

from knowledge.extraction import ExtractionError, check_content, extract_text
from knowledge.models import DocumentText, FactSheetDocument
from portal.models import UpdatePage
from search.selectors import site_search
from tests.factories import make_update, user_in
from tests.helpers import soup_of
from tests.knowledge.factories import make_sheet

pytestmark = pytest.mark.django_db

PDF_PHRASE = "quarterly liaison rotation between Arlon and Trier"


def pdf_bytes(text):
    return HTML(string=f"<html><body><h1>Circular</h1><p>{text}</p></body></html>").write_pdf()


def docx_bytes(paragraph, cell):
    document = docx.Document()
    document.add_paragraph(paragraph)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Contact"
    table.rows[0].cells[1].text = cell
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_document(name, data, title="Attachment"):
    document = Document(title=title)
    document.file.save(name, ContentFile(data), save=False)
    document.save()
    return document


def attach_and_publish(sheet, document):
    sheet = sheet.get_latest_revision_as_object()
    sheet.documents = [FactSheetDocument(document=document)]
    sheet.save_revision().publish()
    sheet.refresh_from_db()
    return sheet


def test_pdf_and_docx_text_is_extracted():
    assert PDF_PHRASE in extract_text("circular.pdf", io.BytesIO(pdf_bytes(PDF_PHRASE)))
    text = extract_text("guide.docx", io.BytesIO(docx_bytes("Night desk procedure", "SIRENE 24/7")))
    assert "Night desk procedure" in text and "SIRENE 24/7" in text


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("fake.pdf", b"<html>not a pdf</html>"),
        ("fake.docx", b"%PDF-1.7 pretending"),
        ("fake.docx", b"PK\x03\x04garbage"),
        ("broken.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ntrailer\n%%EOF"),
    ],
)
def test_bad_files_raise_extraction_errors(name, data):
    with pytest.raises(ExtractionError):
        extract_text(name, io.BytesIO(data))


def test_content_check():
    assert check_content("a.pdf", io.BytesIO(pdf_bytes("x"))) is None
    assert check_content("a.docx", io.BytesIO(docx_bytes("x", "y"))) is None
    assert "not a PDF" in check_content("a.pdf", io.BytesIO(b"MZ\x90\x00"))
    assert "not a Word" in check_content("a.docx", io.BytesIO(b"hello"))
    assert check_content("notes.txt", io.BytesIO(b"%PDF")) is None


def test_publishing_extracts_attached_pdf_and_search_finds_the_page(officer_be):
    sheet = make_sheet("LU", "channels-and-contact-points", title="Contact points — Luxembourg")
    document = make_document("circular.pdf", pdf_bytes(PDF_PHRASE))
    sheet = attach_and_publish(sheet, document)
    record = DocumentText.objects.get(document=document)
    assert PDF_PHRASE in record.text and record.error == ""
    found = site_search(officer_be, "liaison rotation Arlon")
    assert [result.url for result in found.results] == [sheet.url]
    assert found.results[0].country == "LU"


def test_docx_attachment_is_searchable(officer_be):
    sheet = make_sheet("NL", "languages", title="Languages — Netherlands")
    document = make_document("guide.docx", docx_bytes("Interpreters on call", "Frisian desk"))
    sheet = attach_and_publish(sheet, document)
    found = site_search(officer_be, "Frisian desk")
    assert [result.url for result in found.results] == [sheet.url]


def test_fake_pdf_records_an_error_and_never_crashes(officer_be):
    sheet = make_sheet(
        "BE", "arms", title="Arms — Belgium", summary="Service weapons may be carried."
    )
    document = make_document("fake.pdf", b"This is not a PDF at all")
    sheet = attach_and_publish(sheet, document)
    assert sheet.live
    record = DocumentText.objects.get(document=document)
    assert record.text == "" and "not a PDF" in record.error
    assert [r.url for r in site_search(officer_be, "service weapons").results] == [sheet.url]


def test_replaced_file_is_extracted_again(officer_be):
    sheet = make_sheet("DE", "arms", title="Arms — Germany")
    document = make_document("circular.pdf", pdf_bytes("first version wording"))
    sheet = attach_and_publish(sheet, document)
    document.file.save("circular2.pdf", ContentFile(pdf_bytes("second edition wording")), save=True)
    assert "second edition" in DocumentText.objects.get(document=document).text
    assert [r.url for r in site_search(officer_be, "second edition").results] == [sheet.url]


def test_admin_upload_refuses_a_fake_pdf(client, admin):
    client.force_login(admin)
    fake = SimpleUploadedFile("law.pdf", b"<html>phishing</html>", content_type="application/pdf")
    response = client.post("/admin/documents/add/", {"title": "Law", "file": fake, "collection": 1})
    assert response.status_code == 200
    assert "is not a PDF document" in response.content.decode()
    assert not Document.objects.filter(title="Law").exists()
    real = SimpleUploadedFile("law.pdf", pdf_bytes("text"), content_type="application/pdf")
    response = client.post("/admin/documents/add/", {"title": "Law", "file": real, "collection": 1})
    assert response.status_code == 302
    assert Document.objects.filter(title="Law").exists()


def test_admin_upload_refuses_a_fake_docx(client, admin):
    client.force_login(admin)
    fake = SimpleUploadedFile("guide.docx", b"plain text", content_type="application/octet-stream")
    response = client.post(
        "/admin/documents/add/", {"title": "Guide", "file": fake, "collection": 1}
    )
    assert "is not a Word (DOCX) document" in response.content.decode()
    assert not Document.objects.filter(title="Guide").exists()


HOT_PURSUIT_RULE = {"action": "hot_pursuit", "neighbour": "NL", "apprehension": "b"}


def test_search_finds_sheet_by_structured_values_and_facets(officer_be):
    unlimited = make_sheet("BE", "hot-pursuit", rules=[HOT_PURSUIT_RULE], summary="Benelux rules.")
    make_sheet(
        "FR",
        "hot-pursuit",
        rules=[
            {
                "action": "hot_pursuit",
                "neighbour": "BE",
                "apprehension": "a",
                "limit_km": 10,
                "limit_hours": 1,
            }
        ],
        summary="French rules.",
    )
    for query in ("no limit in time", "no time limit"):
        urls = [result.url for result in site_search(officer_be, query).results]
        assert urls[0] == unlimited.url, query
        assert len(urls) == 1, query
    found = site_search(officer_be, "hot pursuit", country="FR")
    assert {r.country for r in found.results} == {"FR"}
    found = site_search(officer_be, "hot pursuit", topic="hot-pursuit")
    assert {r.topic for r in found.results} == {"hot-pursuit"} and found.total == 2
    countries = {facet.value: facet.count for facet in found.facets["country"]}
    assert countries["BE"] == 1 and countries["FR"] == 1


def test_view_restricted_subtree_is_left_out_of_search_and_matrix(client, officer_be, admin):
    from django.contrib.auth.models import Group
    from wagtail.models import PageViewRestriction

    from tests.knowledge.factories import country_page

    sheet = make_sheet("AT", "hot-pursuit", rules=[HOT_PURSUIT_RULE], summary="Austrian rules.")
    assert [r.url for r in site_search(officer_be, "Austrian rules").results] == [sheet.url]
    restriction = PageViewRestriction.objects.create(
        page=country_page("AT"), restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.get(name="Knowledge reviewers")])
    officer_be.__dict__.pop("_portal_hidden_page_paths", None)  # a new request
    assert site_search(officer_be, "Austrian rules").results == []
    client.force_login(officer_be)
    matrix = soup_of(client.get("/knowledge/factsheets/")).find(id="fact-sheet-matrix")
    assert "Austria" not in matrix.get_text()
    assert client.get(f"/knowledge/factsheets/{sheet.pk}/changes/").status_code == 404
    # Administrators pass group restrictions.
    assert [r.url for r in site_search(admin, "Austrian rules").results] == [sheet.url]


def _search_page_queries(client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get("/search/?q=no+limit+in+time")  # first visit of the session
    # Any publication changes the index, so the measured search builds every snippet afresh
    # (a built one is kept while the index is unchanged).
    make_update(f"unrelated-{UpdatePage.objects.count()}", "Unrelated news")
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/search/?q=no+limit+in+time")
    assert response.status_code == 200
    return len(captured), len(soup_of(response).select("#search-results li, .search-result"))


def test_search_results_page_costs_no_query_per_fact_sheet_hit(
    client, officer_be, django_assert_max_num_queries
):
    """Highlights read each hit's structured rows and attachment texts: they come prefetched,
    so ten hits cost what two cost."""
    client.force_login(officer_be)
    rules = [
        {"action": "hot_pursuit", "neighbour": code, "apprehension": "b"}
        for code in ("NL", "LU", "FR")
    ]
    document = Document.objects.create(
        title="Circular", file=ContentFile(pdf_bytes(PDF_PHRASE), name="circular.pdf")
    )
    for code in ("BE", "DE"):
        sheet = make_sheet(code, "hot-pursuit", rules=rules, summary="No limit in time.")
        FactSheetDocument.objects.create(page=sheet, document=document)
    few, shown_few = _search_page_queries(client, django_assert_max_num_queries)
    for code in ("AT", "CZ", "DK", "ES", "IT", "PL", "PT", "SE"):
        make_sheet(code, "hot-pursuit", rules=rules, summary="No limit in time.")
    many, shown_many = _search_page_queries(client, django_assert_max_num_queries)
    assert shown_many > shown_few
    assert many == few


def test_a_repeated_search_reads_no_snippet_rows_again(client, officer_be):
    """A snippet is kept while the index is unchanged: the same words again (another
    request, another reader) read none of the hits' rules or attachment texts."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rules = [{"action": "hot_pursuit", "neighbour": "NL", "apprehension": "b"}]
    for code in ("BE", "DE", "FR"):
        make_sheet(code, "hot-pursuit", rules=rules, summary="No limit in time.")
    row_tables = ("knowledge_crossborderrule", "knowledge_factsheetdocument")

    def rows_read(user):
        client.force_login(user)
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/search/?q=no+limit+in+time")
        assert len(soup_of(response).select(".search-result")) == 3
        return [q["sql"] for q in captured if any(t in q["sql"] for t in row_tables)], response

    first, first_page = rows_read(officer_be)
    again, again_page = rows_read(user_in("NL", "officer"))
    assert first and not again
    snippets = [s.decode_contents() for s in soup_of(first_page).select(".search-snippet")]
    assert snippets == [s.decode_contents() for s in soup_of(again_page).select(".search-snippet")]
    assert any("<mark>" in s for s in snippets)
