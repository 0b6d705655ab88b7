"""Writes on training. Each service is one transaction with keyword-only arguments; the
rules live here (permissions.py says who, these say when and what), never in model save()
or signals. Bad input raises ValidationError (a dict of field -> message where a form field
is to blame); a forbidden action raises PermissionDenied."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from training import permissions
from training.models import (
    Level,
    NeedsAnswer,
    NeedsResponse,
    NeedsRound,
    Profile,
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
