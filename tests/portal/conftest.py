"""Fixtures of the portal tests."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

# A weekday morning in Brussels; TOTP tests shift it by whole 30-second steps.
MFA_NOW = datetime(2026, 3, 10, 9, 0, 5, tzinfo=ZoneInfo("Europe/Brussels"))


@pytest.fixture
def frozen():
    """Time stands still at MFA_NOW until the test shifts it."""
    with time_machine.travel(MFA_NOW, tick=False) as traveller:
        yield traveller
