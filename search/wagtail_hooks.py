"""Site search in the admin and on the API: the report of searches that found nothing (under
Reports, for holders of its view permission: the administrators) and the /api/v1/search router
(portal.plugins)."""

from django.http import HttpRequest
from django.urls import reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from portal.wagtail_hooks import ReadMostlyPermissionPolicy
from search.models import SearchMiss

# Recorded by site search; administrators read (and may clear) them, never write them.
register_permission_policy(
    SearchMiss,
    ReadMostlyPermissionPolicy(SearchMiss, denied_actions=("add", "change")),
    exact_class=True,
)


class SearchMissViewSet(ModelViewSet):
    """Searches with no results, most frequent first: what people look for and do not find.
    Wagtail's own "Search terms" report lists every query with its hits."""

    model = SearchMiss
    icon = "search"
    menu_label = "Searches with no results"
    url_prefix = "reports/search-misses"
    name = "search_misses"
    add_to_admin_menu = False
    list_display = ["query_string", "searches", "first_searched_at", "last_searched_at"]
    search_fields = ["query_string"]
    ordering = ["-searches", "-last_searched_at"]
    copy_view_enabled = False
    form_fields = []


search_miss_viewset = SearchMissViewSet()


@hooks.register("register_admin_viewset")
def register_search_misses() -> SearchMissViewSet:
    return search_miss_viewset


class AdminOnlyMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return search_miss_viewset.permission_policy.user_has_permission(request.user, "view")


@hooks.register("register_reports_menu_item")
def register_search_misses_report() -> MenuItem:
    return AdminOnlyMenuItem(
        "Searches with no results",
        reverse(search_miss_viewset.get_url_name("index")),
        name="search-misses",
        icon_name="search",
        order=1000,
    )


@hooks.register("register_api_router")
def api_router() -> tuple[str, str]:
    return ("/search", "search.api.router")
