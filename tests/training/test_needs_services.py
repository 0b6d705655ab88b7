"""Needs rounds (CEPOL OTNA model): trainers open and close rounds; each country's head or
delegate answers per topic, once per country, topic and round."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from portal.models import Country
from tests.factories import user_in
from tests.training.helpers import DEADLINE, PERIOD, make_round, need
from training import services
from training.models import NeedsAnswer, NeedsResponse, NeedsRound, TrainingTopic

pytestmark = pytest.mark.django_db


def test_the_topic_list_is_seeded():
    names = list(TrainingTopic.objects.values_list("name", flat=True))
    assert names == [
        "SIENA",
        "Directive (EU) 2023/977",
        "SIS/SIRENE",
        "Interpol channels",
        "Data protection",
        "Languages",
        "Case-management system",
        "Cross-border operations",
    ]


def test_a_new_round_is_a_draft_asking_about_every_active_topic(trainer, topics):
    topics["languages"].active = False
    topics["languages"].save()
    needs_round = make_round(trainer, open_it=False)
    assert needs_round.status == NeedsRound.Status.DRAFT
    assert "languages" not in set(needs_round.topics.values_list("slug", flat=True))
    assert needs_round.topics.count() == 7


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"deadline": datetime.date(2026, 11, 1)}, "deadline", "The deadline is in the past."),
        (
            {"period_start": datetime.date(2027, 6, 1), "period_end": datetime.date(2027, 1, 1)},
            "period_end",
            "The period ends before it starts.",
        ),
        ({"title": "  "}, "title", "Give the round a title."),
    ],
)
def test_bad_dates_and_titles_are_refused(trainer, overrides, field, message):
    with pytest.raises(ValidationError) as caught:
        make_round(trainer, open_it=False, **overrides)
    assert caught.value.message_dict[field] == [message]
    assert not NeedsRound.objects.exists()


def test_only_trainers_run_rounds(head_be, trainer):
    with pytest.raises(PermissionDenied):
        make_round(head_be)
    needs_round = make_round(trainer, open_it=False)
    with pytest.raises(PermissionDenied):
        services.needs_round_open(actor=head_be, needs_round=needs_round)


def test_open_then_close(trainer):
    needs_round = make_round(trainer)
    assert needs_round.status == NeedsRound.Status.OPEN
    assert needs_round.opened_by == trainer
    with pytest.raises(ValidationError):
        services.needs_round_open(actor=trainer, needs_round=needs_round)
    closed = services.needs_round_close(actor=trainer, needs_round=needs_round)
    assert closed.status == NeedsRound.Status.CLOSED
    assert closed.closed_at is not None
    with pytest.raises(ValidationError):
        services.needs_round_close(actor=trainer, needs_round=closed)


def test_a_round_whose_deadline_passed_cannot_be_opened(trainer):
    needs_round = make_round(trainer, open_it=False)
    with time_machine.travel(datetime.datetime(2027, 2, 2, 9, 0, tzinfo=datetime.UTC)):
        with pytest.raises(ValidationError, match="deadline is in the past"):
            services.needs_round_open(actor=trainer, needs_round=needs_round)


def test_the_topics_of_an_open_round_do_not_change(trainer, topics):
    needs_round = make_round(trainer)
    with pytest.raises(ValidationError) as caught:
        services.needs_round_update(
            actor=trainer,
            needs_round=needs_round,
            title="Needs 2027",
            period_start=PERIOD[0],
            period_end=PERIOD[1],
            deadline=DEADLINE,
            topics=[topics["siena"]],
        )
    assert "topics" in caught.value.message_dict
    # The deadline can move.
    services.needs_round_update(
        actor=trainer,
        needs_round=needs_round,
        title="Needs 2027",
        period_start=PERIOD[0],
        period_end=PERIOD[1],
        deadline=datetime.date(2027, 2, 28),
    )
    needs_round.refresh_from_db()
    assert needs_round.deadline == datetime.date(2027, 2, 28)
    assert needs_round.title == "Needs 2027"


def test_a_head_answers_for_their_country(head_be, open_round, topics):
    response = services.needs_answers_save(
        actor=head_be,
        needs_round=open_round,
        answers={topics["siena"].pk: need(12), topics["languages"].pk: None},
    )
    assert response.country.code == "BE"
    answer = NeedsAnswer.objects.get()
    assert (answer.country.code, answer.topic.slug, answer.staff_count) == ("BE", "siena", 12)

    # Saving again replaces the answer; an emptied row removes it.
    services.needs_answers_save(
        actor=head_be,
        needs_round=open_round,
        answers={topics["siena"].pk: None, topics["sis-sirene"].pk: need(3, level="expert")},
    )
    assert list(NeedsAnswer.objects.values_list("topic__slug", "staff_count", "level")) == [
        ("sis-sirene", 3, "expert")
    ]
    assert NeedsResponse.objects.count() == 1


def test_answering_no_need_at_all_still_counts_as_answered(head_be, open_round, topics):
    services.needs_answers_save(
        actor=head_be, needs_round=open_round, answers=dict.fromkeys(topics.values())
    )
    assert NeedsResponse.objects.filter(country__code="BE").exists()
    assert not NeedsAnswer.objects.exists()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"staff_count": None, "profile": "operator"}, "staff_count"),
        ({**need(), "staff_count": 0, "comment": "some"}, "staff_count"),
        ({**need(), "staff_count": 10_001}, "staff_count"),
        ({**need(), "profile": "janitor"}, "profile"),
        ({**need(), "level": ""}, "level"),
        ({**need(), "urgency": "yesterday"}, "urgency"),
    ],
)
def test_incomplete_rows_are_refused_and_nothing_is_saved(
    head_be, open_round, topics, values, field
):
    with pytest.raises(services.NeedsAnswerErrors) as caught:
        services.needs_answers_save(
            actor=head_be,
            needs_round=open_round,
            answers={topics["siena"].pk: need(), topics["languages"].pk: values},
        )
    assert set(caught.value.rows) == {topics["languages"].pk}
    assert field in caught.value.rows[topics["languages"].pk]
    assert not NeedsAnswer.objects.exists()
    assert not NeedsResponse.objects.exists()


def test_no_answers_outside_an_open_round_or_after_the_deadline(head_be, trainer, topics):
    draft = make_round(trainer, open_it=False)
    with pytest.raises(ValidationError, match="not open"):
        services.needs_answers_save(
            actor=head_be, needs_round=draft, answers={topics["siena"].pk: need()}
        )
    open_round = make_round(trainer, title="Needs 2027 bis")
    # The deadline day itself still counts (portal time zone, Brussels).
    with time_machine.travel(datetime.datetime(2027, 1, 31, 22, 30, tzinfo=datetime.UTC)):
        services.needs_answers_save(
            actor=head_be, needs_round=open_round, answers={topics["siena"].pk: need()}
        )
    with time_machine.travel(datetime.datetime(2027, 1, 31, 23, 30, tzinfo=datetime.UTC)):
        with pytest.raises(ValidationError, match="deadline"):
            services.needs_answers_save(
                actor=head_be, needs_round=open_round, answers={topics["siena"].pk: need(2)}
            )
    assert NeedsAnswer.objects.get().staff_count == 5


def test_a_topic_the_round_does_not_ask_about_is_refused(head_be, trainer, topics):
    needs_round = make_round(trainer, topics=[topics["siena"]])
    with pytest.raises(ValidationError):
        services.needs_answers_save(
            actor=head_be, needs_round=needs_round, answers={topics["languages"].pk: need()}
        )


def test_officers_and_trainers_do_not_answer_for_a_country(officer_be, trainer, open_round, topics):
    for actor in (officer_be, trainer):
        with pytest.raises(PermissionDenied):
            services.needs_answers_save(
                actor=actor, needs_round=open_round, answers={topics["siena"].pk: need()}
            )


def test_a_delegate_answers_for_their_country_until_removed(
    head_be, officer_be, open_round, topics
):
    delegate = services.delegate_add(actor=head_be, user=officer_be, kind="needs")
    services.needs_answers_save(
        actor=officer_be, needs_round=open_round, answers={topics["siena"].pk: need()}
    )
    assert NeedsResponse.objects.get().updated_by == officer_be
    services.delegate_remove(actor=head_be, delegate=delegate)
    officer_be.refresh_from_db()  # drops the cached delegations
    officer_be = type(officer_be).objects.get(pk=officer_be.pk)
    with pytest.raises(PermissionDenied):
        services.needs_answers_save(
            actor=officer_be, needs_round=open_round, answers={topics["siena"].pk: need()}
        )


def test_a_head_names_only_people_of_their_own_country(head_be, head_de):
    german = user_in("DE", "officer")
    with pytest.raises(ValidationError):
        services.delegate_add(actor=head_be, user=german, kind="needs")
    with pytest.raises(PermissionDenied):
        services.delegate_add(actor=german, user=german, kind="needs")
    belgian = user_in("BE", "officer")
    delegate = services.delegate_add(actor=head_be, user=belgian, kind="needs")
    with pytest.raises(PermissionDenied):
        services.delegate_remove(actor=head_de, delegate=delegate)
    with pytest.raises(ValidationError, match="already"):
        services.delegate_add(actor=head_be, user=belgian, kind="needs")


def test_a_delegation_does_not_follow_a_person_to_another_country(head_be, open_round, topics):
    from portal.models import Organisation

    person = user_in("BE", "officer")
    services.delegate_add(actor=head_be, user=person, kind="needs")
    person.organisation = Organisation.objects.get(slug="spoc-de")
    person.save()
    person = type(person).objects.get(pk=person.pk)
    with pytest.raises(PermissionDenied):
        services.needs_answers_save(
            actor=person, needs_round=open_round, answers={topics["siena"].pk: need()}
        )


def test_the_database_keeps_one_answer_per_country_topic_and_round(open_round, topics):
    belgium = Country.objects.get(code="BE")
    values = need()
    NeedsAnswer.objects.create(round=open_round, country=belgium, topic=topics["siena"], **values)
    with pytest.raises(IntegrityError), transaction.atomic():
        NeedsAnswer.objects.create(
            round=open_round, country=belgium, topic=topics["siena"], **values
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        NeedsAnswer.objects.create(
            round=open_round,
            country=belgium,
            topic=topics["languages"],
            **{**values, "staff_count": 0},
        )
