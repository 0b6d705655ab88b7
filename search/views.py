"""/search/: site search for every logged-in user (search.selectors), query logged by
search.services."""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from search import selectors, services

FILTERS = ("type", "country", "topic")


def search(request: HttpRequest) -> HttpResponse:
    params = {name: request.GET.get(name, "") for name in ("q", *FILTERS, "page")}
    error = None
    try:
        found = selectors.site_search(
            request.user,
            params["q"],
            type=params["type"],
            country=params["country"],
            topic=params["topic"],
            page=params["page"] or 1,
            request=request,
        )
    except selectors.SearchParamError as exc:
        error = str(exc)
        found = selectors.SiteSearch(q=selectors.clean_query(params["q"]))
    else:
        services.site_search_log(found=found)
    context = {
        "search": found,
        "q": found.q,
        "error": error,
        "facet_groups": _facet_groups(found),
        "active_filters": [
            {"name": name, "value": value, "remove_url": _url(found, **{name: None})}
            for name, value in found.filters.items()
        ],
        "suggestion_url": _url(found, q=found.suggestion, page=None) if found.suggestion else "",
        "previous_url": _url(found, page=found.page - 1) if found.has_previous else "",
        "next_url": _url(found, page=found.page + 1) if found.has_next else "",
    }
    return render(request, "search/search.html", context, status=400 if error else 200)


def _url(found, **changes):
    """The /search/ URL of `found` with `changes` (None removes a parameter; filters reset
    the page)."""
    params = {"q": found.q, **found.filters}
    if found.page > 1:
        params["page"] = found.page
    if any(name in changes for name in FILTERS):
        params.pop("page", None)
    for name, value in changes.items():
        if value is None:
            params.pop(name, None)
        else:
            params[name] = value
    if params.get("page") == 1:
        params.pop("page")
    return "?" + urlencode(params)


def _facet_groups(found):
    titles = {"type": "Type", "country": "Country", "topic": "Topic"}
    groups = []
    for name in FILTERS:
        values = found.facets.get(name) or []
        if not values:
            continue
        groups.append(
            {
                "name": name,
                "title": titles[name],
                "values": [
                    {
                        "label": value.label,
                        "count": value.count,
                        "selected": value.selected,
                        "url": _url(found, **{name: None if value.selected else value.value}),
                    }
                    for value in values
                ],
            }
        )
    return groups
