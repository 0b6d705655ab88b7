"""Reads on training for many sessions at once: the API's session list, the dashboard panels
and the activity report. Like training.selectors they are scoped to the asking user, and they
cost a fixed number of queries whatever the number of sessions, countries and nominations.

The seat figures are those of the session page: the same `SeatSummary` as
`selectors.seat_summary`, and the seats a country can still take from the same
`services.seats_left_for`; only the counting is batched (one query for every session's seats
held per country, one for the waiting lists, one for the quotas)."""

import collections
import dataclasses
import datetime

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Subquery, Sum
from django.utils import timezone

from portal.models import Country
from training import permissions, selectors
from training.models import NeedsRound, Nomination, Session, SessionQuota, SessionTrainer
from training.selectors import SeatSummary


@dataclasses.dataclass
class CountrySeats:
    country: Country
    quota: int | None
    held: int
    left: int


@dataclasses.dataclass
class SessionSeats:
    summary: SeatSummary  # as the session page computes it, for the user's country
    countries: list  # CountrySeats for every country of the network, by name


def with_quotas(sessions):
    """The sessions queryset with its quotas (and their countries) prefetched."""
    return sessions.prefetch_related(
        Prefetch("quotas", queryset=SessionQuota.objects.select_related("country"))
    )


def session_seats(*, sessions, country=None, today=None, countries=None):
    """{session id: SessionSeats} for the given sessions (quotas prefetched, see
    `with_quotas`); `country` is the asking user's (the page's "seats your country can still
    take"). Three queries (none more for more sessions), or two when `countries` is given."""
    from training.services import seats_left_for

    today = today or timezone.localdate()
    sessions = list(sessions)
    ids = [session.pk for session in sessions]
    held = collections.defaultdict(dict)
    waiting = collections.Counter()
    if ids:
        for session_id, country_id, n in (
            Nomination.objects.filter(session__in=ids, status__in=Nomination.HOLDING_SEAT)
            .values("session", "country")
            .annotate(n=Count("pk"))
            .values_list("session", "country", "n")
        ):
            held[session_id][country_id] = n
        waiting.update(
            dict(
                Nomination.objects.filter(session__in=ids, status=Nomination.Status.WAITING)
                .values("session")
                .annotate(n=Count("pk"))
                .values_list("session", "n")
            )
        )
    if countries is None:
        countries = list(Country.objects.order_by("name"))
    result = {}
    for session in sessions:
        session_held = held.get(session.pk, {})
        quotas = {quota.country_id: quota.seats for quota in session.quotas.all()}

        def left(country_id, session=session, session_held=session_held, quotas=quotas):
            return seats_left_for(
                session, country_id, held=session_held, quotas=quotas, today=today
            )

        summary = SeatSummary(
            capacity=session.capacity,
            held=sum(session_held.values()),
            waiting=waiting.get(session.pk, 0),
            country=country,
            left_for_country=left(country.pk) if country is not None else None,
            quota=quotas.get(country.pk) if country is not None else None,
            held_by_country=session_held.get(country.pk, 0) if country is not None else None,
        )
        result[session.pk] = SessionSeats(
            summary=summary,
            countries=[
                CountrySeats(
                    country=each,
                    quota=quotas.get(each.pk),
                    held=session_held.get(each.pk, 0),
                    left=left(each.pk),
                )
                for each in countries
            ],
        )
    return result


# --- Dashboard panels ----------------------------------------------------------------------

PANEL_LIMIT = 5
# A session is "to staff" when its nomination deadline is this near and seats are left.
STAFFING_DAYS = 14


def open_needs_rounds(*, user, today=None):
    """The open needs rounds the user's country answers (head or delegate), each with
    `answered` set: [(round, answered)]. Two queries."""
    country = permissions.needs_country(user)
    if country is None:
        return []
    today = today or timezone.localdate()
    rounds = list(
        NeedsRound.objects.filter(status=NeedsRound.Status.OPEN, deadline__gte=today).order_by(
            "deadline", "pk"
        )
    )
    if not rounds:
        return []
    answered = set(
        NeedsRound.objects.filter(
            pk__in=[r.pk for r in rounds], responses__country=country
        ).values_list("pk", flat=True)
    )
    return [(needs_round, needs_round.pk in answered) for needs_round in rounds]


def _country_nominations(country):
    """The head's own country's nominations (what a head sees of their country on the
    pages, selectors.nominations_visible_to), with what the panels show."""
    return (
        Nomination.objects.filter(country=country)
        .select_related("nominee", "session__course")
        .order_by("session__first_day", "created_at", "pk")
    )


def _to_approve_q(today):
    return Q(
        status=Nomination.Status.REQUESTED,
        session__status=Session.Status.SCHEDULED,
        session__last_day__gte=today,
    )


