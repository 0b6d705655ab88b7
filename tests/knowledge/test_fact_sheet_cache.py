"""The body of a fact sheet is cached for everyone who may see the same pages: a second
reader pays none of its queries, an edit shows at once, the overdue mark follows the day,
and the edit link stays the reader's own."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import user_in
from tests.helpers import soup_of
from tests.knowledge.factories import make_sheet

pytestmark = pytest.mark.django_db

RULE = {"action": "hot_pursuit", "neighbour": "NL", "apprehension": "a", "limit_km": 10}


def read(client, sheet):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(sheet.url)
    assert response.status_code == 200
    return len(queries), soup_of(response)


def test_a_second_reader_gets_the_same_body_without_its_queries(client):
    sheet = make_sheet(
        "BE",
        rules=[RULE],
        contacts=[{"service": "spoc", "name": "SPOC Brussels", "phone": "+32 2 000 00 00"}],
    )
    client.force_login(user_in("FR", "officer"))
    first, first_page = read(client, sheet)
    client.force_login(user_in("DE", "officer"))
    second, second_page = read(client, sheet)
    assert second_page.find("article") == first_page.find("article")
    assert second_page.find(id="contact-points").find("td").get_text() == "SPOC Brussels"
    assert second <= first - 5  # the sheet's rows are not read again


def test_an_edit_is_on_the_page_at_once(client, officer_be):
    sheet = make_sheet("BE", summary="Before the change.")
    client.force_login(officer_be)
    assert read(client, sheet)[1].find(id="summary").get_text() == "Before the change."
    sheet.summary = "After the change."
    sheet.save_revision().publish()
    assert read(client, sheet)[1].find(id="summary").get_text() == "After the change."


def test_the_overdue_mark_appears_on_the_day_the_review_falls_due(client, officer_be):
    sheet = make_sheet("BE", last_reviewed=datetime.date(2026, 1, 10), review_interval_months=12)
    client.force_login(officer_be)
    with time_machine.travel(datetime.datetime(2027, 1, 9, 12, tzinfo=datetime.UTC), tick=False):
        client.force_login(officer_be)
        assert read(client, sheet)[1].find(id="review-overdue") is None
    with time_machine.travel(datetime.datetime(2027, 1, 10, 12, tzinfo=datetime.UTC), tick=False):
        client.force_login(officer_be)
        assert read(client, sheet)[1].find(id="review-overdue") is not None


def test_the_edit_link_is_the_readers_own_when_the_body_is_cached(client):
    sheet = make_sheet("BE")
    client.force_login(user_in("FR", "officer"))
    assert read(client, sheet)[1].find("a", string="Edit this fact sheet") is None
    client.force_login(user_in("BE", "editor"))
    page = read(client, sheet)[1]
    assert page.find("a", string="Edit this fact sheet")["href"] == f"/admin/pages/{sheet.pk}/edit/"
    assert page.find("button", string="Mark as reviewed today (still correct)")
    client.force_login(user_in("DE", "officer"))
    assert read(client, sheet)[1].find("a", string="Edit this fact sheet") is None
