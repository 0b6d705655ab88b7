"""Dashboard panels (next meetings, the Presidency's semester check), the JSON API, the
seeded demo meetings and the Meetings index's page permissions."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

from meetings.calendar import meeting_calendar_state
from meetings.models import MeetingIndexPage, MeetingPage
from meetings.services import meeting_update
from portal.demo import run_seeders
from tests.factories import admin_user, user_in
from tests.helpers import soup_of
from tests.meetings.factories import DUBLIN, make_meeting

pytestmark = pytest.mark.django_db


def panel(client, name):
    return soup_of(client.get("/")).select_one(f"#panel-{name}")


# --- Next meetings ------------------------------------------------------------------------


def test_next_meetings_panel_lists_coming_meetings(client, meeting):
    make_meeting(title="Draft", publish=False)
    client.force_login(user_in("BE", "officer"))
    found = panel(client, "next-meetings")
    assert found.h2.get_text() == "Next meetings"
    assert [a.get_text() for a in found.select(".item-title a")] == [meeting.title]
    assert found.find("a", string="All meetings and your calendar address")["href"] == "/meetings/"


def test_next_meetings_panel_is_hidden_when_nothing_is_coming(client):
    client.force_login(user_in("BE", "officer"))
    assert panel(client, "next-meetings") is None
    # Publishing a meeting shows it at once (the cached "nothing coming" is forgotten).
    make_meeting()
    assert panel(client, "next-meetings") is not None


def test_dashboard_query_count_with_meetings_is_bounded(client, meeting):
    client.force_login(user_in("BE", "head"))
    client.get("/")
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    for day in range(5):
        make_meeting(
            title=f"M{day}",
            start=datetime.datetime(2026, 12, 10 + day, 9, tzinfo=DUBLIN),
            end=datetime.datetime(2026, 12, 10 + day, 17, tzinfo=DUBLIN),
        )
    client.get("/")  # publishing forgot the cached "anything coming?" answer
    with CaptureQueriesContext(connection) as many:
        client.get("/")
    assert len(many) == len(few)
    assert len(many) <= 23, "\n".join(q["sql"][:150] for q in many.captured_queries)


# --- Semester check -------------------------------------------------------------------------


def test_semester_check_warns_the_presidency_of_semesters_without_meeting(client):
    client.force_login(user_in("IE", "presidency"))
    found = panel(client, "meeting-semester-check")
    text = found.get_text(" ", strip=True)
    assert "Ireland Presidency" in text  # 2026 H2: today is in it (no meeting yet)
    assert "Lithuania Presidency" in text  # 2027 H1: next
    assert found.find("a", string="Plan a meeting")["href"].startswith("/admin/pages/")


def test_semester_check_counts_planned_meetings_not_cancelled_ones(client, meeting):
    client.force_login(user_in("IE", "presidency_approver"))
    text = panel(client, "meeting-semester-check").get_text(" ", strip=True)
    assert "Ireland" not in text and "Lithuania" in text
    make_meeting(
        title="Vilnius",
        start=datetime.datetime(2027, 3, 10, 9, tzinfo=DUBLIN),
        end=datetime.datetime(2027, 3, 10, 17, tzinfo=DUBLIN),
    )
    assert panel(client, "meeting-semester-check") is None
    meeting_update(meeting=meeting, status=MeetingPage.Status.CANCELLED)
    assert "Ireland" in panel(client, "meeting-semester-check").get_text()


@pytest.mark.parametrize(("country", "role"), [("BE", "head"), ("BE", "officer"), ("NL", "editor")])
def test_semester_check_is_for_the_presidency_only(client, country, role):
    client.force_login(user_in(country, role))
    assert panel(client, "meeting-semester-check") is None


def test_semester_check_for_admins(client):
    client.force_login(admin_user())
    assert panel(client, "meeting-semester-check") is not None


# --- API --------------------------------------------------------------------------------------


def test_api_lists_meetings_with_ics_url(client, meeting):
    make_meeting(title="Draft", publish=False)
    client.force_login(user_in("BE", "officer"))
    response = client.get("/api/v1/meetings")
    assert response.status_code == 200
    (item,) = response.json()
    assert item["id"] == meeting.pk
    assert item["title"] == meeting.title
    assert item["start"] == "2026-12-03T09:30:00Z"  # Dublin winter time is UTC
    assert item["time_zone"] == "Europe/Dublin"
    assert item["ics_url"] == f"http://testserver/meetings/{meeting.pk}/meeting.ics"
    assert item["url"] == f"http://testserver{meeting.url}"
    assert item["presidency"]["country_code"] == "IE"


def test_api_detail_hides_the_online_link_from_officers(client, meeting):
    client.force_login(user_in("BE", "officer"))
    data = client.get(f"/api/v1/meetings/{meeting.pk}").json()
    assert data["online_url"] is None
    assert data["ical_uid"] == meeting.ical_uid
    assert data["description"].startswith("Second meeting of 2026.")
    client.force_login(user_in("IE", "presidency"))
    assert client.get(f"/api/v1/meetings/{meeting.pk}").json()["online_url"] == (
        "https://meet.example.eu/dublin"
    )


def test_api_unknown_draft_and_anonymous(client, meeting):
    draft = make_meeting(title="Draft", publish=False)
    assert client.get("/api/v1/meetings").status_code == 401
    client.force_login(user_in("BE", "officer"))
    assert client.get(f"/api/v1/meetings/{draft.pk}").status_code == 404
    assert client.get("/api/v1/meetings/999999").json() == {"detail": "Not found."}
    assert client.get("/api/v1/meetings/abc").status_code == 422


def test_api_meetings_are_in_the_openapi_schema(client):
    client.force_login(user_in("BE", "officer"))
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/meetings" in paths
    assert "/api/v1/meetings/{meeting_id}" in paths


# --- Page tree, permissions, demo -----------------------------------------------------------


def test_meetings_index_exists_under_home_with_presidency_permissions(db):
    index = MeetingIndexPage.objects.get()
    assert index.get_parent().specific_class.__name__ == "HomePage"
    assert index.url == "/meetings/"
    editor = user_in("IE", "presidency")
    approver = user_in("IE", "presidency_approver")
    officer = user_in("BE", "officer")
    assert index.permissions_for_user(editor).can_add_subpage()
    assert not index.permissions_for_user(editor).can_publish_subpage()
    assert index.permissions_for_user(approver).can_publish_subpage()
    assert not index.permissions_for_user(officer).can_add_subpage()
    assert index.get_workflow().name == "Presidency meeting approval"


def test_presidency_editor_can_add_a_meeting_in_the_admin(client, db):
    from meetings.services import meeting_year_page

    year = meeting_year_page(year=2027)
    editor = user_in("IE", "presidency")
    client.force_login(editor)
    url = f"/admin/pages/add/meetings/meetingpage/{year.pk}/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "title": "Vilnius meeting",
            "slug": "vilnius-meeting",
            "start": "2027-03-10 09:30",
            "end": "2027-03-10 17:00",
            "time_zone": "Europe/Vilnius",
            "venue": "Vilnius",
            "online_url": "",
            "status": "planned",
            "presidency": "",
            "delegates_per_country": "2",
            "documents-TOTAL_FORMS": "0",
            "documents-INITIAL_FORMS": "0",
            "documents-MIN_NUM_FORMS": "0",
            "documents-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, soup_of(response).select(".error-message, .help-critical")
    meeting = MeetingPage.objects.get(slug="vilnius-meeting").get_latest_revision_as_object()
    # Typed as Vilnius wall-clock time (UTC+2 in March), whatever the server's zone.
    assert meeting.start == datetime.datetime(2027, 3, 10, 7, 30, tzinfo=datetime.UTC)
    assert meeting.presidency.country.code == "LT"  # from the rota


def test_admin_form_refuses_end_before_start(client, db):
    from meetings.services import meeting_year_page

    year = meeting_year_page(year=2027)
    client.force_login(user_in("IE", "presidency"))
    response = client.post(
        f"/admin/pages/add/meetings/meetingpage/{year.pk}/",
        {
            "title": "Backwards",
            "slug": "backwards",
            "start": "2027-03-10 09:30",
            "end": "2027-03-10 08:00",
            "time_zone": "Europe/Vilnius",
            "status": "planned",
            "documents-TOTAL_FORMS": "0",
            "documents-INITIAL_FORMS": "0",
            "documents-MIN_NUM_FORMS": "0",
            "documents-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 200
    assert "must end after it starts" in response.content.decode()
    assert not MeetingPage.objects.filter(slug="backwards").exists()


def test_seeder_adds_two_demo_meetings_idempotently(settings):
    run_seeders()
    run_seeders()
    meetings = {m.slug: m for m in MeetingPage.objects.live()}
    assert set(meetings) == {"heads-of-spoc-nicosia-2026", "heads-of-spoc-dublin-2026"}
    dublin = meetings["heads-of-spoc-dublin-2026"]
    assert dublin.presidency.country.code == "IE"
    assert dublin.local_start.hour == 9 and dublin.time_zone == "Europe/Dublin"
    assert meetings["heads-of-spoc-nicosia-2026"].status == MeetingPage.Status.HELD
    assert Page.objects.filter(slug="2026").count() == 1


def test_every_publication_keeps_the_calendar_identity_in_step(meeting):
    """A revision published outside the services (as the admin, a workflow approval or the
    scheduled publisher do) goes through the page_published hand-off: a new venue raises
    SEQUENCE once and records the new state; a description-only edit raises nothing."""
    before = meeting.ical_sequence
    page = MeetingPage.objects.get(pk=meeting.pk)
    page.venue = "Farmleigh House"
    page.save_revision().publish()
    page.refresh_from_db()
    assert page.ical_sequence == before + 1
    assert page.ical_state == meeting_calendar_state(page)
    meeting_update(meeting=page, description="<p>x</p>")
    page.refresh_from_db()
    assert page.ical_sequence == before + 1


def test_admin_edit_form_shows_wall_clock_time_of_the_meeting(client):
    import zoneinfo

    vilnius = zoneinfo.ZoneInfo("Europe/Vilnius")
    meeting = make_meeting(
        title="Vilnius",
        start=datetime.datetime(2027, 3, 10, 9, 30, tzinfo=vilnius),
        end=datetime.datetime(2027, 3, 10, 17, 0, tzinfo=vilnius),
        time_zone="Europe/Vilnius",
    )
    client.force_login(user_in("IE", "presidency_approver"))
    soup = soup_of(client.get(f"/admin/pages/{meeting.pk}/edit/"))
    assert soup.select_one("input[name=start]")["value"].startswith("2027-03-10 09:30")
    assert soup.select_one("input[name=end]")["value"].startswith("2027-03-10 17:00")


def _draftail(text):
    import json

    block = {
        "key": "a1b2c",
        "text": text,
        "type": "unstyled",
        "depth": 0,
        "inlineStyleRanges": [],
        "entityRanges": [],
        "data": {},
    }
    return json.dumps({"blocks": [block], "entityMap": {}})


def _admin_edit(client, meeting, **changes):
    data = {
        "title": meeting.title,
        "slug": meeting.slug,
        "start": "2026-12-03 09:30",
        "end": "2026-12-04 13:00",
        "time_zone": "Europe/Dublin",
        "venue": "Dublin Castle",
        "online_url": "https://meet.example.eu/dublin",
        "status": "planned",
        "presidency": str(meeting.presidency_id),
        "description": _draftail("Second meeting of 2026."),
        "delegates_per_country": "2",
        "documents-TOTAL_FORMS": "0",
        "documents-INITIAL_FORMS": "0",
        "documents-MIN_NUM_FORMS": "0",
        "documents-MAX_NUM_FORMS": "1000",
        "action-publish": "action-publish",
        **changes,
    }
    response = client.post(f"/admin/pages/{meeting.pk}/edit/", data)
    assert response.status_code == 302, soup_of(response).select(".error-message")
    return MeetingPage.objects.get(pk=meeting.pk)


def test_publishing_in_the_admin_raises_sequence_only_for_time_place_status(client, meeting):
    client.force_login(user_in("IE", "presidency_approver"))
    assert _admin_edit(client, meeting).ical_sequence == 0  # same values (description HTML aside)
    edited = _admin_edit(client, meeting, description=_draftail("New description."))
    assert edited.ical_sequence == 0
    assert "New description." in edited.description
    moved = _admin_edit(client, meeting, start="2026-12-03 10:00")
    assert moved.ical_sequence == 1
    assert moved.start == datetime.datetime(2026, 12, 3, 10, 0, tzinfo=datetime.UTC)
    assert moved.ical_uid == meeting.ical_uid
    assert (
        _admin_edit(client, meeting, start="2026-12-03 10:00", status="cancelled").ical_sequence
        == 2
    )


def test_editor_drafts_do_not_raise_sequence(client, meeting):
    client.force_login(user_in("IE", "presidency"))  # may save drafts, not publish
    response = client.post(
        f"/admin/pages/{meeting.pk}/edit/",
        {
            "title": meeting.title,
            "slug": meeting.slug,
            "start": "2026-12-05 09:30",
            "end": "2026-12-05 13:00",
            "time_zone": "Europe/Dublin",
            "venue": "Elsewhere",
            "status": "planned",
            "description": _draftail("x"),
            "delegates_per_country": "2",
            "documents-TOTAL_FORMS": "0",
            "documents-INITIAL_FORMS": "0",
            "documents-MIN_NUM_FORMS": "0",
            "documents-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302
    row = MeetingPage.objects.get(pk=meeting.pk)
    assert row.ical_sequence == 0 and row.venue == "Dublin Castle"
    assert row.has_unpublished_changes


def test_copying_a_meeting_in_the_admin_gives_a_new_uid_and_no_alias(client, meeting):
    client.force_login(user_in("IE", "presidency_approver"))
    url = f"/admin/pages/{meeting.pk}/copy/"
    assert soup_of(client.get(url)).select_one("input[name=alias]") is None
    response = client.post(
        url,
        {
            "new_title": "Copy",
            "new_slug": "copy",
            "new_parent_page": str(meeting.get_parent().pk),
            "alias": "on",
        },
    )
    assert response.status_code == 302
    copy = MeetingPage.objects.get(slug="copy")
    assert copy.alias_of_id is None
    assert copy.ical_uid != meeting.ical_uid
    assert copy.ical_sequence == 0
