"""Site search: the one place that runs a search of the portal for a user (reads only).

`site_search(user, q, type=..., country=..., topic=..., page=..., request=...)` returns a
`SiteSearch` used by both the page (/search/, search.views) and the JSON API (/api/v1/search,
search.api); `autocomplete(user, q)` feeds the suggestions shown while typing. Everything goes
through the default search backend (Whoosh, or OpenSearch by setting). Nothing here writes:
the view and the API record the query in the log with search.services.site_search_log.

What is searched
----------------
- Live pages (`Page.objects.live().specific()`), minus pages under a view restriction the user
  does not pass (groups they are not in, passwords), minus page types of the `cases` app and
  page types registered as sources of their own.
- The registered sources of their own (search.sources: `search_source(model, queryset=...)`
  returned by a `register_search_source` hook), each through its `queryset(user)`.

Facets and filters: the `search_country` / `search_topic` convention
--------------------------------------------------------------------
- type: every result has one, the model's label (`portal.updatepage`), labelled with the
  model's verbose_name_plural.
- country and topic: a searchable model takes part when it declares
  `index.FilterField("search_country")` (an ISO 3166 alpha-2 code, upper case, e.g. "BE") and/or
  `index.FilterField("search_topic")` (a slug, e.g. "hot-pursuit") in its `search_fields`.
  Filtering uses `queryset.filter(search_country=...)`, so these must be model fields (a
  denormalised CharField is fine); a plain property of the same name is shown on the result
  but gives no facet. A model whose FilterFields have other names passes
  `search_source(..., country_field="...", topic_field="...")`. Models without them simply have no
  country/topic; while a country or topic filter is active they are left out. Country labels
  are the country names (portal.Country), topic labels the slug made readable.
- Facet counts for one dimension are computed with the filters of the other dimensions
  applied (so the other values of the dimension being filtered stay visible).

Highlights and "did you mean" come from `portal.search.highlight` / `suggestion` (escaped HTML
with <mark>; a corrected query or None).

Promoted results: Wagtail's promoted results for the query ("Promoted search results" in the
admin) are returned with the first page.

Hostile input (`country:BE`, `AND OR NOT`, quotes, `*`, 2,000 characters) is plain text to the
backend; queries are cut to MAX_QUERY_CHARS characters.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections import Counter
from typing import Any

from django.conf import settings
from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from wagtail.models import Page

from portal.search import (
    budget_spent,
    cached_highlight,
    highlight,
    knows_word,
    suggestion,
    time_budget,
)
from portal.visibility import exclude_hidden, page_visible_to
from search import sources
from search.sources import COUNTRY_FIELD, EXCLUDED_APPS, TOPIC_FIELD

PER_PAGE = 10  # ten results a page, as most search engines: each result costs a snippet
SNIPPET_CHARS = 240
MAX_PAGE = 100
MAX_QUERY_CHARS = 255  # also the length of Wagtail's logged query strings
AUTOCOMPLETE_LIMIT = 8
AUTOCOMPLETE_MIN_CHARS = 2  # as portal/static/portal/search.js; shorter prefixes match too much
SUGGEST_BELOW_RESULTS = 5
PARTIAL_MATCH_BELOW = 3  # fewer documents with every word: rank those with most of them too

_COUNTRY_RE = re.compile(r"^[A-Za-z]{2}$")
_TOPIC_RE = re.compile(r"^[a-z0-9][-a-z0-9_]{0,99}$")


class SearchParamError(ValueError):
    """A filter or page parameter that cannot be searched with (the API answers 4xx)."""

    def __init__(self, param: str, message: str) -> None:
        super().__init__(message)
        self.param = param


# --- Units: one search each ---------------------------------------------------------------


class _PageUnit:
    """Live pages the user may see, except page types with sources of their own."""

    country_field = None
    topic_field = None
    has_autocomplete = True
    snippet_prefetch = ()  # a page's snippet reads its own fields

    def __init__(self, user):
        self.user = user
        self._base = None

    def base_queryset(self):
        if self._base is None:
            from django.contrib.contenttypes.models import ContentType

            queryset = Page.objects.live().specific()
            excluded = sources.excluded_page_models()
            if excluded:
                cts = ContentType.objects.get_for_models(*excluded).values()
                queryset = queryset.exclude(content_type__in=[ct.pk for ct in cts])
            self._base = exclude_hidden(queryset, self.user)
        return self._base

    def may_see(self, page):
        """Whether the user may see `page` in search (used for promoted pages)."""
        from django.contrib.contenttypes.models import ContentType

        if not page.live:
            return False
        model = ContentType.objects.get_for_id(page.content_type_id).model_class()
        if model is None or model._meta.app_label in EXCLUDED_APPS:
            return False
        return page_visible_to(self.user, page)

    def queryset(self, type_key):
        from django.contrib.contenttypes.models import ContentType

        queryset = self.base_queryset()
        if type_key is not None:
            model = sources.page_types().get(type_key)
            if model is None:
                return None
            queryset = queryset.filter(content_type=ContentType.objects.get_for_model(model))
        return queryset

    def type_counts(self, results):
        from django.contrib.contenttypes.models import ContentType

        counts = Counter()
        for ct_id, count in results.facet("content_type_id").items():
            if ct_id is None:
                continue
            model = ContentType.objects.get_for_id(int(ct_id)).model_class()
            if model is not None:
                counts[model._meta.label_lower] += count
        return counts

    def get_url(self, obj, request):
        return sources.default_url(obj, request)

    def get_title(self, obj):
        return obj.title


class _SourceUnit:
    def __init__(self, source, user):
        self.source = source
        self.user = user
        self.country_field = source.country_field
        self.topic_field = source.topic_field
        self.has_autocomplete = any(
            field.__class__.__name__ == "AutocompleteField"
            for field in source.model.get_search_fields()
        )

    def queryset(self, type_key):
        if type_key is not None and type_key != self.source.key:
            return None
        return self.source.queryset(self.user)

    def type_counts(self, results):
        count = results.count()
        return Counter({self.source.key: count} if count else {})

    @property
    def snippet_prefetch(self):
        return self.source.snippet_prefetch

    def get_url(self, obj, request):
        return self.source.get_url(obj, request)

    def get_title(self, obj):
        return self.source.get_title(obj)


def _units(user):
    return [_PageUnit(user)] + [
        _SourceUnit(source, user) for source in sources.registered_sources()
    ]


def _search(unit, q, filters, operator="and", *, memo=None):
    """The unit's search results for `q` with `filters` (type/country/topic), or None when the
    unit cannot have results under those filters. With `memo` (one dict per request), the same
    search asked twice (the results, then a facet whose filters are the same) is built once,
    so the backend's compiled query and collected hits are shared."""
    if memo is not None:
        key = (id(unit), tuple(sorted(filters.items())), operator)
        if key not in memo:
            memo[key] = _search(unit, q, filters, operator)
        return memo[key]
    queryset = unit.queryset(filters.get("type"))
    if queryset is None:
        return None
    for name, field in (("country", unit.country_field), ("topic", unit.topic_field)):
        value = filters.get(name)
        if value is None:
            continue
        if field is None:
            return None
        queryset = queryset.filter(**{field: value})
    return queryset.search(q, operator=operator, order_by_relevance=True)


