"""The home dashboard (/) is assembled from the `register_dashboard_panel` hooks."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail import hooks

from portal.dashboard import DashboardPanel, registered_panels
from tests.factories import make_update, user_in

pytestmark = pytest.mark.django_db


class HeadsOnlyPanel(DashboardPanel):
    name = "test-heads-only"
    title = "Delegation to register"
    template_name = "tests/heads_only_panel.html"
    order = 5

    def is_visible(self, request):
        return request.user.has_role("head")

    def get_context(self, request):
        return {"country": request.user.country.name}


@pytest.fixture
def heads_panel(settings, tmp_path):
    template_dir = tmp_path / "templates"
    (template_dir / "tests").mkdir(parents=True)
    (template_dir / "tests" / "heads_only_panel.html").write_text(
        "<p class='heads-only'>Register the delegation of {{ panel_context.country }}.</p>"
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], template_dir]}
    ]
    with hooks.register_temporarily("register_dashboard_panel", lambda: HeadsOnlyPanel):
        yield HeadsOnlyPanel



def panel_headings(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return [h.get_text(strip=True) for h in soup.select("main .panel h2")]


def test_registered_panel_shows_for_users_it_is_visible_to(client, heads_panel):
    client.force_login(user_in("DE", "head"))
    response = client.get("/")
    assert panel_headings(response) == ["Delegation to register", "Latest Presidency updates"]
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one("#panel-test-heads-only .heads-only").get_text() == (
        "Register the delegation of Germany."
    )


def test_registered_panel_is_hidden_from_others(client, heads_panel):
    client.force_login(user_in("DE", "officer"))
    response = client.get("/")
    assert "Delegation to register" not in panel_headings(response)
    assert "heads-only" not in response.content.decode()


def test_registry_is_clean_after_the_test():
    assert "test-heads-only" not in [panel.name for panel in registered_panels()]


def test_duplicate_panel_names_are_refused(heads_panel):
    again = type("Again", (DashboardPanel,), {"name": "test-heads-only", "template_name": "x.html"})
    with hooks.register_temporarily("register_dashboard_panel", lambda: again):
        with pytest.raises(ValueError, match="already registered"):
            registered_panels()


def test_a_panel_needs_a_name_and_a_template():
    nameless = type("Nameless", (DashboardPanel,), {"template_name": "x.html"})
    with hooks.register_temporarily("register_dashboard_panel", lambda: nameless):
        with pytest.raises(ValueError, match="needs a name"):
            registered_panels()


def test_panels_come_in_their_order_then_by_name():
    panels = registered_panels()
    assert panels == sorted(panels, key=lambda cls: (cls.order, cls.name))
    assert "latest-updates" in [panel.name for panel in panels]


def test_latest_updates_panel_lists_five_newest_live_updates(client):
    for day in range(1, 9):
        make_update(f"u{day}", f"Update u{day}", date=datetime.date(2026, 10, day))
    make_update("draft", "Update draft", date=datetime.date(2026, 11, 30), live=False)
    client.force_login(user_in("BE", "officer"))
    soup = BeautifulSoup(client.get("/").content, "html.parser")
    panel = soup.select_one("#panel-latest-updates")
    links = [(a.get_text(strip=True), a["href"]) for a in panel.select("li a")]
    assert links == [
        ("Update u8", "/updates/u8/"),
        ("Update u7", "/updates/u7/"),
        ("Update u6", "/updates/u6/"),
        ("Update u5", "/updates/u5/"),
        ("Update u4", "/updates/u4/"),
    ]
    assert panel.find("a", string="All Presidency updates")["href"] == "/updates/"


def test_latest_updates_panel_when_nothing_is_published(client):
    client.force_login(user_in("BE", "officer"))
    soup = BeautifulSoup(client.get("/").content, "html.parser")
    assert (
        "No updates have been published yet." in soup.select_one("#panel-latest-updates").get_text()
    )


def test_dashboard_query_count_is_pinned(client):
    client.force_login(user_in("BE", "head"))
    client.get("/")  # the first request of a session records it; not what is measured
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    for day in range(1, 20):
        make_update(f"u{day}", f"Update u{day}", date=datetime.date(2026, 10, day))
    with CaptureQueriesContext(connection) as many:
        response = client.get("/")
    assert response.status_code == 200
    assert len(many) == len(few)
    assert len(many) <= 20, "\n".join(q["sql"][:150] for q in many.captured_queries)


def test_dashboard_is_the_site_root_for_logged_in_users_only(client):
    assert client.get("/").status_code == 302
    client.force_login(user_in("BE", "officer"))
    response = client.get("/")
    assert response.status_code == 200
    assert "portal/home_page.html" in [template.name for template in response.templates]


class BrokenPanel(DashboardPanel):
    name = "test-broken"
    title = "Broken figures"
    template_name = "tests/heads_only_panel.html"
    order = 1

    def get_context(self, request):
        raise RuntimeError("the figures service is down")


def test_a_failing_panel_is_shown_as_unavailable_and_the_rest_of_the_dashboard_renders(
    client, heads_panel, caplog
):
    with hooks.register_temporarily("register_dashboard_panel", lambda: BrokenPanel):
        head = user_in("BE", "head")
        client.force_login(head)
        response = client.get("/")
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    broken = soup.select_one("#panel-test-broken")
    assert broken.h2.get_text() == "Broken figures"
    assert "could not be loaded" in broken.get_text()
    assert "figures service is down" not in response.content.decode()
    assert soup.select_one("#panel-test-heads-only .heads-only").get_text() == (
        "Register the delegation of Belgium."
    )
    assert any("test-broken" in record.getMessage() for record in caplog.records)
