"""The training panels of the home dashboard: open needs rounds, nominations waiting for the
head's approval (approved from the panel), the country's coming participants, and for
trainers the sessions to staff. Each shows only to whom it concerns, with bounded queries."""

import datetime

import pytest
import time_machine
from django.db import transaction

from portal.models import Country
from tests.factories import user_in
from tests.helpers import soup_of
from tests.training.helpers import make_course, make_round, make_session, need
from training import services
from training.models import Nomination

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _tasks_at_once(monkeypatch):
    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


def panel(client, name):
    """The panel's section on the dashboard, or None."""
    return soup_of(client.get("/")).select_one(f"#panel-{name}")


def texts(section):
    return [li.get_text(" ", strip=True) for li in section.select("li")]


@pytest.fixture
def cepol_session(cepol_user):
    course = make_course(cepol_user)
    return make_session(cepol_user, course, capacity=4)


def test_heads_see_open_needs_rounds_answered_or_not(client, trainer, head_be, head_de):
    answered = make_round(trainer, title="Needs 2027")
    make_round(trainer, title="Needs 2028")
    make_round(trainer, title="Draft round", open_it=False)
    services.needs_answers_save(
        actor=head_be, needs_round=answered, answers={answered.topics.first().pk: need()}
    )
    client.force_login(head_be)
    rows = texts(panel(client, "training-needs"))
    assert len(rows) == 2
    assert rows[0].startswith("Needs 2027 Belgium has answered")
    assert rows[1].startswith("Needs 2028 Not answered yet")
    client.force_login(head_de)
    assert all("Not answered yet" in row for row in texts(panel(client, "training-needs")))
    client.force_login(user_in("BE", "officer"))
    assert panel(client, "training-needs") is None


def test_the_head_approves_from_the_panel_and_sees_the_coming_participants(
    client, head_be, head_de, cepol_session
):
    officer = user_in("BE", "officer", first_name="Aline", last_name="Peeters")
    asked = services.nomination_request(actor=officer, session=cepol_session)
    german = services.nomination_request(actor=user_in("DE", "officer"), session=cepol_session)
    client.force_login(head_be)
    section = panel(client, "training-approvals")
    assert [row.split(" · ")[0] for row in texts(section)] == ["Aline Peeters"]
    assert panel(client, "training-participants") is None
    form = section.select_one("form")
    response = client.post(form["action"], {"csrfmiddlewaretoken": "x"})
    assert response.status_code == 302
    asked.refresh_from_db()
    assert asked.status == Nomination.Status.APPROVED
    assert panel(client, "training-approvals") is None
    participants = texts(panel(client, "training-participants"))
    assert len(participants) == 1 and "Aline Peeters" in participants[0]
    assert "Approved, waiting for the organiser" in participants[0]
    client.force_login(head_de)
    rows = texts(panel(client, "training-approvals"))
    assert len(rows) == 1 and "Peeters" not in rows[0]
    german.refresh_from_db()
    assert german.status == Nomination.Status.REQUESTED
    client.force_login(officer)
    assert panel(client, "training-approvals") is None


def test_no_approve_button_once_the_session_has_started(client, head_be, cepol_session):
    services.nomination_request(actor=user_in("BE", "officer"), session=cepol_session)
    with time_machine.travel(datetime.datetime(2027, 3, 16, 9, tzinfo=datetime.UTC)):
        client.force_login(head_be)
        section = panel(client, "training-approvals")
        assert section is not None and section.select_one("form") is None
    with time_machine.travel(datetime.datetime(2027, 3, 19, 9, tzinfo=datetime.UTC)):
        client.force_login(head_be)
        assert panel(client, "training-approvals") is None  # over: nothing to approve


def staffed(cepol_user, head_be, trainer, *sessions):
    """Give the sessions a trainer of the pool."""
    from training import services_pool
    from training.models import TrainingTopic

    record = services_pool.trainer_vet(
        actor=trainer,
        trainer=services_pool.trainer_propose(
            actor=head_be,
            full_name=f"Pool trainer {len(sessions)}-{sessions[0].pk}",
            organisation="Federal Police",
            topics=list(TrainingTopic.objects.filter(slug="siena")),
            languages=["en"],
            qualifications="SIENA.",
        ),
    )
    for session in sessions:
        services_pool.session_trainers_set(actor=cepol_user, session=session, trainers=[record])


