"""The site-search query log is counted in memory and written by a task, never by the search
request itself: popular queries and searches that found nothing still add up. The page and the
API record each search (search.services.site_search_log); the selector itself records nothing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.contrib.search_promotions.models import Query

from search import selectors, services
from search.models import SearchMiss
from tests.factories import make_update, user_in

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture
def member(client):
    user = user_in("BE", "officer")
    client.force_login(user)
    return user


@pytest.fixture
def batched(settings):
    settings.PORTAL_SEARCH_LOG_FLUSH_SECONDS = 3600
    services.search_log_flush()
    yield
    services.search_log_flush()


def test_a_search_request_writes_nothing_to_the_database(batched, member, client):
    make_update("pursuit", "Hot pursuit across borders")
    client.get("/search/", {"q": "pursuit"})  # warm-up (session, index opened)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/search/", {"q": "pursuit"}).status_code == 200
        assert client.get("/api/v1/search", {"q": "nothingmatches"}).status_code == 200
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]
    assert writes == []


def test_counts_reach_the_log_when_flushed(batched, member, client):
    make_update("pursuit", "Hot pursuit across borders")
    for _ in range(2):
        assert client.get("/search/", {"q": "pursuit"}).status_code == 200
    assert client.get("/api/v1/search", {"q": "pursuit"}).status_code == 200
    assert client.get("/search/", {"q": "nothingmatches"}).status_code == 200
    assert client.get("/api/v1/search", {"q": "Nothingmatches"}).status_code == 200
    assert not Query.objects.filter(query_string="pursuit").exists()

    services.search_log_flush()

    assert Query.get("pursuit").hits == 3
    assert Query.get("nothingmatches").hits == 2
    assert {m.query_string: m.searches for m in SearchMiss.objects.all()} == {"nothingmatches": 2}


def test_a_due_batch_is_flushed_by_the_next_search(settings, member, client):
    settings.PORTAL_SEARCH_LOG_FLUSH_SECONDS = 0
    assert client.get("/search/", {"q": "extradition"}).status_code == 200
    assert Query.get("extradition").hits == 1


def test_the_selector_itself_records_nothing(batched, member):
    make_update("pursuit", "Hot pursuit across borders")
    selectors.site_search(member, "pursuit")
    selectors.site_search(member, "nothingmatches")
    services.search_log_flush()
    assert not Query.objects.exists()
    assert not SearchMiss.objects.exists()


def test_the_service_logs_first_pages_of_non_empty_queries(batched, member):
    make_update("pursuit", "Hot pursuit across borders")
    services.site_search_log(found=selectors.site_search(member, "pursuit"))
    services.site_search_log(found=selectors.site_search(member, "pursuit", page=2))
    services.site_search_log(found=selectors.site_search(member, "  "))
    services.site_search_log(found=selectors.site_search(member, "nothingmatches"))
    # a filtered search that finds nothing is counted, but not as a miss
    services.site_search_log(
        found=selectors.site_search(member, "filteredaway", type="portal.updatepage")
    )
    services.search_log_flush()
    assert {q.query_string: q.hits for q in Query.objects.all()} == {
        "pursuit": 1,
        "nothingmatches": 1,
        "filteredaway": 1,
    }
    assert {m.query_string: m.searches for m in SearchMiss.objects.all()} == {"nothingmatches": 1}
