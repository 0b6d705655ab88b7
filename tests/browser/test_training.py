"""The training module in a real browser, with axe-core on each main screen: a head fills in
the needs table, a trainer reads the pooled matrix."""

import datetime

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import describe, log_in, log_out, run_axe, serious_violations
from tests.factories import user_in
from training import services

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def assert_accessible(page, axe_source):
    violations = serious_violations(run_axe(page, axe_source))
    assert violations == [], describe(violations)
    assert page.csp_violations == []


def open_needs_round(trainer):
    today = datetime.date.today()
    needs_round = services.needs_round_create(
        actor=trainer,
        title="Training needs next year",
        period_start=datetime.date(today.year + 1, 1, 1),
        period_end=datetime.date(today.year + 1, 12, 31),
        deadline=today + datetime.timedelta(days=30),
    )
    return services.needs_round_open(actor=trainer, needs_round=needs_round)


def test_head_reports_needs_and_trainer_reads_the_matrix(page, axe_source):
    trainer = user_in("NL", "trainer", email="daan@example.eu", first_name="Daan")
    user_in("BE", "head", email="helene@example.eu", first_name="Hélène")
    needs_round = open_needs_round(trainer)

    log_in(page, "helene@example.eu")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Training").click()
    page.get_by_role("link", name="Training needs next year").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Training needs next year")
    table = page.get_by_role("table", name="Training needs of Belgium, per topic")
    table.get_by_label("Staff to train in SIENA").fill("12")
    table.get_by_label("Profile for SIENA").select_option("operator")
    table.get_by_label("Proficiency level for SIENA").select_option("practitioner")
    # A row without its choices comes back with messages.
    table.get_by_label("Staff to train in Languages").fill("3")
    page.get_by_role("button", name="Save Belgium's needs").click()
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_contain_text("Urgency for SIENA: Choose the urgency.")
    expect(summary).to_contain_text("Profile for Languages: Choose the staff's profile.")
    assert_accessible(page, axe_source)

    summary.get_by_role("link", name="Urgency for SIENA: Choose the urgency.").click()
    expect(page.get_by_label("Urgency for SIENA")).to_be_focused()
    table = page.get_by_role("table", name="Training needs of Belgium, per topic")
    table.get_by_label("Urgency for SIENA").select_option("high")
    table.get_by_label("Staff to train in Languages").fill("")
    page.get_by_role("button", name="Save Belgium's needs").click()
    expect(page.get_by_role("status")).to_contain_text("Your country's training needs were saved.")
    expect(page.get_by_label("Staff to train in SIENA")).to_have_value("12")
    log_out(page)

    log_in(page, "daan@example.eu")
    page.goto(f"/training/needs/{needs_round.pk}/")
    matrix = page.get_by_role("table", name="Staff to train, by country and topic")
    expect(matrix.locator("tr[data-country=BE]")).to_contain_text("12")
    expect(page.locator("#not-answered")).to_contain_text("Germany")
    expect(page.locator("#not-answered")).not_to_contain_text("Belgium")
    # The wide table scrolls, and its region can be reached with the keyboard.
    region = page.get_by_role("region", name="Staff to train, by country and topic")
    region.focus()
    expect(region).to_be_focused()
    assert_accessible(page, axe_source)
    with page.expect_download() as download:
        page.get_by_role("link", name="Matrix as PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")


