from django.apps import AppConfig


class CasesConfig(AppConfig):
    default = True
    name = "cases"
    verbose_name = "Case register"
