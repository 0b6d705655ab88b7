"""Comparison of fact sheets (/knowledge/compare/): parameters, aligned rows, difference
markers, missing sheets, bad input (400, never 500), the print stylesheet, query-count pins."""

import datetime
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from knowledge import compare
from knowledge.compare import ParamError
from portal.models import Country
from tests.helpers import soup_of
from tests.knowledge.factories import make_sheet

pytestmark = pytest.mark.django_db

URL = "/knowledge/compare/"
TODAY = datetime.date(2026, 11, 23)


def hot_pursuit(neighbour, **fields):
    rule = {
        "action": "hot_pursuit",
        "neighbour": neighbour,
        "apprehension": "b",
        "limit_km": None,
        "limit_hours": None,
        "offences": "extraditable",
        "transport": "land",
        "notify": "",
    }
    rule.update(fields)
    return rule


def spoc(name, **fields):
    return {"service": "spoc", "name": name, "available_24_7": True, **fields}


def make_border_sheets():
    """Hot-pursuit sheets of BE, DE, NL (and LU, AT, FR for the six-country pins): what
    officers of each neighbour may do on the sheet country's territory."""
    sheets = {
        "BE": make_sheet(
            "BE",
            summary="Belgium allows hot pursuit from all its neighbours.",
            rules=[
                hot_pursuit("DE", notify="PCCC Heerlen"),
                hot_pursuit("NL", notify="PCCC Heerlen"),
                hot_pursuit("FR", apprehension="a", limit_km=10, notify="CCPD Tournai"),
            ],
            contacts=[spoc("SPOC Belgium", phone="+32 2 000 00 00", email="spoc@police.be")],
            bases=[
                {
                    "title": "Belgian declaration on Art. 41 CISA",
                    "reference": "Art. 41 CISA",
                    "source": "Council doc. 9410/17",
                    "as_of": datetime.date(2025, 3, 1),
                }
            ],
            last_reviewed=datetime.date(2026, 6, 1),
        ),
        "DE": make_sheet(
            "DE",
            summary="Germany allows hot pursuit with a time limit for some neighbours.",
            rules=[
                hot_pursuit("BE", limit_hours=1, notify="GPZ Aachen"),
                hot_pursuit("NL", notify="GPZ Aachen"),
                hot_pursuit("FR", apprehension="a", limit_km=10, notify="GZ Kehl"),
            ],
            contacts=[spoc("SPOC Germany (BKA)", phone="+49 611 000", available_24_7=True)],
            last_reviewed=datetime.date(2024, 1, 15),  # overdue on TODAY
        ),
        "NL": make_sheet(
            "NL",
            summary="The Netherlands: Benelux Treaty rules.",
            rules=[
                hot_pursuit("BE", notify="PCCC Heerlen"),
                hot_pursuit("DE", notify="PCCC Heerlen"),
            ],
            contacts=[
                {"service": "spoc", "name": "SPOC Netherlands", "available_24_7": False},
            ],
        ),
        "LU": make_sheet("LU", rules=[hot_pursuit("BE"), hot_pursuit("DE")]),
        "AT": make_sheet("AT", rules=[hot_pursuit("DE", limit_km=30)]),
    }
    return sheets


@pytest.fixture
def sheets(db):
    return make_border_sheets()


def country(code):
    return Country.objects.get(code=code)


def row(result, key):
    return next(r for group in result.groups for r in group.rows if r.key == key)


# --- Parameters -------------------------------------------------------------------------------


def test_codes_come_from_comma_lists_and_repeated_parameters_without_duplicates():
    assert compare.split_codes(["be,de", "FR", " nl ", "DE"]) == ["BE", "DE", "FR", "NL"]
    assert compare.split_codes("EL,CY") == ["GR", "CY"]  # the EU's code for Greece


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (["BE"], "between 2 and 6"),
        (["BE,BE"], "between 2 and 6"),
        (["BE,DE,FR,NL,LU,AT,PL"], "between 2 and 6"),
        (["BE,XX"], "Unknown country code: XX"),
        ([""], "between 2 and 6"),
    ],
)
def test_bad_country_lists_are_refused_with_the_reason(values, message):
    with pytest.raises(ParamError) as caught:
        compare.parse_countries(values)
    assert caught.value.param == "countries"
    assert message in str(caught.value)


