"""A modelsearch search backend on Whoosh (the ``whoosh-reloaded`` distribution).

This module is the only place in the portal that talks to Whoosh. Everything else goes through
modelsearch's backend interface (``Model.objects.search()``, ``backend.search()``,
``update_index``), so the engine can be swapped for OpenSearch by settings alone.

Layout: one Whoosh index per root model (``wagtailcore.page`` holds every page type); a document
carries the content types of its class and all its indexed ancestors, so a search on ``Page``
finds every page type and a search on a subclass only its own. Each index lives in
``<PATH>/<root model label>/<generation>/``; the file ``CURRENT`` next to the generations names
the live one. A rebuild fills a new generation and then swaps ``CURRENT`` atomically, so searches
keep working during a rebuild. See docs/search.md.
"""

import contextlib
import datetime
import json
import logging
import os
import random
import shutil
import threading
import time
import uuid
from collections import Counter, OrderedDict
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.core.management.base import CommandError
from django.db import models
from django.db.models import OrderBy
from django.db.models.expressions import F, Subquery
from django.utils import timezone
from modelsearch.backends.base import (
    BaseIndex,
    BaseSearchBackend,
    BaseSearchQueryCompiler,
    BaseSearchResults,
    FilterFieldError,
    get_model_root,
)
from modelsearch.index import (
    AutocompleteField,
    FilterField,
    Indexed,
    RelatedFields,
    SearchField,
    class_is_indexed,
    get_indexed_models,
)
from modelsearch.query import And, Boost, Fuzzy, MatchAll, Not, Or, Phrase, PlainText
from whoosh import fields as wf
from whoosh import index as wi
from whoosh import query as wq
from whoosh import sorting
from whoosh.collectors import FilterCollector
from whoosh.index import LockError
from whoosh.searching import TimeLimit

from . import budget_spent, remaining_time, results_api
from .analysis import (
    DEFAULT_LANGUAGE,
    LanguageAnalyzer,
    analyzer_for,
    document_language,
    normalise_language,
    plain_analyzer,
    stem_word,
    tag_language,
    tokens,
    word_spans,
)

logger = logging.getLogger(__name__)

ID_FIELD = "x_id"  # primary key as text, unique
PK_NUM_FIELD = "x_pkn"  # primary key as a number, for the default ordering (integer keys only)
CT_FIELD = "x_ct"  # content types of the class and its indexed ancestors
NULL_FIELD = "x_null"  # names of the filter columns that are null in this document
PLAIN_FIELD = "x_plain"  # all text, unstemmed: typo tolerance, suggestions, stop-word queries
VALUES_FIELD = "x_fv"  # stored JSON of filter values, for facets
LANG_FIELD = "x_lang"  # the document's language (ISO 639-1)

# Bumped when the schema or the analysis changes incompatibly: a generation written by another
# version is treated as unreadable and rebuilt. 2: per-document language (LanguageAnalyzer).
SCHEMA_VERSION = "2"
SCHEMA_VERSION_FILE = "SCHEMA_VERSION"
JOURNAL_SUFFIX = ".journal"  # <generation>.journal: writes made while that generation is built
# Weight of the unstemmed column next to the English-stemmed ones in queries without a language
# filter (exact word forms, and words of other languages that English stemming misses).
PLAIN_BOOST = 0.5
MAX_CORRECTED_WORDS = 3  # "did you mean" corrects at most this many words of one query
SUGGESTION_CANDIDATES = 10  # close words tried per word, the first visible one wins
OR_COORDINATION = 0.9  # Whoosh's OrGroup.factory(0.9): "any word" queries favour more words
RANKED_RUNS_CACHED = 32  # collected queries kept per searcher (see WhooshSearchResults._ranked)
STORED_FIELDS_CACHED = 500_000  # documents whose pk and filter values a searcher keeps

INT_TYPES = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "PositiveBigIntegerField",
}
FLOAT_TYPES = {"FloatField", "DecimalField"}
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


class IndexUnavailable(Exception):
    """The index directory is missing or unreadable."""


# ---------------------------------------------------------------------------------------------
# Values: how Python values of filter fields are stored in Whoosh
# ---------------------------------------------------------------------------------------------


def _field_kind(search_field, model):
    """One of int, float, date, datetime, time, bool, str for a FilterField of ``model``."""
    try:
        internal = search_field.get_type(model)
    except Exception:  # noqa: BLE001 - e.g. managers without a target field: index as text
        return "str"
    if internal in INT_TYPES:
        return "int"
    if internal in FLOAT_TYPES:
        return "float"
    return {
        "DateField": "date",
        "DateTimeField": "datetime",
        "TimeField": "time",
        "BooleanField": "bool",
        "NullBooleanField": "bool",
    }.get(internal, "str")


def _plain_value(value):
    """Model instances become their primary key."""
    if isinstance(value, models.Model):
        return value.pk
    return value