def test_trainers_see_sessions_to_staff_near_their_deadline(client, trainer, cepol_user, head_be):
    course = make_course(cepol_user)
    soon = make_session(
        cepol_user,
        course,
        capacity=1,
        nomination_deadline=datetime.date(2026, 12, 1),
        first_day=datetime.date(2027, 1, 11),
        last_day=datetime.date(2027, 1, 12),
    )
    full = make_session(
        cepol_user,
        course,
        capacity=1,
        nomination_deadline=datetime.date(2026, 12, 2),
        first_day=datetime.date(2027, 1, 18),
        last_day=datetime.date(2027, 1, 19),
    )
    services.nomination_create(actor=head_be, session=full, nominee=user_in("BE", "officer"))
    later = make_session(cepol_user, course)  # deadline in February: not yet
    staffed(cepol_user, head_be, trainer, soon, full, later)
    client.force_login(trainer)
    rows = texts(panel(client, "training-staffing"))
    assert len(rows) == 1 and "0 of 1 seats taken" in rows[0]
    assert "no trainer yet" not in rows[0]
    assert panel(client, "training-staffing").select_one(f'a[href$="/sessions/{soon.pk}/"]')
    client.force_login(head_be)
    assert panel(client, "training-staffing") is None


def test_sessions_without_a_trainer_are_to_staff_whatever_their_deadline(
    client, trainer, cepol_user, head_be
):
    course = make_course(cepol_user)
    full = make_session(
        cepol_user,
        course,
        capacity=1,
        nomination_deadline=datetime.date(2026, 12, 2),
        first_day=datetime.date(2027, 1, 18),
        last_day=datetime.date(2027, 1, 19),
    )
    services.nomination_create(actor=head_be, session=full, nominee=user_in("BE", "officer"))
    later = make_session(cepol_user, course)  # deadline in February
    cancelled = make_session(cepol_user, course, venue="CEPOL, Budapest (cancelled)")
    services.session_cancel(actor=cepol_user, session=cancelled)
    client.force_login(trainer)
    section = panel(client, "training-staffing")
    rows = texts(section)
    assert len(rows) == 2  # the full one and the one of February; not the cancelled one
    assert rows[0].startswith("SIENA for SPOC operators") and "1 of 1 seats taken" in rows[0]
    assert all(row.endswith("no trainer yet") for row in rows)
    links = [a["href"] for a in section.select("a") if a.get_text() == "no trainer yet"]
    assert links == [
        f"/training/sessions/{full.pk}/trainers/",
        f"/training/sessions/{later.pk}/trainers/",
    ]
    staffed(cepol_user, head_be, trainer, full, later)
    assert panel(client, "training-staffing") is None
    # Once it has started, a session is no longer to staff.
    untrained = make_session(
        cepol_user,
        course,
        first_day=datetime.date(2027, 4, 5),
        last_day=datetime.date(2027, 4, 6),
        nomination_deadline=datetime.date(2027, 3, 1),
    )
    with time_machine.travel(datetime.datetime(2027, 4, 5, 12, tzinfo=datetime.UTC)):
        client.force_login(trainer)
        assert panel(client, "training-staffing") is None
    assert untrained.session_trainers.count() == 0


def test_the_panels_cost_the_same_queries_with_more_data(
    client, trainer, head_be, cepol_user, django_assert_num_queries, django_assert_max_num_queries
):
    course = make_course(cepol_user)

    def add(n):
        for i in range(n):
            session = make_session(
                cepol_user,
                course,
                capacity=20,
                nomination_deadline=datetime.date(2026, 11, 30),
                first_day=datetime.date(2027, 1, 4) + datetime.timedelta(days=2 * i),
                last_day=datetime.date(2027, 1, 4) + datetime.timedelta(days=2 * i),
            )
            for _ in range(2):
                services.nomination_request(actor=user_in("BE", "officer"), session=session)
            services.nomination_create(
                actor=head_be, session=session, nominee=user_in("BE", "officer")
            )
            make_round(trainer, title=f"Round {session.pk}")

    add(1)
    counts = {}
    for user in (head_be, trainer):
        client.force_login(user)
        client.get("/")
        with django_assert_max_num_queries(60) as captured:
            client.get("/")
        counts[user.pk] = len(captured.captured_queries)
    add(6)
    for user in (head_be, trainer):
        client.force_login(user)
        client.get("/")
        with django_assert_num_queries(counts[user.pk]):
            page = soup_of(client.get("/"))
        if user == head_be:
            assert page.select_one("#panel-training-approvals").get_text().count("Approve") >= 5
            assert "And 9 more." in page.select_one("#panel-training-approvals").get_text()


