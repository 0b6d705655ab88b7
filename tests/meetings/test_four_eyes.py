"""Four eyes: whoever approves minutes or the activity report did not write what they approve.
An approver may write a minutes version or edit a report section, but then another approver
approves it."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from meetings.models import Minutes
from meetings.services import (
    activity_report_approve,
    activity_report_create,
    activity_report_section_update,
    minutes_approve,
    minutes_save,
)
from tests.factories import user_in
from tests.helpers import soup_of
from tests.meetings.agenda_helpers import AFTER

pytestmark = pytest.mark.django_db


def write_minutes(actor, meeting, text, base):
    return minutes_save(
        actor=actor, meeting=meeting, minutes_text=text, base_version=base, now=AFTER
    )


def test_an_approver_cannot_approve_the_version_they_wrote(presidency, approver, meeting):
    write_minutes(presidency, meeting, "Opening by the Chair.", 0)
    write_minutes(approver, meeting, "Opening by the Chair, corrected.", 1)

    with pytest.raises(PermissionDenied, match="four-eyes"):
        minutes_approve(actor=approver, meeting=meeting, version_number=2)
    assert not Minutes.objects.get().is_approved

    second_approver = user_in("IE", "presidency_approver")
    minutes = minutes_approve(actor=second_approver, meeting=meeting, version_number=2)
    assert minutes.is_approved and minutes.approved_by == second_approver


@pytest.fixture
def after_the_meeting():
    with time_machine.travel(AFTER, tick=True):
        yield


def test_approving_own_minutes_through_the_page_is_refused(
    client, approver, meeting, after_the_meeting
):
    write_minutes(approver, meeting, "Written by the approver.", 0)
    client.force_login(approver)
    response = client.post(f"/meetings/{meeting.pk}/minutes/approve/", {"version": 1})
    assert response.status_code == 403
    assert not Minutes.objects.get().is_approved
    # the page offers the version's author no approval, and says why
    minutes = soup_of(client.get(meeting.url)).select_one("#minutes")
    assert minutes.select_one("form[action$='/minutes/approve/']") is None
    assert "another Presidency approver approves it" in minutes.get_text(" ", strip=True)
    client.force_login(user_in("IE", "presidency_approver"))
    other_view = soup_of(client.get(meeting.url)).select_one("#minutes")
    assert other_view.select_one("form[action$='/minutes/approve/']") is not None


def test_an_approver_who_edited_a_report_section_cannot_approve_it(db):
    editor = user_in("IE", "presidency")
    approver = user_in("IE", "presidency_approver")
    period = {"period_start": datetime.date(2026, 7, 1), "period_end": datetime.date(2026, 12, 31)}
    report = activity_report_create(actor=editor, **period)
    activity_report_section_update(
        actor=approver, report=report, key="introduction", body="<p>Mine</p>", version=1
    )
    # The editor writes over the approver's text: the section's last editor is the editor
    # again, but the approver still wrote part of the report.
    activity_report_section_update(
        actor=editor, report=report, key="introduction", body="<p>Theirs</p>", version=2
    )

    with pytest.raises(PermissionDenied, match="four-eyes"):
        activity_report_approve(actor=approver, report=report)
    report.refresh_from_db()
    assert not report.is_approved

    other = user_in("IE", "presidency_approver")
    assert activity_report_approve(actor=other, report=report).is_approved
