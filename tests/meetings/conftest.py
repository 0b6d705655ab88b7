import datetime

import pytest
import time_machine

from tests.factories import user_in
from tests.meetings.agenda_helpers import agency_user
from tests.meetings.factories import DUBLIN, make_meeting

# The meetings these tests make lie in December 2026 and later. Each test runs with the clock
# (ticking) at this moment before them, so that "coming" stays coming as the calendar moves on;
# a test that needs another moment travels further with time_machine.
TODAY = datetime.datetime(2026, 11, 23, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _clock_before_the_meetings():
    with time_machine.travel(TODAY, tick=True):
        yield


@pytest.fixture
def meeting(db):
    return make_meeting()


# --- People and a past meeting, for the agenda, proposals, minutes and actions tests --------


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
