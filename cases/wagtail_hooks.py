"""Admin wiring of the case register: read-only listings for administrators, and only when
CASES_ADMIN_ACCESS is on (heads and officers work on the /cases/ pages, which the admin does
not replace). Every queryset comes from the scoped selectors; nothing can be added, changed or
deleted here, and opening a case logs a consultation like the pages do."""

from django.http import Http404
from wagtail import hooks
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from cases import demo, panels, permissions, selectors, services
from cases.models import AuditEntry, Case


class ReadOnlyCasePolicy(ModelPermissionPolicy):
    def _allowed(self, user):
        return permissions.admin_reads_all(user)

    def user_has_permission(self, user, action):
        return action == "view" and self._allowed(user)

    def user_has_any_permission(self, user, actions):
        return "view" in actions and self._allowed(user)

    def users_with_any_permission(self, actions):
        from django.conf import settings
        from django.contrib.auth import get_user_model

        users = get_user_model().objects.filter(is_active=True, is_superuser=True)
        if "view" not in actions or not getattr(settings, "CASES_ADMIN_ACCESS", False):
            return users.none()
        return users


for _model in (Case, AuditEntry):
    register_permission_policy(_model, ReadOnlyCasePolicy(_model), exact_class=True)


class ScopedIndexView(IndexView):
    def get_base_queryset(self):
        user = self.request.user
        if self.model is AuditEntry:
            return selectors.audit_entries_visible_to(user)
        return selectors.cases_visible_to(user)


class ScopedInspectView(InspectView):
    def get_object(self, queryset=None):
        user = self.request.user
        if self.model is AuditEntry:
            found = selectors.audit_entries_visible_to(user).filter(pk=self.pk).first()
        else:
            found = selectors.case_for(user, self.pk)
        if found is None:
            raise Http404
        if isinstance(found, Case):
            country = found.country
            services.cases_consulted(
                actor=user, country=country, detail=f"admin inspect of {found.number}"
            )
        return found


class CaseViewSet(ModelViewSet):
    model = Case
    icon = "folder-open-inverse"
    menu_label = "Cases"
    url_prefix = "cases/cases"
    name = "cases_cases"
    index_view_class = ScopedIndexView
    inspect_view_class = ScopedInspectView
    list_display = ["number", "country", "direction", "channel", "status", "due_at"]
    list_filter = ["country", "direction", "channel", "status"]
    ordering = ["-received_at"]
    form_fields = ["summary"]
    inspect_view_enabled = True
    inspect_view_fields = [
        "number",
        "country",
        "direction",
        "channel",
        "status",
        "received_at",
        "due_at",
        "answered_at",
        "refused_at",
        "closed_at",
    ]
    copy_view_enabled = False


class AuditEntryViewSet(ModelViewSet):
    model = AuditEntry
    icon = "list-ul"
    menu_label = "Audit log"
    url_prefix = "cases/audit"
    name = "cases_audit"
    index_view_class = ScopedIndexView
    inspect_view_class = ScopedInspectView
    list_display = ["country", "sequence", "at", "actor_label", "action", "case_number", "detail"]
    list_filter = ["country", "action"]
    ordering = ["country", "-sequence"]
    form_fields = ["detail"]
    inspect_view_enabled = True
    copy_view_enabled = False


class CaseAdminGroup(ModelViewSetGroup):
    menu_label = "Case register"
    menu_icon = "folder-open-inverse"
    menu_order = 400
    items = (CaseViewSet, AuditEntryViewSet)


@hooks.register("register_admin_viewset")
def register_case_admin():
    return CaseAdminGroup()


# --- How cases plugs into the portal (portal.plugins; never a search source) -------------------


@hooks.register("register_dashboard_panel")
def dashboard_panels():
    return panels.CaseDeadlinesPanel


@hooks.register("register_demo_seeder")
def demo_seeders():
    return demo.seed_cases


@hooks.register("register_api_router")
def api_router():
    return ("/cases", "cases.api.router")
