"""Reads on training, already scoped to what the asking user may see. A selector given a
user who may not see the thing returns nothing (an empty queryset or None), so views turn
that into a 404 or 403 and never leak another country's data."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from django.utils import timezone

from portal.models import AccessToken, Country, User
from portal.tokens import access_token_for
from training import permissions
from training.models import (
    Course,
    Level,
    NeedsAnswer,
    NeedsResponse,
    NeedsRound,
    Nomination,
    NominationEvent,
    Session,
    SessionQuota,
    TrainingDelegate,
    TrainingTopic,
    Urgency,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import QuerySet
    from django.http import HttpRequest

# --- Topics and delegates -------------------------------------------------------------------


def active_topics() -> QuerySet[TrainingTopic]:
    return TrainingTopic.objects.filter(active=True)


def delegates_of_country(*, user: User | AnonymousUser) -> QuerySet[TrainingDelegate]:
    """The training delegates of the head's own country (empty for anyone else)."""
    country = permissions.head_country(user)
    if country is None:
        return TrainingDelegate.objects.none()
    return TrainingDelegate.objects.filter(country=country).select_related("user", "granted_by")


def delegate_candidates(*, user: User | AnonymousUser) -> QuerySet[User]:
    """The people a head may name as delegates: active members of their own SPOC."""
    country = permissions.head_country(user)
    if country is None:
        return User.objects.none()
    return User.objects.filter(is_active=True, organisation__country=country).order_by(
        "last_name", "first_name", "email"
    )


def delegate_of_country(*, user: User | AnonymousUser, delegate_id: int) -> TrainingDelegate | None:
    return delegates_of_country(user=user).filter(pk=delegate_id).first()


# --- Needs rounds ---------------------------------------------------------------------------


def needs_rounds_for(user: User | AnonymousUser) -> QuerySet[NeedsRound]:
    """Trainers see every round, drafts included; heads and their delegates the open and
    closed ones; anyone else none."""
    if permissions.is_trainer(user):
        qs = NeedsRound.objects.all()
    elif permissions.needs_country(user) is not None:
        qs = NeedsRound.objects.exclude(status=NeedsRound.Status.DRAFT)
    else:
        return NeedsRound.objects.none()
    return qs.prefetch_related(Prefetch("topics", queryset=TrainingTopic.objects.all()))


def needs_round_for(user: User | AnonymousUser, round_id: int) -> NeedsRound | None:
    return needs_rounds_for(user).filter(pk=round_id).first()


def needs_response_counts(rounds: Iterable[NeedsRound]) -> dict[int, int]:
    """{round id: number of countries that answered}, in one query."""
    return dict(
        NeedsResponse.objects.filter(round__in=rounds)
        .values("round")
        .annotate(n=Count("pk"))
        .values_list("round", "n")
    )


def own_needs(
    *, user: User | AnonymousUser, needs_round: NeedsRound
) -> tuple[NeedsResponse | None, dict[int, NeedsAnswer]]:
    """The user's country's response and answers ({topic id: answer}) to the round, for a
    head or delegate; (None, {}) for anyone else."""
    country = permissions.needs_country(user)
    if country is None:
        return None, {}
    response = NeedsResponse.objects.filter(round=needs_round, country=country).first()
    answers = {
        answer.topic_id: answer
        for answer in NeedsAnswer.objects.filter(round=needs_round, country=country)
    }
    return response, answers


def own_needs_states(
    *, user: User | AnonymousUser, rounds: Iterable[NeedsRound]
) -> dict[int, NeedsResponse]:
    """{round id: response} for the user's country, over many rounds (one query)."""
    country = permissions.needs_country(user)
    if country is None:
        return {}
    return {
        response.round_id: response
        for response in NeedsResponse.objects.filter(round__in=rounds, country=country)
    }


@dataclasses.dataclass
class MatrixRow:
    country: Country
    response: NeedsResponse | None
    cells: list  # one NeedsAnswer or None per topic, in the matrix's topic order
    total: int

    @property
    def answered(self):
        return self.response is not None


