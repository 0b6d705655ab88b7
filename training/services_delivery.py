"""Writes on the delivery of sessions: attendance (this module), evaluations and certificates
(training.services_evaluations, training.certificates). Same conventions as
training.services."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from training import permissions_pool
from training.models import Attendance, Nomination

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from portal.models import User
    from training.models import Session


def venue_today(session: Session, now: datetime.datetime | None = None) -> datetime.date:
    """Today at the session's venue."""
    return timezone.localtime(now or timezone.now(), session.tzinfo).date()


def confirmed_participants(session: Session) -> QuerySet[Nomination]:
    return Nomination.objects.filter(
        session=session, status=Nomination.Status.CONFIRMED
    ).select_related("nominee", "country")


@transaction.atomic
def attendance_record(
    *,
    actor: User,
    session: Session,
    marks: Mapping[tuple[int, datetime.date], str],
    now: datetime.datetime | None = None,
) -> int:
    """Record attendance: `marks` maps (nomination id, day) to a status, or to "" to clear
    the record. Only the organiser; only confirmed participants of the session; only days
    of the session that have come (at the venue). All or nothing: one bad mark and nothing is
    saved."""
    if not permissions_pool.can_record_attendance(actor, session):
        raise PermissionDenied("Attendance is recorded by the course's organiser.")
    if session.is_cancelled:
        raise ValidationError("The session is cancelled.")
    now = now or timezone.now()
    today = venue_today(session, now)
    if today < session.first_day:
        raise ValidationError(
            "The session has not started: attendance is recorded from its first day."
        )
    days = set(session.days)
    participants = {n.pk: n for n in confirmed_participants(session)}
    cleaned = {}
    for (nomination_id, day), status in marks.items():
        if nomination_id not in participants:
            raise ValidationError("Attendance is recorded for the confirmed participants only.")
        if isinstance(day, str):
            try:
                day = datetime.date.fromisoformat(day)
            except ValueError:
                raise ValidationError("Unknown day.") from None
        if day not in days:
            raise ValidationError(f"{day:%-d %B %Y} is not a day of the session.")
        status = status or ""
        if status and status not in Attendance.Status.values:
            raise ValidationError("Choose attended, partly or no-show.")
        if status and day > today:
            raise ValidationError(f"{day:%-d %B %Y} has not come yet.")
        cleaned[(nomination_id, day)] = status
    existing = {
        (record.nomination_id, record.day): record
        for record in Attendance.objects.filter(nomination__session=session)
    }
    changed = 0
    for key, status in cleaned.items():
        record = existing.get(key)
        if not status:
            if record is not None:
                record.delete()
                changed += 1
            continue
        if record is None:
            Attendance.objects.create(
                nomination_id=key[0], day=key[1], status=status, recorded_by=actor, recorded_at=now
            )
            changed += 1
        elif record.status != status:
            record.status = status
            record.recorded_by = actor
            record.recorded_at = now
            record.save(update_fields=["status", "recorded_by", "recorded_at"])
            changed += 1
    return changed
