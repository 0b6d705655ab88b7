"""Site search: the portal's modelsearch backend on Whoosh (see docs/search.md).

All Whoosh code lives in ``portal.search.whoosh_backend``; this package imports nothing from it
at import time, so settings can name the backend without loading Whoosh.

``highlight(results, obj, fields=None, max_chars=240)`` and ``suggestion(results)`` give the
snippet and the "did you mean" query of search results for any backend (see
``portal.search.results_api``).
"""


def highlight(results, obj, **kwargs):
    """Escaped HTML snippet of ``obj`` with the matched words in ``<mark>``; see
    ``portal.search.results_api.highlight``."""
    from .results_api import highlight as _highlight

    return _highlight(results, obj, **kwargs)


def suggestion(results):
    """Corrected query string, or None; see ``portal.search.results_api.suggestion``."""
    from .results_api import suggestion as _suggestion

    return _suggestion(results)