def _encode(kind, value):
    """The value as Whoosh stores it for a column of ``kind``; None when it can't be stored."""
    value = _plain_value(value)
    if value is None:
        return None
    try:
        if kind == "int":
            return int(value)
        if kind == "float":
            return float(value)
        if kind == "date":
            if isinstance(value, datetime.datetime):
                value = value.date()
            if isinstance(value, str):
                value = datetime.date.fromisoformat(value)
            return value.toordinal()
        if kind == "datetime":
            if isinstance(value, str):
                value = datetime.datetime.fromisoformat(value)
            elif not isinstance(value, datetime.datetime):
                value = datetime.datetime.combine(value, datetime.time())
            if timezone.is_naive(value):
                value = timezone.make_aware(value, datetime.UTC)
            delta = value - EPOCH
            return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds
        if kind == "time":
            if isinstance(value, str):
                value = datetime.time.fromisoformat(value)
            return ((value.hour * 60 + value.minute) * 60 + value.second) * 1_000_000 + (
                value.microsecond
            )
        if kind == "bool":
            return "1" if value else "0"
    except (TypeError, ValueError, AttributeError, OverflowError):
        return None
    return str(value)


def _json_value(value):
    """A JSON-safe form of a filter value, as facets report it."""
    value = _plain_value(value)
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def _as_list(value):
    if value is None:
        return []
    if isinstance(value, (list, tuple, set)):
        return list(value)
    if hasattr(value, "all") and callable(value.all):  # a related manager
        return list(value.all())
    return [value]


# ---------------------------------------------------------------------------------------------
# Mapping: which Whoosh columns a model's search_fields produce
# ---------------------------------------------------------------------------------------------


def text_column(path):
    return "t_" + path


def autocomplete_column(path):
    return "a_" + path


def filter_column(path):
    return "f_" + path


class ModelMapping:
    """The columns that a model's ``search_fields`` produce, and how to fill them for an object."""

    def __init__(self, model):
        self.model = model
        self.text = {}  # column -> boost
        self.autocomplete = set()
        self.filters = {}  # column -> (kind, multi)
        self._walk(model, model.get_search_fields(), "", 1.0, False)

    def _walk(self, model, search_fields, prefix, boost, multi):
        for search_field in search_fields:
            if isinstance(search_field, RelatedFields):
                try:
                    field = search_field.get_field(model)
                except FieldDoesNotExist:
                    logger.warning("%s: no relation %s to index", model, search_field.field_name)
                    continue
                related = field.related_model
                many = multi or bool(field.one_to_many or field.many_to_many)
                self._walk(
                    related,
                    search_field.fields,
                    prefix + search_field.field_name + "__",
                    boost,
                    many,
                )
            elif isinstance(search_field, SearchField):
                column = text_column(prefix + search_field.field_name)
                field_boost = boost * (search_field.boost or 1.0)
                self.text[column] = max(self.text.get(column, 0.0), field_boost)
            elif isinstance(search_field, AutocompleteField):
                self.autocomplete.add(autocomplete_column(prefix + search_field.field_name))
            elif isinstance(search_field, FilterField):
                kind = _field_kind(search_field, model)
                field_multi = multi
                with contextlib.suppress(FieldDoesNotExist):
                    field = search_field.get_field(model)
                    field_multi = multi or bool(field.many_to_many or field.one_to_many)
                self.filters[filter_column(prefix + search_field.field_name)] = (
                    kind,
                    field_multi,
                )

    def document(self, obj):
        language = document_language(obj)
        texts = {}
        autocomplete = {}
        filters = {}
        self._collect(obj, type(obj), obj.get_search_fields(), "", texts, autocomplete, filters)
        doc = {}
        plain = []
        null_columns = []
        for column, parts in texts.items():
            text = " ".join(p for p in parts if p)
            if text:
                doc[column] = tag_language(language, text)
                plain.append(text)
        for column, parts in autocomplete.items():
            text = " ".join(p for p in parts if p)
            if text:
                doc[column] = text
        stored = {}
        for column, (kind, multi) in self.filters.items():
            values = [v for v in filters.get(column, []) if _plain_value(v) is not None]
            if not values:
                null_columns.append(column)
                continue
            encoded = [e for e in (_encode(kind, v) for v in values) if e is not None]
            if encoded:
                if multi:
                    doc[column] = (
                        encoded
                        if kind in ("int", "float", "date", "datetime", "time")
                        else " ".join(e.replace(" ", "\x1f") for e in encoded)
                    )
                else:
                    doc[column] = encoded[0]
            stored[column] = [_json_value(v) for v in values]
        doc[NULL_FIELD] = " ".join(null_columns)
        doc[LANG_FIELD] = language
        doc[PLAIN_FIELD] = "\n".join(plain)
        doc[VALUES_FIELD] = json.dumps(stored)
        return doc

    def _collect(self, obj, model, search_fields, prefix, texts, autocomplete, filters):
        for search_field in search_fields:
            if isinstance(search_field, RelatedFields):
                try:
                    value = search_field.get_value(obj)
                except Exception:  # noqa: BLE001 - a missing related object indexes nothing
                    value = None
                for item in _as_list(value):
                    if item is None:
                        continue
                    item_fields = search_field.fields
                    self._collect(
                        item,
                        type(item),
                        item_fields,
                        prefix + search_field.field_name + "__",
                        texts,
                        autocomplete,
                        filters,
                    )
                continue
            path = prefix + search_field.field_name
            try:
                value = search_field.get_value(obj)
            except Exception:  # noqa: BLE001
                logger.debug("Could not read %s from %r", path, obj, exc_info=True)
                value = None
            if isinstance(search_field, SearchField):
                texts.setdefault(text_column(path), []).append(results_api.text_of(value))
            elif isinstance(search_field, AutocompleteField):
                autocomplete.setdefault(autocomplete_column(path), []).append(
                    results_api.text_of(value)
                )
            elif isinstance(search_field, FilterField):
                filters.setdefault(filter_column(path), []).extend(_as_list(value))


