"""Page routing from the site root finds the whole path in one query (portal.routing) and
answers as Wagtail's own routing does: live pages are served, drafts and unknown slugs are
404, a renamed page moves to its new address, a page class with its own route gets the rest
of the path."""

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page
from wagtail.url_routing import RouteResult

from portal.models import UpdateIndexPage
from tests.factories import make_update

pytestmark = pytest.mark.django_db


def _heading(response):
    return BeautifulSoup(response.content, "html.parser").select_one("h1").get_text(strip=True)


def test_a_live_page_is_served_at_its_address(logged_in_client):
    make_update("rome-meeting", "Network meeting in Rome")
    response = logged_in_client.get("/updates/rome-meeting/")
    assert response.status_code == 200
    assert _heading(response) == "Network meeting in Rome"


def test_the_path_is_found_in_one_query_whatever_its_depth(logged_in_client):
    make_update("rome-meeting")
    logged_in_client.get("/updates/rome-meeting/")
    with CaptureQueriesContext(connection) as queries:
        logged_in_client.get("/updates/rome-meeting/")
    page_lookups = [
        q for q in queries.captured_queries if '"wagtailcore_page"."url_path" IN' in q["sql"]
    ]
    assert len(page_lookups) == 1


@pytest.mark.parametrize(
    "path",
    ["/updates/no-such-update/", "/no-such-section/rome-meeting/", "/updates/rome-meeting/extra/"],
)
def test_unknown_addresses_are_not_found(logged_in_client, path):
    make_update("rome-meeting")
    assert logged_in_client.get(path).status_code == 404


def test_a_draft_is_not_found(logged_in_client):
    make_update("draft-update", live=False)
    assert logged_in_client.get("/updates/draft-update/").status_code == 404


def test_a_renamed_page_moves_to_its_new_address(logged_in_client):
    update = make_update("rome-meeting", "Network meeting in Rome")
    update.slug = "meeting-in-rome"
    update.save_revision().publish()

    assert logged_in_client.get("/updates/rome-meeting/").status_code == 404
    response = logged_in_client.get("/updates/meeting-in-rome/")
    assert _heading(response) == "Network meeting in Rome"


def test_a_page_with_its_own_route_gets_the_rest_of_the_path(rf, monkeypatch, officer_be):
    def own_route(self, request, path_components):
        return RouteResult(self, args=(tuple(path_components),))

    monkeypatch.setattr(UpdateIndexPage, "route", own_route)
    request = rf.get("/updates/2026/11/")
    request.user = officer_be

    page, args, _kwargs = Page.route_for_request(request, "/updates/2026/11/")

    assert page.specific_class is UpdateIndexPage
    assert args == (("2026", "11"),)
