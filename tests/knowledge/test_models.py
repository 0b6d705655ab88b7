import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from knowledge.models import (
    CountryFactSheetsPage,
    CrossBorderRule,
    FactSheetIndexPage,
    FactSheetPage,
    KnowledgeIndexPage,
)
from knowledge.topics import TOPIC_CHOICES, TOPICS, topic_by_slug
from portal.models import Country
from tests.knowledge.factories import country, make_obstacle, make_practice, make_sheet

pytestmark = pytest.mark.django_db

HOT_PURSUIT_NL = {
    "action": "hot_pursuit",
    "neighbour": "NL",
    "apprehension": "b",
    "limit_km": None,
    "limit_hours": None,
    "offences": "extraditable",
    "transport": "land,sea",
    "notify": "Federal police information and communication centre",
}


def test_tree_exists_with_one_country_page_per_country():
    assert KnowledgeIndexPage.objects.live().count() == 1
    assert FactSheetIndexPage.objects.live().count() == 1
    assert CountryFactSheetsPage.objects.count() == Country.objects.count() == 31
    assert CountryFactSheetsPage.objects.get(country__code="BE").url_path.endswith(
        "/knowledge/factsheets/be/"
    )


def test_topics():
    assert [t.slug for t in TOPICS][:3] == [
        "cross-border-surveillance",
        "controlled-deliveries",
        "hot-pursuit",
    ]
    assert len(TOPIC_CHOICES) == 11
    assert topic_by_slug("hot-pursuit").reference == "Art. 41 CISA"
    assert topic_by_slug("nope") is None


def test_sheet_takes_country_from_parent_and_denormalises_search_fields():
    sheet = make_sheet("BE", "hot-pursuit", rules=[HOT_PURSUIT_NL])
    assert sheet.country.code == "BE"
    assert sheet.search_country == "BE"
    assert sheet.search_topic == "hot-pursuit"
    text = sheet.structured_text()
    assert "no limit in time" in text
    assert "no limit in space" in text
    assert "right to apprehend" in text
    assert "Netherlands" in text


def test_second_sheet_on_same_topic_is_refused():
    make_sheet("BE", "hot-pursuit")
    with pytest.raises(ValidationError):
        make_sheet("BE", "hot-pursuit", title="Again")
    assert FactSheetPage.objects.filter(country__code="BE").count() == 1


def test_database_refuses_duplicate_country_topic():
    sheet = make_sheet("BE", "arms")
    with pytest.raises(IntegrityError), transaction.atomic():
        FactSheetPage.objects.filter(pk=sheet.pk).update(
            topic="hot-pursuit", search_topic="hot-pursuit"
        )
        other = make_sheet("BE", "languages")
        FactSheetPage.objects.filter(pk=other.pk).update(
            topic="hot-pursuit", search_topic="hot-pursuit"
        )


@pytest.mark.parametrize(
    "changes",
    [
        {"limit_km": 0},
        {"limit_hours": 0},
        {"action": "invade"},
        {"apprehension": "c"},
        {"transport": "rail"},
    ],
)
def test_rule_constraints(changes):
    sheet = make_sheet("BE", "hot-pursuit", rules=[HOT_PURSUIT_NL])
    rule = sheet.cross_border_rules.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        CrossBorderRule.objects.filter(pk=rule.pk).update(**changes)


def test_one_rule_per_action_and_neighbour():
    sheet = make_sheet("BE", "hot-pursuit", rules=[HOT_PURSUIT_NL])
    with pytest.raises(IntegrityError), transaction.atomic():
        CrossBorderRule.objects.create(page=sheet, action="hot_pursuit", neighbour=country("NL"))


def test_review_due_and_overdue():
    sheet = make_sheet(
        "DE", "arms", last_reviewed=datetime.date(2025, 1, 31), review_interval_months=1
    )
    assert sheet.review_due == datetime.date(2025, 2, 28)
    assert sheet.is_overdue_on(datetime.date(2025, 2, 28))
    assert not sheet.is_overdue_on(datetime.date(2025, 2, 27))


def test_practice_and_obstacle_search_country_is_lowest_code():
    practice = make_practice(countries=("NL", "BE"), tags=["triage"])
    assert practice.search_country == "BE"
    obstacle = make_obstacle(countries=("LU", "FR"))
    assert obstacle.search_country == "FR"


def test_rule_apprehension_only_for_hot_pursuit():
    sheet = make_sheet("BE", "cross-border-surveillance")
    rule = CrossBorderRule(
        page=sheet, action="surveillance", neighbour=country("NL"), apprehension="b"
    )
    with pytest.raises(ValidationError):
        rule.full_clean()


def test_contact_languages_are_normalised_and_checked():
    from knowledge.models import ContactPoint

    sheet = make_sheet("BE", "channels-and-contact-points")
    contact = ContactPoint(page=sheet, service="spoc", name="SPOC", languages=" FR, nl ,en")
    contact.full_clean()
    assert contact.languages == "fr,nl,en"
    contact.languages = "french"
    with pytest.raises(ValidationError):
        contact.full_clean()


def test_obstacle_status_published_from_the_admin_is_recorded(admin):
    obstacle = make_obstacle(status="open")
    draft = obstacle.get_latest_revision_as_object()
    draft.status = "raised_with_dapix"
    draft.save_revision(user=admin).publish(user=admin)
    steps = list(obstacle.status_changes.order_by("changed_at", "pk"))
    assert [(s.from_status, s.to_status) for s in steps] == [
        ("", "open"),
        ("open", "raised_with_dapix"),
    ]
    assert steps[1].changed_by == admin
    # Republishing without a status change adds nothing.
    draft = obstacle.get_latest_revision_as_object()
    draft.title = "Renamed"
    draft.save_revision(user=admin).publish(user=admin)
    assert obstacle.status_changes.count() == 2


def test_obstacle_status_change_service_checks_rights(admin):
    from django.core.exceptions import PermissionDenied

    from knowledge.services import obstacle_status_change
    from tests.factories import user_in

    obstacle = make_obstacle()
    editor = user_in("BE", "editor")
    with pytest.raises(PermissionDenied):
        obstacle_status_change(user=editor, obstacle=obstacle, to_status="solved")
    with pytest.raises(ValidationError):
        obstacle_status_change(user=admin, obstacle=obstacle, to_status="open")
    with pytest.raises(ValidationError):
        obstacle_status_change(user=admin, obstacle=obstacle, to_status="closed")
    assert obstacle.status_changes.count() == 1


def test_admin_history_and_texts_are_read_only(client, admin):
    make_obstacle()
    client.force_login(admin)
    assert client.get("/admin/knowledge/obstacle-history/").status_code == 200
    assert client.get("/admin/knowledge/document-texts/").status_code == 200
    # No one may add to the history: Wagtail's "no permission" answer, back to the dashboard.
    response = client.get("/admin/knowledge/obstacle-history/new/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
