"""The catalogue, the course and session pages, the annual plan with its PDF, .ics file and
subscription feed."""

import datetime
import io

import pytest
from icalendar import Calendar
from pypdf import PdfReader

from portal.models import AccessToken, Country
from portal.tokens import access_token_for, access_token_reset
from tests.helpers import soup_of
from tests.training.helpers import make_course, make_session
from training.models import Course, Session

pytestmark = pytest.mark.django_db


def course_post(**overrides):
    data = {
        "title": "Data protection for SPOC supervisors",
        "topic": "",
        "level": "expert",
        "organiser": "network",
        "cepol_code": "",
        "language": "en",
        "description": "",
        "prerequisites": "",
    }
    data.update(overrides)
    return data


def session_post(**overrides):
    data = {
        "first_day": "2027-05-10",
        "last_day": "2027-05-11",
        "daily_start": "09:30",
        "daily_end": "16:00",
        "time_zone": "Europe/Lisbon",
        "venue_kind": "on_site",
        "venue": "Polícia Judiciária, Lisbon",
        "online_url": "",
        "capacity": "12",
        "nomination_deadline": "2027-04-10",
        "quota_release_days": "14",
        "notes": "",
    }
    data.update(overrides)
    return data


def test_every_member_reads_the_catalogue(client, officer_be, trainer, topics):
    make_course(trainer)
    make_course(trainer, title="Languages for SPOCs", topic=topics["languages"], cepol_code="")
    client.force_login(officer_be)
    page = soup_of(client.get("/training/courses/"))
    assert [a.get_text() for a in page.select("#course-list tbody td:first-child a")] == [
        "Languages for SPOCs",
        "SIENA for SPOC operators",
    ]
    assert not page.find("a", string="Add a course")
    page = soup_of(client.get("/training/courses/", {"topic": "siena", "level": "bogus"}))
    assert [a.get_text() for a in page.select("#course-list tbody td:first-child a")] == [
        "SIENA for SPOC operators"
    ]


def test_a_trainer_adds_a_course_and_a_session(client, trainer, topics):
    client.force_login(trainer)
    response = client.post(
        "/training/courses/new/", course_post(topic=topics["data-protection"].pk)
    )
    assert response.status_code == 302
    course = Course.objects.get()
    assert response["Location"] == f"/training/courses/{course.pk}/"
    be = Country.objects.get(code="BE")
    response = client.post(
        f"/training/courses/{course.pk}/sessions/new/", session_post(**{"quota-BE": "3"})
    )
    assert response.status_code == 302
    session = Session.objects.get()
    assert session.quotas.get().country == be
    page = soup_of(client.get(f"/training/sessions/{session.pk}/"))
    facts = " ".join(page.select_one("#session-facts").get_text().split())
    assert "10 May – 11 May 2027, 09:30–16:00 (Europe/Lisbon time)" in facts
    assert [td.get_text() for td in page.select("#quotas-table td")] == ["3"]


def test_a_bad_cepol_code_gives_the_form_back(client, trainer, topics):
    client.force_login(trainer)
    response = client.post(
        "/training/courses/new/", course_post(topic=topics["siena"].pk, cepol_code="2027-12")
    )
    assert response.status_code == 400
    summary = [li.get_text() for li in soup_of(response).select(".error-summary li")]
    assert summary == [
        "CEPOL activity code: “2027-12” is not a CEPOL activity code (expected e.g. 12/2027)."
    ]
    assert not Course.objects.exists()


def test_a_session_form_with_bad_dates_and_quotas_is_refused(client, trainer, course):
    client.force_login(trainer)
    response = client.post(
        f"/training/courses/{course.pk}/sessions/new/",
        session_post(last_day="2027-05-01", capacity="2", **{"quota-BE": "2", "quota-DE": "1"}),
    )
    assert response.status_code == 400
    page = soup_of(response)
    text = page.select_one(".error-summary").get_text()
    assert "The last day is before the first day." in text
    response = client.post(
        f"/training/courses/{course.pk}/sessions/new/",
        session_post(capacity="2", **{"quota-BE": "2", "quota-DE": "1"}),
    )
    assert response.status_code == 400
    assert "more than the capacity (2)" in soup_of(response).select_one(".error-summary").get_text()
    assert not Session.objects.exists()


def test_officers_and_other_organisers_cannot_manage(client, officer_be, cepol_user, trainer):
    network = make_course(trainer, organiser="network", cepol_code="")
    session = make_session(trainer, network)
    for user in (officer_be, cepol_user):
        client.force_login(user)
        assert client.get(f"/training/courses/{network.pk}/edit/").status_code == 403
        assert client.get(f"/training/courses/{network.pk}/sessions/new/").status_code == 403
        assert client.get(f"/training/sessions/{session.pk}/edit/").status_code == 403
        assert client.post(f"/training/sessions/{session.pk}/cancel/").status_code == 403
    client.force_login(officer_be)
    assert client.get("/training/courses/new/").status_code == 403
    assert client.get("/training/sessions/999999/").status_code == 404


