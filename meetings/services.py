"""Writes on meetings. Each service is one transaction with keyword-only arguments.

Calendar identity: a meeting's SEQUENCE (RFC 5545 §3.8.7.4) is raised whenever a
*published* change touches its time, place or status — the changes after which calendar
clients must update their copy. `meeting_calendar_sync` is the one place that rule lives; it
runs on every publication (admin, workflow approval, scheduled publishing, these services),
through the page_published hand-off in meetings.signal_handlers."""

import datetime
import hashlib
import json

from django.contrib.auth.base_user import BaseUserManager
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from meetings import permissions
from meetings.models import (
    ActivityReport,
    ActivityReportSection,
    MeetingIndexPage,
    MeetingPage,
    MeetingYearPage,
    Registration,
    time_zone_names,
)
from meetings.selectors import forget_upcoming
from portal.reference import presidency_on

# What calendar clients must be told about: time, place and status.
SIGNIFICANT_FIELDS = ("start", "end", "time_zone", "all_day", "venue", "online_url", "status")
EDITABLE_FIELDS = frozenset({"title", "presidency", "description", *SIGNIFICANT_FIELDS})


def meeting_calendar_state(meeting):
    """A digest of the meeting's significant values (time, place, status)."""
    values = {
        "start": meeting.start.astimezone(datetime.UTC).isoformat(),
        "end": meeting.end.astimezone(datetime.UTC).isoformat(),
        "time_zone": meeting.time_zone,
        "all_day": bool(meeting.all_day),
        "venue": (meeting.venue or "").strip(),
        "online_url": (meeting.online_url or "").strip(),
        "status": meeting.status,
    }
    return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()


def meeting_is_significant_change(old, new):
    """Whether going from `old` to `new` changes time, place or status."""
    return meeting_calendar_state(old) != meeting_calendar_state(new)


@transaction.atomic
def meeting_calendar_sync(*, meeting):
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
    meeting.ical_state = state
    meeting.ical_sequence = sequence
    forget_upcoming()
    transaction.on_commit(forget_upcoming)  # and again once others can see it
    return sequence


