"""Writes on training. Each service is one transaction with keyword-only arguments; the
rules live here (permissions.py says who, these say when and what), never in model save()
or signals. Bad input raises ValidationError (a dict of field -> message where a form field
is to blame); a forbidden action raises PermissionDenied."""

from __future__ import annotations

import collections
import datetime
from collections.abc import Iterable, Mapping
from email.utils import parseaddr
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from meetings.models import time_zone_names
from meetings.services import itip_sequence_record
from portal.models import Country
from training import conf, permissions
from training.models import (
    LANGUAGE_CODES,
    Course,
    Level,
    NeedsAnswer,
    NeedsResponse,
    NeedsRound,
    Nomination,
    NominationEvent,
    Profile,
    Session,
    SessionQuota,
    TrainingCalendarMessage,
    TrainingDelegate,
    TrainingTopic,
    Urgency,
)

if TYPE_CHECKING:
    from wagtail.documents.models import Document

    from portal.models import User

# --- Country delegates ----------------------------------------------------------------------


def _head_country_or_deny(actor):
    country = permissions.head_country(actor)
    if country is None:
        raise PermissionDenied("Only a Head of SPOC names delegates for their country.")
    return country


@transaction.atomic
def delegate_add(
    *, actor: User, user: User, kind: str, now: datetime.datetime | None = None
) -> TrainingDelegate:
    """Name a person of the head's own country as a training delegate of `kind`."""
    country = _head_country_or_deny(actor)
    if kind not in TrainingDelegate.Kind.values:
        raise ValidationError({"kind": "Choose what the delegate does."})
    if user is None or not user.is_active or user.country != country:
        raise ValidationError({"user": f"Choose an active member of the {country.name} SPOC."})
    delegate, created = TrainingDelegate.objects.get_or_create(
        user=user,
        kind=kind,
        defaults={"country": country, "granted_by": actor, "granted_at": now or timezone.now()},
    )
    if not created and delegate.country_id != country.pk:
        # A delegation left from the person's former country: it now counts for this one.
        delegate.country = country
        delegate.granted_by = actor
        delegate.granted_at = now or timezone.now()
        delegate.save(update_fields=["country", "granted_by", "granted_at"])
    elif not created:
        raise ValidationError({"user": f"{user} is already a delegate for this."})
    return delegate


@transaction.atomic
def delegate_remove(*, actor: User, delegate: TrainingDelegate) -> None:
    country = _head_country_or_deny(actor)
    if delegate.country_id != country.pk:
        raise PermissionDenied("This delegate belongs to another country.")
    delegate.delete()


# --- Training needs rounds ------------------------------------------------------------------


def _trainer_or_deny(actor, what="Needs rounds are run by the core group of trainers."):
    if not permissions.is_trainer(actor):
        raise PermissionDenied(what)


def _clean_round(*, title, period_start, period_end, deadline, today):
    errors = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = "Give the round a title."
    elif len(title) > 200:
        errors["title"] = "The title is too long (200 characters at most)."
    if period_start is None:
        errors["period_start"] = "Give the first day of the period."
    if period_end is None:
        errors["period_end"] = "Give the last day of the period."
    if period_start and period_end and period_end < period_start:
        errors["period_end"] = "The period ends before it starts."
    if deadline is None:
        errors["deadline"] = "Give the last day for answers."
    elif deadline < today:
        errors["deadline"] = "The deadline is in the past."
    if errors:
        raise ValidationError(errors)
    return title


def _clean_topics(topics):
    topics = list(topics) if topics is not None else list(TrainingTopic.objects.filter(active=True))
    if not topics:
        raise ValidationError({"topics": "Choose at least one topic."})
    inactive = [topic.name for topic in topics if not topic.active]
    if inactive:
        raise ValidationError(
            {"topics": f"Retired topics cannot be asked about: {', '.join(inactive)}."}
        )
    return topics


@transaction.atomic
def needs_round_create(
    *,
    actor: User,
    title: str,
    period_start: datetime.date,
    period_end: datetime.date,
    deadline: datetime.date,
    topics: Iterable[TrainingTopic] | None = None,
    introduction: str = "",
    now: datetime.datetime | None = None,
) -> NeedsRound:
    """A draft round; `topics` default to every active topic."""
    _trainer_or_deny(actor)
    now = now or timezone.now()
    title = _clean_round(
        title=title,
        period_start=period_start,
        period_end=period_end,
        deadline=deadline,
        today=timezone.localdate(now),
    )
    topics = _clean_topics(topics)
    needs_round = NeedsRound.objects.create(
        title=title,
        period_start=period_start,
        period_end=period_end,
        deadline=deadline,
        introduction=(introduction or "").strip(),
        created_by=actor,
        created_at=now,
    )
    needs_round.topics.set(topics)
    return needs_round


def _round_locked(needs_round):
    return NeedsRound.objects.select_for_update().get(pk=needs_round.pk)


@transaction.atomic
def needs_round_update(
    *,
    actor: User,
    needs_round: NeedsRound,
    title: str,
    period_start: datetime.date,
    period_end: datetime.date,
    deadline: datetime.date,
    introduction: str = "",
    topics: Iterable[TrainingTopic] | None = None,
    now: datetime.datetime | None = None,
) -> NeedsRound:
    """Change a round that is not closed. Its topics change only while it is a draft (once
    open, countries may have answered on them)."""
    _trainer_or_deny(actor)
    needs_round = _round_locked(needs_round)
    if needs_round.status == NeedsRound.Status.CLOSED:
        raise ValidationError("A closed round cannot be changed.")
    now = now or timezone.now()
    title = _clean_round(
        title=title,
        period_start=period_start,
        period_end=period_end,
        deadline=deadline,
        today=timezone.localdate(now),
    )
    needs_round.title = title
    needs_round.period_start = period_start
    needs_round.period_end = period_end
    needs_round.deadline = deadline
    needs_round.introduction = (introduction or "").strip()
    needs_round.save(
        update_fields=["title", "period_start", "period_end", "deadline", "introduction"]
    )
    if topics is not None:
        if needs_round.status != NeedsRound.Status.DRAFT:
            current = set(needs_round.topics.values_list("pk", flat=True))
            if current != {topic.pk for topic in topics}:
                raise ValidationError({"topics": "The topics of an open round cannot change."})
        else:
            needs_round.topics.set(_clean_topics(topics))
    return needs_round


