from django.apps import AppConfig
from wagtail.users.apps import WagtailUsersAppConfig


class PortalConfig(AppConfig):
    default = True
    name = "portal"
    verbose_name = "SPOC Network Portal"

    def ready(self):
        from portal import signal_handlers  # noqa: F401 - connects the receivers, once


class PortalUsersAppConfig(WagtailUsersAppConfig):
    user_viewset = "portal.admin_users.PortalUserViewSet"
