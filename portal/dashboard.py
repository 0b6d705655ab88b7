"""The home dashboard's panel registry. Apps register panels in their AppConfig.ready() or
wagtail_hooks module:

    @register_panel
    class MyPanel(DashboardPanel):
        name = "my-panel"
        title = "My things"
        template_name = "myapp/panels/my_panel.html"
        order = 50

        def is_visible(self, request): ...
        def get_context(self, request): ...
"""

import logging

from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

_registry = []


class DashboardPanel:
    name = ""
    title = ""
    template_name = ""
    order = 100

    def is_visible(self, request):
        return True

    def get_context(self, request):
        return {}


def register_panel(panel_class):
    if not panel_class.name or not panel_class.template_name:
        raise ValueError("A dashboard panel needs a name and a template_name.")
    if any(existing.name == panel_class.name for existing in _registry):
        raise ValueError(f"A dashboard panel named {panel_class.name!r} is already registered.")
    _registry.append(panel_class)
    _registry.sort(key=lambda cls: (cls.order, cls.name))
    return panel_class


def unregister_panel(name):
    """Remove a panel by name (for tests, or an app that replaces another's panel)."""
    _registry[:] = [cls for cls in _registry if cls.name != name]


def registered_panels():
    return list(_registry)


def panels_for(request):
    """The panels this user sees, each rendered to HTML (`html`), or with `failed` set when the
    panel raised: one broken panel is logged and shown as unavailable, the dashboard and the
    other panels still render."""
    result = []
    for panel_class in _registry:
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
