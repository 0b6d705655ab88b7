"""Helpers shared by the agenda, proposals, minutes and actions tests (their fixtures are in
tests/meetings/conftest.py)."""

import datetime

from portal.models import Organisation
from tests.factories import UserFactory
from tests.meetings.factories import DUBLIN

# The default test meeting is on 3-4 December 2026 (Dublin); "now" is a month before.
BEFORE = datetime.datetime(2026, 11, 1, 12, 0, tzinfo=datetime.UTC)
DURING = datetime.datetime(2026, 12, 3, 12, 0, tzinfo=datetime.UTC)
AFTER = datetime.datetime(2026, 12, 10, 12, 0, tzinfo=datetime.UTC)


def agency(slug):
    return Organisation.objects.get(slug=slug)


def agency_user(slug="europol", **kwargs):
    kwargs.setdefault("roles", ["agency"])
    return UserFactory(organisation=agency(slug), **kwargs)


def dublin(day, hour, minute=0):
    return datetime.datetime(2026, 12, day, hour, minute, tzinfo=DUBLIN)
