"""Page routing from the site root with one query for the whole path.

Wagtail's `Page.route` walks the path one slug at a time, with two queries a level (the
child, then its specific page): eight queries for a fact sheet. The pages of a path are
found here by their `url_path` in one query, and only the last is made specific. A page
class with its own `route` (a RoutablePage, say) still gets the rest of the path: the walk
hands over to it as Wagtail's would.
"""

from django.http import Http404
from wagtail.models import Page
from wagtail.url_routing import RouteResult


def _routes_by_default(page):
    return page.specific_class is None or page.specific_class.route is Page.route


def route_from(root, request, path_components):
    if not path_components:
        return Page.route(root, request, path_components)
    url_paths = [
        root.url_path + "".join(f"{slug}/" for slug in path_components[: depth + 1])
        for depth in range(len(path_components))
    ]
    on_path = {
        page.url_path: page
        for page in Page.objects.filter(url_path__in=url_paths, path__startswith=root.path)
    }
    parent = root
    for depth, url_path in enumerate(url_paths):
        page = on_path.get(url_path)
        if page is None or page.depth != root.depth + depth + 1:
            raise Http404
        page._cached_parent_obj = parent
        remaining = path_components[depth + 1 :]
        if remaining and not _routes_by_default(page):
            return page.specific.route(request, remaining)
        parent = page
    if not _routes_by_default(parent):
        return parent.specific.route(request, [])
    if not parent.live:
        raise Http404
    return RouteResult(parent.specific)
