"""Administrators see the site searches that found nothing, most frequent first."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from search.models import SearchMiss
from tests.helpers import assert_admin_permission_denied, soup_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_search_index")]


def test_searches_with_no_result_are_counted_and_listed_for_admins(client, officer_be, admin):
    client.force_login(officer_be)
    for _ in range(2):
        assert client.get("/search/", {"q": "Xylophone  Treaty"}).status_code == 200
    client.get("/search/", {"q": "zanzibar"})
    client.get("/search/", {"q": "zanzibar", "page": 2})  # only first pages count

    misses = {m.query_string: m.searches for m in SearchMiss.objects.all()}
    assert misses == {"xylophone treaty": 2, "zanzibar": 1}

    client.force_login(admin)
    response = client.get("/admin/reports/search-misses/")
    assert response.status_code == 200
    rows = [
        [cell.get_text(" ", strip=True) for cell in row.select("td")]
        for row in soup_of(response).select("table tbody tr")
    ]
    assert rows[0][0].startswith("xylophone treaty")
    assert rows[0][1] == "2"


def test_only_administrators_reach_the_report(client, make_user):
    editor = make_user(roles=["editor"])
    client.force_login(editor)
    assert_admin_permission_denied(client.get("/admin/reports/search-misses/"))


def test_a_search_with_results_is_not_a_miss(client, officer_be):
    from modelsearch.backends import get_search_backend

    from portal.models import UpdateIndexPage

    get_search_backend().add(UpdateIndexPage.objects.get())  # "Presidency updates"
    client.force_login(officer_be)
    response = client.get("/search/", {"q": "Presidency"})
    assert soup_of(response).find(string=lambda text: text and "Presidency updates" in text)
    assert not SearchMiss.objects.exists()


# --- The model moved from the portal app to the search app, with its table and permissions ---


def test_the_table_is_the_one_the_portal_app_created():
    assert SearchMiss._meta.app_label == "search"
    assert SearchMiss._meta.db_table == "portal_searchmiss"


def test_a_group_holding_the_view_permission_reaches_the_report(client, make_user):
    reader = make_user(roles=["editor"])
    group = Group.objects.create(name="Search report readers")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="search", codename="view_searchmiss")
    )
    reader.groups.add(group)
    client.force_login(reader)
    assert client.get("/admin/reports/search-misses/").status_code == 200


def test_the_migration_moves_the_portal_content_type_with_its_permissions():
    """A database from before the move has the content type portal.searchmiss (with the
    permissions groups hold); the search app's first migration renames it."""
    migration = importlib.import_module("search.migrations.0001_initial")
    schema_editor = SimpleNamespace(connection=connection)
    content_type = ContentType.objects.get_for_model(SearchMiss)
    view = Permission.objects.get(content_type=content_type, codename="view_searchmiss")
    group = Group.objects.create(name="Search report readers")
    group.permissions.add(view)
    ContentType.objects.filter(pk=content_type.pk).update(app_label="portal")

    migration.content_type_to_search(django_apps, schema_editor)

    content_type.refresh_from_db()
    assert (content_type.app_label, content_type.model) == ("search", "searchmiss")
    assert list(group.permissions.all()) == [view]
    assert view.content_type_id == content_type.pk

    migration.content_type_to_portal(django_apps, schema_editor)  # backwards
    content_type.refresh_from_db()
    assert content_type.app_label == "portal"
    ContentType.objects.filter(pk=content_type.pk).update(app_label="search")
    ContentType.objects.clear_cache()
