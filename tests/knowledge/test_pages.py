"""Reader pages of the knowledge base: what they show, their HTML structure, and query-count
pins that do not grow with the number of countries and sheets."""

import datetime

import pytest
import time_machine

from knowledge.models import CountryFactSheetsPage
from tests.helpers import soup_of
from tests.knowledge.factories import make_obstacle, make_practice, make_sheet

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 23, 12, 0, tzinfo=datetime.UTC)

HP_DE = {
    "action": "hot_pursuit",
    "neighbour": "DE",
    "apprehension": "a",
    "limit_km": 10,
    "limit_hours": 2,
    "offences": "list",
    "transport": "land",
    "notify": "CCPD <Kehl>",
}
HP_NL = {"action": "hot_pursuit", "neighbour": "NL", "apprehension": "b", "transport": "land,sea"}
CONTACT = {
    "service": "spoc",
    "name": "Federal police SPOC",
    "available_24_7": True,
    "phone": "+32 2 000 00 00",
    "email": "spoc@police.example.be",
    "languages": "fr,nl,en",
}
BASIS = {
    "title": "Convention implementing the Schengen Agreement",
    "reference": "Art. 41 CISA",
    "source": "OJ L 239, 22.9.2000",
    "as_of": datetime.date(2024, 1, 1),
}


@pytest.fixture
def reader(client, officer_be):
    client.force_login(officer_be)
    return client


def test_knowledge_is_in_the_main_navigation(reader):
    soup = soup_of(reader.get("/"))
    nav = soup.find("nav", attrs={"aria-label": "Main"})
    assert nav.find("a", string="Knowledge")["href"] == "/knowledge/"
    response = reader.get("/knowledge/")
    assert response.status_code == 200
    assert soup_of(response).select("#knowledge-sections h2 a")[0].get_text() == "Fact sheets"


@time_machine.travel(NOW, tick=False)
def test_fact_sheet_page_shows_structured_rules_contacts_and_sources(reader):
    sheet = make_sheet(
        "FR",
        "hot-pursuit",
        rules=[HP_DE],
        contacts=[CONTACT],
        bases=[BASIS],
        last_reviewed=datetime.date(2026, 6, 1),
    )
    response = reader.get(sheet.url)
    assert response.status_code == 200
    soup = soup_of(response)
    table = soup.find("table", id="rules-hot-pursuit")
    headers = [th.get_text() for th in table.select("thead th")]
    assert all(th["scope"] == "col" for th in table.select("thead th"))
    row = table.select_one("tbody tr")
    assert row.th["scope"] == "row" and row.th.get_text() == "Germany"
    cells = dict(zip(headers[1:], [td.get_text() for td in row.find_all("td")], strict=True))
    assert cells["Limit in space"] == "10 km"
    assert cells["Limit in time"] == "2 hours"
    assert cells["Right to apprehend"].startswith("no right to apprehend")
    assert cells["Whom to notify"] == "CCPD <Kehl>"  # escaped in HTML, text intact
    assert b"CCPD <Kehl>" not in response.content
    contacts = soup.find("table", id="contact-points")
    assert "Federal police SPOC" in contacts.get_text()
    assert contacts.find("a", href="mailto:spoc@police.example.be")
    basis = soup.find(id="legal-bases").get_text(" ", strip=True)
    assert "Art. 41 CISA" in basis and "OJ L 239" in basis and "1 January 2024" in basis
    assert soup.find(id="review-overdue") is None
    assert soup.find(id="changes-link")["href"] == f"/knowledge/factsheets/{sheet.pk}/changes/"


@time_machine.travel(NOW, tick=False)
def test_overdue_sheet_shows_a_banner(reader):
    sheet = make_sheet("BE", "arms", last_reviewed=datetime.date(2025, 10, 1))
    soup = soup_of(reader.get(sheet.url))
    banner = soup.find(id="review-overdue")
    assert banner is not None
    assert "1 October 2026" in banner.get_text()