def test_unknown_or_missing_topic_is_refused():
    with pytest.raises(ParamError, match="Unknown topic"):
        compare.parse_topic("pursuit")
    with pytest.raises(ParamError, match="Choose a topic"):
        compare.parse_topic("")
    assert compare.parse_topic("hot-pursuit").title == "Hot pursuit"


# --- The comparison ---------------------------------------------------------------------------


def test_rules_are_aligned_by_neighbour_and_field(sheets):
    result = compare.comparison(
        topic="hot-pursuit", countries=[country("BE"), country("DE")], user=None
    )
    titles = [group.title for group in result.groups]
    assert titles[0] == "Fact sheet"
    assert "Officers from France (FR)" in titles
    assert "Officers from Netherlands (NL)" in titles
    france_time = row(result, "rule:FR:limit_km")
    assert [cell.display for cell in france_time.cells] == ["10 km", "10 km"]
    assert not france_time.differs
    france_apprehension = row(result, "rule:FR:apprehension")
    assert france_apprehension.cells[0].display.startswith("No right to apprehend")


def test_a_row_whose_values_differ_is_marked(sheets):
    result = compare.comparison(
        topic="hot-pursuit", countries=[country("BE"), country("DE"), country("NL")], user=None
    )
    # Officers from NL: no time limit in BE, none in DE either; the notify differs.
    assert not row(result, "rule:NL:limit_hours").differs
    assert row(result, "rule:NL:notify").differs
    # Officers from FR: BE and DE both 10 km; NL records no rule for France: that differs.
    france_km = row(result, "rule:FR:limit_km")
    assert [cell.status for cell in france_km.cells] == ["value", "value", "no_rule"]
    assert france_km.differs
    # The SPOC of NL is not 24/7: the contact row differs.
    assert row(result, "contact:spoc").differs
    # Free text and dates are never marked.
    assert not row(result, "summary").differs
    assert not row(result, "last_reviewed").differs
    assert result.difference_count >= 3


def test_own_country_and_missing_sheets_take_no_part_in_differences(sheets):
    result = compare.comparison(
        topic="hot-pursuit", countries=[country("BE"), country("DE"), country("PL")], user=None
    )
    germans = row(result, "rule:DE:limit_hours")  # officers from DE: BE no limit; DE own
    assert [cell.status for cell in germans.cells] == ["value", "own_country", "no_sheet"]
    assert not germans.differs
    assert result.columns[2].sheet is None
    assert row(result, "summary").cells[2].display == "No fact sheet"


@time_machine.travel(datetime.datetime(2026, 11, 23, 12, 0, tzinfo=datetime.UTC))
def test_review_rows_show_dates_and_the_overdue_flag(sheets):
    result = compare.comparison(
        topic="hot-pursuit", countries=[country("BE"), country("DE")], user=None
    )
    assert [c.display for c in row(result, "last_reviewed").cells] == ["2026-06-01", "2024-01-15"]
    assert [c.display for c in row(result, "overdue").cells] == ["Up to date", "Review overdue"]
    assert [column.overdue for column in result.columns] == [False, True]


def test_a_draft_sheet_is_not_compared(sheets):
    make_sheet("PL", publish=False, rules=[hot_pursuit("DE")])
    result = compare.comparison(
        topic="hot-pursuit", countries=[country("DE"), country("PL")], user=None
    )
    assert result.columns[1].sheet is None


# --- The page ---------------------------------------------------------------------------------


def test_the_form_alone_without_parameters(logged_in_client):
    response = logged_in_client.get(URL)
    assert response.status_code == 200
    soup = soup_of(response)
    assert soup.find("label", attrs={"for": "compare-topic"}).get_text(strip=True) == "Topic"
    belgium = soup.find("input", attrs={"name": "countries", "value": "BE"})
    assert soup.find("label", attrs={"for": belgium["id"]}).get_text(strip=True) == "Belgium (BE)"
    assert soup.find("table") is None
    assert len(soup.select("input[name=countries]")) == Country.objects.count()


