"""Dashboard panel for the SPOC's officers and head: cases overdue or due within a day."""

from django.urls import reverse
from django.utils import timezone

from cases import deadlines, permissions, selectors
from portal.dashboard import DashboardPanel


class CaseDeadlinesPanel(DashboardPanel):
    name = "case-deadlines"
    title = "Case deadlines"
    template_name = "cases/panels/deadlines.html"
    order = 3

    def is_visible(self, request):
        """Shown to the SPOC's officers and head when a case is overdue or due within a day."""
        if not permissions.can_write_cases(request.user):
            return False
        self.now = timezone.now()
        self.cases = selectors.deadline_watch(request.user, now=self.now)
        return bool(self.cases)

    def get_context(self, request):
        now, cases = self.now, self.cases
        for case in cases:
            case.standing = deadlines.standing(case.due_at, now=now, urgent=case.short_limit)
            case.standing_text = deadlines.humanise(case.standing.remaining)
        country = permissions.case_country(request.user)
        return {
            "cases": cases,
            "zone": deadlines.zone_for(country.code),
            "list_url": reverse("cases:case_list"),
        }
