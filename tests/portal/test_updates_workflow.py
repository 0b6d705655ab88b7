"""Presidency updates go through Wagtail's moderation workflow: a presidency editor drafts and
submits, a presidency approver publishes, nobody else can publish. Driven through the admin."""

import datetime

import pytest
from django.core import mail
from wagtail.models import Page, TaskState, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from portal.models import UpdateIndexPage, UpdatePage
from tests.factories import user_in
from tests.helpers import assert_admin_permission_denied, assert_sent_to_admin_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def index():
    return UpdateIndexPage.objects.get()


def update_form_data(title="Council conclusions on SPOCs", slug="council-conclusions", **extra):
    data = nested_form_data(
        {
            "title": title,
            "slug": slug,
            "date": "2026-11-20",
            "audience": "network",
            "summary": "The Council adopted conclusions on the network.",
            "body": rich_text("<p>The Council adopted conclusions.</p>"),
            "documents": inline_formset([]),
        }
    )
    data.update(extra)
    return data


def add_url(index):
    return f"/admin/pages/add/portal/updatepage/{index.pk}/"


def test_presidency_editor_submits_but_cannot_publish(client, index):
    editor = user_in("IE", "presidency", email="presidency.ie@example.eu")
    client.force_login(editor)

    response = client.post(add_url(index), update_form_data(**{"action-submit": "Submit"}))
    assert response.status_code == 302, response.content[:2000]

    page = UpdatePage.objects.get(slug="council-conclusions")
    assert not page.live
    state = WorkflowState.objects.get(object_id=str(page.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.workflow.name == "Presidency update approval"
    # Nobody is told about an update that is not out.
    assert [m for m in mail.outbox if "Council conclusions" in m.subject] == []

    # A direct publish through the edit view does not publish: the editor lacks the right.
    response = client.post(
        f"/admin/pages/{page.pk}/edit/",
        update_form_data(**{"action-publish": "Publish"}),
    )
    page.refresh_from_db()
    assert not page.live
    assert not UpdatePage.objects.live().filter(pk=page.pk).exists()
    # ...nor does creating a page with the publish button.
    client.post(add_url(index), update_form_data(slug="sneaky", **{"action-publish": "Publish"}))
    sneaky = UpdatePage.objects.filter(slug="sneaky").first()
    assert sneaky is None or not sneaky.live
    # The editor's user-visible publish permission is absent.
    perms = page.permissions_for_user(editor)
    assert perms.can_edit()
    assert not perms.can_publish()


def test_approver_approves_in_workflow_and_update_goes_live(
    client, index, django_capture_on_commit_callbacks
):
    editor = user_in("IE", "presidency")
    approver = user_in("IE", "head", "presidency_approver")
    member = user_in("DE", "officer", email="officer.de@example.eu")
    client.force_login(editor)
    client.post(add_url(index), update_form_data(**{"action-submit": "Submit"}))
    page = UpdatePage.objects.get(slug="council-conclusions")
    task_state = TaskState.objects.get(
        workflow_state__object_id=str(page.pk), status=TaskState.STATUS_IN_PROGRESS
    )

    # The editor cannot approve their own submission.
    response = client.post(
        f"/admin/pages/workflow/action/{page.pk}/approve/{task_state.pk}/", {"comment": ""}
    )
    page.refresh_from_db()
    assert not page.live

    # The update is not visible on the site before approval.
    client.force_login(member)
    assert client.get("/updates/council-conclusions/").status_code == 404

    client.force_login(approver)
    # The approver sees the update waiting for them on the admin dashboard.
    dashboard = client.get("/admin/")
    assert "Council conclusions on SPOCs" in dashboard.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/pages/workflow/action/{page.pk}/approve/{task_state.pk}/",
            {"comment": "Fine."},
        )
    assert response.status_code == 302
    assert response["Location"] == f"/admin/pages/{page.pk}/edit/"
    page.refresh_from_db()
    assert page.live
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_APPROVED
    assert WorkflowState.objects.get(pk=task_state.workflow_state_id).status == (
        WorkflowState.STATUS_APPROVED
    )

    client.force_login(member)
    response = client.get("/updates/council-conclusions/")
    assert response.status_code == 200
    assert "Council conclusions on SPOCs" in response.content.decode()
    # Publication emailed the member (through the task).
    assert any(m.to == ["officer.de@example.eu"] for m in mail.outbox)


def test_approver_can_reject_and_update_stays_draft(client, index):
    editor = user_in("IE", "presidency")
    approver = user_in("IE", "presidency_approver")
    client.force_login(editor)
    client.post(add_url(index), update_form_data(**{"action-submit": "Submit"}))
    page = UpdatePage.objects.get(slug="council-conclusions")
    task_state = TaskState.objects.get(
        workflow_state__object_id=str(page.pk), status=TaskState.STATUS_IN_PROGRESS
    )
    client.force_login(approver)
    client.post(
        f"/admin/pages/workflow/action/{page.pk}/reject/{task_state.pk}/",
        {"comment": "Please add the annex."},
    )
    page.refresh_from_db()
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_REJECTED
    assert not page.live


def test_approver_can_publish_directly(client, index):
    approver = user_in("IE", "presidency_approver")
    client.force_login(approver)
    response = client.post(add_url(index), update_form_data(**{"action-publish": "Publish"}))
    assert response.status_code == 302
    page = UpdatePage.objects.get(slug="council-conclusions")
    assert page.live


@pytest.mark.parametrize("role", ["officer", "head", "agency", "trainer"])
def test_other_roles_cannot_create_or_publish_updates(client, index, role):
    user = user_in("BE", role)
    client.force_login(user)
    response = client.post(add_url(index), update_form_data(**{"action-publish": "Publish"}))
    if role == "trainer":  # trainers use the admin (the trainer pool), not the updates
        assert_admin_permission_denied(response)
    else:
        assert_sent_to_admin_login(response, add_url(index))
    assert not UpdatePage.objects.filter(slug="council-conclusions").exists()


def test_national_editor_reaches_admin_but_not_the_updates(client, index):
    editor = user_in("BE", "editor")
    client.force_login(editor)
    assert client.get("/admin/").status_code == 200
    # No permission on the updates index: no add form, no edit of existing updates.
    assert_admin_permission_denied(client.get(add_url(index)))
    existing = UpdatePage(
        title="Existing update",
        slug="existing",
        date=datetime.date(2026, 11, 1),
        summary="Already out.",
        body="<p>Out.</p>",
    )
    index.add_child(instance=existing)
    existing.save_revision().publish()
    response = client.post(
        f"/admin/pages/{existing.pk}/edit/",
        update_form_data(title="Hijacked", slug="existing", **{"action-publish": "Publish"}),
    )
    assert_admin_permission_denied(response)
    assert Page.objects.get(pk=existing.pk).title == "Existing update"
    assert not existing.permissions_for_user(editor).can_publish()


@pytest.mark.parametrize("role", ["officer", "head"])
def test_officers_and_heads_do_not_reach_the_admin(client, role):
    client.force_login(user_in("BE", role))
    assert_sent_to_admin_login(client.get("/admin/"), "/admin/")


def test_presidency_editor_cannot_bulk_publish(client, index):
    editor = user_in("IE", "presidency")
    client.force_login(editor)
    client.post(add_url(index), update_form_data(**{"action-submit": "Submit"}))
    page = UpdatePage.objects.get(slug="council-conclusions")
    client.post(
        f"/admin/bulk/wagtailcore/page/publish/?id={page.pk}&next=/admin/",
        {"include_descendants": ""},
    )
    page.refresh_from_db()
    assert not page.live


def test_approver_can_bulk_publish(client, index):
    editor = user_in("IE", "presidency")
    client.force_login(editor)
    client.post(add_url(index), update_form_data(**{"action-submit": "Submit"}))
    page = UpdatePage.objects.get(slug="council-conclusions")
    client.force_login(user_in("IE", "presidency_approver"))
    client.post(
        f"/admin/bulk/wagtailcore/page/publish/?id={page.pk}&next=/admin/",
        {"include_descendants": ""},
    )
    page.refresh_from_db()
    assert page.live
