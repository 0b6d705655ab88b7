"""A draft nobody approved never goes live through a side door: deciding a date poll or marking
a meeting held changes the live meeting, and is refused while a draft or workflow is pending
(security issue: these services publish with skip_permission_checks)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import WorkflowState

from meetings.models import DatePoll, MeetingPage
from meetings.services import date_poll_decide, meeting_mark_held, meeting_update
from tests.helpers import soup_of
from tests.meetings.polls_helpers import CANDIDATES, open_poll, presidency_user

pytestmark = pytest.mark.django_db

UNAPPROVED_LINK = "https://evil.example.com/meeting"


def save_draft(meeting, user, **changes):
    draft = MeetingPage.objects.get(pk=meeting.pk).get_latest_revision_as_object()
    for name, value in changes.items():
        setattr(draft, name, value)
    draft.save_revision(user=user)
    return draft


def test_deciding_a_poll_is_refused_while_a_draft_is_pending(meeting, mailoutbox):
    editor = presidency_user()
    poll = open_poll(meeting, actor=editor)
    save_draft(meeting, editor, online_url=UNAPPROVED_LINK)
    mailoutbox.clear()

    with pytest.raises(ValidationError, match="waiting for approval"):
        date_poll_decide(actor=editor, poll=poll, option=poll.options.last())

    live = MeetingPage.objects.get(pk=meeting.pk)
    assert live.online_url == "https://meet.example.eu/dublin"
    assert (live.start, live.end) == CANDIDATES[0]
    assert live.has_unpublished_changes  # the draft is kept for its approver
    assert DatePoll.objects.get(pk=poll.pk).status == DatePoll.Status.OPEN
    assert not [m for m in mailoutbox if UNAPPROVED_LINK in m.body]


def test_deciding_through_the_page_shows_why_and_publishes_nothing(client, meeting):
    editor = presidency_user()
    poll = open_poll(meeting, actor=editor)
    save_draft(meeting, editor, online_url=UNAPPROVED_LINK)
    client.force_login(editor)

    response = client.post(
        f"/meetings/{meeting.pk}/poll/decide/", {"option": poll.options.last().pk}
    )

    assert response.status_code == 400
    alert = soup_of(response).select_one("#date-poll [role=alert]")
    assert "waiting for approval" in alert.get_text(" ", strip=True)
    assert MeetingPage.objects.get(pk=meeting.pk).online_url != UNAPPROVED_LINK


def test_deciding_a_poll_is_refused_while_a_workflow_is_in_progress(meeting):
    editor = presidency_user()
    poll = open_poll(meeting, actor=editor)
    draft = save_draft(meeting, editor, venue="Somewhere unapproved")
    draft.get_workflow().start(draft, editor)
    assert WorkflowState.objects.filter(
        object_id=str(meeting.pk), status=WorkflowState.STATUS_IN_PROGRESS
    ).exists()

    with pytest.raises(ValidationError):
        date_poll_decide(actor=editor, poll=poll, option=poll.options.last())
    assert MeetingPage.objects.get(pk=meeting.pk).venue == "Dublin Castle"


def test_marking_held_never_publishes_the_draft(meeting):
    editor = presidency_user()
    save_draft(meeting, editor, online_url=UNAPPROVED_LINK)
    after_the_meeting = meeting.end + datetime.timedelta(hours=1)

    with pytest.raises(ValidationError, match="waiting for approval"):
        meeting_mark_held(actor=editor, meeting=meeting, now=after_the_meeting)

    live = MeetingPage.objects.get(pk=meeting.pk)
    assert live.status != MeetingPage.Status.HELD
    assert live.online_url == "https://meet.example.eu/dublin"


def test_without_a_draft_the_decision_changes_only_the_date(meeting):
    editor = presidency_user()
    poll = open_poll(meeting, actor=editor)
    date_poll_decide(actor=editor, poll=poll, option=poll.options.last())
    live = MeetingPage.objects.get(pk=meeting.pk)
    assert (live.start, live.end) == CANDIDATES[1]
    assert live.online_url == "https://meet.example.eu/dublin"
    assert not live.has_unpublished_changes


def test_an_unpublished_change_goes_into_the_draft(meeting):
    editor = presidency_user()
    save_draft(meeting, editor, venue="Draft venue")
    meeting_update(meeting=meeting, user=editor, publish=False, title="Draft title")
    draft = MeetingPage.objects.get(pk=meeting.pk).get_latest_revision_as_object()
    assert (draft.venue, draft.title) == ("Draft venue", "Draft title")
    assert MeetingPage.objects.get(pk=meeting.pk).venue == "Dublin Castle"
