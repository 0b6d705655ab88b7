"""Registrations and delegations: a Head of SPOC (or an agency) registers delegates up to the
meeting's cap, the rest wait in order; withdrawals and swaps; a raised cap fills the new
seats from the waiting lists.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.contrib.auth.base_user import BaseUserManager
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from meetings.models import (
    Registration,
)
from meetings.services.common import delegation_scope_or_deny, meeting_locked
from meetings.services.itip import enqueue_invitation, enqueue_withdrawal

if TYPE_CHECKING:
    from meetings.models import MeetingPage
    from portal.models import User


def _registration_open(meeting, now):
    reason = meeting.registration_closed_reason(now)
    if reason:
        raise ValidationError(reason)


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
    scope = delegation_scope_or_deny(actor, registration.meeting)
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
    actor: User,
    meeting: MeetingPage,
    name: str,
    email: str,
    attendance: str,
    dietary_notes: str = "",
    accessibility_notes: str = "",
    now: datetime.datetime | None = None,
) -> Registration:
    """Register a delegate of the actor's own country (the actor must be its Head of SPOC),
    or of the actor's own agency when it is invited to the meeting. The delegate takes a
    seat while the delegation has fewer confirmed delegates than the meeting's cap, and
    joins the end of its waiting list otherwise."""
    scope = delegation_scope_or_deny(actor, meeting)
    meeting = meeting_locked(meeting)
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
        enqueue_invitation(registration)
    return registration


@transaction.atomic
def registration_withdraw(*, actor: User, registration: Registration) -> Registration | None:
    """Withdraw a delegate of the actor's own country. A freed seat goes at once to the first
    delegate on that country's waiting list. Returns the promoted registration, if any."""
    _own_registration_or_deny(actor, registration)
    meeting = meeting_locked(registration.meeting)
    registration = Registration.objects.filter(pk=registration.pk, meeting=meeting).first()
    if registration is None:
        return None  # already withdrawn (a second click)
    scope = {"country": registration.country, "organisation": registration.organisation}
    freed_seat = registration.status == Registration.Status.CONFIRMED
    if freed_seat:
        enqueue_withdrawal(registration)
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
                enqueue_invitation(promoted)
    _renumber_waiting(meeting, **scope)
    return promoted


@transaction.atomic
def registration_swap(
    *,
    actor: User,
    registration: Registration,
    name: str,
    email: str,
    now: datetime.datetime | None = None,
) -> Registration:
    """Replace a delegate by another person, who keeps the seat (or the place in line)."""
    _own_registration_or_deny(actor, registration)
    meeting = meeting_locked(registration.meeting)
    _registration_open(meeting, now or timezone.now())
    registration = Registration.objects.get(pk=registration.pk, meeting=meeting)
    name, email = _clean_delegate(meeting, name=name, email=email, exclude_pk=registration.pk)
    if registration.status == Registration.Status.CONFIRMED:
        enqueue_withdrawal(
            Registration(meeting=meeting, name=registration.name, email=registration.email)
        )
    registration.name = name
    registration.email = email
    registration.save(update_fields=["name", "email"])
    if registration.status == Registration.Status.CONFIRMED:
        enqueue_invitation(registration)
    return registration


@transaction.atomic
def meeting_delegate_cap_change(*, meeting: MeetingPage) -> list[Registration]:
    """After the cap changes: where a delegation has free seats and people waiting, they move
    up in order. A lowered cap takes no seat away (confirmed delegates keep theirs; new ones
    wait). Idempotent; runs on every publication. Returns the promoted registrations."""
    meeting = meeting_locked(meeting)
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
