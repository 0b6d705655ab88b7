"""iTIP (RFC 5546) invitations, updates and withdrawals by email to registered participants,
and the reminders before the registration deadline and before the meeting.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from meetings import calendar, emails
from meetings.calendar import itip_organizer
from meetings.models import (
    CalendarMessageSent,
    MeetingPage,
    Registration,
    ReminderSent,
)
from meetings.services.common import meeting_locked
from portal.models import Role, User

REGISTRATION_REMINDER_BEFORE = datetime.timedelta(days=7)
MEETING_REMINDER_BEFORE = datetime.timedelta(days=2)
# Meetings nobody should be reminded of.
NO_REMINDER_STATUSES = (
    MeetingPage.Status.CANCELLED,
    MeetingPage.Status.POSTPONED,
    MeetingPage.Status.HELD,
)


# iTIP (RFC 5546) messages to registered participants. Every message carries the meeting's
# stored UID and SEQUENCE; CalendarMessageSent keeps the last one sent to each address, so a
# message is never sent twice at the same sequence, nor ever at a lower one.


def itip_sequence_record(
    *, event: Any, messages: Any, email: str, method: str, now: datetime.datetime | None = None
) -> bool:
    """The one sequencing rule of iTIP messages, for meetings and training sessions alike.
    In the caller's transaction, with `event` (a model with `ical_sequence`) locked: whether
    a `method` message goes to `email` now; if so it is recorded in `messages` (the event's
    `calendar_messages`, a SentCalendarMessage relation) at the event's SEQUENCE. Nothing goes
    when the address already has this method at that sequence; a different message at a
    sequence the address already holds (an invitation after a withdrawal) raises the event's
    SEQUENCE first, so no message is ever sent twice at one sequence or at a lower one."""
    key = email.strip().lower()
    last = messages.filter(email=key).first()
    if last is not None and last.sequence >= event.ical_sequence:
        if last.method == method and last.sequence == event.ical_sequence:
            return False
        type(event).objects.filter(pk=event.pk).update(ical_sequence=last.sequence + 1)
        event.ical_sequence = last.sequence + 1
    messages.update_or_create(
        email=key,
        defaults={
            "method": method,
            "sequence": event.ical_sequence,
            "sent_at": now or timezone.now(),
        },
    )
    return True


@transaction.atomic
def itip_send(
    *,
    meeting: MeetingPage,
    name: str,
    email: str,
    method: str,
    now: datetime.datetime | None = None,
) -> bool:
    """Mail one iTIP message (REQUEST or CANCEL) about `meeting` to one person. Returns
    whether a message went out: nothing is sent when this address already has this method at
    the meeting's sequence. A different message at a sequence the address already holds
    (an invitation after a withdrawal) raises the meeting's SEQUENCE first."""
    if method not in ("REQUEST", "CANCEL"):
        raise ValueError(method)
    meeting = meeting_locked(meeting)
    if not itip_sequence_record(
        event=meeting, messages=meeting.calendar_messages, email=email, method=method, now=now
    ):
        return False
    organizer = itip_organizer(meeting)
    url = emails.meeting_url(meeting)
    if method == "REQUEST":
        body = calendar.itip_request(
            meeting, organizer=organizer, attendees=[(name, email)], url=url, stamp=now
        )
    elif meeting.is_cancelled:
        body = calendar.itip_cancel(
            meeting, organizer=organizer, attendees=[(name, email)], url=url, stamp=now
        )
    else:
        body = calendar.itip_cancel_attendee(
            meeting, organizer=organizer, attendee=(name, email), url=url, stamp=now
        )
    emails.send_itip_email(meeting=meeting, name=name, email=email, method=method, ics=body)
    return True


def itip_invite_registration(*, registration_id: int, now: datetime.datetime | None = None) -> bool:
    """The invitation of one confirmed delegate (after registering, moving up or a swap)."""
    registration = (
        Registration.objects.filter(pk=registration_id, status=Registration.Status.CONFIRMED)
        .select_related("meeting")
        .first()
    )
    if registration is None or not registration.meeting.live:
        return False
    meeting = registration.meeting
    if meeting.is_cancelled or meeting.end < (now or timezone.now()):
        return False
    return itip_send(
        meeting=meeting, name=registration.name, email=registration.email, method="REQUEST"
    )


