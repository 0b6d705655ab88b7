"""Text analysis for the Whoosh backend: tokenising, lower-casing, accent folding, stop words
and stemming, per document language. Whoosh analyzers are pickled into the index schema, so
everything stored there is built from Whoosh's own components or from the module-level classes
below, which keep no unpicklable state.

Languages (ISO 639-1 codes; see docs/search.md, "Languages"):

- ``en`` (the default): Whoosh's Porter stemmer and English stop words, on accent-folded words
  (unchanged from the first version of the index).
- the other EU languages with a Snowball stemmer, through PyStemmer: lower-cased, that
  language's stop words where Whoosh has a list, stemmed, then accent-folded (the Snowball
  algorithms expect accents).
- EU languages without a Snowball stemmer (Bulgarian, Latvian, Maltese, Slovak, Slovenian) and
  unknown codes: lower-cased and accent-folded, not stemmed.

A document's language travels in its text: ``tag_language("de", text)`` prefixes the text with
``\\x02de\\x03``, and ``LanguageAnalyzer`` (the analyzer of the stemmed columns) reads the tag and
analyses the rest in that language. Text without a tag is English.
"""

import functools
import re

from whoosh.analysis import (
    Analyzer,
    CharsetFilter,
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
    Token,
)
from whoosh.analysis.filters import STOP_WORDS
from whoosh.lang import has_stopwords
from whoosh.support.charset import accent_map

DEFAULT_LANGUAGE = "en"

# ISO 639-1 code -> Snowball algorithm of PyStemmer, for the 24 official EU languages.
SNOWBALL = {
    "cs": "czech",
    "da": "danish",
    "de": "german",
    "el": "greek",
    "es": "spanish",
    "et": "estonian",
    "fi": "finnish",
    "fr": "french",
    "ga": "irish",
    "hr": "serbian",  # Snowball's Serbian algorithm handles Croatian's Latin script
    "hu": "hungarian",
    "it": "italian",
    "lt": "lithuanian",
    "nl": "dutch",
    "pl": "polish",
    "pt": "portuguese",
    "ro": "romanian",
    "sv": "swedish",
}
EU_LANGUAGES = sorted({*SNOWBALL, "en", "bg", "lv", "mt", "sk", "sl"})

TAG_START = "\x02"
TAG_END = "\x03"
_TAG = re.compile(r"\x02([a-z]{2,3})\x03")


def normalise_language(code):
    """``"de-AT"``, ``"DE"``, ``"de_at"`` -> ``"de"``; None or empty -> None."""
    if not code:
        return None
    return re.split(r"[-_]", str(code).strip().lower(), maxsplit=1)[0] or None


def document_language(obj):
    """The ISO 639-1 code of ``obj``'s language. Convention: a model declares it with a method
    ``get_search_language()`` or an attribute ``search_language_field = "<field name>"`` naming
    a field that holds the code; otherwise (or when empty) English."""
    method = getattr(obj, "get_search_language", None)
    if callable(method):
        code = method()
    else:
        field = getattr(obj, "search_language_field", None)
        code = getattr(obj, field, None) if field else None
    return normalise_language(code) or DEFAULT_LANGUAGE


def tag_language(language, text):
    """``text`` marked with its language for ``LanguageAnalyzer`` (English is not marked)."""
    language = normalise_language(language) or DEFAULT_LANGUAGE
    if language == DEFAULT_LANGUAGE or not text:
        return text
    return f"{TAG_START}{language}{TAG_END}{text}"


class SnowballStemFilter(Filter):
    """Stems tokens with PyStemmer's Snowball algorithm ``algorithm`` (the stemmer object is
    created on first use and not pickled)."""

    def __init__(self, algorithm):
        self.algorithm = algorithm
        self._stem = None

    def __getstate__(self):
        return {"algorithm": self.algorithm, "_stem": None}

    def __eq__(self, other):
        return type(other) is type(self) and other.algorithm == self.algorithm

    def __call__(self, tokens):
        stem = self._stem
        if stem is None:
            import Stemmer

            stemmer = Stemmer.Stemmer(self.algorithm)
            stemmer.maxCacheSize = 50000
            stem = self._stem = stemmer.stemWord
        for token in tokens:
            if not token.stopped:
                token.text = stem(token.text)
            yield token


def stemming_analyzer(language=DEFAULT_LANGUAGE):
    """Words, lower-cased, accents folded, stop words dropped (positions renumbered so phrases
    still match), stemmed, for one language. Used (through LanguageAnalyzer) for the ranked
    full-text fields and for queries."""
    language = normalise_language(language) or DEFAULT_LANGUAGE
    if language == DEFAULT_LANGUAGE:
        return (
            RegexTokenizer()
            | LowercaseFilter()
            | CharsetFilter(accent_map)
            | StopFilter(lang="en")
            | StemFilter(lang="en")
        )
    analyzer = RegexTokenizer() | LowercaseFilter()
    if has_stopwords(language):
        analyzer = analyzer | StopFilter(lang=language)
    if language in SNOWBALL:
        analyzer = analyzer | SnowballStemFilter(SNOWBALL[language])
    return analyzer | CharsetFilter(accent_map)


