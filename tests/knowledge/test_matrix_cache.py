"""The fact-sheet matrix is cached for everyone who may see the same pages: a second reader
pays no matrix queries, a publication shows at once, page privacy is never shared across
audiences, and "overdue" marks follow the day."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import user_in
from tests.helpers import soup_of
from tests.knowledge.factories import insider_of_restricted_country, make_sheet

pytestmark = pytest.mark.django_db

MATRIX = "/knowledge/factsheets/"


def matrix_links(client):
    table = soup_of(client.get(MATRIX)).find("table", id="fact-sheet-matrix")
    return sorted(a["href"] for a in table.select("td.matrix__cell a"))


def queries_of(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(MATRIX)
    assert response.status_code == 200
    return len(queries), soup_of(response).find("table", id="fact-sheet-matrix")


def test_a_second_reader_gets_the_same_matrix_without_its_queries(client, officer_be):
    for code in ("BE", "DE", "FR"):
        make_sheet(code)
    client.force_login(officer_be)
    first, first_table = queries_of(client)
    other = user_in("NL", "officer")
    client.force_login(other)
    second, second_table = queries_of(client)
    assert second_table == first_table
    assert len(second_table.select("td.matrix__cell a")) == 3
    # The country pages, the sheets and their countries are not read again.
    assert second <= first - 2


def test_a_publication_is_in_the_matrix_at_once(client, officer_be):
    make_sheet("BE")
    client.force_login(officer_be)
    assert len(matrix_links(client)) == 1
    sheet = make_sheet("DE", "arms")
    assert sheet.url in matrix_links(client)
    sheet.unpublish()
    assert sheet.url not in matrix_links(client)


def test_pages_hidden_by_privacy_are_never_served_from_another_audiences_cache(client):
    make_sheet("BE")
    secret = make_sheet("DE")
    insider = insider_of_restricted_country("DE")
    outsider = user_in("FR", "officer")

    client.force_login(insider)
    assert secret.url in matrix_links(client)  # fills the cache for the insiders' audience
    client.force_login(outsider)
    links = matrix_links(client)
    assert secret.url not in links and len(links) == 1
    client.force_login(insider)
    assert secret.url in matrix_links(client)


def test_overdue_marks_follow_the_day(client, officer_be):
    make_sheet("BE", last_reviewed=datetime.date(2025, 12, 7), review_interval_months=12)

    def overdue_cells(day):
        with time_machine.travel(datetime.datetime(*day, 12, tzinfo=datetime.UTC), tick=False):
            client.force_login(officer_be)
            table = soup_of(client.get(MATRIX)).find("table", id="fact-sheet-matrix")
            assert len(table.select("td.matrix__cell a")) == 1
            return len(table.select("td.matrix__cell--overdue"))

    assert overdue_cells((2026, 12, 6)) == 0
    assert overdue_cells((2026, 12, 8)) == 1
