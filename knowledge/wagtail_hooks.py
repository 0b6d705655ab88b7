"""Admin wiring of the knowledge base.

- "Obstacle history" (read-only): every status change of the obstacles register, filterable.
- "Extracted document texts" (read-only): what was read out of each attached document, and
  why a file could not be read.
- A fact sheet stays in its country: moving it under another country's page is refused
  (its country and the one-sheet-per-topic rule follow the parent page).
"""

import django_filters
from django.contrib import messages
from django.shortcuts import redirect
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permissions import register_permission_policy

from knowledge import demo, panels, report_sections, search
from knowledge.models import (
    DocumentText,
    FactSheetPage,
    ObstacleStatus,
    ObstacleStatusChange,
)
from portal.wagtail_hooks import ReadMostlyPermissionPolicy

# Written by services and extraction only; administrators (model permissions) read them.
for _model in (ObstacleStatusChange, DocumentText):
    register_permission_policy(
        _model,
        ReadMostlyPermissionPolicy(_model, denied_actions=("add", "change", "delete")),
        exact_class=True,
    )


class ObstacleStatusChangeFilterSet(WagtailFilterSet):
    to_status = django_filters.ChoiceFilter(choices=ObstacleStatus.choices, label="New status")

    class Meta:
        model = ObstacleStatusChange
        fields = ["to_status"]


class ReadOnlyViewSet(ModelViewSet):
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = True
    form_fields = []


class ObstacleStatusChangeViewSet(ReadOnlyViewSet):
    model = ObstacleStatusChange
    icon = "history"
    menu_label = "Obstacle history"
    url_prefix = "knowledge/obstacle-history"
    name = "knowledge_obstacle_history"
    list_display = ["obstacle", "from_status", "to_status", "changed_at", "changed_by"]
    filterset_class = ObstacleStatusChangeFilterSet
    ordering = ["-changed_at", "-pk"]


class DocumentTextViewSet(ReadOnlyViewSet):
    model = DocumentText
    icon = "doc-full"
    menu_label = "Extracted document texts"
    url_prefix = "knowledge/document-texts"
    name = "knowledge_document_texts"
    list_display = ["document", "extracted_at", "error"]
    search_fields = ["text", "error"]
    ordering = ["-extracted_at"]


class KnowledgeAdminGroup(ModelViewSetGroup):
    menu_label = "Knowledge base"
    menu_icon = "doc-full-inverse"
    menu_order = 300
    items = (ObstacleStatusChangeViewSet, DocumentTextViewSet)


@hooks.register("register_admin_viewset")
def register_knowledge_admin():
    return KnowledgeAdminGroup()


@hooks.register("before_move_page")
def keep_fact_sheets_in_their_country(request, page, destination):
    if page.specific_class is not FactSheetPage:
        return None
    if destination.pk == page.get_parent().pk:
        return None
    messages.error(
        request,
        "A fact sheet belongs to its country: create the sheet under the other country "
        "instead of moving it.",
    )
    return redirect("wagtailadmin_explore", page.get_parent().pk)


# --- How knowledge plugs into the portal (portal.plugins) -------------------------------------


@hooks.register("register_dashboard_panel")
def dashboard_panels():
    return panels.FactSheetsToReviewPanel


@hooks.register("register_report_section")
def report_section_types():
    return report_sections.sections()


@hooks.register("register_demo_seeder")
def demo_seeders():
    return [demo.seed_fact_sheets, demo.seed_practices_and_obstacles]


@hooks.register("register_api_router")
def api_routers():
    return [
        ("/factsheets", "knowledge.api.factsheets_router"),
        ("/compare", "knowledge.api.compare_router"),
    ]


@hooks.register("register_search_source")
def search_sources():
    return search.sources()
