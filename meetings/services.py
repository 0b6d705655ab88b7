"""Writes on meetings. Each service is one transaction with keyword-only arguments.

Calendar identity: a meeting's SEQUENCE (RFC 5545 §3.8.7.4) is raised whenever a
*published* change touches its time, place or status — the changes after which calendar
clients must update their copy. `meeting_calendar_sync` is the one place that rule lives; it
runs on every publication (admin, workflow approval, scheduled publishing, these services),
through the page_published hand-off in meetings.signal_handlers."""

import datetime
import difflib
import hashlib
import json
from email.utils import parseaddr

from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from meetings import calendar, emails, permissions
from meetings.models import (
    ActionItem,
    ActivityReport,
    ActivityReportSection,
    AgencyInvitation,
    AgendaItem,
    AgendaProposal,
    Attendance,
    CalendarMessageSent,
    DatePoll,
    DatePollAnswer,
    DatePollOption,
    Feedback,
    MeetingIndexPage,
    MeetingPage,
    MeetingYearPage,
    Minutes,
    MinutesVersion,
    ProposalSupport,
    Registration,
    ReminderSent,
    TopicKind,
    time_zone_names,
)
from meetings.selectors import activity_report_written_by, delegation_scope, forget_upcoming
from portal.models import OrganisationKind, Role, User
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
    if sequence != row.ical_sequence:
        _enqueue_participant_update(row.pk)  # new REQUEST (or CANCEL) to the participants
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
def meeting_update(*, meeting, user=None, publish=True, skip_permission_checks=False, **changes):
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


def _own_registration_or_deny(actor, registration):
    scope = _delegation_scope_or_deny(actor, registration.meeting)
    if (registration.country_id, registration.organisation_id) != (
        scope["country"].pk if scope["country"] else None,
        scope["organisation"].pk if scope["organisation"] else None,
    ):
        raise PermissionDenied("This delegate belongs to another delegation.")


