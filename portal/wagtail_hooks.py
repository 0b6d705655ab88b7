"""Admin wiring for the portal's reference data: countries, organisations and the Council
Presidency rota, under one "Reference data" menu for portal administrators.

Reference data is read-mostly: it ships in data migrations and other records point at it
(PROTECT), so nothing can be deleted here and countries cannot be added (the network has 31).
Only holders of the model permissions see the menu; no role group carries them, so in
practice that is the administrators (superusers)."""

from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from portal import demo, panels
from portal.models import Country, Organisation, PresidencyTerm


class ReadMostlyPermissionPolicy(ModelPermissionPolicy):
    """Model permissions, minus the actions that reference data never allows."""

    def __init__(self, model, denied_actions=("delete",)):
        super().__init__(model)
        self.denied_actions = frozenset(denied_actions)

    def user_has_permission(self, user, action):
        if action in self.denied_actions:
            return False
        return super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        allowed = [action for action in actions if action not in self.denied_actions]
        if not allowed:
            return super().users_with_any_permission([]).none()
        return super().users_with_any_permission(allowed)


register_permission_policy(
    Country, ReadMostlyPermissionPolicy(Country, denied_actions=("add", "delete")), exact_class=True
)
register_permission_policy(Organisation, ReadMostlyPermissionPolicy(Organisation), exact_class=True)
register_permission_policy(
    PresidencyTerm, ReadMostlyPermissionPolicy(PresidencyTerm), exact_class=True
)


class CountryViewSet(ModelViewSet):
    model = Country
    icon = "globe"
    menu_label = "Countries"
    url_prefix = "reference/countries"
    name = "reference_countries"
    list_display = ["name", "code", "eu_code", "is_eu_member"]
    list_filter = ["is_eu_member"]
    search_fields = ["name", "code", "eu_code"]
    # The codes are what other data and imports refer to; only the display name is editable.
    form_fields = ["name"]
    inspect_view_enabled = True
    copy_view_enabled = False


class OrganisationViewSet(ModelViewSet):
    model = Organisation
    icon = "group"
    menu_label = "Organisations"
    url_prefix = "reference/organisations"
    name = "reference_organisations"
    list_display = ["name", "short_name", "kind", "country"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "slug"]
    form_fields = ["name", "short_name", "slug", "kind", "country"]
    inspect_view_enabled = True
    copy_view_enabled = False


class PresidencyTermViewSet(ModelViewSet):
    model = PresidencyTerm
    icon = "date"
    menu_label = "Presidency rota"
    url_prefix = "reference/presidency"
    name = "reference_presidency"
    list_display = ["label", "country", "starts_on", "ends_on"]
    list_filter = ["country"]
    form_fields = ["country", "starts_on", "ends_on"]
    ordering = ["starts_on"]
    inspect_view_enabled = True
    copy_view_enabled = False


class ReferenceDataGroup(ModelViewSetGroup):
    menu_label = "Reference data"
    menu_icon = "site"
    menu_order = 900
    items = (CountryViewSet, OrganisationViewSet, PresidencyTermViewSet)


@hooks.register("register_admin_viewset")
def register_reference_data():
    return ReferenceDataGroup()


# --- How the portal plugs into itself (portal.plugins) ----------------------------------------


@hooks.register("register_dashboard_panel")
def dashboard_panels():
    return panels.LatestUpdatesPanel


@hooks.register("register_demo_seeder")
def demo_seeders():
    return [demo.seed_users, demo.seed_updates]
