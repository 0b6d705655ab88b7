"""Demo meetings for `manage.py seed_demo`: one held in Nicosia under the Cypriot Presidency
and one coming in Dublin under the Irish Presidency (2026 H2). Idempotent (by slug)."""

import datetime
import zoneinfo

from django.utils import timezone

from meetings import services
from meetings.models import (
    ActivityReport,
    AgencyInvitation,
    AgendaProposal,
    Attendance,
    DatePoll,
    DatePollAnswer,
    DatePollOption,
    Feedback,
    MeetingPage,
    Minutes,
    Registration,
)
from meetings.report import default_period
from meetings.services import activity_report_create, meeting_create
from portal.demo import demo_user
from portal.models import Country, Organisation

DEMO_MEETINGS = [
    {
        "slug": "heads-of-spoc-nicosia-2026",
        "title": "Heads of SPOC meeting, Nicosia",
        "day": datetime.date(2026, 5, 20),
        "times": ((9, 30), (17, 0)),
        "days": 2,
        "time_zone": "Asia/Nicosia",
        "venue": "Filoxenia Conference Centre, Nicosia",
        "status": MeetingPage.Status.HELD,
        "description": "<p>First network meeting of 2026: transposition of Directive (EU) "
        "2023/977 and case-management standards.</p>",
    },
    {
        "slug": "heads-of-spoc-dublin-2026",
        "title": "Heads of SPOC meeting, Dublin",
        "day": datetime.date(2026, 12, 3),
        "times": ((9, 30), (13, 0)),
        "days": 2,
        "time_zone": "Europe/Dublin",
        "venue": "Dublin Castle, Dame Street, Dublin 2",
        "status": MeetingPage.Status.INVITATIONS_SENT,
        "online_url": "https://meet.example.eu/spoc-dublin-2026",
        "description": "<p>Second network meeting of 2026, convened by the Irish Presidency. "
        "Agenda proposals are welcome until 13 November.</p>",
    },
]


def seed_meetings(report):
    for spec in DEMO_MEETINGS:
        if MeetingPage.objects.filter(slug=spec["slug"]).exists():
            continue
        tz = zoneinfo.ZoneInfo(spec["time_zone"])
        (start_h, start_m), (end_h, end_m) = spec["times"]
        last_day = spec["day"] + datetime.timedelta(days=spec["days"] - 1)
        meeting_create(
            slug=spec["slug"],
            title=spec["title"],
            start=datetime.datetime.combine(spec["day"], datetime.time(start_h, start_m), tz),
            end=datetime.datetime.combine(last_day, datetime.time(end_h, end_m), tz),
            time_zone=spec["time_zone"],
            venue=spec["venue"],
            online_url=spec.get("online_url", ""),
            status=spec["status"],
            description=spec["description"],
        )


# --- Agenda: proposals, agenda, minutes, action items --------------------------------------


def seed_agenda(report):
    """Proposals (one supported, one accepted) and a draft agenda for the Dublin meeting;
    approved minutes and action items (one still open, carried to Dublin) for Nicosia.
    Idempotent: a meeting that already has proposals, or minutes, is left alone."""
    presidency = demo_user("presidency.ie@example.eu")
    approver = demo_user("approver.ie@example.eu")
    head_be = demo_user("head.be@example.eu")
    head_de = demo_user("head.de@example.eu")
    europol_user = demo_user("europol@example.eu")
    dublin = MeetingPage.objects.filter(slug="heads-of-spoc-dublin-2026").first()
    nicosia = MeetingPage.objects.filter(slug="heads-of-spoc-nicosia-2026").first()
    if None in (presidency, approver, head_be, head_de, europol_user, dublin, nicosia):
        return
    europol = Organisation.objects.get(slug="europol")
    cepol = Organisation.objects.get(slug="cepol")

    if not AgendaProposal.objects.filter(meeting=dublin).exists():
        proposed_on = dublin.start - datetime.timedelta(days=40)
        siena = services.proposal_create(
            actor=head_be,
            meeting=dublin,
            title="Data quality of SIENA messages between SPOCs",
            kind="workflow",
            description="Recurring rejections of incomplete messages; a shared checklist.",
            agencies=[europol],
            now=proposed_on,
        )
        services.proposal_support(actor=head_de, proposal=siena, now=proposed_on)
        training = services.proposal_create(
            actor=europol_user,
            meeting=dublin,
            title="Joint training of SPOC operators with CEPOL",
            kind="best_practices",
            agencies=[europol, cepol],
            now=proposed_on,
        )
        services.proposal_support(actor=head_be, proposal=training, now=proposed_on)
        services.proposal_support(actor=head_de, proposal=training, now=proposed_on)
        tz = dublin.tzinfo
        day = dublin.start.astimezone(tz).date()
        services.agenda_item_create(
            actor=presidency,
            meeting=dublin,
            title="Opening and adoption of the agenda",
            starts_at=datetime.datetime.combine(day, datetime.time(9, 30), tz),
            ends_at=datetime.datetime.combine(day, datetime.time(9, 45), tz),
            presenter_country=Country.objects.get(code="IE"),
        )
        services.agenda_item_create(
            actor=presidency,
            meeting=dublin,
            title="Directive (EU) 2023/977: state of transposition",
            kind="legal_instruments",
            starts_at=datetime.datetime.combine(day, datetime.time(9, 45), tz),
            ends_at=datetime.datetime.combine(day, datetime.time(11, 0), tz),
        )
        services.proposal_accept(actor=presidency, proposal=siena)
        # Back-dated demo: the agencies were told already (seeding sends no email).
        AgencyInvitation.objects.filter(meeting=dublin).update(notified_at=timezone.now())

    if not Minutes.objects.filter(meeting=nicosia).exists():
        services.minutes_save(
            actor=presidency,
            meeting=nicosia,
            minutes_text="The Chair opened the meeting and the agenda was adopted.\n\n"
            "Member States reported on the transposition of Directive (EU) 2023/977.",
            conclusions="The network will share a SIENA message checklist before December.",
            change_note="First draft",
            base_version=0,
        )
        services.minutes_save(
            actor=presidency,
            meeting=nicosia,
            minutes_text="The Chair opened the meeting and the agenda was adopted.\n\n"
            "Member States reported on the transposition of Directive (EU) 2023/977; "
            "twelve have notified full transposition.",
            conclusions="The network will share a SIENA message checklist before December.",
            change_note="Transposition figures added",
            base_version=1,
        )
        services.minutes_approve(actor=approver, meeting=nicosia, version_number=2)
        services.action_item_create(
            actor=presidency,
            meeting=nicosia,
            title="Circulate a SIENA message checklist",
            owner_country=Country.objects.get(code="BE"),
            due_date=datetime.date(2026, 11, 15),
        )
        done = services.action_item_create(
            actor=presidency,
            meeting=nicosia,
            title="Share the national contact sheet template",
            owner_organisation=europol,
            due_date=datetime.date(2026, 7, 1),
        )
        services.action_item_set_status(
            actor=presidency, action=done, status="done", note="Sent on 24 June."
        )


