"""Administrators see the site searches that found nothing, most frequent first."""

import pytest

from portal.models import SearchMiss
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
