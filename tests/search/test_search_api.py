"""GET /api/v1/search and /api/v1/search/autocomplete: the site search as JSON."""

import pytest
from django.test import Client
from wagtail.contrib.search_promotions.models import Query

from portal import services
from search import selectors
from tests.factories import make_update, user_in
from tests.search.test_site_search import HOSTILE

pytestmark = pytest.mark.django_db


@pytest.fixture
def updates():
    return [
        make_update(
            "hot-pursuit",
            "Hot pursuit across borders",
            summary="Which neighbour allows a hot pursuit without time limit.",
        ),
        make_update("sirene", "SIRENE night contacts", summary="Who answers at night."),
    ]


@pytest.fixture
def member(client):
    user = user_in("BE", "officer")
    client.force_login(user)
    return user


def assert_json_error(response, status):
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]


def test_search_returns_results_facets_and_pages(updates, member, client):
    response = client.get("/api/v1/search", {"q": "pursuit"})
    assert response.status_code == 200
    body = response.json()
    assert body["q"] == "pursuit"
    assert body["total"] == 1
    assert body["page"] == 1 and body["pages"] == 1
    assert body["suggestion"] is None  # the query matched: nothing to correct
    assert body["facets"] == {
        "type": [{"value": "portal.updatepage", "label": "Presidency updates", "count": 1}],
        "country": [],
        "topic": [],
    }
    [result] = body["results"]
    assert result["title"] == "Hot pursuit across borders"
    assert result["url"] == updates[0].url
    assert result["type"] == "portal.updatepage"
    assert result["country"] is None and result["topic"] is None
    assert "pursuit" in result["snippet"].lower()
    assert result["score"] > 0
    assert body["promoted"] == []


def test_page_and_api_agree(updates, member, client):
    api = client.get("/api/v1/search", {"q": "night"}).json()
    found = selectors.site_search(member, "night")
    assert [r["title"] for r in api["results"]] == [r.title for r in found.results]
    assert api["total"] == found.total


def test_empty_query(updates, member, client):
    body = client.get("/api/v1/search").json()
    assert body["total"] == 0 and body["results"] == [] and body["pages"] == 0
    assert not Query.objects.exists()


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_queries_never_error(updates, member, client, q):
    response = client.get("/api/v1/search", {"q": q})
    assert response.status_code == 200
    assert isinstance(response.json()["total"], int)
    assert client.get("/api/v1/search/autocomplete", {"q": q}).status_code == 200


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"page": "0"}, 422),
        ({"page": "abc"}, 422),
        ({"page": "-1"}, 422),
        ({"page": str(selectors.MAX_PAGE + 1)}, 422),
        ({"type": "unknown"}, 400),
        ({"type": "cases.case"}, 400),
        ({"country": "Belgium"}, 400),
        ({"topic": "no spaces"}, 400),
    ],
)
def test_bad_parameters_are_json_4xx(member, client, params, status):
    assert_json_error(client.get("/api/v1/search", {"q": "pursuit", **params}), status)


def test_filters(updates, member, client):
    body = client.get("/api/v1/search", {"q": "pursuit", "type": "portal.updatepage"}).json()
    assert body["total"] == 1
    body = client.get("/api/v1/search", {"q": "pursuit", "country": "be"}).json()
    assert body["total"] == 0  # no model with a country yet
    body = client.get("/api/v1/search", {"q": "pursuit", "topic": "hot-pursuit"}).json()
    assert body["total"] == 0


def test_queries_are_logged_from_the_api(updates, member, client):
    client.get("/api/v1/search", {"q": "pursuit"})
    client.get("/api/v1/search", {"q": "pursuit", "page": "2"})
    client.get("/api/v1/search", {"q": "nothing at all here"})
    assert Query.get("pursuit").hits == 1
    assert Query.get("nothing at all here").hits == 1


def test_requires_authentication(updates):
    assert_json_error(Client().get("/api/v1/search", {"q": "pursuit"}), 401)
    assert_json_error(Client().get("/api/v1/search/autocomplete", {"q": "pur"}), 401)


def test_bearer_token(updates):
    user = user_in("DE", "head")
    _token, plaintext = services.api_token_create(user=user, name="search script")
    response = Client().get(
        "/api/v1/search", {"q": "pursuit"}, HTTP_AUTHORIZATION=f"Bearer {plaintext}"
    )
    assert response.status_code == 200
    assert response.json()["total"] == 1


def test_autocomplete(updates, member, client):
    body = client.get("/api/v1/search/autocomplete", {"q": "hot pur"}).json()
    assert body["q"] == "hot pur"
    assert body["suggestions"] == [
        {
            "title": "Hot pursuit across borders",
            "url": updates[0].url,
            "type": "portal.updatepage",
            "type_label": "Presidency updates",
        }
    ]
    assert client.get("/api/v1/search/autocomplete", {"q": ""}).json()["suggestions"] == []


def test_in_openapi_schema_with_response_schemas(admin, client):
    client.force_login(admin)
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/search"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"q", "type", "country", "topic", "page"}
    assert {"200", "400", "401", "422"} <= set(operation["responses"])
    ok = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    search_out = schema["components"]["schemas"][ok.rsplit("/", 1)[-1]]
    assert {"total", "page", "pages", "suggestion", "facets", "results"} <= set(
        search_out["properties"]
    )
    assert "/api/v1/search/autocomplete" in schema["paths"]


@pytest.mark.parametrize("count", [1, 25])
def test_query_count_is_bounded(member, client, django_assert_max_num_queries, count):
    for i in range(count):
        make_update(f"p{i}", f"Pursuit number {i}")
    client.get("/api/v1/search", {"q": "pursuit"})
    with django_assert_max_num_queries(18):
        response = client.get("/api/v1/search", {"q": "pursuit"})
    assert response.status_code == 200
    assert response.json()["total"] == count
    with django_assert_max_num_queries(14):
        client.get("/api/v1/search/autocomplete", {"q": "purs"})


def test_the_schema_keeps_the_published_paths_and_operation_ids(client, member):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert paths["/api/v1/search"]["get"]["operationId"] == "portal_api_search_search"
    assert (
        paths["/api/v1/search/autocomplete"]["get"]["operationId"]
        == "portal_api_search_autocomplete"
    )
