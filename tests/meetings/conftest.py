import datetime
import zoneinfo

import pytest
import time_machine

from meetings.services import meeting_create

DUBLIN = zoneinfo.ZoneInfo("Europe/Dublin")

# The meetings these tests make lie in December 2026 and later. Each test runs with the clock
# (ticking) at this moment before them, so that "coming" stays coming as the calendar moves on;
# a test that needs another moment travels further with time_machine.
TODAY = datetime.datetime(2026, 11, 23, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _clock_before_the_meetings():
    with time_machine.travel(TODAY, tick=True):
        yield


def make_meeting(**overrides):
    values = {
        "title": "Heads of SPOC meeting, Dublin",
        "start": datetime.datetime(2026, 12, 3, 9, 30, tzinfo=DUBLIN),
        "end": datetime.datetime(2026, 12, 4, 13, 0, tzinfo=DUBLIN),
        "time_zone": "Europe/Dublin",
        "venue": "Dublin Castle",
        "online_url": "https://meet.example.eu/dublin",
        "description": "<p>Second meeting of 2026.</p><ul><li>Directive 2023/977</li></ul>",
    }
    values.update(overrides)
    return meeting_create(**values)


@pytest.fixture
def meeting(db):
    return make_meeting()