def _participants_q(today):
    return Q(
        status__in=[*Nomination.HOLDING_SEAT, Nomination.Status.WAITING],
        session__status=Session.Status.SCHEDULED,
        session__last_day__gte=today,
    )


def head_nomination_counts(*, user, today=None):
    """{"to_approve": n, "participants": n} for the head's country, in one query (cached on
    the user for the request: two panels ask); None for anyone but a head."""
    country = permissions.head_country(user)
    if country is None:
        return None
    if not hasattr(user, "_training_head_counts"):
        today = today or timezone.localdate()
        user._training_head_counts = Nomination.objects.filter(country=country).aggregate(
            to_approve=Count("pk", filter=_to_approve_q(today)),
            participants=Count("pk", filter=_participants_q(today)),
        )
    return user._training_head_counts


def nominations_to_approve(*, user, today=None, limit=PANEL_LIMIT):
    """The head's country's nominations waiting for their approval (first `limit`) and how
    many there are: (list, count), for sessions not cancelled nor over. One query when there
    are none, two otherwise."""
    counts = head_nomination_counts(user=user, today=today)
    if not counts or not counts["to_approve"]:
        return [], 0
    today = today or timezone.localdate()
    qs = _country_nominations(permissions.head_country(user)).filter(_to_approve_q(today))
    return list(qs[:limit]), counts["to_approve"]


def country_participants(*, user, today=None, limit=PANEL_LIMIT):
    """The head's country's people in coming sessions (approved, confirmed or waiting), first
    `limit`, and how many: (list, count). No query beyond the shared count when there are
    none, one otherwise."""
    counts = head_nomination_counts(user=user, today=today)
    if not counts or not counts["participants"]:
        return [], 0
    today = today or timezone.localdate()
    qs = _country_nominations(permissions.head_country(user)).filter(_participants_q(today))
    return list(qs[:limit]), counts["participants"]


def sessions_to_staff(*, user, today=None, limit=PANEL_LIMIT):
    """For trainers: the scheduled sessions to staff, soonest nomination deadline first;
    (list, count). A session is to staff when it has not started and has no trainer yet (the
    pool's trainers are chosen on its trainers page), or when its nomination deadline is
    today or within STAFFING_DAYS days and seats are still left (seats held below the
    capacity). Each session carries `has_trainers` and `seats_free` (why it is listed). Two
    queries."""
    if not permissions.is_trainer(user):
        return [], 0
    today = today or timezone.localdate()
    without_trainers = ~Exists(SessionTrainer.objects.filter(session=OuterRef("pk")))
    seats_to_fill = Q(
        nomination_deadline__gte=today,
        nomination_deadline__lte=today + datetime.timedelta(days=STAFFING_DAYS),
        seats_held__lt=F("capacity"),
    )
    qs = (
        selectors.sessions_for(user)
        .filter(status=Session.Status.SCHEDULED, first_day__gt=today)
        .alias(without_trainers=without_trainers)
        .filter(Q(without_trainers=True) | seats_to_fill)
        .annotate(has_trainers=~without_trainers)
        .order_by("nomination_deadline", "first_day", "pk")
    )
    sessions = list(qs[:limit])
    for session in sessions:
        session.seats_free = session.seats_held < session.capacity
    return sessions, qs.count()


# Days an evaluation stays on the trainers' "evaluations due" panel once it has opened: the
# invitations go out within the same window (services_evaluations.INVITE_WITHIN_DAYS).
EVALUATIONS_DUE_DAYS = 30


@dataclasses.dataclass
class EvaluationDue:
    session: Session
    kind: str  # an EvaluationKind value
    label: str
    opened_on: datetime.date
    responses: int
    participants: int


def evaluations_due(*, user, now=None, limit=PANEL_LIMIT):
    """For trainers: the evaluations of sessions that opened in the last EVALUATIONS_DUE_DAYS
    days (the evaluation after the session, the follow-ups at 3 and 6 months), each with the
    answers received against the confirmed participants; most recently opened first;
    (list, count). One query, whatever the number of sessions and answers."""
    from training.models import EvaluationKind
    from training.services_evaluations import is_open, opens_on

    if not permissions.is_trainer(user):
        return [], 0
    now = now or timezone.now()
    today = timezone.localdate(now)
    window = datetime.timedelta(days=EVALUATIONS_DUE_DAYS)
    # Follow-ups open 6 calendar months (at most 184 days) after the last day.
    earliest = today - window - datetime.timedelta(days=185)
    confirmed = Q(nominations__status=Nomination.Status.CONFIRMED)
    counts = {
        "participants": Count("nominations", filter=confirmed, distinct=True),
        **{
            f"answered_{kind.value}": Count(
                "nominations__evaluations",
                filter=confirmed & Q(nominations__evaluations__kind=kind.value),
                distinct=True,
            )
            for kind in EvaluationKind
        },
    }
    sessions = (
        selectors.sessions_for(user)
        .filter(
            status=Session.Status.SCHEDULED,
            last_day__gte=earliest,
            last_day__lte=today,
        )
        .annotate(**counts)
        .order_by("-last_day", "pk")
    )
    due = []
    for session in sessions:
        if not session.participants:
            continue
        for kind in EvaluationKind:
            opened = opens_on(session, kind.value)
            if is_open(session, kind.value, now) and today - opened <= window:
                due.append(
                    EvaluationDue(
                        session=session,
                        kind=kind.value,
                        label=kind.label,
                        opened_on=opened,
                        responses=getattr(session, f"answered_{kind.value}"),
                        participants=session.participants,
                    )
                )
    due.sort(key=lambda row: (row.opened_on, row.session.pk), reverse=True)
    return due[:limit], len(due)