def _content_types(model):
    names = []
    current = model
    while current is not None and issubclass(current, Indexed):
        names.append(current.indexed_get_content_type())
        current = current.indexed_get_parent()
    return names


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
        self._mappings = {}

    def __repr__(self):
        return f"<WhooshIndex {self.name}>"

    def get_key(self):
        return self.name

    # Schema ---------------------------------------------------------------------------------

    def models(self):
        """Every indexed model stored in this index (the root and its indexed subclasses)."""
        return [m for m in get_indexed_models() if get_model_root(m) is self.root_model]

    def mapping(self, model):
        if model not in self._mappings:
            self._mappings[model] = ModelMapping(model)
        return self._mappings[model]

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
                    rebuilder = WhooshRebuilder(self, wait=True)
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
        rebuilder = WhooshRebuilder(self, wait=wait)
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
            doc[CT_FIELD] = " ".join(_content_types(obj_model))
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
            from .tasks import delete_from_whoosh_index_task

            delete_from_whoosh_index_task.enqueue(
                self.backend.task_params(), self.root_model._meta.label, str(item.pk)
            )
            return
        self.write([("delete", str(item.pk))])


class WhooshRebuildIndex(WhooshIndex):
    """The index being rebuilt: a new generation, written by one writer, swapped in at the end.

    While it is built, writers of the live generation also append their operations to
    ``<generation>.journal``; ``finish`` takes the live generation's lock (no more writes there),
    replays the journal into the new generation, swaps CURRENT and releases the lock. Writers
    waiting for that lock see the new CURRENT once they hold it and write there instead."""

    def __init__(self, live):
        super().__init__(live.backend, live.root_model, generation=live._create_generation())
        self.live = live
        self._open_writer = None
        self.journal = self.directory / (self.fixed_generation + JOURNAL_SUFFIX)
        self.journal.touch()

    def add_items(self, model, items):
        if not class_is_indexed(model):
            return
        for doc in self.prepare_documents(model, items):
            if self._open_writer is None:
                self._open_writer = self.open().writer(
                    timeout=self.backend.lock_timeout, limitmb=256
                )
                self._in_segment = 0
            self._open_writer.update_document(**doc)
            self._in_segment += 1
            if self._in_segment >= self.backend.rebuild_segment_docs:
                # Segments of a bounded size: Whoosh sorts a segment's postings in memory,
                # and past ~2,500 fact sheets that spills to disk and gets much slower.
                self._open_writer.commit(merge=False)
                self._open_writer = None

    def _replay(self):
        try:
            lines = self.journal.read_text().splitlines()
        except OSError:
            return
        operations = [json.loads(line) for line in lines if line.strip()]
        if not operations:
            return
        writer = self._writer(self.open())
        try:
            for op, value in operations:
                if op == "update":
                    writer.update_document(**value)
                else:
                    writer.delete_by_term(ID_FIELD, value)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()

    def finish(self):
        if self._open_writer is not None:
            self._open_writer.commit(merge=False)
            self._open_writer = None
        old = self.live.current_generation()
        old_writer = None
        if old and old != self.fixed_generation:
            try:
                old_writer = self._writer(self.backend.open_index(self.directory / old))
            except (IndexUnavailable, LockError, OSError) as exc:
                logger.warning(
                    "Search index %s: rebuild swaps without the old generation's lock (%s)",
                    self.name,
                    exc,
                )
        try:
            self._replay()
            self.live._set_current(self.fixed_generation)
        finally:
            with contextlib.suppress(OSError):
                self.journal.unlink()
            if old_writer is not None:
                old_writer.cancel()
        if old and old != self.fixed_generation:
            self.backend.forget(self.directory / old)
            shutil.rmtree(self.directory / old, ignore_errors=True)

    def abandon(self):
        if self._open_writer is not None:
            self._open_writer.cancel()
            self._open_writer = None
        with contextlib.suppress(OSError):
            self.journal.unlink()
        shutil.rmtree(self.directory / self.fixed_generation, ignore_errors=True)


class RebuildInProgress(CommandError):
    """Another process is rebuilding this index."""


