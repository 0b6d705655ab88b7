"""Helpers of the training tests: the planning year's dates and the steps that make a needs
round, a need, a course and a session through the services. The fixtures that use them are
in tests/training/conftest.py."""

import datetime

from training import services
from training.models import TrainingTopic

# The training tests plan for 2027. Each runs with the clock (ticking) at this moment, so
# that deadlines and sessions stay in the future as the calendar moves on; a test that needs
# another moment travels further with time_machine.
TODAY = datetime.datetime(2026, 11, 23, 12, 0, tzinfo=datetime.UTC)
PERIOD = (datetime.date(2027, 1, 1), datetime.date(2027, 12, 31))
DEADLINE = datetime.date(2027, 1, 31)


def make_round(actor, *, open_it=True, **overrides):
    values = {
        "title": "Training needs 2027",
        "period_start": PERIOD[0],
        "period_end": PERIOD[1],
        "deadline": DEADLINE,
    }
    values.update(overrides)
    needs_round = services.needs_round_create(actor=actor, **values)
    if open_it:
        needs_round = services.needs_round_open(actor=actor, needs_round=needs_round)
    return needs_round


def need(staff=5, profile="operator", level="practitioner", urgency="high", comment=""):
    return {
        "staff_count": staff,
        "profile": profile,
        "level": level,
        "urgency": urgency,
        "comment": comment,
    }


def make_course(actor, **overrides):
    values = {
        "title": "SIENA for SPOC operators",
        "topic": TrainingTopic.objects.get(slug="siena"),
        "level": "practitioner",
        "organiser": "cepol",
        "cepol_code": "27/2027",
        "language": "en",
        "description": "Handling codes and workflows.",
    }
    values.update(overrides)
    return services.course_create(actor=actor, **values)


def make_session(actor, course, *, quotas=None, **overrides):
    values = {
        "first_day": datetime.date(2027, 3, 15),
        "last_day": datetime.date(2027, 3, 18),
        "daily_start": datetime.time(9, 0),
        "daily_end": datetime.time(17, 0),
        "time_zone": "Europe/Budapest",
        "venue_kind": "on_site",
        "venue": "CEPOL, Budapest",
        "capacity": 10,
        "nomination_deadline": datetime.date(2027, 2, 15),
    }
    values.update(overrides)
    return services.session_create(actor=actor, course=course, quotas=quotas, **values)
