"""One Whoosh index per root model: its generations (``CURRENT``), opening and recovering it,
and its writers (live writes, retries on a busy lock, the journal kept during a rebuild).
"""

import contextlib
import datetime
import json
import logging
import os
import random
import shutil
import time
import uuid

from modelsearch.backends.base import (
    BaseIndex,
    get_model_root,
)
from modelsearch.index import (
    class_is_indexed,
    get_indexed_models,
)
from whoosh import fields as wf
from whoosh import index as wi
from whoosh.index import LockError

from portal.search.analysis import (
    DEFAULT_LANGUAGE,
    LanguageAnalyzer,
    plain_analyzer,
)
from portal.search.backends.whoosh.schema import (
    CT_FIELD,
    ID_FIELD,
    JOURNAL_SUFFIX,
    LANG_FIELD,
    NULL_FIELD,
    PK_NUM_FIELD,
    PLAIN_FIELD,
    SCHEMA_VERSION,
    SCHEMA_VERSION_FILE,
    VALUES_FIELD,
    ModelMapping,
    content_types,
)
from portal.search.tasks import delete_from_whoosh_index_task

logger = logging.getLogger(__name__)


class IndexUnavailable(Exception):
    """The index directory is missing or unreadable."""


# A model's columns follow from its class's search_fields, and the models of a root from the
# app registry: both fixed once Django is set up. Indexes are built anew with every backend
# instance (one per get_search_backend() call, several per search), so they are kept per
# process, keyed on the search_fields list itself in case a class attribute is replaced.
_mappings = {}
_models_of_root = {}


def model_mapping(model):
    """The ModelMapping of ``model``, built once per process."""
    cached = _mappings.get(model)
    if cached is None or cached[0] is not model.search_fields:
        cached = _mappings[model] = (model.search_fields, ModelMapping(model))
    return cached[1]


def models_of_root(root_model):
    """Every indexed model stored under ``root_model`` (the root and its indexed subclasses)."""
    models = _models_of_root.get(root_model)
    if models is None:
        models = _models_of_root[root_model] = tuple(
            m for m in get_indexed_models() if get_model_root(m) is root_model
        )
    return list(models)


# ---------------------------------------------------------------------------------------------
# Indexes
# ---------------------------------------------------------------------------------------------


