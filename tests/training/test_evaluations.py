"""Evaluations: participants answer after the session and 3 and 6 months later (one answer
per participant and kind), invitations are emailed once, results are aggregated per session
and per course for the trainers (and CEPOL for its courses)."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction

from tests.helpers import soup_of
from tests.training.delivery import AFTER, SECOND_DAY, confirm, network_session, tasks_at_once
from tests.training.helpers import make_course, make_session
from training import services_delivery, services_evaluations
from training.models import EvaluationInvitation, EvaluationResponse, Questionnaire

pytestmark = pytest.mark.django_db

THREE_MONTHS = datetime.datetime(2027, 6, 18, 8, 0, tzinfo=datetime.UTC)  # last day 18 March


@pytest.fixture(autouse=True)
def _tasks(monkeypatch):
    tasks_at_once(monkeypatch)


@pytest.fixture
def session(trainer):
    return network_session(trainer)


@pytest.fixture
def participants(session, trainer, head_be):
    return confirm(session, trainer, head_be, count=3)


def questions(kind="session"):
    return list(Questionnaire.current(kind).questions.all())


def answers(scores, text="More exercises."):
    out = {}
    likert = [q for q in questions() if q.is_likert]
    for question, score in zip(likert, scores, strict=False):
        out[question.pk] = score
    free = [q for q in questions() if not q.is_likert]
    if free:
        out[free[0].pk] = text
    return out


def test_participants_answer_once_after_the_session(participants, head_be):
    first, second, _ = participants
    with pytest.raises(ValidationError) as error:  # not over yet
        services_evaluations.evaluation_submit(
            actor=first.nominee, nomination=first, kind="session", answers=answers([5, 5, 5, 5])
        )
    assert "not open" in error.value.messages[0]
    with time_machine.travel(AFTER, tick=False):
        with pytest.raises(PermissionDenied):
            services_evaluations.evaluation_submit(
                actor=head_be, nomination=first, kind="session", answers=answers([5, 5, 5, 5])
            )
        with pytest.raises(ValidationError) as error:
            services_evaluations.evaluation_submit(
                actor=first.nominee, nomination=first, kind="session", answers=answers([5, 9])
            )
        assert len(error.value.message_dict) == 3  # 9 out of range, two missing
        assert not EvaluationResponse.objects.exists()
        response = services_evaluations.evaluation_submit(
            actor=first.nominee, nomination=first, kind="session", answers=answers([5, 4, 3, 4])
        )
        assert response.answers.count() == 5
        with pytest.raises(ValidationError) as error:
            services_evaluations.evaluation_submit(
                actor=first.nominee, nomination=first, kind="session", answers=answers([1, 1, 1, 1])
            )
        assert "already answered" in error.value.messages[0]
        with pytest.raises(IntegrityError), transaction.atomic():
            EvaluationResponse.objects.create(
                nomination=first, kind="session", questionnaire=response.questionnaire
            )
        # The follow-up opens 3 months after the last day.
        with pytest.raises(ValidationError):
            services_evaluations.evaluation_submit(
                actor=second.nominee, nomination=second, kind="follow_up_3", answers={}
            )


def test_a_participant_absent_every_day_does_not_evaluate(trainer, session, participants):
    first = participants[0]
    with time_machine.travel(SECOND_DAY, tick=False):
        services_delivery.attendance_record(
            actor=trainer,
            session=session,
            marks={(first.pk, datetime.date(2027, 3, 15)): "no_show"},
        )
    with time_machine.travel(AFTER, tick=False), pytest.raises(ValidationError) as error:
        services_evaluations.evaluation_submit(
            actor=first.nominee, nomination=first, kind="session", answers=answers([4, 4, 4, 4])
        )
    assert "absent" in error.value.messages[0]


def test_invitations_are_sent_once_per_participant_and_kind(participants):
    mail.outbox.clear()  # the nomination emails
    with time_machine.travel(AFTER, tick=False):
        call_command("send_training_evaluations", stdout=open("/dev/null", "w"))  # noqa: SIM115
        assert len(mail.outbox) == 3
        assert all("How was it?" in message.subject for message in mail.outbox)
        assert f"/training/evaluations/{participants[0].pk}/session/" in mail.outbox[0].body
        assert services_evaluations.evaluation_invitations_send() == 0
    assert len(mail.outbox) == 3
    with time_machine.travel(THREE_MONTHS, tick=False):
        assert services_evaluations.evaluation_invitations_send() == 3
        assert services_evaluations.evaluation_invitations_send() == 0
    assert (
        sorted(EvaluationInvitation.objects.values_list("kind", flat=True))
        == ["follow_up_3"] * 3 + ["session"] * 3
    )
    assert "Three months on" in mail.outbox[-1].subject


def test_a_failed_email_is_tried_again_by_the_next_run(participants, monkeypatch):
    from training import emails_delivery

    def broken(**kwargs):
        raise OSError("SMTP down")

    with time_machine.travel(AFTER, tick=False):
        with monkeypatch.context() as patch:
            patch.setattr(emails_delivery, "send_evaluation_invitation", broken)
            assert services_evaluations.evaluation_invitations_send() == 0
        assert not EvaluationInvitation.objects.exists()
        assert services_evaluations.evaluation_invitations_send() == 3


def test_the_answer_page_is_the_participants_only(client, participants, head_be, head_de):
    first = participants[0]
    url = f"/training/evaluations/{first.pk}/session/"
    with time_machine.travel(AFTER, tick=False):
        for user in (head_de, head_be):
            client.force_login(user)
            assert client.get(url).status_code == 404
        client.force_login(first.nominee)
        page = soup_of(client.get(url))
        assert len(page.select("#evaluation-form fieldset")) == 4
        response = client.post(url, {})
        assert response.status_code == 400
        assert (
            "Choose a value from 1 to 5."
            in soup_of(response).select_one(".error-summary").get_text()
        )
        data = {f"q{pk}": value for pk, value in answers([5, 4, 4, 3]).items()}
        assert client.post(url, data).status_code == 302
        assert soup_of(client.get(url)).select_one("#evaluation-done")
        assert client.get(f"/training/evaluations/{first.pk}/someday/").status_code == 404


def answer_all(participants, scores_list):
    with time_machine.travel(AFTER, tick=False):
        for nomination, scores in zip(participants, scores_list, strict=False):
            services_evaluations.evaluation_submit(
                actor=nomination.nominee,
                nomination=nomination,
                kind="session",
                answers=answers(scores, text=f"Text {scores[0]}"),
            )


def test_results_per_session_and_course_for_trainers_and_cepol(
    client, trainer, head_be, cepol_user, session, participants
):
    answer_all(participants, [[5, 4, 3, 4], [3, 4, 5, 2]])
    url = f"/training/sessions/{session.pk}/evaluation/"
    client.force_login(head_be)
    assert client.get(url).status_code == 403
    client.force_login(trainer)
    page = soup_of(client.get(url))
    rows = page.select("#results-table-session tbody tr")
    first = [cell.get_text(" ", strip=True) for cell in rows[0].select("td")]
    assert first[:2] == ["2", "4.00"] and "3: 1" in first[2] and "5: 1" in first[2]
    assert [li.get_text() for li in rows[-1].select(".free-texts li")] == ["Text 5", "Text 3"]
    assert (
        "2 answers from 3 confirmed participants" in page.select_one("#section-session").get_text()
    )
    # A CEPOL course: CEPOL's representatives see its results, not the network's.
    client.force_login(cepol_user)
    assert client.get(url).status_code == 403
    cepol_course = make_course(cepol_user, title="SIENA advanced", cepol_code="30/2027")
    cepol_session = make_session(cepol_user, cepol_course)
    assert client.get(f"/training/sessions/{cepol_session.pk}/evaluation/").status_code == 200
    # Per course: every session of the course together.
    client.force_login(trainer)
    page = soup_of(client.get(f"/training/courses/{session.course.pk}/evaluation/"))
    assert page.select_one("#results-table-session")
    # The trainer's score appears on the pool's page (average of the Likert answers).
    from training import services_pool
    from training.selectors_pool import trainer_sessions

    pool_trainer = services_pool.trainer_propose(
        actor=head_be,
        full_name="Bart Claes",
        organisation="Federal Police",
        topics=[session.course.topic],
        languages=["nl"],
        qualifications="Trainer.",
    )
    services_pool.trainer_vet(actor=trainer, trainer=pool_trainer)
    services_pool.session_trainers_set(actor=trainer, session=session, trainers=[pool_trainer])
    [(given, score)] = trainer_sessions(pool_trainer, with_scores=True)
    assert given == session and score == pytest.approx(30 / 8)


def test_the_results_page_query_count_does_not_grow(
    client, trainer, head_be, session, django_assert_max_num_queries, django_assert_num_queries
):
    participants = confirm(session, trainer, head_be, count=6)
    answer_all(participants[:2], [[5, 4, 3, 4], [3, 4, 5, 2]])
    client.force_login(trainer)
    url = f"/training/sessions/{session.pk}/evaluation/"
    client.get(url)
    with django_assert_max_num_queries(20) as captured:
        assert client.get(url).status_code == 200
    answer_all(participants[2:], [[1, 2, 3, 4]] * 4)
    with django_assert_num_queries(len(captured)):
        page = soup_of(client.get(url))
    assert "6 answers" in page.select_one("#section-session").get_text()
