"""Small helpers shared by test modules."""

import re

from bs4 import BeautifulSoup
from django.urls import URLPattern, URLResolver


def soup_of(response):
    """The response's HTML, parsed: assert on structure, not on strings."""
    return BeautifulSoup(response.content, "html.parser")


def assert_admin_permission_denied(response):
    """Wagtail's answer to a user who may use the admin but not this view: a redirect to the
    admin's home (where it shows "Sorry, you do not have permission to access this area")."""
    assert response.status_code == 302, response.status_code
    assert response["Location"] == "/admin/", response["Location"]


def assert_sent_to_admin_login(response, path):
    """Wagtail's answer to a user without admin access: a redirect to the admin's login with the
    asked path as `next` (the portal's roles give such a user no way past it)."""
    assert response.status_code == 302, response.status_code
    assert response["Location"] == f"/admin/login/?next={path}", response["Location"]


def url_routes(patterns, prefix=""):
    """(route, URLPattern) of every URL under `patterns`, includes followed: for the walks
    that request every URL of an app as users who must not see its data."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from url_routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def fill_route(route, values):
    """`route` with each <converter:name> replaced by values[name]; a parameter the walk has
    no value for fails the test, so a new URL cannot be skipped silently."""

    def sub(match):
        name = match.group(2)
        if name not in values:
            raise AssertionError(f"the walk does not know the URL parameter {name!r}: {route}")
        return str(values[name])

    return re.sub(r"<(?:(\w+):)?(\w+)>", sub, route)
