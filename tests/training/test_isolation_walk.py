"""Isolation: every URL of the training module and every route of /api/v1/training/, walked
with real objects of Belgium (a needs answer, a delegate, nominations in several states, an
attendance mark, an evaluation answer, a certificate, a trainer proposal and a vetted
trainer), as users who must not see Belgium's people:

- another country's Head of SPOC (Germany);
- members without any training role: one of Germany and one of Belgium itself (a colleague
  of the nominees who is neither their head nor their National Contact Point);
- the trainer of another session (a Dutch member whose pool record gives a session without
  Belgian nominees).

The rule (docs/training.md, "Who sees what: the walk"): a thing of Belgium's they may not see
(a nomination, its actions, a certificate, an evaluation answer, a trainer proposal, a
delegate) is a 404; a page of a kind they have no part in (the needs matrix and its exports,
a course's management, attendance, evaluation results, another's role pages) is a 403; the
pages every member reads (catalogue, sessions, plan, vetted trainers) answer 200 and show no
name, comment, contact detail or online link of Belgium's. The walk reads the routes from
training's URLconf and the API schema, so a new URL fails here until it is given its rule."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from portal.api import api
from tests.factories import user_in
from tests.helpers import fill_route, url_routes
from tests.training.delivery import AFTER, SECOND_DAY, confirm, network_session, tasks_at_once
from tests.training.helpers import make_course, make_round, make_session, need
from training import certificates, services, services_delivery, services_evaluations, services_pool
from training import urls as training_urls
from training.models import (
    Certificate,
    Nomination,
    NominationEvent,
    Questionnaire,
    Trainer,
    TrainingTopic,
)

pytestmark = pytest.mark.django_db

SECRETS = (
    "Geheimnis",  # the confirmed participant's last name
    "Verborgen",  # a requesting officer's last name
    "Versteckt",  # the delegate's last name
    "Heimlich",  # the proposed trainer's name
    "heimlich@example.eu",  # the vetted trainer's email
    "Only on Tuesdays",  # the vetted trainer's availability notes
    "Secret BE comment",  # Belgium's needs comment
    "Secret evaluation text",  # a free-text evaluation answer
    "https://meet.example.eu/secret-room",  # the online link (organiser and participants)
)

# What each URL answers to the outsiders, by URL name and method: a set of status codes, or a
# dict by outsider ("head_de", "member_de", "member_be") for the few that differ. 405 is a
# method the view does not take.
OK, FORBIDDEN, GONE = 200, 403, 404
RULES = {
    "home": {"get": {OK}, "post": {405}},
    "needs_round_list": {
        "get": {"head_de": {OK}, "member_de": {FORBIDDEN}, "member_be": {FORBIDDEN}},
        "post": {405},
    },
    "needs_round_create": {"get": {405}, "post": {FORBIDDEN}},
    "needs_round_detail": {
        "get": {"head_de": {OK}, "member_de": {FORBIDDEN}, "member_be": {FORBIDDEN}},
        "post": {405},
    },
    "needs_round_edit": {"get": {FORBIDDEN, GONE}, "post": {FORBIDDEN, GONE}},
    "needs_round_open": {"get": {405}, "post": {FORBIDDEN, GONE}},
    "needs_round_close": {"get": {405}, "post": {FORBIDDEN, GONE}},
    # Germany's head answers for Germany (past the deadline here: refused with a message).
    "needs_answers_save": {
        "get": {405},
        "post": {"head_de": {400}, "member_de": {FORBIDDEN}, "member_be": {FORBIDDEN}},
    },
    "needs_matrix_csv": {"get": {FORBIDDEN}, "post": {405}},
    "needs_answers_csv": {"get": {FORBIDDEN}, "post": {405}},
    "needs_matrix_pdf": {"get": {FORBIDDEN}, "post": {405}},
    "course_list": {"get": {OK}, "post": {405}},
    "course_create": {"get": {FORBIDDEN}, "post": {FORBIDDEN}},
    "course_detail": {"get": {OK}, "post": {405}},
    "course_edit": {"get": {FORBIDDEN}, "post": {FORBIDDEN}},
    "session_create": {"get": {FORBIDDEN}, "post": {FORBIDDEN}},
    "session_detail": {"get": {OK}, "post": {405}},
    "session_edit": {"get": {FORBIDDEN}, "post": {FORBIDDEN}},
    "session_cancel": {"get": {405}, "post": {FORBIDDEN}},
    "session_ics": {"get": {OK}, "post": {405}},
    # Any member of a national SPOC asks for themselves (refused here: the past session is over,
    # the coming one's form is empty); only a head nominates (their own country's people).
    "nomination_request": {"get": {405}, "post": {302, 400}},
    "nomination_create": {
        "get": {405},
        "post": {"head_de": {400}, "member_de": {FORBIDDEN}, "member_be": {FORBIDDEN}},
    },
    "nominations_list": {"get": {OK}, "post": {405}},
    "nomination_detail": {"get": {GONE}, "post": {405}},
    "nomination_replace": {"get": {405}, "post": {GONE}},
    "nomination_action": {"get": {405}, "post": {GONE}},
    "plan_index": {"get": {302}, "post": {405}},
    "plan_year": {"get": {OK}, "post": {405}},
    "plan_pdf": {"get": {OK}, "post": {405}},
    "plan_ics": {"get": {OK}, "post": {405}},
    "calendar_feed": {"get": {GONE}, "post": {405}},  # someone else's (here: a forged) token
    "delegates": {
        "get": {"head_de": {OK}, "member_de": {FORBIDDEN}, "member_be": {FORBIDDEN}},
        "post": {"head_de": {400}, "member_de": {FORBIDDEN}, "member_be": {FORBIDDEN}},
    },
    "delegate_remove": {
        "get": {405},
        "post": {"head_de": {GONE}, "member_de": {FORBIDDEN}, "member_be": {FORBIDDEN}},
    },
    "trainer_list": {"get": {OK}, "post": {405}},
    "trainer_propose": {
        "get": {"head_de": {OK}, "member_de": {FORBIDDEN}, "member_be": {FORBIDDEN}},
        "post": {"head_de": {400}, "member_de": {FORBIDDEN}, "member_be": {FORBIDDEN}},
    },
    # The proposal is a 404; the vetted trainer's public profile is for every member.
    "trainer_detail": {"get": {"proposed": {GONE}, "vetted": {OK}}, "post": {405}},
    "trainer_edit": {
        "get": {"proposed": {GONE}, "vetted": {FORBIDDEN}},
        "post": {"proposed": {GONE}, "vetted": {FORBIDDEN}},
    },
    "trainer_vetting": {"get": {405}, "post": {"proposed": {GONE}, "vetted": {FORBIDDEN}}},
    "session_trainers": {"get": {FORBIDDEN}, "post": {FORBIDDEN}},
    "attendance": {"get": {FORBIDDEN}, "post": {FORBIDDEN}},
    "evaluation_list": {"get": {OK}, "post": {405}},
    "evaluation_answer": {"get": {GONE}, "post": {GONE}},
    "session_evaluation_results": {"get": {FORBIDDEN}, "post": {405}},
    "course_evaluation_results": {"get": {FORBIDDEN}, "post": {405}},
    "certificate_verify": {"get": {OK}, "post": {405}},
    "certificate_pdf": {"get": {GONE}, "post": {405}},
}


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    # The walk asks for more exports a minute than a person would.
    settings.PORTAL_RATE_LIMITS = {bucket: "1000000/m" for bucket in settings.PORTAL_RATE_LIMITS}


def _questions(kind):
    return list(Questionnaire.current(kind).questions.all())


@pytest.fixture
def belgium(trainer, head_be, cepol_user, monkeypatch):
    """Belgium's training data, in every kind the module keeps; the clock ends at AFTER."""
    tasks_at_once(monkeypatch)
    needs_round = make_round(trainer)
    services.needs_answers_save(
        actor=head_be,
        needs_round=needs_round,
        answers={needs_round.topics.first().pk: need(comment="Secret BE comment")},
    )
    delegate = services.delegate_add(
        actor=head_be, user=user_in("BE", "officer", last_name="Versteckt"), kind="national_contact"
    )
    siena = list(TrainingTopic.objects.filter(slug="siena"))
    proposed = services_pool.trainer_propose(
        actor=head_be,
        full_name="Hanna Heimlich",
        email="hanna@example.eu",
        organisation="Federal Police",
        topics=siena,
        languages=["en"],
        qualifications="SIENA operator.",
    )
    vetted = services_pool.trainer_vet(
        actor=trainer,
        trainer=services_pool.trainer_propose(
            actor=head_be,
            full_name="Piet Public",
            email="heimlich@example.eu",
            organisation="Federal Police",
            topics=siena,
            languages=["en"],
            qualifications="SIENA operator.",
            availability="Only on Tuesdays",
        ),
    )
    past = network_session(
        trainer, venue_kind="online", venue="", online_url="https://meet.example.eu/secret-room"
    )
    services_pool.session_trainers_set(actor=trainer, session=past, trainers=[vetted])
    participant = confirm(past, trainer, head_be)[0]
    participant.nominee.last_name = "Geheimnis"
    participant.nominee.save(update_fields=["last_name"])
    services.nomination_request(actor=user_in("BE", "officer", last_name="Verborgen"), session=past)
    day1 = past.first_day
    with time_machine.travel(SECOND_DAY, tick=False):
        services_delivery.attendance_record(
            actor=trainer, session=past, marks={(participant.pk, day1): "attended"}
        )
    with time_machine.travel(AFTER, tick=False):
        answers = {}
        for question in _questions("session"):
            answers[question.pk] = 4 if question.is_likert else "Secret evaluation text"
        services_evaluations.evaluation_submit(
            actor=participant.nominee, nomination=participant, kind="session", answers=answers
        )
        certificate = certificates.certificate_issue(
            actor=participant.nominee, nomination=participant
        )
        # A coming CEPOL session, open for nominations, with Belgium's people in line.
        cepol_course = make_course(cepol_user, cepol_code="31/2027")
        coming = make_session(
            cepol_user,
            cepol_course,
            first_day=datetime.date(2027, 5, 10),
            last_day=datetime.date(2027, 5, 12),
            nomination_deadline=datetime.date(2027, 4, 30),
        )
        waiting = services.nomination_create(
            actor=head_be, session=coming, nominee=user_in("BE", "officer", last_name="Verborgen")
        )
        asked = services.nomination_request(
            actor=user_in("BE", "officer", last_name="Verborgen"), session=coming
        )
        # A session elsewhere, given by a Dutch member through their pool record: giving a
        # session shows its nominees, not Belgium's in other sessions.
        elsewhere = make_session(
            cepol_user,
            cepol_course,
            first_day=datetime.date(2027, 6, 7),
            last_day=datetime.date(2027, 6, 8),
            nomination_deadline=datetime.date(2027, 5, 20),
        )
        trainer_elsewhere = user_in("NL", last_name="Elders")
        record = services_pool.trainer_propose(
            actor=user_in("NL", "head"),
            full_name="Nora Elders",
            user=trainer_elsewhere,
            organisation="Politieacademie",
            topics=siena,
            languages=["nl"],
            qualifications="SIENA trainer.",
        )
        services_pool.trainer_vet(actor=trainer, trainer=record)
        services_pool.session_trainers_set(actor=cepol_user, session=elsewhere, trainers=[record])
    return {
        "trainer_elsewhere": trainer_elsewhere,
        "round": needs_round,
        "delegate": delegate,
        "proposed": proposed,
        "vetted": vetted,
        "past": past,
        "participant": participant,
        "certificate": certificate,
        "coming": coming,
        "coming_nominations": [waiting, asked],
    }