# --- The search ---------------------------------------------------------------------------


@dataclasses.dataclass
class Result:
    title: str
    url: str | None
    type: str
    type_label: str
    country: str | None
    topic: str | None
    snippet: str  # safe HTML
    score: float
    object: object = None


@dataclasses.dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclasses.dataclass
class Promotion:
    title: str
    url: str
    description: str


@dataclasses.dataclass
class SiteSearch:
    q: str
    type: str | None = None
    country: str | None = None
    topic: str | None = None
    page: int = 1
    total: int = 0
    results: list[Result] = dataclasses.field(default_factory=list)
    facets: dict[str, list[FacetValue]] = dataclasses.field(
        default_factory=lambda: {"type": [], "country": [], "topic": []}
    )
    suggestion: str | None = None
    promoted: list[Promotion] = dataclasses.field(default_factory=list)
    incomplete: bool = False  # the time budget ran out: results, counts may be partial
    partial: bool = False  # no or few documents had every word: most of the words count

    @property
    def pages(self) -> int:
        return math.ceil(self.total / PER_PAGE) if self.total else 0

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def first_index(self) -> int:
        return (self.page - 1) * PER_PAGE + 1 if self.results else 0

    @property
    def last_index(self) -> int:
        return self.first_index + len(self.results) - 1 if self.results else 0

    @property
    def filters(self) -> dict[str, str]:
        return {
            name: value
            for name, value in (
                ("type", self.type),
                ("country", self.country),
                ("topic", self.topic),
            )
            if value
        }


