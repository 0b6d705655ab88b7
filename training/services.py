"""Writes on training. Each service is one transaction with keyword-only arguments; the
rules live here (permissions.py says who, these say when and what), never in model save()
or signals. Bad input raises ValidationError (a dict of field -> message where a form field
is to blame); a forbidden action raises PermissionDenied."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from meetings.models import time_zone_names
from portal.models import Country
from training import conf, permissions
from training.models import (
    LANGUAGE_CODES,
    Course,
    Level,
    NeedsAnswer,
    NeedsResponse,
    NeedsRound,
    Profile,
    Session,
    SessionQuota,
    TrainingDelegate,
    TrainingTopic,
    Urgency,
)

# --- Country delegates ----------------------------------------------------------------------


def _head_country_or_deny(actor):
    country = permissions.head_country(actor)
    if country is None:
        raise PermissionDenied("Only a Head of SPOC names delegates for their country.")
    return country


@transaction.atomic
def delegate_add(*, actor, user, kind, now=None):
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
def delegate_remove(*, actor, delegate):
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
    *, actor, title, period_start, period_end, deadline, topics=None, introduction="", now=None
):
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
    actor,
    needs_round,
    title,
    period_start,
    period_end,
    deadline,
    introduction="",
    topics=None,
    now=None,
):
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
def needs_round_open(*, actor, needs_round, now=None):
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
def needs_round_close(*, actor, needs_round, now=None):
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
def needs_answers_save(*, actor, needs_round, answers, now=None):
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


def validate_cepol_code(code, *, exclude_pk=None):
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
def course_create(*, actor, now=None, **values):
    if not permissions.can_create_courses(actor):
        raise PermissionDenied("Courses are created by the trainers and by CEPOL.")
    unknown = set(values) - set(COURSE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown course fields: {sorted(unknown)}")
    cleaned = _clean_course(actor, values)
    now = now or timezone.now()
    return Course.objects.create(**cleaned, created_by=actor, created_at=now, updated_at=now)


@transaction.atomic
def course_update(*, actor, course, now=None, **values):
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
def session_create(*, actor, course, quotas=None, documents=None, now=None, **values):
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
def session_update(*, actor, session, quotas=None, documents=None, now=None, **values):
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
    significant = any(
        cleaned[name] != getattr(session, name)
        for name in cleaned
        if name in SIGNIFICANT_SESSION_FIELDS
    )
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
    return session


@transaction.atomic
def session_cancel(*, actor, session, now=None):
    session = _session_locked(session)
    _manager_or_deny(actor, session.course)
    if session.is_cancelled:
        raise ValidationError("The session is already cancelled.")
    if session.local_end < (now or timezone.now()):
        raise ValidationError("The session is over; it can no longer be cancelled.")
    session.status = Session.Status.CANCELLED
    session.ical_sequence += 1
    session.updated_at = now or timezone.now()
    session.save(update_fields=["status", "ical_sequence", "updated_at"])
    return session
