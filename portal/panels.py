from portal.dashboard import DashboardPanel, register_panel
from portal.selectors import update_list


@register_panel
class LatestUpdatesPanel(DashboardPanel):
    name = "latest-updates"
    title = "Latest Presidency updates"
    template_name = "portal/panels/latest_updates.html"
    order = 10

    def get_context(self, request):
        return {"updates": list(update_list(limit=5))}
