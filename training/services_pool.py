"""Writes on the trainer pool: proposals by the Heads of SPOC, vetting by the core group, the
trainers giving a session. Same conventions as training.services (keyword-only arguments,
one transaction, ValidationError with per-field messages, PermissionDenied)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from training import permissions, permissions_pool
from training.models import SessionTrainer, Trainer
from training.models.pool import LANGUAGE_NAMES, pack_languages

if TYPE_CHECKING:
    from portal.models import User
    from training.models import Session

MAX_TEXT = 5000


def _reindex(trainer):
    """Index the trainer once its topics are written (the post_save indexing ran before)."""
    from modelsearch.tasks import insert_or_update_object_task

    args = (trainer._meta.app_label, trainer._meta.model_name, str(trainer.pk))
    transaction.on_commit(lambda: insert_or_update_object_task.enqueue(*args))


def _search_values(trainer, topics):
    trainer.search_country = trainer.country.code.upper()
    ordered = sorted(topics, key=lambda topic: (topic.sort_order, topic.name))
    # The site search facets one topic per document: the trainer's first in the topic
    # list's order (every topic's name is searchable text).
    trainer.search_topic = ordered[0].slug if ordered else ""


def _clean_trainer(values, *, country, current_topics=()):
    errors = {}
    full_name = (values.get("full_name") or "").strip()
    if not full_name:
        errors["full_name"] = "Give the trainer's name."
    elif len(full_name) > 200:
        errors["full_name"] = "The name is too long (200 characters at most)."
    email = (values.get("email") or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = "Give a valid email address, or leave it empty."
    organisation = (values.get("organisation") or "").strip()
    if not organisation:
        errors["organisation"] = "Give the trainer's organisation."
    elif len(organisation) > 200:
        errors["organisation"] = "The organisation is too long (200 characters at most)."
    topics = list(values.get("topics") or [])
    if not topics:
        errors["topics"] = "Choose at least one topic."
    elif any(not topic.active and topic.pk not in current_topics for topic in topics):
        errors["topics"] = "Retired topics cannot be chosen."
    languages = list(values.get("languages") or [])
    if not languages:
        errors["languages"] = "Choose at least one language the trainer teaches in."
    elif any(code not in LANGUAGE_NAMES for code in languages):
        errors["languages"] = "Unknown language."
    qualifications = (values.get("qualifications") or "").strip()
    if not qualifications:
        errors["qualifications"] = "Describe the trainer's qualifications."
    elif len(qualifications) > MAX_TEXT:
        errors["qualifications"] = f"Keep it under {MAX_TEXT:,} characters."
    availability = (values.get("availability") or "").strip()
    if len(availability) > MAX_TEXT:
        errors["availability"] = f"Keep it under {MAX_TEXT:,} characters."
    user = values.get("user")
    if user is not None and (not user.is_active or user.country != country):
        errors["user"] = f"Choose an active member of the {country.name} SPOC, or nobody."
    if errors:
        raise ValidationError(errors)
    return {
        "full_name": full_name,
        "email": email,
        "organisation": organisation,
        "languages": pack_languages(languages),
        "qualifications": qualifications,
        "availability": availability,
        "user": user,
    }, topics


@transaction.atomic
def trainer_propose(*, actor: User, now: datetime.datetime | None = None, **values: Any) -> Trainer:
    """A Head of SPOC proposes a trainer of their own country (waiting for vetting)."""
    country = permissions.head_country(actor)
    if country is None:
        raise PermissionDenied("Trainers are proposed by the Heads of SPOC.")
    cleaned, topics = _clean_trainer(values, country=country)
    duplicate = Trainer.objects.filter(
        country=country, full_name__iexact=cleaned["full_name"]
    ).exclude(status=Trainer.Status.REJECTED)
    if duplicate.exists():
        raise ValidationError({"full_name": f"{cleaned['full_name']} is already in the pool."})
    trainer = Trainer(
        **cleaned,
        country=country,
        status=Trainer.Status.PROPOSED,
        proposed_by=actor,
        proposed_at=now or timezone.now(),
    )
    _search_values(trainer, topics)
    trainer.save()
    trainer.topics.set(topics)
    _reindex(trainer)
    return trainer


@transaction.atomic
def trainer_update(*, actor: User, trainer: Trainer, **values: Any) -> Trainer:
    """Correct a trainer's record: the core group any record, the heads of the trainer's
    country their proposal until it is vetted (permissions_pool.can_edit_trainer). The
    country, the status and the vetting history do not change here; the same checks as a
    proposal (a portal account must be a member of the trainer's country's SPOC; the same
    name twice in a country is refused)."""
    trainer = _locked(trainer)
    if not permissions_pool.can_edit_trainer(actor, trainer):
        if permissions_pool.is_proposers_head(actor, trainer):
            raise PermissionDenied(
                "This trainer is vetted: ask the core group of trainers for a correction."
            )
        raise PermissionDenied("Trainers' records are edited by the core group of trainers.")
    current_topics = set(trainer.topics.values_list("pk", flat=True))
    cleaned, topics = _clean_trainer(values, country=trainer.country, current_topics=current_topics)
    duplicate = (
        Trainer.objects.filter(country=trainer.country, full_name__iexact=cleaned["full_name"])
        .exclude(status=Trainer.Status.REJECTED)
        .exclude(pk=trainer.pk)
    )
    if duplicate.exists():
        raise ValidationError({"full_name": f"{cleaned['full_name']} is already in the pool."})
    for name, value in cleaned.items():
        setattr(trainer, name, value)
    _search_values(trainer, topics)
    trainer.save()
    trainer.topics.set(topics)
    _reindex(trainer)
    return trainer


def _locked(trainer):
    return Trainer.objects.select_for_update().select_related("country").get(pk=trainer.pk)


@transaction.atomic
def trainer_vet(*, actor: User, trainer: Trainer, now: datetime.datetime | None = None) -> Trainer:
    """The core group accepts a proposal: the trainer is in the pool."""
    if not permissions_pool.can_vet_trainers(actor):
        raise PermissionDenied("Trainers are vetted by the core group of trainers.")
    trainer = _locked(trainer)
    if trainer.status == Trainer.Status.VETTED:
        raise ValidationError("This trainer is already vetted.")
    trainer.status = Trainer.Status.VETTED
    trainer.vetted_by = actor
    trainer.vetted_at = now or timezone.now()
    trainer.vetting_note = ""
    trainer.save(update_fields=["status", "vetted_by", "vetted_at", "vetting_note"])
    _reindex(trainer)
    return trainer


@transaction.atomic
def trainer_reject(
    *, actor: User, trainer: Trainer, reason: str, now: datetime.datetime | None = None
) -> Trainer:
    """The core group turns a proposal down (or takes a trainer out of the pool), with a
    reason for the proposing head. A trainer giving a coming session stays until removed from
    it."""
    if not permissions_pool.can_vet_trainers(actor):
        raise PermissionDenied("Trainers are vetted by the core group of trainers.")
    trainer = _locked(trainer)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason, for the proposing Head of SPOC."})
    if len(reason) > 2000:
        raise ValidationError({"reason": "The reason is too long (2,000 characters at most)."})
    if trainer.status == Trainer.Status.REJECTED:
        raise ValidationError("This proposal was already turned down.")
    today = timezone.localdate(now)
    if trainer.session_links.filter(session__last_day__gte=today).exists():
        raise ValidationError("This trainer gives a coming session: remove them from it first.")
    trainer.status = Trainer.Status.REJECTED
    trainer.vetted_by = actor
    trainer.vetted_at = now or timezone.now()
    trainer.vetting_note = reason
    trainer.save(update_fields=["status", "vetted_by", "vetted_at", "vetting_note"])
    _reindex(trainer)
    return trainer


@transaction.atomic
def session_trainers_set(
    *,
    actor: User,
    session: Session,
    trainers: Iterable[Trainer],
    now: datetime.datetime | None = None,
) -> list[SessionTrainer]:
    """The trainers giving a session, from the vetted pool. Trainers already on it stay even
    if no longer vetted; a new one must be vetted."""
    if not permissions_pool.can_assign_trainers(actor, session):
        raise PermissionDenied("You do not manage this course.")
    if session.is_cancelled:
        raise ValidationError("A cancelled session is not changed.")
    current = {link.trainer_id: link for link in session.session_trainers.all()}
    wanted = {
        trainer.pk: trainer
        for trainer in Trainer.objects.filter(pk__in=[trainer.pk for trainer in trainers])
    }
    not_vetted = [t.full_name for pk, t in wanted.items() if pk not in current and not t.is_vetted]
    if not_vetted:
        raise ValidationError(
            {"trainers": f"Only vetted trainers give sessions: {', '.join(not_vetted)}."}
        )
    now = now or timezone.now()
    for pk, trainer in wanted.items():
        if pk not in current:
            SessionTrainer.objects.create(
                session=session, trainer=trainer, added_by=actor, added_at=now
            )
    SessionTrainer.objects.filter(session=session).exclude(trainer_id__in=list(wanted)).delete()
    return list(session.session_trainers.select_related("trainer"))
