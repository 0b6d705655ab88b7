"""The knowledge base's sections of the activity report to DAPIX: best practices presented and
obstacles raised at the period's meetings, and obstacles brought to DAPIX in the period."""

import datetime

import pytest
import time_machine
from bs4 import BeautifulSoup

from knowledge import services
from meetings.report import activity_report_draft
from tests.factories import admin_user
from tests.knowledge.factories import make_obstacle, make_practice
from tests.meetings.report_data import NOW, PERIOD, meeting_on

pytestmark = pytest.mark.django_db


def sections():
    start, end = PERIOD
    return {s["key"]: s for s in activity_report_draft(period_start=start, period_end=end)}


def items(html):
    soup = BeautifulSoup(html, "html.parser")
    return [li.get_text(" ", strip=True) for li in soup.find_all("li")]


def test_practices_and_obstacles_of_the_period_s_meetings_are_reported():
    with time_machine.travel(NOW, tick=False):
        vienna = meeting_on(datetime.date(2026, 9, 10), "Heads of SPOC meeting, Vienna")
        earlier = meeting_on(datetime.date(2026, 3, 10), "Heads of SPOC meeting, Warsaw")
        make_practice("Shared SIENA inbox triage", countries=("BE", "NL"), presented_at=vienna)
        make_practice("Old practice", countries=("DE",), presented_at=earlier)
        make_practice("Never presented", countries=("FR",))
        make_obstacle("No common working language", countries=("BE", "FR"), raised_at=vienna)
        brought = make_obstacle("Hot pursuit limits differ", countries=("DE",))
        services.obstacle_status_change(
            user=admin_user(), obstacle=brought, to_status="raised_with_dapix"
        )
        report = sections()

    practices = items(report["best_practices"]["html"])
    assert len(practices) == 1
    assert "Shared SIENA inbox triage" in practices[0]
    assert "Belgium, Netherlands" in practices[0]
    assert "Heads of SPOC meeting, Vienna" in practices[0]

    obstacles = BeautifulSoup(report["obstacles"]["html"], "html.parser")
    headings = [h.get_text() for h in obstacles.find_all("h3")]
    assert headings == [
        "Raised at the network's meetings",
        "Brought to the attention of the DAPIX working party",
    ]
    listed = items(report["obstacles"]["html"])
    assert any("No common working language" in text and "Vienna" in text for text in listed)
    assert any(text.startswith("Hot pursuit limits differ") for text in listed)