def itip_withdraw(*, meeting_id: int, name: str, email: str) -> bool:
    """A withdrawn (or replaced) delegate who had been invited gets a CANCEL for themselves."""
    meeting = MeetingPage.objects.filter(pk=meeting_id).first()
    if meeting is None or meeting.end < timezone.now():
        return False
    last = CalendarMessageSent.objects.filter(meeting=meeting, email=email.strip().lower()).first()
    if last is None or last.method == "CANCEL":
        return False  # never invited, or already told
    if Registration.objects.filter(
        meeting=meeting, email__iexact=email, status=Registration.Status.CONFIRMED
    ).exists():
        return False  # registered again meanwhile
    return itip_send(meeting=meeting, name=name, email=email, method="CANCEL")


def itip_update_participants(*, meeting_id: int, now: datetime.datetime | None = None) -> int:
    """After a significant published change: every confirmed participant gets a new REQUEST
    with the raised SEQUENCE, or a CANCEL when the meeting is cancelled. Past meetings (e.g.
    marked as held) are not announced again. Returns the number of messages sent."""
    meeting = MeetingPage.objects.live().filter(pk=meeting_id).first()
    if meeting is None or meeting.end < (now or timezone.now()):
        return 0
    method = "CANCEL" if meeting.is_cancelled else "REQUEST"
    sent = 0
    registrations = Registration.objects.filter(
        meeting=meeting, status=Registration.Status.CONFIRMED
    ).order_by("pk")
    for registration in registrations:
        sent += itip_send(
            meeting=meeting, name=registration.name, email=registration.email, method=method
        )
    return sent


def enqueue_invitation(registration: Registration) -> None:
    from meetings.tasks import send_itip_invitation  # cycle: meetings.tasks imports the services

    registration_id = registration.pk
    transaction.on_commit(lambda: send_itip_invitation.enqueue(registration_id=registration_id))


def enqueue_withdrawal(registration: Registration) -> None:
    from meetings.tasks import send_itip_withdrawal  # cycle: meetings.tasks imports the services

    values = {
        "meeting_id": registration.meeting_id,
        "name": registration.name,
        "email": registration.email,
    }
    transaction.on_commit(lambda: send_itip_withdrawal.enqueue(**values))


def enqueue_participant_update(meeting_id: int) -> None:
    from meetings.tasks import send_itip_updates  # cycle: meetings.tasks imports the services

    transaction.on_commit(lambda: send_itip_updates.enqueue(meeting_id=meeting_id))


# Reminders: heads whose country has registered nobody, a week before the deadline;
# confirmed participants, two days before the meeting. Each goes once (ReminderSent).


def _remind_once(*, meeting, kind, email, send):
    try:
        with transaction.atomic():
            _, created = ReminderSent.objects.get_or_create(
                meeting=meeting, kind=kind, email=email.strip().lower()
            )
            if not created:
                return False
            send()
    except IntegrityError:
        return False  # another worker sent it at the same moment
    return True


def reminders_send(*, now: datetime.datetime | None = None) -> int:
    """Send the reminders that are due at `now`. Returns the number sent."""
    now = now or timezone.now()
    live = MeetingPage.objects.live().exclude(status__in=NO_REMINDER_STATUSES)
    sent = 0
    closing = live.filter(
        registration_deadline__gt=now, registration_deadline__lte=now + REGISTRATION_REMINDER_BEFORE
    ).order_by("registration_deadline", "pk")
    for meeting in closing:
        registered = Registration.objects.filter(meeting=meeting, country__isnull=False).values(
            "country_id"
        )
        heads = (
            User.objects.filter(
                is_active=True,
                groups__portal_role__role=Role.HEAD,
                organisation__country__isnull=False,
            )
            .exclude(organisation__country__in=registered)
            .exclude(email="")
            .distinct()
            .order_by("pk")
        )
        for head in heads:
            sent += _remind_once(
                meeting=meeting,
                kind=ReminderSent.Kind.REGISTRATION,
                email=head.email,
                send=lambda m=meeting, h=head: emails.send_registration_reminder(meeting=m, user=h),
            )
    coming = live.filter(start__gt=now, start__lte=now + MEETING_REMINDER_BEFORE).order_by(
        "start", "pk"
    )
    for meeting in coming:
        for registration in Registration.objects.filter(
            meeting=meeting, status=Registration.Status.CONFIRMED
        ).order_by("pk"):
            sent += _remind_once(
                meeting=meeting,
                kind=ReminderSent.Kind.MEETING,
                email=registration.email,
                send=lambda m=meeting, r=registration: emails.send_meeting_reminder(
                    meeting=m, registration=r
                ),
            )
    return sent
