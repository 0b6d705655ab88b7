"""Site search's writes: the query log, without a database write on the request path.

The view and the API call `site_search_log(found=...)` after a search. Each process counts the
queries it served (Wagtail's search-promotion `Query` daily hits, and `SearchMiss` for queries
that found nothing) in memory and hands the counts to a django-tasks task
(search.tasks.record_search_queries, which calls `search_queries_record`) at most every
`PORTAL_SEARCH_LOG_FLUSH_SECONDS` (or when many distinct queries piled up, or when the process
exits). The figures are statistics for editors: a process killed without warning loses at
most that interval's counts.
"""

from __future__ import annotations

import atexit
import datetime
import threading
import time
from collections import Counter
from collections.abc import Mapping

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from wagtail.contrib.search_promotions.models import Query, QueryDailyHits

from search.models import SearchMiss
from search.selectors import MAX_QUERY_CHARS, SiteSearch

MAX_PENDING_QUERIES = 200

_lock = threading.Lock()
_hits = Counter()
_misses = Counter()
_since = None


def site_search_log(*, found: SiteSearch) -> None:
    """Count the search `found` in the query log: every non-empty query, on its first results
    page only, whether it found anything or not (a miss when it found nothing without
    filters)."""
    if not found.q or found.page != 1:
        return
    search_query_count(query_string=found.q, found_nothing=found.total == 0 and not found.filters)


def search_query_count(*, query_string: str, found_nothing: bool) -> None:
    """Count one search; flushes the counts to a task when they are due."""
    global _since
    query_string = query_string[:MAX_QUERY_CHARS]
    with _lock:
        _hits[query_string] += 1
        if found_nothing:
            _misses[query_string] += 1
        if _since is None:
            _since = time.monotonic()
        due = (
            time.monotonic() - _since >= settings.PORTAL_SEARCH_LOG_FLUSH_SECONDS
            or len(_hits) >= MAX_PENDING_QUERIES
        )
    if due:
        search_log_flush()


def search_log_flush() -> None:
    """Queue the pending counts (if any) for the database, and start counting afresh."""
    global _since
    with _lock:
        hits, misses = dict(_hits), dict(_misses)
        _hits.clear()
        _misses.clear()
        _since = None
    if not hits:
        return
    from search.tasks import record_search_queries  # cycle: search.tasks imports the services

    record_search_queries.enqueue(hits=hits, misses=misses)


@atexit.register
def _flush_at_exit():
    try:
        search_log_flush()
    except Exception:  # noqa: BLE001, S110 - the process is going away; statistics only
        pass


@transaction.atomic
def search_queries_record(
    *,
    hits: Mapping[str, int],
    misses: Mapping[str, int],
    date: datetime.date | None = None,
) -> None:
    """Add counted site searches to the query log: `hits` {query: searches} to Wagtail's
    search-promotion daily hits, `misses` {query: searches that found nothing} to SearchMiss."""
    date = date or timezone.localdate()
    for query_string, count in hits.items():
        query = Query.get(query_string)
        daily, _created = QueryDailyHits.objects.get_or_create(query=query, date=date)
        QueryDailyHits.objects.filter(pk=daily.pk).update(hits=F("hits") + count)
    for query_string, count in misses.items():
        search_miss_record(query_string=query_string, count=count)


def search_miss_record(*, query_string: str, count: int = 1) -> None:
    """Count a site-search query that found nothing (normalised: trimmed, lower-cased)."""
    key = " ".join(query_string.split()).lower()[:255]
    if not key:
        return
    now = timezone.now()
    updated = SearchMiss.objects.filter(query_string=key).update(
        searches=F("searches") + count, last_searched_at=now
    )
    if not updated:
        SearchMiss.objects.get_or_create(
            query_string=key,
            defaults={"searches": count, "first_searched_at": now, "last_searched_at": now},
        )
