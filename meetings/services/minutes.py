"""Minutes (versioned plain text, approved by the Presidency) and action items."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from meetings import permissions
from meetings.models import (
    ActionItem,
    MeetingPage,
    Minutes,
    MinutesVersion,
)
from meetings.services.common import clean_title, meeting_locked, presidency_or_deny
from portal.models import OrganisationKind

if TYPE_CHECKING:
    from meetings.models import AgendaItem
    from portal.models import Country, Organisation, User


class StaleMinutesError(ValidationError):
    """Someone saved a newer version since the editor started."""


def _minutes_locked(meeting):
    Minutes.objects.get_or_create(meeting=meeting)
    return Minutes.objects.select_for_update().get(meeting=meeting)


def _clean_minutes_text(value, *, name, max_length=100_000):
    value = (value or "").replace("\r\n", "\n").strip()
    if len(value) > max_length:
        raise ValidationError({name: f"Too long ({max_length} characters at most)."})
    return value


@transaction.atomic
def minutes_save(
    *,
    actor: User,
    meeting: MeetingPage,
    minutes_text: str,
    conclusions: str = "",
    change_note: str = "",
    base_version: int = 0,
    now: datetime.datetime | None = None,
) -> MinutesVersion:
    """The Presidency saves the minutes: a new version n+1. `base_version` is the version the
    editor started from (0 for none): if someone saved since, nothing is written and a
    StaleMinutesError says so. Approved minutes are locked."""
    presidency_or_deny(actor)
    now = now or timezone.now()
    meeting = MeetingPage.objects.get(pk=meeting.pk)
    if meeting.status == MeetingPage.Status.CANCELLED:
        raise ValidationError("The meeting was cancelled: it has no minutes.")
    if meeting.status != MeetingPage.Status.HELD and now < meeting.start:
        raise ValidationError("Minutes are written once the meeting has started.")
    minutes = _minutes_locked(meeting)
    if minutes.is_approved:
        raise ValidationError("The minutes are approved and locked: no new version can be saved.")
    latest = minutes.versions.aggregate(last=Max("number"))["last"] or 0
    if int(base_version or 0) != latest:
        raise StaleMinutesError(
            f"Someone saved a newer version (version {latest}) since you started editing "
            f"version {base_version or 0}. Reload the page, compare, and save again."
        )
    minutes_text = _clean_minutes_text(minutes_text, name="minutes_text")
    conclusions = _clean_minutes_text(conclusions, name="conclusions")
    if not minutes_text and not conclusions:
        raise ValidationError({"minutes_text": "Write the minutes or the conclusions."})
    change_note = (change_note or "").strip()
    if len(change_note) > 255:
        raise ValidationError({"change_note": "Keep the note to 255 characters."})
    return MinutesVersion.objects.create(
        minutes=minutes,
        number=latest + 1,
        minutes_text=minutes_text,
        conclusions=conclusions,
        change_note=change_note,
        created_by=actor,
        created_at=now,
    )


@transaction.atomic
def minutes_approve(
    *, actor: User, meeting: MeetingPage, version_number: int, now: datetime.datetime | None = None
) -> Minutes:
    """A Presidency approver approves the latest version; the minutes are then locked."""
    if not permissions.can_approve_minutes(actor):
        raise PermissionDenied("Only a Presidency approver approves the minutes.")
    minutes = _minutes_locked(meeting)
    if minutes.is_approved:
        raise ValidationError("The minutes are already approved.")
    latest = minutes.versions.order_by("-number").first()
    if latest is None:
        raise ValidationError("There is no version to approve yet.")
    if int(version_number) != latest.number:
        raise StaleMinutesError(
            f"Someone saved a newer version (version {latest.number}); approve the latest."
        )
    if latest.created_by_id is not None and latest.created_by_id == actor.pk:
        raise PermissionDenied(
            f"You wrote version {latest.number}: another approver approves it "
            "(four-eyes principle)."
        )
    minutes.approved_version = latest
    minutes.approved_at = now or timezone.now()
    minutes.approved_by = actor
    minutes.save(update_fields=["approved_version", "approved_at", "approved_by"])
    return minutes


# Action items

ACTION_CLOSED = (ActionItem.Status.DONE, ActionItem.Status.DROPPED)


def _clean_owner(owner_country, owner_organisation):
    if (owner_country is None) == (owner_organisation is None):
        raise ValidationError("Choose the owner: one country or one agency.")
    if owner_organisation is not None and owner_organisation.kind != OrganisationKind.AGENCY:
        raise ValidationError({"owner_organisation": "Only an agency owns an action itself."})


@transaction.atomic
def action_item_create(
    *,
    actor: User,
    meeting: MeetingPage,
    title: str,
    owner_country: Country | None = None,
    owner_organisation: Organisation | None = None,
    due_date: datetime.date | None = None,
    agenda_item: AgendaItem | None = None,
    description: str = "",
) -> ActionItem:
    presidency_or_deny(actor)
    meeting = meeting_locked(meeting)
    title = clean_title(title, max_length=255)
    _clean_owner(owner_country, owner_organisation)
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise ValidationError({"agenda_item": "Choose an item of this meeting's agenda."})
    return ActionItem.objects.create(
        meeting=meeting,
        agenda_item=agenda_item,
        title=title,
        description=(description or "").strip(),
        owner_country=owner_country,
        owner_organisation=owner_organisation,
        due_date=due_date,
    )


@transaction.atomic
def action_item_set_status(
    *,
    actor: User,
    action: ActionItem,
    status: str,
    note: str = "",
    now: datetime.datetime | None = None,
) -> ActionItem:
    """The owner or the Presidency moves an action on; closing it (done, dropped) records
    when, reopening clears that."""
    action = ActionItem.objects.select_for_update().get(pk=action.pk)
    if not permissions.can_update_action(actor, action):
        raise PermissionDenied("Only the action's owner or the Presidency updates it.")
    if status not in ActionItem.Status.values:
        raise ValidationError({"status": "Choose a known status."})
    note = (note or "").strip()
    if status == ActionItem.Status.DROPPED and not note and not action.status_note:
        raise ValidationError({"note": "Say why the action is dropped."})
    action.status = status
    if note:
        action.status_note = note
    if status in ACTION_CLOSED:
        action.closed_at = action.closed_at or now or timezone.now()
    else:
        action.closed_at = None
    action.save(update_fields=["status", "status_note", "closed_at"])
    return action