def _renumber_waiting(meeting, country, organisation=None):
    waiting = Registration.objects.filter(
        meeting=meeting,
        country=country,
        organisation=organisation,
        status=Registration.Status.WAITING,
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
    """Register a delegate of the actor's own country (the actor must be its Head of SPOC),
    or of the actor's own agency when it is invited to the meeting. The delegate takes a
    seat while the delegation has fewer confirmed delegates than the meeting's cap, and
    joins the end of its waiting list otherwise."""
    scope = _delegation_scope_or_deny(actor, meeting)
    meeting = _meeting_locked(meeting)
    _registration_open(meeting, now or timezone.now())
    if attendance not in Registration.Attendance.values:
        raise ValidationError({"attendance": "Choose in person or remote."})
    name, email = _clean_delegate(meeting, name=name, email=email)
    delegation = Registration.objects.filter(meeting=meeting, **scope)
    confirmed = delegation.filter(status=Registration.Status.CONFIRMED).count()
    if confirmed < meeting.delegates_per_country:
        status, position = Registration.Status.CONFIRMED, None
    else:
        status = Registration.Status.WAITING
        last = delegation.filter(status=Registration.Status.WAITING).aggregate(
            last=Max("position")
        )["last"]
        position = (last or 0) + 1
    registration = Registration.objects.create(
        meeting=meeting,
        **scope,
        name=name,
        email=email,
        attendance=attendance,
        dietary_notes=(dietary_notes or "").strip(),
        accessibility_notes=(accessibility_notes or "").strip(),
        status=status,
        position=position,
        registered_by=actor,
    )
    if status == Registration.Status.CONFIRMED:
        _enqueue_invitation(registration)
    return registration


@transaction.atomic
def registration_withdraw(*, actor, registration):
    """Withdraw a delegate of the actor's own country. A freed seat goes at once to the first
    delegate on that country's waiting list. Returns the promoted registration, if any."""
    _own_registration_or_deny(actor, registration)
    meeting = _meeting_locked(registration.meeting)
    registration = Registration.objects.filter(pk=registration.pk, meeting=meeting).first()
    if registration is None:
        return None  # already withdrawn (a second click)
    scope = {"country": registration.country, "organisation": registration.organisation}
    freed_seat = registration.status == Registration.Status.CONFIRMED
    if freed_seat:
        _enqueue_withdrawal(registration)
    registration.delete()
    promoted = None
    if freed_seat:
        confirmed = Registration.objects.filter(
            meeting=meeting, **scope, status=Registration.Status.CONFIRMED
        ).count()
        if confirmed < meeting.delegates_per_country:
            promoted = (
                Registration.objects.filter(
                    meeting=meeting, **scope, status=Registration.Status.WAITING
                )
                .order_by("position", "pk")
                .first()
            )
            if promoted is not None:
                promoted.status = Registration.Status.CONFIRMED
                promoted.position = None
                promoted.save(update_fields=["status", "position"])
                _enqueue_invitation(promoted)
    _renumber_waiting(meeting, **scope)
    return promoted


@transaction.atomic
def registration_swap(*, actor, registration, name, email, now=None):
    """Replace a delegate by another person, who keeps the seat (or the place in line)."""
    _own_registration_or_deny(actor, registration)
    meeting = _meeting_locked(registration.meeting)
    _registration_open(meeting, now or timezone.now())
    registration = Registration.objects.get(pk=registration.pk, meeting=meeting)
    name, email = _clean_delegate(meeting, name=name, email=email, exclude_pk=registration.pk)
    if registration.status == Registration.Status.CONFIRMED:
        _enqueue_withdrawal(
            Registration(meeting=meeting, name=registration.name, email=registration.email)
        )
    registration.name = name
    registration.email = email
    registration.save(update_fields=["name", "email"])
    if registration.status == Registration.Status.CONFIRMED:
        _enqueue_invitation(registration)
    return registration


# --- Agenda: proposals, agenda items, agency invitations, minutes, action items ------------
#
# Decisions (see also the selectors' block):
# - A proposal is made for a *coming* meeting (neither held nor cancelled, not yet started);
#   support, withdrawal and the Presidency's decision follow the same rule, except that the
#   Presidency may still accept or decline until the meeting is held.
# - Removing an agenda item that came from a proposal puts the proposal back to "proposed",
#   so the Presidency decides on it again.
# - Agency invitations follow the agenda: `agency_invitations_sync` runs after every agenda
#   write. An agency no longer concerned by any item loses its invitation only while the
#   invitation email has not gone out; once notified, the invitation stays (the agency was
#   told and may have registered delegates).
# - Minutes are plain text (rendered with line breaks, escaped), never HTML: nothing to
#   sanitise and an honest line diff.

CLOSED_MEETING_STATUSES = (MeetingPage.Status.HELD, MeetingPage.Status.CANCELLED)


def _delegation_scope_or_deny(actor, meeting):
    """Whose delegation the actor registers: a Head of SPOC's country, or the agency of an
    agency representative whose agency is invited to the meeting (same cap per delegation)."""
    scope = delegation_scope(user=actor, meeting=meeting)
    if scope is not None:
        return scope
    raise PermissionDenied(
        "Only a Head of SPOC, or an invited agency's representative, registers delegates."
    )


def _presidency_or_deny(actor, what="This"):
    if not permissions.is_presidency(actor):
        raise PermissionDenied(f"{what} is for the Presidency (the organisers) only.")


def _meeting_is_coming(meeting, now):
    if meeting.status in CLOSED_MEETING_STATUSES:
        raise ValidationError(
            f"The meeting is {meeting.get_status_display().lower()}: its agenda is closed."
        )
    if meeting.start <= now:
        raise ValidationError("The meeting has already started: its agenda is closed.")


def _clean_title(title, *, max_length=200):
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "Give a title."})
    if len(title) > max_length:
        raise ValidationError(
            {"title": f"The title is too long ({max_length} characters at most)."}
        )
    return title


def _clean_kind(kind):
    if kind not in TopicKind.values:
        raise ValidationError({"kind": "Choose one of the kinds of topic."})
    return kind


def _clean_agencies(agencies):
    agencies = list(agencies or [])
    if any(getattr(a, "kind", None) != OrganisationKind.AGENCY for a in agencies):
        raise ValidationError({"agencies": "Only EU agencies and organisations can be named."})
    return agencies


def _proposer_or_deny(actor):
    """(country, organisation) the actor proposes for: a head's country or their agency."""
    country = permissions.head_country(actor)
    if country is not None:
        return country, None
    agency = permissions.agency_of(actor)
    if agency is not None:
        return None, agency
    raise PermissionDenied("Only a Head of SPOC or an agency proposes agenda topics.")


def _proposal_locked(proposal):
    return AgendaProposal.objects.select_for_update().select_related("meeting").get(pk=proposal.pk)


