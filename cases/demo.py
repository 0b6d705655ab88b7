"""Demo cases for `manage.py seed_demo`: Belgium's and Germany's registers with a case in every
state, deadlines running (one soon, one overdue), a judicial-authorisation pause, a request for
clarification, refusals, a request that came in twice through two channels (flagged as a
possible duplicate) and cross-check hits across alphabets (Cyrillic and Greek names against
their Latin forms). Times are relative to the moment of seeding, so deadlines are live.

DEMO DATA: invented people and references. Idempotent: a country whose register already has
cases is left alone."""

import datetime

from django.utils import timezone

from cases import services
from cases.models import Case
from portal.demo import demo_user


def _register(officer, hours_ago, *, refs=(), subjects=(), duplicate=False, **data):
    now = timezone.now()
    values = {
        "direction": "incoming",
        "counterpart_kind": "network",
        "channel": "siena",
        "information_access": "direct",
        "received_at": now - datetime.timedelta(hours=hours_ago),
        "handling_code": "H0",
        "source_evaluation": "B",
        "information_evaluation": "2",
    }
    values.update(data)
    return services.case_register(
        actor=officer,
        data=values,
        references=refs,
        subjects=subjects,
        confirm_duplicate=duplicate,
    )


def _advance(officer, case, *steps):
    for step in steps:
        services.case_transition(actor=officer, case=case, to=step)


def _seed(officer, plan):
    for make in plan:
        make(officer)


def _belgium(o):
    now = timezone.now()
    # Answered long ago: the Latin form of the name the new Cyrillic request will hit.
    old = _register(
        o,
        24 * 40,
        counterpart_country="DE",
        summary="[Demo] Holder of a rented van",
        refs=[("siena_message", "SIENA-DE-2026-1001")],
        subjects=[
            {
                "kind": "person",
                "name": "Ivanov",
                "given_names": "Petr",
                "date_of_birth": "1975-05-17",
            },
            {"kind": "vehicle", "identifier": "1-VAN-777"},
        ],
    )
    _advance(o, old, "checked")
    services.case_answer(
        actor=o,
        case=old,
        text="[Demo] Registered keeper and address sent.",
        now=old.received_at + datetime.timedelta(days=2),
    )
    # Registered 6 hours ago, 8-hour limit: due soon; its subject is written in Cyrillic.
    _register(
        o,
        6,
        counterpart_country="DE",
        urgent=True,
        urgency_grounds=["life"],
        summary="[Demo] Whereabouts of a missing person's contact",
        refs=[("siena_message", "SIENA-DE-2026-2044")],
        subjects=[
            {
                "kind": "person",
                "name": "Иванов",
                "given_names": "Пётр",
                "date_of_birth": "1975-05-17",
            }
        ],
    )
    checked = _register(
        o,
        48,
        counterpart_country="NL",
        summary="[Demo] Subscriber of a phone",
        refs=[("siena_message", "SIENA-NL-2026-0310")],
        subjects=[{"kind": "phone", "identifier": "+32 470 55 01 02"}],
    )
    _advance(o, checked, "checked")
    # The same request again through Interpol: flagged as a possible duplicate.
    _register(
        o,
        30,
        counterpart_kind="agency",
        counterpart_name="interpol",
        channel="interpol",
        channel_reason="third_parties",
        summary="[Demo] Subscriber of a phone (via Interpol)",
        refs=[("interpol", "IP-2026-88412"), ("siena_message", "siena nl 2026 0310")],
        duplicate=True,
    )
    # Urgent, indirectly accessible (3 days), received 4 days ago: overdue.
    late = _register(
        o,
        96,
        counterpart_country="FR",
        urgent=True,
        urgency_grounds=["relevance"],
        information_access="indirect",
        summary="[Demo] Bank account holder",
        subjects=[{"kind": "organisation", "name": "Demo Trading SPRL"}],
    )
    _advance(o, late, "checked", "in_progress")
    services.case_assign(actor=o, case=late, assignee=o)
    # Waiting for an investigating judge (Art. 5(2)); the requester was told.
    waiting = _register(
        o,
        50,
        counterpart_country="LU",
        information_access="indirect",
        summary="[Demo] Telecom traffic data",
    )
    _advance(o, waiting, "checked", "in_progress")
    services.pause_start(
        actor=o,
        case=waiting,
        kind="judicial",
        started_at=now - datetime.timedelta(hours=26),
        reason="[Demo] Traffic data need an investigating judge's order.",
        requester_informed_on=now - datetime.timedelta(hours=25),
        expected_delay="about 3 days",
    )
    refused = _register(o, 24 * 9, counterpart_country="PL", summary="[Demo] Minor traffic offence")
    services.case_refuse(
        actor=o,
        case=refused,
        grounds=["g"],
        reason="[Demo] Not an offence punishable by more than one year here.",
        now=refused.received_at + datetime.timedelta(days=1),
    )
    closed = _register(
        o,
        24 * 20,
        direction="outgoing",
        counterpart_country="NL",
        summary="[Demo] Our request: owner of a boat",
    )
    _advance(o, closed, "checked")
    services.case_answer(
        actor=o,
        case=closed,
        text="[Demo] Owner identified.",
        now=closed.received_at + datetime.timedelta(days=3),
    )
    _advance(o, closed, "closed")
    archived = _register(
        o,
        24 * 60,
        direction="outgoing",
        counterpart_country="DE",
        summary="[Demo] Our request: criminal record check",
    )
    _advance(o, archived, "checked")
    services.case_answer(
        actor=o,
        case=archived,
        text="[Demo] No record.",
        now=archived.received_at + datetime.timedelta(days=2),
    )
    _advance(o, archived, "closed", "archived")


