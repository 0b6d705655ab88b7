"""Nominations: officers ask, heads approve within their country's quota (then the National
Contact Point when the course asks for it), the organiser confirms, waitlists or declines.
Seats are counted under a lock and by the database; the waiting list moves up in order when
a seat frees, never after the session has started; every step is recorded and mailed."""

import datetime
import threading

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction
from icalendar import Calendar

from portal.models import Country
from tests.factories import user_in
from tests.training.helpers import make_course, make_session
from training import services
from training.models import Nomination, NominationEvent, Session, TrainingDelegate

pytestmark = pytest.mark.django_db

N = Nomination.Status


@pytest.fixture(autouse=True)
def _tasks_at_once(monkeypatch):
    """The services hand emails to the task queue once their transaction commits; inside a
    test's transaction nothing commits, so the hand-over runs at once instead (the test
    settings' task backend then runs the task). One test below keeps the real on-commit."""
    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


def country(code):
    return Country.objects.get(code=code)


@pytest.fixture
def cepol_course(cepol_user):
    return make_course(cepol_user)


@pytest.fixture
def small_session(cepol_user, cepol_course):
    """Four seats, two of them reserved for Belgium."""
    return make_session(cepol_user, cepol_course, capacity=4, quotas={country("BE"): 2})


def nominate(head, session, **kwargs):
    return services.nomination_create(
        actor=head,
        session=session,
        nominee=kwargs.pop("nominee", None) or user_in(head.country.code, "officer"),
        **kwargs,
    )


def statuses(session):
    return list(
        Nomination.objects.filter(session=session)
        .order_by("pk")
        .values_list("country__code", "status", "position")
    )


def calendar_parts(message):
    parts = [
        body for body, mimetype in message.alternatives if mimetype.startswith("text/calendar")
    ]
    return [Calendar.from_ical(body) for body in parts]


def test_an_officer_asks_the_head_approves_the_organiser_confirms(
    officer_be, head_be, cepol_user, small_session
):
    mail.outbox.clear()
    nomination = services.nomination_request(
        actor=officer_be, session=small_session, motivation="New in the SPOC."
    )
    assert nomination.status == N.REQUESTED
    assert [m.to for m in mail.outbox] == [[head_be.email]]
    assert "asks to be nominated" in mail.outbox[0].body

    services.nomination_approve(actor=head_be, nomination=nomination)
    nomination.refresh_from_db()
    assert nomination.status == N.APPROVED
    small_session.refresh_from_db()
    assert small_session.seats_held == 1
    assert mail.outbox[-1].to == [officer_be.email]
    assert calendar_parts(mail.outbox[-1]) == []

    services.nomination_confirm(actor=cepol_user, nomination=nomination)
    nomination.refresh_from_db()
    assert nomination.status == N.CONFIRMED
    message = mail.outbox[-1]
    assert message.subject == "[SPOC Network] Confirmed: SIENA for SPOC operators"
    (invitation,) = calendar_parts(message)
    assert invitation["METHOD"] == "REQUEST"
    (event,) = invitation.walk("VEVENT")
    assert str(event["UID"]) == small_session.ical_uid
    assert str(event["ATTENDEE"]) == f"mailto:{officer_be.email}"
    assert len(mail.outbox) == 3  # one email per step
    history = list(
        NominationEvent.objects.filter(nomination=nomination).values_list(
            "to_status", "actor__email"
        )
    )
    assert history == [
        (N.REQUESTED, officer_be.email),
        (N.APPROVED, head_be.email),
        (N.CONFIRMED, cepol_user.email),
    ]


def test_nobody_is_nominated_twice_for_a_session(officer_be, head_be, small_session):
    services.nomination_request(actor=officer_be, session=small_session)
    with pytest.raises(ValidationError, match="already nominated"):
        services.nomination_request(actor=officer_be, session=small_session)
    with pytest.raises(ValidationError) as caught:
        services.nomination_create(actor=head_be, session=small_session, nominee=officer_be)
    assert "nominee" in caught.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Nomination.objects.create(
            session=small_session,
            nominee=officer_be,
            country=country("BE"),
            status=N.WAITING,
            position=9,
        )