def meeting_year_page(*, year):
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
    title,
    start,
    end,
    time_zone,
    all_day=False,
    venue="",
    online_url="",
    status=MeetingPage.Status.PLANNED,
    description="",
    presidency=None,
    slug=None,
    user=None,
    publish=True,
):
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
def meeting_update(*, meeting, user=None, publish=True, **changes):
    """Change a meeting and (by default) publish it. SEQUENCE goes up when the published time,
    place or status changes (see meeting_calendar_sync), not for title or description edits."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError(f"Cannot change {', '.join(sorted(unknown))} here.")
    meeting = MeetingPage.objects.get(pk=meeting.pk).get_latest_revision_as_object()
    for name, value in changes.items():
        setattr(meeting, name, value)
    _validate(meeting)
    _default_presidency(meeting)
    revision = meeting.save_revision(user=user)
    if publish:
        revision.publish(user=user)
    return MeetingPage.objects.get(pk=meeting.pk)


# --- Invitations and delegations -----------------------------------------------------------


def _meeting_locked(meeting):
    """The meeting row, locked until the transaction ends: registrations of one meeting are
    counted and written one transaction at a time (SELECT ... FOR UPDATE on PostgreSQL; on
    SQLite the IMMEDIATE transaction already holds the write lock)."""
    return MeetingPage.objects.select_for_update().get(pk=meeting.pk)


def _registration_open(meeting, now):
    if meeting.status in (MeetingPage.Status.CANCELLED, MeetingPage.Status.HELD):
        raise ValidationError(
            f"Registration is closed: the meeting is {meeting.get_status_display().lower()}."
        )
    if meeting.registration_deadline is not None and now > meeting.registration_deadline:
        deadline = timezone.localtime(meeting.registration_deadline, meeting.tzinfo)
        raise ValidationError(
            f"Registration closed on {deadline:%-d %B %Y at %H:%M} ({meeting.time_zone})."
        )


def _clean_delegate(meeting, *, name, email, exclude_pk=None):
    name = (name or "").strip()
    email = (email or "").strip()
    errors = {}
    if not name:
        errors["name"] = "Give the delegate's name."
    elif len(name) > 200:
        errors["name"] = "The name is too long (200 characters at most)."
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = "Give a valid email address."
    else:
        email = BaseUserManager.normalize_email(email)
        taken = Registration.objects.filter(meeting=meeting, email__iexact=email)
        if exclude_pk is not None:
            taken = taken.exclude(pk=exclude_pk)
        if taken.exists():
            errors["email"] = "This person is already registered for the meeting."
    if errors:
        raise ValidationError(errors)
    return name, email


def _head_country_or_deny(actor):
    country = permissions.head_country(actor)
    if country is None:
        raise PermissionDenied("Only a Head of SPOC registers their country's delegates.")
    return country


def _own_registration_or_deny(actor, registration):
    country = _head_country_or_deny(actor)
    if registration.country_id != country.pk:
        raise PermissionDenied("This delegate belongs to another country's delegation.")


def _renumber_waiting(meeting, country):
    waiting = Registration.objects.filter(
        meeting=meeting, country=country, status=Registration.Status.WAITING
    ).order_by("position", "pk")
    for number, registration in enumerate(waiting, start=1):
        if registration.position != number:
            Registration.objects.filter(pk=registration.pk).update(position=number)


@transaction.atomic
def registration_add(
    *,
    actor,
    meeting,
    name,
    email,
    attendance,
    dietary_notes="",
    accessibility_notes="",
    now=None,
):
    """Register a delegate of the actor's own country (the actor must be its Head of SPOC).
    The delegate takes a seat while the country has fewer confirmed delegates than the
    meeting's cap, and joins the end of the country's waiting list otherwise."""
    country = _head_country_or_deny(actor)
    meeting = _meeting_locked(meeting)
    _registration_open(meeting, now or timezone.now())
    if attendance not in Registration.Attendance.values:
        raise ValidationError({"attendance": "Choose in person or remote."})
    name, email = _clean_delegate(meeting, name=name, email=email)
    delegation = Registration.objects.filter(meeting=meeting, country=country)
    confirmed = delegation.filter(status=Registration.Status.CONFIRMED).count()
    if confirmed < meeting.delegates_per_country:
        status, position = Registration.Status.CONFIRMED, None
    else:
        status = Registration.Status.WAITING
        last = delegation.filter(status=Registration.Status.WAITING).aggregate(
            last=Max("position")
        )["last"]
        position = (last or 0) + 1
    return Registration.objects.create(
        meeting=meeting,
        country=country,
        name=name,
        email=email,
        attendance=attendance,
        dietary_notes=(dietary_notes or "").strip(),
        accessibility_notes=(accessibility_notes or "").strip(),
        status=status,
        position=position,
        registered_by=actor,
    )


@transaction.atomic
def registration_withdraw(*, actor, registration):
    """Withdraw a delegate of the actor's own country. A freed seat goes at once to the first
    delegate on that country's waiting list. Returns the promoted registration, if any."""
    _own_registration_or_deny(actor, registration)
    meeting = _meeting_locked(registration.meeting)
    registration = Registration.objects.filter(pk=registration.pk, meeting=meeting).first()
    if registration is None:
        return None  # already withdrawn (a second click)
    country = registration.country
    freed_seat = registration.status == Registration.Status.CONFIRMED
    registration.delete()
    promoted = None
    if freed_seat:
        confirmed = Registration.objects.filter(
            meeting=meeting, country=country, status=Registration.Status.CONFIRMED
        ).count()
        if confirmed < meeting.delegates_per_country:
            promoted = (
                Registration.objects.filter(
                    meeting=meeting, country=country, status=Registration.Status.WAITING
                )
                .order_by("position", "pk")
                .first()
            )
            if promoted is not None:
                promoted.status = Registration.Status.CONFIRMED
                promoted.position = None
                promoted.save(update_fields=["status", "position"])
    _renumber_waiting(meeting, country)
    return promoted


@transaction.atomic
def registration_swap(*, actor, registration, name, email, now=None):
    """Replace a delegate by another person, who keeps the seat (or the place in line)."""
    _own_registration_or_deny(actor, registration)
    meeting = _meeting_locked(registration.meeting)
    _registration_open(meeting, now or timezone.now())
    registration = Registration.objects.get(pk=registration.pk, meeting=meeting)
    name, email = _clean_delegate(meeting, name=name, email=email, exclude_pk=registration.pk)
    registration.name = name
    registration.email = email
    registration.save(update_fields=["name", "email"])
    return registration


# --- Activity report ------------------------------------------------------------------------
# The Presidency drafts the report to DAPIX from the stored data (meetings.report), edits its
# sections, and an approver approves it. Like Presidency updates, editing and approving are
# split: the approver must hold the presidency_approver role (or be an administrator) and may
# not be the person who created the report (four eyes). An approved report is locked.


def _report_editor_or_deny(actor):
    if not permissions.can_edit_activity_reports(actor):
        raise PermissionDenied("Only the Presidency drafts the activity report.")


def _report_locked(report):
    """The report row, locked until the transaction ends; refuses approved reports."""
    report = ActivityReport.objects.select_for_update().get(pk=report.pk)
    if report.is_approved:
        approved_on = timezone.localtime(report.approved_at)
        raise ValidationError(
            f"This report was approved on {approved_on:%-d %B %Y} and can no longer be changed."
        )
    return report


def activity_report_title(*, period_start, period_end, presidency=None):
    from meetings.report import day

    if presidency is not None and (presidency.starts_on, presidency.ends_on) == (
        period_start,
        period_end,
    ):
        half = "first" if period_start.month <= 6 else "second"
        return (
            f"Activity report of the network of Heads of SPOC to the DAPIX working party, "
            f"{half} half of {period_start.year} (Presidency of {presidency.country.name})"
        )
    return (
        "Activity report of the network of Heads of SPOC to the DAPIX working party, "
        f"{day(period_start)} to {day(period_end)}"
    )