class WhooshIndex(BaseIndex):
    """The Whoosh index of one root model and all its indexed subclasses."""

    def __init__(self, backend, root_model, generation=None):
        super().__init__(backend)
        self.root_model = root_model
        self.name = root_model._meta.label_lower
        self.directory = backend.path / self.name
        # A fixed generation: an index being rebuilt (not yet live). None: follow CURRENT.
        self.fixed_generation = generation

    def __repr__(self):
        return f"<WhooshIndex {self.name}>"

    def get_key(self):
        return self.name

    # Schema ---------------------------------------------------------------------------------

    def models(self):
        """Every indexed model stored in this index (the root and its indexed subclasses)."""
        return models_of_root(self.root_model)

    def mapping(self, model):
        return model_mapping(model)

    def schema(self):
        schema = wf.Schema()
        schema.add(ID_FIELD, wf.ID(stored=True, unique=True, sortable=True))
        schema.add(PK_NUM_FIELD, wf.NUMERIC(int, bits=64, signed=True, sortable=True))
        schema.add(CT_FIELD, wf.KEYWORD(lowercase=False, scorable=False))
        schema.add(NULL_FIELD, wf.KEYWORD(lowercase=False, scorable=False))
        schema.add(PLAIN_FIELD, wf.TEXT(analyzer=plain_analyzer(), phrase=False))
        schema.add(VALUES_FIELD, wf.STORED())
        schema.add(LANG_FIELD, wf.ID())
        for name, field in self.columns().items():
            schema.add(name, field)
        return schema

    def columns(self):
        columns = {}
        stem = LanguageAnalyzer()
        plain = plain_analyzer()
        for model in self.models():
            mapping = self.mapping(model)
            for column in mapping.text:
                columns.setdefault(column, wf.TEXT(analyzer=stem))
            for column in mapping.autocomplete:
                columns.setdefault(column, wf.TEXT(analyzer=plain, phrase=False))
            for column, (kind, multi) in mapping.filters.items():
                if column in columns:
                    continue
                if kind in ("int", "date", "datetime", "time"):
                    field = wf.NUMERIC(int, bits=64, signed=True, sortable=not multi)
                elif kind == "float":
                    field = wf.NUMERIC(float, sortable=not multi)
                elif multi:
                    field = wf.KEYWORD(lowercase=False, scorable=False)
                else:
                    field = wf.ID(sortable=True)
                columns[column] = field
        return columns

    def has_other_languages(self):
        """Whether the live index holds documents not in English (then queries without a
        language filter also search the unstemmed column; otherwise that adds only cost)."""
        try:
            reader = self.backend.cached_searcher(self.open_or_recover()).reader()
        except IndexUnavailable:
            return True
        return reader.doc_frequency(LANG_FIELD, DEFAULT_LANGUAGE) < reader.doc_count_all()

    def column_kind(self, column):
        for model in self.models():
            found = self.mapping(model).filters.get(column)
            if found:
                return found
        return ("str", False)

    def text_boosts(self, model):
        """column -> boost for every text column of ``model`` and its indexed subclasses."""
        boosts = {}
        for candidate in self.models():
            if issubclass(candidate, model):
                for column, boost in self.mapping(candidate).text.items():
                    boosts[column] = max(boosts.get(column, 0.0), boost)
        return boosts

    def autocomplete_columns(self, model):
        columns = set()
        for candidate in self.models():
            if issubclass(candidate, model):
                columns |= self.mapping(candidate).autocomplete
        return sorted(columns)

    # Storage ---------------------------------------------------------------------------------

    def current_generation(self):
        if self.fixed_generation:
            return self.fixed_generation
        try:
            return (self.directory / "CURRENT").read_text().strip() or None
        except OSError:
            return None

    def _set_current(self, generation):
        self.directory.mkdir(parents=True, exist_ok=True)
        tmp = self.directory / f".CURRENT.{uuid.uuid4().hex}"
        tmp.write_text(generation + "\n")
        os.replace(tmp, self.directory / "CURRENT")

    def _create_generation(self):
        generation = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d%H%M%S") + (
            "-" + uuid.uuid4().hex[:8]
        )
        path = self.directory / generation
        path.mkdir(parents=True)
        wi.create_in(str(path), self.schema())
        (path / SCHEMA_VERSION_FILE).write_text(SCHEMA_VERSION + "\n")
        return generation

    def open(self):
        """The live Whoosh index; raises IndexUnavailable if it is missing or unreadable."""
        generation = self.current_generation()
        if not generation:
            raise IndexUnavailable(f"{self.name}: no index")
        directory = self.directory / generation
        if not self.backend.is_open(directory):
            try:
                version = (directory / SCHEMA_VERSION_FILE).read_text().strip()
            except OSError:
                version = None
            if version != SCHEMA_VERSION:
                raise IndexUnavailable(
                    f"{self.name}: schema version {version}, expected {SCHEMA_VERSION}"
                )
        return self.backend.open_index(directory)

    def open_or_recover(self):
        """The live index; a missing or unreadable one is rebuilt first (into a new
        generation, swapped in when complete)."""
        try:
            return self.open()
        except IndexUnavailable as exc:
            if self.fixed_generation:
                raise
            with self.backend.recover_lock:
                try:
                    return self.open()
                except IndexUnavailable:
                    logger.warning("Search index %s unavailable (%s); rebuilding", self.name, exc)
                    # Another process may be rebuilding it: wait for it, then use its work.
                    rebuilder = self.backend.rebuilder_class(self, wait=True)
                    rebuilder._lock()
                    try:
                        return self.open()
                    except IndexUnavailable:
                        pass
                    finally:
                        rebuilder._unlock()
                    self.rebuild_from_database(wait=True)
                    return self.open()

    def rebuild_from_database(self, *, wait=False):
        rebuilder = self.backend.rebuilder_class(self, wait=wait)
        index = rebuilder.start()
        try:
            for model in self.models():
                queryset = model.get_indexed_objects().order_by("pk")
                index.add_items(model, queryset.iterator(chunk_size=1000))
        except BaseException:
            rebuilder.abandon()
            raise
        rebuilder.finish()

    def _writer(self, ix):
        """A writer on ``ix`` holding its lock: waits up to LOCK_TIMEOUT, then retries with
        exponential backoff (WRITE_RETRIES times) before giving up with LockError."""
        backend = self.backend
        for attempt in range(backend.write_retries + 1):
            try:
                writer = ix.writer(timeout=backend.lock_timeout)
                break
            except LockError:
                if attempt == backend.write_retries:
                    logger.error(
                        "Search index %s: lock not acquired after %s attempts of %ss",
                        self.name,
                        attempt + 1,
                        backend.lock_timeout,
                    )
                    raise
                delay = min(backend.lock_timeout, 0.05 * 2**attempt) * (0.5 + random.random())  # noqa: S311
                logger.info("Search index %s busy; retrying in %.2fs", self.name, delay)
                time.sleep(delay)
        # Models may have gained search fields since the index was created.
        missing = {k: v for k, v in self.columns().items() if k not in ix.schema}
        for name, field in missing.items():
            writer.add_field(name, field)
        return writer

    def _live_writer(self):
        """(generation, writer) on the live generation, lock held. The generation is checked
        again once the lock is held: if a rebuild swapped CURRENT meanwhile, the writer is
        dropped and the new generation is written instead, so no update lands in a generation
        that is no longer live."""
        for _ in range(20):
            generation = self.current_generation()
            try:
                if generation is None:
                    raise IndexUnavailable(f"{self.name}: no index")
                ix = self.open()
            except IndexUnavailable:
                self.open_or_recover()
                continue
            try:
                writer = self._writer(ix)
            except (OSError, IndexUnavailable):  # the generation was deleted under us
                self.backend.forget(self.directory / generation)
                continue
            if self.current_generation() == generation:
                return generation, writer
            with contextlib.suppress(OSError):
                writer.cancel()
            self.backend.forget(self.directory / generation)
        raise IndexUnavailable(f"{self.name}: the live generation keeps changing")

    def write(self, operations):
        """Apply ``operations`` — ("update", document) or ("delete", primary key string) — to
        the live generation in one commit under the Whoosh lock, and record them in the
        journal of every rebuild in progress (replayed into the new generation before it is
        swapped in)."""
        if not operations:
            return
        generation, writer = self._live_writer()
        try:
            for op, value in operations:
                if op == "update":
                    writer.update_document(**value)
                else:
                    writer.delete_by_term(ID_FIELD, value)
            self._journal(operations)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()

    def _journal(self, operations):
        journals = [
            j
            for j in self.directory.glob("*" + JOURNAL_SUFFIX)
            if (self.directory / j.name[: -len(JOURNAL_SUFFIX)]).is_dir()
        ]
        if not journals:
            return
        data = "".join(json.dumps([op, value]) + "\n" for op, value in operations).encode()
        for journal in journals:
            fd = os.open(journal, os.O_WRONLY | os.O_APPEND)
            try:
                os.write(fd, data)
                os.fsync(fd)
            finally:
                os.close(fd)

    # BaseIndex API ----------------------------------------------------------------------------

    def add_model(self, model):
        pass

    def refresh(self):
        pass  # a Whoosh commit is visible to the next searcher

    def reset(self):
        old = self.current_generation() if not self.fixed_generation else None
        generation = self._create_generation()
        if self.fixed_generation:
            self.fixed_generation = generation
            return
        self._set_current(generation)
        self.backend.forget(self.directory / old if old else None)
        if old:
            shutil.rmtree(self.directory / old, ignore_errors=True)

    def prepare_documents(self, model, items):
        for obj in items:
            obj_model = type(obj)
            if not class_is_indexed(obj_model) or get_model_root(obj_model) is not (
                self.root_model
            ):
                obj_model = model
            doc = self.mapping(obj_model).document(obj)
            pk = obj.pk
            doc[ID_FIELD] = str(pk)
            if isinstance(pk, int):
                doc[PK_NUM_FIELD] = pk
            doc[CT_FIELD] = " ".join(content_types(obj_model))
            yield doc

    def add_items(self, model, items):
        if not class_is_indexed(model):
            return
        self.write([("update", doc) for doc in self.prepare_documents(model, items)])

    def add_item(self, obj):
        self.add_items(type(obj), [obj])

    def delete_item(self, item):
        """Removes ``item``'s document. With ASYNC_DELETE (the default) the removal is queued as
        a django-task, so a request that deletes an object never waits for the index lock;
        until the worker runs it, the search results simply drop the object (they are loaded
        from the database)."""
        if not class_is_indexed(type(item)):
            return
        if self.backend.async_delete and not self.fixed_generation:
            delete_from_whoosh_index_task.enqueue(
                self.backend.task_params(), self.root_model._meta.label, str(item.pk)
            )
            return
        self.write([("delete", str(item.pk))])
