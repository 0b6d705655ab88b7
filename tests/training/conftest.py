import pytest
import time_machine

from tests.factories import user_in
from tests.training.helpers import TODAY, make_course, make_round, make_session
from training.models import TrainingTopic


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


@pytest.fixture
def open_round(trainer):
    return make_round(trainer)


@pytest.fixture
def cepol_user(db):
    from portal.models import Organisation
    from tests.factories import UserFactory

    return UserFactory(organisation=Organisation.objects.get(slug="cepol"), roles=["agency"])


@pytest.fixture
def course(trainer):
    return make_course(trainer)


@pytest.fixture
def session(trainer, course):
    return make_session(trainer, course)
