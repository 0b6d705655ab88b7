"""The site-search query log is counted in memory and written by a task, never by the search
request itself: popular queries and searches that found nothing still add up."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.contrib.search_promotions.models import Query

from portal import search_log, site_search
from portal.models import SearchMiss
from tests.factories import make_update, user_in
from tests.portal.test_site_search import search_index  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture
def member():
    return user_in("BE", "officer")


@pytest.fixture
def batched(settings):
    settings.PORTAL_SEARCH_LOG_FLUSH_SECONDS = 3600
    search_log.flush()
    yield
    search_log.flush()


def test_a_search_request_writes_nothing_to_the_database(batched, member, client):
    make_update("pursuit", "Hot pursuit across borders")
    client.force_login(member)
    client.get("/search/", {"q": "pursuit"})  # warm-up (session, index opened)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/search/", {"q": "pursuit"}).status_code == 200
        assert client.get("/api/v1/search", {"q": "nothingmatches"}).status_code == 200
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]
    assert writes == []


def test_counts_reach_the_log_when_flushed(batched, member):
    make_update("pursuit", "Hot pursuit across borders")
    for _ in range(3):
        site_search.site_search(member, "pursuit")
    site_search.site_search(member, "nothingmatches")
    site_search.site_search(member, "Nothingmatches")
    assert not Query.objects.filter(query_string="pursuit").exists()

    search_log.flush()

    assert Query.get("pursuit").hits == 3
    assert Query.get("nothingmatches").hits == 2
    assert {m.query_string: m.searches for m in SearchMiss.objects.all()} == {"nothingmatches": 2}


def test_a_due_batch_is_flushed_by_the_next_search(settings, member):
    settings.PORTAL_SEARCH_LOG_FLUSH_SECONDS = 0
    site_search.site_search(member, "extradition")
    assert Query.get("extradition").hits == 1