class WhooshRebuilder:
    """One rebuild of an index at a time, across processes: `start` takes an exclusive lock
    on ``<index directory>/REBUILD.lock`` (released by `finish`, `abandon` or the process
    ending). With ``wait=False`` (update_index) a second rebuild is refused with
    RebuildInProgress; with ``wait=True`` (an unreadable index recovered on first use) it
    waits, and the caller checks whether the other rebuild already did the work."""

    def __init__(self, index, *, wait=False):
        self.index = index
        self.new_index = None
        self.wait = wait
        self._lock_file = None

    def _lock(self):
        import fcntl

        self.index.directory.mkdir(parents=True, exist_ok=True)
        lock_file = open(self.index.directory / "REBUILD.lock", "a+")  # noqa: SIM115
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | (0 if self.wait else fcntl.LOCK_NB))
        except BlockingIOError:
            lock_file.close()
            raise RebuildInProgress(
                f"The search index {self.index.name} is being rebuilt by another process; "
                "try again when it has finished."
            ) from None
        self._lock_file = lock_file

    def _unlock(self):
        if self._lock_file is not None:
            self._lock_file.close()  # closing the file releases the lock
            self._lock_file = None

    def start(self):
        self._lock()
        try:
            self.new_index = WhooshRebuildIndex(self.index)
        except BaseException:
            self._unlock()
            raise
        return self.new_index

    def finish(self):
        try:
            self.new_index.finish()
        finally:
            self._unlock()

    def abandon(self):
        try:
            if self.new_index is not None:
                self.new_index.abandon()
        finally:
            self._unlock()


# ---------------------------------------------------------------------------------------------
# Queries
# ---------------------------------------------------------------------------------------------


class _Filter:
    """Holds a compiled filter; always truthy (modelsearch drops falsy filters)."""

    def __init__(self, query, needs_database=False):
        self.query = query
        self.needs_database = needs_database


MATCH_NOTHING = wq.NullQuery


def _resolve_values(value, using):
    """Lookup values: subqueries are evaluated, iterables listed."""
    if isinstance(value, Subquery):
        value = value.query
    if hasattr(value, "get_compiler") and hasattr(value, "model"):  # a sql.Query
        compiler = value.get_compiler(using=using)
        return [row[0] for row in compiler.results_iter()]
    if isinstance(value, models.QuerySet):
        return list(value)
    return value


