"""Demo meetings for `manage.py seed_demo`: one held in Nicosia under the Cypriot Presidency
and one coming in Dublin under the Irish Presidency (2026 H2). Idempotent (by slug)."""

import datetime
import zoneinfo

from meetings.models import MeetingPage
from meetings.services import meeting_create
from portal.demo import register_seeder

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


@register_seeder
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


# --- Date polls, attendance, feedback (m-polls) --------------------------------------------


def _demo_user(email):
    from portal.models import User

    return User.objects.filter(email=email).first()


@register_seeder
def seed_meeting_polls_and_followup(report):
    """The coming Dublin meeting gets an open date poll (two candidates) answered by Belgium,
    Germany and France; the held Nicosia meeting gets delegates, their attendance and two
    feedback answers. Idempotent: nothing is added where a poll or delegates exist."""
    from meetings.models import (
        Attendance,
        DatePoll,
        DatePollAnswer,
        DatePollOption,
        Feedback,
        Registration,
    )
    from portal.models import Country, Organisation

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
                    answered_by=_demo_user(f"head.{code.lower()}@example.eu"),
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
            user = _demo_user(email)
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
