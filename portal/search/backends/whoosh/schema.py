"""The index's schema: its fixed columns, how Python values of filter fields are stored, and
which Whoosh columns a model's ``search_fields`` produce (``ModelMapping``).
"""

import contextlib
import datetime
import json
import logging
import uuid
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from modelsearch.index import (
    AutocompleteField,
    FilterField,
    Indexed,
    RelatedFields,
    SearchField,
)

from portal.search import results_api
from portal.search.analysis import (
    document_language,
    tag_language,
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


def plain_value(value):
    """Model instances become their primary key."""
    if isinstance(value, models.Model):
        return value.pk
    return value


def encode_value(kind, value):
    """The value as Whoosh stores it for a column of ``kind``; None when it can't be stored."""
    value = plain_value(value)
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
    value = plain_value(value)
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
            values = [v for v in filters.get(column, []) if plain_value(v) is not None]
            if not values:
                null_columns.append(column)
                continue
            encoded = [e for e in (encode_value(kind, v) for v in values) if e is not None]
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


def content_types(model):
    names = []
    current = model
    while current is not None and issubclass(current, Indexed):
        names.append(current.indexed_get_content_type())
        current = current.indexed_get_parent()
    return names
