"""Search results: running a query restricted to the database's answer, counts, highlights,
"did you mean" suggestions and facets.
"""

import contextlib
import json
import logging
import threading
import time
from collections import Counter, OrderedDict

from modelsearch.backends.base import (
    BaseSearchResults,
    FilterFieldError,
)
from modelsearch.query import Boost, Fuzzy, Phrase, PlainText
from whoosh import query as wq
from whoosh.collectors import FilterCollector
from whoosh.searching import TimeLimit

from portal.search import budget_spent, remaining_time, results_api
from portal.search.analysis import (
    DEFAULT_LANGUAGE,
    WORD_PATTERN,
    document_language,
    plain_term,
    stem_word,
    word_spans,
)
from portal.search.backends.whoosh.schema import ID_FIELD, PLAIN_FIELD, VALUES_FIELD, filter_column

logger = logging.getLogger(__name__)

# Highlighting: per set of query terms, what each word of the text matches (see _word_keys).
WORD_KEY_MEMOS = 256
WORD_KEY_MEMO_SIZE = 50_000
_WORD_KEYS = OrderedDict()
_WORD_KEYS_LOCK = threading.Lock()

MAX_CORRECTED_WORDS = 3  # "did you mean" corrects at most this many words of one query
SUGGESTION_CANDIDATES = 10  # close words tried per word, the first visible one wins
RANKED_RUNS_CACHED = 32  # collected queries kept per searcher (see WhooshSearchResults._ranked)
SNIPPETS_CACHED = 2_000  # snippets kept per searcher (see WhooshSearchResults.highlight)
STORED_FIELDS_CACHED = 500_000  # documents whose pk and filter values a searcher keeps


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
        (stem and accent aware) in ``<mark>``; a leading excerpt when nothing matches.

        Kept on this thread's searcher, so only while the index is unchanged: an edit that
        changes the text re-indexes the object and so opens a new searcher. The fragment
        depends on the object and the query terms only, never on who asks (the results it
        is shown in are already scoped to the user)."""
        key = self._snippet_key(obj, fields, max_chars)
        with self._searcher() as searcher:
            snippets = searcher.__dict__.setdefault("_portal_snippets", OrderedDict())
            snippet = snippets.get(key)
            if snippet is not None:
                snippets.move_to_end(key)
                return snippet
            snippet = snippets[key] = self._fragment(obj, fields, max_chars)
            while len(snippets) > SNIPPETS_CACHED:
                snippets.popitem(last=False)
        return snippet

    def cached_highlight(self, obj, fields=None, max_chars=results_api.DEFAULT_MAX_CHARS):
        """The snippet ``highlight`` would give if it is already built, else None."""
        key = self._snippet_key(obj, fields, max_chars)
        with self._searcher() as searcher:
            return searcher.__dict__.get("_portal_snippets", {}).get(key)

    def _snippet_key(self, obj, fields, max_chars):
        stems, words, prefixes = self._highlight_terms()
        return (
            obj._meta.label,
            str(obj.pk),
            frozenset(stems),
            frozenset(words),
            frozenset(prefixes),
            tuple(fields) if fields is not None else None,
            max_chars,
        )

    def _fragment(self, obj, fields, max_chars):
        text = results_api.indexed_text(obj, fields)
        languages = tuple(dict.fromkeys([document_language(obj), DEFAULT_LANGUAGE]))
        key_of = self._word_keys(languages)
        spans, keys = [], []
        for match in WORD_PATTERN.finditer(text):
            word = match.group(0)
            try:
                key = key_of[word]
            except KeyError:
                key = key_of[word] = self._word_key(word, languages)
            if key is not None:
                spans.append(match.span())
                keys.append(key)
        return results_api.best_fragment(text, spans, keys, max_chars)

    def _word_keys(self, languages):
        """{word as written: the query term it matches, or None} for these query terms and
        languages, shared by every snippet of every results page with the same terms in this
        process (a page's snippets share most of their words, and the same queries recur)."""
        stems, words, prefixes = self._highlight_terms()
        key = (frozenset(stems), frozenset(words), frozenset(prefixes), languages)
        with _WORD_KEYS_LOCK:
            memo = _WORD_KEYS.get(key)
            if memo is None:
                memo = _WORD_KEYS[key] = {}
                while len(_WORD_KEYS) > WORD_KEY_MEMOS:
                    _WORD_KEYS.popitem(last=False)
            else:
                _WORD_KEYS.move_to_end(key)
        if len(memo) > WORD_KEY_MEMO_SIZE:
            memo.clear()
        return memo

    def _word_key(self, word, languages):
        stems, words, prefixes = self._highlight_terms()
        plain = plain_term(word)
        if plain is None:
            return None
        if plain in words or any(plain.startswith(p) for p in prefixes):
            return plain
        for language in languages:
            stem = stem_word(word, language)
            if stem is not None and stem in stems:
                return stem
        return None

    def knows_word(self, word):
        """Whether ``word`` (as the unstemmed column indexes it) occurs in a document these
        results may contain."""
        with self._searcher() as searcher:
            _text, restriction = self._query()
            return _word_in_allowed_docs(
                searcher.reader(), word, _allowed_docs(searcher, restriction)
            )

    def suggestion(self, known_elsewhere=None):
        """The query with each word unknown to the documents these results may contain
        replaced by the closest word that those documents do contain (unstemmed column,
        Whoosh's corrector), or None when every word is known or has no close word. A word
        for which ``known_elsewhere(word)`` is true (another source of the same search has
        it) is not corrected. At most MAX_CORRECTED_WORDS words are corrected; none once the
        search's time budget is spent."""
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
                if known_elsewhere is not None and known_elsewhere(word):
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