@transaction.atomic
def proposal_create(*, actor, meeting, title, kind, description="", agencies=(), now=None):
    """A Head of SPOC (for their country) or an agency user (for their agency) proposes a
    topic for a coming meeting."""
    country, organisation = _proposer_or_deny(actor)
    meeting = _meeting_locked(meeting)
    _meeting_is_coming(meeting, now or timezone.now())
    title = _clean_title(title)
    kind = _clean_kind(kind)
    agencies = _clean_agencies(agencies)
    proposal = AgendaProposal.objects.create(
        meeting=meeting,
        title=title,
        description=(description or "").strip(),
        kind=kind,
        country=country,
        organisation=organisation,
        proposed_by=actor,
    )
    proposal.agencies.set(agencies)
    return proposal


@transaction.atomic
def proposal_support(*, actor, proposal, now=None):
    """Another country's Head of SPOC supports a proposal (once per country)."""
    country = permissions.head_country(actor)
    if country is None:
        raise PermissionDenied("Only a Head of SPOC supports a proposal for their country.")
    proposal = _proposal_locked(proposal)
    if proposal.country_id == country.pk:
        raise ValidationError("Your country made this proposal; support comes from others.")
    if proposal.status != AgendaProposal.Status.PROPOSED:
        raise ValidationError(f"The proposal is {proposal.get_status_display().lower()}.")
    _meeting_is_coming(proposal.meeting, now or timezone.now())
    if ProposalSupport.objects.filter(proposal=proposal, country=country).exists():
        raise ValidationError(f"{country.name} already supports this proposal.")
    try:
        with transaction.atomic():
            return ProposalSupport.objects.create(
                proposal=proposal, country=country, supported_by=actor
            )
    except IntegrityError as error:
        raise ValidationError(f"{country.name} already supports this proposal.") from error


@transaction.atomic
def proposal_withdraw(*, actor, proposal):
    """The proposer (their country's head, or their agency's users) withdraws a proposal the
    Presidency has not decided on yet."""
    country, organisation = _proposer_or_deny(actor)
    proposal = _proposal_locked(proposal)
    own = (country is not None and proposal.country_id == country.pk) or (
        organisation is not None and proposal.organisation_id == organisation.pk
    )
    if not own:
        raise PermissionDenied("Only the proposer withdraws a proposal.")
    if proposal.status != AgendaProposal.Status.PROPOSED:
        raise ValidationError(f"The proposal is already {proposal.get_status_display().lower()}.")
    proposal.status = AgendaProposal.Status.WITHDRAWN
    proposal.save(update_fields=["status"])
    return proposal


def _next_position(meeting):
    last = AgendaItem.objects.filter(meeting=meeting).aggregate(last=Max("position"))["last"]
    return (last or 0) + 1


@transaction.atomic
def proposal_accept(*, actor, proposal):
    """The Presidency takes a proposal into the draft agenda: a new item at the end, with the
    proposal's title, kind and agencies, presented by the proposer."""
    _presidency_or_deny(actor)
    proposal = _proposal_locked(proposal)
    meeting = _meeting_locked(proposal.meeting)
    if proposal.status != AgendaProposal.Status.PROPOSED:
        raise ValidationError(f"The proposal is already {proposal.get_status_display().lower()}.")
    if meeting.status in CLOSED_MEETING_STATUSES:
        raise ValidationError(f"The meeting is {meeting.get_status_display().lower()}.")
    item = AgendaItem.objects.create(
        meeting=meeting,
        position=_next_position(meeting),
        title=proposal.title,
        description=proposal.description,
        kind=proposal.kind,
        presenter_country_id=proposal.country_id,
        presenter_organisation_id=proposal.organisation_id,
        proposal=proposal,
    )
    item.agencies.set(proposal.agencies.all())
    proposal.status = AgendaProposal.Status.ACCEPTED
    proposal.save(update_fields=["status"])
    agency_invitations_sync(meeting=meeting)
    return item


@transaction.atomic
def proposal_decline(*, actor, proposal, note):
    _presidency_or_deny(actor)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "Say why the proposal is declined."})
    proposal = _proposal_locked(proposal)
    if proposal.status != AgendaProposal.Status.PROPOSED:
        raise ValidationError(f"The proposal is already {proposal.get_status_display().lower()}.")
    proposal.status = AgendaProposal.Status.DECLINED
    proposal.decision_note = note
    proposal.save(update_fields=["status", "decision_note"])
    return proposal


