"""How an app plugs into the portal: Wagtail hooks, registered from the app's wagtail_hooks.py.

Each hook function takes no argument and returns one item or a list of items:

    @hooks.register("register_dashboard_panel")
    def dashboard_panels():
        return [panels.UpcomingMeetingsPanel, panels.MyRegistrationsPanel]

| hook | each item | collected by |
|---|---|---|
| `register_dashboard_panel` | a `portal.dashboard.DashboardPanel` subclass | `portal.dashboard` |
| `register_report_section` | a `meetings.report.ReportSectionType` | `meetings.report` |
| `register_demo_seeder` | a seeder `seeder(report)` | `portal.demo.run_seeders` |
| `register_api_router` | a `(prefix, router or its dotted path)` pair | `portal.api` |
| `register_search_source` | a `search.sources.search_source(...)` | `search.sources` |

The items are collected at first use and kept until the registered hook functions change (so
`wagtail.hooks.register_temporarily` works in tests). Their order is the hooks' (`order=`,
then INSTALLED_APPS order, then the order in the module); each collector then sorts by the
items' own `order` where they have one."""

import threading

from wagtail import hooks

DASHBOARD_PANEL = "register_dashboard_panel"
REPORT_SECTION = "register_report_section"
DEMO_SEEDER = "register_demo_seeder"
API_ROUTER = "register_api_router"
SEARCH_SOURCE = "register_search_source"

_cache = {}
_lock = threading.Lock()


def collect(hook_name, build=list):
    """`build(items)` over the items every `hook_name` hook function returns, cached while the
    registered functions stay the same."""
    functions = tuple(hooks.get_hooks(hook_name))
    cached = _cache.get(hook_name)
    if cached is not None and cached[0] == functions:
        return cached[1]
    with _lock:
        items = []
        for function in functions:
            result = function()
            items.extend(result if isinstance(result, list) else [result])
        built = build(items)
        _cache[hook_name] = (functions, built)
    return built