def test_emails_go_only_once_the_transaction_commits(
    monkeypatch, officer_be, head_be, small_session, django_capture_on_commit_callbacks
):
    monkeypatch.undo()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.nomination_request(actor=officer_be, session=small_session)
    assert mail.outbox == [] and len(callbacks) == 1
    callbacks[0]()
    assert [m.to for m in mail.outbox] == [[head_be.email]]


def test_a_refused_person_can_be_nominated_again(officer_be, head_be, small_session):
    nomination = services.nomination_request(actor=officer_be, session=small_session)
    with pytest.raises(ValidationError) as caught:
        services.nomination_refuse(actor=head_be, nomination=nomination, reason=" ")
    assert "reason" in caught.value.message_dict
    services.nomination_refuse(actor=head_be, nomination=nomination, reason="Not this year.")
    assert "Reason: Not this year." in mail.outbox[-1].body
    again = services.nomination_create(actor=head_be, session=small_session, nominee=officer_be)
    assert again.status == N.APPROVED


def test_a_head_acts_for_their_own_country_only(officer_be, head_de, small_session):
    nomination = services.nomination_request(actor=officer_be, session=small_session)
    for action in (services.nomination_approve, services.nomination_withdraw):
        with pytest.raises(PermissionDenied):
            action(actor=head_de, nomination=nomination)
    with pytest.raises(ValidationError):
        services.nomination_create(actor=head_de, session=small_session, nominee=officer_be)


def test_only_the_organiser_confirms(head_be, trainer, cepol_user, small_session):
    nomination = nominate(head_be, small_session)
    for actor in (head_be, trainer):  # a trainer manages courses, CEPOL decides on its own
        with pytest.raises(PermissionDenied):
            services.nomination_confirm(actor=actor, nomination=nomination)
    network_course = make_course(trainer, title="Network", organiser="network", cepol_code="")
    network_session = make_session(trainer, network_course)
    other = nominate(head_be, network_session)
    with pytest.raises(PermissionDenied):
        services.nomination_confirm(actor=cepol_user, nomination=other)
    services.nomination_confirm(actor=trainer, nomination=other)


def test_the_second_approval_by_the_national_contact_point(
    head_be, officer_be, cepol_user, small_session
):
    Session.objects.filter(pk=small_session.pk).update()
    small_session.course.second_approval = True
    small_session.course.save()
    contact = user_in("BE", "officer")
    services.delegate_add(actor=head_be, user=contact, kind=TrainingDelegate.Kind.NATIONAL_CONTACT)
    nomination = services.nomination_request(actor=officer_be, session=small_session)
    mail.outbox.clear()
    services.nomination_approve(actor=head_be, nomination=nomination)
    nomination.refresh_from_db()
    assert nomination.status == N.AWAITING_SECOND
    assert [m.to for m in mail.outbox] == [[contact.email]]
    with pytest.raises(PermissionDenied):
        services.nomination_second_approve(actor=head_be, nomination=nomination)
    german_contact = user_in("DE", "officer")
    services.delegate_add(
        actor=user_in("DE", "head"),
        user=german_contact,
        kind=TrainingDelegate.Kind.NATIONAL_CONTACT,
    )
    with pytest.raises(PermissionDenied):
        services.nomination_second_approve(actor=german_contact, nomination=nomination)
    services.nomination_second_approve(actor=contact, nomination=nomination)
    nomination.refresh_from_db()
    assert nomination.status == N.APPROVED
    small_session.refresh_from_db()
    assert small_session.seats_held == 1
    # A direct nomination by the head goes to the contact point too.
    direct = nominate(head_be, small_session)
    assert direct.status == N.AWAITING_SECOND
    services.nomination_refuse(actor=contact, nomination=direct, reason="No budget.")
    direct.refresh_from_db()
    assert direct.status == N.REFUSED


