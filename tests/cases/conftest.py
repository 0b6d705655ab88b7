import pytest
import time_machine

from cases import crosscheck
from tests.cases.helpers import NOW
from tests.factories import user_in


@pytest.fixture(autouse=True)
def _clock():
    """The cases are received just before NOW (a Friday in March 2026, before the summer-time
    change of 29 March); the clock ticks from there."""
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture(autouse=True)
def _fresh_crosscheck_index():
    # The per-process index would keep subjects of rolled-back tests (their ids are reused).
    crosscheck.reset_cache()
    yield
    crosscheck.reset_cache()


@pytest.fixture
def officer_de(db):
    return user_in("DE", "officer")


@pytest.fixture
def no_role_be(db):
    return user_in("BE")


@pytest.fixture
def editor_be(db):
    return user_in("BE", "editor")
