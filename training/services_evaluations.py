"""Writes on evaluations: a participant's answers, and the invitations emailed when an
evaluation opens (after the session; 3 and 6 months later). Conventions of training.services.

- Who answers: the nominee of a confirmed nomination, once the session is over, unless the
  organiser recorded them as no-show on every recorded day. One answer per participant and
  kind (constraint); answers are not changed once sent.
- When: the session's evaluation from the end of its last day; the follow-ups from the same
  day 3 and 6 calendar months after the last day. They stay open (a late answer still says
  something about the transfer to the job).
- Invitations: `evaluation_invitations_send` (the task `send_evaluation_invitations`, enqueued
  daily by `manage.py send_training_evaluations`) emails every participant whose evaluation
  opened in the last INVITE_WITHIN_DAYS days and who has no invitation of that kind yet. The
  invitation row and the email are one transaction per participant: a second run (or a
  concurrent one) finds the row and sends nothing; a failed email leaves no row and is sent
  by the next run."""

from __future__ import annotations

import calendar
import datetime
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from training.models import (
    Attendance,
    EvaluationAnswer,
    EvaluationInvitation,
    EvaluationKind,
    EvaluationResponse,
    Nomination,
    Questionnaire,
    Session,
)
from training.models.evaluations import EVALUATION_MONTHS, questionnaire_kind

if TYPE_CHECKING:
    from portal.models import User

logger = logging.getLogger(__name__)

INVITE_WITHIN_DAYS = 30
MAX_TEXT = 5000


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def opens_on(session: Session, kind: str) -> datetime.date:
    """The first day (at the venue) on which the evaluation of `kind` can be answered."""
    if kind == EvaluationKind.SESSION:
        return session.last_day
    return add_months(session.last_day, EVALUATION_MONTHS[kind])


def is_open(session: Session, kind: str, now: datetime.datetime | None = None) -> bool:
    now = now or timezone.now()
    if session.is_cancelled or now < session.local_end:
        return False
    if kind == EvaluationKind.SESSION:
        return True
    return timezone.localtime(now, session.tzinfo).date() >= opens_on(session, kind)


def absent_throughout(nomination: Nomination) -> bool:
    """Recorded as no-show on every recorded day (and recorded at least once)."""
    statuses = set(
        Attendance.objects.filter(nomination=nomination).values_list("status", flat=True)
    )
    return bool(statuses) and not statuses & set(Attendance.PRESENT)


def may_answer(
    user: User, nomination: Nomination, kind: str, now: datetime.datetime | None = None
) -> bool:
    return (
        nomination.nominee_id == user.pk
        and nomination.status == Nomination.Status.CONFIRMED
        and is_open(nomination.session, kind, now)
        and not absent_throughout(nomination)
    )


@transaction.atomic
def evaluation_submit(
    *,
    actor: User,
    nomination: Nomination,
    kind: str,
    answers: Mapping[int, int | str | None],
    now: datetime.datetime | None = None,
) -> EvaluationResponse:
    """Save a participant's answers: `answers` maps a question id to a score (1-5) for a
    Likert question, to a text for a free-text one. Missing required answers, scores out of
    range, or a second answer of the same kind are refused; nothing is half-saved."""
    if kind not in EvaluationKind.values:
        raise ValidationError("Unknown evaluation.")
    nomination = Nomination.objects.select_related("session__course").get(pk=nomination.pk)
    if nomination.nominee_id != actor.pk or nomination.status != Nomination.Status.CONFIRMED:
        raise PermissionDenied("Only the session's confirmed participants answer its evaluation.")
    now = now or timezone.now()
    if not is_open(nomination.session, kind, now):
        raise ValidationError("This evaluation is not open.")
    if absent_throughout(nomination):
        raise ValidationError("You were recorded as absent from the session.")
    if EvaluationResponse.objects.filter(nomination=nomination, kind=kind).exists():
        raise ValidationError("You have already answered this evaluation. Thank you.")
    questionnaire = Questionnaire.current(questionnaire_kind(kind))
    if questionnaire is None:
        raise ValidationError("There is no questionnaire for this evaluation yet.")
    questions = list(questionnaire.questions.all())
    errors, cleaned = {}, []
    for question in questions:
        key = f"q{question.pk}"
        value = answers.get(question.pk)
        if question.is_likert:
            if value in (None, ""):
                if question.required:
                    errors[key] = "Choose a value from 1 to 5."
                continue
            try:
                score = int(value)
            except (TypeError, ValueError):
                score = 0
            if not 1 <= score <= 5:
                errors[key] = "Choose a value from 1 to 5."
                continue
            cleaned.append(EvaluationAnswer(question=question, score=score))
        else:
            text = (value or "").strip()
            if not text:
                if question.required:
                    errors[key] = "Please answer this question."
                continue
            if len(text) > MAX_TEXT:
                errors[key] = f"Keep it under {MAX_TEXT:,} characters."
                continue
            cleaned.append(EvaluationAnswer(question=question, text=text))
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            response = EvaluationResponse.objects.create(
                nomination=nomination, kind=kind, questionnaire=questionnaire, submitted_at=now
            )
    except IntegrityError:  # the same answer sent twice at once
        raise ValidationError("You have already answered this evaluation. Thank you.") from None
    for answer in cleaned:
        answer.response = response
    EvaluationAnswer.objects.bulk_create(cleaned)
    return response


def invitations_due(*, now: datetime.datetime | None = None) -> list[tuple[Nomination, str]]:
    """[(nomination, kind)] whose evaluation opened in the last INVITE_WITHIN_DAYS days and
    who were not invited to it yet."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    oldest = add_months(today, -6) - datetime.timedelta(days=INVITE_WITHIN_DAYS + 1)
    sessions = Session.objects.filter(
        status=Session.Status.SCHEDULED, last_day__gte=oldest, last_day__lte=today
    ).select_related("course")
    due = []
    invited = set(
        EvaluationInvitation.objects.filter(nomination__session__in=sessions).values_list(
            "nomination_id", "kind"
        )
    )
    answered = set(
        EvaluationResponse.objects.filter(nomination__session__in=sessions).values_list(
            "nomination_id", "kind"
        )
    )
    confirmed = Nomination.objects.filter(
        session__in=sessions, status=Nomination.Status.CONFIRMED
    ).select_related("nominee", "session__course")
    for nomination in confirmed:
        session = nomination.session
        for kind in EvaluationKind.values:
            if (nomination.pk, kind) in invited or (nomination.pk, kind) in answered:
                continue
            if not is_open(session, kind, now):
                continue
            if (today - opens_on(session, kind)).days > INVITE_WITHIN_DAYS:
                continue
            due.append((nomination, kind))
    return due


def evaluation_invitations_send(*, now: datetime.datetime | None = None) -> int:
    """Email each due invitation once (see the module's docstring). Returns the number sent."""
    from training import emails_delivery

    now = now or timezone.now()
    sent = 0
    for nomination, kind in invitations_due(now=now):
        nominee = nomination.nominee
        if not nominee.is_active or not nominee.email or absent_throughout(nomination):
            continue
        try:
            with transaction.atomic():
                EvaluationInvitation.objects.create(nomination=nomination, kind=kind, sent_at=now)
                emails_delivery.send_evaluation_invitation(nomination=nomination, kind=kind)
        except IntegrityError:
            continue  # another run sent it
        except Exception:  # noqa: BLE001 - the next run tries again (no row was kept)
            logger.exception("Evaluation invitation for nomination %s failed", nomination.pk)
            continue
        sent += 1
    return sent
