"""Meeting pages, the .ics download and the personal calendar feed: access, content, tokens
and pinned query counts."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from meetings.models import MeetingPage
from meetings.services import meeting_update
from portal.models import AccessToken
from portal.tokens import access_token_for
from tests.factories import admin_user, user_in
from tests.helpers import soup_of
from tests.meetings.factories import DUBLIN, make_meeting

pytestmark = pytest.mark.django_db


def feed_url(token):
    return f"/feeds/meetings/{token}.ics"


def ics_events(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content).walk("VEVENT")


@pytest.fixture
def officer(db):
    return user_in("BE", "officer")


@pytest.fixture
def draft(db):
    return make_meeting(title="Secret draft meeting", publish=False)


# --- The meeting page ---------------------------------------------------------------------


def test_meeting_page_shows_time_in_the_meetings_zone_status_and_venue(client, officer, meeting):
    meeting_update(meeting=meeting, status=MeetingPage.Status.CONFIRMED)
    client.force_login(officer)
    soup = soup_of(client.get(meeting.url))
    assert soup.h1.get_text() == "Heads of SPOC meeting, Dublin"
    when = soup.select_one("#meeting-when")
    times = when.select("time")
    assert times[0]["datetime"] == "2026-12-03T09:30:00+00:00"
    assert times[0].get_text() == "Thursday 3 December 2026, 09:30"
    assert times[1].get_text() == "Friday 4 December 2026, 13:00"
    assert "Europe/Dublin" in when.get_text()
    assert soup.select_one("#meeting-status").get_text(strip=True) == "Confirmed"
    assert soup.select_one("#meeting-venue").get_text() == "Dublin Castle"
    assert "Ireland" in soup.select_one("#meeting-host").get_text()
    assert soup.find("a", string="Add to my calendar (.ics)")["href"] == (
        f"/meetings/{meeting.pk}/meeting.ics"
    )


def test_summer_meeting_is_shown_in_irish_summer_time(client, officer):
    summer = make_meeting(
        title="Summer",
        start=datetime.datetime(2026, 6, 10, 9, 30, tzinfo=DUBLIN),
        end=datetime.datetime(2026, 6, 10, 17, 0, tzinfo=DUBLIN),
    )
    client.force_login(officer)
    time = soup_of(client.get(summer.url)).select_one("#meeting-when time")
    assert time["datetime"] == "2026-06-10T09:30:00+01:00"
    assert time.get_text() == "Wednesday 10 June 2026, 09:30"


def test_all_day_meeting_shows_dates_only(client, officer):
    meeting = make_meeting(title="Workshop", all_day=True)
    client.force_login(officer)
    when = soup_of(client.get(meeting.url)).select_one("#meeting-when")
    assert [t["datetime"] for t in when.select("time")] == ["2026-12-03", "2026-12-04"]
    assert "all day" in when.get_text()


@pytest.mark.parametrize(
    ("country", "roles", "sees_link"),
    [
        ("BE", ("officer",), False),
        ("NL", ("trainer",), False),
        ("DE", ("head",), False),  # a head who is not registered (see test_online_link.py)
        ("IE", ("presidency",), True),
        ("IE", ("presidency_approver",), True),
    ],
)
def test_online_link_only_for_organisers_without_registration(
    client, meeting, country, roles, sees_link
):
    client.force_login(user_in(country, *roles))
    soup = soup_of(client.get(meeting.url))
    assert (soup.select_one("#meeting-online") is not None) is sees_link
    assert (b"meet.example.eu" in client.get(meeting.url).content) is sees_link
    events = ics_events(client.get(f"/meetings/{meeting.pk}/meeting.ics"))
    assert ("meet.example.eu" in str(events[0]["DESCRIPTION"])) is sees_link


def test_admin_sees_the_online_link(client, meeting):
    client.force_login(admin_user())
    assert soup_of(client.get(meeting.url)).select_one("#meeting-online a")["href"] == (
        "https://meet.example.eu/dublin"
    )


def test_cancelled_meeting_says_so(client, officer, meeting):
    meeting_update(meeting=meeting, status=MeetingPage.Status.CANCELLED)
    client.force_login(officer)
    soup = soup_of(client.get(meeting.url))
    assert "cancelled" in soup.select_one("[role=status]").get_text()


def test_pages_require_login(client, meeting):
    for url in (meeting.url, "/meetings/", f"/meetings/{meeting.pk}/meeting.ics"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/accounts/login/" in response["Location"]


def test_index_lists_coming_meetings_and_the_archive(client, officer, meeting):
    past = make_meeting(
        title="Nicosia meeting",
        start=datetime.datetime(2026, 5, 20, 9, 30, tzinfo=DUBLIN),
        end=datetime.datetime(2026, 5, 21, 13, 0, tzinfo=DUBLIN),
        status=MeetingPage.Status.HELD,
    )
    make_meeting(title="Secret draft meeting", publish=False)
    client.force_login(officer)
    soup = soup_of(client.get("/meetings/"))
    upcoming = [a.get_text() for a in soup.select("#upcoming-heading ~ ul .item-title a")]
    assert upcoming == ["Heads of SPOC meeting, Dublin"]
    assert [a.get_text() for a in soup.select(".year-list a")] == ["2026"]
    year = soup_of(client.get("/meetings/2026/"))
    titles = [a.get_text() for a in year.select(".item-title a")]
    assert titles == [past.title, meeting.title]


@pytest.mark.parametrize(
    ("roles", "sees_reports"),
    [(["officer"], False), (["head"], True), (["presidency"], True)],
)
def test_index_links_to_action_items_and_reports_for_those_who_may_see_them(
    client, meeting, roles, sees_reports
):
    client.force_login(user_in("BE", *roles))
    soup = soup_of(client.get("/meetings/"))
    links = {a.get_text(): a["href"] for a in soup.select("#meetings-follow-up a")}
    assert links["Action items"] == "/meetings/actions/"
    if sees_reports:
        assert links["Activity reports to DAPIX"] == "/meetings/reports/"
        assert client.get("/meetings/reports/").status_code == 200
    else:
        assert "Activity reports to DAPIX" not in links
    assert client.get("/meetings/actions/").status_code == 200


# --- .ics download ------------------------------------------------------------------------


def test_download_is_one_meeting_with_its_stored_uid(client, officer, meeting):
    client.force_login(officer)
    response = client.get(f"/meetings/{meeting.pk}/meeting.ics")
    (event,) = ics_events(response)
    assert str(event["UID"]) == meeting.ical_uid
    assert response["Content-Disposition"] == (
        'attachment; filename="meeting-heads-of-spoc-meeting-dublin.ics"'
    )
    assert "no-store" in response["Cache-Control"]
    assert str(event["URL"]) == f"http://testserver{meeting.url}"


def test_download_of_a_draft_or_unknown_meeting_is_404(client, officer, draft):
    client.force_login(officer)
    assert client.get(f"/meetings/{draft.pk}/meeting.ics").status_code == 404
    assert client.get("/meetings/999999/meeting.ics").status_code == 404
    assert client.post(f"/meetings/{draft.pk}/meeting.ics").status_code == 405


# --- Personal subscription feed -----------------------------------------------------------


def test_index_shows_the_users_webcal_and_https_addresses(client, officer):
    client.force_login(officer)
    soup = soup_of(client.get("/meetings/"))
    token = access_token_for(user=officer, purpose=AccessToken.Purpose.CALENDAR)
    assert soup.select_one("#calendar-webcal")["href"] == f"webcal://testserver{feed_url(token)}"
    assert soup.select_one("#calendar-https")["value"] == f"http://testserver{feed_url(token)}"
    assert soup.select_one("#calendar form")["action"] == "/meetings/calendar/reset/"


def test_feed_works_without_a_session_and_applies_page_access(meeting, draft, officer):
    cancelled = make_meeting(title="Cancelled meeting")
    meeting_update(meeting=cancelled, status=MeetingPage.Status.CANCELLED)
    token = access_token_for(user=officer, purpose=AccessToken.Purpose.CALENDAR)
    events = ics_events(Client().get(feed_url(token)))
    by_uid = {str(e["UID"]): e for e in events}
    assert set(by_uid) == {meeting.ical_uid, cancelled.ical_uid}  # drafts never
    assert str(by_uid[cancelled.ical_uid]["STATUS"]) == "CANCELLED"
    assert by_uid[cancelled.ical_uid]["SEQUENCE"] == 1
    assert "meet.example.eu" not in str(by_uid[meeting.ical_uid]["DESCRIPTION"])  # officer


def test_feed_uid_matches_download(client, meeting, officer):
    token = access_token_for(user=officer, purpose=AccessToken.Purpose.CALENDAR)
    (feed_event,) = ics_events(Client().get(feed_url(token)))
    client.force_login(officer)
    (download_event,) = ics_events(client.get(f"/meetings/{meeting.pk}/meeting.ics"))
    assert str(feed_event["UID"]) == str(download_event["UID"]) == meeting.ical_uid
    assert feed_event["SEQUENCE"] == download_event["SEQUENCE"]


@pytest.mark.parametrize(
    "bad", ["garbage", "1.abc", "1.abc:forgedsignature", "x" * 500, "%00", "1.2.3:4", ":"]
)
def test_forged_tokens_are_404(client, officer, bad):
    assert client.get(feed_url(bad)).status_code == 404


def test_feed_token_of_another_purpose_is_404(client, officer):
    token = access_token_for(user=officer, purpose=AccessToken.Purpose.FEED)
    assert client.get(feed_url(token)).status_code == 404


def test_reset_replaces_the_address(client, officer, meeting):
    old = access_token_for(user=officer, purpose=AccessToken.Purpose.CALENDAR)
    assert Client().get(feed_url(old)).status_code == 200
    client.force_login(officer)
    assert client.get("/meetings/calendar/reset/").status_code == 405
    response = client.post("/meetings/calendar/reset/")
    assert response.status_code == 302
    assert response["Location"] == "/meetings/#calendar"
    new = access_token_for(user=officer, purpose=AccessToken.Purpose.CALENDAR)
    assert new != old
    assert Client().get(feed_url(old)).status_code == 404
    assert Client().get(feed_url(new)).status_code == 200
    assert (
        soup_of(client.get("/meetings/"))
        .select_one("#calendar-https")["value"]
        .endswith(feed_url(new))
    )


def test_reset_requires_login_and_csrf(officer):
    anonymous = Client()
    assert anonymous.post("/meetings/calendar/reset/").status_code == 302
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(officer)
    assert strict.post("/meetings/calendar/reset/").status_code == 403


def test_disabled_users_feed_is_404(client, officer):
    token = access_token_for(user=officer, purpose=AccessToken.Purpose.CALENDAR)
    officer.is_active = False
    officer.save(update_fields=["is_active"])
    assert client.get(feed_url(token)).status_code == 404


# --- Query counts ---------------------------------------------------------------------------


def _count(client, url):
    client.get(url)  # warm: session, token first use, site root paths
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return queries


def _more_meetings(n):
    for day in range(n):
        make_meeting(
            title=f"Meeting {day}",
            start=datetime.datetime(2026, 12, 5 + day, 9, 0, tzinfo=DUBLIN),
            end=datetime.datetime(2026, 12, 5 + day, 17, 0, tzinfo=DUBLIN),
        )


def test_feed_query_count_does_not_grow_with_meetings(client, officer, meeting):
    token = access_token_for(user=officer, purpose=AccessToken.Purpose.CALENDAR)
    few = _count(client, feed_url(token))
    _more_meetings(10)
    many = _count(client, feed_url(token))
    assert len(Calendar.from_ical(client.get(feed_url(token)).content).walk("VEVENT")) == 11
    assert len(many) == len(few)
    assert len(many) <= 6, [q["sql"][:120] for q in many.captured_queries]


def test_index_query_count_does_not_grow_with_meetings(client, officer, meeting):
    client.force_login(officer)
    few = _count(client, "/meetings/")
    _more_meetings(10)
    many = _count(client, "/meetings/")
    assert len(many) == len(few)
    # +1 since the roles are looked up for the link to the activity reports
    assert len(many) <= 25, "\n".join(q["sql"][:150] for q in many.captured_queries)


def test_meeting_page_query_count_is_pinned(client, officer, meeting):
    client.force_login(officer)
    few = _count(client, meeting.url)
    _more_meetings(10)
    many = _count(client, meeting.url)
    assert len(many) == len(few)
    # agenda sections, +1 for the date poll, +1 for the online link's registration check
    assert len(many) <= 31, "\n".join(q["sql"][:150] for q in many.captured_queries)


def test_download_query_count_is_pinned(client, officer, meeting):
    client.force_login(officer)
    queries = _count(client, f"/meetings/{meeting.pk}/meeting.ics")
    assert len(queries) <= 16, [q["sql"][:120] for q in queries.captured_queries]


def test_wagtail_privacy_applies_to_feed_download_and_api(client, meeting):
    from django.contrib.auth.models import Group
    from wagtail.models import PageViewRestriction

    heads = Group.objects.get(name="Heads of SPOC")
    restriction = PageViewRestriction.objects.create(
        page=meeting, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(heads)
    officer, head = user_in("BE", "officer"), user_in("DE", "head")
    for user, visible in ((officer, False), (head, True)):
        token = access_token_for(user=user, purpose=AccessToken.Purpose.CALENDAR)
        uids = [str(e["UID"]) for e in ics_events(Client().get(feed_url(token)))]
        assert (meeting.ical_uid in uids) is visible
        client.force_login(user)
        download = client.get(f"/meetings/{meeting.pk}/meeting.ics")
        assert download.status_code == (200 if visible else 404)
        listed = [m["id"] for m in client.get("/api/v1/meetings").json()]
        assert (meeting.pk in listed) is visible
