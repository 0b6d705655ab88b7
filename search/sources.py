"""What site search searches: the registered sources and the types a search can be restricted to.

Pages are one generic source; other models are sources of their own. An app's
wagtail_hooks.py returns `search_source(model, queryset=...)` objects from a
`register_search_source` hook (portal.plugins); `queryset(user)` returns only what that user
may see (the permission scoping lives there, not in views)::

    @hooks.register("register_search_source")
    def search_sources():
        return search_source(FactSheet, queryset=selectors.fact_sheets_for)

`url(obj, request)` and `title(obj)` default to `obj.get_url(request)` (pages) or
`obj.get_absolute_url()`, and `str(obj)`. Page models may be registered too (with a queryset
built on `Model.objects.live()`); they then leave the generic page source. Case data is never
searchable here: a source for a model of the `cases` app raises ImproperlyConfigured (cases get
their own, per-country search).

Facets: a searchable model takes part in the country and topic facets when it declares
`index.FilterField("search_country")` (an ISO 3166 alpha-2 code, upper case, e.g. "BE") and/or
`index.FilterField("search_topic")` (a slug, e.g. "hot-pursuit") in its `search_fields`; a model
whose FilterFields have other names passes `country_field=` / `topic_field=` (see
search.selectors for how they are used).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from wagtail.models import Page, get_page_models

from portal import plugins

COUNTRY_FIELD = "search_country"
TOPIC_FIELD = "search_topic"
EXCLUDED_APPS = {"cases"}


@dataclasses.dataclass(frozen=True)
class Source:
    model: type[Model]
    queryset: Callable[[Any], QuerySet]  # callable(user) -> queryset of what the user may see
    url: Callable[[Any, HttpRequest | None], str | None] | None = None
    title: Callable[[Any], str] | None = None
    country_field: str | None = None  # a FilterField holding an ISO code (default: convention)
    topic_field: str | None = None  # a FilterField holding a topic slug (default: convention)
    # prefetch_related lookups of the rows a hit's snippet reads (structured rows, attachment
    # texts): fetched only for the hits whose snippet is not built yet
    snippet_prefetch: tuple[Any, ...] = ()

    @property
    def key(self) -> str:
        return self.model._meta.label_lower

    def get_url(self, obj: Model, request: HttpRequest | None) -> str | None:
        if self.url is not None:
            return self.url(obj, request)
        return default_url(obj, request)

    def get_title(self, obj: Model) -> str:
        return self.title(obj) if self.title is not None else default_title(obj)


def search_source(
    model: type[Model],
    *,
    queryset: Callable[[Any], QuerySet],
    url: Callable[[Any, HttpRequest | None], str | None] | None = None,
    title: Callable[[Any], str] | None = None,
    country_field: str | None = None,
    topic_field: str | None = None,
    snippet_prefetch: Iterable[Any] = (),
) -> Source:
    """A source that makes `model` searchable on /search/ and /api/v1/search, once a
    `register_search_source` hook returns it. `queryset(user)` must return only the objects
    that user may see. `country_field`/`topic_field` name the FilterFields used for the
    country/topic facets when they are not called search_country/search_topic.
    `snippet_prefetch` lists the prefetch_related lookups of what a hit's snippet reads
    beyond the row itself, fetched only for the snippets still to be built."""
    _refuse_case_data(model)
    if not hasattr(model, "get_search_fields"):
        raise ImproperlyConfigured(f"{model._meta.label} is not indexed (no index.Indexed).")
    fields = _filter_field_names(model)
    if country_field is None and COUNTRY_FIELD in fields:
        country_field = COUNTRY_FIELD
    if topic_field is None and TOPIC_FIELD in fields:
        topic_field = TOPIC_FIELD
    for name in (country_field, topic_field):
        if name is not None and name not in fields:
            raise ImproperlyConfigured(f"{model._meta.label}: {name} is not a FilterField.")
    return Source(
        model=model,
        queryset=queryset,
        url=url,
        title=title,
        country_field=country_field,
        topic_field=topic_field,
        snippet_prefetch=tuple(snippet_prefetch),
    )


def _refuse_case_data(model):
    if model._meta.app_label in EXCLUDED_APPS:
        raise ImproperlyConfigured(f"{model._meta.label}: case data is never in site search.")


def _by_key(sources: Iterable[Source]) -> dict[str, Source]:
    for source in sources:
        _refuse_case_data(source.model)
    return {source.key: source for source in sources}  # a later hook replaces an earlier one


def sources_by_key() -> dict[str, Source]:
    """{key: source} of the `register_search_source` hooks, in the hooks' order."""
    return plugins.collect(plugins.SEARCH_SOURCE, _by_key)


def registered_sources() -> list[Source]:
    return list(sources_by_key().values())


def default_url(obj: Model, request: HttpRequest | None) -> str | None:
    if isinstance(obj, Page):
        return obj.get_url(request=request)
    get_absolute_url = getattr(obj, "get_absolute_url", None)
    return get_absolute_url() if get_absolute_url else None


def default_title(obj: Model) -> str:
    return obj.title if isinstance(obj, Page) else str(obj)


def _filter_field_names(model):
    return {
        field.field_name
        for field in model.get_search_fields()
        if field.__class__.__name__ == "FilterField"
    }


def excluded_page_models() -> list[type[Page]]:
    """Page models left out of the generic page source: case data, and page types with a
    source of their own."""
    sources = sources_by_key()
    return [
        model
        for model in get_page_models()
        if model._meta.app_label in EXCLUDED_APPS or model._meta.label_lower in sources
    ]


def page_types() -> dict[str, type[Page]]:
    """Page models in site search through the generic page source: {label: model}."""
    sources = sources_by_key()
    return {
        model._meta.label_lower: model
        for model in get_page_models()
        if model._meta.app_label not in EXCLUDED_APPS and model._meta.label_lower not in sources
    }


def search_types() -> dict[str, str]:
    """Every type a search can be restricted to: {key: label}."""
    models = {**page_types(), **{key: s.model for key, s in sources_by_key().items()}}
    return {key: type_label(model) for key, model in sorted(models.items())}


def type_label(model: type[Model]) -> str:
    label = str(model._meta.verbose_name_plural)
    return label[:1].upper() + label[1:]