def _value_sets(data):
    """The walk's parameter values: each session (and its course and a nomination of it) and
    each trainer record, so that every route is walked with every kind of object."""
    common = {
        "round_id": data["round"].pk,
        "year": data["past"].first_day.year,
        "token": "forged-token",
        "delegate_id": data["delegate"].pk,
        "kind": "session",
    }
    sets = []
    for session, nomination in (
        (data["past"], data["participant"]),
        (data["coming"], data["coming_nominations"][1]),
    ):
        for variant, trainer in (("proposed", data["proposed"]), ("vetted", data["vetted"])):
            sets.append(
                (
                    variant,
                    {
                        **common,
                        "course_id": session.course_id,
                        "session_id": session.pk,
                        "nomination_id": nomination.pk,
                        "trainer_id": trainer.pk,
                    },
                )
            )
    return sets


ACTIONS = {
    "nomination_action": [
        "approve",
        "second-approve",
        "refuse",
        "confirm",
        "decline",
        "waitlist",
        "withdraw",
    ],
    "trainer_vetting": ["vet", "reject"],
}


def _outsiders(data):
    return {
        "head_de": user_in("DE", "head"),
        "member_de": user_in("DE"),
        "member_be": user_in("BE"),
        "trainer_elsewhere": data["trainer_elsewhere"],  # no role; gives another session
    }


