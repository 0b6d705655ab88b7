"""meetings.calendar: every calendar rule of the issue, pinned one by one, and an import into
a real calendar client (khal)."""

import datetime
import os
import shutil
import subprocess
import uuid
import zoneinfo

import pytest
from icalendar import Calendar

from meetings import calendar
from meetings.models import MeetingPage
from meetings.services import meeting_update
from tests.meetings.factories import DUBLIN, make_meeting

pytestmark = pytest.mark.django_db

ORGANIZER = ("Irish Presidency", "presidency@example.eu")
ATTENDEES = [("Dubois, Hélène", "head.be@example.eu"), ("Jonas Weber", "head.de@example.eu")]
STAMP = datetime.datetime(2026, 11, 23, 12, 0, tzinfo=datetime.UTC)


def parse(data):
    assert isinstance(data, bytes)
    return Calendar.from_ical(data)


def events(cal):
    return cal.walk("VEVENT")


def all_calendars(meeting, other=None):
    """Every kind of calendar the portal writes for a meeting."""
    meetings = [meeting, other] if other else [meeting]
    return {
        "download": calendar.meeting_calendar(meeting, url="https://portal.example.eu/m/"),
        "feed": calendar.feed_calendar(meetings, name="Meetings"),
        "request": calendar.itip_request(meeting, organizer=ORGANIZER, attendees=ATTENDEES),
    }