class WhooshSearchQueryCompiler(BaseSearchQueryCompiler):
    HANDLES_ORDER_BY_EXPRESSIONS = True
    autocomplete = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._plain = plain_analyzer()
        self.needs_database = False

    @property
    def model(self):
        return self.queryset.model

    def get_index(self, backend):
        return backend.get_index_for_model(self.model)

    # Filters -----------------------------------------------------------------------------

    def _column_for_path(self, field_path):
        return filter_column("__".join(f.field_name for f in field_path))

    def _process_lookup(self, field_path, lookup, value):
        column = self._column_for_path(field_path)
        kind, multi = self._index.column_kind(column)
        if any(
            isinstance(f, RelatedFields) and self._is_many(f, i, field_path)
            for i, f in enumerate(field_path[:-1])
        ):
            self.needs_database = True
        value = _resolve_values(value, self.queryset.db)
        query = self._lookup_query(column, kind, multi, lookup, value)
        if query is None:
            return None
        return _Filter(query)

    def _is_many(self, related_fields, position, field_path):
        model = self.model
        for f in field_path[:position]:
            try:
                model = f.get_field(model).related_model
            except Exception:  # noqa: BLE001
                return True
        try:
            field = related_fields.get_field(model)
        except Exception:  # noqa: BLE001
            return True
        return bool(field.one_to_many or field.many_to_many)

    def _term(self, column, kind, value):
        encoded = _encode(kind, value)
        if encoded is None:
            return MATCH_NOTHING
        if isinstance(encoded, (int, float)):
            return wq.NumericRange(column, encoded, encoded)
        return wq.Term(column, encoded.replace(" ", "\x1f") if self._multi else encoded)

    def _lookup_query(self, column, kind, multi, lookup, value):
        self._multi = multi and kind in ("str", "bool")
        numeric = kind in ("int", "float", "date", "datetime", "time")
        if lookup == "exact" and isinstance(value, list):  # the rows of a subquery
            lookup = "in"
        if lookup == "exact":
            if value is None:
                return wq.Term(NULL_FIELD, column)
            return self._term(column, kind, value)
        if lookup == "isnull":
            null = wq.Term(NULL_FIELD, column)
            return null if value else wq.Not(null)
        if lookup == "in":
            values = list(value)
            if not values:
                return MATCH_NOTHING
            return wq.Or([self._term(column, kind, v) for v in values])
        if lookup in ("gt", "gte", "lt", "lte", "range"):
            if lookup == "range":
                low, high = (_encode(kind, v) for v in value)
                start, end, startexcl, endexcl = low, high, False, False
            else:
                encoded = _encode(kind, value)
                start = end = None
                startexcl = endexcl = False
                if lookup in ("gt", "gte"):
                    start, startexcl = encoded, lookup == "gt"
                else:
                    end, endexcl = encoded, lookup == "lt"
            if numeric:
                return wq.NumericRange(column, start, end, startexcl, endexcl)
            return wq.TermRange(column, start, end, startexcl, endexcl)
        if lookup == "startswith" and not numeric:
            return wq.Prefix(column, str(_plain_value(value)))
        return None

    def _process_match_none(self):
        return _Filter(MATCH_NOTHING)

    def _connect_filters(self, filters, connector, negated):
        queries = [f.query for f in filters if f is not None]
        if not queries:
            return None
        if len(queries) == 1:
            query = queries[0]
        elif connector == "AND":
            query = wq.And(queries)
        else:
            query = wq.Or(queries)
        if negated:
            query = wq.Not(query)
        return _Filter(query)

    def _get_filters_from_where_node(self, where_node, check_only=False):
        # modelsearch ignores conditions on "*_ptr_id" columns (they show up in queries on
        # a specific page type); a condition on the queryset model's own primary key through
        # its parent link (e.g. ProgrammingGuide.objects.filter(id=...)) is kept, on _id.
        from django.db.models.lookups import Lookup

        if (
            not check_only
            and isinstance(where_node, Lookup)
            and hasattr(where_node.lhs, "target")
            and where_node.lhs.target.attname.endswith("_ptr_id")
            and where_node.lhs.target.model is self.model
            and where_node.lhs.target.primary_key
        ):
            value = _resolve_values(where_node.rhs, self.queryset.db)
            lookup = where_node.lookup_name
            if lookup == "exact":
                return _Filter(wq.Term(ID_FIELD, str(_plain_value(value))))
            if lookup == "in":
                values = [str(_plain_value(v)) for v in value]
                return _Filter(
                    wq.Or([wq.Term(ID_FIELD, v) for v in values]) if values else MATCH_NOTHING
                )
        return super()._get_filters_from_where_node(where_node, check_only=check_only)

    # Text -----------------------------------------------------------------------------------

    def text_columns(self):
        boosts = self._index.text_boosts(self.model)
        if self.fields:
            wanted = {text_column(name) for name in self.fields}
            boosts = {c: b for c, b in boosts.items() if c in wanted}
        return boosts

    def _combine(self, parts, operator, boost=1.0):
        if not parts:
            return MATCH_NOTHING
        if len(parts) == 1 and boost == 1.0:
            return parts[0]
        if operator == "and":
            return wq.And(parts, boost=boost)
        # Any word: a coordination bonus ranks documents with more of the words higher.
        return wq.Or(parts, boost=boost, scale=OR_COORDINATION)

    def query_language(self):
        """The language of an ``exact`` filter on the model's ``search_language_field``
        (``Model.objects.filter(language="de").search(...)``), or None."""
        from django.db.models.lookups import Exact

        field = getattr(self.model, "search_language_field", None)
        where = self.queryset.query.where
        if not field or where.negated or where.connector != "AND":
            return None
        for child in where.children:
            target = getattr(getattr(child, "lhs", None), "target", None)
            if isinstance(child, Exact) and target is not None and target.name == field:
                return normalise_language(child.rhs)
        return None

    @property
    def _stem(self):
        return analyzer_for(self.query_language() or DEFAULT_LANGUAGE)

    def _plain_text(self, text, operator, boost):
        columns = self.text_columns()
        language = self.query_language()
        stems = tokens(analyzer_for(language or DEFAULT_LANGUAGE), text)
        if (
            stems
            and columns
            and language is None
            and not self.fields
            and self._index.has_other_languages()
        ):
            # No language filter: English stems in the stemmed columns, or the word as typed
            # in the unstemmed column (documents in other languages, exact forms).
            parts = {}
            for start, end, word in word_spans(text):
                stem = stem_word(text[start:end], DEFAULT_LANGUAGE)
                if stem is None or (stem, word) in parts:
                    continue
                terms = [wq.Term(col, stem, boost=b) for col, b in columns.items()]
                terms.append(wq.Term(PLAIN_FIELD, word, boost=PLAIN_BOOST))
                parts[stem, word] = wq.Or(terms)
            return self._combine(list(parts.values()), operator, boost)
        if stems and columns:
            parts = [
                wq.Or([wq.Term(col, stem, boost=b) for col, b in columns.items()])
                for stem in dict.fromkeys(stems)
            ]
            return self._combine(parts, operator, boost)
        # Only stop words (or no text field): search the unstemmed field as typed.
        words = tokens(self._plain, text)
        parts = [wq.Term(PLAIN_FIELD, w) for w in dict.fromkeys(words)]
        return self._combine(parts, operator, boost)

    def _phrase(self, text):
        columns = self.text_columns()
        stems = tokens(self._stem, text)
        if not stems:
            words = tokens(self._plain, text)
            return self._combine([wq.Term(PLAIN_FIELD, w) for w in words], "and")
        if len(stems) == 1:
            return wq.Or([wq.Term(col, stems[0], boost=b) for col, b in columns.items()])
        return wq.Or([wq.Phrase(col, stems, boost=b) for col, b in columns.items()])

    def _fuzzy(self, text, operator):
        parts = []
        for word in dict.fromkeys(tokens(self._plain, text)):
            maxdist = 0 if len(word) < 3 else 1 if len(word) < 6 else 2
            parts.append(wq.FuzzyTerm(PLAIN_FIELD, word, maxdist=maxdist, prefixlength=1))
        return self._combine(parts, operator)

    def compile_query(self, query):
        if isinstance(query, MatchAll):
            return wq.Every()
        if isinstance(query, PlainText):
            return self._plain_text(query.query_string, query.operator, query.boost)
        if isinstance(query, Phrase):
            return self._phrase(query.query_string)
        if isinstance(query, Fuzzy):
            return self._fuzzy(query.query_string, query.operator)
        if isinstance(query, Boost):
            inner = self.compile_query(query.subquery)
            return inner.with_boost(getattr(inner, "boost", 1.0) * query.boost)
        if isinstance(query, And):
            return wq.And([self.compile_query(q) for q in query.subqueries])
        if isinstance(query, Or):
            return wq.Or([self.compile_query(q) for q in query.subqueries])
        if isinstance(query, Not):
            return wq.Not(self.compile_query(query.subquery))
        raise NotImplementedError(f"{type(query).__name__} is not supported by the Whoosh backend")

    # Whole query ----------------------------------------------------------------------------

    def build(self, backend):
        """The Whoosh query as (scored text query, unscored restriction): the restriction
        limits results to the model and applies the queryset's filters. Built once per
        compiler: the results page, its count, facets and highlights all ask for it."""
        built = self.__dict__.get("_built")
        if built is not None and built[0] is backend:
            return built[1]
        self._index = self.get_index(backend)
        self.needs_database = False
        text = self.compile_query(self.query)
        restriction = [wq.Term(CT_FIELD, self.model.indexed_get_content_type())]
        filters = self._get_filters_from_queryset()
        if filters is not None:
            restriction.append(filters.query)
        self._built = (backend, (text, wq.And(restriction)))
        return self._built[1]

    def sort_facets(self):
        """Whoosh sort facets for order_by_relevance=False, or None to sort by score."""
        if self.order_by_relevance:
            return None
        facets = []
        order_by = list(self.queryset.query.order_by)
        for item in order_by:
            reverse = False
            if isinstance(item, OrderBy):
                if not isinstance(item.expression, F):
                    continue
                name, reverse = item.expression.name, item.descending
            else:
                name = item
                if name.startswith("-"):
                    name, reverse = name[1:], True
            field = self._get_filterable_field(name)
            if field is None:
                continue
            column = filter_column(field.field_name)
            kind, multi = self._index.column_kind(column)
            if not multi:
                facets.append(sorting.FieldFacet(column, reverse=reverse))
        if self.model._meta.pk.get_internal_type() in INT_TYPES or issubclass(
            type(self.model._meta.pk), (models.OneToOneField, models.ForeignKey)
        ):
            facets.append(sorting.FieldFacet(PK_NUM_FIELD, reverse=True))
        else:
            facets.append(sorting.FieldFacet(ID_FIELD, reverse=True))
        return sorting.MultiFacet(facets)


