"""Shared steps of the date poll, iTIP, reminder and follow-up tests."""

import datetime

from meetings.services import date_poll_open
from portal.models import Organisation
from tests.factories import UserFactory, user_in
from tests.meetings.factories import DUBLIN

CANDIDATES = [
    (
        datetime.datetime(2026, 12, 3, 9, 30, tzinfo=DUBLIN),
        datetime.datetime(2026, 12, 4, 13, 0, tzinfo=DUBLIN),
    ),
    (
        datetime.datetime(2026, 12, 10, 9, 30, tzinfo=DUBLIN),
        datetime.datetime(2026, 12, 11, 13, 0, tzinfo=DUBLIN),
    ),
]


def presidency_user():
    return user_in("IE", "presidency")


def agency_user():
    return UserFactory(organisation=Organisation.objects.get(slug="europol"), roles=["agency"])


def open_poll(meeting, actor=None, options=CANDIDATES, **kwargs):
    return date_poll_open(
        actor=actor or presidency_user(), meeting=meeting, options=list(options), **kwargs
    )


def answer_values(poll, *values):
    return dict(zip(poll.options.values_list("pk", flat=True), values, strict=True))
