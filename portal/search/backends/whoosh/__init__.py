"""A modelsearch search backend on Whoosh (the ``whoosh-reloaded`` distribution).

This package is the only place in the portal that talks to Whoosh. Everything else goes through
modelsearch's backend interface (``Model.objects.search()``, ``backend.search()``,
``update_index``), so the engine can be swapped for OpenSearch by settings alone. Settings name
it as ``"BACKEND": "portal.search.backends.whoosh"`` (modelsearch takes ``SearchBackend`` from
here).

Layout: one Whoosh index per root model (``wagtailcore.page`` holds every page type); a document
carries the content types of its class and all its indexed ancestors, so a search on ``Page``
finds every page type and a search on a subclass only its own. Each index lives in
``<PATH>/<root model label>/<generation>/``; the file ``CURRENT`` next to the generations names
the live one. A rebuild fills a new generation and then swaps ``CURRENT`` atomically, so searches
keep working during a rebuild. See docs/search.md.

Modules:

- ``schema``: the fixed columns, how filter values are stored, ``ModelMapping`` (which columns
  a model's ``search_fields`` produce);
- ``index``: ``WhooshIndex``, its generations, opening and recovery, and its writers;
- ``rebuild``: ``WhooshRebuildIndex`` and ``WhooshRebuilder`` (one rebuild at a time);
- ``query``: the query compilers (modelsearch filters and queries -> Whoosh queries);
- ``results``: ``WhooshSearchResults`` (hits, counts, highlights, suggestions, facets);
- ``backend``: ``WhooshSearchBackend``.
"""

from portal.search.backends.whoosh.backend import WhooshSearchBackend
from portal.search.backends.whoosh.index import IndexUnavailable, WhooshIndex
from portal.search.backends.whoosh.rebuild import (
    RebuildInProgress,
    WhooshRebuilder,
    WhooshRebuildIndex,
)
from portal.search.backends.whoosh.schema import CT_FIELD, ID_FIELD, PLAIN_FIELD

SearchBackend = WhooshSearchBackend

__all__ = [
    "CT_FIELD",
    "ID_FIELD",
    "PLAIN_FIELD",
    "IndexUnavailable",
    "RebuildInProgress",
    "SearchBackend",
    "WhooshIndex",
    "WhooshRebuildIndex",
    "WhooshRebuilder",
    "WhooshSearchBackend",
]
