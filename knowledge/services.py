"""Writes of the knowledge base: keyword-only arguments, one transaction each.

- fact_sheet_editor_groups_sync(user=...): a national editor of country X is in the group
  "Fact sheet editors X" (and in no other country's); everyone else in none. Called from the
  signal hand-offs whenever a user's role groups or organisation change.
- fact_sheet_mark_reviewed(user=..., sheet=..., reviewed_on=None): "still correct" — sets the
  last-reviewed date and publishes it without going through the review workflow (the content
  does not change); refused while the sheet has changes waiting for review.
- obstacle_status_change(user=..., obstacle=..., to_status=..., note=""): move an obstacle to
  another status and publish it, recording the step in its history.
- obstacle_status_record(obstacle=..., user=None): on publication, record a status changed
  in the admin (no-op when the history already ends in the current status).
- knowledge_page_published(page=...): queue text extraction of the attached documents and
  a fresh index entry for the page.
- document_text_extract(document_id=...): read a document's text into DocumentText and
  re-index the knowledge pages it is attached to.
- review_reminders_send(today=None): the monthly digest of overdue sheets to each country's
  editors, at most once per country and month.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from modelsearch.index import insert_or_update_object
from wagtail.documents import get_document_model

from knowledge import permissions, selectors
from knowledge.extraction import ExtractionError, extract_text_isolated
from knowledge.models import (
    BestPracticePage,
    DocumentText,
    FactSheetEditorGroup,
    FactSheetPage,
    KnowledgeDocumentPage,
    ObstaclePage,
    ObstacleStatus,
    ObstacleStatusChange,
    ReviewReminder,
)
from portal.models import Role, RoleGroup, User
from portal.tasks import _page_path, absolute_url

if TYPE_CHECKING:
    from wagtail.models import Page

PAGES_WITH_DOCUMENTS = (FactSheetPage, BestPracticePage, ObstaclePage, KnowledgeDocumentPage)


# --- Editing rights -------------------------------------------------------------------------


@transaction.atomic
def fact_sheet_editor_groups_sync(*, user: User) -> int | None:
    """Put `user` in their country's fact-sheet editor group if they are an active national
    editor of a country, and take them out of every other country's group."""
    links = dict(FactSheetEditorGroup.objects.values_list("country_id", "group_id"))
    if not links:
        return None
    is_editor = (
        user.is_active and RoleGroup.objects.filter(role=Role.EDITOR, group__user=user).exists()
    )
    country_id = user.organisation.country_id if user.organisation_id else None
    keep = links.get(country_id) if is_editor else None
    current = set(user.groups.filter(pk__in=links.values()).values_list("pk", flat=True))
    remove = current - {keep}
    if remove:
        user.groups.remove(*remove)
    if keep is not None and keep not in current:
        user.groups.add(keep)
    return keep


# --- Review cycle ---------------------------------------------------------------------------


@transaction.atomic
def fact_sheet_mark_reviewed(
    *, user: User, sheet: FactSheetPage, reviewed_on: datetime.date | None = None
) -> FactSheetPage:
    """Record that the sheet was checked and is still correct."""
    sheet = FactSheetPage.objects.select_for_update().get(pk=sheet.pk)
    if not permissions.can_edit_page(user, sheet):
        raise PermissionDenied("You may not edit this fact sheet.")
    if not sheet.live:
        raise ValidationError("Only a published fact sheet can be marked as reviewed.")
    if sheet.has_unpublished_changes:
        raise ValidationError(
            "This fact sheet has changes waiting for review; it is marked as reviewed when "
            "they are approved."
        )
    today = timezone.localdate()
    reviewed_on = reviewed_on or today
    if reviewed_on > today:
        raise ValidationError("The review date cannot be in the future.")
    sheet.last_reviewed = reviewed_on
    revision = sheet.save_revision(user=user, log_action=True)
    # Only the review date changes, so it goes live without the workflow (the editor has no
    # publish permission of their own; the edit permission was checked above).
    revision.publish(user=user, skip_permission_checks=True)
    sheet.refresh_from_db()
    return sheet


# --- Obstacles ------------------------------------------------------------------------------


@transaction.atomic
def obstacle_status_change(
    *, user: User, obstacle: ObstaclePage, to_status: str, note: str = ""
) -> ObstaclePage:
    """Move the obstacle to `to_status` (published at once) and record the step."""
    if to_status not in ObstacleStatus.values:
        raise ValidationError(f"Unknown status: {to_status}.")
    obstacle = ObstaclePage.objects.select_for_update().get(pk=obstacle.pk)
    if not permissions.can_publish_page(user, obstacle):
        raise PermissionDenied("You may not change the status of this obstacle.")
    if obstacle.has_unpublished_changes:
        raise ValidationError("This obstacle has changes waiting for review.")
    if obstacle.status == to_status:
        raise ValidationError("The obstacle already has this status.")
    ObstacleStatusChange.objects.create(
        obstacle=obstacle,
        from_status=obstacle.status,
        to_status=to_status,
        changed_at=timezone.now(),
        changed_by=user,
        note=note.strip(),
    )
    obstacle.status = to_status
    revision = obstacle.save_revision(user=user, log_action=True)
    revision.publish(user=user)
    obstacle.refresh_from_db()
    return obstacle