_WORD = re.compile(r"\w+(\.?\w+)*", re.UNICODE)  # RegexTokenizer's default expression
_CACHE_SIZE = 200_000


class _Pipeline:
    """``stemming_analyzer(language)`` (or, with ``stem=False``, ``plain_analyzer()``) for one
    word at a time, cached: the term a word becomes, or None for a stop word. Same output as
    the Whoosh filter chains, several times faster (indexing spends most of its time here)."""

    def __init__(self, language, stem=True):
        self.language = language
        self.cache = {}
        self.stops = frozenset()
        self.minsize = 0
        self.stem = None
        self.fold_first = True
        if not stem:
            return
        if language == DEFAULT_LANGUAGE:
            from whoosh.lang import stemmer_for_language, stopwords_for_language

            self.stops = STOP_WORDS | frozenset(stopwords_for_language("en"))
            self.minsize = 2
            self.stem = stemmer_for_language("en")
            return
        from whoosh.lang import stopwords_for_language

        self.fold_first = False
        if has_stopwords(language):
            # as Whoosh's StopFilter(lang=...): its English list plus the language's
            self.stops = STOP_WORDS | frozenset(stopwords_for_language(language))
            self.minsize = 2
        if language in SNOWBALL:
            import Stemmer

            self.stem = Stemmer.Stemmer(SNOWBALL[language]).stemWord

    def term(self, word):
        try:
            return self.cache[word]
        except KeyError:
            pass
        text = word.lower()
        if self.fold_first:
            text = text.translate(accent_map)
        if len(text) < self.minsize or text in self.stops:
            result = None
        else:
            if self.stem is not None:
                text = self.stem(text)
            if not self.fold_first:
                text = text.translate(accent_map)
            result = text
        if len(self.cache) > _CACHE_SIZE:
            self.cache.clear()
        self.cache[word] = result
        return result

    def tokens(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        term = self.term
        if not tokenize:
            token.original = token.text = value
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar = start_char
                token.endchar = start_char + len(value)
            yield token
            return
        pos = None
        for i, match in enumerate(_WORD.finditer(value)):
            word = match.group(0)
            text = term(word)
            if text is None:
                if removestops:
                    continue
                token.stopped = True
                token.text = word.lower().translate(accent_map)
                if positions:
                    token.pos = start_pos + i
            else:
                token.stopped = False
                token.text = text
                if positions:
                    pos = start_pos + i if pos is None else pos + 1
                    token.pos = pos
            token.boost = 1.0
            if keeporiginal:
                token.original = word
            if chars:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            yield token


@functools.lru_cache(maxsize=64)
def _pipeline(language, stem=True):
    return _Pipeline(language, stem)


class FastAnalyzer(Analyzer):
    """The analysis of ``stemming_analyzer(language)`` (``language`` None: of
    ``plain_analyzer()``) in one pass; see ``_Pipeline``."""

    def __init__(self, language=None):
        self.language = language

    def __eq__(self, other):
        return type(other) is type(self) and other.language == self.language

    def __call__(self, value, **kwargs):
        if self.language is None:
            return _pipeline(None, False).tokens(value, **kwargs)
        return _pipeline(self.language).tokens(value, **kwargs)


@functools.lru_cache(maxsize=64)
def analyzer_for(language):
    return FastAnalyzer(normalise_language(language) or DEFAULT_LANGUAGE)


class LanguageAnalyzer(Analyzer):
    """The analyzer of the stemmed columns: text tagged by ``tag_language`` is analysed in its
    language, untagged text in English."""

    def __eq__(self, other):
        return type(other) is type(self)

    def __call__(self, value, **kwargs):
        language = DEFAULT_LANGUAGE
        if value.startswith(TAG_START):
            match = _TAG.match(value)
            if match:
                language = match.group(1)
                value = value[match.end() :]
        return _pipeline(language).tokens(value, **kwargs)


def plain_analyzer():
    """Words, lower-cased, accents folded; no stop words, no stemming. Used for the parallel
    unstemmed field (typo tolerance, suggestions, queries made only of stop words) and for
    autocomplete (prefixes of stemmed words do not match what people type). The same output as
    ``RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)``, faster."""
    return FastAnalyzer(None)


def tokens(analyzer, text):
    """The terms ``analyzer`` produces for ``text``, as a list, in order."""
    return [token.text for token in analyzer(str(text))]


@functools.lru_cache(maxsize=100_000)
def stem_word(word, language=DEFAULT_LANGUAGE):
    """The stemmed form of one ``word`` (as typed or written) as the stemmed columns index it
    in ``language``, or None for a stop word."""
    found = tokens(analyzer_for(normalise_language(language) or DEFAULT_LANGUAGE), word)
    return found[0] if found else None


_PLAIN = plain_analyzer()


WORD_PATTERN = _WORD


def plain_term(word):
    """One word (as matched by ``WORD_PATTERN``) as the unstemmed columns index it."""
    return _pipeline(None, False).term(word)


def word_spans(text):
    """[(start, end, word)] of the words of ``text`` as the unstemmed columns index them."""
    return [(t.startchar, t.endchar, t.text) for t in _PLAIN(text, chars=True)]