@dataclasses.dataclass
class TopicSummary:
    topic: TrainingTopic
    total: int
    countries: int
    by_level: list  # [(Level, staff)] in Level order
    by_urgency: list  # [(Urgency, staff)] in Urgency order


@dataclasses.dataclass
class NeedsMatrix:
    needs_round: NeedsRound
    topics: list
    rows: list
    topic_totals: list
    grand_total: int
    summaries: list

    @property
    def answered(self):
        return [row.country for row in self.rows if row.answered]

    @property
    def not_answered(self):
        return [row.country for row in self.rows if not row.answered]

    @property
    def answers(self):
        return [cell for row in self.rows for cell in row.cells if cell is not None]


def needs_matrix(*, user: User | AnonymousUser, needs_round: NeedsRound) -> NeedsMatrix | None:
    """The pooled results: every country x the round's topics, with totals, the countries
    that have not answered, and per topic the staff by level and urgency. For trainers only
    (None for anyone else). Four queries, whatever the number of countries and answers."""
    if not permissions.can_see_needs_matrix(user):
        return None
    topics = list(needs_round.topics.order_by("sort_order", "name"))
    countries = list(Country.objects.order_by("name"))
    responses = {
        response.country_id: response
        for response in NeedsResponse.objects.filter(round=needs_round).select_related("updated_by")
    }
    answers = {}
    for answer in NeedsAnswer.objects.filter(round=needs_round):
        answers[(answer.country_id, answer.topic_id)] = answer
    rows = []
    for country in countries:
        cells = [answers.get((country.pk, topic.pk)) for topic in topics]
        for cell in cells:
            if cell is not None:
                cell.country = country  # spares a query per answer in exports
        rows.append(
            MatrixRow(
                country=country,
                response=responses.get(country.pk),
                cells=cells,
                total=sum(cell.staff_count for cell in cells if cell is not None),
            )
        )
    topic_totals = [
        sum(row.cells[i].staff_count for row in rows if row.cells[i] is not None)
        for i in range(len(topics))
    ]
    summaries = []
    for i, topic in enumerate(topics):
        column = [row.cells[i] for row in rows if row.cells[i] is not None]
        for cell in column:
            cell.topic = topic
        summaries.append(
            TopicSummary(
                topic=topic,
                total=topic_totals[i],
                countries=len(column),
                by_level=[
                    (level, sum(c.staff_count for c in column if c.level == level.value))
                    for level in Level
                ],
                by_urgency=[
                    (urgency, sum(c.staff_count for c in column if c.urgency == urgency.value))
                    for urgency in Urgency
                ],
            )
        )
    return NeedsMatrix(
        needs_round=needs_round,
        topics=topics,
        rows=rows,
        topic_totals=topic_totals,
        grand_total=sum(topic_totals),
        summaries=summaries,
    )


# --- Courses, sessions and the annual plan -------------------------------------------------


def courses_for(user: User | AnonymousUser) -> QuerySet[Course]:
    """The catalogue: every course, for every member."""
    if not permissions.can_see_courses(user):
        return Course.objects.none()
    return Course.objects.select_related("topic", "organiser_country")


def course_for(user: User | AnonymousUser, course_id: int) -> Course | None:
    return courses_for(user).filter(pk=course_id).first()


def sessions_for(user: User | AnonymousUser) -> QuerySet[Session]:
    if not permissions.can_see_courses(user):
        return Session.objects.none()
    return Session.objects.select_related(
        "course", "course__topic", "course__organiser_country"
    ).order_by("first_day", "daily_start", "pk")


def session_for(user: User | AnonymousUser, session_id: int) -> Session | None:
    return (
        sessions_for(user)
        .prefetch_related(
            Prefetch("quotas", queryset=SessionQuota.objects.select_related("country")),
            "documents",
        )
        .filter(pk=session_id)
        .first()
    )


def sessions_of_course(*, user: User | AnonymousUser, course: Course) -> QuerySet[Session]:
    return sessions_for(user).filter(course=course)