def clean_query(q: object) -> str:
    """The query as searched: whitespace collapsed, at most MAX_QUERY_CHARS characters."""
    q = " ".join(str(q or "").replace("\x00", " ").split())
    return q[:MAX_QUERY_CHARS].strip()


def clean_params(
    *,
    type: str | None = None,
    country: str | None = None,
    topic: str | None = None,
    page: int | str = 1,
) -> dict[str, Any]:
    """Validated filters; SearchParamError names the bad one."""
    type = (type or "").strip().lower() or None
    if type is not None and type not in sources.search_types():
        raise SearchParamError("type", f"Unknown type: {type[:50]!r}.")
    country = (country or "").strip() or None
    if country is not None:
        if not _COUNTRY_RE.match(country):
            raise SearchParamError("country", "country must be a two-letter ISO 3166 code.")
        country = country.upper()
    topic = (topic or "").strip().lower() or None
    if topic is not None and not _TOPIC_RE.match(topic):
        raise SearchParamError("topic", "topic must be a slug (letters, digits, hyphens).")
    try:
        page = int(page)
    except (TypeError, ValueError):
        raise SearchParamError("page", "page must be a whole number.") from None
    if not 1 <= page <= MAX_PAGE:
        raise SearchParamError("page", f"page must be between 1 and {MAX_PAGE}.")
    return {"type": type, "country": country, "topic": topic, "page": page}


def site_search(
    user: Any,
    q: str,
    *,
    type: str | None = None,
    country: str | None = None,
    topic: str | None = None,
    page: int | str = 1,
    request: HttpRequest | None = None,
) -> SiteSearch:
    """Search everything `user` may see. Raises SearchParamError for bad filters/page."""
    params = clean_params(type=type, country=country, topic=topic, page=page)
    q = clean_query(q)
    found = SiteSearch(q=q, **params)
    if not q:
        return found
    filters = {k: params[k] for k in ("type", "country", "topic") if params[k] is not None}
    units = _units(user)

    # One budget for everything below: results, counts, facets and the suggestion.
    with time_budget(settings.PORTAL_SEARCH_TIME_BUDGET_SECONDS):
        memo = {}
        searches = _run_units(units, q, filters, "and", memo=memo)
        all_words_total = sum(count for _, _, count in searches)
        found.total = all_words_total
        operator = "and"
        first = []
        if all_words_total < PARTIAL_MATCH_BELOW and _several_words(q) and not budget_spent():
            # Few documents contain every word (a descriptive sentence, say): rank those
            # containing most of the words, after the ones containing all of them.
            any_word = _run_units(units, q, filters, "or", memo=memo)
            any_word_total = sum(count for _, _, count in any_word)
            if any_word_total > all_words_total:
                first = _ranked_hits(searches, PARTIAL_MATCH_BELOW)
                searches, operator = any_word, "or"
                found.total = any_word_total
                found.partial = True
        _fill_results(found, searches, request, first=first)
        found.facets = _facets(units, q, filters, operator, memo=memo)
        # "Did you mean" only helps when the query finds little.
        if all_words_total < SUGGEST_BELOW_RESULTS:
            found.suggestion = _suggestion([results for _unit, results, _count in searches])
        found.incomplete = budget_spent()
    if found.page == 1:
        found.promoted = _promotions(q, units[0])
    return found