def _clean_slot(meeting, starts_at, ends_at):
    errors = {}
    for name, value in (("starts_at", starts_at), ("ends_at", ends_at)):
        if value is not None and value.tzinfo is None:
            errors[name] = "Give an aware date and time."
    if errors:
        raise ValidationError(errors)
    if ends_at is not None and starts_at is None:
        raise ValidationError({"starts_at": "Give the start of the slot too."})
    if starts_at is not None:
        if not (meeting.start <= starts_at < meeting.end):
            errors["starts_at"] = "The slot must lie within the meeting's start and end."
        if ends_at is not None:
            if ends_at <= starts_at:
                errors["ends_at"] = "The slot must end after it starts."
            elif ends_at > meeting.end:
                errors["ends_at"] = "The slot must end by the end of the meeting."
    if errors:
        raise ValidationError(errors)


def _clean_presenter(presenter_country, presenter_organisation):
    if presenter_country is not None and presenter_organisation is not None:
        raise ValidationError("Choose a presenting country or an agency, not both.")
    if (
        presenter_organisation is not None
        and presenter_organisation.kind != OrganisationKind.AGENCY
    ):
        raise ValidationError({"presenter_organisation": "Only an agency presents for itself."})


AGENDA_ITEM_FIELDS = (
    "title",
    "description",
    "kind",
    "starts_at",
    "ends_at",
    "presenter_country",
    "presenter_organisation",
)


@transaction.atomic
def agenda_item_create(
    *,
    actor,
    meeting,
    title,
    kind=TopicKind.OTHER,
    description="",
    starts_at=None,
    ends_at=None,
    presenter_country=None,
    presenter_organisation=None,
    agencies=(),
    documents=(),
):
    """The Presidency adds an item at the end of the agenda."""
    _presidency_or_deny(actor)
    meeting = _meeting_locked(meeting)
    item = AgendaItem(meeting=meeting, position=_next_position(meeting))
    return _agenda_item_write(
        item,
        title=title,
        kind=kind,
        description=description,
        starts_at=starts_at,
        ends_at=ends_at,
        presenter_country=presenter_country,
        presenter_organisation=presenter_organisation,
        agencies=agencies,
        documents=documents,
    )


@transaction.atomic
def agenda_item_update(*, actor, item, agencies=None, documents=None, **changes):
    _presidency_or_deny(actor)
    unknown = set(changes) - set(AGENDA_ITEM_FIELDS)
    if unknown:
        raise ValidationError(f"Cannot change {', '.join(sorted(unknown))} here.")
    meeting = _meeting_locked(item.meeting)
    item = AgendaItem.objects.get(pk=item.pk, meeting=meeting)
    values = {name: getattr(item, name) for name in AGENDA_ITEM_FIELDS}
    values.update(changes)
    return _agenda_item_write(
        item,
        agencies=list(item.agencies.all()) if agencies is None else agencies,
        documents=documents,
        **values,
    )


def _agenda_item_write(item, *, agencies, documents, **values):
    meeting = item.meeting
    values["title"] = _clean_title(values["title"])
    values["kind"] = _clean_kind(values["kind"])
    values["description"] = (values.get("description") or "").strip()
    _clean_slot(meeting, values.get("starts_at"), values.get("ends_at"))
    _clean_presenter(values.get("presenter_country"), values.get("presenter_organisation"))
    agencies = _clean_agencies(agencies)
    for name, value in values.items():
        setattr(item, name, value)
    item.save()
    item.agencies.set(agencies)
    if documents is not None:
        item.documents.set(documents)
    agency_invitations_sync(meeting=meeting)
    return item


def _renumber_agenda(meeting):
    for number, item_pk in enumerate(
        AgendaItem.objects.filter(meeting=meeting)
        .order_by("position", "pk")
        .values_list("pk", flat=True),
        start=1,
    ):
        AgendaItem.objects.filter(pk=item_pk).exclude(position=number).update(position=number)


@transaction.atomic
def agenda_item_delete(*, actor, item):
    """Remove an item; the ones after it move up. A proposal behind it is open again."""
    _presidency_or_deny(actor)
    meeting = _meeting_locked(item.meeting)
    item = AgendaItem.objects.filter(pk=item.pk, meeting=meeting).first()
    if item is None:
        return  # already removed (a second click)
    if item.proposal_id is not None:
        AgendaProposal.objects.filter(pk=item.proposal_id).update(
            status=AgendaProposal.Status.PROPOSED
        )
    item.delete()
    _renumber_agenda(meeting)
    agency_invitations_sync(meeting=meeting)


