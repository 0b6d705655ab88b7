"""Error pages are the portal's own, with its layout and a way back."""

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.django_db


def test_unknown_page_gets_the_portal_404(logged_in_client):
    response = logged_in_client.get("/no-such-page/")
    assert response.status_code == 404
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.find("h1").get_text(strip=True) == "Page not found"
    assert soup.select_one("main a[href='/']") is not None


def test_refused_page_gets_the_portal_403(logged_in_client):
    # An officer may not manage people.
    response = logged_in_client.get("/people/")
    assert response.status_code == 403
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.find("h1").get_text(strip=True) == "Access refused"
