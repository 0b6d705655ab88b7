"""Site search: the /search/ page and /api/v1/search over everything a user may see.

`sources` holds the registered search sources (`search_source(...)`, returned by
`register_search_source` hooks); `selectors` runs a search (results, facets, counts,
suggestions), reads only; `services` writes the query log (counted in memory, written by
`tasks.record_search_queries`) and the searches that found nothing (`models.SearchMiss`,
listed in the admin's reports by `wagtail_hooks`). The search engine itself (analysis, the
Whoosh backend, results helpers) is `portal.search`.
"""
