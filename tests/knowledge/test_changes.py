"""Readers see the published versions of a fact sheet and what changed between two of them."""

import pytest

from knowledge.models import CrossBorderRule
from tests.factories import user_in
from tests.helpers import soup_of
from tests.knowledge.factories import country, make_sheet

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(client, officer_be):
    client.force_login(officer_be)
    return client


def _republish(sheet, user, publisher, **changes):
    sheet = sheet.get_latest_revision_as_object()
    rules = changes.pop("rules", None)
    for name, value in changes.items():
        setattr(sheet, name, value)
    if rules is not None:
        sheet.cross_border_rules = rules
    revision = sheet.save_revision(user=user)
    revision.publish(user=publisher)
    return revision


def test_changes_between_two_published_versions(reader, admin):
    author = user_in("BE", "editor", first_name="Sofie", last_name="Peeters")
    sheet = make_sheet(
        "BE",
        "hot-pursuit",
        rules=[{"action": "hot_pursuit", "neighbour": "FR", "apprehension": "a", "limit_km": 10}],
        summary="French officers may pursue 10 km.",
    )
    _republish(
        sheet,
        author,
        admin,
        summary="French officers may pursue <b>without</b> limit.",
        rules=[
            CrossBorderRule(action="hot_pursuit", neighbour=country("FR"), apprehension="a"),
        ],
    )
    response = reader.get(f"/knowledge/factsheets/{sheet.pk}/changes/")
    assert response.status_code == 200
    soup = soup_of(response)
    rows = soup.select("#revisions tbody tr")
    assert len(rows) == 2
    assert "Sofie Peeters" in rows[0].get_text()
    assert admin.get_full_name() in rows[0].get_text()  # approved (published) by
    added = [li.get_text(" ", strip=True) for li in soup.select("#diff .diff__added")]
    removed = [li.get_text(" ", strip=True) for li in soup.select("#diff .diff__removed")]
    assert any("no limit in space" in line for line in added)
    assert any("10 km" in line for line in removed)
    assert any("<b>without</b>" in line for line in added)  # shown as text, not markup
    assert soup.select_one("#diff b") is None
    # The older pair can be asked for explicitly; the same revision twice shows no change.
    newest = rows[0].select_one("a")["href"]
    assert newest.startswith("?from=")
    revision_ids = [option["value"] for option in soup.select("#id_to option")]
    same = reader.get(
        f"/knowledge/factsheets/{sheet.pk}/changes/?from={revision_ids[0]}&to={revision_ids[0]}"
    )
    assert "No differences" in same.content.decode()


def test_drafts_are_not_listed(reader):
    editor = user_in("BE", "editor")
    sheet = make_sheet("BE", "arms", summary="Published text.")
    draft = sheet.get_latest_revision_as_object()
    draft.summary = "Secret draft."
    draft.save_revision(user=editor)
    response = reader.get(f"/knowledge/factsheets/{sheet.pk}/changes/")
    assert "Secret draft" not in response.content.decode()
    assert len(soup_of(response).select("#revisions tbody tr")) == 1


@pytest.mark.parametrize(
    "query",
    ["?from=999999", "?to=abc", "?from=1&to=2"],
)
def test_unknown_revisions_are_404(reader, query):
    sheet = make_sheet("BE", "arms")
    assert reader.get(f"/knowledge/factsheets/{sheet.pk}/changes/{query}").status_code == 404


def test_revision_of_another_sheet_is_404(reader):
    one = make_sheet("BE", "arms")
    other = make_sheet("DE", "arms")
    foreign = other.get_latest_revision().pk
    assert reader.get(f"/knowledge/factsheets/{one.pk}/changes/?to={foreign}").status_code == 404


def test_non_sheet_pages_are_404(reader):
    assert reader.get("/knowledge/factsheets/3/changes/").status_code == 404
    assert reader.get("/knowledge/factsheets/999999/changes/").status_code == 404
