"""Highlighted snippets and "did you mean" suggestions for search results, whatever the backend.

The contract (docs/search.md, "Snippets and suggestions"):

- ``highlight(results, obj, fields=None, max_chars=240) -> SafeString``: the best-matching
  fragment of ``obj``'s indexed text, every character HTML-escaped, matched words wrapped in
  ``<mark>…</mark>``; an escaped leading excerpt when nothing matches.
- ``suggestion(results) -> str | None``: a corrected query when a query word is unknown in the
  index and a close word exists, else None.

With the Whoosh backend the results object has these as methods (``results.highlight(obj)``,
``results.suggestion()``); these functions call them when present and otherwise fall back to an
escaped excerpt without marks and no suggestion (OpenSearch, the database backend, a plain
queryset), so views and the JSON API never need to know the backend.

Nothing here imports Whoosh.
"""

import functools
import logging
import re

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.encoding import force_str
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from modelsearch.index import RelatedFields, SearchField

DEFAULT_MAX_CHARS = 240
ELLIPSIS = "…"
FIELD_SEPARATOR = " · "
_SPACE = re.compile(r"\s+")
logger = logging.getLogger(__name__)


def text_of(value):
    """The indexable text of a field value: related managers and lists joined by spaces."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple, set)):
        return " ".join(text_of(v) for v in value)
    if hasattr(value, "all") and callable(value.all) and not isinstance(value, str):
        return " ".join(text_of(v) for v in value.all())
    return str(value)


@functools.lru_cache(maxsize=4096)
def _rich_text_plain(html):
    """Rich text -> plain text is a pure function of the HTML and costs an HTML parse (most of
    a snippet's time on long pages): the texts of the pages found most often are kept."""
    from wagtail.rich_text import get_text_for_indexing  # noqa: PLC0415 - see _rich_text_class

    return get_text_for_indexing(html)


@functools.cache
def _rich_text_class():
    # Imported late and only with Wagtail installed: the engine also runs under modelsearch
    # alone (bench/search, the conformance suite), where importing wagtail.fields fails.
    if not apps.is_installed("wagtail"):
        return None
    from wagtail.fields import RichTextField  # noqa: PLC0415

    return RichTextField


def _search_field_value(search_field, obj):
    try:
        field = search_field.get_field(obj.__class__)
    except FieldDoesNotExist:
        field = None
    rich_text = _rich_text_class()
    if rich_text is not None and isinstance(field, rich_text):
        return _rich_text_plain(force_str(field.value_from_object(obj)))
    return search_field.get_value(obj)


def _items(value):
    if value is None:
        return []
    if isinstance(value, (list, tuple, set)):
        return list(value)
    if hasattr(value, "all") and callable(value.all):
        return list(value.all())
    return [value]


def _walk(obj, search_fields, prefix, out):
    for search_field in search_fields:
        if isinstance(search_field, RelatedFields):
            try:
                value = search_field.get_value(obj)
            except Exception:  # noqa: BLE001 - a missing related object has no text
                logger.debug("No %s on %r", search_field.field_name, obj, exc_info=True)
                continue
            for item in _items(value):
                if item is not None:
                    _walk(item, search_field.fields, prefix + search_field.field_name + "__", out)
        elif isinstance(search_field, SearchField):
            try:
                value = _search_field_value(search_field, obj)
            except Exception:  # noqa: BLE001
                logger.debug("No %s on %r", search_field.field_name, obj, exc_info=True)
                continue
            text = _SPACE.sub(" ", text_of(value)).strip()
            if text:
                out.append((prefix + search_field.field_name, text))


def indexed_texts(obj, fields=None):
    """[(field path, text)] of the ``SearchField``s of ``obj`` (related fields included, as
    ``author__name``), in declaration order, whitespace collapsed. ``fields`` restricts to
    those names (a path or its first part)."""
    get_fields = getattr(obj, "get_search_fields", None)
    if get_fields is None:
        return []
    out = []
    _walk(obj, get_fields(), "", out)
    if fields is not None:
        wanted = set(fields)
        out = [
            (path, text) for path, text in out if path in wanted or path.split("__")[0] in wanted
        ]
    # The same text indexed twice (e.g. a field declared twice) is shown once.
    seen = set()
    unique = []
    for path, text in out:
        if text not in seen:
            seen.add(text)
            unique.append((path, text))
    return unique


def indexed_text(obj, fields=None):
    """The indexed text of ``obj`` as one string (fields joined by " · ")."""
    return FIELD_SEPARATOR.join(text for _, text in indexed_texts(obj, fields))


def _cut(text, start, end):
    """``text[start:end]`` widened/narrowed to word boundaries, with the ellipses to show."""
    n = len(text)
    if start > 0:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < end else start
    if end < n:
        space = text.rfind(" ", start, end + 1)
        end = space if space > start else end
    return start, end, start > 0, end < n


def render(text, spans=(), start=0, end=None):
    """``text[start:end]`` HTML-escaped, with the (start, end) ``spans`` inside it wrapped in
    ``<mark>``; ellipses where the fragment is cut."""
    end = len(text) if end is None else end
    start, end, before, after = _cut(text, start, end)
    parts = [ELLIPSIS] if before else []
    position = start
    for span_start, span_end in spans:
        if span_start < position or span_end > end:
            continue
        parts.append(escape(text[position:span_start]))
        parts.append("<mark>" + escape(text[span_start:span_end]) + "</mark>")
        position = span_end
    parts.append(escape(text[position:end]))
    if after:
        parts.append(ELLIPSIS)
    return mark_safe("".join(parts).strip())  # noqa: S308 - every piece is escaped above


def excerpt(text, max_chars=DEFAULT_MAX_CHARS):
    """The leading ``max_chars`` of ``text``, escaped, cut at a word boundary."""
    return render(text, (), 0, min(len(text), max_chars))


def best_fragment(text, spans, keys, max_chars=DEFAULT_MAX_CHARS):
    """The escaped fragment of at most ``max_chars`` of ``text`` holding the most distinct
    matched words (``keys[i]`` identifies the word of ``spans[i]``), then the most matches;
    matches marked."""
    if not spans:
        return excerpt(text, max_chars)
    if len(text) <= max_chars:
        return render(text, spans)
    lead = max_chars // 5  # context shown before the first match of the fragment
    spans, keys = spans[:200], keys[:200]
    best = None
    for span_start, _ in spans:
        start = max(0, span_start - lead)
        end = min(len(text), start + max_chars)
        start = max(0, end - max_chars)
        inside = [j for j in range(len(spans)) if spans[j][0] >= start and spans[j][1] <= end]
        score = (len({keys[j] for j in inside}), len(inside), -start)
        if best is None or score > best[0]:
            best = (score, start, end)
    _, start, end = best
    return render(text, spans, start, end)


def highlight(results, obj, fields=None, max_chars=DEFAULT_MAX_CHARS) -> SafeString:
    """Escaped HTML snippet of ``obj`` for ``results`` (see the module docstring)."""
    method = getattr(results, "highlight", None)
    if callable(method):
        try:
            return method(obj, fields=fields, max_chars=max_chars)
        except Exception:  # noqa: BLE001 - a snippet must never break a results page
            logger.exception("Highlighting failed for %r", obj)
    return excerpt(indexed_text(obj, fields), max_chars)


def cached_highlight(results, obj, fields=None, max_chars=DEFAULT_MAX_CHARS):
    """The snippet ``highlight`` would give, if the backend has it built already; else None
    (always None for a backend that keeps none). Lets a caller fetch the rows a snippet
    reads only for the snippets still to be built."""
    method = getattr(results, "cached_highlight", None)
    if callable(method):
        try:
            return method(obj, fields=fields, max_chars=max_chars)
        except Exception:  # noqa: BLE001 - a snippet must never break a results page
            logger.exception("Looking up the snippet of %r failed", obj)
    return None


def suggestion(results, known_elsewhere=None):
    """ "Did you mean" query for ``results``, or None (always None without Whoosh). Words for
    which ``known_elsewhere(word)`` is true are left as they are."""
    method = getattr(results, "suggestion", None)
    if callable(method):
        try:
            if known_elsewhere is None:
                return method()
            return method(known_elsewhere=known_elsewhere)
        except Exception:  # noqa: BLE001
            logger.exception("Spelling suggestion failed")
    return None


def knows_word(results, word):
    """Whether ``word`` occurs in a document ``results`` may contain (False without Whoosh:
    no suggestion is made then anyway)."""
    method = getattr(results, "knows_word", None)
    if callable(method):
        try:
            return method(word)
        except Exception:  # noqa: BLE001
            logger.exception("Word check failed")
    return False