@transaction.atomic
def activity_report_create(*, actor, period_start=None, period_end=None, now=None):
    """Create the draft report for a period (default: the current Presidency semester), its
    sections built from the stored data. One report per period."""
    from meetings.report import activity_report_draft, default_period

    _report_editor_or_deny(actor)
    now = now or timezone.now()
    if period_start is None and period_end is None:
        period_start, period_end, _ = default_period(timezone.localdate(now))
    if period_start is None or period_end is None:
        raise ValidationError("Give both the first and the last day of the period.")
    if period_end < period_start:
        raise ValidationError({"period_end": "The period must end on or after its first day."})
    existing = ActivityReport.objects.filter(
        period_start=period_start, period_end=period_end
    ).first()
    if existing is not None:
        raise ValidationError(f"A report for this period already exists: {existing.title}.")
    presidency = presidency_on(period_start)
    try:
        with transaction.atomic():
            report = ActivityReport.objects.create(
                title=activity_report_title(
                    period_start=period_start, period_end=period_end, presidency=presidency
                ),
                period_start=period_start,
                period_end=period_end,
                presidency=presidency,
                created_by=actor,
                created_at=now,
                updated_at=now,
            )
    except IntegrityError as error:  # the same period created at the same moment
        raise ValidationError("A report for this period already exists.") from error
    sections = activity_report_draft(period_start=period_start, period_end=period_end, now=now)
    ActivityReportSection.objects.bulk_create(
        ActivityReportSection(
            report=report,
            position=position,
            key=section["key"],
            heading=section["heading"],
            body=section["html"],
            updated_by=actor,
            updated_at=now,
        )
        for position, section in enumerate(sections, start=1)
    )
    return report


def _section_for_edit(report, key, version):
    section = ActivityReportSection.objects.filter(report=report, key=key).first()
    if section is None:
        raise ValidationError(f"The report has no section {key!r}.")
    try:
        version = int(version)
    except (TypeError, ValueError) as error:
        raise ValidationError("The section's version is missing; reload the page.") from error
    if section.version != version:
        who = section.updated_by or "someone"
        when = timezone.localtime(section.updated_at)
        raise ValidationError(
            f"“{section.heading}” was changed by {who} on {when:%-d %B %Y at %H:%M} since you "
            "opened it. Reload the page to see the current text, then make your change again."
        )
    return section


def _section_save(report, section, *, actor, body, now):
    updated = ActivityReportSection.objects.filter(pk=section.pk, version=section.version).update(
        body=body, version=F("version") + 1, updated_by=actor, updated_at=now
    )
    if updated != 1:  # pragma: no cover - the report lock makes this unreachable
        raise ValidationError("The section changed meanwhile; reload the page.")
    ActivityReport.objects.filter(pk=report.pk).update(updated_at=now)
    section.refresh_from_db()
    return section


@transaction.atomic
def activity_report_section_update(*, actor, report, key, body, version, now=None):
    """Save a section's text (sanitised HTML). `version` is the one the editor started
    from: when the section was saved since, the edit is refused (nothing is overwritten)."""
    from meetings.report import sanitize_report_html

    _report_editor_or_deny(actor)
    report = _report_locked(report)
    section = _section_for_edit(report, key, version)
    return _section_save(
        report,
        section,
        actor=actor,
        body=sanitize_report_html(body),
        now=now or timezone.now(),
    )


@transaction.atomic
def activity_report_regenerate_section(*, actor, report, key, version, now=None):
    """Build a section again from the current data, replacing its text (same locking)."""
    from meetings.report import ReportContext, report_section_type, section_html

    _report_editor_or_deny(actor)
    report = _report_locked(report)
    section = _section_for_edit(report, key, version)
    section_type = report_section_type(key)
    if section_type is None:
        raise ValidationError(f"“{section.heading}” cannot be built from the data any more.")
    now = now or timezone.now()
    context = ReportContext(period_start=report.period_start, period_end=report.period_end, now=now)
    return _section_save(
        report, section, actor=actor, body=section_html(section_type, context), now=now
    )


@transaction.atomic
def activity_report_approve(*, actor, report, now=None):
    """Approve the report and lock it. An approver (or administrator) who did not create it."""
    if not permissions.can_approve_activity_reports(actor):
        raise PermissionDenied("Only a Presidency approver approves the activity report.")
    report = _report_locked(report)
    if report.created_by_id is not None and report.created_by_id == actor.pk:
        raise PermissionDenied(
            "You created this report: another approver approves it (four-eyes principle)."
        )
    now = now or timezone.now()
    report.status = ActivityReport.Status.APPROVED
    report.approved_by = actor
    report.approved_at = now
    report.updated_at = now
    report.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    return report


@transaction.atomic
def activity_report_delete(*, actor, report):
    """Delete a draft report (e.g. built for the wrong period). Approved reports stay."""
    _report_editor_or_deny(actor)
    report = _report_locked(report)
    report.delete()
