"""Fixtures and helpers shared by the agenda, proposals, minutes and actions tests."""

import datetime

import pytest

from portal.models import Organisation
from tests.factories import UserFactory, user_in
from tests.meetings.conftest import DUBLIN, make_meeting

# `from tests.meetings.agenda_helpers import *` brings the fixtures only.
__all__ = ["approver", "europol_user", "head_fr", "past_meeting", "presidency"]

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


@pytest.fixture
def head_fr(db):
    return user_in("FR", "head")


@pytest.fixture
def presidency(db):
    return user_in("IE", "presidency")


@pytest.fixture
def approver(db):
    return user_in("IE", "presidency_approver")


@pytest.fixture
def europol_user(db):
    return agency_user("europol")


@pytest.fixture
def past_meeting(db):
    return make_meeting(
        title="Heads of SPOC meeting, Nicosia",
        start=datetime.datetime(2026, 5, 20, 9, 30, tzinfo=DUBLIN),
        end=datetime.datetime(2026, 5, 21, 17, 0, tzinfo=DUBLIN),
        status="held",
    )
