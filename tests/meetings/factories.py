"""Factories shared by the meeting tests (and the browser and API tests that need a meeting)."""

import datetime
import zoneinfo

from meetings.services import meeting_create

DUBLIN = zoneinfo.ZoneInfo("Europe/Dublin")


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
