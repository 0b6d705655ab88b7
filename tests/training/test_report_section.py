"""The training section of the activity report to DAPIX: the sessions held in the period, their
participants per country (those who attended, or the confirmed ones of a session without
attendance records) and their evaluation averages, counted, never named; nothing to report
without sessions; a fixed number of queries."""

import datetime

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.db import transaction

from meetings.report import NOTHING_TO_REPORT, activity_report_draft
from portal.models import Country
from tests.factories import user_in
from tests.training.helpers import make_course, make_session
from training import services, services_delivery, services_evaluations
from training.models import Questionnaire
from training.report_sections import build_training

pytestmark = pytest.mark.django_db

PERIOD = (datetime.date(2027, 1, 1), datetime.date(2027, 6, 30))
DRAFTED = datetime.datetime(2027, 6, 10, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _tasks_at_once(monkeypatch):
    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


MARCH_OVER = datetime.datetime(2027, 3, 20, 12, 0, tzinfo=datetime.UTC)


def confirmed(organiser, session, code, n):
    head = user_in(code, "head")
    nominations = []
    for _ in range(n):
        nomination = services.nomination_create(
            actor=head,
            session=session,
            nominee=user_in(code, "officer", last_name=f"Nominee{code}"),
        )
        nominations.append(services.nomination_confirm(actor=organiser, nomination=nomination))
    return nominations


def evaluate(nomination, score):
    """The participant answers the evaluation after the session: `score` to every Likert
    question."""
    answers = {}
    for question in Questionnaire.current("session").questions.all():
        answers[question.pk] = score if question.is_likert else "Useful."
    services_evaluations.evaluation_submit(
        actor=nomination.nominee, nomination=nomination, kind="session", answers=answers
    )


def on(day, **extra):
    return {
        "first_day": day,
        "last_day": day + datetime.timedelta(days=1),
        "nomination_deadline": day - datetime.timedelta(days=14),
        **extra,
    }


@pytest.fixture
def training_year(cepol_user, trainer):
    siena = make_course(cepol_user)
    network = make_course(
        trainer, title="Directive 2023/977 refresher", organiser="network", cepol_code=""
    )
    march = make_session(cepol_user, siena)  # 15-18 March 2027, Budapest
    may = make_session(
        trainer,
        network,
        **on(datetime.date(2027, 5, 3), venue_kind="online", venue="", online_url="https://x.eu/"),
    )
    later = make_session(cepol_user, siena, **on(datetime.date(2027, 6, 21)))
    cancelled = make_session(cepol_user, siena, **on(datetime.date(2027, 4, 5)))
    came, stayed_away = confirmed(cepol_user, march, "BE", 2)
    (late,) = confirmed(cepol_user, march, "DE", 1)
    confirmed(trainer, may, "BE", 1)  # May's attendance is not recorded
    confirmed(cepol_user, later, "FR", 3)
    confirmed(cepol_user, cancelled, "NL", 2)
    services.session_cancel(actor=cepol_user, session=cancelled)
    # A nomination that is only approved is no participant.
    services.nomination_create(
        actor=user_in("AT", "head"), session=march, nominee=user_in("AT", "officer")
    )
    with time_machine.travel(MARCH_OVER, tick=False):
        day1, day2 = march.first_day, march.first_day + datetime.timedelta(days=1)
        services_delivery.attendance_record(
            actor=cepol_user,
            session=march,
            marks={
                (came.pk, day1): "attended",
                (came.pk, day2): "attended",
                (stayed_away.pk, day1): "no_show",
                (late.pk, day2): "partly",
            },
        )
        evaluate(came, 5)
        evaluate(late, 3)
    return march, may


def training_section(now=DRAFTED):
    sections = activity_report_draft(period_start=PERIOD[0], period_end=PERIOD[1], now=now)
    return next(section for section in sections if section["key"] == "training")


def table_rows(soup, caption):
    table = next(t for t in soup.find_all("table") if t.caption.get_text() == caption)
    return [
        [cell.get_text(" ", strip=True) for cell in row.find_all("td")]
        for row in table.select("tbody tr")
    ]


def test_sessions_held_and_participants_per_country(training_year):
    section = training_section()
    assert section["heading"] == "Training"
    soup = BeautifulSoup(section["html"], "html.parser")
    paragraphs = [p.get_text() for p in soup.find_all("p")]
    assert paragraphs == [
        "2 training sessions were held in the period, with 3 participants from 2 countries.",
        "Participants are those recorded as attending at least part of a session; for 1 "
        "session without attendance records, the confirmed participants are counted.",
        "Evaluation after the session: a mean score of 4.0 out of 5 (2 participants answered).",
    ]
    # March: 3 confirmed, of whom one Belgian was a no-show; May: no attendance recorded.
    assert table_rows(soup, "Training sessions held") == [
        [
            "SIENA for SPOC operators",
            "27/2027",
            "15–18 March 2027",
            "CEPOL",
            "CEPOL, Budapest",
            "2",
            "4.0 (2 answers)",
        ],
        [
            "Directive 2023/977 refresher",
            "—",
            "3–4 May 2027",
            "The network (core group of trainers)",
            "Online",
            "1 (confirmed)",
            "—",
        ],
    ]
    assert table_rows(soup, "Training participants by country") == [
        ["Belgium", "2"],
        ["Germany", "1"],
    ]
    assert "Nominee" not in section["html"]


def test_nothing_to_report_without_sessions_held(training_year):
    before = datetime.datetime(2027, 3, 1, tzinfo=datetime.UTC)
    assert training_section(now=before)["html"] == NOTHING_TO_REPORT


def test_the_section_costs_the_same_queries_with_more_sessions(
    training_year, cepol_user, django_assert_num_queries
):
    from meetings.report import ReportContext

    context = ReportContext(period_start=PERIOD[0], period_end=PERIOD[1], now=DRAFTED)
    with django_assert_num_queries(2):
        build_training(context)
    course = training_year[0].course
    for day in (8, 9, 10):
        session = make_session(cepol_user, course, **on(datetime.date(2027, 2, day)))
        confirmed(cepol_user, session, "PL", 1)
    with django_assert_num_queries(2):
        html = build_training(context)
    assert "5 training sessions were held" in html
    assert Country.objects.get(code="PL").name in html


def test_every_session_recorded_and_none_evaluated(cepol_user):
    course = make_course(cepol_user)
    session = make_session(cepol_user, course)
    (only,) = confirmed(cepol_user, session, "FI", 1)
    with time_machine.travel(MARCH_OVER, tick=False):
        services_delivery.attendance_record(
            actor=cepol_user, session=session, marks={(only.pk, session.first_day): "partly"}
        )
    soup = BeautifulSoup(training_section()["html"], "html.parser")
    assert [p.get_text() for p in soup.find_all("p")][1:] == [
        "Participants are those recorded as attending at least part of a session.",
        "No evaluation answers for these sessions yet.",
    ]
    assert table_rows(soup, "Training sessions held")[0][-2:] == ["1", "—"]
    assert table_rows(soup, "Training participants by country") == [["Finland", "1"]]
