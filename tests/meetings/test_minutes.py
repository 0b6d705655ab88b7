"""Minutes and conclusions: the Presidency drafts them once the meeting has started, every
save is a new version; a stale save is refused; an approver approves the latest version,
which locks the minutes; members read the approved text only; the Presidency sees drafts,
history and an escaped diff."""

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from meetings.models import Minutes, MinutesVersion
from meetings.services import StaleMinutesError, minutes_approve, minutes_save
from tests.factories import user_in
from tests.helpers import soup_of
from tests.meetings.agenda_helpers import AFTER, BEFORE, DURING

pytestmark = pytest.mark.django_db


def save(actor, meeting, text, base, now=AFTER, **extra):
    return minutes_save(
        actor=actor, meeting=meeting, minutes_text=text, base_version=base, now=now, **extra
    )


def test_every_save_is_a_new_version(presidency, meeting):
    first = save(presidency, meeting, "Opening by the Chair.", 0, change_note="First draft")
    second = save(presidency, meeting, "Opening by the Chair.\nSIENA.", 1, conclusions="Agreed.")
    assert (first.number, second.number) == (1, 2)
    assert list(MinutesVersion.objects.order_by("number").values_list("number", "change_note")) == [
        (1, "First draft"),
        (2, ""),
    ]


def test_not_before_the_meeting_starts(presidency, meeting):
    with pytest.raises(ValidationError, match="once the meeting has started"):
        save(presidency, meeting, "Too early", 0, now=BEFORE)
    assert save(presidency, meeting, "During", 0, now=DURING).number == 1


def test_held_meeting_any_time(presidency, past_meeting):
    assert save(presidency, past_meeting, "Held", 0, now=BEFORE).number == 1


def test_only_the_presidency_writes(head_be, europol_user, meeting):
    for actor in (head_be, europol_user, user_in("IE", "officer")):
        with pytest.raises(PermissionDenied):
            save(actor, meeting, "Forged", 0)
    assert not MinutesVersion.objects.exists()


def test_stale_save_is_refused(presidency, meeting):
    save(presidency, meeting, "Mine", 0)
    with pytest.raises(StaleMinutesError, match="Someone saved a newer version"):
        save(user_in("IE", "presidency"), meeting, "Theirs, from an old start", 0)
    assert MinutesVersion.objects.count() == 1


def test_empty_minutes_are_refused(presidency, meeting):
    with pytest.raises(ValidationError):
        save(presidency, meeting, "   ", 0)


def test_approval_locks(presidency, approver, meeting):
    save(presidency, meeting, "v1", 0)
    with pytest.raises(PermissionDenied):
        minutes_approve(actor=presidency, meeting=meeting, version_number=1)
    with pytest.raises(PermissionDenied):
        minutes_approve(actor=user_in("BE", "head"), meeting=meeting, version_number=1)
    minutes = minutes_approve(actor=approver, meeting=meeting, version_number=1)
    assert minutes.is_approved and minutes.approved_version.number == 1
    with pytest.raises(ValidationError, match="locked"):
        save(presidency, meeting, "v2", 1)
    with pytest.raises(ValidationError, match="already approved"):
        minutes_approve(actor=approver, meeting=meeting, version_number=1)
    assert MinutesVersion.objects.count() == 1


def test_approving_an_old_version_is_refused(presidency, approver, meeting):
    save(presidency, meeting, "v1", 0)
    save(presidency, meeting, "v2", 1)
    with pytest.raises(StaleMinutesError):
        minutes_approve(actor=approver, meeting=meeting, version_number=1)
    assert not Minutes.objects.get().is_approved


def test_admin_approves_too(presidency, admin, meeting):
    save(presidency, meeting, "v1", 0)
    assert minutes_approve(actor=admin, meeting=meeting, version_number=1).is_approved


def test_the_database_refuses_an_approval_without_version(presidency, meeting):
    save(presidency, meeting, "v1", 0)
    minutes = Minutes.objects.get()
    minutes.approved_at = AFTER
    with pytest.raises(IntegrityError), transaction.atomic():
        minutes.save()


# --- Views --------------------------------------------------------------------------------


def minutes_url(meeting, suffix=""):
    return f"/meetings/{meeting.pk}/minutes/{suffix}"


