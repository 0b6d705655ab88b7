"""Dashboard panel "Fact sheets to review": an editor's own country's sheets that are overdue
or due within 30 days; reviewers and administrators see every country's."""

from django.utils import timezone

from knowledge import permissions, selectors
from portal.dashboard import DashboardPanel


class FactSheetsToReviewPanel(DashboardPanel):
    name = "fact-sheets-to-review"
    title = "Fact sheets to review"
    template_name = "knowledge/panels/to_review.html"
    order = 30
    limit = 10

    def is_visible(self, request):
        return permissions.sees_review_panel(request.user)

    def get_context(self, request):
        today = timezone.localdate()
        sheets = selectors.sheets_to_review(user=request.user, today=today)
        return {
            "sheets": [
                {"sheet": sheet, "overdue": sheet.is_overdue_on(today)}
                for sheet in sheets[: self.limit]
            ],
            "more": max(0, len(sheets) - self.limit),
            "total": len(sheets),
            "all_countries": permissions.is_reviewer(request.user),
        }