def test_country_of_the_panel_is_the_heads_own(client, head_be, cepol_session):
    services.nomination_create(
        actor=user_in("DE", "head"), session=cepol_session, nominee=user_in("DE", "officer")
    )
    client.force_login(head_be)
    assert panel(client, "training-participants") is None
    assert Country.objects.get(code="DE").training_nominations.count() == 1


# --- Evaluations due ------------------------------------------------------------------------


def answer(nomination):
    from training import services_evaluations
    from training.models import Questionnaire

    answers = {}
    for question in Questionnaire.current("session").questions.all():
        answers[question.pk] = 4 if question.is_likert else "Good."
    services_evaluations.evaluation_submit(
        actor=nomination.nominee, nomination=nomination, kind="session", answers=answers
    )


def test_trainers_see_the_evaluations_due_with_the_answers_received(client, trainer, head_be):
    from tests.training.delivery import AFTER, confirm, network_session

    session = network_session(trainer)  # 15-18 March 2027
    participants = confirm(session, trainer, head_be, count=3)
    client.force_login(trainer)
    assert panel(client, "training-evaluations") is None  # not over yet
    with time_machine.travel(AFTER, tick=False):
        client.force_login(trainer)  # a session of the portal lasts hours, not months
        rows = texts(panel(client, "training-evaluations"))
        assert rows == [
            "Cross-border operations Evaluation of the session · 15 Mar 2027 · "
            "open since 18 Mar 2027 · 0 of 3 participants answered"
        ]
        answer(participants[0])
        section = panel(client, "training-evaluations")
        assert "1 of 3 participants answered" in texts(section)[0]
        link = section.select_one("li a")["href"]
        assert link == f"/training/sessions/{session.pk}/evaluation/"
        for other in (head_be, user_in("BE", "officer"), participants[1].nominee):
            client.force_login(other)
            assert panel(client, "training-evaluations") is None
    with time_machine.travel(datetime.datetime(2027, 5, 3, 12, tzinfo=datetime.UTC)):
        client.force_login(trainer)
        page = soup_of(client.get("/"))
        assert page.select_one("#panel-latest-updates") is not None  # the dashboard is there
        assert page.select_one("#panel-training-evaluations") is None  # 30 days on: not due
    with time_machine.travel(datetime.datetime(2027, 6, 20, 12, tzinfo=datetime.UTC)):
        client.force_login(trainer)
        rows = texts(panel(client, "training-evaluations"))
        assert rows == [
            "Cross-border operations Follow-up after 3 months · 15 Mar 2027 · "
            "open since 18 Jun 2027 · 0 of 3 participants answered"
        ]


def test_a_cancelled_session_or_one_without_participants_has_no_evaluation_due(
    client, trainer, head_be
):
    from tests.training.delivery import AFTER, network_session

    network_session(trainer)  # nobody confirmed
    cancelled = network_session(trainer, venue="Elsewhere")
    services.session_cancel(actor=trainer, session=cancelled)
    with time_machine.travel(AFTER, tick=False):
        client.force_login(trainer)
        assert panel(client, "training-evaluations") is None


def test_the_evaluations_due_panel_costs_the_same_queries_with_more_sessions(
    client, trainer, head_be, django_assert_num_queries, django_assert_max_num_queries
):
    from tests.training.delivery import AFTER, confirm, network_session

    def add(n):
        for _ in range(n):
            session = network_session(trainer)
            for nomination in confirm(session, trainer, head_be, count=2):
                with time_machine.travel(AFTER, tick=False):
                    answer(nomination)

    add(1)
    with time_machine.travel(AFTER, tick=False):
        client.force_login(trainer)
        client.get("/")
        with django_assert_max_num_queries(60) as captured:
            client.get("/")
        count = len(captured.captured_queries)
    add(6)
    with time_machine.travel(AFTER, tick=False):
        client.get("/")
        with django_assert_num_queries(count):
            section = panel(client, "training-evaluations")
    assert len(texts(section)) == 5
    assert "And 2 more." in section.get_text()
    assert all("2 of 2 participants answered" in row for row in texts(section))