def test_unpublished_sheet_is_not_shown(reader):
    sheet = make_sheet("BE", "arms")
    sheet.unpublish()
    assert reader.get("/knowledge/factsheets/be/arms/").status_code == 404
    assert reader.get(f"/knowledge/factsheets/{sheet.pk}/changes/").status_code == 404


def _sheets(count):
    codes = ["BE", "DE", "FR", "NL", "LU", "AT"]
    topics = ["hot-pursuit", "arms", "languages"]
    made = []
    for index in range(count):
        code = codes[index % len(codes)]
        topic = topics[index // len(codes)]
        rules = [HP_NL] if code != "NL" else []
        made.append(make_sheet(code, topic, rules=rules, last_reviewed=datetime.date(2024, 1, 1)))
    return made


@pytest.mark.parametrize("count", [2, 6, 12])
def test_fact_sheet_index_queries_are_bounded(reader, django_assert_max_num_queries, count):
    _sheets(count)
    with django_assert_max_num_queries(26):
        response = reader.get("/knowledge/factsheets/")
    assert response.status_code == 200
    soup = soup_of(response)
    table = soup.find("table", id="fact-sheet-matrix")
    assert len(table.select("tbody tr")) == 31
    assert len(table.select("td.matrix__cell a")) == count
    assert len(table.select("td.matrix__cell--overdue")) == count
    belgium = next(row for row in table.select("tbody tr") if row.th.a.get_text() == "Belgium")
    assert belgium.th.a["href"] == "/knowledge/factsheets/be/"


@pytest.mark.parametrize("count", [2, 6])
def test_country_page_queries_are_bounded(reader, django_assert_max_num_queries, count):
    codes = [
        "hot-pursuit",
        "arms",
        "languages",
        "definitions",
        "controlled-deliveries",
        "other-national-requirements",
    ]
    for topic in codes[:count]:
        make_sheet("DE", topic)
    with django_assert_max_num_queries(27):
        response = reader.get("/knowledge/factsheets/de/")
    assert response.status_code == 200
    items = soup_of(response).select("#country-sheets li")
    assert len(items) == count
    # Topic order, not creation order.
    titles = [li.h2.get_text() for li in items]
    assert titles[0].startswith("Controlled deliveries") if count == 6 else True


@pytest.mark.parametrize("count", [1, 4])
def test_fact_sheet_page_queries_do_not_grow_with_rows(
    reader, django_assert_max_num_queries, count
):
    rules = [
        {"action": "hot_pursuit", "neighbour": code, "apprehension": "b"}
        for code in ["DE", "FR", "NL", "LU"][:count]
    ]
    sheet = make_sheet(
        "BE", "hot-pursuit", rules=rules, contacts=[CONTACT] * count, bases=[BASIS] * count
    )
    with django_assert_max_num_queries(35):
        response = reader.get(sheet.url)
    assert len(soup_of(response).select("#rules-hot-pursuit tbody tr")) == count


def test_best_practices_filter_by_category_country_and_tag(reader):
    make_practice("Shift checklist", countries=("DE",), category="workflow", tags=["24/7"])
    make_practice(
        "One case number", countries=("BE", "NL"), category="it_case_management", tags=["SIENA"]
    )
    make_practice("Exchange week", countries=("AT",), category="training", tags=["CEPOL", "24/7"])

    def titles(query):
        response = reader.get("/knowledge/best-practices/" + query)
        assert response.status_code == 200
        return [a.get_text() for a in soup_of(response).select("#practices h2 a")]

    assert len(titles("")) == 3
    assert titles("?category=training") == ["Exchange week"]
    assert titles("?country=NL") == ["One case number"]
    assert sorted(titles("?tag=24/7")) == ["Exchange week", "Shift checklist"]
    assert len(titles("?category=<script>&country=XX")) == 3  # unknown values are ignored


def test_best_practice_detail(reader):
    practice = make_practice("One case number", countries=("BE", "NL"), tags=["SIENA"])
    soup = soup_of(reader.get(practice.url))
    assert soup.h1.get_text() == "One case number"
    assert "Belgium, Netherlands" in soup.find("dl").get_text()


def test_obstacles_register_filters_and_history(reader, admin):
    from knowledge.services import obstacle_status_change

    language = make_obstacle("No night language cover", countries=("BE", "NL"), kind="pragmatic")
    siena = make_obstacle("SIENA not at regional units", countries=("AT",), kind="technical")
    obstacle_status_change(user=admin, obstacle=siena, to_status="solved", note="Access extended.")

    def titles(query):
        response = reader.get("/knowledge/obstacles/" + query)
        assert response.status_code == 200
        return [a.get_text() for a in soup_of(response).select("#obstacles tbody th a")]

    assert sorted(titles("")) == ["No night language cover", "SIENA not at regional units"]
    assert titles("?status=solved") == ["SIENA not at regional units"]
    assert titles("?kind=pragmatic&country=NL") == ["No night language cover"]
    soup = soup_of(reader.get(siena.url))
    rows = [tr.get_text(" ", strip=True) for tr in soup.select("#status-history tbody tr")]
    assert len(rows) == 2
    assert "Open → Solved" in rows[0] and "Access extended." in rows[0]
    assert "Registered as open" in rows[1]
    assert language.status_changes.count() == 1


def test_country_pages_exist_for_every_country(reader):
    assert CountryFactSheetsPage.objects.live().count() == 31
    assert reader.get("/knowledge/factsheets/is/").status_code == 200


def test_best_practice_and_obstacle_lists_queries_do_not_grow(reader):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def measure(path, selector):
        reader.get(path)  # warm caches (site root paths, content types)
        with CaptureQueriesContext(connection) as queries:
            response = reader.get(path)
        return len(queries), len(soup_of(response).select(selector))

    def add(index):
        make_practice(f"Practice {index}", countries=("BE", "NL"), tags=[f"tag{index}", "common"])
        make_obstacle(f"Obstacle {index}", countries=("DE", "FR"))

    add(0)
    practices_one = measure("/knowledge/best-practices/", "#practices li")
    obstacles_one = measure("/knowledge/obstacles/", "#obstacles tbody tr")
    for index in range(1, 6):
        add(index)
    practices_six = measure("/knowledge/best-practices/", "#practices li")
    obstacles_six = measure("/knowledge/obstacles/", "#obstacles tbody tr")
    assert practices_one[1] == 1 and practices_six[1] == 6
    assert obstacles_one[1] == 1 and obstacles_six[1] == 6
    assert practices_six[0] == practices_one[0] <= 30
    assert obstacles_six[0] == obstacles_one[0] <= 30


def test_reference_documents(reader):
    from knowledge.models import DocumentIndexPage, KnowledgeDocumentPage
    from tests.knowledge.factories import country

    page = KnowledgeDocumentPage(
        title="Manual on cross-border operations",
        summary="The Council's manual, national chapters.",
        topic="hot-pursuit",
        body="<p>See the national chapters.</p>",
    )
    page.countries = [country("BE"), country("AT")]
    DocumentIndexPage.objects.get().add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    assert page.search_country == "AT" and page.search_topic == "hot-pursuit"
    listing = soup_of(reader.get("/knowledge/documents/"))
    item = listing.select_one("#knowledge-documents li")
    assert item.h2.get_text() == "Manual on cross-border operations"
    assert "Hot pursuit" in item.get_text() and "Austria, Belgium" in item.get_text()
    assert reader.get(page.url).status_code == 200


def test_draft_sheets_are_not_in_the_matrix_or_country_page(reader):
    make_sheet("BE", "arms", publish=False)
    make_sheet("BE", "languages")
    matrix = soup_of(reader.get("/knowledge/factsheets/")).find(id="fact-sheet-matrix")
    assert len(matrix.select("td.matrix__cell a")) == 1
    assert len(soup_of(reader.get("/knowledge/factsheets/be/")).select("#country-sheets li")) == 1
