"""Dashboard panels: the next meetings (everyone) and the Presidency's semester check."""

from django.urls import reverse

from meetings import permissions, selectors
from meetings.models import ActivityReport, MeetingIndexPage
from meetings.report import day, default_period
from portal.dashboard import DashboardPanel


class NextMeetingsPanel(DashboardPanel):
    name = "next-meetings"
    title = "Next meetings"
    template_name = "meetings/panels/next_meetings.html"
    order = 20
    limit = 3

    def is_visible(self, request):
        """Shown when a meeting is coming (the Meetings page says when none is)."""
        if not permissions.can_see_meetings(request.user) or not selectors.any_meeting_upcoming():
            return False
        self.meetings = list(selectors.meetings_upcoming(user=request.user, limit=self.limit))
        return bool(self.meetings)

    def get_context(self, request):
        index = MeetingIndexPage.objects.live().first()
        return {
            "meetings": self.meetings,
            "index_url": index.get_url(request=request) if index else None,
        }


class SemesterCheckPanel(DashboardPanel):
    """Warns the Presidency when the current or the next semester has no meeting planned:
    the network meets at least twice a year, once per Presidency."""

    name = "meeting-semester-check"
    title = "Meetings to convene"
    template_name = "meetings/panels/semester_check.html"
    order = 5

    def is_visible(self, request):
        if not permissions.is_presidency(request.user):
            return False
        self.missing = selectors.presidency_terms_without_meeting()
        return bool(self.missing)

    def get_context(self, request):
        index = MeetingIndexPage.objects.first()
        return {
            "missing": self.missing,
            "admin_url": reverse("wagtailadmin_explore", args=[index.pk]) if index else None,
        }


class ActivityReportPanel(DashboardPanel):
    """The Presidency's activity report to DAPIX for the current semester: not started, in
    draft or approved."""

    name = "activity-report"
    title = "Activity report to DAPIX"
    template_name = "meetings/panels/activity_report.html"
    order = 6

    def is_visible(self, request):
        # is_presidency asks the cached admin permission first: no roles query for others.
        return permissions.is_presidency(request.user)

    def get_context(self, request):
        start, end, term = default_period()
        report = ActivityReport.objects.filter(period_start=start, period_end=end).first()
        return {
            "report": report,
            "semester": (
                f"the Presidency of {term.country.name} ({day(start)} – {day(end)})"
                if term
                else f"{day(start)} – {day(end)}"
            ),
            "list_url": reverse("meetings:report_list"),
            "report_url": (reverse("meetings:report_detail", args=[report.pk]) if report else None),
        }