def test_quotas_and_the_general_pool(head_be, head_de, small_session):
    """Four seats, two reserved for Belgium: Germany gets the other two, then waits."""
    for _ in range(3):
        nominate(head_de, small_session)
    assert statuses(small_session) == [
        ("DE", N.APPROVED, None),
        ("DE", N.APPROVED, None),
        ("DE", N.WAITING, 1),
    ]
    nominate(head_be, small_session)
    nominate(head_be, small_session)
    nominate(head_be, small_session)
    assert [s[1:] for s in statuses(small_session)[3:]] == [
        (N.APPROVED, None),
        (N.APPROVED, None),
        (N.WAITING, 2),
    ]
    small_session.refresh_from_db()
    assert small_session.seats_held == 4


def test_unfilled_quota_seats_go_back_to_the_pool_on_the_release_day(head_de, small_session):
    for _ in range(3):
        nominate(head_de, small_session)
    waiting = Nomination.objects.get(session=small_session, status=N.WAITING)
    release = datetime.datetime.combine(
        small_session.quota_release_day, datetime.time(8, 0), tzinfo=datetime.UTC
    )
    with time_machine.travel(release - datetime.timedelta(days=1)):
        assert services.quota_releases_due() == 0
    with time_machine.travel(release):
        assert services.quota_releases_due() == 1
        assert services.quota_releases_due() == 0  # once
    waiting.refresh_from_db()
    assert waiting.status == N.APPROVED
    event = waiting.events.last()
    assert event.actor is None
    assert "Unfilled quota seats went back to the general pool." in event.note
    assert "moved up from the waiting list" in mail.outbox[-1].body


def test_the_waiting_list_moves_up_in_order_when_a_seat_frees(head_be, head_de, small_session):
    first_be = nominate(head_be, small_session)
    nominate(head_be, small_session)
    de = [nominate(head_de, small_session) for _ in range(4)]  # 2 seats, then places 1 and 2
    assert [n.status for n in de] == [N.APPROVED, N.APPROVED, N.WAITING, N.WAITING]
    services.nomination_withdraw(actor=head_de, nomination=de[0], reason="Ill")
    for nomination in de:
        nomination.refresh_from_db()
    assert [(n.status, n.position) for n in de] == [
        (N.WITHDRAWN, None),
        (N.APPROVED, None),
        (N.APPROVED, None),
        (N.WAITING, 1),
    ]
    moved = de[2].events.last()
    assert moved.actor == head_de
    assert moved.note == "Moved up from the waiting list. A seat was freed: a participant withdrew."
    # A Belgian seat freed goes to a German in line only once Belgium's quota is released:
    # before, it stays reserved for Belgium.
    services.nomination_withdraw(actor=head_be, nomination=first_be)
    de[3].refresh_from_db()
    assert de[3].status == N.WAITING
    belgian = nominate(head_be, small_session)
    assert belgian.status == N.APPROVED


def test_raising_the_capacity_moves_the_list_up_and_lowering_it_below_the_seats_taken_is_refused(
    cepol_user, head_de, small_session
):
    de = [nominate(head_de, small_session) for _ in range(3)]
    with pytest.raises(ValidationError) as caught:
        services.session_update(actor=cepol_user, session=small_session, capacity=1, quotas={})
    assert "2 seats are taken" in caught.value.message_dict["capacity"][0]
    services.session_update(actor=cepol_user, session=small_session, capacity=5)
    de[2].refresh_from_db()
    assert de[2].status == N.APPROVED
    assert (
        de[2].events.last().note == "Moved up from the waiting list. The capacity was raised to 5."
    )
    assert de[2].events.last().actor == cepol_user


def test_the_list_never_moves_once_the_session_has_started(head_de, small_session):
    de = [nominate(head_de, small_session) for _ in range(3)]
    start = small_session.local_start
    with time_machine.travel(start + datetime.timedelta(hours=1)):
        services.nomination_withdraw(actor=de[0].nominee, nomination=de[0])
    de[2].refresh_from_db()
    assert de[2].status == N.WAITING


