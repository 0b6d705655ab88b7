"""Partial matches: a query whose words no page has all of still finds the pages
with most of them; pages with every word stay on top. Judged set: tests/search/judged.py."""

import pytest

from search import selectors
from tests.factories import user_in
from tests.search.judged import JUDGMENTS, publish_corpus

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus():
    return publish_corpus()


@pytest.fixture
def member():
    return user_in("BE", "officer")


def first_slug(member, q):
    found = selectors.site_search(member, q)
    assert found.results, f"nothing found for {q!r}"
    return found.results[0].object.slug, found


@pytest.mark.parametrize("q", list(JUDGMENTS))
def test_the_judged_answer_comes_first(corpus, member, q):
    best = max(JUDGMENTS[q], key=JUDGMENTS[q].get)
    slug, _found = first_slug(member, q)
    assert slug == best


def test_a_descriptive_sentence_finds_pages_with_most_of_its_words(corpus, member, client):
    q = "which neighbour lets officers continue a pursuit across the border without a time limit"
    slug, found = first_slug(member, q)
    assert (slug, found.partial) == ("hot-pursuit", True)
    client.force_login(member)
    page = client.get("/search/", {"q": q})
    assert page.status_code == 200
    body = client.get("/api/v1/search", {"q": q}).json()
    assert body["partial"] is True
    assert body["results"][0]["title"] == "Hot pursuit across internal borders"


def test_pages_with_every_word_come_before_pages_with_some(corpus, member):
    # "single point of contact languages": only the languages page has every word; several
    # others have "single point of contact".
    found = selectors.site_search(member, "single point contact languages neighbours")
    slugs = [result.object.slug for result in found.results]
    assert slugs[0] == "languages"
    assert found.partial is True
    assert len(slugs) > 1


def test_a_query_every_word_of_which_is_found_stays_exact(corpus, member):
    found = selectors.site_search(member, "hot pursuit")
    assert found.partial is False
    assert [r.object.slug for r in found.results] == ["hot-pursuit"]


def test_a_quoted_phrase_is_never_widened(corpus, member):
    found = selectors.site_search(member, '"pursuit without permission"')
    assert (found.total, found.partial) == (0, False)
