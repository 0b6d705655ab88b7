"""Reads on the trainer pool, scoped to the asking user (see training.permissions_pool)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q

from training import permissions, permissions_pool
from training.models import SessionTrainer, Trainer, TrainingTopic

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import QuerySet

    from portal.models import Country, User
    from training.models import Session


def trainers_for(user: User | AnonymousUser) -> QuerySet[Trainer]:
    """Vetted trainers for every member; besides, every proposal for the trainers and their
    own country's proposals for a Head of SPOC."""
    if not permissions.is_member(user):
        return Trainer.objects.none()
    if permissions_pool.can_vet_trainers(user):
        qs = Trainer.objects.all()
    else:
        q = Q(status=Trainer.Status.VETTED)
        country = permissions.head_country(user)
        if country is not None:
            q |= Q(country=country)
        qs = Trainer.objects.filter(q)
    return qs.select_related("country").prefetch_related(
        Prefetch("topics", queryset=TrainingTopic.objects.order_by("sort_order", "name"))
    )


def trainers_for_search(user: User | AnonymousUser) -> QuerySet[Trainer]:
    """The site search source: vetted trainers only, for every member."""
    if not permissions.is_member(user):
        return Trainer.objects.none()
    return Trainer.objects.filter(status=Trainer.Status.VETTED)


def trainer_account_candidates(trainer: Trainer) -> QuerySet[User]:
    """The portal accounts a trainer's record may be linked to: active members of the
    trainer's country's SPOC."""
    from portal.models import User

    return User.objects.filter(is_active=True, organisation__country=trainer.country_id).order_by(
        "last_name", "first_name", "email"
    )


def trainer_for(user: User | AnonymousUser, trainer_id: int) -> Trainer | None:
    return trainers_for(user).filter(pk=trainer_id).first()


def filter_trainers(
    qs: QuerySet[Trainer],
    *,
    topic: TrainingTopic | None = None,
    language: str | None = None,
    country: Country | None = None,
    status: str | None = None,
) -> QuerySet[Trainer]:
    if topic is not None:
        qs = qs.filter(topics=topic)
    if language:
        qs = qs.filter(languages__contains=f",{language},")
    if country is not None:
        qs = qs.filter(country=country)
    if status:
        qs = qs.filter(status=status)
    return qs.distinct() if topic is not None else qs


def assignable_trainers(current_links: Iterable[SessionTrainer] = ()) -> QuerySet[Trainer]:
    """Who can be chosen to give a session: the vetted pool, and whoever gives it already."""
    current = [link.trainer_id for link in current_links]
    return (
        Trainer.objects.filter(Q(status=Trainer.Status.VETTED) | Q(pk__in=current))
        .select_related("country")
        .order_by("full_name", "pk")
    )


def session_trainers(session: Session) -> list[SessionTrainer]:
    return list(
        SessionTrainer.objects.filter(session=session)
        .select_related("trainer__country")
        .order_by("trainer__full_name")
    )


def trainer_sessions(
    trainer: Trainer, *, with_scores: bool = False
) -> list[tuple[Session, float | None]]:
    """The sessions the trainer gives or gave, latest first, as (session, score): the average
    of the Likert answers of the session's evaluation when `with_scores` (None without
    answers, or without `with_scores`)."""
    links = list(
        SessionTrainer.objects.filter(trainer=trainer)
        .select_related("session__course")
        .order_by("-session__first_day", "-session__pk")
    )
    from training.selectors_delivery import session_average_scores

    sessions = [link.session for link in links]
    scores = session_average_scores(sessions) if with_scores else {}
    return [(session, scores.get(session.pk)) for session in sessions]
