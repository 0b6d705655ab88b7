"""Reading attached documents is bounded: the parser runs in a child process with a time and
a memory limit, outside any database transaction, and a hostile file ends up as a recorded
extraction error while the page stays published and searchable by its own text."""

import io
import zipfile

import pytest
from django.db import transaction
from pypdf import PdfWriter

from knowledge import services
from knowledge.extraction import MAX_DOCX_UNCOMPRESSED
from knowledge.models import DocumentText
from tests.knowledge.factories import make_sheet
from tests.knowledge.test_extraction_search import (
    attach_and_publish,
    make_document,
    pdf_bytes,
)


def many_page_pdf(pages=3000):
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx_bomb():
    """A valid-looking DOCX whose parts expand far beyond the cap."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/media/padding.bin", b"\0" * (MAX_DOCX_UNCOMPRESSED + 1))
    return out.getvalue()


@pytest.mark.django_db
def test_a_file_that_takes_too_long_is_stopped_and_recorded(settings):
    settings.PORTAL_EXTRACTION_TIMEOUT_SECONDS = 0.05
    sheet = make_sheet("BE", "arms", title="Arms — Belgium")
    document = make_document("slow.pdf", many_page_pdf())
    sheet = attach_and_publish(sheet, document)
    assert sheet.live
    record = DocumentText.objects.get(document=document)
    assert record.text == ""
    assert "took longer than 0.05 seconds" in record.error


@pytest.mark.django_db
def test_a_file_that_needs_too_much_memory_is_stopped_and_recorded(settings):
    settings.PORTAL_EXTRACTION_MEMORY_MB = 40  # less than the parser needs to start
    sheet = make_sheet("NL", "arms", title="Arms — Netherlands")
    document = make_document("big.pdf", pdf_bytes("never read"))
    attach_and_publish(sheet, document)
    record = DocumentText.objects.get(document=document)
    assert record.text == ""
    assert "too much memory" in record.error


@pytest.mark.django_db
def test_a_docx_bomb_is_refused_before_it_expands():
    sheet = make_sheet("DE", "arms", title="Arms — Germany")
    document = make_document("bomb.docx", docx_bomb())
    attach_and_publish(sheet, document)
    record = DocumentText.objects.get(document=document)
    assert "too large once uncompressed" in record.error


@pytest.mark.django_db
def test_the_normal_limits_read_an_ordinary_pdf():
    sheet = make_sheet("LU", "arms", title="Arms — Luxembourg")
    document = make_document("circular.pdf", pdf_bytes("cross-border hot pursuit"))
    attach_and_publish(sheet, document)
    assert "cross-border hot pursuit" in DocumentText.objects.get(document=document).text


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keeps the migrated data
def test_no_transaction_is_open_while_the_file_is_parsed(monkeypatch):
    sheet = make_sheet("FR", "arms", title="Arms — France")
    document = make_document("circular.pdf", pdf_bytes("liaison officers"))
    attach_and_publish(sheet, document)
    seen = []
    parse = services.extract_text_isolated

    def watched(*args, **kwargs):
        seen.append(transaction.get_connection().in_atomic_block)
        return parse(*args, **kwargs)

    monkeypatch.setattr(services, "extract_text_isolated", watched)
    record = services.document_text_extract(document_id=document.pk, force=True)
    assert seen == [False]  # the parse held no database lock
    assert "liaison officers" in record.text
