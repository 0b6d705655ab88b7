"""The Atom feed of Presidency updates, reached with a per-user secret token instead of a
session (feed readers cannot log in)."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from portal.models import AccessToken
from portal.tokens import access_token_for
from tests.factories import make_update, user_in

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"



def feed_url(token):
    return f"/feeds/updates/{token}/"


def parse(response):
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)  # noqa: S314 - our own output, in a test


@pytest.fixture
def member():
    return user_in("BE", "officer")


@pytest.fixture
def token(member):
    return access_token_for(user=member, purpose=AccessToken.Purpose.FEED)


def test_feed_works_without_a_session_and_lists_live_updates(client, token):
    make_update("dublin", "Meeting in Dublin", date=datetime.date(2026, 10, 12))
    make_update("report", "Report to IXIM", date=datetime.date(2026, 7, 2))
    make_update("secret-draft", "Unfinished draft", date=datetime.date(2026, 11, 20), live=False)

    root = parse(client.get(feed_url(token)))
    assert root.tag == f"{ATOM}feed"
    assert "Presidency updates" in root.find(f"{ATOM}title").text
    entries = root.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == [
        "Meeting in Dublin",
        "Report to IXIM",
    ]
    links = [e.find(f"{ATOM}link").get("href") for e in entries]
    assert links == ["http://testserver/updates/dublin/", "http://testserver/updates/report/"]
    assert entries[0].find(f"{ATOM}summary").text == "About Meeting in Dublin."
    assert all(e.find(f"{ATOM}id") is not None for e in entries)
    assert all(e.find(f"{ATOM}updated") is not None for e in entries)
    assert b"Unfinished draft" not in client.get(feed_url(token)).content


def test_feed_is_not_cached_by_proxies(client, token):
    response = client.get(feed_url(token))
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_preferences_page_shows_the_working_feed_address(client, member):
    client.force_login(member)
    response = client.get("/account/preferences/")
    token = access_token_for(user=member, purpose=AccessToken.Purpose.FEED)
    assert f"http://testserver/feeds/updates/{token}/".encode() in response.content
    client.logout()
    parse(client.get(feed_url(token)))


@pytest.mark.parametrize(
    "bad",
    [
        "garbage",
        "1.abc",
        "1.abc:forgedsignature",
        "x" * 500,
        "%00",
        "1.2.3:4",
        ":",
    ],
)
def test_forged_or_garbage_tokens_are_404(client, member, bad):
    response = client.get(feed_url(bad))
    assert response.status_code == 404


def test_token_for_another_purpose_or_user_is_rejected(client, member):
    calendar_token = access_token_for(user=member, purpose=AccessToken.Purpose.CALENDAR)
    assert client.get(feed_url(calendar_token)).status_code == 404
    # Swapping the user id inside a valid token breaks the signature.
    token = access_token_for(user=member, purpose=AccessToken.Purpose.FEED)
    forged = f"{member.pk + 1}{token[len(str(member.pk)) :]}"
    assert client.get(feed_url(forged)).status_code == 404


def test_reset_invalidates_the_old_address(client, member, token):
    assert client.get(feed_url(token)).status_code == 200
    client.force_login(member)
    response = client.post("/account/feed-token/reset/")
    assert response.status_code == 302
    new_token = access_token_for(user=member, purpose=AccessToken.Purpose.FEED)
    assert new_token != token
    # The account page now shows the new address.
    assert feed_url(new_token).encode() in client.get("/account/preferences/").content

    anonymous = Client()
    assert anonymous.get(feed_url(token)).status_code == 404
    parse(anonymous.get(feed_url(new_token)))


def test_reset_requires_post(client, member, token):
    client.force_login(member)
    assert client.get("/account/feed-token/reset/").status_code == 405
    assert access_token_for(user=member, purpose=AccessToken.Purpose.FEED) == token


def test_disabled_users_token_is_404(client, member, token):
    member.is_active = False
    member.save(update_fields=["is_active"])
    assert client.get(feed_url(token)).status_code == 404


def test_feed_query_count_does_not_grow_with_updates(client, token):
    make_update("one", "One")
    client.get(feed_url(token))  # first use stamps last_used_at
    with CaptureQueriesContext(connection) as few:
        parse(client.get(feed_url(token)))
    for n in range(20):
        make_update(f"update-{n}", f"Update {n}", date=datetime.date(2026, 1, 1 + n))
    with CaptureQueriesContext(connection) as many:
        root = parse(client.get(feed_url(token)))
    assert len(root.findall(f"{ATOM}entry")) == 21
    assert len(many) == len(few)
    assert len(many) <= 6, [q["sql"] for q in many.captured_queries]
