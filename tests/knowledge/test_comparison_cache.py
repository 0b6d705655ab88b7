"""The comparison section is cached for everyone who may see the same pages: a second reader
pays none of its queries, an edit shows at once, page privacy is never shared across
audiences, and the cached section keeps its own address."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import user_in
from tests.helpers import soup_of
from tests.knowledge.factories import insider_of_restricted_country, make_sheet

pytestmark = pytest.mark.django_db

COMPARE = "/knowledge/compare/?topic=hot-pursuit&countries=BE,DE,NL"


def compared(client, path=COMPARE):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    section = soup_of(response).find("section", class_="comparison")
    return len(queries), section


def sheet_links(section):
    return sorted(a["href"] for a in section.select("table a[href*='/knowledge/']"))


def test_a_second_reader_gets_the_same_comparison_without_its_queries(client, officer_be):
    for code in ("BE", "DE"):
        make_sheet(code, summary=f"Pursuit rules of {code}.")
    client.force_login(officer_be)
    first, first_section = compared(client)
    client.force_login(user_in("FR", "officer"))
    second, second_section = compared(client)
    assert second_section == first_section
    assert "2 of 3 countries have a fact sheet" in second_section.get_text(" ", strip=True)
    assert second <= first - 3  # the sheets and their rows are not read again


def test_an_edit_is_in_the_comparison_at_once(client, officer_be):
    make_sheet("BE")
    sheet = make_sheet("DE")
    client.force_login(officer_be)
    assert len(sheet_links(compared(client)[1])) == 2
    sheet.unpublish()
    _, section = compared(client)
    assert "1 of 3 countries have a fact sheet" in section.get_text(" ", strip=True)


def test_pages_hidden_by_privacy_are_never_served_from_another_audiences_cache(client):
    make_sheet("BE")
    secret = make_sheet("DE")
    insider = insider_of_restricted_country("DE")

    client.force_login(insider)
    assert any(secret.url in link for link in sheet_links(compared(client)[1]))
    client.force_login(user_in("FR", "officer"))
    _, section = compared(client)
    assert not any(secret.url in link for link in sheet_links(section))
    assert "1 of 3 countries have a fact sheet" in section.get_text(" ", strip=True)


def test_each_address_has_its_own_section(client, officer_be):
    make_sheet("BE")
    make_sheet("DE")
    client.force_login(officer_be)
    compared(client)
    _, other = compared(client, "/knowledge/compare/?topic=hot-pursuit&countries=BE,NL")
    assert "1 of 2 countries have a fact sheet" in other.get_text(" ", strip=True)
    assert other.find(id="comparison-link")["href"].endswith("countries=BE%2CNL")
