"""Helpers of the delivery tests (attendance, evaluations, certificates): a network course's
session (the trainers are its organiser) with confirmed participants, and the clock at a
moment of the session."""

import datetime

from django.db import transaction

from tests.factories import user_in
from tests.training.helpers import make_course, make_session
from training import services

SECOND_DAY = datetime.datetime(2027, 3, 16, 12, 0, tzinfo=datetime.UTC)  # day 2 of 4
AFTER = datetime.datetime(2027, 3, 20, 12, 0, tzinfo=datetime.UTC)  # the session is over


def tasks_at_once(monkeypatch):
    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


def network_session(trainer, **overrides):
    course = make_course(
        trainer, title="Cross-border operations", organiser="network", cepol_code=""
    )
    return make_session(trainer, course, **overrides)


def confirm(session, organiser, head, count=1):
    """`count` people of the head's country, nominated and confirmed."""
    nominations = []
    for _ in range(count):
        nominee = user_in(head.country.code, "officer")
        nomination = services.nomination_create(actor=head, session=session, nominee=nominee)
        nominations.append(services.nomination_confirm(actor=organiser, nomination=nomination))
    return nominations
