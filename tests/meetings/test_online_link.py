"""The online link goes only to the meeting's registered participants (a confirmed
registration with the user's email address, in any case) and to the organisers: on the page,
in the .ics download, in the subscription feed and in the API."""

import pytest
from icalendar import Calendar

from meetings.models import Registration
from portal.models import AccessToken
from portal.tokens import access_token_for
from tests.factories import admin_user, user_in
from tests.helpers import soup_of
from tests.meetings.factories import register

pytestmark = pytest.mark.django_db
LINK = "meet.example.eu/dublin"



def sees_link_everywhere(client, user, meeting):
    client.force_login(user)
    page = soup_of(client.get(meeting.url)).select_one("#meeting-online") is not None
    download = Calendar.from_ical(client.get(f"/meetings/{meeting.pk}/meeting.ics").content)
    ics = LINK in str(download.walk("VEVENT")[0].get("DESCRIPTION", ""))
    token = access_token_for(user=user, purpose=AccessToken.Purpose.CALENDAR)
    feed = Calendar.from_ical(client.get(f"/feeds/meetings/{token}.ics").content)
    in_feed = [LINK in str(e.get("DESCRIPTION", "")) for e in feed.walk("VEVENT")]
    api = client.get(f"/api/v1/meetings/{meeting.pk}").json()["online_url"] is not None
    return page, ics, in_feed, api


def test_registered_participant_sees_the_link_everywhere(client, meeting, head_be):
    officer = user_in("BE", "officer", email="Officer.One@Example.eu")
    assert sees_link_everywhere(client, officer, meeting) == (False, False, [False], False)
    # another case: still the same person
    register(head_be, meeting, email="officer.one@example.EU", attendance="remote")
    assert sees_link_everywhere(client, officer, meeting) == (True, True, [True], True)


def test_the_head_who_registers_others_does_not_see_it(client, meeting, head_be):
    register(head_be, meeting, email="someone@example.eu", attendance="remote")
    assert sees_link_everywhere(client, head_be, meeting) == (False, False, [False], False)


def test_waiting_list_does_not_see_the_link(client, meeting, head_be):
    meeting.delegates_per_country = 1
    meeting.save(update_fields=["delegates_per_country"])
    register(head_be, meeting, email="first@example.eu", attendance="remote")
    waiting = user_in("BE", "officer", email="second@example.eu")
    registration = register(head_be, meeting, email="second@example.eu", attendance="remote")
    assert registration.status == Registration.Status.WAITING
    assert sees_link_everywhere(client, waiting, meeting) == (False, False, [False], False)


def test_registration_for_one_meeting_does_not_open_another(client, meeting, head_be):
    from tests.meetings.factories import make_meeting

    other = make_meeting(title="Other meeting", online_url="https://meet.example.eu/dublin-2")
    officer = user_in("BE", "officer", email="one@example.eu")
    register(head_be, meeting, email="one@example.eu", attendance="remote")
    client.force_login(officer)
    token = access_token_for(user=officer, purpose=AccessToken.Purpose.CALENDAR)
    feed = Calendar.from_ical(client.get(f"/feeds/meetings/{token}.ics").content)
    by_uid = {str(e["UID"]): str(e.get("DESCRIPTION", "")) for e in feed.walk("VEVENT")}
    assert LINK in by_uid[meeting.ical_uid]
    assert "dublin-2" not in by_uid[other.ical_uid]
    assert soup_of(client.get(other.url)).select_one("#meeting-online") is None


def test_organisers_see_the_link(client, meeting):
    for organiser in (admin_user(), user_in("IE", "presidency")):
        assert sees_link_everywhere(client, organiser, meeting) == (True, True, [True], True)


def test_a_feed_shared_by_a_non_participant_does_not_leak_it(client, meeting, head_be):
    participant = user_in("BE", "officer", email="in@example.eu")
    outsider = user_in("FR", "officer")
    register(head_be, meeting, email="in@example.eu", attendance="remote")
    token = access_token_for(user=outsider, purpose=AccessToken.Purpose.CALENDAR)
    client.force_login(participant)  # whoever fetches it, the feed is its owner's
    feed = client.get(f"/feeds/meetings/{token}.ics").content
    assert b"meet.example.eu" not in feed


def test_withdrawn_participant_loses_the_link(client, meeting, head_be):
    from meetings.services import registration_withdraw

    officer = user_in("BE", "officer", email="gone@example.eu")
    registration = register(head_be, meeting, email="gone@example.eu", attendance="remote")
    registration_withdraw(actor=head_be, registration=registration)
    assert sees_link_everywhere(client, officer, meeting) == (False, False, [False], False)
