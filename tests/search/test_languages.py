"""Per-document language: Snowball stemming (PyStemmer) for the document's language, the query
stemmed in the language of a language filter, or English plus unstemmed without one."""

import pytest
from modelsearch.query import Phrase

from portal.models import UpdatePage
from portal.search.analysis import (
    EU_LANGUAGES,
    document_language,
    stem_word,
    stemming_analyzer,
    tokens,
)
from tests.factories import make_update

from .test_whoosh_backend import rebuild

pytestmark = pytest.mark.django_db


@pytest.fixture
def multilingual(backend, monkeypatch):
    # The convention under test: the model names the field that holds the language code.
    # (UpdatePage has no language field; "audience" is a FilterField, so it stands in here.)
    monkeypatch.setattr(UpdatePage, "search_language_field", "audience", raising=False)
    pages = {
        "de": make_update(
            "polizei",
            "Polizeiliche Zusammenarbeit",
            summary="Die Polizeibehörden verfolgen Verdächtige über die Grenze. "
            "Grenzüberschreitende Verfolgungen sind erlaubt.",
        ),
        "fr": make_update(
            "douane",
            "Coopération douanière",
            summary="Les policières coopèrent avec les douanes aux frontières.",
        ),
        "en": make_update(
            "police",
            "Police cooperation",
            summary="Officers pursue suspects across borders.",
            audience="network",
        ),
    }
    # set without validation: the audience field stands in for a language field here
    UpdatePage.objects.filter(slug="polizei").update(audience="de")
    UpdatePage.objects.filter(slug="douane").update(audience="fr")
    rebuild(backend)
    return pages


def slugs(results):
    return sorted(r.slug for r in results)


def test_document_language_convention(monkeypatch):
    page = UpdatePage(audience="de-AT")
    assert document_language(page) == "en"  # no declaration: English
    monkeypatch.setattr(UpdatePage, "search_language_field", "audience", raising=False)
    assert document_language(page) == "de"
    page.audience = ""
    assert document_language(page) == "en"
    monkeypatch.setattr(UpdatePage, "get_search_language", lambda self: "FR", raising=False)
    assert document_language(page) == "fr"


def test_every_eu_language_analyses():
    assert len(EU_LANGUAGES) == 24
    for language in EU_LANGUAGES:
        assert tokens(stemming_analyzer(language), "Kooperation POLICE") != []
    assert stem_word("Verfolgungen", "de") == stem_word("Verfolgung", "de") == "verfolg"
    assert stem_word("policières", "fr") == stem_word("policier", "fr")
    assert stem_word("die", "de") is None  # a German stop word
    assert stem_word("współpraca", "pl") == stem_word("współpracy", "pl") == "wspolprac"


def test_language_filter_stems_the_query_in_that_language(backend, multilingual):
    german = UpdatePage.objects.filter(audience="de")
    # "Verfolgung" and the document's "Verfolgungen" share the German stem "verfolg"
    assert slugs(backend.search("Verfolgung", german)) == ["polizei"]
    assert slugs(backend.search("Polizeibehörde", german)) == ["polizei"]
    french = UpdatePage.objects.filter(audience="fr")
    assert slugs(backend.search("policier douane", french, operator="and")) == ["douane"]
    assert slugs(backend.search("policier", UpdatePage.objects.filter(audience="network"))) == []


def test_without_language_filter_english_and_unstemmed_both_match(backend, multilingual):
    # English stemming doesn't reduce "Verfolgung" to the German stem, and the form isn't in
    # the document: no match; the exact form is found through the unstemmed column.
    assert slugs(backend.search("Verfolgung", UpdatePage)) == []
    assert slugs(backend.search("Verfolgungen", UpdatePage)) == ["polizei"]
    assert slugs(backend.search("douanes", UpdatePage)) == ["douane"]
    assert slugs(backend.search("cooperation", UpdatePage)) == ["douane", "police"]
    # English documents keep English stemming
    assert slugs(backend.search("pursuing suspect", UpdatePage, operator="and")) == ["police"]


def test_phrase_and_highlight_in_the_document_language(backend, multilingual):
    german = UpdatePage.objects.filter(audience="de")
    assert slugs(backend.search(Phrase("grenzüberschreitende Verfolgung"), german)) == ["polizei"]
    results = backend.search("Verfolgung", german)
    html = results.highlight(results[0], fields=["summary"])
    assert "<mark>Verfolgungen</mark>" in html
    assert "<mark>verfolgen</mark>" in html  # the same German stem
    assert "<mark>Grenze</mark>" not in html


def test_fast_analysis_matches_the_whoosh_filter_chains():
    from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer
    from whoosh.support.charset import accent_map

    from portal.search.analysis import LanguageAnalyzer, analyzer_for, plain_analyzer, tag_language

    texts = [
        "Die Polizeibehörden verfolgen Verdächtige über die Grenze, l'État à Paris; ĐŽŠ 3.14 ß",
        "To be or not to be: a b c. Coopération policière transfrontalière, współpracy Łódź",
        "Ελληνική Αστυνομία και συνεργασία. Hot pursuits across the borders at night",
    ]

    def run(analyzer, text, **kwargs):
        return [(t.text, t.pos, t.startchar, t.endchar, t.stopped)
                for t in analyzer(text, positions=True, chars=True, **kwargs)]

    chain = RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)
    for text in texts:
        assert run(plain_analyzer(), text) == run(chain, text)
        for language in EU_LANGUAGES:
            for kwargs in ({}, {"removestops": False}):
                expected = run(stemming_analyzer(language), text, **kwargs)
                assert run(analyzer_for(language), text, **kwargs) == expected
            assert tokens(LanguageAnalyzer(), tag_language(language, text)) == tokens(
                stemming_analyzer(language), text)