@time_machine.travel(AFTER)
def test_members_read_only_the_approved_version(client, presidency, approver, officer_be, meeting):
    save(presidency, meeting, "Approved text <b>bold</b>", 0)
    client.force_login(officer_be)
    soup = soup_of(client.get(meeting.url))
    assert "Approved text" not in soup.text  # draft: not for members
    minutes_approve(actor=approver, meeting=meeting, version_number=1)
    soup = soup_of(client.get(meeting.url))
    text = soup.select_one("#minutes .minutes-text")
    assert "Approved text <b>bold</b>" in text.text  # escaped, shown as typed
    assert text.select("b") == []
    assert soup.select_one("form#minutes-save") is None


@time_machine.travel(AFTER)
def test_presidency_saves_through_the_page_and_sees_the_draft(client, presidency, meeting):
    client.force_login(presidency)
    form = soup_of(client.get(meeting.url)).select_one("form#minutes-save")
    assert form.select_one("input[name=base_version]")["value"] == "0"
    response = client.post(
        minutes_url(meeting),
        {"minutes_text": "Line one\n\nLine two", "conclusions": "", "base_version": "0"},
    )
    assert response.status_code == 302
    soup = soup_of(client.get(meeting.url))
    assert "Draft, version 1" in soup.select_one("#minutes").text
    assert soup.select_one("form#minutes-save input[name=base_version]")["value"] == "1"


@time_machine.travel(AFTER)
def test_stale_save_through_the_page_shows_the_error(client, presidency, meeting):
    save(presidency, meeting, "Someone else's", 0)
    client.force_login(presidency)
    response = client.post(
        minutes_url(meeting), {"minutes_text": "Mine", "conclusions": "", "base_version": "0"}
    )
    assert response.status_code == 400
    assert "Someone saved a newer version" in soup_of(response).select_one("#minutes-save").text
    assert MinutesVersion.objects.count() == 1


@time_machine.travel(AFTER)
def test_approve_through_the_page(client, presidency, approver, meeting):
    save(presidency, meeting, "v1", 0)
    client.force_login(presidency)
    assert soup_of(client.get(meeting.url)).select_one("form#minutes-approve") is None
    assert client.post(minutes_url(meeting, "approve/"), {"version": "1"}).status_code == 403
    client.force_login(approver)
    assert soup_of(client.get(meeting.url)).select_one("form#minutes-approve") is not None
    assert client.post(minutes_url(meeting, "approve/"), {"version": "1"}).status_code == 302
    assert Minutes.objects.get().is_approved


@time_machine.travel(AFTER)
def test_heads_cannot_write_or_see_history(client, head_be, presidency, meeting):
    save(presidency, meeting, "v1", 0)
    client.force_login(head_be)
    assert (
        client.post(minutes_url(meeting), {"minutes_text": "x", "base_version": "1"}).status_code
        == 403
    )
    assert client.get(minutes_url(meeting, "history/")).status_code == 403


@time_machine.travel(AFTER)
def test_history_and_escaped_diff(client, presidency, meeting):
    save(presidency, meeting, "Opening.\nSIENA <script>x</script>", 0)
    save(presidency, meeting, "Opening.\nSIENA data quality", 1, change_note="Precise")
    client.force_login(presidency)
    response = client.get(minutes_url(meeting, "history/"))
    soup = soup_of(response)
    assert [row.select("td")[0].text for row in soup.select("tr.version")] == ["2", "1"]
    removed = [s.text for s in soup.select(".diff-removed")]
    added = [s.text for s in soup.select(".diff-added")]
    assert "-SIENA <script>x</script>" in removed
    assert "+SIENA data quality" in added
    assert b"<script>x</script>" not in response.content
    assert soup.select("pre script") == []


@time_machine.travel(AFTER)
def test_saving_locked_minutes_through_the_page_says_so(client, presidency, approver, meeting):
    save(presidency, meeting, "v1", 0)
    minutes_approve(actor=approver, meeting=meeting, version_number=1)
    client.force_login(presidency)
    assert soup_of(client.get(meeting.url)).select_one("form#minutes-save") is None
    response = client.post(
        minutes_url(meeting), {"minutes_text": "v2", "conclusions": "", "base_version": "1"}
    )
    assert response.status_code == 400
    assert "approved and locked" in soup_of(response).select_one("#minutes .form-errors").text
    assert MinutesVersion.objects.count() == 1


@time_machine.travel(BEFORE)
def test_minutes_before_the_meeting_through_the_page_is_a_clear_error(client, presidency, meeting):
    client.force_login(presidency)
    assert soup_of(client.get(meeting.url)).select_one("#minutes") is None
    response = client.post(
        minutes_url(meeting), {"minutes_text": "Early", "conclusions": "", "base_version": "0"}
    )
    assert response.status_code == 400
    assert "once the meeting has started" in soup_of(response).select_one("#minutes").text
