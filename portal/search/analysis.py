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
)
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


@functools.lru_cache(maxsize=64)
def analyzer_for(language):
    return stemming_analyzer(language)


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
                value = value[match.end():]
        return analyzer_for(language)(value, **kwargs)


def plain_analyzer():
    """Words, lower-cased, accents folded; no stop words, no stemming. Used for the parallel
    unstemmed field (typo tolerance, suggestions, queries made only of stop words) and for
    autocomplete (prefixes of stemmed words do not match what people type)."""
    return RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)


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


def word_spans(text):
    """[(start, end, word)] of the words of ``text`` as the unstemmed columns index them."""
    return [(t.startchar, t.endchar, t.text) for t in _PLAIN(text, chars=True)]
