"""Meeting pages: create and update (through a published revision), the year pages, and the
calendar identity.

Calendar identity: a meeting's SEQUENCE (RFC 5545 §3.8.7.4) is raised whenever a
*published* change touches its time, place or status — the changes after which calendar
clients must update their copy. `meeting_calendar_sync` is the one place that rule lives; it
runs on every publication (admin, workflow approval, scheduled publishing, these services),
through the page_published hand-off in meetings.signal_handlers.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from meetings.calendar import SIGNIFICANT_FIELDS, meeting_calendar_state
from meetings.models import (
    MeetingIndexPage,
    MeetingPage,
    MeetingYearPage,
    time_zone_names,
)
from meetings.selectors import forget_upcoming
from meetings.services.itip import enqueue_participant_update
from portal.reference import presidency_on

if TYPE_CHECKING:
    from portal.models import PresidencyTerm, User

EDITABLE_FIELDS = frozenset({"title", "presidency", "description", *SIGNIFICANT_FIELDS})


@transaction.atomic
def meeting_calendar_sync(*, meeting: MeetingPage) -> int:
    """Record the published meeting's time, place and status; raise its SEQUENCE when they
    differ from what was last published. Idempotent: publishing the same values again (or a
    description-only edit) leaves SEQUENCE alone. Returns the stored sequence."""
    row = MeetingPage.objects.select_for_update().get(pk=meeting.pk)
    state = meeting_calendar_state(row)
    sequence = row.ical_sequence
    if row.ical_state and row.ical_state != state:
        sequence += 1
    if state != row.ical_state or sequence != row.ical_sequence:
        MeetingPage.objects.filter(pk=row.pk).update(ical_state=state, ical_sequence=sequence)
    if sequence != row.ical_sequence:
        enqueue_participant_update(row.pk)  # new REQUEST (or CANCEL) to the participants
    meeting.ical_state = state
    meeting.ical_sequence = sequence
    forget_upcoming()
    transaction.on_commit(forget_upcoming)  # and again once others can see it
    return sequence


def meeting_year_page(*, year: int) -> MeetingYearPage:
    """The archive page for `year`, created (published) under the Meetings index if missing."""
    page = MeetingYearPage.objects.filter(year=year).first()
    if page is not None:
        return page
    index = MeetingIndexPage.objects.first()
    if index is None:
        raise ValidationError("The Meetings index page is missing.")
    page = MeetingYearPage(title=str(year), slug=str(year), year=year)
    index.add_child(instance=page)
    page.save_revision().publish()
    return page


def _validate(meeting):
    if meeting.time_zone not in time_zone_names():
        raise ValidationError({"time_zone": f"Unknown time zone: {meeting.time_zone}."})
    for name in ("start", "end"):
        value = getattr(meeting, name)
        if value is None or value.tzinfo is None:
            raise ValidationError({name: "Give an aware date and time."})
    if meeting.end <= meeting.start:
        raise ValidationError({"end": "The meeting must end after it starts."})
    if meeting.status not in MeetingPage.Status.values:
        raise ValidationError({"status": f"Unknown status: {meeting.status}."})


def _default_presidency(meeting):
    if meeting.presidency_id is None:
        meeting.presidency = presidency_on(meeting.start.astimezone(meeting.tzinfo).date())


@transaction.atomic
def meeting_create(
    *,
    title: str,
    start: datetime.datetime,
    end: datetime.datetime,
    time_zone: str,
    all_day: bool = False,
    venue: str = "",
    online_url: str = "",
    status: str = MeetingPage.Status.PLANNED,
    description: str = "",
    presidency: PresidencyTerm | None = None,
    slug: str | None = None,
    user: User | None = None,
    publish: bool = True,
) -> MeetingPage:
    """Create a meeting under its year's page; the host Presidency defaults to the one in
    office on the start date (in the meeting's time zone)."""
    meeting = MeetingPage(
        title=title,
        start=start,
        end=end,
        time_zone=time_zone,
        all_day=all_day,
        venue=venue,
        online_url=online_url,
        status=status,
        description=description,
        presidency=presidency,
        owner=user,
    )
    if slug:
        meeting.slug = slug
    meeting.live = False  # until published
    _validate(meeting)
    _default_presidency(meeting)
    parent = meeting_year_page(year=meeting.start.astimezone(meeting.tzinfo).year)
    parent.add_child(instance=meeting)
    revision = meeting.save_revision(user=user)
    if publish:
        revision.publish(user=user)
        meeting.refresh_from_db()
    return meeting


@transaction.atomic
def meeting_update(
    *,
    meeting: MeetingPage,
    user: User | None = None,
    publish: bool = True,
    skip_permission_checks: bool = False,
    **changes: Any,
) -> MeetingPage:
    """Change a meeting and (by default) publish it. SEQUENCE goes up when the published time,
    place or status changes (see meeting_calendar_sync), not for title or description edits.
    `skip_permission_checks` for callers that checked the user's right themselves (the
    Presidency picking a poll's date), whatever Wagtail's page permissions say.

    A publishing change starts from the live page, never from the latest draft, and is refused
    while a draft or a workflow is pending: otherwise a change nobody approved (a new online
    link, say) would go live, with calendar emails, through a poll decision. Without publishing,
    the change is added to the latest draft."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError(f"Cannot change {', '.join(sorted(unknown))} here.")
    live = MeetingPage.objects.select_for_update().get(pk=meeting.pk)
    if publish:
        if live.has_unpublished_changes or live.workflow_in_progress:
            raise ValidationError(
                "This meeting has changes waiting for approval. Publish or discard them "
                "first, then try again."
            )
        meeting = live
    else:
        meeting = live.get_latest_revision_as_object()
    for name, value in changes.items():
        setattr(meeting, name, value)
    _validate(meeting)
    _default_presidency(meeting)
    revision = meeting.save_revision(user=user)
    if publish:
        revision.publish(user=user, skip_permission_checks=skip_permission_checks)
    return MeetingPage.objects.get(pk=meeting.pk)
