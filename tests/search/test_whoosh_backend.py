"""The Whoosh search backend (portal.search.backends.whoosh) on the portal's own models:
Wagtail pages with model inheritance, Presidency updates with their filter fields."""

import datetime
import shutil

import pytest
from modelsearch.backends import get_search_backend
from modelsearch.index import get_indexed_models
from modelsearch.query import Fuzzy, Phrase, PlainText
from wagtail.models import Page
from whoosh import query as wq
from whoosh.index import LockError

from portal.models import UpdateIndexPage, UpdatePage
from tests.factories import make_update

pytestmark = pytest.mark.django_db

BACKEND = "portal.search.backends.whoosh"


def rebuild(backend):
    """What `update_index` does: every index rebuilt into a new generation, then swapped in."""
    done = set()
    for model in get_indexed_models():
        index = backend.get_index_for_model(model)
        if index.get_key() in done:
            continue
        done.add(index.get_key())
        rebuilder = backend.rebuilder_class(index)
        new_index = rebuilder.start()
        for indexed in index.models():
            new_index.add_items(indexed, indexed.get_indexed_objects().order_by("pk"))
        rebuilder.finish()



@pytest.fixture
def backend(tmp_path):
    return get_search_backend(BACKEND, PATH=tmp_path / "index", LOCK_TIMEOUT=0.5)


@pytest.fixture
def updates(backend):
    pages = {
        "dublin": make_update(
            "dublin",
            "Meeting in Dublin",
            summary="Hot pursuit without time limit, agreed with the neighbours.",
            body="<p>Coopération policière across the border, night contacts.</p>",
            date=datetime.date(2026, 10, 12),
        ),
        "ixim": make_update(
            "ixim",
            "Report to IXIM",
            summary="To be or not to be: the SIRENE bureau answers at night.",
            date=datetime.date(2025, 7, 2),
            audience="dapix",
        ),
        "country": make_update(
            "country",
            "Country fact sheets",
            summary="Each country keeps its fact sheet current.",
            date=datetime.date(2026, 3, 5),
        ),
    }
    rebuild(backend)
    return pages


def titles(results):
    return sorted(r.title for r in results)


def test_search_on_page_finds_every_page_type_and_a_subclass_only_its_own(backend, updates):
    # "cooperation" is only in UpdatePage.body, a field of the subclass
    assert titles(backend.search("cooperation", Page)) == ["Meeting in Dublin"]
    assert titles(backend.search("cooperation", UpdatePage)) == ["Meeting in Dublin"]
    assert titles(backend.search("cooperation", UpdateIndexPage)) == []
    results = backend.search("updates", Page)  # the title of the UpdateIndexPage
    assert [type(r) for r in results] == [Page]


def test_english_stemming_and_accent_folding(backend, updates):
    assert titles(backend.search("Cooperation BORDERS", UpdatePage, operator="and")) == [
        "Meeting in Dublin"
    ]
    assert titles(backend.search("pursuits", UpdatePage)) == ["Meeting in Dublin"]
    assert titles(backend.search("bord", UpdatePage)) == []  # whole words, not prefixes


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("country:BE", ["Country fact sheets"]),  # the words "country" and "be"
        ("AND OR NOT", ["Report to IXIM"]),  # stop words only: searched unstemmed
        ('an "unbalanced quote', []),
        ("*", []),
        ("(", []),
        (")", []),
        ("title:(x OR", []),
        ("~^+-!", []),
    ],
)
def test_query_syntax_is_searched_as_text_never_an_error(backend, updates, text, found):
    results = backend.search(text, UpdatePage)
    assert titles(results) == found
    assert results.count() == len(found)


def test_query_syntax_words_still_match(backend, updates):
    assert titles(backend.search("country:BE", UpdatePage)) == ["Country fact sheets"]
    # only stop words: searched unstemmed instead of returning nothing
    assert titles(backend.search("or not", UpdatePage, operator="and")) == ["Report to IXIM"]


