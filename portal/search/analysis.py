"""Text analysis for the Whoosh backend: tokenising, lower-casing, accent folding, stop words
and stemming. Whoosh analyzers are pickled into the index schema, so everything here is built
from Whoosh's own (picklable) components."""

from whoosh.analysis import (
    CharsetFilter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.support.charset import accent_map

DEFAULT_LANGUAGE = "en"


def stemming_analyzer(language=DEFAULT_LANGUAGE):
    """Words, lower-cased, accents folded, stop words dropped (positions renumbered so phrases
    still match), stemmed. Used for the ranked full-text fields."""
    return (
        RegexTokenizer()
        | LowercaseFilter()
        | CharsetFilter(accent_map)
        | StopFilter(lang=language)
        | StemFilter(lang=language)
    )


def plain_analyzer():
    """Words, lower-cased, accents folded; no stop words, no stemming. Used for the parallel
    unstemmed field (typo tolerance, suggestions, queries made only of stop words) and for
    autocomplete (prefixes of stemmed words do not match what people type)."""
    return RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)


def tokens(analyzer, text):
    """The terms ``analyzer`` produces for ``text``, as a list, in order."""
    return [token.text for token in analyzer(str(text))]