# Outsiders whose rules are another's: giving a session is no role.
SAME_RULES = {"trainer_elsewhere": "member_de"}


def _allowed(name, method, who, variant):
    rule = RULES[name][method]
    if isinstance(rule, dict):
        rule = rule.get(SAME_RULES.get(who, who)) or rule[variant]
    return rule


def test_every_training_url_has_a_rule():
    names = {pattern.name for _route, pattern in url_routes(training_urls.urlpatterns)}
    assert len(names) >= 46  # the walk sees the whole module
    assert names == set(RULES), (names - set(RULES), set(RULES) - names)


def test_every_training_page_keeps_belgiums_people_from_outsiders(client, belgium):
    routes = list(url_routes(training_urls.urlpatterns))
    prefix = reverse("training:home")
    before = dict(Nomination.objects.values_list("pk", "status"))
    events = NominationEvent.objects.count()
    trainers = dict(Trainer.objects.values_list("pk", "status"))
    outsiders = _outsiders(belgium)
    wrong, leaks = [], []
    with time_machine.travel(AFTER, tick=False):
        for who, user in outsiders.items():
            client.force_login(user)
            for variant, values in _value_sets(belgium):
                for route, pattern in routes:
                    for action in ACTIONS.get(pattern.name, [None]):
                        url = prefix + fill_route(route, {**values, "action": action})
                        for method in ("get", "post"):
                            response = getattr(client, method)(url, {"reason": "x"})
                            allowed = _allowed(pattern.name, method, who, variant)
                            if response.status_code not in allowed:
                                wrong.append((who, method, pattern.name, response.status_code))
                            body = response.content.decode(errors="replace")
                            leaks.extend(
                                (who, method, url, secret) for secret in SECRETS if secret in body
                            )
    assert not leaks, leaks
    assert not wrong, sorted(set(wrong))
    # Nobody outside changed a nomination, a trainer record or a certificate of Belgium's;
    # the only new nominations are the outsiders' requests for themselves.
    assert dict(Nomination.objects.filter(pk__in=before).values_list("pk", "status")) == before
    new = Nomination.objects.exclude(pk__in=before)
    assert set(new.values_list("nominee", flat=True)) <= {user.pk for user in outsiders.values()}
    assert NominationEvent.objects.count() == events + new.count()
    assert dict(Trainer.objects.values_list("pk", "status")) == trainers
    assert Certificate.objects.count() == 1


