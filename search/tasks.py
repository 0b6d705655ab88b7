"""Site search's background work (django-tasks): writing the counted query log."""

from django_tasks import task

from search.services import search_queries_record


@task()
def record_search_queries(*, hits: dict[str, int], misses: dict[str, int]) -> int:
    """Write a batch of counted site searches to the query log (see search.services)."""
    search_queries_record(hits=hits, misses=misses)
    return sum(hits.values())
