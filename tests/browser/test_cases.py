"""The case register in a real browser: an officer registers an incoming request whose
Cyrillic subject hits a Latin one already held, confirms the hit, checks the case and
records the answer; then reads the statistics. axe-core finds no serious or critical
violation on the form, the case page, the list or the statistics."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases import deadlines
from cases.models import Case, CrossCheckHit
from tests.browser.helpers import describe, log_in, run_axe, serious_violations
from tests.cases.helpers import make_case
from tests.factories import user_in

pytestmark = pytest.mark.browser


def check_axe(page, axe_source):
    violations = serious_violations(run_axe(page, axe_source))
    assert violations == [], describe(violations)


def test_officer_registers_cross_checks_and_answers(page, axe_source):
    officer = user_in("BE", "officer", first_name="Pieter", email="pieter@example.eu")
    held = make_case(
        officer,
        received_at=timezone.now() - datetime.timedelta(days=50),
        subjects=[
            {
                "kind": "person",
                "name": "Ivanov",
                "given_names": "Petr",
                "date_of_birth": "1975-05-17",
            }
        ],
    )
    log_in(page, "pieter@example.eu")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Cases").click()
    expect(page.get_by_role("heading", name="Cases", level=1)).to_be_visible()
    check_axe(page, axe_source)

    page.get_by_role("link", name="Register a request").click()
    check_axe(page, axe_source)
    page.get_by_label("Incoming (a request we received)").check()
    page.get_by_label("Country of the network").select_option(label="Netherlands")
    page.get_by_label("Summary").fill("Contact of a missing person")
    received = timezone.localtime(
        timezone.now() - datetime.timedelta(minutes=20), deadlines.zone_for("BE")
    )
    page.get_by_label("Received (incoming) or sent (outgoing) at").fill(
        received.strftime("%Y-%m-%dT%H:%M")
    )
    page.get_by_label("Urgent", exact=True).check()
    page.get_by_label("Art. 4(4)(b)", exact=False).check()
    page.get_by_label("SIENA message ID").fill("SIENA-NL-2026-4242")
    subject = page.get_by_role("group", name="Subject 1")
    subject.get_by_label("Kind").select_option(label="Person")
    subject.get_by_label("Surname or name").fill("Иванов")
    subject.get_by_label("Given names").fill("Пётр")
    subject.get_by_label("Date of birth").fill("1975-05-17")
    page.get_by_role("button", name="Register").click()

    case = Case.objects.exclude(pk=held.pk).get()
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.number)
    expect(page.get_by_text(f"Registered as {case.number}.")).to_be_visible()
    deadline = page.get_by_role("region", name="Deadline")
    expect(deadline).to_contain_text("8 hours (Art. 5(1)(a)")
    hits = page.locator("#cross-check").locator("xpath=following-sibling::table[1]")
    expect(hits).to_contain_text(held.number)
    expect(hits).to_contain_text("surname, given names, date of birth")
    check_axe(page, axe_source)

    hits.get_by_role("button", name="Confirm").click()
    expect(hits).to_contain_text("Confirmed: the same")
    assert CrossCheckHit.objects.get(subject__case=case).decision == "confirmed"

    page.get_by_label("Move to").select_option(label="Checked")
    page.get_by_role("button", name="Change status").click()
    expect(page.locator(".lead")).to_contain_text("Checked")
    page.get_by_label("Reply").fill("The contact lives at the address given; details attached.")
    page.get_by_role("button", name="Record the reply").click()
    expect(page.locator(".lead")).to_contain_text("Answered")
    expect(page.get_by_role("region", name="Notes and replies")).to_contain_text(
        "The contact lives at the address given"
    )
    check_axe(page, axe_source)

    page.get_by_role("navigation", name="Case register").get_by_role(
        "link", name="Statistics"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Belgium")
    received_table = page.get_by_role("table", name="By requesting party, urgent and not urgent")
    expect(received_table).to_contain_text("Netherlands")
    check_axe(page, axe_source)
    assert page.csp_violations == []
