""" "Did you mean" and autocomplete come only from what the user may see, within
abuse limits: a minimum autocomplete prefix, a cap on corrected words and one time budget for
the whole search."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import PageViewRestriction

from search import selectors
from tests.factories import make_update, user_in
from tests.helpers import soup_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def insiders():
    return Group.objects.create(name="Insiders")


@pytest.fixture
def outsider():
    return user_in("BE", "officer")


@pytest.fixture
def insider(insiders):
    user = user_in("DE", "officer")
    user.groups.add(insiders)
    return user


@pytest.fixture
def hidden_words(insiders):
    """'Marrakesh' only in a page restricted to a group, 'Valletta' only in a draft;
    'pursuit' in a page everyone sees."""
    make_update("pursuit", "Hot pursuit across borders", body="<p>Cross-border pursuit.</p>")
    restricted = make_update(
        "restricted", "Operation Marrakesh briefing", body="<p>Marrakesh liaison plan.</p>"
    )
    restriction = PageViewRestriction.objects.create(
        page=restricted, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(insiders)
    make_update("draft", "Valletta arrangements", body="<p>Valletta draft.</p>", live=False)


def test_word_only_in_a_restricted_page_is_never_suggested_to_outsiders(
    hidden_words, outsider, insider
):
    assert selectors.site_search(outsider, "marakesh").suggestion is None
    assert selectors.site_search(insider, "marakesh").suggestion == "marrakesh"


def test_word_only_in_a_draft_is_never_suggested(hidden_words, outsider, insider):
    assert selectors.site_search(outsider, "valleta").suggestion is None
    assert selectors.site_search(insider, "valleta").suggestion is None


def test_visible_words_are_still_suggested(hidden_words, outsider, client):
    assert selectors.site_search(outsider, "pursiut").suggestion == "pursuit"
    client.force_login(outsider)
    response = client.get("/api/v1/search", {"q": "marakesh"})
    assert response.status_code == 200
    assert response.json()["suggestion"] is None


def test_autocomplete_offers_only_titles_the_user_may_open(hidden_words, outsider, insider):
    def titles(user, prefix):
        return [s["title"] for s in selectors.autocomplete(user, prefix)]

    assert titles(outsider, "Operation") == []
    assert titles(insider, "Operation") == ["Operation Marrakesh briefing"]
    assert titles(insider, "Vallet") == []


def test_autocomplete_needs_a_prefix_of_two_characters(hidden_words, outsider, client):
    assert selectors.autocomplete(outsider, "h") == []
    assert "Hot pursuit across borders" in [
        s["title"] for s in selectors.autocomplete(outsider, "ho")
    ]
    client.force_login(outsider)
    response = client.get("/api/v1/search/autocomplete", {"q": "h"})
    assert response.status_code == 200
    assert response.json()["suggestions"] == []


def test_at_most_three_words_are_spelling_corrected(outsider):
    make_update(
        "words",
        "Liaison officers exchange",
        body="<p>liaison officers exchange information between police services</p>",
    )
    suggested = selectors.site_search(
        outsider, "liason oficers exchnage infromation polise"
    ).suggestion
    assert suggested is not None
    corrected = [
        typed != word
        for typed, word in zip(
            "liason oficers exchnage infromation polise".split(), suggested.split(), strict=True
        )
    ]
    assert sum(corrected) == 3


def test_the_time_budget_covers_the_whole_search(settings, hidden_words, outsider, client):
    settings.PORTAL_SEARCH_TIME_BUDGET_SECONDS = 1e-9
    found = selectors.site_search(outsider, "pursiut")
    assert found.incomplete is True
    assert found.suggestion is None  # no time left for it
    client.force_login(outsider)
    page = soup_of(client.get("/search/", {"q": "pursuit"}))
    assert page.select_one(".search-incomplete") is not None
    assert client.get("/api/v1/search", {"q": "pursuit"}).json()["incomplete"] is True


def test_within_the_budget_the_search_is_complete(hidden_words, outsider):
    found = selectors.site_search(outsider, "pursuit")
    assert (found.total, found.incomplete) == (1, False)
