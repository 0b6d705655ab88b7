"""Every page is behind login; logged-in users get their dashboard, never cached."""

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/", "/updates/", "/people/", "/account/preferences/", "/admin/"])
def test_anonymous_requests_are_sent_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_dashboard_shows_latest_updates_panel(logged_in_client):
    response = logged_in_client.get("/")
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    headings = [h.get_text(strip=True) for h in soup.select("main h2")]
    assert "Latest Presidency updates" in headings
    assert "no-store" in response["Cache-Control"]
