from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    default = True
    name = "meetings"
    verbose_name = "Network meetings"

    def ready(self):
        from meetings import signal_handlers  # noqa: F401 - connects the receivers, once
