import datetime

import pytest
import time_machine

from tests.factories import user_in
from training import services
from training.models import TrainingTopic

# The training tests plan for 2027. Each runs with the clock (ticking) at this moment, so
# that deadlines and sessions stay in the future as the calendar moves on; a test that needs
# another moment travels further with time_machine.
TODAY = datetime.datetime(2026, 11, 23, 12, 0, tzinfo=datetime.UTC)
PERIOD = (datetime.date(2027, 1, 1), datetime.date(2027, 12, 31))
DEADLINE = datetime.date(2027, 1, 31)


@pytest.fixture(autouse=True)
def _clock_before_the_plan():
    with time_machine.travel(TODAY, tick=True):
        yield


@pytest.fixture
def trainer(db):
    return user_in("NL", "trainer")


@pytest.fixture
def topics(db):
    return {topic.slug: topic for topic in TrainingTopic.objects.all()}


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


@pytest.fixture
def open_round(trainer):
    return make_round(trainer)


def need(staff=5, profile="operator", level="practitioner", urgency="high", comment=""):
    return {
        "staff_count": staff,
        "profile": profile,
        "level": level,
        "urgency": urgency,
        "comment": comment,
    }
