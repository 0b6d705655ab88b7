"""Date polls: the Presidency offers candidate dates, countries answer, the Presidency closes
the poll and picks one (which moves the meeting).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from meetings import permissions
from meetings.models import (
    DatePoll,
    DatePollAnswer,
    DatePollOption,
    MeetingPage,
)
from meetings.selectors import date_poll_is_open
from meetings.services.common import meeting_locked, presidency_or_deny
from meetings.services.meetings import meeting_update

if TYPE_CHECKING:
    from portal.models import Country, User


def _poll_locked(poll):
    return DatePoll.objects.select_for_update().get(pk=poll.pk)


@transaction.atomic
def date_poll_open(
    *,
    actor: User,
    meeting: MeetingPage,
    options: Sequence[tuple[datetime.datetime, datetime.datetime]],
    closes_at: datetime.datetime | None = None,
    note: str = "",
    now: datetime.datetime | None = None,
) -> DatePoll:
    """Offer candidate dates for a meeting: `options` is a list of (start, end) aware
    datetimes, at least two, each ending after it starts, no two alike."""
    presidency_or_deny(actor, "Opening a date poll")
    now = now or timezone.now()
    meeting = meeting_locked(meeting)
    if meeting.status in (MeetingPage.Status.CANCELLED, MeetingPage.Status.HELD):
        raise ValidationError(f"The meeting is {meeting.get_status_display().lower()}.")
    if DatePoll.objects.filter(meeting=meeting).exists():
        raise ValidationError("This meeting already has a date poll.")
    cleaned = []
    for start, end in options:
        if start is None or end is None or start.tzinfo is None or end.tzinfo is None:
            raise ValidationError("Give each candidate date a start and an end.")
        if end <= start:
            local = timezone.localtime(start, meeting.tzinfo)
            raise ValidationError(
                f"The candidate starting {local:%-d %B %Y %H:%M} must end after it starts."
            )
        if (start, end) in cleaned:
            raise ValidationError("Two candidate dates are the same.")
        cleaned.append((start, end))
    if len(cleaned) < 2:
        raise ValidationError("Offer at least two candidate dates.")
    if closes_at is not None and closes_at <= now:
        raise ValidationError({"closes_at": "The poll must close in the future."})
    poll = DatePoll.objects.create(
        meeting=meeting, closes_at=closes_at, note=(note or "").strip(), created_by=actor
    )
    DatePollOption.objects.bulk_create(
        DatePollOption(poll=poll, start=start, end=end) for start, end in sorted(cleaned)
    )
    return poll


@transaction.atomic
def date_poll_answer(
    *,
    actor: User,
    poll: DatePoll,
    answers: Mapping[int, str],
    country: Country | None = None,
    now: datetime.datetime | None = None,
) -> DatePoll:
    """The actor's country answers every candidate of the poll: `answers` maps option ids to
    yes / if_need_be / no. Only the country's Head of SPOC answers, for their own country;
    answering again replaces the country's answers while the poll is open."""
    own = permissions.head_country(actor)
    if own is None:
        raise PermissionDenied("Only a country's Head of SPOC answers the date poll.")
    if country is not None and getattr(country, "pk", country) != own.pk:
        raise PermissionDenied("You can only answer for your own country.")
    poll = _poll_locked(poll)
    if not date_poll_is_open(poll, now):
        raise ValidationError("The date poll is closed.")
    option_ids = set(poll.options.values_list("pk", flat=True))
    try:
        given = {int(key): value for key, value in answers.items()}
    except (TypeError, ValueError) as error:
        raise ValidationError("Unknown candidate date.") from error
    if set(given) - option_ids:
        raise ValidationError("Unknown candidate date.")
    if set(given) != option_ids:
        raise ValidationError("Answer every candidate date.")
    if any(value not in DatePollAnswer.Answer.values for value in given.values()):
        raise ValidationError("Answer yes, if need be or no.")
    now = now or timezone.now()
    for option_id, value in given.items():
        DatePollAnswer.objects.update_or_create(
            option_id=option_id,
            country=own,
            defaults={"answer": value, "answered_by": actor, "answered_at": now},
        )
    return poll


@transaction.atomic
def date_poll_close(*, actor: User, poll: DatePoll) -> DatePoll:
    """Stop taking answers (the Presidency then picks a date)."""
    presidency_or_deny(actor, "Closing a date poll")
    poll = _poll_locked(poll)
    if poll.status == DatePoll.Status.OPEN:
        poll.status = DatePoll.Status.CLOSED
        poll.save(update_fields=["status"])
    return poll


@transaction.atomic
def date_poll_decide(
    *, actor: User, poll: DatePoll, option: DatePollOption, now: datetime.datetime | None = None
) -> DatePoll:
    """Pick a candidate: the poll closes with that date and the meeting takes its start and
    end (published, so the calendar SEQUENCE goes up and participants are told). The heads
    are emailed the chosen date."""
    presidency_or_deny(actor, "Picking the date")
    poll = _poll_locked(poll)
    if poll.status == DatePoll.Status.DECIDED:
        raise ValidationError("The date has already been chosen.")
    option_id = getattr(option, "pk", option)
    option = DatePollOption.objects.filter(pk=option_id, poll=poll).first()
    if option is None:
        raise ValidationError("That date is not a candidate of this poll.")
    meeting_update(
        meeting=poll.meeting,
        user=actor,
        skip_permission_checks=True,
        start=option.start,
        end=option.end,
    )
    poll.status = DatePoll.Status.DECIDED
    poll.chosen_option = option
    poll.decided_at = now or timezone.now()
    poll.save(update_fields=["status", "chosen_option", "decided_at"])

    from meetings.tasks import send_date_poll_decision  # cycle: meetings.tasks imports the services

    transaction.on_commit(lambda: send_date_poll_decision.enqueue(poll_id=poll.pk))
    return poll
