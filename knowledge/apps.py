from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    default = True
    name = "knowledge"
    verbose_name = "Knowledge base"

    def ready(self):
        from knowledge import signal_handlers  # noqa: F401 - connects the receivers, once
