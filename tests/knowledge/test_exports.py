"""PDF exports (WeasyPrint): one country's fact sheets and a comparison, read back with pypdf:
the country names, a structured value, the header with the generation date, page numbers and
"as of" dates. Unknown country: 404; bad comparison parameters: 400 (never 500)."""

import datetime
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from tests.helpers import soup_of
from tests.knowledge.factories import make_sheet
from tests.knowledge.test_compare import hot_pursuit, make_border_sheets, spoc

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 23, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def sheets(db):
    return make_border_sheets()


def pdf_text(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    pages = [page.extract_text() for page in reader.pages]
    return reader, pages, " ".join(" ".join(text.split()) for text in pages)


@time_machine.travel(NOW)
def test_country_export_has_its_sheets_rules_and_dates(logged_in_client, sheets):
    response = logged_in_client.get("/knowledge/countries/be/export.pdf")
    assert 'filename="fact-sheets-be-2026-11-23.pdf"' in response["Content-Disposition"]
    reader, pages, text = pdf_text(response)
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=1)  # A4 portrait
    assert "Fact sheets: Belgium" in text
    assert "Generated 23 November 2026" in pages[0]
    assert f"Page 1 of {len(pages)}" in " ".join(pages[0].split())
    # Structured values: the rule for French officers, and the legal basis's "as of" date.
    assert "France (FR)" in text and "10 km" in text
    assert "as of 1 March 2025" in text
    assert "last reviewed 1 June 2026" in text


@time_machine.travel(NOW)
def test_comparison_export_lists_the_countries_and_aligned_values(logged_in_client, sheets):
    response = logged_in_client.get(
        "/knowledge/compare/export.pdf", {"topic": "hot-pursuit", "countries": "BE,DE,NL"}
    )
    assert (
        'filename="comparison-hot-pursuit-be-de-nl-2026-11-23.pdf"'
        in (response["Content-Disposition"])
    )
    reader, pages, text = pdf_text(response)
    page = reader.pages[0]
    assert page.mediabox.width > page.mediabox.height  # A4 landscape for the wide table
    assert "Comparison: Hot pursuit" in text
    for name in ("Belgium (BE)", "Germany (DE)", "Netherlands (NL)"):
        assert name in text
    assert "No limit" in text and "Differs" in text
    assert "Review overdue" in text  # Germany's sheet was last reviewed in January 2024
    assert "Generated 23 November 2026" in pages[0]
    assert "Page 1 of" in " ".join(pages[0].split())


def test_country_without_sheets_still_exports(logged_in_client):
    response = logged_in_client.get("/knowledge/countries/PL/export.pdf")
    _reader, _pages, text = pdf_text(response)
    assert "Poland has no published fact sheet yet" in text


def test_greece_by_its_eu_code(logged_in_client):
    response = logged_in_client.get("/knowledge/countries/EL/export.pdf")
    _reader, _pages, text = pdf_text(response)
    assert "Fact sheets: Greece" in text


@pytest.mark.parametrize("code", ["XX", "B", "BEL", "12"])
def test_unknown_country_is_404(logged_in_client, code):
    response = logged_in_client.get(f"/knowledge/countries/{code}/export.pdf")
    assert response.status_code == 404


@pytest.mark.parametrize(
    "params",
    [
        {"topic": "hot-pursuit", "countries": "BE"},
        {"topic": "nope", "countries": "BE,DE"},
        {"topic": "hot-pursuit", "countries": "BE,XX"},
        {},
    ],
)
def test_bad_comparison_export_is_400_with_the_form(logged_in_client, params):
    response = logged_in_client.get("/knowledge/compare/export.pdf", params)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert soup_of(response).find(class_="error-summary") is not None


def test_exports_need_a_login(client):
    assert client.get("/knowledge/countries/BE/export.pdf").status_code == 302
    response = client.get("/knowledge/compare/export.pdf?topic=hot-pursuit&countries=BE,DE")
    assert response.status_code == 302


def test_a_draft_sheet_is_not_exported(logged_in_client):
    make_sheet("PL", publish=False, summary="Secret draft text.")
    _reader, _pages, text = pdf_text(logged_in_client.get("/knowledge/countries/PL/export.pdf"))
    assert "Secret draft text" not in text


def test_export_queries_do_not_grow_with_the_number_of_sheets(
    logged_in_client, sheets, django_assert_max_num_queries
):
    url = "/knowledge/countries/BE/export.pdf"
    logged_in_client.get(url)
    with CaptureQueriesContext(connection) as captured:
        logged_in_client.get(url)
    one_sheet = len(captured)
    make_sheet("BE", topic="cross-border-surveillance", rules=[hot_pursuit("NL")])
    make_sheet("BE", topic="languages", contacts=[spoc("SPOC Belgium")])
    with django_assert_max_num_queries(one_sheet):
        response = logged_in_client.get(url)
    _reader, _pages, text = pdf_text(response)
    assert "Languages" in text and "Cross-border surveillance" in text
    assert one_sheet <= 18