@transaction.atomic
def agenda_item_move(*, actor, item, direction):
    """Swap an item with its neighbour above ("up") or below ("down"). At either end, nothing
    moves."""
    _presidency_or_deny(actor)
    if direction not in ("up", "down"):
        raise ValidationError("Move an item up or down.")
    meeting = _meeting_locked(item.meeting)
    item = AgendaItem.objects.get(pk=item.pk, meeting=meeting)
    siblings = AgendaItem.objects.filter(meeting=meeting)
    if direction == "up":
        other = siblings.filter(position__lt=item.position).order_by("-position").first()
    else:
        other = siblings.filter(position__gt=item.position).order_by("position").first()
    if other is None:
        return item
    mine, theirs = item.position, other.position
    AgendaItem.objects.filter(pk=item.pk).update(position=0)  # positions start at 1
    AgendaItem.objects.filter(pk=other.pk).update(position=mine)
    AgendaItem.objects.filter(pk=item.pk).update(position=theirs)
    item.position = theirs
    return item


@transaction.atomic
def agency_invitations_sync(*, meeting):
    """Invite every agency an agenda item concerns (linking the first such item); drop the
    invitations of agencies no item concerns any more, unless they were already notified.
    New invitations are emailed to the agency's representatives once committed."""
    concerned = {}
    for item_pk, organisation_pk in (
        AgendaItem.agencies.through.objects.filter(agendaitem__meeting=meeting)
        .order_by("agendaitem__position", "organisation_id")
        .values_list("agendaitem_id", "organisation_id")
    ):
        concerned.setdefault(organisation_pk, item_pk)
    existing = {
        invitation.organisation_id: invitation
        for invitation in AgencyInvitation.objects.filter(meeting=meeting)
    }
    created = []
    for organisation_pk, item_pk in concerned.items():
        invitation = existing.get(organisation_pk)
        if invitation is None:
            created.append(
                AgencyInvitation.objects.create(
                    meeting=meeting, organisation_id=organisation_pk, agenda_item_id=item_pk
                )
            )
        elif invitation.agenda_item_id != item_pk:
            AgencyInvitation.objects.filter(pk=invitation.pk).update(agenda_item_id=item_pk)
    gone = [inv.pk for org_pk, inv in existing.items() if org_pk not in concerned]
    if gone:
        AgencyInvitation.objects.filter(pk__in=gone, notified_at__isnull=True).delete()
        AgencyInvitation.objects.filter(pk__in=gone).update(agenda_item=None)
    if created:
        from meetings.agenda_tasks import send_agency_invitation

        ids = [invitation.pk for invitation in created]
        transaction.on_commit(
            lambda: [send_agency_invitation.enqueue(invitation_id=pk) for pk in ids]
        )
    return created


@transaction.atomic
def meeting_delegate_cap_change(*, meeting):
    """After the cap changes: where a delegation has free seats and people waiting, they move
    up in order. A lowered cap takes no seat away (confirmed delegates keep theirs; new ones
    wait). Idempotent; runs on every publication. Returns the promoted registrations."""
    meeting = _meeting_locked(meeting)
    promoted = []
    delegations = (
        Registration.objects.filter(meeting=meeting, status=Registration.Status.WAITING)
        .order_by()
        .values_list("country_id", "organisation_id")
        .distinct()
    )
    for country_id, organisation_id in list(delegations):
        scope = {"country_id": country_id, "organisation_id": organisation_id}
        rows = Registration.objects.filter(meeting=meeting, **scope)
        free = (
            meeting.delegates_per_country
            - rows.filter(status=Registration.Status.CONFIRMED).count()
        )
        if free <= 0:
            continue
        for registration in rows.filter(status=Registration.Status.WAITING).order_by(
            "position", "pk"
        )[:free]:
            Registration.objects.filter(pk=registration.pk).update(
                status=Registration.Status.CONFIRMED, position=None
            )
            promoted.append(registration)
        for number, pk in enumerate(
            rows.filter(status=Registration.Status.WAITING)
            .order_by("position", "pk")
            .values_list("pk", flat=True),
            start=1,
        ):
            Registration.objects.filter(pk=pk).update(position=number)
    return promoted