def _suggestion(every_results):
    """The first source's "did you mean", where a word that another source of the search
    knows is not a misspelling (so no source looks up corrections for it)."""
    for index, results in enumerate(every_results):
        others = every_results[:index] + every_results[index + 1 :]

        def known_elsewhere(word, others=others):
            return any(knows_word(other, word) for other in others)

        suggested = suggestion(results, known_elsewhere=known_elsewhere)
        if suggested:
            return suggested
    return None


def _several_words(q):
    """Whether `q` is several words without quotes or operators of its own."""
    return '"' not in q and len(q.split()) > 1


def _run_units(units, q, filters, operator, *, memo=None):
    """[(unit, results, count)] of every unit that can have results under `filters`."""
    searches = []
    for unit in units:
        results = _search(unit, q, filters, operator, memo=memo)
        if results is not None:
            searches.append((unit, results, results.count()))
    return searches


def _ranked_hits(searches, stop, *, start=0):
    """[(unit, results, obj)]: the best hits of every unit with hits, merged by score."""
    with_hits = [(unit, results) for unit, results, count in searches if count]
    if len(with_hits) == 1:  # one source: ask the backend for just this page
        unit, results = with_hits[0]
        return [(unit, results, obj) for obj in results.annotate_score("_search_score")[start:stop]]
    hits = []  # several sources: merge their best `stop` hits by score
    for unit, results in with_hits:
        for obj in results.annotate_score("_search_score")[:stop]:
            hits.append((unit, results, obj))
    hits.sort(key=lambda hit: -(getattr(hit[2], "_search_score", 0.0) or 0.0))
    return hits[start:stop]


def _fill_results(found, searches, request, *, first=()):
    """The page's results; `first` (hits of every word) go before the rest of `searches`."""
    start = (found.page - 1) * PER_PAGE
    stop = start + PER_PAGE
    if first:
        seen = {(obj._meta.label_lower, obj.pk) for _unit, _results, obj in first}
        rest = [
            hit
            for hit in _ranked_hits(searches, stop + len(first))
            if (hit[2]._meta.label_lower, hit[2].pk) not in seen
        ]
        hits = (list(first) + rest)[start:stop]
    else:
        hits = _ranked_hits(searches, stop, start=start)
    _prefetch_snippet_rows(hits)
    labels = sources.search_types()
    for unit, results, obj in hits:
        key = obj._meta.label_lower
        found.results.append(
            Result(
                title=unit.get_title(obj),
                url=unit.get_url(obj, request),
                type=key,
                type_label=labels.get(key, sources.type_label(obj._meta.model)),
                country=_value(obj, unit.country_field or COUNTRY_FIELD),
                topic=_value(obj, unit.topic_field or TOPIC_FIELD),
                snippet=_snippet(results, obj),
                score=round(float(getattr(obj, "_search_score", 0.0) or 0.0), 4),
                object=obj,
            )
        )


def _value(obj, name):
    value = getattr(obj, name, None)
    return str(value) if value not in (None, "") else None