def test_officer_asks_head_approves_organiser_confirms_and_the_list_moves_up(page, axe_source):
    from portal.models import Organisation
    from tests.factories import UserFactory
    from training.models import Nomination, TrainingTopic

    cepol = UserFactory(
        organisation=Organisation.objects.get(slug="cepol"),
        roles=["agency"],
        email="eszter@example.eu",
        first_name="Eszter",
    )
    user_in("BE", "head", email="helene@example.eu", first_name="Hélène")
    officer = user_in("BE", "officer", email="pieter@example.eu", first_name="Pieter")
    germans = [user_in("DE", "officer") for _ in range(2)]
    head_de = user_in("DE", "head")
    today = datetime.date.today()
    course = services.course_create(
        actor=cepol,
        title="SIENA for SPOC operators",
        topic=TrainingTopic.objects.get(slug="siena"),
        level="practitioner",
        organiser="cepol",
        cepol_code="27/2099",
        language="en",
    )
    session = services.session_create(
        actor=cepol,
        course=course,
        first_day=today + datetime.timedelta(days=60),
        last_day=today + datetime.timedelta(days=62),
        time_zone="Europe/Budapest",
        venue_kind="on_site",
        venue="CEPOL, Budapest",
        capacity=2,
        nomination_deadline=today + datetime.timedelta(days=30),
    )
    for german in germans:  # the two seats go to Germany
        services.nomination_create(actor=head_de, session=session, nominee=german)

    # The officer asks from the session page.
    log_in(page, "pieter@example.eu")
    page.goto(f"/training/sessions/{session.pk}/")
    expect(page.locator("#seat-summary")).to_contain_text("2 of 2 seats taken")
    page.get_by_label("Why this course (for your Head of SPOC)").fill("I start on SIENA.")
    page.get_by_role("button", name="Ask my Head of SPOC").click()
    expect(page.locator("#own-nomination")).to_contain_text("Asked, waiting for the Head of SPOC")
    assert_accessible(page, axe_source)
    log_out(page)

    # The head approves with the keyboard: no seat is left, the officer waits in line.
    log_in(page, "helene@example.eu")
    page.goto("/training/")
    page.get_by_role("navigation", name="Training").get_by_role("link", name="Nominations").click()
    expect(page.locator("#to-approve")).to_contain_text(str(officer))
    assert_accessible(page, axe_source)
    page.get_by_role("link", name="SIENA for SPOC operators").first.click()
    approve = page.get_by_role("button", name=f"Approve {officer}")
    approve.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text(f"{officer}: On the waiting list.")
    expect(page.locator("#nominations-table")).to_contain_text("On the waiting list (1)")
    assert_accessible(page, axe_source)
    log_out(page)

    # CEPOL sees every nomination; a German withdraws and the officer moves up.
    log_in(page, "eszter@example.eu")
    page.goto(f"/training/sessions/{session.pk}/")
    table = page.get_by_role("table", name="All nominations")
    expect(table.locator("tr.nomination")).to_have_count(3)
    withdrawn = Nomination.objects.filter(nominee=germans[0]).get()
    services.nomination_withdraw(actor=germans[0], nomination=withdrawn)
    page.reload()
    row = table.locator("tr.nomination", has_text=str(officer))
    expect(row).to_contain_text("Approved, waiting for the organiser")
    row.get_by_role("button", name=f"Confirm {officer}").click()
    expect(page.get_by_role("status")).to_contain_text(f"{officer}: Confirmed.")
    assert_accessible(page, axe_source)
    page.goto(f"/training/nominations/{Nomination.objects.get(nominee=officer).pk}/")
    history = page.get_by_role("table", name="History")
    expect(history).to_contain_text("Moved up from the waiting list.")
    assert_accessible(page, axe_source)


def test_a_member_verifies_a_certificate(page, axe_source):
    """A participant's certificate of a session already given; another country's head checks
    its code, then a code that does not exist."""
    from training import certificates, services_delivery
    from training.models import TrainingTopic

    trainer = user_in("NL", "trainer", email="daan@example.eu", first_name="Daan")
    head_be = user_in("BE", "head")
    officer = user_in("BE", "officer", first_name="Pieter", last_name="Janssens")
    user_in("DE", "head", email="jonas@example.eu", first_name="Jonas")
    now = datetime.datetime.now(datetime.UTC)
    today = datetime.date.today()

    def ago(days):
        return now - datetime.timedelta(days=days)

    course = services.course_create(
        actor=trainer,
        now=ago(60),
        title="Cross-border operations",
        topic=TrainingTopic.objects.get(slug="cross-border-operations"),
        level="practitioner",
        organiser="network",
        language="en",
    )
    session = services.session_create(
        actor=trainer,
        course=course,
        now=ago(60),
        first_day=today - datetime.timedelta(days=11),
        last_day=today - datetime.timedelta(days=10),
        time_zone="Europe/Amsterdam",
        venue_kind="on_site",
        venue="Apeldoorn",
        capacity=10,
        nomination_deadline=today - datetime.timedelta(days=30),
    )
    nomination = services.nomination_create(
        actor=head_be, session=session, nominee=officer, now=ago(40)
    )
    services.nomination_confirm(actor=trainer, nomination=nomination, now=ago(35))
    services_delivery.attendance_record(
        actor=trainer,
        session=session,
        marks={(nomination.pk, session.first_day): "attended"},
        now=ago(9),
    )
    certificate = certificates.certificate_issue(actor=officer, nomination=nomination)

    log_in(page, "jonas@example.eu")
    page.goto("/training/certificates/verify/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check a training certificate")
    page.get_by_label("Verification code").fill(certificate.display_code.lower())
    page.get_by_role("button", name="Check").click()
    result = page.get_by_role("region", name=f"Valid certificate {certificate.display_code}")
    expect(result).to_contain_text("Pieter Janssens (Belgium)")
    expect(result).to_contain_text("Cross-border operations")
    expect(result).to_contain_text(f"{session.first_day:%-d %B %Y}")
    assert_accessible(page, axe_source)

    page.get_by_label("Verification code").fill("ABCD-EFGH-JKLM")
    page.get_by_role("button", name="Check").click()
    expect(page.locator("#not-found")).to_contain_text("Not found")
    expect(page.get_by_role("region", name="Valid certificate")).to_have_count(0)
    assert_accessible(page, axe_source)