def test_the_page_needs_a_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_compare_three_countries_side_by_side(logged_in_client, sheets):
    response = logged_in_client.get(URL, {"topic": "hot-pursuit", "countries": "BE,DE,NL"})
    assert response.status_code == 200
    soup = soup_of(response)
    table = soup.find("table", class_="comparison-table")
    headers = [th.get("data-country") for th in table.select("thead th[data-country]")]
    assert headers == ["BE", "DE", "NL"]
    notify = table.find("tr", attrs={"data-row": "rule:NL:notify"})
    assert notify.find("th").find(class_="diff-badge").get_text(" ", strip=True) == "≠ Differs"
    same = table.find("tr", attrs={"data-row": "rule:NL:limit_hours"})
    assert same.find(class_="diff-badge") is None
    cells = [td.get_text(" ", strip=True) for td in same.find_all("td")]
    assert cells == ["No limit", "No limit", "Own country"]
    # The checkboxes keep the choice, and the share link is the canonical URL.
    checked = [i["value"] for i in soup.select("input[name=countries][checked]")]
    assert checked == ["BE", "DE", "NL"]
    link = soup.find("a", id="comparison-link")
    assert link["href"] == "/knowledge/compare/?topic=hot-pursuit&countries=BE%2CDE%2CNL"
    pdf = soup.find("a", string="Download as PDF")
    assert pdf["href"].startswith("/knowledge/compare/export.pdf?topic=hot-pursuit")


def test_columns_follow_the_order_given_and_checkboxes_give_the_same_table(
    logged_in_client, sheets
):
    comma = logged_in_client.get(URL, {"topic": "hot-pursuit", "countries": "NL,BE"})
    repeated = logged_in_client.get(URL, {"topic": "hot-pursuit", "countries": ["NL", "BE"]})
    assert soup_of(comma).find("table") == soup_of(repeated).find("table")
    headers = [th["data-country"] for th in soup_of(comma).select("thead th[data-country]")]
    assert headers == ["NL", "BE"]


def test_a_country_without_a_sheet_shows_no_fact_sheet(logged_in_client, sheets):
    response = logged_in_client.get(URL, {"topic": "hot-pursuit", "countries": "BE,PL"})
    assert response.status_code == 200
    soup = soup_of(response)
    summary = soup.find("tr", attrs={"data-row": "summary"})
    assert summary.find("td", attrs={"data-country": "PL"}).get_text(strip=True) == "No fact sheet"
    assert "1 of 2 countries have a fact sheet" in soup.get_text(" ", strip=True)


def test_legal_basis_shows_source_and_as_of_and_the_overdue_badge(logged_in_client, sheets):
    with time_machine.travel(datetime.datetime(2026, 11, 23, 12, 0, tzinfo=datetime.UTC)):
        response = logged_in_client.get(URL, {"topic": "hot-pursuit", "countries": "BE,DE"})
    soup = soup_of(response)
    basis = soup.find("tr", attrs={"data-row": "legal_basis"}).find(
        "td", attrs={"data-country": "BE"}
    )
    text = basis.get_text(" ", strip=True)
    assert "Council doc. 9410/17" in text and "As of 1 March 2025" in text
    germany = soup.find("thead").find("th", attrs={"data-country": "DE"})
    assert "Review overdue" in germany.get_text(" ", strip=True)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"topic": "hot-pursuit", "countries": "BE"}, "Choose between 2 and 6"),
        ({"topic": "hot-pursuit", "countries": "BE,DE,FR,NL,LU,AT,PL"}, "Choose between 2 and 6"),
        ({"topic": "hot-pursuit", "countries": "BE,ZZ"}, "Unknown country code: ZZ"),
        ({"topic": "piracy", "countries": "BE,DE"}, "Unknown topic"),
        ({"topic": "", "countries": "BE,DE"}, "Choose a topic"),
        ({"topic": "hot-pursuit", "countries": ""}, "Choose between 2 and 6"),
        ({"topic": "x" * 5000, "countries": "B" * 5000}, "Unknown"),
    ],
)
def test_bad_parameters_give_the_form_with_an_error_and_400(logged_in_client, params, message):
    response = logged_in_client.get(URL, params)
    assert response.status_code == 400
    soup = soup_of(response)
    summary = soup.find(class_="error-summary")
    assert summary is not None and summary["role"] == "alert"
    assert message in summary.get_text(" ", strip=True)
    assert soup.find("form", class_="compare-form") is not None
    assert soup.find("table") is None


def test_topic_alone_prefills_the_form_and_with_ticks_countries(logged_in_client):
    response = logged_in_client.get(URL, {"topic": "hot-pursuit", "with": "BE,DE"})
    assert response.status_code == 200
    soup = soup_of(response)
    assert soup.find("option", selected=True)["value"] == "hot-pursuit"
    assert [i["value"] for i in soup.select("input[name=countries][checked]")] == ["BE", "DE"]
    assert soup.find(class_="error-summary") is None


