"""Site search: the portal's modelsearch backend on Whoosh (see docs/search.md).

All Whoosh code lives in ``portal.search.backends.whoosh``; this package imports nothing from it
at import time, so settings can name the backend without loading Whoosh.

``highlight(results, obj, fields=None, max_chars=240)`` and ``suggestion(results)`` give the
snippet and the "did you mean" query of search results for any backend (see
``portal.search.results_api``); ``cached_highlight`` the snippet only if it is built
already. ``time_budget(seconds)`` gives every search run inside it one shared deadline (the
Whoosh backend honours it).
"""

import contextlib
import contextvars
import time


def highlight(results, obj, **kwargs):
    """Escaped HTML snippet of ``obj`` with the matched words in ``<mark>``; see
    ``portal.search.results_api.highlight``."""
    from .results_api import highlight as _highlight

    return _highlight(results, obj, **kwargs)


def cached_highlight(results, obj, **kwargs):
    """The snippet ``highlight`` would give if the backend has built it already, else None."""
    from .results_api import cached_highlight as _cached_highlight

    return _cached_highlight(results, obj, **kwargs)


def suggestion(results, known_elsewhere=None):
    """Corrected query string, or None; see ``portal.search.results_api.suggestion``."""
    from .results_api import suggestion as _suggestion

    return _suggestion(results, known_elsewhere=known_elsewhere)


def knows_word(results, word):
    """Whether ``word`` occurs in what ``results`` may contain; see ``results_api``."""
    from .results_api import knows_word as _knows_word

    return _knows_word(results, word)


# --- One time budget for a whole search (results, count, facets, suggestion) ---------------

_deadline = contextvars.ContextVar("portal_search_deadline", default=None)


@contextlib.contextmanager
def time_budget(seconds):
    """Every backend search run inside shares one deadline `seconds` from now (None or 0: no
    budget); a run started after it collects nothing, and suggestions are skipped."""
    token = _deadline.set(time.monotonic() + seconds if seconds else None)
    try:
        yield
    finally:
        _deadline.reset(token)


def remaining_time():
    """Seconds left in the current budget (may be negative), or None without a budget."""
    deadline = _deadline.get()
    return None if deadline is None else deadline - time.monotonic()


def budget_spent():
    left = remaining_time()
    return left is not None and left <= 0
