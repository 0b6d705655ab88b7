"""After the meeting: the Presidency records who came (per delegate: in person, remote,
absent); everyone sees the counts per country and agency, the organisers the names.
Participants and heads give one short feedback, editable for 30 days; the organisers see the
aggregate. Optional last step: the Presidency marks the meeting as held."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from meetings.models import Attendance, Feedback, MeetingPage
from meetings.services import (
    attendance_record,
    feedback_give,
    registration_add,
)
from tests.factories import admin_user, user_in
from tests.helpers import soup_of
from tests.meetings.polls_helpers import agency_user, presidency_user

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
BEFORE = datetime.datetime(2026, 11, 1, tzinfo=UTC)
DURING = datetime.datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
AFTER = datetime.datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
MONTH_AFTER = datetime.datetime(2027, 1, 4, 12, 0, tzinfo=UTC)


@pytest.fixture
def delegates(meeting, head_be, head_de, time_machine):
    time_machine.move_to(BEFORE, tick=False)
    made = {}
    for head, names in ((head_be, ("Ann", "Bob")), (head_de, ("Dirk",))):
        for name in names:
            made[name] = registration_add(
                actor=head,
                meeting=meeting,
                name=name,
                email=f"{name.lower()}@example.eu",
                attendance="in_person",
            )
    return made


def entries(delegates, **values):
    return {delegates[name].pk: value for name, value in values.items()}


# --- Attendance ----------------------------------------------------------------------------


def test_presidency_records_attendance_after_the_start(meeting, delegates, time_machine):
    organiser = presidency_user()
    with pytest.raises(ValidationError):
        attendance_record(
            actor=organiser, meeting=meeting, entries=entries(delegates, Ann="in_person")
        )
    time_machine.move_to(DURING, tick=False)
    attendance_record(
        actor=organiser,
        meeting=meeting,
        entries=entries(delegates, Ann="in_person", Bob="absent", Dirk="remote"),
    )
    # recording again replaces
    attendance_record(actor=organiser, meeting=meeting, entries=entries(delegates, Bob="remote"))
    recorded = {
        a.registration.name: (a.present, a.mode)
        for a in Attendance.objects.select_related("registration")
    }
    assert recorded == {
        "Ann": (True, "in_person"),
        "Bob": (True, "remote"),
        "Dirk": (True, "remote"),
    }


def test_attendance_is_for_the_presidency_and_this_meetings_delegates(
    meeting, delegates, head_be, time_machine
):
    from tests.meetings.factories import make_meeting

    time_machine.move_to(DURING, tick=False)
    with pytest.raises(PermissionDenied):
        attendance_record(actor=head_be, meeting=meeting, entries=entries(delegates, Ann="absent"))
    other = make_meeting(title="Other meeting")
    with pytest.raises(ValidationError):
        attendance_record(
            actor=presidency_user(),
            meeting=other,
            entries=entries(delegates, Ann="absent"),
        )
    with pytest.raises(ValidationError):  # all or nothing: one bad value saves nothing
        attendance_record(
            actor=presidency_user(),
            meeting=meeting,
            entries=entries(delegates, Ann="in_person", Bob="asleep"),
        )
    assert not Attendance.objects.exists()


def test_bulk_form_and_summary(client, meeting, delegates, time_machine):
    time_machine.move_to(DURING, tick=False)
    client.force_login(presidency_user())
    form = soup_of(client.get(meeting.url)).select_one("#attendance-form")
    assert len(form.select("tr.attendance-delegate")) == 3
    response = client.post(
        f"/meetings/{meeting.pk}/attendance/",
        {
            f"attendance-{delegates['Ann'].pk}": "in_person",
            f"attendance-{delegates['Bob'].pk}": "absent",
            f"attendance-{delegates['Dirk'].pk}": "remote",
        },
    )
    assert response.status_code == 302
    time_machine.move_to(AFTER, tick=False)
    # everyone sees the counts per country, without names
    client.force_login(agency_user())
    soup = soup_of(client.get(meeting.url))
    rows = {
        tr.th.get_text(): [td.get_text() for td in tr.select("td")]
        for tr in soup.select("#attendance-summary tr.attendance-row")
    }
    assert rows == {"Belgium": ["1", "0", "1"], "Germany": ["0", "1", "0"]}
    assert "Ann" not in soup.select_one("#attendance").get_text()
    assert soup.select_one("#attendance-form") is None
    # the organisers see the names
    client.force_login(admin_user())
    assert "Ann" in soup_of(client.get(meeting.url)).select_one("#attendance-form").get_text()


def test_attendance_post_by_a_head_is_refused(client, meeting, delegates, head_be, time_machine):
    time_machine.move_to(DURING, tick=False)
    client.force_login(head_be)
    response = client.post(
        f"/meetings/{meeting.pk}/attendance/", {f"attendance-{delegates['Ann'].pk}": "absent"}
    )
    assert response.status_code == 403
    assert not Attendance.objects.exists()


# --- Feedback ------------------------------------------------------------------------------


def test_participants_and_heads_give_feedback_after_the_meeting(
    meeting, delegates, head_de, time_machine
):
    ann = user_in("BE", "officer", email="ann@example.eu")
    with pytest.raises(ValidationError):
        feedback_give(actor=ann, meeting=meeting, rating=4)  # before the end
    time_machine.move_to(AFTER, tick=False)
    feedback_give(actor=ann, meeting=meeting, rating=4, useful_topics="Directive 2023/977")
    feedback_give(actor=ann, meeting=meeting, rating=5)  # changed: still one
    feedback_give(actor=head_de, meeting=meeting, rating=3, suggestions="Shorter sessions")
    assert sorted(Feedback.objects.values_list("rating", flat=True)) == [3, 5]
    time_machine.move_to(MONTH_AFTER, tick=False)
    with pytest.raises(ValidationError):
        feedback_give(actor=ann, meeting=meeting, rating=1)
    assert sorted(Feedback.objects.values_list("rating", flat=True)) == [3, 5]


@pytest.mark.parametrize("rating", [0, 6, "x"])
def test_rating_out_of_range_is_refused(meeting, head_de, time_machine, rating):
    time_machine.move_to(AFTER, tick=False)
    with pytest.raises(ValidationError):
        feedback_give(actor=head_de, meeting=meeting, rating=rating)
    assert not Feedback.objects.exists()


def test_non_participants_are_refused(client, meeting, delegates, time_machine):
    time_machine.move_to(AFTER, tick=False)
    outsider = user_in("FR", "officer")
    with pytest.raises(PermissionDenied):
        feedback_give(actor=outsider, meeting=meeting, rating=5)
    client.force_login(outsider)
    assert soup_of(client.get(meeting.url)).select_one("#feedback-form") is None
    response = client.post(f"/meetings/{meeting.pk}/feedback/", {"rating": "5"})
    assert response.status_code == 403
    assert not Feedback.objects.exists()


def test_feedback_form_and_aggregate_for_organisers(client, meeting, delegates, time_machine):
    time_machine.move_to(AFTER, tick=False)
    client.force_login(user_in("BE", "officer", email="bob@example.eu"))
    assert soup_of(client.get(meeting.url)).select_one("#feedback-form") is not None
    response = client.post(
        f"/meetings/{meeting.pk}/feedback/",
        {"rating": "2", "useful_topics": "", "suggestions": "More time for cases"},
    )
    assert response.status_code == 302
    client.force_login(user_in("DE", "head"))
    client.post(f"/meetings/{meeting.pk}/feedback/", {"rating": "5"})
    bad = client.post(f"/meetings/{meeting.pk}/feedback/", {"rating": "9"})
    assert bad.status_code == 400
    assert soup_of(client.get(meeting.url)).select_one("#feedback-aggregate") is None
    client.force_login(presidency_user())
    soup = soup_of(client.get(meeting.url))
    assert "3.5" in soup.select_one("#feedback-aggregate").get_text()
    assert "from 2 answers" in soup.select_one("#feedback-aggregate").get_text()
    comments = [li.get_text() for li in soup.select(".feedback-comment")]
    assert len(comments) == 1 and "More time for cases" in comments[0]


# --- Marking as held -----------------------------------------------------------------------


def test_presidency_marks_the_meeting_as_held_after_the_end(
    client, meeting, delegates, time_machine, mailoutbox, django_capture_on_commit_callbacks
):
    organiser = presidency_user()
    time_machine.move_to(DURING, tick=False)
    client.force_login(organiser)
    assert soup_of(client.get(meeting.url)).select_one("#meeting-mark-held") is None
    time_machine.move_to(AFTER, tick=False)
    client.force_login(organiser)  # a new session (the old one idled out)
    mailoutbox.clear()
    assert soup_of(client.get(meeting.url)).select_one("#meeting-mark-held") is not None
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert client.post(f"/meetings/{meeting.pk}/held/").status_code == 302
    assert callbacks  # the status change was announced to the task queue...
    assert MeetingPage.objects.get(pk=meeting.pk).status == MeetingPage.Status.HELD
    assert mailoutbox == []  # ...but nobody is re-invited to a meeting that is over
    client.force_login(user_in("BE", "head"))
    assert client.post(f"/meetings/{meeting.pk}/held/").status_code == 403


# --- Demo data -----------------------------------------------------------------------------


def test_demo_has_an_open_poll_and_a_past_meeting_with_attendance(settings):
    from meetings.models import DatePoll, DatePollAnswer
    from portal.demo import run_seeders

    run_seeders()
    run_seeders()  # idempotent
    poll = DatePoll.objects.get(meeting__slug="heads-of-spoc-dublin-2026")
    assert poll.status == DatePoll.Status.OPEN and poll.options.count() == 2
    assert DatePollAnswer.objects.filter(option__poll=poll).count() == 6
    nicosia = MeetingPage.objects.get(slug="heads-of-spoc-nicosia-2026")
    assert Attendance.objects.filter(registration__meeting=nicosia).count() == 5
    assert Feedback.objects.filter(meeting=nicosia).count() == 2
