"""Stored data for the activity report tests: the second half of 2026 (Irish Presidency) with
two meetings that count (one marked held, one over but never marked), one cancelled, and one
held in the first half."""

import datetime
import zoneinfo

from django.db.models import Max

from meetings.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    MeetingPage,
    Minutes,
    MinutesVersion,
    Registration,
    TopicKind,
)
from portal.models import Country, Organisation
from tests.meetings.factories import make_meeting

VIENNA = zoneinfo.ZoneInfo("Europe/Vienna")
PERIOD = (datetime.date(2026, 7, 1), datetime.date(2026, 12, 31))
NOW = datetime.datetime(2026, 12, 20, 12, 0, tzinfo=datetime.UTC)


def country(code):
    return Country.objects.get(code=code)


def meeting_on(day, title, *, status=MeetingPage.Status.HELD, slug=None, tz=VIENNA):
    return make_meeting(
        title=title,
        slug=slug,
        start=datetime.datetime.combine(day, datetime.time(9, 30), tz),
        end=datetime.datetime.combine(day, datetime.time(17, 0), tz),
        time_zone=str(tz),
        venue="Conference centre",
        online_url="",
        status=status,
    )


def register(meeting, code=None, *, agency=None, name, attendance="in_person", waiting=False):
    position = None
    if waiting:
        last = Registration.objects.filter(meeting=meeting, status="waiting").aggregate(
            last=Max("position")
        )["last"]
        position = (last or 0) + 1
    return Registration.objects.create(
        meeting=meeting,
        country=country(code) if code else None,
        organisation=Organisation.objects.get(slug=agency) if agency else None,
        name=name,
        email=f"{name.lower().replace(' ', '.')}.{meeting.pk}@example.eu",
        attendance=attendance,
        status="waiting" if waiting else "confirmed",
        position=position,
    )


def present(registration, mode="in_person"):
    return Attendance.objects.create(registration=registration, present=True, mode=mode)


def absent(registration):
    return Attendance.objects.create(registration=registration, present=False, mode="")


def minutes(meeting, conclusions, *, approved):
    record = Minutes.objects.create(meeting=meeting)
    version = MinutesVersion.objects.create(
        minutes=record, number=1, minutes_text="<p>Minutes.</p>", conclusions=conclusions
    )
    if approved:
        record.approved_version = version
        record.approved_at = NOW - datetime.timedelta(days=5)
        record.save()
    return record


def action(meeting, title, *, status="open", owner="BE", agency=None):
    closed = status in ("done", "dropped")
    return ActionItem.objects.create(
        meeting=meeting,
        title=title,
        owner_country=None if agency else country(owner),
        owner_organisation=Organisation.objects.get(slug=agency) if agency else None,
        due_date=datetime.date(2027, 3, 1),
        status=status,
        closed_at=NOW - datetime.timedelta(days=30) if closed else None,
    )


def build_period_data():
    """The scenario the content tests read. Returns the meetings by name."""
    vienna = meeting_on(datetime.date(2026, 9, 10), "Heads of SPOC meeting, Vienna")
    online = meeting_on(
        datetime.date(2026, 11, 5),
        "Heads of SPOC online meeting",
        status=MeetingPage.Status.CONFIRMED,  # over, never marked held: it still counts
    )
    cancelled = meeting_on(
        datetime.date(2026, 10, 1), "Heads of SPOC meeting, Graz", status="cancelled"
    )
    nicosia = meeting_on(
        datetime.date(2026, 5, 20),
        "Heads of SPOC meeting, Nicosia",
        tz=zoneinfo.ZoneInfo("Asia/Nicosia"),
    )

    # Vienna: attendance recorded.
    present(register(vienna, "BE", name="Anne Peeters"))
    absent(register(vienna, "BE", name="Bart Janssens"))
    present(register(vienna, "DE", name="Jonas Weber"), mode="remote")
    present(register(vienna, agency="europol", name="Marta Rossi"))
    # Online: no attendance recorded, confirmed registrations count (not the waiting list).
    register(online, "FR", name="Claire Martin", attendance="remote")
    register(online, "FR", name="Luc Bernard", waiting=True)
    # Cancelled: registrations never count.
    register(cancelled, "IT", name="Giulia Bianchi")

    AgendaItem.objects.create(
        meeting=vienna,
        position=1,
        title="Transposition of Directive (EU) 2023/977",
        kind=TopicKind.LEGAL_INSTRUMENTS,
        presenter_country=country("BE"),
    )
    AgendaItem.objects.create(
        meeting=online, position=1, title="SPOC workflow survey", kind=TopicKind.WORKFLOW
    )
    AgendaItem.objects.create(
        meeting=cancelled, position=1, title="Topic of the cancelled meeting", kind="other"
    )

    minutes(vienna, "<p>The network agreed on common SIENA handling codes.</p>", approved=True)
    minutes(online, "<p>Unapproved draft conclusion.</p>", approved=False)

    action(vienna, "Draft a handbook on SPOC workflows", status="open", owner="BE")
    action(vienna, "Circulate the questionnaire", status="done", owner="DE")
    action(online, "Report on training needs", status="in_progress", agency="cepol")
    action(nicosia, "Older open action from Nicosia", status="open", owner="FR")
    old_done = action(nicosia, "Older action closed before the period", status="done")
    ActionItem.objects.filter(pk=old_done.pk).update(
        closed_at=datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC)
    )
    return {"vienna": vienna, "online": online, "cancelled": cancelled, "nicosia": nicosia}
