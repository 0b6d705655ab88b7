"""Snippets (escaped HTML with <mark>) and "did you mean" suggestions on search results, and
the backend-independent helpers in portal.search."""

import pytest
from django.utils.safestring import SafeString
from modelsearch.backends import get_search_backend
from modelsearch.query import Fuzzy

from portal import search as portal_search
from portal.models import UpdatePage
from tests.factories import make_update

from .test_whoosh_backend import rebuild

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(backend):
    pages = {
        "police": make_update(
            "police",
            "Police cooperation in the border regions",
            summary="Joint patrols and hot pursuit: police cooperation with the neighbours.",
            body="<p>The SIRENE bureau answers at night. " + "Filler words here. " * 30
            + "Coopération policière across the border.</p>",
        ),
        "script": make_update(
            "script",
            "Escaping <script>alert('x')</script> & friends",
            summary="A summary mentioning <b>markup</b> and the customs office.",
        ),
        "customs": make_update(
            "customs",
            "Customs cooperation",
            summary="Customs officers exchange information at night.",
        ),
    }
    rebuild(backend)
    return pages


def test_highlight_escapes_user_visible_text(backend, corpus):
    results = backend.search("customs", UpdatePage)
    page = next(r for r in results if r.slug == "script")
    html = results.highlight(page)
    assert isinstance(html, SafeString)
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; friends" in html
    assert "<mark>customs</mark>" in html
    assert html.replace("<mark>", "").replace("</mark>", "").count("<") == 0


def test_highlight_marks_stemmed_and_accented_matches(backend, corpus):
    results = backend.search("cooperating borders", UpdatePage, operator="and")
    page = results[0]
    html = results.highlight(page, fields=["body"])
    assert "<mark>Coopération</mark>" in html
    assert "<mark>border</mark>" in html
    # the fragment around the matches, cut with an ellipsis, not the leading text
    assert html.startswith("…")
    assert len(html.replace("<mark>", "").replace("</mark>", "")) <= 242
    full = results.highlight(page, fields=["title"])
    assert str(full) == "Police <mark>cooperation</mark> in the <mark>border</mark> regions"


def test_highlight_without_match_is_an_escaped_leading_excerpt(backend, corpus):
    results = backend.search("customs", UpdatePage)
    page = UpdatePage.objects.get(slug="police")
    html = results.highlight(page, max_chars=40)
    assert "<mark>" not in html
    assert html.startswith("Police cooperation in the border")
    assert html.endswith("…")


def test_highlight_fuzzy_and_autocomplete(backend, corpus):


    results = backend.search(Fuzzy("custms"), UpdatePage)
    page = next(r for r in results if r.slug == "customs")
    assert "<mark>Customs</mark>" in results.highlight(page, fields=["title"])
    results = backend.autocomplete("cust", UpdatePage)
    page = next(r for r in results if r.slug == "customs")
    assert "<mark>Customs</mark>" in results.highlight(page, fields=["title"])


def test_suggestion_corrects_unknown_words(backend, corpus):
    results = backend.search("polise cooperaton", UpdatePage)
    assert results.suggestion() == "police cooperation"
    assert backend.search("Police cooperation", UpdatePage).suggestion() is None
    assert backend.search("police xqzvwk", UpdatePage).suggestion() is None  # nothing close
    assert backend.search("customs polise", UpdatePage).suggestion() == "customs police"


def test_module_helpers_use_the_results_methods(backend, corpus):
    results = backend.search("polise cooperaton", UpdatePage)
    assert portal_search.suggestion(results) == "police cooperation"
    results = backend.search("customs", UpdatePage)
    page = results[0]
    assert "<mark>" in portal_search.highlight(results, page)


def test_module_helpers_fall_back_without_whoosh(corpus):
    database = get_search_backend("modelsearch.backends.database")
    results = database.search("customs", UpdatePage)
    page = UpdatePage.objects.get(slug="script")
    html = portal_search.highlight(results, page, max_chars=60)
    assert isinstance(html, SafeString)
    assert html.startswith("Escaping &lt;script&gt;")
    assert "<mark>" not in html
    assert portal_search.suggestion(results) is None
    assert portal_search.suggestion(UpdatePage.objects.all()) is None
    assert portal_search.highlight(UpdatePage.objects.all(), page).startswith("Escaping &lt;")


def test_model_objects_search_results_have_the_api():
    make_update("night", "Night contacts", summary="Who answers at night.")
    rebuild(get_search_backend())
    results = UpdatePage.objects.search("nigth contacts")
    assert results.suggestion() == "night contacts"
    results = UpdatePage.objects.search("night")
    assert "<mark>Night</mark>" in results.highlight(results[0], fields=["title"])


def test_a_snippet_is_built_once_while_the_index_is_unchanged(backend, corpus, monkeypatch):
    built = []
    real = portal_search.results_api.indexed_text

    def counting(obj, fields=None):
        built.append(obj.pk)
        return real(obj, fields)

    monkeypatch.setattr(portal_search.results_api, "indexed_text", counting)
    first = backend.search("customs", UpdatePage)
    page = next(r for r in first if r.slug == "customs")
    html = first.highlight(page)
    # A second search with the same words (another request, another user) reuses it.
    again = backend.search("customs", UpdatePage)
    assert again.highlight(next(r for r in again if r.slug == "customs")) == html
    assert built == [page.pk]
    # Other words are another snippet.
    night = backend.search("night", UpdatePage)
    assert "<mark>night</mark>" in night.highlight(next(r for r in night if r.slug == "customs"))
    assert built == [page.pk, page.pk]


def test_an_edited_page_gets_a_new_snippet_once_it_is_indexed_again(backend, corpus):
    results = backend.search("customs", UpdatePage)
    page = next(r for r in results if r.slug == "customs")
    assert "exchange information" in results.highlight(page)
    page.summary = "Customs officers share passenger lists."
    page.save_revision().publish()
    backend.add(UpdatePage.objects.get(pk=page.pk))
    results = backend.search("customs", UpdatePage)
    html = results.highlight(next(r for r in results if r.slug == "customs"))
    assert "passenger lists" in html and "exchange information" not in html
