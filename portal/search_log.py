"""The site-search query log without a database write on the request path.

Each process counts the queries it served (Wagtail's search-promotion `Query` daily hits, and
the portal's `SearchMiss` for queries that found nothing) in memory and hands the counts to a
django-tasks task at most every `PORTAL_SEARCH_LOG_FLUSH_SECONDS` (or when many distinct
queries piled up, or when the process exits). The figures are statistics for editors: a
process killed without warning loses at most that interval's counts.
"""

import atexit
import threading
import time
from collections import Counter

from django.conf import settings

from portal.tasks import record_search_queries

MAX_PENDING_QUERIES = 200

_lock = threading.Lock()
_hits = Counter()
_misses = Counter()
_since = None


def search_logged(query_string, *, found_nothing):
    """Count one search; flushes the counts to a task when they are due."""
    global _since
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
        flush()


def flush():
    """Queue the pending counts (if any) for the database, and start counting afresh."""
    global _since
    with _lock:
        hits, misses = dict(_hits), dict(_misses)
        _hits.clear()
        _misses.clear()
        _since = None
    if not hits:
        return

    record_search_queries.enqueue(hits=hits, misses=misses)


@atexit.register
def _flush_at_exit():
    try:
        flush()
    except Exception:  # noqa: BLE001, S110 - the process is going away; statistics only
        pass
