"""Art. 18 statistics against a hand-counted set of cases, scoped to the user's country; the
CSV and PDF exports; the network view with counts only."""

import csv
import datetime
import io

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from cases import services, stats
from cases.selectors import cases_visible_to
from tests.cases.helpers import make_case
from tests.factories import user_in

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


def at(month, day, hour=9):
    return datetime.datetime(2025, month, day, hour, 0, tzinfo=UTC)


def answer(officer, case, when):
    services.case_transition(actor=officer, case=case, to="checked")
    services.case_answer(actor=officer, case=case, text="Information provided.", now=when)


@pytest.fixture
def year_2025(officer_be, officer_de):
    o = officer_be
    # Germany asks: urgent, answered in 5 hours (met); not urgent, answered after 19 days (late).
    de_urgent = make_case(o, received_at=at(3, 1), urgent=True, urgency_grounds=["life"])
    answer(o, de_urgent, at(3, 1, 14))
    de_late = make_case(o, received_at=at(3, 1))
    answer(o, de_late, at(3, 20))
    # France asks: refused on (a) and (f) the next day (met); urgent, judicial authorisation
    # for 2 days, answered within the extended time (met).
    fr_refused = make_case(o, counterpart_country="FR", received_at=at(4, 2))
    services.case_refuse(
        actor=o,
        case=fr_refused,
        grounds=["f", "a"],
        reason="Not held; and it would harm an investigation.",
        now=at(4, 3),
    )
    fr_judicial = make_case(
        o,
        counterpart_country="FR",
        received_at=at(5, 5),
        urgent=True,
        urgency_grounds=["liberty"],
        information_access="indirect",
    )
    services.case_transition(actor=o, case=fr_judicial, to="checked")
    services.case_transition(actor=o, case=fr_judicial, to="in_progress")
    services.pause_start(
        actor=o,
        case=fr_judicial,
        kind="judicial",
        started_at=at(5, 6),
        reason="Needs a judge",
        requester_informed_on=at(5, 6),
        now=at(5, 6),
    )
    services.pause_end(
        actor=o, case=fr_judicial, outcome="granted", ended_at=at(5, 8), now=at(5, 8)
    )
    services.case_answer(actor=o, case=fr_judicial, text="Provided.", now=at(5, 9))
    # Interpol asks through its own channel; still open.
    make_case(
        o,
        counterpart_kind="agency",
        counterpart_name="interpol",
        channel="interpol",
        channel_reason="third_parties",
        received_at=at(6, 1),
    )
    # Sent: two to the Netherlands, one to Germany.
    for code in ("NL", "NL", "DE"):
        make_case(o, direction="outgoing", counterpart_country=code, received_at=at(7, 1))
    # Not counted: another year, another country.
    make_case(o, received_at=datetime.datetime(2026, 1, 2, 9, 0, tzinfo=UTC))
    make_case(officer_de, received_at=at(3, 3))


def test_the_report_matches_the_hand_count(officer_be, year_2025):
    data = stats.report(cases_visible_to(officer_be), country=officer_be.country, year=2025)
    assert data["sent"] == [("Germany", 1), ("Netherlands", 2)] and data["sent_total"] == 3
    received = {row["party"]: row for row in data["received"]}
    assert set(received) == {"France", "Germany", "Interpol"}
    assert (received["Germany"]["urgent"], received["Germany"]["not_urgent"]) == (1, 1)
    assert (received["Germany"]["answered_urgent"], received["Germany"]["answered_not_urgent"]) == (
        1,
        1,
    )
    assert (received["France"]["urgent"], received["France"]["not_urgent"]) == (1, 1)
    assert received["France"]["answered_urgent"] == 1
    assert received["Interpol"]["not_urgent"] == 1 and received["Interpol"]["answered"] == 0
    refusals = {
        row["party"]: dict(zip([g.value for g in data["grounds"]], row["counts"], strict=True))
        for row in data["refusals"]
    }
    assert refusals == {"France": {"a": 1, "b": 0, "c": 0, "d": 0, "e": 0, "f": 1, "g": 0, "h": 0}}
    assert data["derogations"] == [("France", 1)]
    assert (data["deadlines_met"], data["deadlines_missed"]) == (3, 1)
    assert data["deadlines_met_percent"] == 75.0
    assert data["case_count"] == 8
    channels = {(r["direction"][:8], r["channel"][:5]): r["count"] for r in data["channels"]}
    assert channels == {
        ("Incoming", "SIENA"): 4,
        ("Incoming", "Inter"): 1,
        ("Outgoing", "SIENA"): 3,
    }