class WhooshAutocompleteQueryCompiler(WhooshSearchQueryCompiler):
    DEFAULT_OPERATOR = "and"
    autocomplete = True

    def _autocomplete_columns(self):
        columns = self._index.autocomplete_columns(self.model)
        if self.fields:
            wanted = {autocomplete_column(name) for name in self.fields}
            columns = [c for c in columns if c in wanted]
        return columns

    def _plain_text(self, text, operator, boost):
        columns = self._autocomplete_columns()
        words = list(dict.fromkeys(tokens(self._plain, text)))
        if not words or not columns:
            return MATCH_NOTHING
        parts = []
        for position, word in enumerate(words):
            if position == len(words) - 1 or len(words) == 1:
                parts.append(wq.Or([wq.Prefix(col, word) for col in columns]))
            else:
                parts.append(wq.Or([wq.Prefix(col, word) for col in columns]))
        return self._combine(parts, operator, boost)


# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------


class RestrictingCollector(FilterCollector):
    """Whoosh's FilterCollector (documents outside ``allow`` are skipped, unscored) with a hard
    time limit checked as documents are collected. Whoosh's TimeLimitCollector can't wrap a
    FilterCollector (the filter would be bypassed) and uses SIGALRM, which only works in the
    main thread."""

    def __init__(self, child, allowed_docs, timelimit=None):
        super().__init__(child)
        # a set of document numbers (possibly empty: nothing allowed), or None: no restriction
        self.allowed_docs = allowed_docs
        self.timelimit = timelimit
        self.deadline = None

    def prepare(self, top_searcher, q, context):
        super().prepare(top_searcher, q, context)
        # set here: FilterCollector would treat an empty set as "no filter"
        self._allow = self.allowed_docs
        if self.timelimit and self.deadline is None:
            self.deadline = time.monotonic() + self.timelimit

    def collect_matches(self):
        child = self.child
        allow = self._allow
        deadline = self.deadline
        filtered = self.filtered_count
        for n, sub_docnum in enumerate(child.matches()):
            if deadline and not n % 512 and time.monotonic() > deadline:
                self.filtered_count = filtered
                raise TimeLimit
            if allow is not None and self.offset + sub_docnum not in allow:
                filtered += 1
                continue
            child.collect(sub_docnum)
        self.filtered_count = filtered


def _time_limit(backend_limit):
    """The backend's per-query limit, shortened to what is left of the whole search's budget
    (portal.search.time_budget); a spent budget still leaves a token to fail fast on."""
    left = remaining_time()
    if left is None:
        return backend_limit
    left = max(left, 0.000001)
    return min(backend_limit, left) if backend_limit else left


def _word_in_allowed_docs(reader, word, allowed):
    """Whether `word` (unstemmed column) occurs in a document the search may return: the
    vocabulary of drafts, restricted pages and other users' sources never leaks."""
    if not reader.doc_frequency(PLAIN_FIELD, word):
        return False
    if allowed is None:
        return True
    matcher = reader.postings(PLAIN_FIELD, word)
    while matcher.is_active():
        if matcher.id() in allowed:
            return True
        matcher.next()
    return False