def _germany(o):
    now = timezone.now()
    old = _register(
        o,
        24 * 35,
        counterpart_country="GR",
        summary="[Demo] Passport check",
        subjects=[
            {
                "kind": "person",
                "name": "Papadopoulos",
                "given_names": "Nikos",
                "date_of_birth": "1982-11-02",
            },
            {"kind": "document", "identifier": "AE 1234567"},
        ],
    )
    _advance(o, old, "checked")
    services.case_answer(
        actor=o,
        case=old,
        text="[Demo] Passport valid.",
        now=old.received_at + datetime.timedelta(days=1),
    )
    _register(
        o,
        3,
        counterpart_country="AT",
        summary="[Demo] Vehicle seen at a border crossing",
        refs=[("siena_message", "SIENA-AT-2026-5501")],
        subjects=[
            {
                "kind": "person",
                "name": "Παπαδόπουλος",
                "given_names": "Νίκος",
                "date_of_birth": "1982-11-02",
            }
        ],
    )
    clar = _register(o, 40, counterpart_country="BE", summary="[Demo] Address of a witness")
    _advance(o, clar, "checked", "in_progress")
    services.pause_start(
        actor=o,
        case=clar,
        kind="clarification",
        started_at=now - datetime.timedelta(hours=20),
        reason="[Demo] The name is incomplete: asked for the date of birth.",
    )
    progress = _register(
        o,
        24 * 6,
        counterpart_country="PL",
        summary="[Demo] Company register extract",
        refs=[("sirene", "SIRENE-PL-77A")],
        channel="sirene",
        channel_reason="other_instrument",
    )
    _advance(o, progress, "checked", "in_progress")
    pccc = _register(
        o,
        20,
        counterpart_country="FR",
        channel="pccc",
        channel_reason="urgency",
        urgent=True,
        urgency_grounds=["liberty"],
        information_access="indirect",
        summary="[Demo] Identity of a detained person",
        refs=[("pccc", "PCCC-KEHL-311")],
    )
    _advance(o, pccc, "checked")
    refused = _register(
        o, 24 * 12, counterpart_country="CZ", summary="[Demo] Intelligence on a group"
    )
    services.case_refuse(
        actor=o,
        case=refused,
        grounds=["f", "h"],
        reason="[Demo] Would jeopardise an ongoing investigation; the source "
        "State did not consent.",
        now=refused.received_at + datetime.timedelta(days=2),
    )
    closed = _register(
        o,
        24 * 25,
        direction="outgoing",
        counterpart_country="NL",
        summary="[Demo] Our request: ship registration",
    )
    _advance(o, closed, "checked")
    services.case_answer(
        actor=o,
        case=closed,
        text="[Demo] Registration found.",
        now=closed.received_at + datetime.timedelta(days=4),
    )
    _advance(o, closed, "closed")
    archived = _register(
        o,
        24 * 70,
        direction="outgoing",
        counterpart_country="BE",
        summary="[Demo] Our request: firearm licence",
    )
    _advance(o, archived, "checked")
    services.case_answer(
        actor=o,
        case=archived,
        text="[Demo] Licence valid.",
        now=archived.received_at + datetime.timedelta(days=1),
    )
    _advance(o, archived, "closed", "archived")


def seed_cases(report):
    for email, code, plan in (
        ("officer.be@example.eu", "BE", _belgium),
        ("officer.de@example.eu", "DE", _germany),
    ):
        officer = demo_user(email)
        if officer is None or Case.objects.filter(country__code=code).exists():
            continue
        plan(officer)