def _api_routes():
    schema = api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        if path.startswith("/api/v1/training/"):
            for method in operations:
                yield method, path


def test_every_api_route_keeps_belgiums_people_from_outsiders(client, belgium):
    routes = list(_api_routes())
    assert len(routes) >= 6
    with time_machine.travel(AFTER, tick=False):
        for who, user in _outsiders(belgium).items():
            client.force_login(user)
            for _variant, values in _value_sets(belgium)[::2]:
                for method, path in routes:
                    url = (
                        path.replace("{course_id}", str(values["course_id"]))
                        .replace("{session_id}", str(values["session_id"]))
                        .replace("{nomination_id}", str(values["nomination_id"]))
                    )
                    response = getattr(client, method)(url, {"past": "true"})
                    if "{nomination_id}" in path:
                        assert response.status_code == 404, (who, url)
                    else:
                        assert response.status_code == 200, (who, url, response.status_code)
                    assert response["Content-Type"].startswith("application/json")
                    body = response.content.decode()
                    for secret in SECRETS:
                        assert secret not in body, (who, url, secret)
                    if path.endswith("/nominations"):
                        assert response.json() == []  # their own: none
        client.logout()
        for method, path in routes:
            url = path.replace("{course_id}", "1").replace("{session_id}", "1")
            url = url.replace("{nomination_id}", "1")
            assert getattr(client, method)(url).status_code == 401, url


def test_anonymous_users_are_sent_to_the_login(client, belgium):
    prefix = reverse("training:home")
    _variant, values = _value_sets(belgium)[0]
    with time_machine.travel(AFTER, tick=False):
        for route, pattern in url_routes(training_urls.urlpatterns):
            action = ACTIONS.get(pattern.name, ["x"])[0]
            url = prefix + fill_route(route, {**values, "action": action})
            response = client.get(url)
            if pattern.name == "calendar_feed":
                assert response.status_code == 404  # no login for feeds: the token is the key
                continue
            assert response.status_code == 302, url
            assert "/accounts/login/" in response["Location"]


def test_the_people_entitled_do_see_what_the_walk_hides(client, belgium, head_be, trainer):
    """The walk's markers are on the pages, for those who may see them (so the walk's checks
    are not vacuous)."""
    with time_machine.travel(AFTER, tick=False):
        client.force_login(head_be)
        participant = belgium["participant"]
        page = client.get(reverse("training:nomination_detail", args=[participant.pk]))
        assert page.status_code == 200 and "Geheimnis" in page.content.decode()
        page = client.get(reverse("training:trainer_detail", args=[belgium["proposed"].pk]))
        assert page.status_code == 200 and "Heimlich" in page.content.decode()
        page = client.get(reverse("training:trainer_detail", args=[belgium["vetted"].pk]))
        assert "Only on Tuesdays" in page.content.decode()
        page = client.get(reverse("training:delegates"))
        assert "Versteckt" in page.content.decode()
        page = client.get(reverse("training:needs_round_detail", args=[belgium["round"].pk]))
        assert "Secret BE comment" in page.content.decode()
        client.force_login(trainer)
        results = client.get(
            reverse("training:session_evaluation_results", args=[belgium["past"].pk])
        )
        assert "Secret evaluation text" in results.content.decode()
        session = client.get(reverse("training:session_detail", args=[belgium["past"].pk]))
        assert "https://meet.example.eu/secret-room" in session.content.decode()
        assert "Geheimnis" in session.content.decode()
