"""The training panels in a real browser, with axe-core: a Head of SPOC sees the nominations
waiting for their approval on the dashboard and approves one from there."""

import datetime

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import describe, log_in, run_axe, serious_violations
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


def test_head_approves_a_nomination_from_the_dashboard_panel(page, axe_source):
    from portal.models import Organisation
    from tests.factories import UserFactory
    from training.models import Nomination, TrainingTopic

    cepol = UserFactory(
        organisation=Organisation.objects.get(slug="cepol"), roles=["agency"], first_name="Eszter"
    )
    user_in("BE", "head", email="helene@example.eu", first_name="Hélène")
    pieter = user_in("BE", "officer", first_name="Pieter", last_name="Claes")
    anna = user_in("BE", "officer", first_name="Anna", last_name="Maes")
    today = datetime.date.today()
    course = services.course_create(
        actor=cepol,
        title="SIENA for SPOC operators",
        topic=TrainingTopic.objects.get(slug="siena"),
        level="practitioner",
        organiser="cepol",
        cepol_code="28/2099",
        language="en",
    )
    session = services.session_create(
        actor=cepol,
        course=course,
        first_day=today + datetime.timedelta(days=60),
        last_day=today + datetime.timedelta(days=61),
        time_zone="Europe/Budapest",
        venue_kind="on_site",
        venue="CEPOL, Budapest",
        capacity=10,
        nomination_deadline=today + datetime.timedelta(days=30),
    )
    asked = services.nomination_request(actor=pieter, session=session)
    services.nomination_request(actor=anna, session=session)

    log_in(page, "helene@example.eu")
    page.goto("/")
    panel = page.get_by_role("region", name="Nominations waiting for your approval")
    expect(panel.get_by_role("listitem")).to_have_count(2)
    expect(panel).to_contain_text("Pieter Claes")
    assert_accessible(page, axe_source)

    panel.get_by_role("button", name="Approve Pieter Claes for SIENA for SPOC operators").click()
    expect(page.get_by_text("Pieter Claes: Approved, waiting for the organiser.")).to_be_visible()
    asked.refresh_from_db()
    assert asked.status == Nomination.Status.APPROVED

    page.goto("/")
    panel = page.get_by_role("region", name="Nominations waiting for your approval")
    expect(panel.get_by_role("listitem")).to_have_count(1)
    expect(panel).not_to_contain_text("Pieter Claes")
    coming = page.get_by_role("region", name="Your country's coming training")
    expect(coming).to_contain_text("Pieter Claes")
    assert_accessible(page, axe_source)