@transaction.atomic
def needs_round_open(
    *, actor: User, needs_round: NeedsRound, now: datetime.datetime | None = None
) -> NeedsRound:
    _trainer_or_deny(actor)
    needs_round = _round_locked(needs_round)
    now = now or timezone.now()
    if needs_round.status != NeedsRound.Status.DRAFT:
        raise ValidationError(f"The round is already {needs_round.get_status_display().lower()}.")
    if needs_round.deadline < timezone.localdate(now):
        raise ValidationError("The deadline is in the past: move it before opening the round.")
    needs_round.status = NeedsRound.Status.OPEN
    needs_round.opened_at = now
    needs_round.opened_by = actor
    needs_round.save(update_fields=["status", "opened_at", "opened_by"])
    return needs_round


@transaction.atomic
def needs_round_close(
    *, actor: User, needs_round: NeedsRound, now: datetime.datetime | None = None
) -> NeedsRound:
    _trainer_or_deny(actor)
    needs_round = _round_locked(needs_round)
    if needs_round.status != NeedsRound.Status.OPEN:
        raise ValidationError("Only an open round can be closed.")
    needs_round.status = NeedsRound.Status.CLOSED
    needs_round.closed_at = now or timezone.now()
    needs_round.closed_by = actor
    needs_round.save(update_fields=["status", "closed_at", "closed_by"])
    return needs_round


ANSWER_FIELDS = ("staff_count", "profile", "level", "urgency", "comment")


class NeedsAnswerErrors(ValidationError):
    """Some rows of a country's answers are incomplete: `rows` maps a topic id to
    {field: [messages]}."""

    def __init__(self, rows):
        super().__init__("Some rows need attention: see the messages in the table.")
        self.rows = rows


def _clean_answer(topic, values):
    """One topic's row: None (no need) or the cleaned values. Errors are keyed by field."""
    values = values or {}
    staff_count = values.get("staff_count")
    comment = (values.get("comment") or "").strip()
    profile, level, urgency = (values.get(name) or "" for name in ("profile", "level", "urgency"))
    if staff_count in (None, "", 0) and not (profile or level or urgency or comment):
        return None
    errors = {}
    if staff_count in (None, ""):
        errors["staff_count"] = "Give the number of staff to train, or leave the row empty."
    else:
        try:
            staff_count = int(staff_count)
        except (TypeError, ValueError):
            staff_count = -1
        if not 1 <= staff_count <= NeedsAnswer.MAX_STAFF:
            errors["staff_count"] = (
                f"Give a whole number from 1 to {NeedsAnswer.MAX_STAFF:,} (or leave the row empty)."
            )
    if profile not in Profile.values:
        errors["profile"] = "Choose the staff's profile."
    if level not in Level.values:
        errors["level"] = "Choose the proficiency level."
    if urgency not in Urgency.values:
        errors["urgency"] = "Choose the urgency."
    if len(comment) > 2000:
        errors["comment"] = "The comment is too long (2,000 characters at most)."
    if errors:
        raise ValidationError(errors)
    return {
        "staff_count": staff_count,
        "profile": profile,
        "level": level,
        "urgency": urgency,
        "comment": comment,
    }


