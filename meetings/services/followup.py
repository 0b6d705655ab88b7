"""After the meeting: the attendance record, the participants' feedback, marking it held."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from meetings import permissions
from meetings.models import (
    Attendance,
    Feedback,
    MeetingPage,
    Registration,
)
from meetings.selectors import feedback_window
from meetings.services.common import meeting_locked, presidency_or_deny
from meetings.services.meetings import meeting_update

if TYPE_CHECKING:
    from portal.models import User

ATTENDANCE_CHOICES = ("in_person", "remote", "absent")


@transaction.atomic
def attendance_record(
    *,
    actor: User,
    meeting: MeetingPage,
    entries: Mapping[int, str],
    now: datetime.datetime | None = None,
) -> int:
    """Record who came: `entries` maps registration ids to in_person / remote / absent, for
    the meeting's confirmed delegates, once the meeting has started. Re-recording replaces."""
    presidency_or_deny(actor, "Recording attendance")
    meeting = meeting_locked(meeting)
    now = now or timezone.now()
    if now < meeting.start:
        raise ValidationError("Attendance can be recorded once the meeting has started.")
    registrations = {
        r.pk: r
        for r in Registration.objects.filter(meeting=meeting, status=Registration.Status.CONFIRMED)
    }
    try:
        entries = {int(key): value for key, value in dict(entries).items()}
    except (TypeError, ValueError) as error:
        raise ValidationError("Unknown delegate.") from error
    unknown = set(entries) - set(registrations)
    if unknown:
        raise ValidationError("Attendance can only be recorded for this meeting's delegates.")
    if any(value not in ATTENDANCE_CHOICES for value in entries.values()):
        raise ValidationError("Choose in person, remote or absent for each delegate.")
    for registration_id, value in entries.items():
        present = value != "absent"
        Attendance.objects.update_or_create(
            registration=registrations[registration_id],
            defaults={
                "present": present,
                "mode": value if present else "",
                "recorded_by": actor,
                "recorded_at": now,
            },
        )
    return len(entries)


@transaction.atomic
def feedback_give(
    *,
    actor: User,
    meeting: MeetingPage,
    rating: int,
    useful_topics: str = "",
    suggestions: str = "",
    now: datetime.datetime | None = None,
) -> Feedback:
    """One short feedback per participant (a confirmed delegate) or Head of SPOC; giving it
    again replaces it, until 30 days after the meeting."""
    if not permissions.can_give_feedback(actor, meeting):
        raise PermissionDenied("Feedback is for the meeting's participants and Heads of SPOC.")
    allowed, reason = feedback_window(meeting, now)
    if not allowed:
        raise ValidationError(reason)
    try:
        rating = int(rating)
    except (TypeError, ValueError) as error:
        raise ValidationError({"rating": "Rate the meeting from 1 to 5."}) from error
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": "Rate the meeting from 1 to 5."})
    feedback, _ = Feedback.objects.update_or_create(
        meeting=meeting,
        user=actor,
        defaults={
            "rating": rating,
            "useful_topics": (useful_topics or "").strip()[:2000],
            "suggestions": (suggestions or "").strip()[:2000],
            "created_at": now or timezone.now(),
        },
    )
    return feedback


@transaction.atomic
def meeting_mark_held(
    *, actor: User, meeting: MeetingPage, now: datetime.datetime | None = None
) -> MeetingPage:
    """The Presidency's one click after the meeting: status "held" (the participants are not
    emailed about it: the meeting is over)."""
    presidency_or_deny(actor, "Marking a meeting as held")
    now = now or timezone.now()
    if now < meeting.end:
        raise ValidationError("A meeting can be marked as held once it has ended.")
    if meeting.status in (MeetingPage.Status.CANCELLED, MeetingPage.Status.HELD):
        raise ValidationError(f"The meeting is {meeting.get_status_display().lower()}.")
    return meeting_update(
        meeting=meeting, user=actor, skip_permission_checks=True, status=MeetingPage.Status.HELD
    )