# --- The activity report to DAPIX ----------------------------------------------------------


@dataclasses.dataclass
class TrainingHeld:
    sessions: list  # the sessions held in the period, in date order (see sessions_held)
    participants: list  # [(Country name, participants)] by name, countries with none left out
    total: int
    evaluation_mean: float | None  # the mean of every Likert answer of the sessions' evaluations
    evaluation_answers: int  # the number of evaluations (after the session) answered
    unrecorded: int  # sessions held without any attendance recorded (confirmed counted)


def sessions_held(*, period_start, period_end, now=None):
    """The sessions held in the period (by their first day; scheduled, not cancelled, started
    by `now`) with, per session, `participants`, `attendance_recorded`, `evaluation_mean`
    (the mean of the Likert answers of its evaluation after the session, None without) and
    `evaluations` (answers received); and the participants per country. Participants are the
    attendees (confirmed, and attended or partly on at least one day) of a session whose
    attendance was recorded, else its confirmed participants (the report says how many
    sessions were counted so). Two queries. The report is the network's document: no person
    is named, only counts."""
    from training.models import Attendance, EvaluationAnswer, EvaluationKind, EvaluationResponse

    now = now or timezone.now()
    likert = EvaluationAnswer.objects.filter(
        response__nomination__session=OuterRef("pk"),
        response__kind=EvaluationKind.SESSION,
        score__isnull=False,
    ).values("response__nomination__session")
    candidates = (
        Session.objects.filter(
            status=Session.Status.SCHEDULED,
            first_day__gte=period_start,
            first_day__lte=period_end,
        )
        .select_related("course", "course__organiser_country")
        .annotate(
            score_sum=Subquery(likert.annotate(total=Sum("score")).values("total")),
            score_count=Subquery(likert.annotate(n=Count("pk")).values("n")),
            evaluations=Subquery(
                EvaluationResponse.objects.filter(
                    nomination__session=OuterRef("pk"), kind=EvaluationKind.SESSION
                )
                .values("nomination__session")
                .annotate(n=Count("pk"))
                .values("n")
            ),
            attendance_recorded=Exists(
                Attendance.objects.filter(nomination__session=OuterRef("pk"))
            ),
        )
        .order_by("first_day", "daily_start", "pk")
    )
    held = [session for session in candidates if session.has_started(now)]
    ids = [session.pk for session in held]
    counts = collections.defaultdict(dict)
    names = {}
    if ids:
        rows = (
            Nomination.objects.filter(session__in=ids, status=Nomination.Status.CONFIRMED)
            .values("session", "country", "country__name")
            .annotate(
                confirmed=Count("pk", distinct=True),
                attended=Count(
                    "pk", filter=Q(attendance__status__in=Attendance.PRESENT), distinct=True
                ),
            )
            .values_list("session", "country", "country__name", "confirmed", "attended")
        )
        for session_id, country_id, name, confirmed, attended in rows:
            counts[session_id][country_id] = (confirmed, attended)
            names[country_id] = name
    participants = collections.Counter()
    score_sum = score_count = answered = unrecorded = 0
    for session in held:
        column = 1 if session.attendance_recorded else 0
        unrecorded += not session.attendance_recorded
        for country_id, pair in counts[session.pk].items():
            participants[country_id] += pair[column]
        session.participants = sum(pair[column] for pair in counts[session.pk].values())
        session.evaluations = session.evaluations or 0
        session.evaluation_mean = (
            session.score_sum / session.score_count if session.score_count else None
        )
        score_sum += session.score_sum or 0
        score_count += session.score_count or 0
        answered += session.evaluations
    by_country = sorted(
        ((names[country_id], n) for country_id, n in participants.items() if n),
        key=lambda r: r[0],
    )
    return TrainingHeld(
        sessions=held,
        participants=by_country,
        total=sum(participants.values()),
        evaluation_mean=score_sum / score_count if score_count else None,
        evaluation_answers=answered,
        unrecorded=unrecorded,
    )
