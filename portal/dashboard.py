"""The home dashboard's panels. An app defines a panel class and returns it from a
`register_dashboard_panel` hook in its wagtail_hooks.py (portal.plugins):

    class MyPanel(DashboardPanel):
        name = "my-panel"
        title = "My things"
        template_name = "myapp/panels/my_panel.html"
        order = 50

        def is_visible(self, request): ...
        def get_context(self, request): ...

    @hooks.register("register_dashboard_panel")
    def dashboard_panels():
        return MyPanel

Panels show in `order`, then by name; names are unique.
"""

import logging

from django.template.loader import render_to_string

from portal import plugins

logger = logging.getLogger(__name__)


class DashboardPanel:
    name = ""
    title = ""
    template_name = ""
    order = 100

    def is_visible(self, request):
        return True

    def get_context(self, request):
        return {}


def _checked_panels(panel_classes):
    names = set()
    for panel_class in panel_classes:
        if not panel_class.name or not panel_class.template_name:
            raise ValueError("A dashboard panel needs a name and a template_name.")
        if panel_class.name in names:
            raise ValueError(f"A dashboard panel named {panel_class.name!r} is already registered.")
        names.add(panel_class.name)
    return tuple(sorted(panel_classes, key=lambda cls: (cls.order, cls.name)))


def registered_panels():
    """Every panel class of the `register_dashboard_panel` hooks, in dashboard order."""
    return list(plugins.collect(plugins.DASHBOARD_PANEL, _checked_panels))


def panels_for(request):
    """The panels this user sees, each rendered to HTML (`html`), or with `failed` set when the
    panel raised: one broken panel is logged and shown as unavailable, the dashboard and the
    other panels still render."""
    result = []
    for panel_class in registered_panels():
        panel = panel_class()
        entry = {"name": panel.name, "title": panel.title, "html": "", "failed": False}
        try:
            if not panel.is_visible(request):
                continue
            entry["html"] = render_to_string(
                panel.template_name,
                {"panel_context": panel.get_context(request), "request": request},
                request=request,
            )
        except Exception:
            logger.exception("Dashboard panel %r failed", panel.name)
            entry["failed"] = True
        result.append(entry)
    return result
