from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    label = "search"  # no other installed app uses it (Wagtail's is wagtailsearch)
    verbose_name = "Site search"
