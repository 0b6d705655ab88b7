from django.apps import AppConfig


class TrainingConfig(AppConfig):
    default = True
    name = "training"
    verbose_name = "Training"

    def ready(self):
        from training import conf  # noqa: F401