def _query_string(query):
    """The text typed by the user, for a query made of one text leaf; None otherwise."""
    if isinstance(query, str):
        return query
    if isinstance(query, (PlainText, Phrase, Fuzzy)):
        return query.query_string
    if isinstance(query, Boost):
        return _query_string(query.subquery)
    return None


def _stored(searcher, docnum):
    """(pk string, filter values) of a document, read from its stored fields once per
    searcher (a searcher lives until the index changes)."""
    cache = searcher.__dict__.setdefault("_portal_stored", {})
    found = cache.get(docnum)
    if found is None:
        stored = searcher.stored_fields(docnum)
        found = (stored.get(ID_FIELD), json.loads(stored.get(VALUES_FIELD) or "{}"))
        if len(cache) < STORED_FIELDS_CACHED:
            cache[docnum] = found
    return found


def _allowed_docs(searcher, restriction):
    """The restriction as a set of document numbers (None: every document), cached on the
    searcher, which is replaced when the index changes."""
    cache = getattr(searcher, "_portal_allowed", None)
    if cache is None:
        cache = searcher._portal_allowed = OrderedDict()
    key = repr(restriction)
    if key in cache:
        cache.move_to_end(key)
        return cache[key]
    reader = searcher.reader()
    subqueries = restriction.subqueries if isinstance(restriction, wq.And) else [restriction]
    if (
        all(
            isinstance(q, wq.Term)
            and reader.doc_frequency(q.fieldname, q.text) == reader.doc_count_all()
            for q in subqueries
        )
        and not reader.has_deletions()
    ):
        allowed = None  # e.g. a search on the root model without filters: no restriction
    else:
        allowed = searcher._filter_to_comb(restriction)
    cache[key] = allowed
    while len(cache) > 64:
        cache.popitem(last=False)
    return allowed


