"""The knowledge demo data: six countries' fact sheets (some overdue), best practices and
obstacles with history, created once however often seeding runs."""

import pytest
from django.utils import timezone
from wagtail.models import Revision

from knowledge.models import (
    BestPracticePage,
    FactSheetPage,
    ObstaclePage,
    ObstacleStatusChange,
)
from portal.demo import run_seeders
from tests.helpers import soup_of

pytestmark = pytest.mark.django_db


def counts():
    return {
        "sheets": FactSheetPage.objects.live().count(),
        "practices": BestPracticePage.objects.live().count(),
        "obstacles": ObstaclePage.objects.live().count(),
        "history": ObstacleStatusChange.objects.count(),
        "revisions": Revision.objects.count(),
    }


def test_seeder_is_idempotent_and_realistic(client):
    run_seeders()
    first = counts()
    run_seeders()
    assert counts() == first

    assert set(FactSheetPage.objects.values_list("country__code", flat=True).distinct()) >= {
        "BE",
        "DE",
        "FR",
        "NL",
        "LU",
        "AT",
    }
    assert first["practices"] >= 5 and first["obstacles"] >= 4
    today = timezone.localdate()
    assert any(sheet.is_overdue_on(today) for sheet in FactSheetPage.objects.all())
    assert not all(sheet.is_overdue_on(today) for sheet in FactSheetPage.objects.all())
    be = FactSheetPage.objects.get(country__code="BE", topic="hot-pursuit")
    assert be.cross_border_rules.filter(neighbour__code="NL", limit_km__isnull=True).exists()
    assert be.legal_bases.exclude(as_of=None).exists()
    assert FactSheetPage.objects.filter(contact_points__available_24_7=True).exists()
    solved = ObstaclePage.objects.get(slug="siena-capacity-small-units")
    assert solved.status == "solved"
    assert list(
        solved.status_changes.order_by("changed_at").values_list("to_status", flat=True)
    ) == ["open", "under_discussion", "solved"]

    # The demo editor of Belgium may edit Belgium's sheets only.
    from portal.models import User

    editor = User.objects.get(email="editor.be@example.eu")
    assert be.permissions_for_user(editor).can_edit()
    de = FactSheetPage.objects.get(country__code="DE", topic="hot-pursuit")
    assert not de.permissions_for_user(editor).can_edit()

    client.force_login(editor)
    assert client.get(be.url).status_code == 200
    matrix = soup_of(client.get("/knowledge/factsheets/")).find(id="fact-sheet-matrix")
    assert len(matrix.select("td.matrix__cell a")) == first["sheets"]
