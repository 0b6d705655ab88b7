"""Small helpers shared by test modules."""

from bs4 import BeautifulSoup


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