def upcoming_sessions(
    *, user: User | AnonymousUser, today: datetime.date | None = None, limit: int | None = None
) -> QuerySet[Session]:
    today = today or timezone.localdate()
    qs = sessions_for(user).filter(last_day__gte=today)
    return qs[:limit] if limit else qs


def plan_sessions(*, user: User | AnonymousUser, year: int) -> QuerySet[Session]:
    """The annual training plan: the sessions starting in `year`, cancelled ones included
    (marked as such), in date order."""
    return sessions_for(user).filter(first_day__year=year)


def plan_years(*, user: User | AnonymousUser) -> list[int]:
    """The years that have sessions, in order."""
    if not permissions.can_see_courses(user):
        return []
    return [day.year for day in Session.objects.dates("first_day", "year")]


def sessions_for_feed(
    *, user: User | AnonymousUser, today: datetime.date | None = None
) -> QuerySet[Session]:
    """A calendar subscription: the sessions from a year back on."""
    today = today or timezone.localdate()
    return sessions_for(user).filter(last_day__gte=today - datetime.timedelta(days=366))


def calendar_feed_urls(*, request: HttpRequest, user: User) -> dict[str, str] | None:
    """The user's personal subscription address for the training calendar (https and
    webcal), with the same secret token as the meetings feed."""
    if not permissions.can_see_courses(user):
        return None
    token = access_token_for(user=user, purpose=AccessToken.Purpose.CALENDAR)
    https = request.build_absolute_uri(reverse("training:calendar_feed", args=[token]))
    return {"https": https, "webcal": "webcal://" + https.split("://", 1)[1]}


# --- Nominations ----------------------------------------------------------------------------


def _organised_courses_q(user, prefix=""):
    """The courses the user decides nominations for, as a filter (see permissions)."""
    if permissions.is_admin(user):
        return Q()
    q = Q(pk__in=[])
    if permissions.cepol_of(user) is not None:
        q |= Q(**{f"{prefix}organiser": Course.Organiser.CEPOL})
    if permissions.is_trainer(user):
        q |= Q(**{f"{prefix}organiser": Course.Organiser.NETWORK})
    country = permissions.head_country(user)
    if country is not None:
        q |= Q(
            **{
                f"{prefix}organiser": Course.Organiser.COUNTRY,
                f"{prefix}organiser_country": country,
            }
        )
    return q


def nominations_visible_to(user: User | AnonymousUser) -> QuerySet[Nomination]:
    """Every nomination the user may see: their own, their country's (as its head or
    National Contact Point), those of the sessions they organise and those of the sessions
    they give as one of its trainers (permissions.can_see_nomination)."""
    if not permissions.is_member(user):
        return Nomination.objects.none()
    q = Q(nominee=user) | _organised_courses_q(user, prefix="session__course__")
    countries = permissions.countries_seen(user)
    if countries:
        q |= Q(country__in=countries)
    given = permissions.sessions_given(user)
    if given:
        q |= Q(session__in=given)
    return Nomination.objects.filter(q).select_related(
        "nominee", "country", "session__course__topic", "session__course__organiser_country"
    )


def nomination_for(user: User | AnonymousUser, nomination_id: int) -> Nomination | None:
    return nominations_visible_to(user).filter(pk=nomination_id).first()


def nomination_history(nomination: Nomination) -> QuerySet[NominationEvent]:
    return NominationEvent.objects.filter(nomination=nomination).select_related("actor")


STATUS_ORDER = {status: index for index, status in enumerate(Nomination.Status.values)}


def session_nominations(*, user: User | AnonymousUser, session: Session) -> list[Nomination]:
    """The session's nominations the user may see, active ones first: the organiser and the
    session's trainers see them all, a head (or National Contact Point) their country's,
    anyone else their own."""
    qs = nominations_visible_to(user).filter(session=session)
    rows = list(qs)
    rows.sort(
        key=lambda n: (
            not n.is_active,
            STATUS_ORDER[n.status],
            n.position or 0,
            n.country.name,
            n.created_at,
        )
    )
    return rows