# Minutes


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
    *, actor, meeting, minutes_text, conclusions="", change_note="", base_version=0, now=None
):
    """The Presidency saves the minutes: a new version n+1. `base_version` is the version the
    editor started from (0 for none): if someone saved since, nothing is written and a
    StaleMinutesError says so. Approved minutes are locked."""
    _presidency_or_deny(actor)
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
def minutes_approve(*, actor, meeting, version_number, now=None):
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


def minutes_diff(old, new):
    """Unified line diff between two versions' texts, as (kind, line) pairs for display
    (escaped by the template)."""

    def lines(version):
        if version is None:
            return []
        return [
            "## Minutes",
            *version.minutes_text.splitlines(),
            "## Conclusions",
            *version.conclusions.splitlines(),
        ]

    rows = []
    for line in difflib.unified_diff(
        lines(old),
        lines(new),
        fromfile=f"version {old.number if old else 0}",
        tofile=f"version {new.number}",
        lineterm="",
    ):
        if line.startswith(("+++", "---")):
            kind = "file"
        elif line.startswith("@@"):
            kind = "hunk"
        elif line.startswith("+"):
            kind = "added"
        elif line.startswith("-"):
            kind = "removed"
        else:
            kind = "same"
        rows.append((kind, line))
    return rows


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
    actor,
    meeting,
    title,
    owner_country=None,
    owner_organisation=None,
    due_date=None,
    agenda_item=None,
    description="",
):
    _presidency_or_deny(actor)
    meeting = _meeting_locked(meeting)
    title = _clean_title(title, max_length=255)
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
def action_item_set_status(*, actor, action, status, note="", now=None):
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


# --- Date polls, iTIP emails, reminders, attendance, feedback ------------------------------
# (m-polls) The Presidency offers candidate dates and picks one; registered participants get
# iTIP invitations (REQUEST / CANCEL) by email, reminders, and after the meeting the
# attendance record and a short feedback form.

FEEDBACK_EDIT_DAYS = 30
REGISTRATION_REMINDER_BEFORE = datetime.timedelta(days=7)
MEETING_REMINDER_BEFORE = datetime.timedelta(days=2)
# Meetings nobody should be reminded of.
NO_REMINDER_STATUSES = (
    MeetingPage.Status.CANCELLED,
    MeetingPage.Status.POSTPONED,
    MeetingPage.Status.HELD,
)


def _poll_locked(poll):
    return DatePoll.objects.select_for_update().get(pk=poll.pk)


@transaction.atomic
def date_poll_open(*, actor, meeting, options, closes_at=None, note="", now=None):
    """Offer candidate dates for a meeting: `options` is a list of (start, end) aware
    datetimes, at least two, each ending after it starts, no two alike."""
    _presidency_or_deny(actor, "Opening a date poll")
    now = now or timezone.now()
    meeting = _meeting_locked(meeting)
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


def date_poll_is_open(poll, now=None):
    now = now or timezone.now()
    return poll.status == DatePoll.Status.OPEN and (poll.closes_at is None or now < poll.closes_at)


@transaction.atomic
def date_poll_answer(*, actor, poll, answers, country=None, now=None):
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
def date_poll_close(*, actor, poll):
    """Stop taking answers (the Presidency then picks a date)."""
    _presidency_or_deny(actor, "Closing a date poll")
    poll = _poll_locked(poll)
    if poll.status == DatePoll.Status.OPEN:
        poll.status = DatePoll.Status.CLOSED
        poll.save(update_fields=["status"])
    return poll


@transaction.atomic
def date_poll_decide(*, actor, poll, option, now=None):
    """Pick a candidate: the poll closes with that date and the meeting takes its start and
    end (published, so the calendar SEQUENCE goes up and participants are told). The heads
    are emailed the chosen date."""
    _presidency_or_deny(actor, "Picking the date")
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

    from meetings.tasks import send_date_poll_decision

    transaction.on_commit(lambda: send_date_poll_decision.enqueue(poll_id=poll.pk))
    return poll


# iTIP (RFC 5546) messages to registered participants. Every message carries the meeting's
# stored UID and SEQUENCE; CalendarMessageSent keeps the last one sent to each address, so a
# message is never sent twice at the same sequence, nor ever at a lower one.


def itip_organizer(meeting):
    _, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    if meeting.presidency_id:
        name = f"{meeting.presidency.country.name} Presidency"
    else:
        name = settings.WAGTAIL_SITE_NAME
    return name, address or "portal@localhost"


