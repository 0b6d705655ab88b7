"""Per-user limits on search, autocomplete, the API and the PDF exports: over the limit the
user gets 429 with Retry-After (an HTML page, or JSON under /api/), other users and other
kinds of request are unaffected, and the limit lifts when the window has passed."""

import datetime

import pytest
import time_machine

from tests.factories import user_in
from tests.helpers import soup_of

pytestmark = pytest.mark.django_db

LIMITS = {"search": "3/m", "autocomplete": "5/m", "api": "8/m", "export": "2/m"}


@pytest.fixture
def limits(settings):
    settings.PORTAL_RATE_LIMITS = LIMITS


@pytest.fixture
def clock():
    with time_machine.travel(datetime.datetime(2026, 12, 7, 10, 0, 5, tzinfo=datetime.UTC),
                             tick=False) as traveller:
        yield traveller


def logged_in(client, user):
    client.force_login(user)
    return client


def test_the_search_page_answers_429_past_the_limit_and_recovers(client, limits, clock):
    logged_in(client, user_in("BE", "officer"))
    for _ in range(3):
        assert client.get("/search/", {"q": "hot pursuit"}).status_code == 200
    response = client.get("/search/", {"q": "hot pursuit"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    page = soup_of(response)
    assert page.h1.get_text(strip=True) == "Too many requests"
    assert "Try again in" in page.select_one("main").get_text(" ", strip=True)

    # other pages still work, and the limit lifts with the next window
    assert client.get("/").status_code == 200
    clock.shift(datetime.timedelta(minutes=1))
    assert client.get("/search/", {"q": "hot pursuit"}).status_code == 200


def test_each_user_has_their_own_count(client, limits, clock):
    logged_in(client, user_in("BE", "officer"))
    for _ in range(4):
        client.get("/search/", {"q": "sirene"})
    assert client.get("/search/", {"q": "sirene"}).status_code == 429
    logged_in(client, user_in("DE", "officer"))
    assert client.get("/search/", {"q": "sirene"}).status_code == 200


def test_the_api_answers_json_429(client, limits, clock):
    logged_in(client, user_in("BE", "officer"))
    for _ in range(3):
        assert client.get("/api/v1/search", {"q": "siena"}).status_code == 200
    response = client.get("/api/v1/search", {"q": "siena"})
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    assert "Try again in" in response.json()["detail"]
    assert int(response["Retry-After"]) > 0


def test_autocomplete_and_other_api_calls_count_apart_from_search(client, limits, clock):
    logged_in(client, user_in("BE", "officer"))
    for _ in range(5):
        assert client.get("/api/v1/search/autocomplete", {"q": "sie"}).status_code == 200
    assert client.get("/api/v1/search/autocomplete", {"q": "sie"}).status_code == 429
    assert client.get("/api/v1/search", {"q": "siena"}).status_code == 200
    for _ in range(8):
        client.get("/api/v1/countries")
    assert client.get("/api/v1/countries").status_code == 429


def test_pdf_exports_are_limited(client, limits, clock):
    logged_in(client, user_in("BE", "officer"))
    for _ in range(2):
        assert client.get("/knowledge/countries/BE/export.pdf").status_code == 200
    response = client.get("/knowledge/countries/BE/export.pdf")
    assert response.status_code == 429
    assert client.get("/knowledge/").status_code == 200


def test_default_limits_are_set():
    from django.conf import settings

    assert set(settings.PORTAL_RATE_LIMITS) == {"search", "autocomplete", "api", "export"}
    assert all(settings.PORTAL_RATE_LIMITS.values())