def test_the_organiser_moves_a_seat_to_the_next_in_line(cepol_user, head_de, small_session):
    de = [nominate(head_de, small_session) for _ in range(2)]
    with pytest.raises(ValidationError, match="Nobody on the waiting list"):
        services.nomination_waitlist(actor=cepol_user, nomination=de[0])
    third = nominate(head_de, small_session)
    services.nomination_waitlist(actor=cepol_user, nomination=de[0], reason="Prerequisites")
    de[0].refresh_from_db()
    third.refresh_from_db()
    assert (de[0].status, de[0].position) == (N.WAITING, 1)
    assert third.status == N.APPROVED
    assert (
        "Reason: Prerequisites"
        in [m for m in mail.outbox if m.to == [de[0].nominee.email]][-1].body
    )


def test_declining_frees_the_seat(cepol_user, head_de, small_session):
    de = [nominate(head_de, small_session) for _ in range(3)]
    with pytest.raises(ValidationError):
        services.nomination_decline(actor=cepol_user, nomination=de[0], reason="")
    services.nomination_decline(actor=cepol_user, nomination=de[0], reason="Wrong profile")
    de[2].refresh_from_db()
    assert de[2].status == N.APPROVED


def test_a_confirmed_participant_who_withdraws_gets_a_cancel(cepol_user, head_de, small_session):
    nomination = nominate(head_de, small_session)
    services.nomination_confirm(actor=cepol_user, nomination=nomination)
    services.nomination_withdraw(actor=nomination.nominee, nomination=nomination)
    message = mail.outbox[-1]
    assert message.to == [nomination.nominee.email]
    (cancel,) = calendar_parts(message)
    assert cancel["METHOD"] == "CANCEL"
    (event,) = cancel.walk("VEVENT")
    assert event["STATUS"] == "CANCELLED"
    assert str(event["UID"]) == small_session.ical_uid


def test_a_head_replaces_a_nominee_before_the_deadline(cepol_user, head_de, small_session):
    nomination = nominate(head_de, small_session)
    services.nomination_confirm(actor=cepol_user, nomination=nomination)
    newcomer = user_in("DE", "officer")
    with pytest.raises(ValidationError):
        services.nomination_replace(
            actor=head_de, nomination=nomination, nominee=user_in("BE", "officer")
        )
    mail.outbox.clear()
    replacement = services.nomination_replace(
        actor=head_de, nomination=nomination, nominee=newcomer
    )
    nomination.refresh_from_db()
    assert (nomination.status, nomination.replaced_by) == (N.REPLACED, replacement)
    assert (replacement.status, replacement.nominee) == (N.CONFIRMED, newcomer)
    small_session.refresh_from_db()
    assert small_session.seats_held == 1
    methods = {m.to[0]: [c["METHOD"] for c in calendar_parts(m)] for m in mail.outbox}
    assert methods == {nomination.nominee.email: ["CANCEL"], newcomer.email: ["REQUEST"]}
    after = datetime.datetime.combine(
        small_session.nomination_deadline + datetime.timedelta(days=1),
        datetime.time(12),
        tzinfo=datetime.UTC,
    )
    with time_machine.travel(after), pytest.raises(ValidationError, match="closed"):
        services.nomination_replace(
            actor=head_de, nomination=replacement, nominee=user_in("DE", "officer")
        )


def test_no_requests_after_the_nomination_deadline(officer_be, small_session):
    after = datetime.datetime.combine(
        small_session.nomination_deadline + datetime.timedelta(days=1),
        datetime.time(12),
        tzinfo=datetime.UTC,
    )
    with time_machine.travel(after), pytest.raises(ValidationError, match="Nominations closed"):
        services.nomination_request(actor=officer_be, session=small_session)


