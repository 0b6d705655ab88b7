"""Editing rights by country and the review workflow, driven through the Wagtail admin:
national editors of country X edit only X's fact sheets, submit changes for review, and the
Knowledge reviewers publish them."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import TaskState, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from knowledge.models import FactSheetPage
from portal.services import user_set_roles
from tests.factories import user_in
from tests.helpers import assert_admin_permission_denied, soup_of
from tests.knowledge.factories import country_page, make_practice, make_sheet

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_be():
    return user_in("BE", "editor", email="editor.be@example.eu")


@pytest.fixture
def reviewer():
    user = user_in("DE", "officer", email="reviewer@example.eu")
    user.groups.add(Group.objects.get(name="Knowledge reviewers"))
    return user


def sheet_form_data(
    title="Hot pursuit into Belgium", slug="hot-pursuit", topic="hot-pursuit", rules=(), **extra
):
    data = nested_form_data(
        {
            "title": title,
            "slug": slug,
            "topic": topic,
            "language": "en",
            "summary": "Benelux officers may apprehend.",
            "last_reviewed": "2026-11-01",
            "review_interval_months": "12",
            "cross_border_rules": inline_formset(list(rules)),
            "contact_points": inline_formset([]),
            "legal_bases": inline_formset([]),
            "body": rich_text("<p>Details.</p>"),
            "documents": inline_formset([]),
        }
    )
    data.update(extra)
    return data


def add_url(code):
    return f"/admin/pages/add/knowledge/factsheetpage/{country_page(code).pk}/"


def test_editor_is_in_their_countrys_group_only(editor_be, admin):
    names = set(editor_be.groups.values_list("name", flat=True))
    assert "Fact sheet editors BE" in names
    assert not any(
        name.startswith("Fact sheet editors") and name != "Fact sheet editors BE" for name in names
    )
    # Losing the editor role takes them out of it.
    user_set_roles(actor=admin, user=editor_be, roles=["officer"])
    assert not editor_be.groups.filter(name__startswith="Fact sheet editors").exists()
    # An officer (not an editor) is in no editor group.
    officer = user_in("DE", "officer")
    assert not officer.groups.filter(name__startswith="Fact sheet editors").exists()


def test_editor_moving_to_another_country_follows(editor_be):
    from portal.models import Organisation

    editor_be.organisation = Organisation.objects.get(slug="spoc-nl")
    editor_be.save()
    names = set(editor_be.groups.values_list("name", flat=True))
    assert "Fact sheet editors NL" in names and "Fact sheet editors BE" not in names


def test_editor_edits_own_country_sheet_but_not_another(client, editor_be):
    be = make_sheet("BE", "hot-pursuit")
    de = make_sheet("DE", "hot-pursuit")
    client.force_login(editor_be)
    assert client.get(f"/admin/pages/{be.pk}/edit/").status_code == 200
    assert_admin_permission_denied(client.get(f"/admin/pages/{de.pk}/edit/"))
    assert client.get(add_url("BE")).status_code == 200
    assert_admin_permission_denied(client.get(add_url("DE")))
    # Publishing is not theirs: it goes through the review workflow.
    assert not be.permissions_for_user(editor_be).can_publish()
    # Reader page: the edit link and the review button only on their own sheet.
    assert soup_of(client.get(be.url)).find("a", string="Edit this fact sheet")
    assert not soup_of(client.get(de.url)).find("a", string="Edit this fact sheet")


def test_editor_cannot_post_changes_to_another_countrys_sheet(client, editor_be):
    de = make_sheet("DE", "hot-pursuit", title="Original")
    client.force_login(editor_be)
    client.post(
        f"/admin/pages/{de.pk}/edit/", sheet_form_data(title="Hijacked", **{"action-submit": "1"})
    )
    de.refresh_from_db()
    assert de.title == "Original"
    assert de.get_latest_revision().as_object().title == "Original"


def test_editor_submits_a_new_sheet_and_a_reviewer_publishes_it(client, editor_be, reviewer):
    client.force_login(editor_be)
    rule = {
        "action": "hot_pursuit",
        "neighbour": str(country_page("NL").country.pk),
        "apprehension": "b",
        "limit_km": "",
        "limit_hours": "",
        "offences": "extraditable",
        "notify": "CIC",
        "conditions": "",
    }
    data = sheet_form_data(rules=[rule], **{"action-submit": "1"})
    data["cross_border_rules-0-transport"] = ["land", "sea"]  # a multiple choice
    response = client.post(add_url("BE"), data)
    assert response.status_code == 302, soup_of(response).select(".error-message, .help-critical")
    sheet = FactSheetPage.objects.get(country__code="BE", topic="hot-pursuit")
    assert not sheet.live
    assert sheet.search_country == "BE"
    state = WorkflowState.objects.get(object_id=str(sheet.pk))
    assert state.workflow.name == "Fact sheet review"
    assert client.get("/knowledge/factsheets/be/hot-pursuit/").status_code == 404

    task_state = TaskState.objects.get(workflow_state=state, status=TaskState.STATUS_IN_PROGRESS)
    # The editor cannot approve their own change.
    client.post(
        f"/admin/pages/workflow/action/{sheet.pk}/approve/{task_state.pk}/", {"comment": ""}
    )
    sheet.refresh_from_db()
    assert not sheet.live

    client.force_login(reviewer)
    response = client.post(
        f"/admin/pages/workflow/action/{sheet.pk}/approve/{task_state.pk}/", {"comment": "OK"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/admin/pages/{sheet.pk}/edit/"
    sheet.refresh_from_db()
    assert sheet.live
    rule = sheet.cross_border_rules.get()
    assert rule.transport == "land,sea" and rule.limit_km is None
    client.force_login(editor_be)
    assert client.get("/knowledge/factsheets/be/hot-pursuit/").status_code == 200


def test_second_sheet_on_a_topic_is_a_form_error(client, editor_be):
    make_sheet("BE", "hot-pursuit")
    client.force_login(editor_be)
    response = client.post(add_url("BE"), sheet_form_data(slug="hp-2", **{"action-submit": "1"}))
    assert response.status_code == 200
    assert "already has a fact sheet on this topic" in response.content.decode()
    assert FactSheetPage.objects.filter(country__code="BE").count() == 1


def test_editors_may_draft_best_practices_but_not_publish(editor_be):
    practice = make_practice()
    perms = practice.permissions_for_user(editor_be)
    assert perms.can_edit()
    assert not perms.can_publish()


def test_moving_a_sheet_to_another_country_is_refused(client, admin):
    sheet = make_sheet("BE", "arms")
    client.force_login(admin)
    response = client.post(f"/admin/pages/{sheet.pk}/move/{country_page('DE').pk}/confirm/")
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert sheet.get_parent().pk == country_page("BE").pk


def test_editor_previews_a_change_with_its_rules(client, editor_be):
    sheet = make_sheet("BE", "hot-pursuit", title="Hot pursuit into Belgium")
    client.force_login(editor_be)
    rule = {
        "action": "hot_pursuit",
        "neighbour": str(country_page("LU").country.pk),
        "apprehension": "b",
        "limit_km": "25",
        "limit_hours": "",
        "offences": "",
        "notify": "",
        "conditions": "",
    }
    data = sheet_form_data(title="Previewed title", slug=sheet.slug, rules=[rule])
    preview_url = f"/admin/pages/{sheet.pk}/edit/preview/"
    response = client.post(preview_url, data)
    assert response.json()["is_valid"] is True
    response = client.get(preview_url)
    assert response.status_code == 200
    soup = soup_of(response)
    assert soup.h1.get_text() == "Previewed title"
    row = soup.select_one("#rules-hot-pursuit tbody tr")
    assert row.th.get_text() == "Luxembourg" and "25 km" in row.get_text()
    sheet.refresh_from_db()
    assert sheet.title == "Hot pursuit into Belgium"