def test_the_print_stylesheet_hides_navigation_and_shows_link_addresses(logged_in_client, sheets):
    response = logged_in_client.get(URL, {"topic": "hot-pursuit", "countries": "BE,DE"})
    soup = soup_of(response)
    href = soup.find("link", href=lambda h: h and h.endswith("knowledge/tools.css"))["href"]
    assert href.startswith(settings.STATIC_URL)
    css = (Path(settings.BASE_DIR) / "knowledge/static/knowledge/tools.css").read_text()
    print_css = css[css.index("@media print") :]
    assert ".site-header" in print_css and "display: none" in print_css
    assert "attr(href)" in print_css and "table-layout: fixed" in print_css
    # Source links are absolute, so the printed addresses are usable.
    sheet_link = soup.find("thead").find("th", attrs={"data-country": "BE"}).find("a")
    assert sheet_link["href"].startswith("http://testserver/")


def test_query_count_does_not_grow_with_the_number_of_countries(
    logged_in_client, sheets, django_assert_num_queries
):
    # Warms the caches with another address: each measured comparison is built, not cached.
    logged_in_client.get(URL, {"topic": "hot-pursuit", "countries": "FR,LU"})
    with CaptureQueriesContext(connection) as two:
        response = logged_in_client.get(URL, {"topic": "hot-pursuit", "countries": "BE,DE"})
    assert response.status_code == 200
    with CaptureQueriesContext(connection) as six:
        response = logged_in_client.get(
            URL, {"topic": "hot-pursuit", "countries": "BE,DE,NL,LU,AT,FR"}
        )
    assert response.status_code == 200
    assert len(soup_of(response).select("thead th[data-country]")) == 6
    assert len(six) == len(two)
    with django_assert_num_queries(len(two)):
        logged_in_client.get(URL, {"topic": "hot-pursuit", "countries": "NL,LU,AT"})


def test_query_count_pin(logged_in_client, sheets, django_assert_max_num_queries):
    logged_in_client.get(URL, {"topic": "hot-pursuit", "countries": "BE,DE"})
    with django_assert_max_num_queries(20):
        response = logged_in_client.get(
            URL, {"topic": "hot-pursuit", "countries": "BE,DE,NL,LU,AT,FR"}
        )
    assert response.status_code == 200


def test_compare_url_helper_for_links():
    assert (
        compare.compare_url("hot-pursuit", ["BE", "DE"])
        == reverse("knowledge_tools:compare") + "?topic=hot-pursuit&countries=BE%2CDE"
    )


def test_link_includes_for_the_sheet_and_country_pages_lead_to_working_pages(
    logged_in_client, sheets
):
    from bs4 import BeautifulSoup
    from django.template.loader import render_to_string

    sheet_html = render_to_string(
        "knowledge/tools/includes/sheet_links.html", {"sheet": sheets["BE"]}
    )
    country_html = render_to_string(
        "knowledge/tools/includes/country_links.html", {"country": country("BE")}
    )
    links = {
        a.get_text(" ", strip=True): a["href"]
        for html in (sheet_html, country_html)
        for a in BeautifulSoup(html, "html.parser").find_all("a")
    }
    assert links["Compare with other countries"] == (
        "/knowledge/compare/?topic=hot-pursuit&with=BE"
    )
    assert links["Quick answer: hot pursuit into Belgium"] == (
        "/knowledge/quick-answer/?entered=BE&action=hot_pursuit"
    )
    assert links["Download Belgium's fact sheets (PDF)"] == "/knowledge/countries/BE/export.pdf"
    for href in set(links.values()):
        response = logged_in_client.get(href)
        assert response.status_code == 200, href
    prefilled = soup_of(logged_in_client.get(links["Compare with other countries"]))
    assert [i["value"] for i in prefilled.select("input[name=countries][checked]")] == ["BE"]


def test_a_huge_country_list_is_refused_quickly(logged_in_client):
    codes = [f"{a}{b}{c}" for a in "ABCDEFGHIJ" for b in "ABCDEFGHIJ" for c in "ABCDEFGHIJ"]
    response = logged_in_client.get(
        URL, {"topic": "hot-pursuit", "countries": ",".join(codes * 20)}
    )
    assert response.status_code == 400
    assert "you chose 1000" in soup_of(response).find(class_="error-summary").get_text()