@pytest.fixture
def all_day(db):
    return make_meeting(
        title="Workshop on Directive 2023/977",
        start=datetime.datetime(2027, 3, 10, 9, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Vilnius")),
        end=datetime.datetime(2027, 3, 11, 17, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Vilnius")),
        time_zone="Europe/Vilnius",
        all_day=True,
        venue="Vilnius",
    )


def test_every_calendar_has_version_and_prodid(meeting):
    for kind, data in all_calendars(meeting).items():
        cal = parse(data)
        assert cal["VERSION"] == "2.0", kind
        assert cal["PRODID"] == calendar.PRODID, kind
        assert data.startswith(b"BEGIN:VCALENDAR\r\n"), kind


def test_one_uid_per_meeting_same_in_download_feed_and_email(meeting, all_day):
    assert meeting.ical_uid and meeting.ical_uid != all_day.ical_uid
    uids = {
        kind: [str(e["UID"]) for e in events(parse(data))]
        for kind, data in all_calendars(meeting, all_day).items()
    }
    assert uids["download"] == [meeting.ical_uid]
    assert uids["request"] == [meeting.ical_uid]
    assert uids["feed"] == [meeting.ical_uid, all_day.ical_uid]
    cancelled = meeting_update(meeting=meeting, status=MeetingPage.Status.CANCELLED)
    cancel = parse(calendar.itip_cancel(cancelled, organizer=ORGANIZER, attendees=ATTENDEES))
    assert [str(e["UID"]) for e in events(cancel)] == [meeting.ical_uid]


def test_uid_is_stored_random_and_not_derived_from_urls_or_people(meeting):
    meeting.refresh_from_db()
    uid = meeting.ical_uid
    local, domain = uid.split("@")
    assert str(uuid.UUID(local)) == local  # a random UUID, nothing from the URL, slug or people
    assert uuid.UUID(local).version == 4
    assert domain == "spoc-network-portal"
    assert make_meeting(title=meeting.title).ical_uid != uid
    # Renaming and moving the meeting keeps the UID.
    moved = meeting_update(
        meeting=meeting,
        title="Renamed",
        start=datetime.datetime(2026, 12, 10, 9, 30, tzinfo=DUBLIN),
        end=datetime.datetime(2026, 12, 10, 17, 0, tzinfo=DUBLIN),
    )
    assert moved.ical_uid == uid


def test_dtstamp_on_every_event_in_utc(meeting, all_day):
    for kind, data in all_calendars(meeting, all_day).items():
        for event in events(parse(data)):
            stamp = event["DTSTAMP"].dt
            assert stamp.utcoffset() == datetime.timedelta(0), kind
    raw = calendar.meeting_calendar(meeting, stamp=STAMP)
    assert b"DTSTAMP:20261123T120000Z" in raw


def test_timed_events_carry_tzid_and_a_matching_vtimezone(meeting):
    for kind, data in all_calendars(meeting).items():
        cal = parse(data)
        assert b"DTSTART;TZID=Europe/Dublin:20261203T093000" in data, kind
        assert b"DTEND;TZID=Europe/Dublin:20261204T130000" in data, kind
        tzids = [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")]
        assert tzids == ["Europe/Dublin"], kind
        assert cal.get_missing_tzids() == set()
        # The VTIMEZONE comes before the events that use it.
        assert data.index(b"BEGIN:VTIMEZONE") < data.index(b"BEGIN:VEVENT")


def test_vtimezone_covers_a_narrow_window_only(meeting):
    cal = parse(calendar.meeting_calendar(meeting))
    (tz,) = cal.walk("VTIMEZONE")
    years = {sub["DTSTART"].dt.year for sub in tz.subcomponents}
    assert years <= {2025, 2026, 2027}, years
    # ...and it states the right offsets: Irish winter time is UTC+0, summer time UTC+1.
    offsets = {sub["TZOFFSETTO"].td for sub in tz.subcomponents}
    assert offsets == {datetime.timedelta(0), datetime.timedelta(hours=1)}


def test_parsed_times_are_the_right_instants(meeting):
    (event,) = events(parse(calendar.meeting_calendar(meeting)))
    assert event["DTSTART"].dt == datetime.datetime(2026, 12, 3, 9, 30, tzinfo=datetime.UTC)
    assert event["DTEND"].dt == datetime.datetime(2026, 12, 4, 13, 0, tzinfo=datetime.UTC)
    summer = make_meeting(
        title="Summer meeting",
        start=datetime.datetime(2026, 6, 10, 9, 30, tzinfo=DUBLIN),
        end=datetime.datetime(2026, 6, 10, 17, 0, tzinfo=DUBLIN),
    )
    (event,) = events(parse(calendar.meeting_calendar(summer)))
    assert event["DTSTART"].dt == datetime.datetime(2026, 6, 10, 8, 30, tzinfo=datetime.UTC)


def test_all_day_events_are_dates_with_exclusive_end(all_day):
    data = calendar.meeting_calendar(all_day)
    assert b"DTSTART;VALUE=DATE:20270310" in data
    assert b"DTEND;VALUE=DATE:20270312" in data  # the day after the last day
    (event,) = events(parse(data))
    assert event["DTSTART"].dt == datetime.date(2027, 3, 10)
    assert event["DTEND"].dt == datetime.date(2027, 3, 12)
    assert not parse(data).walk("VTIMEZONE")  # floating dates need no time zone


def test_all_day_dates_are_those_of_the_meetings_time_zone(db):
    # 00:30 in Vilnius on 10 March is still 9 March in UTC and in Brussels.
    vilnius = zoneinfo.ZoneInfo("Europe/Vilnius")
    early = make_meeting(
        title="Early",
        start=datetime.datetime(2027, 3, 10, 0, 30, tzinfo=vilnius),
        end=datetime.datetime(2027, 3, 10, 23, 0, tzinfo=vilnius),
        time_zone="Europe/Vilnius",
        all_day=True,
    )
    data = calendar.meeting_calendar(early)
    assert b"DTSTART;VALUE=DATE:20270310" in data
    assert b"DTEND;VALUE=DATE:20270311" in data


def test_sequence_comes_from_the_stored_field(meeting):
    for data in all_calendars(meeting).values():
        assert [e["SEQUENCE"] for e in events(parse(data))] == [0]
    MeetingPage.objects.filter(pk=meeting.pk).update(ical_sequence=7)
    meeting.refresh_from_db()
    for data in all_calendars(meeting).values():
        assert [e["SEQUENCE"] for e in events(parse(data))] == [7]


def test_description_is_plain_text(meeting):
    meeting_update(
        meeting=meeting,
        description='<h2>Agenda</h2><p>See <a href="https://eur-lex.europa.eu/eli/dir/2023/977">'
        "the Directive</a> &amp; <b>notes</b>.</p><ul><li>One</li><li>Two</li></ul>",
    )
    meeting.refresh_from_db()
    (event,) = events(parse(calendar.meeting_calendar(meeting, url="https://p.example.eu/m/")))
    text = str(event["DESCRIPTION"])
    assert "<" not in text and "&amp;" not in text
    assert "Agenda\n\nSee the Directive (https://eur-lex.europa.eu/eli/dir/2023/977) & notes." in (
        text
    )
    assert "- One\n\n- Two" in text
    assert text.endswith("Details: https://p.example.eu/m/")


def test_online_link_only_when_allowed(meeting):
    hidden = calendar.meeting_calendar(meeting, include_online_link=False)
    shown = calendar.meeting_calendar(meeting, include_online_link=True)
    assert b"meet.example.eu" not in hidden
    (event,) = events(parse(shown))
    assert "Online link: https://meet.example.eu/dublin" in str(event["DESCRIPTION"])


def test_calendar_parses_back_to_the_same_events(meeting, all_day):
    data = calendar.feed_calendar([meeting, all_day], name="Meetings")
    parsed = events(parse(data))
    assert [str(e["SUMMARY"]) for e in parsed] == [meeting.title, all_day.title]
    assert parsed[0]["DTSTART"].dt == meeting.start
    assert parsed[0]["DTEND"].dt == meeting.end
    assert str(parsed[0]["LOCATION"]) == "Dublin Castle"
    assert str(parsed[0]["STATUS"]) == "TENTATIVE"
    assert parsed[1]["DTSTART"].dt == datetime.date(2027, 3, 10)
    # Writing the parsed calendar again gives the same bytes.
    assert parse(data).to_ical() == data


def test_status_mapping(meeting):
    expected = {
        MeetingPage.Status.PLANNED: "TENTATIVE",
        MeetingPage.Status.CONFIRMED: "CONFIRMED",
        MeetingPage.Status.HELD: "CONFIRMED",
        MeetingPage.Status.CANCELLED: "CANCELLED",
    }
    for status, ical_status in expected.items():
        meeting.status = status
        (event,) = events(parse(calendar.meeting_calendar(meeting)))
        assert str(event["STATUS"]) == ical_status


def test_itip_request_has_method_organizer_and_attendees(meeting):
    data = calendar.itip_request(meeting, organizer=ORGANIZER, attendees=ATTENDEES)
    cal = parse(data)
    assert cal["METHOD"] == "REQUEST"
    (event,) = events(cal)
    assert str(event["ORGANIZER"]) == "mailto:presidency@example.eu"
    assert event["ORGANIZER"].params["CN"] == "Irish Presidency"
    attendees = event["ATTENDEE"]
    assert [str(a) for a in attendees] == [
        "mailto:head.be@example.eu",
        "mailto:head.de@example.eu",
    ]
    assert attendees[0].params["CN"] == "Dubois, Hélène"  # quoted, not split
    assert attendees[0].params["RSVP"] == "TRUE"
    assert attendees[0].params["PARTSTAT"] == "NEEDS-ACTION"
    assert attendees[0].params["ROLE"] == "REQ-PARTICIPANT"


def test_itip_request_after_a_change_has_higher_sequence(meeting):
    first = events(parse(calendar.itip_request(meeting, organizer=ORGANIZER, attendees=ATTENDEES)))
    moved = meeting_update(meeting=meeting, venue="Farmleigh House, Dublin")
    second = events(parse(calendar.itip_request(moved, organizer=ORGANIZER, attendees=ATTENDEES)))
    assert second[0]["SEQUENCE"] > first[0]["SEQUENCE"]
    assert str(second[0]["UID"]) == str(first[0]["UID"])


def test_itip_cancel_same_uid_higher_sequence_status_cancelled(meeting):
    request = events(
        parse(calendar.itip_request(meeting, organizer=ORGANIZER, attendees=ATTENDEES))
    )
    cancelled = meeting_update(meeting=meeting, status=MeetingPage.Status.CANCELLED)
    cal = parse(calendar.itip_cancel(cancelled, organizer=ORGANIZER, attendees=ATTENDEES))
    assert cal["METHOD"] == "CANCEL"
    (event,) = events(cal)
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == str(request[0]["UID"])
    assert event["SEQUENCE"] > request[0]["SEQUENCE"]
    assert [str(a) for a in event["ATTENDEE"]] == [f"mailto:{e}" for _, e in ATTENDEES]


def test_itip_cancel_refuses_a_meeting_not_cancelled(meeting):
    with pytest.raises(ValueError, match="Cancel the meeting"):
        calendar.itip_cancel(meeting, organizer=ORGANIZER, attendees=ATTENDEES)


def test_calendar_bytes_are_written_only_by_meetings_calendar():
    """No other module of the app builds calendar text."""
    import pathlib

    import meetings

    root = pathlib.Path(meetings.__file__).parent
    offenders = [
        str(path)
        for path in root.rglob("*.py")
        if path.name != "calendar.py"
        and "migrations" not in path.parts
        and ("BEGIN:VCALENDAR" in path.read_text() or "BEGIN:VEVENT" in path.read_text())
    ]
    assert offenders == []


# --- A real calendar client ---------------------------------------------------------------


def _khal():
    path = shutil.which("khal")
    if path is None:
        pytest.fail(
            "khal is not installed: the calendar import test needs the real client. "
            "Install the Debian package: apt-get install khal (.ci/run installs it)."
        )
    return path


def _khal_env(tmp_path, local_tz):
    config_dir = tmp_path / "config"
    (tmp_path / "calendar").mkdir()
    config_dir.mkdir()
    config = config_dir / "khal.conf"
    config.write_text(
        f"""[calendars]
[[portal]]
path = {tmp_path / "calendar"}
type = calendar

[locale]
local_timezone = {local_tz}
default_timezone = {local_tz}
timeformat = %H:%M
dateformat = %Y-%m-%d
longdateformat = %Y-%m-%d
datetimeformat = %Y-%m-%d %H:%M
longdatetimeformat = %Y-%m-%d %H:%M

[default]
default_calendar = portal

[sqlite]
path = {tmp_path / "khal.db"}
"""
    )
    env = {
        **os.environ,
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(config_dir),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "TZ": local_tz,
        "LC_ALL": "C.UTF-8",
    }
    return config, env


def _run_khal(khal, config, env, *args):
    result = subprocess.run(  # noqa: S603 - fixed arguments, our own test files
        [khal, "-c", str(config), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "error" not in result.stderr.lower(), result.stderr
    return result.stdout


def test_khal_imports_the_download_and_shows_the_local_time(meeting, all_day, tmp_path):
    khal = _khal()
    # A Brussels user: the 09:30 Dublin meeting is at 10:30 for them.
    config, env = _khal_env(tmp_path, "Europe/Brussels")
    ics = tmp_path / "meeting.ics"
    ics.write_bytes(calendar.meeting_calendar(meeting, url="https://portal.example.eu/m/"))
    _run_khal(khal, config, env, "import", "--batch", "-a", "portal", str(ics))
    all_day_ics = tmp_path / "all-day.ics"
    all_day_ics.write_bytes(calendar.meeting_calendar(all_day))
    _run_khal(khal, config, env, "import", "--batch", "-a", "portal", str(all_day_ics))

    listed = _run_khal(
        khal,
        config,
        env,
        "list",
        "--format",
        "{start} | {end} | {title} | {location}",
        "2026-12-01",
        "2027-03-31",
    )
    lines = [line for line in listed.splitlines() if "|" in line]
    assert (
        "2026-12-03 10:30 | 2026-12-04 14:00 | Heads of SPOC meeting, Dublin | Dublin Castle"
        in (lines)
    ), listed
    # The all-day meeting covers 10 and 11 March, not the 12th (exclusive DTEND).
    workshop = [line for line in lines if "Workshop" in line]
    assert workshop and workshop[0].startswith("2027-03-10 | 2027-03-11 |"), listed

    one_day = _run_khal(khal, config, env, "list", "--format", "{title}", "2027-03-12", "1d")
    assert "Workshop" not in one_day


def test_khal_imports_the_feed(meeting, tmp_path):
    khal = _khal()
    config, env = _khal_env(tmp_path, "Europe/Dublin")
    ics = tmp_path / "feed.ics"
    ics.write_bytes(calendar.feed_calendar([meeting], name="Meetings"))
    _run_khal(khal, config, env, "import", "--batch", "-a", "portal", str(ics))
    listed = _run_khal(
        khal, config, env, "list", "--format", "{start-time}-{end-time} {title}", "2026-12-03", "1d"
    )
    # Listed on its first day at Dublin wall-clock times: 09:30, ending 13:00 (on 4 December).
    assert listed.splitlines() == [
        "Thursday, 2026-12-03",
        "09:30-13:00 Heads of SPOC meeting, Dublin",
    ], listed
