"""The Wagtail site of a request comes from a per-process memo (portal.sites), not a query
per request, and a site an administrator changes is served at once."""

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from tests.factories import make_update

pytestmark = pytest.mark.django_db


def _site_queries(client, path, **extra):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **extra)
    assert response.status_code == 200
    return response, [q["sql"] for q in queries.captured_queries if "wagtailcore_site" in q["sql"]]


def test_a_second_request_does_not_look_the_site_up_again(logged_in_client):
    _site_queries(logged_in_client, "/")
    _response, site_queries = _site_queries(logged_in_client, "/")
    assert site_queries == []


def test_a_new_root_page_is_served_at_once(logged_in_client):
    _site_queries(logged_in_client, "/")
    update = make_update("network-meeting-in-rome", "Network meeting in Rome")
    site = Site.objects.get(is_default_site=True)
    site.root_page = update
    site.save()

    response, _ = _site_queries(logged_in_client, "/")
    heading = BeautifulSoup(response.content, "html.parser").select_one("h1")
    assert heading.get_text(strip=True) == "Network meeting in Rome"


def test_hosts_are_told_apart(logged_in_client):
    default = Site.objects.get(is_default_site=True)
    other_root = make_update("other-site-home", "Home of the other site")
    Site.objects.create(hostname="other.example", port=80, root_page=other_root)
    _site_queries(logged_in_client, "/")  # memoises the default site for this host

    response, _ = _site_queries(logged_in_client, "/", HTTP_HOST="other.example")
    heading = BeautifulSoup(response.content, "html.parser").select_one("h1")
    assert heading.get_text(strip=True) == "Home of the other site"
    response, _ = _site_queries(logged_in_client, "/")
    assert response.context["page"].pk == default.root_page_id
