"""meeting_create / meeting_update and the SEQUENCE rule: raised by every published change of
time, place or status, never by description-only edits or drafts."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from meetings.models import MeetingPage, MeetingYearPage
from meetings.services import meeting_calendar_sync, meeting_update
from portal.models import PresidencyTerm
from tests.meetings.factories import DUBLIN, make_meeting

pytestmark = pytest.mark.django_db


def seq(meeting):
    return MeetingPage.objects.get(pk=meeting.pk).ical_sequence


def test_create_puts_the_meeting_under_its_year_with_the_rota_presidency(meeting):
    assert meeting.live
    parent = meeting.get_parent().specific
    assert isinstance(parent, MeetingYearPage) and parent.year == 2026
    assert parent.get_parent().slug == "meetings"
    assert meeting.presidency.country.code == "IE"
    assert meeting.url == "/meetings/2026/heads-of-spoc-meeting-dublin/"
    assert seq(meeting) == 0


def test_presidency_follows_the_start_date_in_the_meetings_time_zone(db):
    # 1 January 00:30 in Vilnius is still 31 December in UTC: Lithuania's semester, not Ireland's.
    import zoneinfo

    vilnius = zoneinfo.ZoneInfo("Europe/Vilnius")
    meeting = make_meeting(
        start=datetime.datetime(2027, 1, 1, 0, 30, tzinfo=vilnius),
        end=datetime.datetime(2027, 1, 1, 3, 0, tzinfo=vilnius),
        time_zone="Europe/Vilnius",
    )
    assert meeting.presidency == PresidencyTerm.objects.get(starts_on=datetime.date(2027, 1, 1))


@pytest.mark.parametrize(
    "change",
    [
        {"start": datetime.datetime(2026, 12, 3, 10, 0, tzinfo=DUBLIN)},
        {"end": datetime.datetime(2026, 12, 4, 17, 0, tzinfo=DUBLIN)},
        {"venue": "Farmleigh House"},
        {"online_url": "https://meet.example.eu/other"},
        {"status": MeetingPage.Status.CONFIRMED},
        {"status": MeetingPage.Status.CANCELLED},
        {"all_day": True},
        {"time_zone": "Europe/Brussels"},
    ],
    ids=lambda change: next(iter(change)),
)
def test_significant_changes_raise_the_sequence(meeting, change):
    meeting_update(meeting=meeting, **change)
    assert seq(meeting) == 1


@pytest.mark.parametrize(
    "change",
    [{"description": "<p>New text.</p>"}, {"title": "New title"}, {}],
    ids=["description", "title", "nothing"],
)
def test_other_edits_leave_the_sequence(meeting, change):
    meeting_update(meeting=meeting, **change)
    assert seq(meeting) == 0


def test_each_significant_publication_raises_it_once(meeting):
    meeting_update(meeting=meeting, venue="A")
    meeting_update(meeting=meeting, venue="A", description="<p>x</p>")
    meeting_update(meeting=meeting, venue="B", status=MeetingPage.Status.CONFIRMED)
    assert seq(meeting) == 2
    # Republishing the same values is idempotent.
    meeting_calendar_sync(meeting=MeetingPage.objects.get(pk=meeting.pk))
    assert seq(meeting) == 2


def test_drafts_do_not_raise_it_until_published(meeting):
    meeting_update(meeting=meeting, venue="Draft venue", publish=False)
    assert seq(meeting) == 0
    assert MeetingPage.objects.get(pk=meeting.pk).venue == "Dublin Castle"
    revision = MeetingPage.objects.get(pk=meeting.pk).get_latest_revision()
    revision.publish()  # as the workflow or the scheduler would
    assert seq(meeting) == 1


def test_publishing_an_old_revision_never_lowers_the_sequence(meeting):
    old_revision = MeetingPage.objects.get(pk=meeting.pk).get_latest_revision()
    meeting_update(meeting=meeting, venue="B")
    meeting_update(meeting=meeting, venue="C")
    assert seq(meeting) == 2
    old_revision.publish()  # back to Dublin Castle: a change again
    assert seq(meeting) == 3
    assert MeetingPage.objects.get(pk=meeting.pk).ical_uid == meeting.ical_uid


def test_end_before_start_is_refused_and_nothing_is_saved(meeting):
    count = MeetingPage.objects.count()
    with pytest.raises(ValidationError):
        make_meeting(
            title="Backwards",
            start=datetime.datetime(2026, 12, 3, 9, 0, tzinfo=DUBLIN),
            end=datetime.datetime(2026, 12, 3, 8, 0, tzinfo=DUBLIN),
        )
    with pytest.raises(ValidationError):
        meeting_update(meeting=meeting, end=meeting.start)
    assert MeetingPage.objects.count() == count
    assert seq(meeting) == 0


def test_database_refuses_end_before_start(meeting):
    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingPage.objects.filter(pk=meeting.pk).update(end=meeting.start)


def test_unknown_time_zone_and_naive_times_are_refused(db):
    with pytest.raises(ValidationError):
        make_meeting(time_zone="Europe/Atlantis")
    with pytest.raises(ValidationError):
        make_meeting(start=datetime.datetime(2026, 12, 3, 9, 0))


def test_calendar_identity_fields_cannot_be_set_by_update(meeting):
    with pytest.raises(ValidationError):
        meeting_update(meeting=meeting, ical_sequence=0)
    with pytest.raises(ValidationError):
        meeting_update(meeting=meeting, ical_uid="x")


def test_uid_is_unique_in_the_database(meeting):
    other = make_meeting(title="Other")
    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingPage.objects.filter(pk=other.pk).update(ical_uid=meeting.ical_uid)