def test_cancelling_the_session_cancels_every_nomination(cepol_user, head_de, small_session):
    confirmed = nominate(head_de, small_session)
    services.nomination_confirm(actor=cepol_user, nomination=confirmed)
    others = [nominate(head_de, small_session) for _ in range(2)]
    mail.outbox.clear()
    services.session_cancel(actor=cepol_user, session=small_session)
    assert {n.status for n in Nomination.objects.filter(session=small_session)} == {N.CANCELLED}
    small_session.refresh_from_db()
    assert small_session.seats_held == 0
    assert len(mail.outbox) == 3
    cancel = [m for m in mail.outbox if m.to == [confirmed.nominee.email]][0]
    assert [c["METHOD"] for c in calendar_parts(cancel)] == ["CANCEL"]
    assert all(not calendar_parts(m) for m in mail.outbox if m.to != [confirmed.nominee.email])
    assert others


def test_a_change_of_place_sends_confirmed_participants_an_updated_invitation(
    cepol_user, head_de, small_session
):
    nomination = nominate(head_de, small_session)
    services.nomination_confirm(actor=cepol_user, nomination=nomination)
    mail.outbox.clear()
    services.session_update(actor=cepol_user, session=small_session, venue="CEPOL, room 2")
    (message,) = mail.outbox
    assert message.subject == "[SPOC Network] Changed: SIENA for SPOC operators"
    (invitation,) = calendar_parts(message)
    (event,) = invitation.walk("VEVENT")
    assert event["SEQUENCE"] == 1
    assert event["LOCATION"] == "CEPOL, room 2"


def test_the_database_never_lets_seats_exceed_the_capacity(small_session):
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.filter(pk=small_session.pk).update(seats_held=5)


def test_the_seat_count_matches_the_nominations_holding_seats(
    cepol_user, head_be, head_de, small_session
):
    nominations = [nominate(head, small_session) for head in (head_be, head_de) * 3]
    services.nomination_confirm(actor=cepol_user, nomination=nominations[0])
    services.nomination_withdraw(actor=head_de, nomination=nominations[1])
    services.nomination_decline(actor=cepol_user, nomination=nominations[2], reason="No")
    small_session.refresh_from_db()
    holding = Nomination.objects.filter(
        session=small_session, status__in=Nomination.HOLDING_SEAT
    ).count()
    assert small_session.seats_held == holding <= small_session.capacity
    positions = list(
        Nomination.objects.filter(session=small_session, status=N.WAITING)
        .order_by("position")
        .values_list("position", flat=True)
    )
    assert positions == list(range(1, len(positions) + 1))


# --- Concurrency ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_heads_taking_the_last_seat_at_once_never_overbook(cepol_user):
    """Threads with their own database connections, released together by a barrier: heads
    of four countries approve at once for the one seat left. Exactly one gets it."""
    course = make_course(cepol_user)
    session = make_session(cepol_user, course, capacity=2)
    heads = [user_in(code, "head") for code in ("BE", "DE", "FR", "NL")]
    nominate(heads[0], session)  # one seat of two left
    requests = [
        services.nomination_request(actor=user_in(head.country.code, "officer"), session=session)
        for head in heads
    ]
    barrier = threading.Barrier(len(heads))
    errors = []

    def approve(head, nomination):
        try:
            barrier.wait(5)
            for _attempt in range(200):
                try:
                    services.nomination_approve(actor=head, nomination=nomination)
                    return
                except OperationalError:  # SQLite: the database is locked, retry
                    threading.Event().wait(0.01)
            errors.append("gave up")
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=approve, args=(head, nomination))
        for head, nomination in zip(heads, requests, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    session.refresh_from_db()
    assert session.seats_held == 2
    approved = Nomination.objects.filter(session=session, status=N.APPROVED).count()
    waiting = sorted(
        Nomination.objects.filter(session=session, status=N.WAITING).values_list(
            "position", flat=True
        )
    )
    assert approved == 2
    assert waiting == [1, 2, 3]