def test_the_online_link_goes_to_the_organiser_only(client, officer_be, trainer, course):
    session = make_session(
        trainer,
        course,
        venue_kind="online",
        venue="",
        online_url="https://meet.example.eu/secret-room",
    )
    client.force_login(officer_be)
    response = client.get(f"/training/sessions/{session.pk}/")
    assert b"secret-room" not in response.content
    assert b"secret-room" not in client.get(f"/training/sessions/{session.pk}/session.ics").content
    client.force_login(trainer)
    assert b"secret-room" in client.get(f"/training/sessions/{session.pk}/").content


def test_the_session_calendar_file(client, officer_be, trainer, session):
    client.force_login(officer_be)
    response = client.get(f"/training/sessions/{session.pk}/session.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar["PRODID"] and calendar["VERSION"] == "2.0"
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == session.ical_uid
    assert event["SUMMARY"] == "SIENA for SPOC operators (CEPOL 27/2027)"
    assert event["DTSTART"].dt == datetime.datetime(2027, 3, 15, 9, 0, tzinfo=session.tzinfo)
    assert event["DTSTART"].params["TZID"] == "Europe/Budapest"
    assert event["DTEND"].dt.time() == datetime.time(17, 0)
    assert event["RRULE"]["FREQ"] == ["DAILY"] and event["RRULE"]["COUNT"] == [4]
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Budapest"]
    assert event["SEQUENCE"] == 0


def test_the_plan_lists_the_years_sessions_by_month(client, officer_be, trainer, course, topics):
    make_session(trainer, course)
    other = make_course(trainer, title="Languages", topic=topics["languages"], cepol_code="")
    make_session(
        trainer,
        other,
        first_day=datetime.date(2027, 3, 2),
        last_day=datetime.date(2027, 3, 2),
        nomination_deadline=datetime.date(2027, 2, 1),
    )
    make_session(
        trainer,
        other,
        first_day=datetime.date(2027, 6, 2),
        last_day=datetime.date(2027, 6, 2),
        nomination_deadline=datetime.date(2027, 5, 1),
    )
    make_session(
        trainer,
        other,
        first_day=datetime.date(2028, 1, 12),
        last_day=datetime.date(2028, 1, 12),
        nomination_deadline=datetime.date(2027, 12, 1),
    )
    client.force_login(officer_be)
    page = soup_of(client.get("/training/plan/2027/"))
    months = [h2.get_text() for h2 in page.select("main section h2[id^=month-]")]
    assert months == ["March 2027", "June 2027"]
    march = page.select("main section")[0]
    assert [a.get_text() for a in march.select("tr.plan-session td:first-child a")] == [
        "Languages",
        "SIENA for SPOC operators",
    ]
    assert [a.get_text() for a in page.select("nav[aria-label=Years] a")] == [
        "2026",
        "2027",
        "2028",
    ]
    assert client.get("/training/plan/").status_code == 302
    assert client.get("/training/plan/1999/").status_code == 404


def test_plan_pdf_and_ics(client, officer_be, trainer, course):
    make_session(trainer, course)
    client.force_login(officer_be)
    response = client.get("/training/plan/2027/plan.pdf")
    assert response.status_code == 200
    assert 'filename="training-plan-2027.pdf"' in response["Content-Disposition"]
    text = " ".join(
        " ".join(page.extract_text().split())
        for page in PdfReader(io.BytesIO(response.content)).pages
    )
    assert "Annual training plan 2027" in text
    assert "SIENA for SPOC operators" in text and "27/2027" in text
    calendar = Calendar.from_ical(client.get("/training/plan/2027/plan.ics").content)
    assert [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")] == [
        "SIENA for SPOC operators (CEPOL 27/2027)"
    ]


def test_the_subscription_feed_works_with_the_token_only(client, officer_be, trainer, session):
    token = access_token_for(user=officer_be, purpose=AccessToken.Purpose.CALENDAR)
    response = client.get(f"/training/feed/{token}.ics")  # no session: a calendar client
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.content)
    assert [str(e["UID"]) for e in calendar.walk("VEVENT")] == [session.ical_uid]
    assert client.get("/training/feed/forged.ics").status_code == 404
    access_token_reset(user=officer_be, purpose=AccessToken.Purpose.CALENDAR)
    assert client.get(f"/training/feed/{token}.ics").status_code == 404


def test_the_plan_page_query_count_does_not_grow_with_sessions(
    client, officer_be, trainer, course, django_assert_max_num_queries, django_assert_num_queries
):
    make_session(trainer, course)
    client.force_login(officer_be)
    client.get("/training/plan/2027/")
    with django_assert_max_num_queries(20) as captured:
        assert client.get("/training/plan/2027/").status_code == 200
    for month in range(4, 12):
        make_session(
            trainer,
            make_course(trainer, title=f"Course {month}", cepol_code=f"{month}/2027"),
            first_day=datetime.date(2027, month, 10),
            last_day=datetime.date(2027, month, 11),
            nomination_deadline=datetime.date(2027, month, 1),
        )
    with django_assert_num_queries(len(captured)):
        assert client.get("/training/plan/2027/").status_code == 200
