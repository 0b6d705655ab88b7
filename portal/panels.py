from portal.dashboard import DashboardPanel
from portal.models import UpdateIndexPage
from portal.selectors import update_list


class LatestUpdatesPanel(DashboardPanel):
    """The five newest published Presidency updates the user may see."""

    name = "latest-updates"
    title = "Latest Presidency updates"
    template_name = "portal/panels/latest_updates.html"
    order = 10
    limit = 5

    def get_context(self, request):
        index = UpdateIndexPage.objects.live().first()
        return {
            "updates": list(update_list(user=request.user, limit=self.limit)),
            "index_url": index.get_url(request=request) if index else None,
        }
