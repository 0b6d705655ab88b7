"""Reads on the delivery of sessions (attendance, evaluations, certificates), scoped as
training.permissions_pool says."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef

from training.models import Attendance, Nomination
from training.services_delivery import confirmed_participants

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from portal.models import User
    from training.models import EvaluationKind, EvaluationResponse, Session


@dataclasses.dataclass
class AttendanceRow:
    nomination: Nomination
    cells: list  # [(day, status or "")] in the session's day order

    @property
    def present_days(self):
        return sum(1 for _, status in self.cells if status in Attendance.PRESENT)


def attendance_sheet(session: Session) -> tuple[list[datetime.date], list[AttendanceRow]]:
    """The confirmed participants x the session's days (two queries, whatever the number)."""
    participants = list(
        confirmed_participants(session).order_by("country__name", "nominee__last_name", "pk")
    )
    records = {
        (record.nomination_id, record.day): record.status
        for record in Attendance.objects.filter(nomination__session=session)
    }
    days = session.days
    return days, [
        AttendanceRow(
            nomination=nomination,
            cells=[(day, records.get((nomination.pk, day), "")) for day in days],
        )
        for nomination in participants
    ]


def attendees(session: Session | None = None) -> QuerySet[Nomination]:
    """Confirmed nominations with attended or partly on at least one day: the attendees."""
    present = Attendance.objects.filter(nomination=OuterRef("pk"), status__in=Attendance.PRESENT)
    qs = Nomination.objects.filter(status=Nomination.Status.CONFIRMED).filter(Exists(present))
    if session is not None:
        qs = qs.filter(session=session)
    return qs


def is_attendee(nomination: Nomination) -> bool:
    return attendees().filter(pk=nomination.pk).exists()


# --- Evaluations ----------------------------------------------------------------------------


@dataclasses.dataclass
class QuestionResult:
    question: object
    count: int
    average: float | None = None
    distribution: list = dataclasses.field(default_factory=list)  # [(score, count)] 1..5
    texts: list = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class KindResult:
    kind: str
    label: str
    responses: int
    participants: int
    questions: list


def evaluation_results(sessions: Iterable[Session]) -> list[KindResult]:
    """The aggregated answers of the sessions' participants, per evaluation kind and
    question: the average and the distribution of each Likert question, the free texts (no
    names). Five queries, whatever the number of sessions and answers."""
    from django.db.models import Avg, Count

    from training.models import EvaluationAnswer, EvaluationKind, EvaluationResponse, Question

    session_ids = [session.pk for session in sessions]
    answers = EvaluationAnswer.objects.filter(response__nomination__session__in=session_ids)
    responses = dict(
        EvaluationResponse.objects.filter(nomination__session__in=session_ids)
        .values("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    )
    participants = Nomination.objects.filter(
        session__in=session_ids, status=Nomination.Status.CONFIRMED
    ).count()
    stats = {
        (row["response__kind"], row["question"]): row
        for row in answers.values("response__kind", "question").annotate(
            n=Count("pk"), average=Avg("score")
        )
    }
    spread = {}
    for row in (
        answers.filter(score__isnull=False)
        .values("response__kind", "question", "score")
        .annotate(n=Count("pk"))
    ):
        spread[(row["response__kind"], row["question"], row["score"])] = row["n"]
    texts = {}
    for kind, question_id, text in (
        answers.exclude(text="")
        .order_by("response__submitted_at", "pk")
        .values_list("response__kind", "question", "text")
    ):
        texts.setdefault((kind, question_id), []).append(text)
    question_ids = {question_id for _, question_id in stats}
    questions = {
        question.pk: question
        for question in Question.objects.filter(pk__in=question_ids).order_by(
            "questionnaire", "sort_order", "pk"
        )
    }
    results = []
    for kind in EvaluationKind:
        rows = []
        for question in questions.values():
            row = stats.get((kind.value, question.pk))
            if row is None:
                continue
            result = QuestionResult(question=question, count=row["n"])
            if question.is_likert:
                result.average = row["average"]
                result.distribution = [
                    (score, spread.get((kind.value, question.pk, score), 0))
                    for score in range(1, 6)
                ]
            else:
                result.texts = texts.get((kind.value, question.pk), [])
            rows.append(result)
        results.append(
            KindResult(
                kind=kind.value,
                label=kind.label,
                responses=responses.get(kind.value, 0),
                participants=participants,
                questions=rows,
            )
        )
    return results


def session_average_scores(sessions: Iterable[Session]) -> dict[int, float]:
    """{session id: average of every Likert answer of its evaluation after the session}."""
    from django.db.models import Avg

    from training.models import EvaluationAnswer, EvaluationKind

    return dict(
        EvaluationAnswer.objects.filter(
            response__nomination__session__in=[session.pk for session in sessions],
            response__kind=EvaluationKind.SESSION,
            score__isnull=False,
        )
        .values("response__nomination__session")
        .annotate(average=Avg("score"))
        .values_list("response__nomination__session", "average")
    )


def own_evaluations(
    *, user: User, now: datetime.datetime | None = None
) -> list[tuple[Nomination, EvaluationKind, EvaluationResponse | None]]:
    """The user's evaluations that are open or answered: [(nomination, kind, response)]."""
    from training.models import EvaluationKind, EvaluationResponse
    from training.services_evaluations import absent_throughout, is_open

    nominations = list(
        Nomination.objects.filter(nominee=user, status=Nomination.Status.CONFIRMED)
        .select_related("session__course")
        .order_by("-session__first_day")
    )
    answered = {
        (response.nomination_id, response.kind): response
        for response in EvaluationResponse.objects.filter(nomination__in=nominations)
    }
    out = []
    for nomination in nominations:
        if absent_throughout(nomination):
            continue
        for kind in EvaluationKind:
            response = answered.get((nomination.pk, kind.value))
            if response is not None or is_open(nomination.session, kind.value, now):
                out.append((nomination, kind, response))
    return out
