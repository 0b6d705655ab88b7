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


# --- Activity report ------------------------------------------------------------------------


@register_seeder
def seed_activity_report(report):
    """A draft activity report for the current semester, by the Presidency's demo editor."""
    from meetings.models import ActivityReport
    from meetings.report import default_period
    from meetings.services import activity_report_create
    from portal.models import User

    start, end, _ = default_period()
    if ActivityReport.objects.filter(period_start=start, period_end=end).exists():
        return
    editor = User.objects.filter(email="presidency.ie@example.eu").first()
    if editor is None:
        return
    activity_report_create(actor=editor, period_start=start, period_end=end)
