"""Following up deadlines: the dashboard panel, the hourly reminders (once per threshold),
the list page's query count."""

import datetime

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.urls import reverse

from cases import reminders, services
from cases.models import ReminderSent
from tests.cases.helpers import NOW, make_case
from tests.factories import user_in

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


def test_the_dashboard_panel_lists_overdue_and_soon_due_cases(client, officer_be):
    client.force_login(officer_be)
    assert "Case deadlines" not in client.get("/").content.decode()  # nothing due yet
    late = make_case(
        officer_be,
        urgent=True,
        urgency_grounds=["life"],
        received_at=NOW - datetime.timedelta(hours=9),
    )
    calm = make_case(officer_be, received_at=NOW - datetime.timedelta(hours=1))
    client.force_login(officer_be)
    soup = BeautifulSoup(client.get("/").content, "html.parser")
    heading = next(h for h in soup.select("main h2") if h.get_text(strip=True) == "Case deadlines")
    panel = heading.find_parent(class_="panel") or heading.parent
    assert late.number in panel.get_text() and "Overdue by 1 h" in panel.get_text()
    assert calm.number not in panel.get_text()
    client.force_login(user_in("DE", "officer"))
    assert late.number not in client.get("/").content.decode()
    client.force_login(user_in("BE", "editor"))
    assert "Case deadlines" not in client.get("/").content.decode()


def test_reminders_go_once_per_threshold_and_again_for_a_moved_deadline(officer_be, mailoutbox):
    head = user_in("BE", "head")
    case = make_case(
        officer_be,
        urgent=True,
        urgency_grounds=["life"],
        received_at=NOW - datetime.timedelta(hours=7),
    )
    other = make_case(user_in("DE", "officer"), received_at=NOW - datetime.timedelta(hours=1))
    services.case_assign(actor=head, case=case, assignee=officer_be)
    assert reminders.send_due(now=NOW) == 1  # due in an hour: "due soon"
    assert mailoutbox[-1].subject == f"[SPOC Network] Due soon: case {case.number}"
    assert officer_be.email in mailoutbox[-1].to and head.email not in mailoutbox[-1].to
    assert "Whereabouts" not in mailoutbox[-1].body and case.summary not in mailoutbox[-1].body
    assert reminders.send_due(now=NOW + datetime.timedelta(minutes=30)) == 0
    later = NOW + datetime.timedelta(hours=2)
    assert reminders.send_due(now=later) == 1
    assert mailoutbox[-1].subject.startswith("[SPOC Network] Overdue")
    assert head.email in mailoutbox[-1].to
    assert reminders.send_due(now=later + datetime.timedelta(hours=1)) == 0
    assert not ReminderSent.objects.filter(case=other).exists()
    # The command queues the task (run at once in tests).
    with time_machine.travel(later + datetime.timedelta(hours=2), tick=False):
        call_command("send_case_reminders")
    assert ReminderSent.objects.filter(case=case).count() == 2


def test_waiting_cases_are_not_reminded(officer_be, mailoutbox):
    case = make_case(officer_be, received_at=NOW - datetime.timedelta(days=6, hours=12))
    services.case_transition(actor=officer_be, case=case, to="checked")
    services.case_transition(actor=officer_be, case=case, to="in_progress")
    services.pause_start(actor=officer_be, case=case, kind="clarification")
    assert reminders.send_due(now=NOW + datetime.timedelta(days=1)) == 0


def test_the_list_page_costs_the_same_queries_for_more_cases(
    client, officer_be, django_assert_max_num_queries, django_assert_num_queries
):
    for _ in range(2):
        make_case(officer_be)
    client.force_login(officer_be)
    client.get(reverse("cases:case_list"))
    with django_assert_max_num_queries(25) as captured:
        assert client.get(reverse("cases:case_list")).status_code == 200
    count = len(captured)
    for i in range(8):
        make_case(officer_be, summary=f"More {i}", counterpart_country="FR")
    client.get(reverse("cases:case_list"))
    with django_assert_num_queries(count):
        assert client.get(reverse("cases:case_list")).status_code == 200
