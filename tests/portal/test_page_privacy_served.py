"""A page under a Wagtail privacy setting, served: the rule is answered from
portal.visibility's cached map of restrictions, and the map follows every change at once — a
restriction added or removed, a page moved under or out of a restricted subtree — so no
reader passes a restriction that holds, and a page with none costs no query for it."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction, get_page_models

from portal.models import PortalPage, UpdateIndexPage
from tests.factories import make_update, user_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def insiders():
    return Group.objects.create(name="DAPIX delegates")


@pytest.fixture
def outsider(client):
    user = user_in("BE", "officer")
    client.force_login(user)
    return user


@pytest.fixture
def pages():
    closed = make_update("closed-folder", "Closed folder")
    return {
        "index": UpdateIndexPage.objects.get(),
        "closed": closed,
        "inside": make_update("inside", "Inside the closed folder", parent=closed),
        "open": make_update("open-news", "Open news"),
    }


def refused(response):
    """Wagtail's answer to a signed-in reader outside the restriction's groups: its login
    page, to sign in as someone who passes."""
    return response.status_code == 302 and response["Location"].startswith("/_util/login/")


def restrict(page, group):
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(group)
    return restriction


def test_a_restriction_on_an_ancestor_holds_and_its_removal_shows_at_once(
    client, outsider, insiders, pages
):
    assert client.get(pages["inside"].url).status_code == 200
    restriction = restrict(pages["closed"], insiders)
    assert refused(client.get(pages["inside"].url))
    assert refused(client.get(pages["closed"].url))
    assert client.get(pages["open"].url).status_code == 200
    restriction.delete()
    assert client.get(pages["inside"].url).status_code == 200


def test_members_of_the_group_pass(client, insiders, pages):
    restrict(pages["closed"], insiders)
    insider = user_in("DE", "officer")
    insider.groups.add(insiders)
    client.force_login(insider)
    assert client.get(pages["inside"].url).status_code == 200


def test_a_page_moved_into_a_restricted_subtree_is_restricted_at_once(
    client, outsider, insiders, pages
):
    restrict(pages["closed"], insiders)
    url = pages["open"].url
    assert client.get(url).status_code == 200
    pages["open"].move(pages["closed"], pos="last-child")
    moved = Page.objects.get(pk=pages["open"].pk).specific
    assert refused(client.get(moved.url))


def test_a_page_moved_out_of_a_restricted_subtree_opens_at_once(
    client, outsider, insiders, pages
):
    restrict(pages["closed"], insiders)
    assert refused(client.get(pages["inside"].url))
    pages["inside"].move(pages["index"], pos="last-child")
    moved = Page.objects.get(pk=pages["inside"].pk).specific
    assert client.get(moved.url).status_code == 200


def test_the_answer_is_wagtails_own(insiders, pages):
    restrict(pages["closed"], insiders)
    for key in ("index", "closed", "inside", "open"):
        page = Page.objects.get(pk=pages[key].pk)
        ours = set(pages[key].get_view_restrictions().values_list("pk", flat=True))
        wagtails = set(Page.get_view_restrictions(page).values_list("pk", flat=True))
        assert ours == wagtails, key


def test_serving_a_page_asks_no_query_about_restrictions(client, outsider, insiders, pages):
    restrict(pages["closed"], insiders)
    client.get(pages["open"].url)  # the map is read into the cache once
    with CaptureQueriesContext(connection) as queries:
        assert client.get(pages["open"].url).status_code == 200
    assert not [q for q in queries if "wagtailcore_pageviewrestriction" in q["sql"]]
    ancestors_query = 'SELECT "wagtailcore_page"."id", "wagtailcore_page"."alias_of_id" FROM'
    assert not [q for q in queries if q["sql"].startswith(ancestors_query)]


def test_a_restricted_folder_moved_elsewhere_keeps_its_pages_restricted(
    client, outsider, insiders, pages
):
    restrict(pages["closed"], insiders)
    assert refused(client.get(pages["inside"].url))  # the map now holds the folder's path
    pages["closed"].move(pages["open"], pos="last-child")
    inside = Page.objects.get(pk=pages["inside"].pk).specific
    assert inside.url.startswith(pages["open"].url)
    assert refused(client.get(inside.url))


def test_every_page_model_answers_privacy_from_the_map():
    others = [m for m in get_page_models() if m is not Page and not issubclass(m, PortalPage)]
    assert others == []
