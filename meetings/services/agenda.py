"""Agenda proposals (made, supported, withdrawn, accepted or declined), agenda items and the
agency invitations that follow them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from meetings import permissions
from meetings.agenda_tasks import send_agency_invitation
from meetings.models import (
    AgencyInvitation,
    AgendaItem,
    AgendaProposal,
    MeetingPage,
    ProposalSupport,
    TopicKind,
)
from meetings.services.common import clean_title, meeting_locked, presidency_or_deny
from portal.models import OrganisationKind

if TYPE_CHECKING:
    from wagtail.documents.models import Document

    from portal.models import Country, Organisation, User

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


def _meeting_is_coming(meeting, now):
    if meeting.status in CLOSED_MEETING_STATUSES:
        raise ValidationError(
            f"The meeting is {meeting.get_status_display().lower()}: its agenda is closed."
        )
    if meeting.start <= now:
        raise ValidationError("The meeting has already started: its agenda is closed.")


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
def proposal_create(
    *,
    actor: User,
    meeting: MeetingPage,
    title: str,
    kind: str,
    description: str = "",
    agencies: Iterable[Organisation] = (),
    now: datetime.datetime | None = None,
) -> AgendaProposal:
    """A Head of SPOC (for their country) or an agency user (for their agency) proposes a
    topic for a coming meeting."""
    country, organisation = _proposer_or_deny(actor)
    meeting = meeting_locked(meeting)
    _meeting_is_coming(meeting, now or timezone.now())
    title = clean_title(title)
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
def proposal_support(
    *, actor: User, proposal: AgendaProposal, now: datetime.datetime | None = None
) -> ProposalSupport:
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
def proposal_withdraw(*, actor: User, proposal: AgendaProposal) -> AgendaProposal:
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
def proposal_accept(*, actor: User, proposal: AgendaProposal) -> AgendaItem:
    """The Presidency takes a proposal into the draft agenda: a new item at the end, with the
    proposal's title, kind and agencies, presented by the proposer."""
    presidency_or_deny(actor)
    proposal = _proposal_locked(proposal)
    meeting = meeting_locked(proposal.meeting)
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
def proposal_decline(*, actor: User, proposal: AgendaProposal, note: str) -> AgendaProposal:
    presidency_or_deny(actor)
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
    actor: User,
    meeting: MeetingPage,
    title: str,
    kind: str = TopicKind.OTHER,
    description: str = "",
    starts_at: datetime.datetime | None = None,
    ends_at: datetime.datetime | None = None,
    presenter_country: Country | None = None,
    presenter_organisation: Organisation | None = None,
    agencies: Iterable[Organisation] = (),
    documents: Iterable[Document] = (),
) -> AgendaItem:
    """The Presidency adds an item at the end of the agenda."""
    presidency_or_deny(actor)
    meeting = meeting_locked(meeting)
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
def agenda_item_update(
    *,
    actor: User,
    item: AgendaItem,
    agencies: Iterable[Organisation] | None = None,
    documents: Iterable[Document] | None = None,
    **changes: Any,
) -> AgendaItem:
    presidency_or_deny(actor)
    unknown = set(changes) - set(AGENDA_ITEM_FIELDS)
    if unknown:
        raise ValidationError(f"Cannot change {', '.join(sorted(unknown))} here.")
    meeting = meeting_locked(item.meeting)
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
    values["title"] = clean_title(values["title"])
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
def agenda_item_delete(*, actor: User, item: AgendaItem) -> None:
    """Remove an item; the ones after it move up. A proposal behind it is open again."""
    presidency_or_deny(actor)
    meeting = meeting_locked(item.meeting)
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
def agenda_item_move(*, actor: User, item: AgendaItem, direction: str) -> AgendaItem:
    """Swap an item with its neighbour above ("up") or below ("down"). At either end, nothing
    moves."""
    presidency_or_deny(actor)
    if direction not in ("up", "down"):
        raise ValidationError("Move an item up or down.")
    meeting = meeting_locked(item.meeting)
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
def agency_invitations_sync(*, meeting: MeetingPage) -> list[AgencyInvitation]:
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
        ids = [invitation.pk for invitation in created]
        transaction.on_commit(
            lambda: [send_agency_invitation.enqueue(invitation_id=pk) for pk in ids]
        )
    return created
