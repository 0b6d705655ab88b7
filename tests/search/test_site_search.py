"""Site search (/search/ and the selector search.selectors): what a user may see, facets,
highlights, pagination, hostile input, the query log and promoted results, query counts."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from wagtail import hooks
from wagtail.contrib.search_promotions.models import Query, SearchPromotion
from wagtail.models import PageViewRestriction

from cases.models import Case
from portal.models import UpdateIndexPage, UpdatePage
from search import selectors, sources
from tests.factories import make_update, user_in

pytestmark = pytest.mark.django_db

HOSTILE = ["country:BE", "AND OR NOT", '"', "*", "(", "x" * 2000, "a\x00b", "   ", "<script>"]


@pytest.fixture
def updates():
    return {
        "pursuit": make_update(
            "hot-pursuit",
            "Hot pursuit across borders",
            summary="Which neighbour allows a hot pursuit without time limit.",
            body="<p>Cross-border <b>pursuit</b> rules agreed in Dublin.</p>",
        ),
        "sirene": make_update(
            "sirene",
            "SIRENE night contacts",
            summary="Who answers at night at the SIRENE bureau.",
            audience="dapix",
        ),
        "draft": make_update("draft-pursuit", "Draft on pursuit", live=False),
    }


@pytest.fixture
def member(client):
    user = user_in("BE", "officer")
    client.force_login(user)
    return user


def soup_of(response):
    return BeautifulSoup(response.content, "html.parser")


def result_titles(response):
    return [h.get_text(strip=True) for h in soup_of(response).select(".search-result h3")]


# --- The selector -----------------------------------------------------------------------


def test_finds_live_pages_only(updates, member):
    found = selectors.site_search(member, "pursuit")
    assert [r.title for r in found.results] == ["Hot pursuit across borders"]
    assert found.total == 1
    result = found.results[0]
    assert result.url == updates["pursuit"].url
    assert result.type == "portal.updatepage"
    assert result.type_label == "Presidency updates"
    assert result.score > 0
    assert result.country is None and result.topic is None
    assert found.facets["type"][0].value == "portal.updatepage"
    assert found.facets["type"][0].count == 1
    assert found.facets["country"] == [] and found.facets["topic"] == []


def test_snippet_is_escaped_html_with_marks(member, client):
    make_update("esc", "Escaping", summary="Pursuit <script>alert(1)</script> & more")
    found = selectors.site_search(member, "pursuit")
    snippet = str(found.results[0].snippet)
    assert "<script>" not in snippet
    assert "&amp;" in snippet
    assert "<mark>Pursuit</mark>" in snippet
    html = soup_of(client.get("/search/", {"q": "pursuit"}))
    assert [m.get_text() for m in html.select(".search-snippet mark")] == ["Pursuit"]
    assert html.select(".search-snippet script") == []


def test_did_you_mean_from_the_backend(updates, member, client):
    found = selectors.site_search(member, "pursiut")
    assert found.total == 0
    assert found.suggestion == "pursuit"
    link = soup_of(client.get("/search/", {"q": "pursiut"})).select_one(".search-suggestion a")
    assert link["href"] == "?q=pursuit"


def test_a_word_one_source_knows_is_not_corrected_from_another_sources_words(member):
    """Pages and the trainer pool are searched together: a word found on a page is no typo,
    even though the pool only knows a word one letter away."""
    from training import services_pool
    from training.models import TrainingTopic

    make_update("knots", "Marlinspike seamanship", body="<p>Marlinspike work on patrol boats.</p>")
    services_pool.trainer_vet(
        actor=user_in("BE", "trainer"),
        trainer=services_pool.trainer_propose(
            actor=user_in("BE", "head"),
            full_name="Marlinspine Claes",
            email="claes@example.eu",
            organisation="Federal Police",
            topics=list(TrainingTopic.objects.filter(slug="siena")),
            languages=["en"],
            qualifications="SIENA trainer.",
            availability="",
        ),
    )
    found = selectors.site_search(member, "marlinspike")
    assert [result.title for result in found.results] == ["Marlinspike seamanship"]
    assert found.suggestion is None
    # A word no source knows is still corrected, from the closest word a source has.
    assert selectors.site_search(member, "marlinspiek").suggestion == "marlinspike"


def test_pages_under_a_group_restriction_are_hidden_from_non_members(member):
    page = make_update("secret", "Pursuit secrets")
    group = Group.objects.create(name="Insiders")
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(group)
    assert selectors.site_search(member, "pursuit").total == 0
    member.groups.add(group)
    assert selectors.site_search(member, "pursuit").total == 1


def test_login_restriction_does_not_hide_pages(member):
    page = make_update("members", "Pursuit for members")
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    assert selectors.site_search(member, "pursuit").total == 1


# Words found in spite of the syntax around them; every other hostile input finds nothing.
# "a\x00b": NUL is a space, and "a b" holds only stop words, searched unstemmed ("allows a hot
# pursuit"). Query syntax is text: "NOT pursuit" and "pursuit)" look for the word "pursuit".
FOUND_DESPITE_SYNTAX = {"a\x00b", "NOT pursuit", "pursuit)"}


@pytest.mark.parametrize("q", HOSTILE + ["", "AND", "NOT pursuit", "pursuit)"])
def test_hostile_input_never_errors(updates, member, client, q):
    found = selectors.site_search(member, q)
    expected = ["Hot pursuit across borders"] if q in FOUND_DESPITE_SYNTAX else []
    assert [result.title for result in found.results] == expected
    assert found.total == len(expected)
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200


def test_operators_are_text(updates, member):
    # "country:BE" is two words, not a field query; nothing here mentions them.
    assert selectors.site_search(member, "country:BE").total == 0
    assert selectors.site_search(member, "pursuit)").total == 1
    assert selectors.site_search(member, '"pursuit').total == 1


def test_long_query_is_cut(member):
    found = selectors.site_search(member, "word " * 1000)
    assert len(found.q) <= selectors.MAX_QUERY_CHARS


def test_empty_query_finds_nothing_and_logs_nothing(updates, member):
    found = selectors.site_search(member, "  ")
    assert found.total == 0 and found.results == [] and found.q == ""
    assert not Query.objects.exists()


@pytest.mark.parametrize(
    "params",
    [
        {"page": 0},
        {"page": "abc"},
        {"page": selectors.MAX_PAGE + 1},
        {"type": "cases.case"},
        {"type": "unknown"},
        {"country": "BEL"},
        {"country": "1"},
        {"topic": "Not a slug!"},
    ],
)
def test_bad_params_raise_param_error(member, params):
    with pytest.raises(selectors.SearchParamError):
        selectors.site_search(member, "pursuit", **params)


def test_type_filter(updates, member):
    assert selectors.site_search(member, "pursuit", type="portal.updatepage").total == 1
    assert selectors.site_search(member, "pursuit", type="portal.updateindexpage").total == 0
    # The type facet still lists the other types while one is selected.
    found = selectors.site_search(member, "pursuit", type="portal.updateindexpage")
    assert [(v.value, v.count, v.selected) for v in found.facets["type"]] == [
        ("portal.updatepage", 1, False)
    ]


def test_country_filter_leaves_out_models_without_country(updates, member):
    found = selectors.site_search(member, "pursuit", country="be")
    assert found.country == "BE"
    assert found.total == 0


def test_case_models_cannot_be_registered():
    class CaseStandIn:  # stands in for any model of the cases app
        class _meta:  # noqa: N801
            app_label = "cases"
            label = "cases.Case"
            label_lower = "cases.case"

    with pytest.raises(ImproperlyConfigured):
        sources.search_source(CaseStandIn, queryset=lambda user: None)


def test_case_types_are_not_search_types():
    assert not [key for key in sources.search_types() if key.startswith("cases.")]


@pytest.fixture
def registered_updates():
    """Presidency updates registered as a source of their own, scoped to the network
    audience, with `audience` standing in for a topic field."""
    source = sources.search_source(
        UpdatePage,
        queryset=lambda user: UpdatePage.objects.live().filter(audience="network"),
        topic_field="audience",
    )
    with hooks.register_temporarily("register_search_source", lambda: source):
        yield
    assert "portal.updatepage" not in [s.key for s in sources.registered_sources()]


def test_registered_source_is_scoped_and_faceted(updates, member, registered_updates):
    make_update("dapix-pursuit", "Pursuit for DAPIX", audience="dapix")
    make_update("net-pursuit", "Pursuit for the network")
    found = selectors.site_search(member, "pursuit")
    # the dapix update is outside the source's queryset; the draft is not live
    assert sorted(r.title for r in found.results) == [
        "Hot pursuit across borders",
        "Pursuit for the network",
    ]
    assert {r.topic for r in found.results} == {"network"}
    assert [(v.value, v.label, v.count) for v in found.facets["topic"]] == [
        ("network", "Network", 2)
    ]
    filtered = selectors.site_search(member, "pursuit", topic="network")
    assert filtered.total == 2
    assert selectors.site_search(member, "pursuit", topic="other").total == 0
    # Without a topic field a model is left out while a topic filter is active: the generic
    # page source does not return update pages twice.
    assert selectors.site_search(member, "pursuit", type="portal.updatepage").total == 2


def test_search_source_refuses_unknown_facet_field():
    with pytest.raises(ImproperlyConfigured):
        sources.search_source(UpdatePage, queryset=lambda user: None, topic_field="nope")


def test_a_hook_cannot_slip_case_data_into_search():
    smuggled = sources.Source(model=Case, queryset=lambda user: Case.objects.all())
    with hooks.register_temporarily("register_search_source", lambda: smuggled):
        with pytest.raises(ImproperlyConfigured):
            sources.registered_sources()


def test_pagination(member):
    for i in range(selectors.PER_PAGE + 3):
        make_update(f"p{i}", f"Pursuit number {i}")
    first = selectors.site_search(member, "pursuit")
    assert first.total == selectors.PER_PAGE + 3
    assert first.pages == 2
    assert len(first.results) == selectors.PER_PAGE
    second = selectors.site_search(member, "pursuit", page=2)
    assert len(second.results) == 3
    assert second.first_index == selectors.PER_PAGE + 1
    assert not {r.url for r in first.results} & {r.url for r in second.results}
    beyond = selectors.site_search(member, "pursuit", page=3)
    assert beyond.results == []


# --- The query log and promoted results ---------------------------------------------------


def test_queries_are_logged_on_the_first_page_only(updates, client, member):
    client.get("/search/", {"q": "Pursuit"})
    client.get("/api/v1/search", {"q": "pursuit "})
    client.get("/search/", {"q": "pursuit", "page": 2})
    client.get("/api/v1/search", {"q": "pursuit", "page": 2})
    client.get("/search/", {"q": "nothingmatches"})
    assert Query.get("pursuit").hits == 2
    # searches without a result are logged as well
    assert Query.get("nothingmatches").hits == 1


def test_promoted_results_come_first_and_respect_visibility(updates, client, member):
    query = Query.get("pursuit")
    SearchPromotion.objects.create(query=query, page=updates["sirene"], description="Night.")
    SearchPromotion.objects.create(query=query, page=updates["draft"], description="Draft.")
    SearchPromotion.objects.create(
        query=query, external_link_url="https://example.eu/x", external_link_text="External"
    )
    found = selectors.site_search(member, "pursuit")
    assert [p.title for p in found.promoted] == ["SIRENE night contacts", "External"]
    soup = soup_of(client.get("/search/", {"q": "pursuit"}))
    promoted = [a.get_text(strip=True) for a in soup.select(".search-promoted a")]
    assert promoted == ["SIRENE night contacts", "External"]
    assert selectors.site_search(member, "pursuit", page=2).promoted == []


def test_search_terms_report_lists_logged_queries(updates, admin, client):
    client.force_login(admin)
    client.get("/search/", {"q": "pursuit"})
    client.get("/search/", {"q": "zzznothing"})
    response = client.get("/admin/searchpicks/reports/search-terms/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "pursuit" in text and "zzznothing" in text


# --- The page -----------------------------------------------------------------------------


def test_search_page_requires_login(client):
    response = client.get("/search/", {"q": "pursuit"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_empty_search_page_shows_the_form_only(member, client):
    response = client.get("/search/")
    assert response.status_code == 200
    soup = soup_of(response)
    form = soup.select_one('main form[role="search"]')
    assert form.select_one("label[for=search-q]").get_text(strip=True) == "Search for"
    assert soup.select_one("#search-q")["name"] == "q"
    assert soup.select(".search-result") == []
    assert soup.select_one("[role=status]").get_text(strip=True) == ""


def test_search_page_results_facets_and_status(updates, member, client):
    response = client.get("/search/", {"q": "pursuit"})
    soup = soup_of(response)
    assert result_titles(response) == ["Hot pursuit across borders"]
    assert soup.select_one("[role=status]").get_text(" ", strip=True) == ("1 result for “pursuit”.")
    facet = soup.select_one(".search-facets a")
    assert facet.get_text(" ", strip=True) == "Presidency updates (1)"
    assert facet["href"] == "?q=pursuit&type=portal.updatepage"
    selected = soup_of(client.get("/search/" + facet["href"]))
    link = selected.select_one(".search-facets a[aria-current=true]")
    assert link["href"] == "?q=pursuit"  # activating a selected facet removes it
    assert selected.select_one("main form input[type=hidden][name=type]")["value"] == (
        "portal.updatepage"
    )


def test_header_has_a_labelled_search_form(member, client):
    soup = soup_of(client.get("/"))
    form = soup.select_one('header form[role="search"]')
    assert form["action"] == "/search/" and form["method"] == "get"
    field = form.select_one("input[name=q]")
    assert form.select_one(f'label[for="{field["id"]}"]').get_text(strip=True)
    assert soup.select_one('script[src$="portal/search.js"]') is not None


def test_bad_filter_on_the_page_is_a_message_not_an_error(member, client):
    response = client.get("/search/", {"q": "pursuit", "page": "abc"})
    assert response.status_code == 400
    assert "page must be a whole number" in soup_of(response).select_one("[role=status]").text


def test_did_you_mean_link(updates, member, client, monkeypatch):
    monkeypatch.setattr(selectors, "suggestion", lambda results, **kwargs: "pursuit")
    response = client.get("/search/", {"q": "pursiut", "type": "portal.updatepage"})
    link = soup_of(response).select_one(".search-suggestion a")
    assert link.get_text(strip=True) == "pursuit"
    assert link["href"] == "?q=pursuit&type=portal.updatepage"


def test_pagination_links(member, client):
    for i in range(selectors.PER_PAGE + 1):
        make_update(f"p{i}", f"Pursuit number {i}")
    soup = soup_of(client.get("/search/", {"q": "pursuit"}))
    nav = soup.select_one('nav[aria-label="Search results pages"]')
    assert nav.select_one("a[rel=next]")["href"] == "?q=pursuit&page=2"
    second = soup_of(client.get("/search/", {"q": "pursuit", "page": "2"}))
    assert len(second.select(".search-result")) == 1
    assert second.select_one(".search-results")["start"] == str(selectors.PER_PAGE + 1)


@pytest.mark.parametrize("count", [1, 25])
def test_query_count_is_bounded(member, client, django_assert_max_num_queries, count):
    for i in range(count):
        make_update(f"p{i}", f"Pursuit number {i}")
    client.get("/search/", {"q": "pursuit"})  # warm the index and the content type cache
    with django_assert_max_num_queries(20):
        response = client.get("/search/", {"q": "pursuit"})
    assert response.status_code == 200


def test_results_of_several_sources_are_merged_by_score(member, registered_updates):
    index = UpdateIndexPage.objects.get()
    index.title = "Pursuit"
    index.save_revision().publish()
    for i in range(selectors.PER_PAGE + 1):
        make_update(f"p{i}", f"Pursuit number {i}")
    first = selectors.site_search(member, "pursuit")
    second = selectors.site_search(member, "pursuit", page=2)
    assert first.total == selectors.PER_PAGE + 2
    assert len(first.results) == selectors.PER_PAGE and len(second.results) == 2
    merged = first.results + second.results
    assert [r.score for r in merged] == sorted((r.score for r in merged), reverse=True)
    assert {r.type for r in merged} == {"portal.updatepage", "portal.updateindexpage"}
    assert len({r.url for r in merged}) == len(merged)
    assert {(v.value, v.count) for v in first.facets["type"]} == {
        ("portal.updatepage", selectors.PER_PAGE + 1),
        ("portal.updateindexpage", 1),
    }
