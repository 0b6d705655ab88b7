"""Site search over the JSON API: /api/v1/search and /api/v1/search/autocomplete.

The same selector as the /search/ page (search.selectors) and the same query log
(search.services), so the page and the API answer alike: what the user may see, facets,
highlighted snippets, "did you mean", the query log."""

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from portal.api import ErrorOut
from search import selectors, services

router = Router(tags=["search"])


class FacetValueOut(Schema):
    value: str
    label: str
    count: int


class FacetsOut(Schema):
    type: list[FacetValueOut]
    country: list[FacetValueOut]
    topic: list[FacetValueOut]


class SearchResultOut(Schema):
    title: str
    url: str | None
    type: str
    country: str | None
    topic: str | None
    snippet: str  # HTML: escaped text, matched terms in <mark>
    score: float


class PromotedOut(Schema):
    title: str
    url: str
    description: str


class SearchOut(Schema):
    q: str
    total: int
    page: int
    pages: int
    suggestion: str | None
    incomplete: bool = Field(
        False, description="The search ran out of time: results and counts may be partial."
    )
    partial: bool = Field(
        False,
        description=(
            "Fewer than a handful of documents contain every word: documents with most of "
            "the words follow them."
        ),
    )
    facets: FacetsOut
    promoted: list[PromotedOut]
    results: list[SearchResultOut]


class SuggestionOut(Schema):
    title: str
    url: str | None
    type: str
    type_label: str


class AutocompleteOut(Schema):
    q: str
    suggestions: list[SuggestionOut]


ERRORS = {400: ErrorOut, 401: ErrorOut, 422: ErrorOut}

# The routes keep the operation ids they were published with while they lived in the portal
# app (portal.api_search), so clients generated from the OpenAPI schema keep their names.


@router.get(
    "",
    response={200: SearchOut, **ERRORS},
    summary="Search everything you may see, with facets, highlights and suggestions",
    description=(
        "Searches live pages and the searchable content of the portal (never case data), "
        f"{selectors.PER_PAGE} results per page. `type` is a content type such as "
        "`portal.updatepage` (see the `type` facet), `country` an ISO 3166 code, `topic` a "
        "slug. `snippet` is HTML with the matched words in `<mark>`. An empty `q` finds "
        "nothing. Queries are recorded in the portal's search log."
    ),
    url_name="search",
    operation_id="portal_api_search_search",
)
def search(
    request: HttpRequest,
    q: str = "",
    type: str | None = None,
    country: str | None = None,
    topic: str | None = None,
    page: int = Query(1, ge=1, le=selectors.MAX_PAGE),
) -> dict[str, object]:
    try:
        found = selectors.site_search(
            request.user, q, type=type, country=country, topic=topic, page=page, request=request
        )
    except selectors.SearchParamError as exc:
        raise HttpError(400, str(exc)) from None
    services.site_search_log(found=found)
    return {
        "q": found.q,
        "total": found.total,
        "page": found.page,
        "pages": found.pages,
        "suggestion": found.suggestion,
        "incomplete": found.incomplete,
        "partial": found.partial,
        "facets": {
            name: [{"value": v.value, "label": v.label, "count": v.count} for v in values]
            for name, values in found.facets.items()
        },
        "promoted": [dict(vars(p)) for p in found.promoted],
        "results": [
            {
                "title": r.title,
                "url": r.url,
                "type": r.type,
                "country": r.country,
                "topic": r.topic,
                "snippet": str(r.snippet),
                "score": r.score,
            }
            for r in found.results
        ],
    }


@router.get(
    "/autocomplete",
    response={200: AutocompleteOut, 401: ErrorOut, 422: ErrorOut},
    summary="Titles that start with what you type (suggestions while typing)",
    url_name="search_autocomplete",
    operation_id="portal_api_search_autocomplete",
)
def autocomplete(request: HttpRequest, q: str = "") -> dict[str, object]:
    q = selectors.clean_query(q)
    return {"q": q, "suggestions": selectors.autocomplete(request.user, q, request=request)}
