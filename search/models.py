from django.db import models


class SearchMiss(models.Model):
    """A site-search query that found nothing, so administrators see what people look for
    and do not find (Wagtail's query log counts hits but not empty results)."""

    query_string = models.CharField(max_length=255, unique=True)
    searches = models.PositiveIntegerField(default=0)
    first_searched_at = models.DateTimeField()
    last_searched_at = models.DateTimeField()

    class Meta:
        db_table = "portal_searchmiss"  # the table it had in the portal app, kept with its rows
        ordering = ["-searches", "-last_searched_at"]
        verbose_name = "search with no results"
        verbose_name_plural = "searches with no results"

    def __str__(self) -> str:
        return self.query_string
