"""Art. 5 deadlines: 8 hours, 3 and 7 calendar days from receipt; calendar days in the SPOC's
time zone across summer-time changes; pauses for judicial authorisation and clarification."""

import datetime
import zoneinfo

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.urls import reverse

from cases import deadlines, services
from cases.choices import Status
from tests.cases.helpers import make_case

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
UTC = datetime.UTC


def local(*args):
    return datetime.datetime(*args, tzinfo=BRUSSELS)


def test_limits_follow_article_5():
    assert deadlines.limit_for(urgent=True, information_access="direct").hours == 8
    assert deadlines.limit_for(urgent=True, information_access="indirect").days == 3
    assert deadlines.limit_for(urgent=False, information_access="direct").days == 7
    assert deadlines.limit_for(urgent=False, information_access="indirect").days == 7


def test_eight_hours_are_real_hours_across_the_spring_change():
    # 29 March 2026, 02:00 CET -> 03:00 CEST. 22:00 on the 28th + 8 real hours = 07:00 CEST.
    received = local(2026, 3, 28, 22, 0)
    due = deadlines.base_deadline(received, deadlines.LIMIT_URGENT_DIRECT, "BE")
    assert due - received.astimezone(UTC) == datetime.timedelta(hours=8)
    assert due.astimezone(BRUSSELS) == local(2026, 3, 29, 7, 0)


def test_calendar_days_keep_the_wall_clock_time_across_summer_time():
    # Friday 27 March 10:00 CET + 3 calendar days = Monday 30 March 10:00 CEST: 71 real hours.
    received = local(2026, 3, 27, 10, 0)
    due = deadlines.base_deadline(received, deadlines.LIMIT_URGENT_INDIRECT, "BE")
    assert due.astimezone(BRUSSELS) == local(2026, 3, 30, 10, 0)
    assert due - received == datetime.timedelta(hours=71)
    # Autumn: Friday 23 October 10:00 CEST + 7 days = 30 October 10:00 CET: 169 hours.
    received = local(2026, 10, 23, 10, 0)
    due = deadlines.base_deadline(received, deadlines.LIMIT_OTHER, "BE")
    assert due.astimezone(BRUSSELS) == local(2026, 10, 30, 10, 0)
    assert due - received == datetime.timedelta(hours=169)


def test_the_spocs_own_time_zone_counts_the_days():
    # Received 23:30 UTC on 1 June = 02:30 on 2 June in Helsinki, 01:30 in Brussels.
    received = datetime.datetime(2026, 6, 1, 23, 30, tzinfo=UTC)
    fi = deadlines.base_deadline(received, deadlines.LIMIT_OTHER, "FI")
    assert fi.astimezone(zoneinfo.ZoneInfo("Europe/Helsinki")).date() == datetime.date(2026, 6, 9)
    assert fi == received + datetime.timedelta(days=7)


def test_pauses_move_the_deadline_by_their_length_and_an_open_one_stops_it():
    received = datetime.datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    base = deadlines.base_deadline(received, deadlines.LIMIT_OTHER, "BE")
    pause = (received + datetime.timedelta(days=1), received + datetime.timedelta(days=3, hours=5))
    due, open_since = deadlines.deadline(received, deadlines.LIMIT_OTHER, "BE", [pause])
    assert due == base + datetime.timedelta(days=2, hours=5) and open_since is None
    started = received + datetime.timedelta(days=4)
    due2, open_since = deadlines.deadline(
        received, deadlines.LIMIT_OTHER, "BE", [pause, (started, None)]
    )
    assert due2 == due and open_since == started
    # While paused the time left is frozen, however late it gets.
    later = started + datetime.timedelta(days=30)
    standing = deadlines.standing(due2, now=later, paused_since=started)
    assert standing.state == "paused" and standing.remaining == due2 - started


@pytest.mark.django_db
def test_judicial_authorisation_pauses_the_case_clock(officer_be):
    received = datetime.datetime(2026, 3, 19, 9, 0, tzinfo=UTC)
    case = make_case(
        officer_be,
        received_at=received,
        urgent=True,
        urgency_grounds=["life"],
        information_access="indirect",
    )
    assert case.due_at == deadlines.base_deadline(received, deadlines.LIMIT_URGENT_INDIRECT, "BE")
    services.case_transition(actor=officer_be, case=case, to=Status.CHECKED)
    services.case_transition(actor=officer_be, case=case, to=Status.IN_PROGRESS)
    asked = datetime.datetime(2026, 3, 20, 8, 0, tzinfo=UTC)
    services.pause_start(
        actor=officer_be,
        case=case,
        kind="judicial",
        started_at=asked,
        reason="Bank data need an investigating judge's order",
        requester_informed_on=asked,
        expected_delay="2 days",
    )
    case.refresh_from_db()
    assert case.status == Status.WAITING
    with time_machine.travel(datetime.datetime(2026, 3, 22, 8, 0, tzinfo=UTC), tick=False):
        services.pause_end(actor=officer_be, case=case, outcome="granted")
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS
    expected = deadlines.base_deadline(received, deadlines.LIMIT_URGENT_INDIRECT, "BE")
    assert case.due_at == expected + datetime.timedelta(days=2)


@pytest.mark.django_db
@time_machine.travel(datetime.datetime(2026, 3, 20, 9, 0, tzinfo=UTC), tick=False)
def test_list_and_detail_flag_overdue_and_soon_due_cases(client, officer_be):
    now = datetime.datetime(2026, 3, 20, 9, 0, tzinfo=UTC)
    overdue = make_case(
        officer_be,
        summary="Late one",
        urgent=True,
        urgency_grounds=["life"],
        received_at=now - datetime.timedelta(hours=10),
    )
    soon = make_case(
        officer_be,
        summary="Soon one",
        urgent=True,
        urgency_grounds=["life"],
        received_at=now - datetime.timedelta(hours=7),
    )
    calm = make_case(officer_be, summary="Calm one", received_at=now - datetime.timedelta(hours=1))
    client.force_login(officer_be)
    soup = BeautifulSoup(client.get(reverse("cases:case_list")).content, "html.parser")
    rows = {row.th.get_text(strip=True): row for row in soup.select("table.case-table tbody tr")}
    assert "Overdue by 2 h" in rows[overdue.number].get_text(" ", strip=True)
    assert "Due soon" in rows[soon.number].get_text(" ", strip=True)
    assert "6 d 23 h left" in rows[calm.number].get_text(" ", strip=True)
    # Overdue only
    soup = BeautifulSoup(
        client.get(reverse("cases:case_list"), {"overdue": "1"}).content, "html.parser"
    )
    assert [r.th.get_text(strip=True) for r in soup.select("table.case-table tbody tr")] == [
        overdue.number
    ]
    services.case_assign(actor=officer_be, case=overdue, assignee=officer_be)
    detail = BeautifulSoup(client.get(overdue.get_absolute_url()).content, "html.parser")
    section = detail.find(id="h-deadline").parent.get_text(" ", strip=True)
    assert "8 hours (Art. 5(1)(a)" in section and "Overdue by 2 h" in section
    # Shown in Brussels time: received 23:00 UTC on the 19th = 00:00 CET on the 20th.
    assert "20 Mar 2026 00:00 CET" in section
