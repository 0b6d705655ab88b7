"""Helpers the meeting services share: row locks, the permission checks several services make,
and cleaning a title."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError

from meetings import permissions
from meetings.models import (
    MeetingPage,
)
from meetings.selectors import delegation_scope

if TYPE_CHECKING:
    from portal.models import User


def meeting_locked(meeting: MeetingPage) -> MeetingPage:
    """The meeting row, locked until the transaction ends: registrations of one meeting are
    counted and written one transaction at a time (SELECT ... FOR UPDATE on PostgreSQL; on
    SQLite the IMMEDIATE transaction already holds the write lock)."""
    return MeetingPage.objects.select_for_update().get(pk=meeting.pk)


def delegation_scope_or_deny(actor: User, meeting: MeetingPage) -> dict[str, Any]:
    """Whose delegation the actor registers: a Head of SPOC's country, or the agency of an
    agency representative whose agency is invited to the meeting (same cap per delegation)."""
    scope = delegation_scope(user=actor, meeting=meeting)
    if scope is not None:
        return scope
    raise PermissionDenied(
        "Only a Head of SPOC, or an invited agency's representative, registers delegates."
    )


def presidency_or_deny(actor: User, what: str = "This") -> None:
    if not permissions.is_presidency(actor):
        raise PermissionDenied(f"{what} is for the Presidency (the organisers) only.")


def clean_title(title: str | None, *, max_length: int = 200) -> str:
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "Give a title."})
    if len(title) > max_length:
        raise ValidationError(
            {"title": f"The title is too long ({max_length} characters at most)."}
        )
    return title