def _facets(units, q, filters, operator="and", *, memo=None):
    facets = {"type": [], "country": [], "topic": []}
    type_counts, country_counts, topic_counts = Counter(), Counter(), Counter()
    for unit in units:
        others = {k: v for k, v in filters.items() if k != "type"}
        results = _search(unit, q, others, operator, memo=memo)
        if results is not None:
            type_counts.update(unit.type_counts(results))
        for name, field, counts in (
            ("country", unit.country_field, country_counts),
            ("topic", unit.topic_field, topic_counts),
        ):
            if field is None:
                continue
            others = {k: v for k, v in filters.items() if k != name}
            results = _search(unit, q, others, operator, memo=memo)
            if results is None:
                continue
            for value, count in results.facet(field).items():
                if value not in (None, ""):
                    counts[str(value)] += count
    labels = sources.search_types()
    facets["type"] = _facet_values(type_counts, filters.get("type"), lambda v: labels.get(v, v))
    country_names = _country_names(country_counts)
    facets["country"] = _facet_values(
        country_counts, filters.get("country"), lambda v: country_names.get(v, v)
    )
    facets["topic"] = _facet_values(topic_counts, filters.get("topic"), topic_label)
    return facets


def topic_label(slug: str) -> str:
    return slug.replace("-", " ").replace("_", " ").capitalize()


def _facet_values(counts, selected, label):
    values = [
        FacetValue(value=value, label=label(value), count=count, selected=value == selected)
        for value, count in counts.items()
        if count
    ]
    values.sort(key=lambda v: (-v.count, v.label))
    return values


def _country_names(counts):
    if not counts:
        return {}
    from portal.models import Country

    return dict(Country.objects.filter(code__in=list(counts)).values_list("code", "name"))


def _snippet(results, obj, max_chars=SNIPPET_CHARS):
    return highlight(results, obj, max_chars=max_chars)  # SafeString: escaped, <mark>ed


def _prefetch_snippet_rows(hits):
    """The rows the page's snippets read (a fact sheet's rules, attachment texts), fetched in
    one query per relation and source, for the hits whose snippet is not built yet (a
    snippet is kept while the index is unchanged)."""
    missing = {}
    for unit, results, obj in hits:
        if not unit.snippet_prefetch:
            continue
        if cached_highlight(results, obj, max_chars=SNIPPET_CHARS) is None:
            missing.setdefault(unit, []).append(obj)
    for unit, objs in missing.items():
        prefetch_related_objects(objs, *unit.snippet_prefetch)


def _promotions(q, page_unit):
    """Wagtail's promoted results for `q`, keeping pages the user may see."""
    from wagtail.contrib.search_promotions.models import SearchPromotion
    from wagtail.search.utils import normalise_query_string

    promotions = list(
        SearchPromotion.objects.filter(query__query_string=normalise_query_string(q))
        .select_related("page")
        .order_by("sort_order", "pk")
    )
    out = []
    for promotion in promotions:
        if promotion.page_id:
            if not page_unit.may_see(promotion.page):
                continue
            url = promotion.page.get_url()
        else:
            url = promotion.external_link_url
        if url:
            out.append(
                Promotion(title=promotion.title or url, url=url, description=promotion.description)
            )
    return out


# --- Suggestions while typing -------------------------------------------------------------


def autocomplete(
    user: Any, q: str, *, limit: int = AUTOCOMPLETE_LIMIT, request: HttpRequest | None = None
) -> list[dict[str, str | None]]:
    """Up to `limit` titles matching the start of what the user types:
    [{"title", "url", "type", "type_label"}]."""
    q = clean_query(q)
    if len(q) < AUTOCOMPLETE_MIN_CHARS:
        return []
    labels = sources.search_types()
    out = []
    with time_budget(settings.PORTAL_SEARCH_TIME_BUDGET_SECONDS):
        for unit in _units(user):
            if not unit.has_autocomplete or budget_spent():
                continue
            _autocomplete_unit(unit, q, limit, out, labels, request)
            if len(out) >= limit:
                break
    return out


def _autocomplete_unit(unit, q, limit, out, labels, request):
    """Append the unit's titles matching the prefix `q` to `out`, up to `limit` in all."""
    for obj in unit.queryset(None).autocomplete(q)[: limit - len(out)]:
        key = obj._meta.label_lower
        out.append(
            {
                "title": unit.get_title(obj),
                "url": unit.get_url(obj, request),
                "type": key,
                "type_label": labels.get(key, key),
            }
        )
