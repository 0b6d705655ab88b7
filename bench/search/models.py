from django.db import models
from modelsearch import index


class FactSheet(index.Indexed, models.Model):
    """A country fact sheet as the portal's knowledge base holds them: a title, a summary and a
    body of a few hundred words, with country, topic and language."""

    title = models.CharField(max_length=255)
    summary = models.TextField()
    body = models.TextField()
    country = models.CharField(max_length=2)
    topic = models.CharField(max_length=40)
    language = models.CharField(max_length=5, default="en")
    updated = models.DateField()

    search_language_field = "language"
    search_fields = [
        index.SearchField("title", boost=2),
        index.AutocompleteField("title"),
        index.SearchField("summary", boost=1.5),
        index.SearchField("body"),
        index.FilterField("country"),
        index.FilterField("topic"),
        index.FilterField("language"),
        index.FilterField("updated"),
    ]

    class Meta:
        app_label = "bench_search"

    def __str__(self):
        return self.title