def test_the_page_csv_and_pdf_show_the_users_country_only(client, officer_be, year_2025):
    client.force_login(officer_be)
    page = client.get(reverse("cases:statistics"), {"year": 2025})
    soup = BeautifulSoup(page.content, "html.parser")
    assert "Belgium" in soup.h1.get_text()
    derogations = soup.find(id="h-derogations").find_next("table")
    assert [th.get_text() for th in derogations.select("tbody th")] == ["France"]
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("cases:statistics_csv"), {"year": 2025}).content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert rows[0] == ["section", "party", "measure", "value"]
    assert ["Art. 18(2)(c) refusals", "France", "Art. 6(1)(f)", "1"] in rows
    assert ["deadlines", "", "met (%)", "75.0"] in rows
    pdf = client.get(reverse("cases:statistics_pdf"), {"year": 2025})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    # Germany's officer sees Germany's year: one case, received from Belgium.
    client.force_login(user_in("DE", "officer"))
    data = client.get(reverse("cases:statistics_csv"), {"year": 2025}).content.decode("utf-8-sig")
    assert "France" not in data and "Netherlands" not in data


def test_the_network_view_gives_heads_counts_per_country_only(client, officer_be, year_2025):
    client.force_login(officer_be)
    assert client.get(reverse("cases:statistics_network")).status_code == 404
    client.force_login(user_in("DE", "head"))
    soup = BeautifulSoup(
        client.get(reverse("cases:statistics_network"), {"year": 2025}).content, "html.parser"
    )
    cells = [[c.get_text() for c in row.find_all(["th", "td"])] for row in soup.select("tbody tr")]
    assert cells == [["Belgium", "5", "3"], ["Germany", "1", "0"]]
    assert "BE-20" not in soup.get_text()


def test_the_case_csv_export_uses_the_selector_and_is_logged(client, officer_be, officer_de):
    mine = make_case(officer_be, summary="=HYPERLINK(evil)")
    theirs = make_case(officer_de)
    client.force_login(officer_be)
    body = client.get(reverse("cases:cases_csv")).content.decode("utf-8-sig")
    assert mine.number in body and theirs.number not in body
    assert "'=HYPERLINK(evil)" in body  # not a formula for the spreadsheet
    from cases.models import AuditEntry

    assert AuditEntry.objects.filter(action="disclosure", detail__startswith="CSV export").exists()


def test_the_audit_log_page_is_for_heads_and_data_protection_officers(client, officer_be):
    from django.contrib.auth.models import Group

    case = make_case(officer_be)
    client.force_login(officer_be)
    assert client.get(reverse("cases:audit_log")).status_code == 404
    head = user_in("BE", "head")
    client.force_login(head)
    soup = BeautifulSoup(
        client.get(reverse("cases:audit_log"), {"case": case.number}).content, "html.parser"
    )
    assert "Collection" in [td.get_text() for td in soup.select("tbody td")]
    dpo = user_in("BE")
    dpo.groups.add(Group.objects.get(name="Data protection officers (cases)"))
    client.force_login(dpo)
    body = client.get(reverse("cases:audit_csv")).content.decode("utf-8-sig")
    assert case.number in body
    # Germany's head reads Germany's log: BE's entries are not there.
    client.force_login(user_in("DE", "head"))
    assert case.number not in client.get(reverse("cases:audit_csv")).content.decode()
