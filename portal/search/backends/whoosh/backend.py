"""The backend class modelsearch instantiates: its parameters, the process-wide open indexes and
the per-thread searchers.
"""

import contextlib
import logging
import os
import threading
from pathlib import Path

from django.conf import settings
from modelsearch.backends.base import (
    BaseSearchBackend,
    get_model_root,
)
from whoosh import index as wi

from portal.search.backends.whoosh.index import IndexUnavailable, WhooshIndex
from portal.search.backends.whoosh.query import (
    WhooshAutocompleteQueryCompiler,
    WhooshSearchQueryCompiler,
)
from portal.search.backends.whoosh.rebuild import WhooshRebuilder
from portal.search.backends.whoosh.results import WhooshSearchResults

logger = logging.getLogger(__name__)


# ---------------------------------------------------------------------------------------------
# Backend
# ---------------------------------------------------------------------------------------------


class WhooshSearchBackend(BaseSearchBackend):
    query_compiler_class = WhooshSearchQueryCompiler
    autocomplete_query_compiler_class = WhooshAutocompleteQueryCompiler
    results_class = WhooshSearchResults
    rebuilder_class = WhooshRebuilder
    index_class = WhooshIndex
    catch_indexing_errors = False

    _open_indexes = {}  # directory -> whoosh index, shared by the backend instances of a process
    _open_lock = threading.Lock()

    def __init__(self, params):
        super().__init__(params)
        path = params.get("PATH") or Path(getattr(settings, "BASE_DIR", ".")) / "var" / (
            "search-index"
        )
        self.path = Path(path)
        self.lock_timeout = float(params.get("LOCK_TIMEOUT", 10))
        self.write_retries = int(params.get("WRITE_RETRIES", 5))
        self.async_delete = bool(params.get("ASYNC_DELETE", True))
        self.rebuild_segment_docs = max(1, int(params.get("REBUILD_SEGMENT_DOCS", 2000)))
        # A rebuild analyses and writes postings in this many processes (Whoosh's MpWriter,
        # one segment each); 1 writes in the calling process.
        self.rebuild_procs = max(1, int(params.get("REBUILD_PROCS", os.cpu_count() or 1)))
        self.time_limit = float(params.get("TIME_LIMIT", 5)) or None
        self.recover_lock = threading.Lock()
        self._indexes = {}

    def get_index_for_model(self, model):
        root = get_model_root(model)
        key = root._meta.label_lower
        if key not in self._indexes:
            self._indexes[key] = self.index_class(self, root)
        return self._indexes[key]

    def open_index(self, directory):
        key = str(directory)
        with self._open_lock:
            ix = self._open_indexes.get(key)
            if ix is None:
                try:
                    if not wi.exists_in(key):
                        raise IndexUnavailable(f"{key}: no index")
                    ix = wi.open_dir(key)
                    ix.schema  # noqa: B018 - read the table of contents now
                except IndexUnavailable:
                    raise
                except Exception as exc:  # noqa: BLE001 - any unreadable index
                    raise IndexUnavailable(f"{key}: {exc}") from exc
                self._open_indexes[key] = ix
            return ix

    def task_params(self):
        """The parameters that recreate this backend in a worker (JSON-safe)."""
        return {
            "PATH": str(self.path),
            "LOCK_TIMEOUT": self.lock_timeout,
            "WRITE_RETRIES": self.write_retries,
            "TIME_LIMIT": self.time_limit or 0,
            "ASYNC_DELETE": False,
        }

    _searchers = threading.local()

    def cached_searcher(self, ix):
        """This thread's searcher on ``ix``, refreshed when the index has changed; a searcher
        of another generation of the same index is closed."""
        cache = getattr(self._searchers, "by_index", None)
        if cache is None:
            cache = self._searchers.by_index = {}
        name = str(Path(ix.storage.folder).parent)
        entry = cache.get(name)
        if entry is not None and entry[0] is ix:
            searcher = entry[1]
            if not searcher.up_to_date():
                # A new searcher, not searcher.refresh(): that reuses segment readers by
                # segment id and would miss deletions committed to an existing segment.
                with contextlib.suppress(Exception):
                    searcher.close()
                searcher = ix.searcher()
        else:
            if entry is not None:
                with contextlib.suppress(Exception):
                    entry[1].close()
            searcher = ix.searcher()
        cache[name] = (ix, searcher)
        return searcher

    def is_open(self, directory):
        return str(directory) in self._open_indexes

    def forget(self, directory):
        if directory is None:
            return
        with self._open_lock:
            self._open_indexes.pop(str(directory), None)