class WhooshSearchResults(BaseSearchResults):
    supports_facet = True

    def _query(self):
        return self.query_compiler.build(self.backend)

    @contextlib.contextmanager
    def _searcher(self):
        """A searcher on the live generation, reused across queries in this thread while the
        index is unchanged (opening one costs tens of milliseconds on a large index)."""
        index = self.query_compiler.get_index(self.backend)
        ix = index.open_or_recover()
        yield self.backend.cached_searcher(ix)

    def _run(self, searcher, limit, ordered=True):
        """Run the query; Whoosh results, ranked (or in field order) when ``ordered``."""
        self._timed_out = False
        text, restriction = self._query()
        if ordered:
            child = searcher.collector(limit=limit, sortedby=self.query_compiler.sort_facets())
        else:
            child = searcher.collector(limit=None, scored=False)
        collector = RestrictingCollector(
            child, _allowed_docs(searcher, restriction), _time_limit(self.backend.time_limit)
        )
        try:
            searcher.search_with_collector(text, collector)
        except TimeLimit:
            self._timed_out = True
            logger.warning(
                "Search query hit the time limit of %ss: %r", self.backend.time_limit, text
            )
        return collector.results()

    def _ranked(self, searcher):
        """[(docnum, score)] of every hit in result order. Collected once per query and index
        generation, then shared by the results page, the count and every facet of the same
        query (site search asks for all of them): one Whoosh search instead of five."""
        text, restriction = self._query()
        key = (repr(text), repr(restriction), repr(self.query_compiler.sort_facets()))
        runs = searcher.__dict__.setdefault("_portal_runs", OrderedDict())
        if key in runs:
            runs.move_to_end(key)
            return runs[key]
        results = self._run(searcher, None)
        ranked = [(results.docnum(i), results.score(i)) for i in range(results.scored_length())]
        if not self._timed_out:  # a partial collection is never reused
            runs[key] = ranked
            while len(runs) > RANKED_RUNS_CACHED:
                runs.popitem(last=False)
        return ranked

    def _hit_list(self, searcher):
        """[(pk string, score)] of every hit in result order, confirmed by the database when
        the filters need it."""
        hits = [(_stored(searcher, docnum)[0], score) for docnum, score in self._ranked(searcher)]
        if self.query_compiler.needs_database:
            allowed = self._database_check([pk for pk, _ in hits])
            hits = [h for h in hits if h[0] in allowed]
        return hits

    def _hits(self):
        """[(pk string, score)] in result order, after slicing."""
        with self._searcher() as searcher:
            self._query()  # compiles, and tells whether the database must confirm filters
            return self._hit_list(searcher)[self.start : self.stop]

    def _database_check(self, pks):
        """Conditions on several fields of one related object (a many-to-many or reverse
        relation) can't be checked on flattened documents; the database confirms those."""
        allowed = set()
        queryset = self.query_compiler.queryset
        for i in range(0, len(pks), 500):
            chunk = pks[i : i + 500]
            allowed.update(
                str(pk) for pk in queryset.filter(pk__in=chunk).values_list("pk", flat=True)
            )
        return allowed

    def _do_search(self):
        hits = self._hits()
        if not hits:
            return []
        pk_field = self.query_compiler.model._meta.pk
        pks = [pk_field.to_python(pk) for pk, _ in hits]
        queryset = self.query_compiler.queryset.filter(pk__in=pks).order_by()
        if self.prefetch_related:
            queryset = queryset.prefetch_related(*self.prefetch_related)
        objects = {str(obj.pk): obj for obj in queryset}
        results = []
        for pk, score in hits:
            obj = objects.get(pk)
            if obj is None:
                continue  # in the index but no longer in the database (or no longer visible)
            if self._score_field:
                setattr(obj, self._score_field, float(score) if score is not None else 0.0)
            results.append(obj)
        return results

    def _do_count(self):
        with self._searcher() as searcher:
            self._query()
            total = len(self._hit_list(searcher))
        total = max(total - self.start, 0)
        if self.stop is not None:
            total = min(total, self.stop - self.start)
        return total

    # Snippets and suggestions (contract in portal/search/results_api.py) -------------------

    def _highlight_terms(self):
        """(stems, words, prefixes) that the query matches: stems in the stemmed columns,
        whole unstemmed words (fuzzy terms expanded), prefixes for autocomplete."""
        if getattr(self, "_terms", None) is not None:
            return self._terms
        stems, words, prefixes = set(), set(), set()
        text, _ = self._query()
        fuzzy = []

        def walk(q):
            if isinstance(q, wq.Not):
                return
            if isinstance(q, wq.FuzzyTerm):
                fuzzy.append(q)
            elif isinstance(q, wq.Prefix):
                prefixes.add(q.text)
            elif isinstance(q, wq.Term):
                (stems if q.fieldname.startswith("t_") else words).add(q.text)
            elif isinstance(q, wq.Phrase):
                (stems if q.fieldname.startswith("t_") else words).update(q.words)
            elif not q.is_leaf():
                for child in q.children():
                    walk(child)

        walk(text)
        if fuzzy:
            with self._searcher() as searcher:
                reader = searcher.reader()
                for q in fuzzy:
                    for _, btext in q.expanded_terms(reader):
                        words.add(btext.decode() if isinstance(btext, bytes) else btext)
        self._terms = (stems, words, prefixes)
        return self._terms

    def highlight(self, obj, fields=None, max_chars=results_api.DEFAULT_MAX_CHARS):
        """The best-matching fragment of ``obj``'s indexed text as escaped HTML, matched words
        (stem and accent aware) in ``<mark>``; a leading excerpt when nothing matches."""
        text = results_api.indexed_text(obj, fields)
        stems, words, prefixes = self._highlight_terms()
        languages = list(dict.fromkeys([document_language(obj), DEFAULT_LANGUAGE]))
        spans, keys = [], []
        for start, end, word in word_spans(text):
            key = None
            if word in words:
                key = word
            elif any(word.startswith(p) for p in prefixes):
                key = word
            else:
                for language in languages:
                    stem = stem_word(text[start:end], language)
                    if stem is not None and stem in stems:
                        key = stem
                        break
            if key is not None:
                spans.append((start, end))
                keys.append(key)
        return results_api.best_fragment(text, spans, keys, max_chars)

    def suggestion(self):
        """The query with each word unknown to the documents these results may contain
        replaced by the closest word that those documents do contain (unstemmed column,
        Whoosh's corrector), or None when every word is known or has no close word. At most
        MAX_CORRECTED_WORDS words are corrected; none once the search's time budget is spent."""
        query_string = _query_string(self.query_compiler.query)
        if not query_string or not query_string.strip() or budget_spent():
            return None
        changed = False
        pieces = []
        position = 0
        corrected = 0
        with self._searcher() as searcher:
            reader = searcher.reader()
            _text, restriction = self._query()
            allowed = _allowed_docs(searcher, restriction)
            corrector = None
            for start, end, word in word_spans(query_string):
                if len(word) < 3 or word.isdigit():
                    continue
                if _word_in_allowed_docs(reader, word, allowed):
                    continue
                if corrected >= MAX_CORRECTED_WORDS or budget_spent():
                    break
                corrected += 1
                if corrector is None:
                    corrector = searcher.corrector(PLAIN_FIELD)
                candidates = corrector.suggest(
                    word, limit=SUGGESTION_CANDIDATES, maxdist=1 if len(word) < 5 else 2, prefix=1
                )
                found = [c for c in candidates if _word_in_allowed_docs(reader, c, allowed)]
                if found:
                    pieces.append(query_string[position:start])
                    pieces.append(found[0])
                    position = end
                    changed = True
        if not changed:
            return None
        pieces.append(query_string[position:])
        return "".join(pieces)

    def facet(self, field_name):
        compiler = self.query_compiler
        field = compiler._get_filterable_field(field_name)
        if field is None:
            raise FilterFieldError(
                f'Cannot facet search results with field "{field_name}". Please add '
                f'index.FilterField("{field_name}") to {compiler.model.__name__}.search_fields.',
                field_name=field_name,
            )
        column = filter_column(field.field_name)
        counts = Counter()
        with self._searcher() as searcher:
            for docnum, _score in self._ranked(searcher):
                values = _stored(searcher, docnum)[1].get(column)
                if not values:
                    counts[None] += 1
                    continue
                for value in dict.fromkeys(values):
                    counts[value] += 1
        return OrderedDict(sorted(counts.items(), key=lambda item: -item[1]))


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


SearchBackend = WhooshSearchBackend
