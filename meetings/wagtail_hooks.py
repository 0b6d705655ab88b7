"""Admin wiring for the meetings app.

--- Agenda: proposals and action items ---
Read-only listings for the Presidency (and administrators), with filters: the writes go
through the meeting page, where the services apply the rules (who may propose, support,
accept, update an action). Nothing can be added, changed or deleted here."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from meetings import demo, panels, permissions, report
from meetings.models import ActionItem, AgendaProposal


class PresidencyReadOnlyPolicy(ModelPermissionPolicy):
    """The Presidency roles may view; no one may add, change or delete."""

    def user_has_permission(self, user, action):
        return action == "view" and permissions.is_presidency(user)

    def user_has_any_permission(self, user, actions):
        return "view" in actions and permissions.is_presidency(user)

    def users_with_any_permission(self, actions):
        users = get_user_model().objects.filter(is_active=True)
        if "view" not in actions:
            return users.none()
        return users.filter(
            Q(is_superuser=True) | Q(groups__portal_role__role__in=permissions.PRESIDENCY_ROLES)
        ).distinct()


for _model in (AgendaProposal, ActionItem):
    register_permission_policy(_model, PresidencyReadOnlyPolicy(_model), exact_class=True)


class AgendaProposalViewSet(ModelViewSet):
    model = AgendaProposal
    icon = "help"
    menu_label = "Topic proposals"
    url_prefix = "meetings/proposals"
    name = "meeting_proposals"
    list_display = ["title", "meeting", "kind", "country", "organisation", "status", "created_at"]
    list_filter = ["status", "kind", "meeting"]
    search_fields = ["title", "description"]
    ordering = ["-created_at"]
    form_fields = ["title"]
    inspect_view_enabled = True
    copy_view_enabled = False


class ActionItemViewSet(ModelViewSet):
    model = ActionItem
    icon = "tasks"
    menu_label = "Action items"
    url_prefix = "meetings/actions"
    name = "meeting_actions"
    list_display = ["title", "meeting", "owner", "due_date", "status", "closed_at"]
    list_filter = ["status", "owner_country", "owner_organisation", "meeting"]
    search_fields = ["title", "description", "status_note"]
    ordering = ["due_date", "pk"]
    form_fields = ["title"]
    inspect_view_enabled = True
    copy_view_enabled = False


class MeetingFollowUpGroup(ModelViewSetGroup):
    menu_label = "Meeting follow-up"
    menu_icon = "date"
    menu_order = 300
    items = (AgendaProposalViewSet, ActionItemViewSet)


@hooks.register("register_admin_viewset")
def register_meeting_follow_up():
    return MeetingFollowUpGroup()


# --- How meetings plugs into the portal (portal.plugins) --------------------------------------


@hooks.register("register_dashboard_panel")
def dashboard_panels():
    return [panels.NextMeetingsPanel, panels.SemesterCheckPanel, panels.ActivityReportPanel]


@hooks.register("register_report_section")
def report_sections():
    return report.SECTIONS


@hooks.register("register_demo_seeder")
def demo_seeders():
    return [
        demo.seed_meetings,
        demo.seed_agenda,
        demo.seed_meeting_polls_and_followup,
        demo.seed_activity_report,
    ]


@hooks.register("register_api_router")
def api_router():
    return ("/meetings", "meetings.api.router")
