"""Query translation: modelsearch's filters, orderings and query objects to Whoosh queries."""

import logging

from django.db import models
from django.db.models import OrderBy
from django.db.models.expressions import F, Subquery
from django.db.models.lookups import Exact, Lookup
from modelsearch.backends.base import (
    BaseSearchQueryCompiler,
)
from modelsearch.index import (
    RelatedFields,
)
from modelsearch.query import And, Boost, Fuzzy, MatchAll, Not, Or, Phrase, PlainText
from whoosh import query as wq
from whoosh import sorting

from portal.search.analysis import (
    DEFAULT_LANGUAGE,
    analyzer_for,
    normalise_language,
    plain_analyzer,
    stem_word,
    tokens,
    word_spans,
)
from portal.search.backends.whoosh.schema import (
    CT_FIELD,
    ID_FIELD,
    INT_TYPES,
    NULL_FIELD,
    PK_NUM_FIELD,
    PLAIN_FIELD,
    autocomplete_column,
    encode_value,
    filter_column,
    plain_value,
    text_column,
)

logger = logging.getLogger(__name__)

# Weight of the unstemmed column next to the English-stemmed ones in queries without a language
# filter (exact word forms, and words of other languages that English stemming misses).
PLAIN_BOOST = 0.5
OR_COORDINATION = 0.9  # Whoosh's OrGroup.factory(0.9): "any word" queries favour more words


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
        encoded = encode_value(kind, value)
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
                low, high = (encode_value(kind, v) for v in value)
                start, end, startexcl, endexcl = low, high, False, False
            else:
                encoded = encode_value(kind, value)
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
            return wq.Prefix(column, str(plain_value(value)))
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
                return _Filter(wq.Term(ID_FIELD, str(plain_value(value))))
            if lookup == "in":
                values = [str(plain_value(v)) for v in value]
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