def test_filters_are_pushed_down_into_whoosh(backend, updates):
    queryset = UpdatePage.objects.filter(date__gte=datetime.date(2026, 1, 1), audience="network")
    results = backend.search("night", queryset)
    assert titles(results) == ["Meeting in Dublin"]
    _text, restriction = results.query_compiler.build(backend)
    pushed = list(restriction.leaves())
    assert any(isinstance(q, wq.NumericRange) and q.fieldname == "f_date" for q in pushed)
    assert wq.Term("f_audience", "network") in pushed

    assert titles(backend.search("night", UpdatePage.objects.filter(date__year=2025))) == [
        "Report to IXIM"
    ]
    assert titles(backend.search("night", UpdatePage.objects.filter(audience__in=[]))) == []
    assert titles(backend.search("night", Page.objects.live())) == [
        "Meeting in Dublin",
        "Report to IXIM",
    ]


def test_counts_scores_ordering_and_facets(backend, updates):
    results = backend.search("night", UpdatePage).annotate_score("_score")
    assert results.count() == 2
    assert all(isinstance(r._score, float) and r._score > 0 for r in results)

    ordered = backend.search(
        "night", UpdatePage.objects.order_by("date"), order_by_relevance=False
    )
    assert [r.title for r in ordered] == ["Report to IXIM", "Meeting in Dublin"]

    facets = backend.search(PlainText("night") | PlainText("country"), UpdatePage).facet(
        "audience"
    )
    assert dict(facets) == {"network": 2, "dapix": 1}


def test_boost_on_title(backend, updates):
    # "sheet" is in the title (and summary) of one page, which ranks first for "sheet night"
    results = backend.search("sheet night", UpdatePage, operator="or")
    assert results[0].title == "Country fact sheets"


def test_autocomplete_phrase_and_typo_tolerance(backend, updates):
    assert titles(backend.autocomplete("Dubl", Page)) == ["Meeting in Dublin"]
    assert titles(backend.search(Phrase("hot pursuit"), UpdatePage)) == ["Meeting in Dublin"]
    assert titles(backend.search(Phrase("pursuit hot"), UpdatePage)) == []
    assert titles(backend.search(Fuzzy("dubln"), UpdatePage)) == ["Meeting in Dublin"]


def test_index_follows_adds_and_deletes(backend, updates):
    page = make_update("vienna", "Workshop in Vienna")
    backend.add(page)
    assert titles(backend.search("vienna", Page)) == ["Workshop in Vienna"]
    backend.delete(page)
    assert titles(backend.search("vienna", Page)) == []


def test_a_missing_index_is_detected_and_rebuilt(backend, updates):
    index = backend.get_index_for_model(Page)
    shutil.rmtree(index.directory)
    other = get_search_backend(BACKEND, PATH=backend.path)  # a fresh process, say
    assert titles(other.search("cooperation", Page)) == ["Meeting in Dublin"]


def test_an_unreadable_index_is_detected_and_rebuilt(backend, updates):
    index = backend.get_index_for_model(Page)
    generation = index.directory / index.current_generation()
    for item in generation.iterdir():
        item.write_bytes(b"garbage")
    backend.forget(generation)
    assert titles(backend.search("cooperation", Page)) == ["Meeting in Dublin"]
    assert index.current_generation() != generation.name


def test_rebuild_builds_a_new_generation_and_swaps_it_in(backend, updates):
    index = backend.get_index_for_model(Page)
    before = index.current_generation()
    rebuilder = backend.rebuilder_class(index)
    new_index = rebuilder.start()
    new_index.add_items(UpdatePage, UpdatePage.objects.all())
    # searches keep using the live generation while the new one is being built
    assert titles(backend.search("cooperation", Page)) == ["Meeting in Dublin"]
    rebuilder.finish()
    assert index.current_generation() != before
    assert not (index.directory / before).exists()
    assert titles(backend.search("cooperation", Page)) == ["Meeting in Dublin"]


def test_writes_take_the_index_lock_with_a_timeout(backend, updates):
    index = backend.get_index_for_model(Page)
    held = index.open().writer()
    try:
        with pytest.raises(LockError):
            backend.add(updates["dublin"])
    finally:
        held.cancel()
    backend.add(updates["dublin"])  # fine once the lock is free


def test_filters_that_allow_nothing_find_nothing_with_a_reused_searcher(backend, updates):
    queryset = UpdatePage.objects.filter(audience="network")
    assert backend.search("night", queryset).count() == 1
    nothing = queryset.filter(audience="dapix")
    for _ in range(2):  # the second time the restriction comes from the searcher's cache
        results = backend.search("night", nothing)
        assert results.count() == 0
        assert list(results) == []
        assert results.facet("audience") == {}
