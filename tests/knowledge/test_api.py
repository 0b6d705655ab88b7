"""Fact sheets and comparison in the JSON API: list with filters, detail with structured rows,
the comparison (the same rows as the page), JSON errors naming the parameter, the schema."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from portal import services
from tests.factories import user_in
from tests.helpers import soup_of
from tests.knowledge.factories import make_sheet
from tests.knowledge.test_compare import make_border_sheets

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 23, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def sheets(db):
    return make_border_sheets()


@pytest.fixture
def api(client):
    client.force_login(user_in("BE", "officer"))
    return client


def json_error(response, status):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    return response.json()


# --- List -------------------------------------------------------------------------------------


@time_machine.travel(NOW)
def test_list_filters_by_country_and_topic(api, sheets):
    make_sheet("BE", topic="languages", summary="French, Dutch, German.")
    make_sheet("DE", topic="arms", publish=False)
    response = api.get("/api/v1/factsheets", {"country": "BE"})
    assert response.status_code == 200
    assert [(s["country"], s["topic"]) for s in response.json()] == [
        ("BE", "hot-pursuit"),
        ("BE", "languages"),
    ]
    data = api.get("/api/v1/factsheets", {"topic": "hot-pursuit"}).json()
    assert [s["country"] for s in data] == ["AT", "BE", "DE", "LU", "NL"]  # by country name
    germany = next(s for s in data if s["country"] == "DE")
    assert germany == {
        "id": sheets["DE"].pk,
        "title": sheets["DE"].title,
        "country": "DE",
        "country_name": "Germany",
        "topic": "hot-pursuit",
        "topic_title": "Hot pursuit",
        "language": "en",
        "last_reviewed": "2024-01-15",
        "review_due": "2025-01-15",
        "overdue": True,
        "url": f"http://testserver{sheets['DE'].url}",
    }
    both = api.get("/api/v1/factsheets", {"country": "de", "topic": "hot-pursuit"}).json()
    assert [s["id"] for s in both] == [sheets["DE"].pk]
    # Drafts are never listed.
    assert len(api.get("/api/v1/factsheets").json()) == 6


@pytest.mark.parametrize(
    ("params", "param", "text"),
    [
        ({"country": "XX"}, "country", "Unknown country code: XX"),
        ({"country": "BE,DE"}, "country", "Give one"),
        ({"topic": "pursuit"}, "topic", "Unknown topic"),
        ({"country": "BE", "topic": "nope"}, "topic", "Unknown topic"),
    ],
)
def test_list_unknown_country_or_topic_is_400_naming_the_parameter(api, params, param, text):
    body = json_error(api.get("/api/v1/factsheets", params), 400)
    assert body["param"] == param
    assert body["detail"].startswith(f"{param}: {text}")


# --- Detail -----------------------------------------------------------------------------------


def test_detail_has_structured_rows_contacts_legal_basis_and_html_body(api, sheets):
    sheet = make_sheet(
        "FR",
        rules=[
            {
                "action": "hot_pursuit",
                "neighbour": "BE",
                "apprehension": "a",
                "limit_km": 10,
                "limit_hours": None,
                "offences": "list",
                "transport": "land,air",
                "notify": "CCPD Tournai",
            }
        ],
        contacts=[
            {
                "service": "pccc",
                "name": "CCPD Tournai",
                "available_24_7": True,
                "phone": "+33 3 00",
                "languages": "fr,nl",
            }
        ],
        bases=[{"title": "Tournai Agreement", "as_of": datetime.date(2024, 5, 2)}],
        body="<p>See <b>the agreement</b>.</p>",
    )
    response = api.get(f"/api/v1/factsheets/{sheet.pk}")
    assert response.status_code == 200
    data = response.json()
    assert data["country"] == "FR" and data["topic"] == "hot-pursuit"
    (rule,) = data["cross_border_rules"]
    assert rule["neighbour"] == "BE"
    assert rule["limit_km"] == 10 and rule["limit_hours"] is None
    assert rule["transport"] == ["land", "air"]
    assert rule["offences"] == "list"
    assert "no limit in time" in rule["text"]
    assert data["contact_points"] == [
        {
            "service": "pccc",
            "service_label": "Police and customs cooperation centre",
            "name": "CCPD Tournai",
            "available_24_7": True,
            "phone": "+33 3 00",
            "email": "",
            "languages": ["fr", "nl"],
        }
    ]
    assert data["legal_bases"] == [
        {
            "title": "Tournai Agreement",
            "reference": "",
            "source": "",
            "as_of": "2024-05-02",
            "document_url": "",
        }
    ]
    assert data["body"] == "<p>See <b>the agreement</b>.</p>"


def test_detail_missing_or_draft_is_a_json_404(api, sheets):
    draft = make_sheet("PL", publish=False)
    assert json_error(api.get(f"/api/v1/factsheets/{draft.pk}"), 404) == {"detail": "Not found."}
    assert json_error(api.get("/api/v1/factsheets/999999"), 404) == {"detail": "Not found."}
    assert api.get("/api/v1/factsheets/abc").status_code == 422


# --- Compare ----------------------------------------------------------------------------------


@time_machine.travel(NOW)
def test_compare_returns_the_same_rows_as_the_page(api, sheets):
    params = {"topic": "hot-pursuit", "countries": "BE,DE,NL"}
    response = api.get("/api/v1/compare", params)
    assert response.status_code == 200
    data = response.json()
    assert data["topic"] == {
        "slug": "hot-pursuit",
        "title": "Hot pursuit",
        "reference": "Art. 41 CISA",
    }
    assert [c["code"] for c in data["countries"]] == ["BE", "DE", "NL"]
    assert data["countries"][1]["factsheet"]["overdue"] is True
    rows = {row["key"]: row for group in data["groups"] for row in group["rows"]}
    assert rows["rule:NL:notify"]["differs"] is True
    assert [c["text"] for c in rows["rule:NL:limit_hours"]["cells"]] == [
        "No limit",
        "No limit",
        "Own country",
    ]
    assert [c["status"] for c in rows["rule:FR:limit_km"]["cells"]] == ["value", "value", "no_rule"]

    page = soup_of(api.get("/knowledge/compare/", params))
    page_rows = [tr["data-row"] for tr in page.select("tr[data-row]")]
    assert page_rows == [row["key"] for group in data["groups"] for row in group["rows"]]
    page_differs = [tr["data-row"] for tr in page.select("tr[data-differs]")]
    assert page_differs == [key for key, row in rows.items() if row["differs"]]
    assert data["difference_count"] == len(page_differs)


def test_compare_a_country_without_a_sheet(api, sheets):
    data = api.get("/api/v1/compare", {"topic": "hot-pursuit", "countries": "BE,PL"}).json()
    assert data["countries"][1] == {"code": "PL", "name": "Poland", "factsheet": None}
    summary = data["groups"][0]["rows"][0]
    assert summary["cells"][1] == {
        "country": "PL",
        "status": "no_sheet",
        "text": "No fact sheet",
        "items": [],
        "html": "",
    }


@pytest.mark.parametrize(
    ("params", "param", "text"),
    [
        ({"topic": "hot-pursuit", "countries": "BE"}, "countries", "between 2 and 6"),
        ({"topic": "hot-pursuit", "countries": "BE,DE,FR,NL,LU,AT,PL"}, "countries", "6"),
        ({"topic": "hot-pursuit", "countries": "BE,XX"}, "countries", "XX"),
        ({"topic": "nope", "countries": "BE,DE"}, "topic", "Unknown topic"),
        ({"countries": "BE,DE"}, "topic", "Choose a topic"),
    ],
)
def test_compare_bad_parameters_are_400_naming_the_parameter(api, params, param, text):
    body = json_error(api.get("/api/v1/compare", params), 400)
    assert body["param"] == param
    assert body["detail"].startswith(f"{param}: ") and text in body["detail"]


def test_compare_query_count_does_not_grow_with_countries(
    api, sheets, django_assert_max_num_queries
):
    api.get("/api/v1/compare", {"topic": "hot-pursuit", "countries": "BE,DE"})
    with CaptureQueriesContext(connection) as two:
        api.get("/api/v1/compare", {"topic": "hot-pursuit", "countries": "BE,DE"})
    assert len(two) <= 18
    with django_assert_max_num_queries(len(two)):
        response = api.get(
            "/api/v1/compare", {"topic": "hot-pursuit", "countries": "BE,DE,NL,LU,AT,FR"}
        )
    assert len(response.json()["countries"]) == 6


# --- Access and schema ------------------------------------------------------------------------


def test_anonymous_calls_get_a_json_401(client, sheets):
    for url in (
        "/api/v1/factsheets",
        f"/api/v1/factsheets/{sheets['BE'].pk}",
        "/api/v1/compare?topic=hot-pursuit&countries=BE,DE",
    ):
        assert json_error(client.get(url), 401)["detail"]


def test_a_bearer_token_works(sheets):
    user = user_in("DE", "officer")
    _token, plaintext = services.api_token_create(user=user, name="app")
    response = Client().get(
        "/api/v1/factsheets?country=BE", HTTP_AUTHORIZATION=f"Bearer {plaintext}"
    )
    assert response.status_code == 200
    assert [s["country"] for s in response.json()] == ["BE"]


def test_the_endpoints_are_in_the_openapi_schema(api):
    schema = api.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    assert set(paths["/api/v1/factsheets"]) == {"get"}
    assert set(paths["/api/v1/factsheets/{sheet_id}"]) == {"get"}
    assert set(paths["/api/v1/compare"]) == {"get"}
    parameters = {p["name"] for p in paths["/api/v1/compare"]["get"]["parameters"]}
    assert parameters == {"topic", "countries"}
    listed = {p["name"] for p in paths["/api/v1/factsheets"]["get"]["parameters"]}
    assert listed == {"country", "topic"}
    responses = paths["/api/v1/compare"]["get"]["responses"]
    assert {"200", "400", "401"} <= set(responses)
    assert "FactSheetDetailOut" in schema["components"]["schemas"]
    assert "ComparisonOut" in schema["components"]["schemas"]