def own_nomination(
    *, user: User | AnonymousUser, session: Session, nominations: Iterable[Nomination] | None = None
) -> Nomination | None:
    """The user's active nomination for the session, else their latest one, else None."""
    mine = [n for n in (nominations or []) if n.nominee_id == user.pk]
    if nominations is None:
        mine = list(Nomination.objects.filter(session=session, nominee=user))
    active = [n for n in mine if n.is_active]
    if active:
        return active[0]
    return max(mine, key=lambda n: n.created_at) if mine else None


@dataclasses.dataclass
class SeatSummary:
    capacity: int
    held: int
    waiting: int
    left_for_country: int | None
    country: Country | None
    quota: int | None
    held_by_country: int | None

    @property
    def left(self):
        return max(0, self.capacity - self.held)


def seat_summary(
    *, session: Session, country: Country | None = None, today: datetime.date | None = None
) -> SeatSummary:
    """What a page says about seats (three queries, whatever the number of nominations)."""
    from training.services import seats_left_for

    today = today or timezone.localdate()
    held = dict(
        Nomination.objects.filter(session=session, status__in=Nomination.HOLDING_SEAT)
        .values("country")
        .annotate(n=Count("pk"))
        .values_list("country", "n")
    )
    quotas = {quota.country_id: quota.seats for quota in session.quotas.all()}
    waiting = Nomination.objects.filter(session=session, status=Nomination.Status.WAITING).count()
    return SeatSummary(
        capacity=session.capacity,
        held=sum(held.values()),
        waiting=waiting,
        country=country,
        left_for_country=seats_left_for(session, country.pk, held=held, quotas=quotas, today=today)
        if country is not None
        else None,
        quota=quotas.get(country.pk) if country is not None else None,
        held_by_country=held.get(country.pk, 0) if country is not None else None,
    )


def nomination_candidates(*, user: User | AnonymousUser, session: Session) -> QuerySet[User]:
    """The people a head may nominate for the session: active members of their SPOC without
    an active nomination for it."""
    country = permissions.nominating_country(user)
    if country is None:
        return User.objects.none()
    taken = Nomination.objects.filter(session=session, status__in=Nomination.ACTIVE).values(
        "nominee"
    )
    return (
        User.objects.filter(is_active=True, organisation__country=country)
        .exclude(pk__in=taken)
        .order_by("last_name", "first_name", "email")
    )


def nominations_overview(*, user: User | AnonymousUser) -> dict[str, list[Nomination]]:
    """The nominations page: the user's own, what waits for them (as head, National Contact
    Point or organiser), and the participants of the coming sessions they give as a trainer;
    each list a fixed number of queries."""
    visible = nominations_visible_to(user).order_by("session__first_day", "created_at", "pk")
    today = timezone.localdate()
    result = {
        "own": list(visible.filter(nominee=user).order_by("-created_at")),
        "to_approve": [],
        "to_second_approve": [],
        "to_decide": [],
        "country": [],
        "given": [],
    }
    given = permissions.sessions_given(user)
    if given:
        result["given"] = list(
            visible.filter(
                session__in=given,
                status__in=[*Nomination.HOLDING_SEAT, Nomination.Status.WAITING],
                session__last_day__gte=today,
            )
        )
    head = permissions.head_country(user)
    if head is not None:
        result["to_approve"] = list(
            visible.filter(country=head, status=Nomination.Status.REQUESTED)
        )
        result["country"] = list(
            visible.filter(country=head, status__in=Nomination.ACTIVE, session__last_day__gte=today)
        )
    contact = permissions.national_contact_country(user)
    if contact is not None:
        result["to_second_approve"] = list(
            visible.filter(country=contact, status=Nomination.Status.AWAITING_SECOND)
        )
    organised = _organised_courses_q(user, prefix="session__course__")
    if permissions.is_admin(user) or organised != Q(pk__in=[]):
        result["to_decide"] = list(
            visible.filter(
                organised, status=Nomination.Status.APPROVED, session__last_day__gte=today
            )
        )
    return result