@transaction.atomic
def needs_answers_save(
    *,
    actor: User,
    needs_round: NeedsRound,
    answers: Mapping[TrainingTopic | int, Mapping[str, Any]],
    now: datetime.datetime | None = None,
) -> NeedsResponse:
    """Save the actor's country's answers to an open round, all topics at once: `answers`
    maps a topic (or its id) to a dict of ANSWER_FIELDS, or to None for "no need". Topics
    not mentioned keep their answer. Records that the country has answered (also when it
    needs nothing). Incomplete rows raise NeedsAnswerErrors; nothing is saved then."""
    country = permissions.needs_country(actor)
    if country is None:
        raise PermissionDenied("Only a Head of SPOC, or their delegate, answers for a country.")
    needs_round = _round_locked(needs_round)
    now = now or timezone.now()
    if needs_round.status != NeedsRound.Status.OPEN:
        raise ValidationError("The round is not open for answers.")
    if timezone.localdate(now) > needs_round.deadline:
        raise ValidationError(f"The deadline ({needs_round.deadline:%-d %B %Y}) has passed.")
    topics = {topic.pk: topic for topic in needs_round.topics.all()}
    cleaned, errors = {}, {}
    for key, values in answers.items():
        topic_id = getattr(key, "pk", key)
        topic = topics.get(topic_id)
        if topic is None:
            raise ValidationError("The round does not ask about this topic.")
        try:
            cleaned[topic_id] = _clean_answer(topic, values)
        except ValidationError as error:
            errors[topic_id] = error.message_dict
    if errors:
        raise NeedsAnswerErrors(errors)
    response, created = NeedsResponse.objects.select_for_update().get_or_create(
        round=needs_round,
        country=country,
        defaults={"first_submitted_at": now, "updated_at": now, "updated_by": actor},
    )
    if not created:
        response.updated_at = now
        response.updated_by = actor
        response.save(update_fields=["updated_at", "updated_by"])
    existing = {
        answer.topic_id: answer
        for answer in NeedsAnswer.objects.filter(round=needs_round, country=country)
    }
    for topic_id, values in cleaned.items():
        answer = existing.get(topic_id)
        if values is None:
            if answer is not None:
                answer.delete()
            continue
        if answer is None:
            NeedsAnswer.objects.create(
                round=needs_round,
                country=country,
                topic_id=topic_id,
                updated_at=now,
                updated_by=actor,
                **values,
            )
        elif any(getattr(answer, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(answer, name, value)
            answer.updated_at = now
            answer.updated_by = actor
            answer.save()
    return response


# --- Courses --------------------------------------------------------------------------------

COURSE_FIELDS = (
    "title",
    "topic",
    "level",
    "cepol_code",
    "organiser",
    "organiser_country",
    "description",
    "language",
    "prerequisites",
    "second_approval",
)


def validate_cepol_code(code: str | None, *, exclude_pk: int | None = None) -> str:
    """The code as stored ('' when none): it must match TRAINING_CEPOL_CODE_PATTERN and be
    unused by another course."""
    code = (code or "").strip()
    if not code:
        return ""
    if len(code) > 30 or not conf.cepol_code_matches(code):
        raise ValidationError(
            {"cepol_code": f"“{code}” is not a CEPOL activity code (expected e.g. 12/2027)."}
        )
    taken = Course.objects.filter(cepol_code=code)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationError({"cepol_code": f"Another course already has the code {code}."})
    return code


def _clean_course(actor, values, *, exclude_pk=None):
    errors = {}
    title = (values.get("title") or "").strip()
    if not title:
        errors["title"] = "Give the course a title."
    elif len(title) > 200:
        errors["title"] = "The title is too long (200 characters at most)."
    topic = values.get("topic")
    if topic is None:
        errors["topic"] = "Choose a topic."
    elif not topic.active and exclude_pk is None:
        errors["topic"] = "This topic is retired."
    if values.get("level") not in Level.values:
        errors["level"] = "Choose the proficiency level."
    organiser = values.get("organiser")
    organiser_country = values.get("organiser_country")
    if organiser not in Course.Organiser.values:
        errors["organiser"] = "Choose the organiser."
    elif organiser not in permissions.organisers_for(actor):
        errors["organiser"] = "You cannot create courses for this organiser."
    elif organiser == Course.Organiser.COUNTRY and organiser_country is None:
        errors["organiser_country"] = "Choose the organising country."
    if organiser != Course.Organiser.COUNTRY:
        organiser_country = None
    if values.get("language") not in LANGUAGE_CODES:
        errors["language"] = "Choose the course language."
    try:
        cepol_code = validate_cepol_code(values.get("cepol_code"), exclude_pk=exclude_pk)
    except ValidationError as error:
        errors.update(error.message_dict)
        cepol_code = ""
    if errors:
        raise ValidationError(errors)
    return {
        "title": title,
        "topic": topic,
        "level": values["level"],
        "cepol_code": cepol_code,
        "organiser": organiser,
        "organiser_country": organiser_country,
        "description": (values.get("description") or "").strip(),
        "language": values["language"],
        "prerequisites": (values.get("prerequisites") or "").strip(),
        "second_approval": bool(values.get("second_approval")),
    }


@transaction.atomic
def course_create(*, actor: User, now: datetime.datetime | None = None, **values: Any) -> Course:
    if not permissions.can_create_courses(actor):
        raise PermissionDenied("Courses are created by the trainers and by CEPOL.")
    unknown = set(values) - set(COURSE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown course fields: {sorted(unknown)}")
    cleaned = _clean_course(actor, values)
    now = now or timezone.now()
    return Course.objects.create(**cleaned, created_by=actor, created_at=now, updated_at=now)


@transaction.atomic
def course_update(
    *, actor: User, course: Course, now: datetime.datetime | None = None, **values: Any
) -> Course:
    course = Course.objects.select_for_update().get(pk=course.pk)
    if not permissions.can_manage_course(actor, course):
        raise PermissionDenied("You do not manage this course.")
    merged = {name: getattr(course, name) for name in COURSE_FIELDS}
    merged.update(values)
    cleaned = _clean_course(actor, merged, exclude_pk=course.pk)
    for name, value in cleaned.items():
        setattr(course, name, value)
    course.updated_at = now or timezone.now()
    course.save()
    return course


# --- Sessions -------------------------------------------------------------------------------

SESSION_FIELDS = (
    "first_day",
    "last_day",
    "daily_start",
    "daily_end",
    "time_zone",
    "venue_kind",
    "venue",
    "online_url",
    "capacity",
    "nomination_deadline",
    "quota_release_days",
    "notes",
)
# What calendar clients must be told about.
SIGNIFICANT_SESSION_FIELDS = (
    "first_day",
    "last_day",
    "daily_start",
    "daily_end",
    "time_zone",
    "venue_kind",
    "venue",
    "online_url",
    "status",
)
MAX_SESSION_DAYS = 60
DEFAULT_DAY = (datetime.time(9, 0), datetime.time(17, 0))
_url = URLValidator(schemes=["https", "http"])


def _clean_session(values, *, today, existing=None):
    """Cleaned session fields; dates in the past or in the wrong order, a missing venue and
    a bad time zone are refused. An existing session keeps past dates it already had."""
    errors = {}
    first_day, last_day = values.get("first_day"), values.get("last_day")
    daily_start, daily_end = values.get("daily_start"), values.get("daily_end")
    deadline = values.get("nomination_deadline")
    unchanged_dates = existing is not None and (
        existing.first_day == first_day and existing.nomination_deadline == deadline
    )
    if first_day is None:
        errors["first_day"] = "Give the first day."
    elif first_day < today and not unchanged_dates:
        errors["first_day"] = "The first day is in the past."
    if last_day is None:
        errors["last_day"] = "Give the last day."
    elif first_day and last_day < first_day:
        errors["last_day"] = "The last day is before the first day."
    elif first_day and (last_day - first_day).days >= MAX_SESSION_DAYS:
        errors["last_day"] = f"A session lasts {MAX_SESSION_DAYS} days at most."
    if daily_start is None:
        errors["daily_start"] = "Give the daily start time."
    if daily_end is None:
        errors["daily_end"] = "Give the daily end time."
    elif daily_start and daily_end <= daily_start:
        errors["daily_end"] = "The day ends before it starts."
    time_zone = (values.get("time_zone") or "").strip()
    if time_zone not in time_zone_names():
        errors["time_zone"] = "Give the venue's time zone as an IANA name, e.g. Europe/Lisbon."
    venue_kind = values.get("venue_kind")
    venue = (values.get("venue") or "").strip()
    online_url = (values.get("online_url") or "").strip()
    if venue_kind not in Session.VenueKind.values:
        errors["venue_kind"] = "Choose on site or online."
    elif venue_kind == Session.VenueKind.ON_SITE and not venue:
        errors["venue"] = "Give the venue's address."
    elif venue_kind == Session.VenueKind.ONLINE and not online_url:
        errors["online_url"] = "Give the online link."
    if online_url:
        try:
            _url(online_url)
        except ValidationError:
            errors["online_url"] = "Give a web address starting with https://."
    capacity = values.get("capacity")
    if capacity is None or not 1 <= capacity <= Session.MAX_CAPACITY:
        errors["capacity"] = f"Give a capacity from 1 to {Session.MAX_CAPACITY}."
    if deadline is None:
        errors["nomination_deadline"] = "Give the nomination deadline."
    elif deadline < today and not unchanged_dates:
        errors["nomination_deadline"] = "The nomination deadline is in the past."
    elif first_day and deadline >= first_day:
        errors["nomination_deadline"] = "The nomination deadline must be before the first day."
    release = values.get("quota_release_days")
    if release is None:
        release = conf.quota_release_days()
    if not 0 <= release <= 365:
        errors["quota_release_days"] = "Give a number of days from 0 to 365."
    if errors:
        raise ValidationError(errors)
    return {
        "first_day": first_day,
        "last_day": last_day,
        "daily_start": daily_start,
        "daily_end": daily_end,
        "time_zone": time_zone,
        "venue_kind": venue_kind,
        "venue": venue,
        "online_url": online_url,
        "capacity": capacity,
        "nomination_deadline": deadline,
        "quota_release_days": release,
        "notes": (values.get("notes") or "").strip(),
    }


def _clean_quotas(quotas, capacity):
    """{Country: seats} without empty entries; the sum may not exceed the capacity."""
    cleaned = {}
    for country, seats in (quotas or {}).items():
        if seats in (None, "", 0):
            continue
        if not isinstance(country, Country):
            raise ValidationError({"quotas": "Unknown country in the quotas."})
        if not isinstance(seats, int) or seats < 0:
            raise ValidationError({"quotas": f"Give a whole number of seats for {country.name}."})
        cleaned[country] = seats
    total = sum(cleaned.values())
    if capacity is not None and total > capacity:
        raise ValidationError(
            {"quotas": f"The quotas add up to {total} seats, more than the capacity ({capacity})."}
        )
    return cleaned


def _write_quotas(session, quotas):
    current = {quota.country_id: quota for quota in session.quotas.all()}
    for country, seats in quotas.items():
        quota = current.pop(country.pk, None)
        if quota is None:
            SessionQuota.objects.create(session=session, country=country, seats=seats)
        elif quota.seats != seats:
            quota.seats = seats
            quota.save(update_fields=["seats"])
    for quota in current.values():
        quota.delete()


def _manager_or_deny(actor, course):
    if not permissions.can_manage_course(actor, course):
        raise PermissionDenied("You do not manage this course.")


@transaction.atomic
def session_create(
    *,
    actor: User,
    course: Course,
    quotas: Mapping[Country, int | None] | None = None,
    documents: Iterable[Document] | None = None,
    now: datetime.datetime | None = None,
    **values: Any,
) -> Session:
    _manager_or_deny(actor, course)
    unknown = set(values) - set(SESSION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown session fields: {sorted(unknown)}")
    now = now or timezone.now()
    values.setdefault("daily_start", DEFAULT_DAY[0])
    values.setdefault("daily_end", DEFAULT_DAY[1])
    cleaned = _clean_session(values, today=timezone.localdate(now))
    quotas = _clean_quotas(quotas, cleaned["capacity"])
    session = Session.objects.create(
        course=course, **cleaned, created_by=actor, created_at=now, updated_at=now
    )
    _write_quotas(session, quotas)
    if documents:
        session.documents.set(documents)
    return session


def _session_locked(session):
    """The session row, locked until the transaction ends: its seats are counted and given
    one transaction at a time (SELECT ... FOR UPDATE on PostgreSQL; on SQLite the IMMEDIATE
    transaction already holds the write lock)."""
    return Session.objects.select_for_update().select_related("course").get(pk=session.pk)


@transaction.atomic
def session_update(
    *,
    actor: User,
    session: Session,
    quotas: Mapping[Country, int | None] | None = None,
    documents: Iterable[Document] | None = None,
    now: datetime.datetime | None = None,
    **values: Any,
) -> Session:
    """Change a session. Dates, times, place or status raise its calendar SEQUENCE. A
    session that has started keeps its dates; a cancelled one is not changed."""
    session = _session_locked(session)
    _manager_or_deny(actor, session.course)
    now = now or timezone.now()
    if session.is_cancelled:
        raise ValidationError("A cancelled session is not changed.")
    merged = {name: getattr(session, name) for name in SESSION_FIELDS}
    merged.update(values)
    if session.has_started(now) and any(
        merged[name] != getattr(session, name) for name in ("first_day", "last_day", "time_zone")
    ):
        raise ValidationError("The session has started: its dates no longer change.")
    cleaned = _clean_session(merged, today=timezone.localdate(now), existing=session)
    if quotas is not None:
        quotas = _clean_quotas(quotas, cleaned["capacity"])
    else:
        current = {quota.country: quota.seats for quota in session.quotas.select_related("country")}
        _clean_quotas(current, cleaned["capacity"])
    if cleaned["capacity"] < session.seats_held:
        raise ValidationError(
            {
                "capacity": f"{session.seats_held} seats are taken: decline nominations or move "
                "them to the waiting list before lowering the capacity below that."
            }
        )
    significant = any(
        cleaned[name] != getattr(session, name)
        for name in cleaned
        if name in SIGNIFICANT_SESSION_FIELDS
    )
    old_capacity = session.capacity
    for name, value in cleaned.items():
        setattr(session, name, value)
    if significant:
        session.ical_sequence += 1
    session.updated_at = now
    session.save()
    if quotas is not None:
        _write_quotas(session, quotas)
    if documents is not None:
        session.documents.set(documents)
    # More seats, or smaller quotas: the waiting list moves up.
    if session.capacity > old_capacity:
        note = f"The capacity was raised to {session.capacity}."
        _move_up(session, actor=actor, now=now, note=note)
    elif quotas is not None:
        _move_up(session, actor=actor, now=now, note="The per-country quotas changed.")
    if significant:
        _enqueue_session_update(session)
    return session


@transaction.atomic
def session_cancel(
    *, actor: User, session: Session, now: datetime.datetime | None = None
) -> Session:
    session = _session_locked(session)
    _manager_or_deny(actor, session.course)
    if session.is_cancelled:
        raise ValidationError("The session is already cancelled.")
    if session.local_end < (now or timezone.now()):
        raise ValidationError("The session is over; it can no longer be cancelled.")
    now = now or timezone.now()
    session.status = Session.Status.CANCELLED
    session.ical_sequence += 1
    session.updated_at = now
    session.seats_held = 0
    session.save(update_fields=["status", "ical_sequence", "updated_at", "seats_held"])
    for nomination in Nomination.objects.filter(session=session, status__in=Nomination.ACTIVE):
        _set_status(
            nomination,
            Nomination.Status.CANCELLED,
            actor=actor,
            now=now,
            note="The session was cancelled.",
        )
    return session


# --- Nominations ----------------------------------------------------------------------------
# Decisions (docs/training.md has the whole picture):
# - Requests and direct nominations are taken until the nomination deadline (inclusive);
#   national approvals and the organiser's decisions until the session starts; withdrawal
#   until it ends. A head replaces a nominee until the deadline.
# - A seat is taken at the last national approval (the head's, or the National Contact
#   Point's when the course asks for it): within the country's quota, else from the general
#   pool, else the nomination joins the end of the session's waiting list.
# - The waiting list moves up in order whenever a seat frees (withdrawal, decline, a move to
#   the waiting list, a capacity raised, smaller quotas, the quota release day), never once
#   the session has started. A person whose country cannot take the free seat (the seat is
#   another country's quota) stays in line and the next one is tried.
# - Notes in the history never name another person: they are shown to the nominee's head.

N = Nomination.Status


def _enqueue_email(event):
    from training.tasks import send_nomination_email

    event_id = event.pk
    transaction.on_commit(lambda: send_nomination_email.enqueue(event_id=event_id))


def _enqueue_session_update(session):
    from training.tasks import send_session_updates

    session_id = session.pk
    transaction.on_commit(lambda: send_session_updates.enqueue(session_id=session_id))


def _log(nomination, *, actor, from_status, now, note="", reason=""):
    event = NominationEvent.objects.create(
        nomination=nomination,
        at=now,
        actor=actor,
        from_status=from_status or "",
        to_status=nomination.status,
        note=note,
        reason=reason or "",
    )
    _enqueue_email(event)
    return event


def _set_status(nomination, status, *, actor, now, note="", position=None, reason=None):
    from_status = nomination.status
    nomination.status = status
    nomination.position = position
    if reason is not None:
        nomination.reason = reason
    nomination.updated_at = now
    nomination.save(update_fields=["status", "position", "reason", "updated_at"])
    return _log(nomination, actor=actor, from_status=from_status, now=now, note=note, reason=reason)


def _seat_counts(session):
    held = collections.Counter(
        Nomination.objects.filter(session=session, status__in=Nomination.HOLDING_SEAT).values_list(
            "country_id", flat=True
        )
    )
    quotas = dict(session.quotas.values_list("country_id", "seats"))
    return held, quotas


def seats_left_for(
    session: Session,
    country_id: int | None,
    *,
    held: Mapping[int, int],
    quotas: Mapping[int, int],
    today: datetime.date,
) -> int:
    """Seats the country can still take: the capacity, less the seats held, less the unfilled
    quota seats of the other countries (until the release day)."""
    released = today >= session.quota_release_day
    reserved = 0
    if not released:
        reserved = sum(
            max(0, seats - held.get(other, 0))
            for other, seats in quotas.items()
            if other != country_id
        )
    return max(0, session.capacity - sum(held.values()) - reserved)


def _take_seat(session):
    Session.objects.filter(pk=session.pk).update(seats_held=F("seats_held") + 1)
    session.seats_held += 1


def _free_seat(session):
    Session.objects.filter(pk=session.pk).update(seats_held=F("seats_held") - 1)
    session.seats_held -= 1


def _next_position(session):
    last = Nomination.objects.filter(session=session, status=N.WAITING).aggregate(
        last=Max("position")
    )["last"]
    return (last or 0) + 1


def _renumber_waiting(session):
    waiting = Nomination.objects.filter(session=session, status=N.WAITING).order_by(
        "position", "pk"
    )
    for number, nomination in enumerate(waiting, start=1):
        if nomination.position != number:
            Nomination.objects.filter(pk=nomination.pk).update(position=number)


def _move_up(session, *, actor, now, note):
    """Give free seats to the waiting list, in order. Returns the nominations moved up."""
    if session.is_cancelled or session.has_started(now):
        return []
    today = timezone.localdate(now)
    held, quotas = _seat_counts(session)
    promoted = []
    waiting = list(
        Nomination.objects.filter(session=session, status=N.WAITING).order_by("position", "pk")
    )
    for nomination in waiting:
        if sum(held.values()) >= session.capacity:
            break
        if seats_left_for(session, nomination.country_id, held=held, quotas=quotas, today=today):
            _take_seat(session)
            held[nomination.country_id] += 1
            _set_status(
                nomination,
                N.APPROVED,
                actor=actor,
                now=now,
                note=f"Moved up from the waiting list. {note}".strip(),
            )
            promoted.append(nomination)
    if promoted:
        _renumber_waiting(session)
    return promoted


def _release_if_due(session, now):
    """On and after the release day, unfilled quota seats are the general pool's: the first
    seat operation (or the daily command) records it and moves the waiting list up."""
    if session.quota_released_at is not None or session.is_cancelled:
        return []
    if timezone.localdate(now) < session.quota_release_day:
        return []
    session.quota_released_at = now
    Session.objects.filter(pk=session.pk).update(quota_released_at=now)
    if not session.quotas.exists():
        return []
    return _move_up(
        session, actor=None, now=now, note="Unfilled quota seats went back to the general pool."
    )


def _allocate(session, nomination, *, actor, now, note, from_status=None):
    """The last national approval: a seat if the country can take one, else the end of the
    waiting list."""
    _release_if_due(session, now)
    held, quotas = _seat_counts(session)
    today = timezone.localdate(now)
    if seats_left_for(session, nomination.country_id, held=held, quotas=quotas, today=today):
        _take_seat(session)
        status, position = N.APPROVED, None
    else:
        status, position = N.WAITING, _next_position(session)
    if from_status is None:
        return _set_status(nomination, status, actor=actor, now=now, note=note, position=position)
    # A nomination created by this step: one event from nothing.
    nomination.status = status
    nomination.position = position
    nomination.save(update_fields=["status", "position"])
    return _log(nomination, actor=actor, from_status="", now=now, note=note)


def _national_approval(session, nomination, *, actor, now, note, new=False):
    """After the head's approval: the National Contact Point's step when the course asks for
    it, else the seat."""
    if session.course.second_approval and nomination.second_approved_at is None:
        if new:
            nomination.status = N.AWAITING_SECOND
            nomination.save(update_fields=["status"])
            return _log(nomination, actor=actor, from_status="", now=now, note=note)
        return _set_status(nomination, N.AWAITING_SECOND, actor=actor, now=now, note=note)
    return _allocate(
        session, nomination, actor=actor, now=now, note=note, from_status="" if new else None
    )


def _nominations_open(session, now):
    if session.is_cancelled:
        raise ValidationError("The session is cancelled.")
    if timezone.localdate(now) > session.nomination_deadline:
        raise ValidationError(f"Nominations closed on {session.nomination_deadline:%-d %B %Y}.")
    if session.has_started(now):
        raise ValidationError("The session has started.")


def _not_started(session, now):
    if session.is_cancelled:
        raise ValidationError("The session is cancelled.")
    if session.has_started(now):
        raise ValidationError("The session has started.")


def _no_active_nomination(session, user, *, field=None):
    if Nomination.objects.filter(
        session=session, nominee=user, status__in=Nomination.ACTIVE
    ).exists():
        message = f"{user} is already nominated for this session."
        raise ValidationError({field: message} if field else message)


def _locked(nomination):
    """The session (locked) and the nomination as it is now."""
    session = _session_locked(nomination.session)
    nomination = Nomination.objects.select_related("nominee", "country").get(pk=nomination.pk)
    nomination.session = session
    return session, nomination


def _reason(reason, what):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": f"Give the reason for the {what}."})
    if len(reason) > 2000:
        raise ValidationError({"reason": "The reason is too long (2,000 characters at most)."})
    return reason


@transaction.atomic
def nomination_request(
    *, actor: User, session: Session, motivation: str = "", now: datetime.datetime | None = None
) -> Nomination:
    """An officer asks their Head of SPOC to nominate them."""
    if not permissions.can_ask_nomination(actor):
        raise PermissionDenied("Only members of a national SPOC ask to be nominated.")
    now = now or timezone.now()
    session = _session_locked(session)
    _nominations_open(session, now)
    _no_active_nomination(session, actor)
    motivation = (motivation or "").strip()
    if len(motivation) > 2000:
        raise ValidationError({"motivation": "Keep it under 2,000 characters."})
    nomination = Nomination.objects.create(
        session=session,
        nominee=actor,
        country=actor.country,
        status=N.REQUESTED,
        motivation=motivation,
        requested_by=actor,
        created_at=now,
        updated_at=now,
    )
    _log(nomination, actor=actor, from_status="", now=now, note="Asked to be nominated.")
    return nomination


@transaction.atomic
def nomination_create(
    *,
    actor: User,
    session: Session,
    nominee: User,
    motivation: str = "",
    now: datetime.datetime | None = None,
) -> Nomination:
    """A Head of SPOC nominates a person of their country directly (their approval is given)."""
    country = permissions.nominating_country(actor)
    if country is None:
        raise PermissionDenied("Only a Head of SPOC nominates staff of their country.")
    now = now or timezone.now()
    session = _session_locked(session)
    _nominations_open(session, now)
    if nominee is None or not nominee.is_active or nominee.country != country:
        raise ValidationError({"nominee": f"Choose an active member of the {country.name} SPOC."})
    _no_active_nomination(session, nominee, field="nominee")
    nomination = Nomination.objects.create(
        session=session,
        nominee=nominee,
        country=country,
        status=N.REQUESTED,
        motivation=(motivation or "").strip()[:2000],
        requested_by=actor,
        created_at=now,
        updated_at=now,
    )
    _national_approval(
        session, nomination, actor=actor, now=now, note="Nominated by the Head of SPOC.", new=True
    )
    return nomination


def _head_of(actor, nomination):
    country = permissions.nominating_country(actor)
    if country is None or country.pk != nomination.country_id:
        raise PermissionDenied("Only the nominee's Head of SPOC does this.")


def _national_contact_of(actor, nomination):
    country = permissions.national_contact_country(actor)
    if country is None or country.pk != nomination.country_id:
        raise PermissionDenied("Only the country's National Contact Point does this.")


@transaction.atomic
def nomination_approve(
    *, actor: User, nomination: Nomination, now: datetime.datetime | None = None
) -> Nomination:
    now = now or timezone.now()
    session, nomination = _locked(nomination)
    _head_of(actor, nomination)
    if nomination.status != N.REQUESTED:
        raise ValidationError("Only a request waiting for the Head of SPOC can be approved.")
    _not_started(session, now)
    _national_approval(
        session, nomination, actor=actor, now=now, note="Approved by the Head of SPOC."
    )
    return nomination


@transaction.atomic
def nomination_second_approve(
    *, actor: User, nomination: Nomination, now: datetime.datetime | None = None
) -> Nomination:
    now = now or timezone.now()
    session, nomination = _locked(nomination)
    _national_contact_of(actor, nomination)
    if nomination.status != N.AWAITING_SECOND:
        raise ValidationError("This nomination is not waiting for the National Contact Point.")
    _not_started(session, now)
    nomination.second_approved_at = now
    nomination.save(update_fields=["second_approved_at"])
    _allocate(
        session, nomination, actor=actor, now=now, note="Approved by the National Contact Point."
    )
    return nomination


@transaction.atomic
def nomination_refuse(
    *, actor: User, nomination: Nomination, reason: str, now: datetime.datetime | None = None
) -> Nomination:
    """The head refuses a request, or the National Contact Point a nomination waiting for it."""
    now = now or timezone.now()
    session, nomination = _locked(nomination)
    if nomination.status == N.REQUESTED:
        _head_of(actor, nomination)
    elif nomination.status == N.AWAITING_SECOND:
        _national_contact_of(actor, nomination)
    else:
        raise ValidationError("Only a nomination waiting for a national approval can be refused.")
    reason = _reason(reason, "refusal")
    who = "Head of SPOC" if nomination.status == N.REQUESTED else "National Contact Point"
    _set_status(
        nomination, N.REFUSED, actor=actor, now=now, note=f"Refused by the {who}.", reason=reason
    )
    return nomination


def _organiser_of(actor, session):
    if not permissions.is_organiser(actor, session.course):
        raise PermissionDenied("Only the course's organiser decides on nominations.")


@transaction.atomic
def nomination_confirm(
    *, actor: User, nomination: Nomination, now: datetime.datetime | None = None
) -> Nomination:
    now = now or timezone.now()
    session, nomination = _locked(nomination)
    _organiser_of(actor, session)
    if nomination.status != N.APPROVED:
        raise ValidationError("Only an approved nomination holding a seat can be confirmed.")
    _not_started(session, now)
    _set_status(nomination, N.CONFIRMED, actor=actor, now=now, note="Confirmed by the organiser.")
    return nomination


@transaction.atomic
def nomination_decline(
    *, actor: User, nomination: Nomination, reason: str, now: datetime.datetime | None = None
) -> Nomination:
    now = now or timezone.now()
    session, nomination = _locked(nomination)
    _organiser_of(actor, session)
    if nomination.status not in (N.APPROVED, N.WAITING, N.CONFIRMED):
        raise ValidationError("Only a nationally approved nomination can be declined.")
    if session.local_end < now:
        raise ValidationError("The session is over.")
    reason = _reason(reason, "decline")
    held = nomination.holds_seat
    _set_status(
        nomination,
        N.DECLINED,
        actor=actor,
        now=now,
        note="Declined by the organiser.",
        reason=reason,
    )
    if held:
        _free_seat(session)
        _move_up(session, actor=actor, now=now, note="A seat was freed: a nomination was declined.")
    _renumber_waiting(session)
    return nomination


@transaction.atomic
def nomination_waitlist(
    *, actor: User, nomination: Nomination, reason: str = "", now: datetime.datetime | None = None
) -> Nomination:
    """The organiser moves a seat holder to the end of the waiting list; their seat goes to
    the first person in line who can take it. Refused when nobody in line can."""
    now = now or timezone.now()
    session, nomination = _locked(nomination)
    _organiser_of(actor, session)
    if nomination.status not in Nomination.HOLDING_SEAT:
        raise ValidationError("Only a nomination holding a seat can be moved to the waiting list.")
    _not_started(session, now)
    _release_if_due(session, now)
    held, quotas = _seat_counts(session)
    held[nomination.country_id] -= 1
    today = timezone.localdate(now)
    taker = next(
        (
            waiting
            for waiting in Nomination.objects.filter(session=session, status=N.WAITING).order_by(
                "position", "pk"
            )
            if seats_left_for(session, waiting.country_id, held=held, quotas=quotas, today=today)
        ),
        None,
    )
    if taker is None:
        raise ValidationError(
            "Nobody on the waiting list can take this seat: confirm or decline the nomination."
        )
    reason = (reason or "").strip()[:2000]
    _set_status(
        nomination,
        N.WAITING,
        actor=actor,
        now=now,
        note="Moved to the waiting list by the organiser.",
        position=_next_position(session),
        reason=reason,
    )
    _free_seat(session)
    _move_up(session, actor=actor, now=now, note="A seat was freed by the organiser.")
    return nomination


@transaction.atomic
def nomination_withdraw(
    *, actor: User, nomination: Nomination, reason: str = "", now: datetime.datetime | None = None
) -> Nomination:
    """The participant, or their head, withdraws; a freed seat goes to the waiting list."""
    now = now or timezone.now()
    session, nomination = _locked(nomination)
    if actor.pk != nomination.nominee_id:
        _head_of(actor, nomination)
    if not nomination.is_active:
        raise ValidationError("This nomination is no longer active.")
    if session.local_end < now:
        raise ValidationError("The session is over.")
    held = nomination.holds_seat
    reason = (reason or "").strip()[:2000]
    _set_status(
        nomination,
        N.WITHDRAWN,
        actor=actor,
        now=now,
        note="Withdrawn by the participant."
        if actor.pk == nomination.nominee_id
        else "Withdrawn by the Head of SPOC.",
        reason=reason,
    )
    if held:
        _free_seat(session)
        _move_up(session, actor=actor, now=now, note="A seat was freed: a participant withdrew.")
    _renumber_waiting(session)
    return nomination


@transaction.atomic
def nomination_replace(
    *, actor: User, nomination: Nomination, nominee: User, now: datetime.datetime | None = None
) -> Nomination:
    """The head puts another person of their country in the nominee's place (seat, or place
    in line, and the approvals given) until the nomination deadline."""
    now = now or timezone.now()
    session, nomination = _locked(nomination)
    _head_of(actor, nomination)
    if not nomination.is_active:
        raise ValidationError("This nomination is no longer active.")
    _nominations_open(session, now)
    country = nomination.country
    if nominee is None or not nominee.is_active or nominee.country != country:
        raise ValidationError({"nominee": f"Choose an active member of the {country.name} SPOC."})
    _no_active_nomination(session, nominee, field="nominee")
    status, position = nomination.status, nomination.position
    _set_status(
        nomination,
        N.REPLACED,
        actor=actor,
        now=now,
        note="Replaced by another nominee of the country.",
    )
    replacement = Nomination.objects.create(
        session=session,
        nominee=nominee,
        country=country,
        status=status,
        position=position,
        requested_by=actor,
        second_approved_at=nomination.second_approved_at,
        created_at=now,
        updated_at=now,
    )
    _log(
        replacement,
        actor=actor,
        from_status="",
        now=now,
        note="Takes the place of a nominee of the country.",
    )
    nomination.replaced_by = replacement
    nomination.save(update_fields=["replaced_by"])
    return replacement


@transaction.atomic
def session_release_quotas(
    *, session: Session, now: datetime.datetime | None = None
) -> list[Nomination]:
    """The release day has come: unfilled quota seats go to the general pool (idempotent)."""
    session = _session_locked(session)
    return _release_if_due(session, now or timezone.now())


def quota_releases_due(*, now: datetime.datetime | None = None) -> int:
    """Run the release for every session whose day has come (the daily command)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    candidates = Session.objects.filter(
        quota_released_at__isnull=True,
        status=Session.Status.SCHEDULED,
        first_day__gt=today,
    )
    released = 0
    for session in candidates:
        if session.quota_release_day <= today:
            session_release_quotas(session=session, now=now)
            released += 1
    return released


# --- Emails and calendar messages (run by training.tasks after the commit) -----------------


def itip_organizer(session: Session) -> tuple[str, str]:
    _, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return session.course.organiser_label, address or "portal@localhost"


@transaction.atomic
def itip_for(
    *, session: Session, name: str, email: str, method: str, now: datetime.datetime | None = None
) -> bytes | None:
    """The iTIP message (REQUEST or CANCEL) for one person, or None when this address already
    has it at the session's sequence. A different message at a sequence the address already
    holds (an invitation after a withdrawal) raises the session's SEQUENCE first."""
    from training import calendar

    session = _session_locked(session)
    last = TrainingCalendarMessage.objects.filter(
        session=session, email=email.strip().lower()
    ).first()
    if method == "CANCEL" and (last is None or last.method == "CANCEL"):
        return None  # never invited, or already told
    if not itip_sequence_record(
        event=session, messages=session.calendar_messages, email=email, method=method, now=now
    ):
        return None
    body = calendar.itip(
        session, method=method, organizer=itip_organizer(session), attendee=(name, email), stamp=now
    )
    return body


CALENDAR_CANCELLING = (N.WITHDRAWN, N.REPLACED, N.CANCELLED, N.DECLINED, N.WAITING)


def nomination_recipients(nomination: Nomination, status: str) -> list[User]:
    """Who hears about a step: the country's heads of a request, its National Contact Points
    (else its heads) of a nomination waiting for them, the nominee of everything else."""
    from portal.models import Role, User

    if status == N.REQUESTED:
        return list(
            User.objects.filter(
                is_active=True,
                organisation__country=nomination.country_id,
                groups__portal_role__role=Role.HEAD,
            ).distinct()
        )
    if status == N.AWAITING_SECOND:
        contacts = list(
            User.objects.filter(
                is_active=True,
                organisation__country=nomination.country_id,
                training_delegations__kind=TrainingDelegate.Kind.NATIONAL_CONTACT,
                training_delegations__country=nomination.country_id,
            ).distinct()
        )
        return contacts or nomination_recipients(nomination, N.REQUESTED)
    return [nomination.nominee] if nomination.nominee.is_active else []


def nomination_email_send(*, event_id: int, now: datetime.datetime | None = None) -> int:
    """The one email of a nomination step (with its calendar message: a REQUEST when the
    nominee is confirmed, a CANCEL when a confirmed nominee is taken off). Returns the number
    of messages sent."""
    from training import emails

    event = (
        NominationEvent.objects.select_related(
            "nomination__nominee", "nomination__country", "nomination__session__course", "actor"
        )
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        return 0
    nomination = event.nomination
    session = nomination.session
    recipients = [user for user in nomination_recipients(nomination, event.to_status) if user.email]
    ics = method = None
    nominee = nomination.nominee
    ended = session.local_end < (now or timezone.now())
    if not ended and event.to_status == N.CONFIRMED:
        method = "REQUEST"
    elif not ended and event.from_status == N.CONFIRMED and event.to_status in CALENDAR_CANCELLING:
        method = "CANCEL"
    if method and nominee.email:
        ics = itip_for(
            session=session, name=str(nominee), email=nominee.email, method=method, now=now
        )
    for user in recipients:
        emails.send_nomination_email(
            event=event,
            recipient=user,
            ics=ics if user.pk == nominee.pk else None,
            method=method,
        )
    return len(recipients)


def session_updates_send(*, session_id: int, now: datetime.datetime | None = None) -> int:
    """After a change of time or place: a new REQUEST to every confirmed participant."""
    from training import emails

    session = Session.objects.select_related("course").filter(pk=session_id).first()
    if session is None or session.is_cancelled or session.local_end < (now or timezone.now()):
        return 0
    sent = 0
    confirmed = Nomination.objects.filter(session=session, status=N.CONFIRMED).select_related(
        "nominee"
    )
    for nomination in confirmed:
        nominee = nomination.nominee
        if not nominee.email or not nominee.is_active:
            continue
        ics = itip_for(
            session=session, name=str(nominee), email=nominee.email, method="REQUEST", now=now
        )
        if ics is not None:
            emails.send_session_update(session=session, recipient=nominee, ics=ics)
            sent += 1
    return sent
