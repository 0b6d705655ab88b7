"""Factories shared by the meeting tests (and the browser and API tests that need a meeting)."""

import datetime
import zoneinfo

from meetings.services import meeting_create, registration_add

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


def register(actor, meeting, name="Delegate", *, email=None, attendance="in_person", **extra):
    """A delegate registered by `actor` through the service (confirmed or waiting, as the
    service decides); the email is made from the name unless given."""
    email = email or f"{name.lower().replace(' ', '.')}@example.eu"
    return registration_add(
        actor=actor, meeting=meeting, name=name, email=email, attendance=attendance, **extra
    )
