"""Date polls: the Presidency offers candidate dates, each country answers through its Head of
SPOC, everyone sees the answers per country, the Presidency picks the date and the meeting
takes it (with a raised calendar SEQUENCE) and the heads are told."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from meetings.models import DatePoll, DatePollAnswer, DatePollOption, MeetingPage
from meetings.services import (
    date_poll_answer,
    date_poll_close,
    date_poll_decide,
)
from portal.models import Country
from tests.factories import admin_user, user_in
from tests.helpers import soup_of
from tests.meetings.factories import DUBLIN, make_meeting
from tests.meetings.polls_helpers import (
    CANDIDATES,
    agency_user,
    answer_values,
    open_poll,
    presidency_user,
)

pytestmark = pytest.mark.django_db


def answers_of(poll):
    return sorted(
        (a.country.code, a.option.start.day, a.answer)
        for a in DatePollAnswer.objects.filter(option__poll=poll).select_related(
            "country", "option"
        )
    )


# --- Opening -------------------------------------------------------------------------------


def test_presidency_opens_a_poll_with_candidates(meeting):
    poll = open_poll(meeting)
    assert poll.status == DatePoll.Status.OPEN
    assert [(o.start, o.end) for o in poll.options.all()] == CANDIDATES


@pytest.mark.parametrize("who", ["officer", "head", "agency"])
def test_only_the_presidency_opens_a_poll(meeting, who):
    actor = {
        "officer": lambda: user_in("BE", "officer"),
        "head": lambda: user_in("BE", "head"),
        "agency": agency_user,
    }[who]()
    with pytest.raises(PermissionDenied):
        open_poll(meeting, actor=actor)
    assert not DatePoll.objects.exists()


@pytest.mark.parametrize(
    "options",
    [
        [CANDIDATES[0]],  # one candidate is no choice
        [CANDIDATES[0], (CANDIDATES[1][1], CANDIDATES[1][0])],  # ends before it starts
        [CANDIDATES[0], CANDIDATES[0]],  # twice the same
    ],
)
def test_bad_candidates_are_refused_and_nothing_saved(meeting, options):
    with pytest.raises(ValidationError):
        open_poll(meeting, options=options)
    assert not DatePoll.objects.exists()
    assert not DatePollOption.objects.exists()


def test_a_meeting_has_one_poll(meeting):
    open_poll(meeting)
    with pytest.raises(ValidationError):
        open_poll(meeting)


def test_option_constraint_holds_in_the_database(meeting):
    poll = open_poll(meeting)
    with pytest.raises(IntegrityError), transaction.atomic():
        DatePollOption.objects.create(poll=poll, start=CANDIDATES[0][1], end=CANDIDATES[0][0])


def test_open_form_reads_times_in_the_meetings_zone(client, meeting):
    client.force_login(presidency_user())
    response = client.post(
        f"/meetings/{meeting.pk}/poll/",
        {
            "start_1": "2027-03-10T09:30",
            "end_1": "2027-03-10T17:00",
            "start_2": "2027-03-17T09:30",
            "end_2": "2027-03-17T17:00",
        },
    )
    assert response.status_code == 302
    options = list(DatePoll.objects.get(meeting=meeting).options.all())
    # Dublin in March (before the clocks change) is UTC.
    assert options[0].start == datetime.datetime(2027, 3, 10, 9, 30, tzinfo=datetime.UTC)
    assert options[0].start.astimezone(DUBLIN).hour == 9


def test_open_form_error_when_a_candidate_ends_before_it_starts(client, meeting):
    client.force_login(presidency_user())
    response = client.post(
        f"/meetings/{meeting.pk}/poll/",
        {
            "start_1": "2027-03-10T09:30",
            "end_1": "2027-03-10T08:00",
            "start_2": "2027-03-17T09:30",
            "end_2": "2027-03-17T17:00",
        },
    )
    assert response.status_code == 400
    errors = soup_of(response).select("#date-poll-open .error")
    assert any("must end after it starts" in e.get_text() for e in errors)
    assert not DatePoll.objects.exists()


def test_open_form_only_for_the_presidency(client, meeting):
    client.force_login(user_in("BE", "head"))
    assert soup_of(client.get(meeting.url)).select_one("#date-poll-open") is None
    response = client.post(
        f"/meetings/{meeting.pk}/poll/",
        {"start_1": "2027-03-10T09:30", "end_1": "2027-03-10T17:00"},
    )
    assert response.status_code == 403
    assert not DatePoll.objects.exists()


# --- Answering -----------------------------------------------------------------------------


def test_heads_answer_for_their_country_and_may_change_it(meeting, head_be, head_de):
    poll = open_poll(meeting)
    date_poll_answer(actor=head_be, poll=poll, answers=answer_values(poll, "yes", "no"))
    date_poll_answer(actor=head_de, poll=poll, answers=answer_values(poll, "if_need_be", "yes"))
    date_poll_answer(actor=head_be, poll=poll, answers=answer_values(poll, "no", "yes"))
    assert answers_of(poll) == [
        ("BE", 3, "no"),
        ("BE", 10, "yes"),
        ("DE", 3, "if_need_be"),
        ("DE", 10, "yes"),
    ]


def test_one_answer_per_country_and_option_in_the_database(meeting, head_be):
    poll = open_poll(meeting)
    date_poll_answer(actor=head_be, poll=poll, answers=answer_values(poll, "yes", "no"))
    option = poll.options.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        DatePollAnswer.objects.create(
            option=option, country=Country.objects.get(code="BE"), answer="no"
        )


@pytest.mark.parametrize("who", ["officer", "agency", "presidency"])
def test_only_heads_answer(meeting, who):
    poll = open_poll(meeting)
    actor = {
        "officer": lambda: user_in("BE", "officer"),
        "agency": agency_user,
        "presidency": presidency_user,
    }[who]()
    with pytest.raises(PermissionDenied):
        date_poll_answer(actor=actor, poll=poll, answers=answer_values(poll, "yes", "yes"))
    assert not DatePollAnswer.objects.exists()


def test_a_head_cannot_answer_for_another_country(meeting, head_be):
    poll = open_poll(meeting)
    with pytest.raises(PermissionDenied):
        date_poll_answer(
            actor=head_be,
            poll=poll,
            answers=answer_values(poll, "yes", "yes"),
            country=Country.objects.get(code="FR"),
        )
    assert not DatePollAnswer.objects.exists()


def test_incomplete_or_unknown_answers_are_refused(meeting, head_be):
    poll = open_poll(meeting)
    first, second = poll.options.values_list("pk", flat=True)
    other = open_poll(make_meeting(title="Other"))
    for answers in (
        {first: "yes"},  # the second candidate is missing
        {first: "yes", second: "maybe"},  # not an answer
        {first: "yes", second: "no", other.options.first().pk: "yes"},  # another poll's
    ):
        with pytest.raises(ValidationError):
            date_poll_answer(actor=head_be, poll=poll, answers=answers)
    assert not DatePollAnswer.objects.exists()


def test_no_answers_once_closed_or_past_closing_time(meeting, head_be):
    poll = open_poll(
        meeting,
        closes_at=datetime.datetime(2026, 11, 20, 12, 0, tzinfo=datetime.UTC),
        now=datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC),
    )
    late = datetime.datetime(2026, 11, 20, 12, 1, tzinfo=datetime.UTC)
    with pytest.raises(ValidationError):
        date_poll_answer(
            actor=head_be, poll=poll, answers=answer_values(poll, "yes", "no"), now=late
        )
    date_poll_close(actor=presidency_user(), poll=poll)
    with pytest.raises(ValidationError):
        date_poll_answer(actor=head_be, poll=poll, answers=answer_values(poll, "yes", "no"))
    assert not DatePollAnswer.objects.exists()


def answer_post(poll, *values, **extra):
    data = {f"answer-{pk}": v for pk, v in answer_values(poll, *values).items()}
    data.update(extra)
    return data


def test_head_answers_through_the_page(client, meeting, head_be):
    poll = open_poll(meeting)
    client.force_login(head_be)
    form = soup_of(client.get(meeting.url)).select_one("#date-poll-answer")
    assert len(form.select("fieldset")) == 2
    response = client.post(f"/meetings/{meeting.pk}/poll/answer/", answer_post(poll, "yes", "no"))
    assert response.status_code == 302
    soup = soup_of(client.get(meeting.url))
    checked = [i["value"] for i in soup.select("#date-poll-answer input[checked]")]
    assert checked == ["yes", "no"]


@pytest.mark.parametrize(
    ("who", "extra"),
    [
        ("officer", {}),
        ("agency", {}),
        ("head_de", {"country": "BE"}),
        ("head_de", {"country": "XX"}),
    ],
)
def test_forged_or_foreign_answers_get_403_and_nothing_saved(client, meeting, who, extra):
    poll = open_poll(meeting)
    actor = {
        "officer": lambda: user_in("BE", "officer"),
        "agency": agency_user,
        "head_de": lambda: user_in("DE", "head"),
    }[who]()
    client.force_login(actor)
    response = client.post(
        f"/meetings/{meeting.pk}/poll/answer/", answer_post(poll, "yes", "yes", **extra)
    )
    assert response.status_code == 403
    assert not DatePollAnswer.objects.exists()


def test_missing_answer_is_a_form_error(client, meeting, head_be):
    poll = open_poll(meeting)
    client.force_login(head_be)
    first = poll.options.first()
    response = client.post(f"/meetings/{meeting.pk}/poll/answer/", {f"answer-{first.pk}": "yes"})
    assert response.status_code == 400
    assert (
        "Answer every candidate date"
        in soup_of(response).select_one("#date-poll [role=alert]").get_text()
    )
    assert not DatePollAnswer.objects.exists()


# --- Seeing the answers ------------------------------------------------------------------


def test_everyone_sees_the_answers_per_country_with_counts(client, meeting, head_be, head_de):
    poll = open_poll(meeting)
    date_poll_answer(actor=head_be, poll=poll, answers=answer_values(poll, "yes", "no"))
    date_poll_answer(actor=head_de, poll=poll, answers=answer_values(poll, "yes", "if_need_be"))
    client.force_login(agency_user())
    soup = soup_of(client.get(meeting.url))
    table = soup.select_one("#date-poll-answers")
    rows = {
        tr["data-country"]: [td.get_text(strip=True) for td in tr.select("td")]
        for tr in table.select("tr.country-answers")
    }
    assert rows == {"BE": ["Yes", "No"], "DE": ["Yes", "If need be"]}
    assert [td.get_text() for td in table.select("tr.count-yes td")] == ["2", "0"]
    assert [td.get_text() for td in table.select("tr.count-if-need-be td")] == ["0", "1"]
    # read-only: no answer form, no decision form, no list of missing countries
    assert soup.select_one("#date-poll-answer") is None
    assert soup.select_one("#date-poll-decide") is None
    assert soup.select_one("#date-poll-missing") is None


def test_heads_see_which_countries_have_not_answered(client, meeting, head_be, head_de):
    poll = open_poll(meeting)
    date_poll_answer(actor=head_be, poll=poll, answers=answer_values(poll, "yes", "no"))
    client.force_login(head_de)
    missing = soup_of(client.get(meeting.url)).select_one("#date-poll-missing").get_text()
    assert "Germany" in missing and "France" in missing
    assert "Belgium" not in missing


# --- Deciding ------------------------------------------------------------------------------


def test_presidency_picks_the_date_and_the_meeting_takes_it(
    meeting, head_be, head_de, mailoutbox, django_capture_on_commit_callbacks
):
    poll = open_poll(meeting)
    date_poll_answer(actor=head_be, poll=poll, answers=answer_values(poll, "no", "yes"))
    sequence = MeetingPage.objects.get(pk=meeting.pk).ical_sequence
    chosen = poll.options.last()
    with django_capture_on_commit_callbacks(execute=True):
        date_poll_decide(actor=presidency_user(), poll=poll, option=chosen)
    meeting = MeetingPage.objects.get(pk=meeting.pk)
    assert (meeting.start, meeting.end) == CANDIDATES[1]
    assert meeting.ical_sequence == sequence + 1  # calendar clients must update
    poll.refresh_from_db()
    assert poll.status == DatePoll.Status.DECIDED and poll.chosen_option == chosen
    heads_told = sorted(m.to[0] for m in mailoutbox if "Date chosen" in m.subject)
    assert heads_told == sorted([head_be.email, head_de.email])
    assert "Thursday 10 December 2026, 09:30" in mailoutbox[-1].body


def test_an_option_of_another_poll_is_refused(meeting):
    poll = open_poll(meeting)
    other = open_poll(
        make_meeting(title="Other"),
        options=[
            (
                CANDIDATES[0][0] + datetime.timedelta(days=60),
                CANDIDATES[0][1] + datetime.timedelta(days=60),
            ),
            (
                CANDIDATES[1][0] + datetime.timedelta(days=60),
                CANDIDATES[1][1] + datetime.timedelta(days=60),
            ),
        ],
    )
    with pytest.raises(ValidationError):
        date_poll_decide(actor=presidency_user(), poll=poll, option=other.options.first())
    poll.refresh_from_db()
    assert poll.status == DatePoll.Status.OPEN
    assert MeetingPage.objects.get(pk=meeting.pk).start == meeting.start


def test_only_the_presidency_decides(client, meeting, head_be):
    poll = open_poll(meeting)
    with pytest.raises(PermissionDenied):
        date_poll_decide(actor=head_be, poll=poll, option=poll.options.first())
    client.force_login(head_be)
    response = client.post(
        f"/meetings/{meeting.pk}/poll/decide/", {"option": poll.options.first().pk}
    )
    assert response.status_code == 403
    assert DatePoll.objects.get().status == DatePoll.Status.OPEN


def test_decide_through_the_page_shows_the_new_date(client, meeting):
    poll = open_poll(meeting)
    client.force_login(admin_user())
    response = client.post(
        f"/meetings/{meeting.pk}/poll/decide/", {"option": poll.options.last().pk}
    )
    assert response.status_code == 302
    soup = soup_of(client.get(meeting.url))
    assert soup.select_one("#meeting-when time")["datetime"].startswith("2026-12-10T09:30")
    assert "Date chosen" in soup.select_one("#date-poll-status").get_text()
    assert soup.select_one("#date-poll-decide") is None


def test_decide_with_a_foreign_option_is_a_form_error(client, meeting):
    poll = open_poll(meeting)
    client.force_login(admin_user())
    response = client.post(f"/meetings/{meeting.pk}/poll/decide/", {"option": 999999})
    assert response.status_code == 400
    assert soup_of(response).select_one("#date-poll [role=alert]") is not None
    assert DatePoll.objects.get(pk=poll.pk).status == DatePoll.Status.OPEN


# --- Query counts ------------------------------------------------------------------------


def test_meeting_page_with_a_big_poll_has_a_bounded_query_count(
    client, meeting, django_assert_num_queries
):
    """4 candidates and 31 answers each: the page costs the same as with 1 answer each."""
    base = CANDIDATES[0][0]
    options = [
        (base + datetime.timedelta(days=7 * i), base + datetime.timedelta(days=7 * i, hours=8))
        for i in range(4)
    ]
    poll = open_poll(meeting, options=options)
    countries = list(Country.objects.order_by("code"))
    option_ids = list(poll.options.values_list("pk", flat=True))

    def answer(country_list):
        DatePollAnswer.objects.bulk_create(
            DatePollAnswer(option_id=pk, country=c, answer="yes")
            for c in country_list
            for pk in option_ids
        )

    answer(countries[:1])
    viewers = [user_in("BE", "head"), agency_user(), presidency_user()]
    counts = {}
    for viewer in viewers:
        client.force_login(viewer)
        client.get(meeting.url)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(meeting.url).status_code == 200
        counts[viewer.pk] = len(captured)
        # the poll and the agenda, proposals, minutes and action sections of the page
        assert len(captured) <= 38, "\n".join(q["sql"][:150] for q in captured.captured_queries)
    answer(countries[1:])
    assert DatePollAnswer.objects.count() == 4 * 31
    for viewer in viewers:
        client.force_login(viewer)
        client.get(meeting.url)
        with django_assert_num_queries(counts[viewer.pk]):
            response = client.get(meeting.url)
        assert len(soup_of(response).select("#date-poll-answers tr.country-answers")) == 31


def test_registered_participants_get_the_new_date_as_a_calendar_update(
    meeting, head_be, mailoutbox, django_capture_on_commit_callbacks, time_machine
):
    from icalendar import Calendar

    from meetings.services import registration_add

    # before the meeting (past meetings are not announced again)
    time_machine.move_to(datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC), tick=False)
    poll = open_poll(meeting)
    with django_capture_on_commit_callbacks(execute=True):
        registration_add(
            actor=head_be,
            meeting=meeting,
            name="Ann",
            email="ann@example.eu",
            attendance="remote",
        )
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        date_poll_decide(actor=presidency_user(), poll=poll, option=poll.options.last())
    (update,) = [m for m in mailoutbox if m.to == ["ann@example.eu"]]
    part = next(p for p in update.message().walk() if p.get_content_type() == "text/calendar")
    event = Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == CANDIDATES[1][0]
    assert event["SEQUENCE"] == MeetingPage.objects.get(pk=meeting.pk).ical_sequence > 0


# --- API -----------------------------------------------------------------------------------


def test_api_detail_gives_the_poll_with_counts_and_the_chosen_date(
    client, meeting, head_be, head_de
):
    client.force_login(user_in("BE", "officer"))
    assert client.get(f"/api/v1/meetings/{meeting.pk}").json()["date_poll"] is None

    poll = open_poll(meeting)
    date_poll_answer(actor=head_be, poll=poll, answers=answer_values(poll, "yes", "if_need_be"))
    date_poll_answer(actor=head_de, poll=poll, answers=answer_values(poll, "no", "yes"))
    first, second = poll.options.order_by("start")
    data = client.get(f"/api/v1/meetings/{meeting.pk}").json()["date_poll"]
    assert data["status"] == "open"
    assert data["chosen_option_id"] is None
    assert [(o["id"], o["start"], o["counts"], o["chosen"]) for o in data["options"]] == [
        (first.pk, "2026-12-03T09:30:00Z", {"yes": 1, "if_need_be": 0, "no": 1}, False),
        (second.pk, "2026-12-10T09:30:00Z", {"yes": 1, "if_need_be": 1, "no": 0}, False),
    ]

    date_poll_decide(actor=presidency_user(), poll=poll, option=second)
    data = client.get(f"/api/v1/meetings/{meeting.pk}").json()
    assert data["date_poll"]["status"] == "decided"
    assert data["date_poll"]["chosen_option_id"] == second.pk
    assert [o["chosen"] for o in data["date_poll"]["options"]] == [False, True]
    assert data["start"] == "2026-12-10T09:30:00Z"  # the meeting took the chosen date


def test_api_poll_is_in_the_openapi_schema(client, meeting):
    client.force_login(user_in("BE", "officer"))
    schema = client.get("/api/v1/openapi.json").json()
    detail = schema["paths"]["/api/v1/meetings/{meeting_id}"]["get"]
    ref = detail["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    properties = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]["properties"]
    assert "date_poll" in properties
    poll = schema["components"]["schemas"]["DatePollOut"]["properties"]
    assert {"status", "options", "chosen_option_id"} <= set(poll)
    option = schema["components"]["schemas"]["DatePollOptionOut"]["properties"]
    assert {"start", "end", "counts", "chosen"} <= set(option)