@transaction.atomic
def obstacle_status_record(
    *, obstacle: ObstaclePage, user: User | None = None
) -> ObstacleStatusChange | None:
    """After a publication: add a history step if the published status differs from the last
    recorded one (the first publication records "registered as <status>")."""
    last = obstacle.status_changes.order_by("-changed_at", "-pk").first()
    previous = last.to_status if last else ""
    if previous == obstacle.status:
        return None
    return ObstacleStatusChange.objects.create(
        obstacle_id=obstacle.pk,
        from_status=previous,
        to_status=obstacle.status,
        changed_at=timezone.now(),
        changed_by=user,
    )


# --- Documents and search -------------------------------------------------------------------


def knowledge_page_published(*, page: Page) -> None:
    """Hand-offs after a knowledge page is published: extract its documents' text (which
    re-indexes the page when done) and re-index the page itself, now that its child rows
    (rules, contacts, attachments) are saved."""
    from knowledge.tasks import (  # cycle: knowledge.tasks imports the services
        extract_document_text,
        reindex_knowledge_page,
    )

    document_ids = list(page.documents.values_list("document_id", flat=True))
    for document_id in document_ids:
        extract_document_text.enqueue(document_id=document_id)
    reindex_knowledge_page.enqueue(page_id=page.pk)


def pages_with_document(document_id: int) -> list[Page]:
    pages = []
    for model in PAGES_WITH_DOCUMENTS:
        pages += list(model.objects.live().filter(documents__document_id=document_id).distinct())
    return pages


def page_reindex(*, page: Page) -> None:
    insert_or_update_object(page)


def document_text_extract(*, document_id: int, force: bool = False) -> DocumentText | None:
    """Extract the document's text into DocumentText (unless the file is unchanged since the
    last extraction) and re-index the knowledge pages it is attached to. A file that cannot
    be read leaves an empty text and the reason in `error`; it never raises.

    The parse runs in a child process with time and memory limits (knowledge.extraction) and
    outside any transaction: on SQLite a transaction holds the only write lock, and a slow
    file must not stop everyone else's saves. Only the result is written, in a short one."""
    document = get_document_model().objects.filter(pk=document_id).first()
    if document is None:
        return None
    try:
        with document.open_file() as handle:
            data = handle.read()
    except (OSError, ValueError):
        data = None
    if data is None:
        text, error, file_hash = "", "The file could not be opened.", ""
    else:
        file_hash = hashlib.sha1(data, usedforsecurity=False).hexdigest()
        known = DocumentText.objects.filter(document=document).first()
        if not force and known and known.extracted_at and known.file_hash == file_hash:
            return known
        try:
            text = extract_text_isolated(
                document.file.name,
                data,
                timeout_seconds=settings.PORTAL_EXTRACTION_TIMEOUT_SECONDS,
                memory_bytes=settings.PORTAL_EXTRACTION_MEMORY_MB * 1024 * 1024,
            )
            error = ""
        except ExtractionError as exc:
            text, error = "", str(exc)[:500]
    with transaction.atomic():
        record, _created = DocumentText.objects.select_for_update().get_or_create(document=document)
        record.text = text.replace("\x00", "")
        record.error = error
        record.file_hash = file_hash
        record.extracted_at = timezone.now()
        record.save()
    for page in pages_with_document(document.pk):
        page_reindex(page=page)
    return record


# --- Review reminders -----------------------------------------------------------------------


def _editors_by_country(country_ids):
    editors = defaultdict(list)
    users = (
        User.objects.filter(
            is_active=True,
            groups__portal_role__role=Role.EDITOR,
            organisation__country_id__in=country_ids,
        )
        .exclude(email="")
        .select_related("organisation")
        .distinct()
        .order_by("pk")
    )
    for user in users:
        editors[user.organisation.country_id].append(user)
    return editors


def review_reminders_send(*, today: datetime.date | None = None) -> int:
    """Email each country's national editors one digest of their overdue fact sheets, once per
    calendar month (ReviewReminder records what was sent). Returns the number of countries
    reminded this time."""
    today = today or timezone.localdate()
    month = today.replace(day=1)
    overdue = defaultdict(list)
    for sheet in selectors.overdue_fact_sheets(today=today):
        overdue[sheet.country_id].append(sheet)
    if not overdue:
        return 0
    already = set(
        ReviewReminder.objects.filter(month=month, country_id__in=overdue).values_list(
            "country_id", flat=True
        )
    )
    editors = _editors_by_country([pk for pk in overdue if pk not in already])
    sent = 0
    for country_id, sheets in overdue.items():
        recipients = editors.get(country_id)
        if country_id in already or not recipients:
            continue
        with transaction.atomic():
            reminder, created = ReviewReminder.objects.get_or_create(
                country_id=country_id,
                month=month,
                defaults={"sent_at": timezone.now(), "sheet_count": len(sheets)},
            )
            if not created:
                continue
            context = {
                "country": sheets[0].country,
                "sheets": [
                    {"sheet": sheet, "link": absolute_url(_page_path(sheet))} for sheet in sheets
                ],
                "month": month,
                "site_name": settings.WAGTAIL_SITE_NAME,
            }
            subject = (
                f"[SPOC Network] {len(sheets)} fact sheet{'s' if len(sheets) != 1 else ''} "
                f"of {sheets[0].country.name} to review"
            )
            body = render_to_string("knowledge/email/review_reminder.txt", context)
            with get_connection() as connection:
                connection.send_messages(
                    [
                        EmailMultiAlternatives(
                            subject=subject, body=body, to=[user.email], connection=connection
                        )
                        for user in recipients
                    ]
                )
            reminder.recipient_count = len(recipients)
            reminder.save(update_fields=["recipient_count"])
            sent += 1
    return sent
