from django.apps import AppConfig


class TrainingConfig(AppConfig):
    default = True
    name = "training"
    verbose_name = "Training"

    def ready(self):
        from training import conf, demo, panels, report_sections, search  # noqa: F401

        report_sections.register()