# --- Date polls, attendance, feedback ------------------------------------------------------


def seed_meeting_polls_and_followup(report):
    """The coming Dublin meeting gets an open date poll (two candidates) answered by Belgium,
    Germany and France; the held Nicosia meeting gets delegates, their attendance and two
    feedback answers. Idempotent: nothing is added where a poll or delegates exist."""
    dublin = MeetingPage.objects.filter(slug="heads-of-spoc-dublin-2026").first()
    if dublin is not None and not DatePoll.objects.filter(meeting=dublin).exists():
        tz = dublin.tzinfo
        poll = DatePoll.objects.create(
            meeting=dublin,
            note="The Irish Presidency proposes two dates; please answer by 20 November.",
        )
        candidates = [
            DatePollOption.objects.create(
                poll=poll,
                start=datetime.datetime(2026, 12, day, 9, 30, tzinfo=tz),
                end=datetime.datetime(2026, 12, day + 1, 13, 0, tzinfo=tz),
            )
            for day in (3, 10)
        ]
        answers = {"BE": ("yes", "if_need_be"), "DE": ("yes", "no"), "FR": ("if_need_be", "yes")}
        for code, values in answers.items():
            country = Country.objects.get(code=code)
            for option, value in zip(candidates, values, strict=True):
                DatePollAnswer.objects.create(
                    option=option,
                    country=country,
                    answer=value,
                    answered_by=demo_user(f"head.{code.lower()}@example.eu"),
                )

    nicosia = MeetingPage.objects.filter(slug="heads-of-spoc-nicosia-2026").first()
    if nicosia is not None and not Registration.objects.filter(meeting=nicosia).exists():
        delegates = [
            ("BE", None, "Hélène Dubois", "head.be@example.eu", "in_person", True),
            ("BE", None, "Pieter Claes", "officer.be@example.eu", "remote", True),
            ("DE", None, "Jonas Weber", "head.de@example.eu", "in_person", True),
            ("DE", None, "Lena Schmidt", "officer.de@example.eu", "in_person", False),
            (None, "europol", "Europol liaison", "liaison@europol.example.eu", "remote", True),
        ]
        for code, org, name, email, mode, present in delegates:
            registration = Registration.objects.create(
                meeting=nicosia,
                country=Country.objects.get(code=code) if code else None,
                organisation=Organisation.objects.get(slug=org) if org else None,
                name=name,
                email=email,
                attendance=mode,
                status=Registration.Status.CONFIRMED,
            )
            Attendance.objects.create(
                registration=registration, present=present, mode=mode if present else ""
            )
        for email, rating, topics, suggestions in (
            ("head.be@example.eu", 4, "Transposition of Directive 2023/977", ""),
            ("head.de@example.eu", 5, "SPOC case management", "More time for bilateral talks"),
        ):
            user = demo_user(email)
            if user is not None:
                Feedback.objects.get_or_create(
                    meeting=nicosia,
                    user=user,
                    defaults={
                        "rating": rating,
                        "useful_topics": topics,
                        "suggestions": suggestions,
                    },
                )


# --- Activity report ------------------------------------------------------------------------


def seed_activity_report(report):
    """A draft activity report for the current semester, by the Presidency's demo editor."""
    start, end, _ = default_period()
    if ActivityReport.objects.filter(period_start=start, period_end=end).exists():
        return
    editor = demo_user("presidency.ie@example.eu")
    if editor is None:
        return
    activity_report_create(actor=editor, period_start=start, period_end=end)