@transaction.atomic
def itip_send(*, meeting, name, email, method, now=None):
    """Mail one iTIP message (REQUEST or CANCEL) about `meeting` to one person. Returns
    whether a message went out: nothing is sent when this address already has this method at
    the meeting's sequence. A different message at a sequence the address already holds
    (an invitation after a withdrawal) raises the meeting's SEQUENCE first."""
    if method not in ("REQUEST", "CANCEL"):
        raise ValueError(method)
    meeting = _meeting_locked(meeting)
    key = email.strip().lower()
    last = CalendarMessageSent.objects.filter(meeting=meeting, email=key).first()
    if last is not None and last.sequence >= meeting.ical_sequence:
        if last.method == method and last.sequence == meeting.ical_sequence:
            return False
        MeetingPage.objects.filter(pk=meeting.pk).update(ical_sequence=last.sequence + 1)
        meeting.ical_sequence = last.sequence + 1
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
    CalendarMessageSent.objects.update_or_create(
        meeting=meeting,
        email=key,
        defaults={
            "method": method,
            "sequence": meeting.ical_sequence,
            "sent_at": now or timezone.now(),
        },
    )
    emails.send_itip_email(meeting=meeting, name=name, email=email, method=method, ics=body)
    return True


def itip_invite_registration(*, registration_id, now=None):
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


def itip_withdraw(*, meeting_id, name, email):
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


def itip_update_participants(*, meeting_id, now=None):
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


def _enqueue_invitation(registration):
    from meetings.tasks import send_itip_invitation

    registration_id = registration.pk
    transaction.on_commit(lambda: send_itip_invitation.enqueue(registration_id=registration_id))


def _enqueue_withdrawal(registration):
    from meetings.tasks import send_itip_withdrawal

    values = {
        "meeting_id": registration.meeting_id,
        "name": registration.name,
        "email": registration.email,
    }
    transaction.on_commit(lambda: send_itip_withdrawal.enqueue(**values))


def _enqueue_participant_update(meeting_id):
    from meetings.tasks import send_itip_updates

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


def reminders_send(*, now=None):
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


# Attendance and feedback after the meeting.

ATTENDANCE_CHOICES = ("in_person", "remote", "absent")


@transaction.atomic
def attendance_record(*, actor, meeting, entries, now=None):
    """Record who came: `entries` maps registration ids to in_person / remote / absent, for
    the meeting's confirmed delegates, once the meeting has started. Re-recording replaces."""
    _presidency_or_deny(actor, "Recording attendance")
    meeting = _meeting_locked(meeting)
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


def feedback_window(meeting, now=None):
    """(may_give_now, reason): feedback opens when the meeting ends and may be edited for
    FEEDBACK_EDIT_DAYS days."""
    now = now or timezone.now()
    if meeting.is_cancelled:
        return False, "The meeting was cancelled."
    if now < meeting.end:
        return False, "Feedback opens when the meeting has ended."
    if now > meeting.end + datetime.timedelta(days=FEEDBACK_EDIT_DAYS):
        return False, "Feedback closed 30 days after the meeting."
    return True, ""


@transaction.atomic
def feedback_give(*, actor, meeting, rating, useful_topics="", suggestions="", now=None):
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
def meeting_mark_held(*, actor, meeting, now=None):
    """The Presidency's one click after the meeting: status "held" (the participants are not
    emailed about it: the meeting is over)."""
    _presidency_or_deny(actor, "Marking a meeting as held")
    now = now or timezone.now()
    if now < meeting.end:
        raise ValidationError("A meeting can be marked as held once it has ended.")
    if meeting.status in (MeetingPage.Status.CANCELLED, MeetingPage.Status.HELD):
        raise ValidationError(f"The meeting is {meeting.get_status_display().lower()}.")
    return meeting_update(
        meeting=meeting, user=actor, skip_permission_checks=True, status=MeetingPage.Status.HELD
    )


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
    report.editors.add(actor)
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
    report.editors.add(actor)
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
    """Approve the report and lock it. An approver (or administrator) who neither created it
    nor edited any of its sections."""
    if not permissions.can_approve_activity_reports(actor):
        raise PermissionDenied("Only a Presidency approver approves the activity report.")
    report = _report_locked(report)
    if activity_report_written_by(report, actor):
        raise PermissionDenied(
            "You created or edited this report: another approver approves it "
            "(four-eyes principle)."
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
