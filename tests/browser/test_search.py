"""Site search in a real browser: suggestions while typing in the header box (keyboard),
results with highlights and facets, the JSON API in the same session, axe-core."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from portal.models import UpdateIndexPage, UpdatePage
from tests.browser.helpers import describe, log_in, run_axe, serious_violations
from tests.factories import user_in

pytestmark = pytest.mark.browser


@pytest.fixture
def search_index(settings, tmp_path):
    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {**settings.WAGTAILSEARCH_BACKENDS["default"], "PATH": str(tmp_path / "ix")}
    }


def publish_update(slug, title, summary):
    page = UpdatePage(
        title=title,
        slug=slug,
        summary=summary,
        body="<p>Agreed at the network meeting.</p>",
        date=datetime.date(2026, 11, 1),
    )
    UpdateIndexPage.objects.get().add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


@pytest.fixture
def content(search_index):
    user_in("BE", "officer", first_name="Kai", email="kai@example.eu")
    return {
        "pursuit": publish_update(
            "hot-pursuit",
            "Hot pursuit across borders",
            "Which neighbour allows a hot pursuit without time limit.",
        ),
        "rules": publish_update(
            "pursuit-rules", "Pursuit rules compared", "Rules on cross-border pursuit."
        ),
        "sirene": publish_update("sirene", "SIRENE night contacts", "Who answers at night."),
    }


def test_search_from_the_header_with_suggestions_results_facets_and_api(page, content, axe_source):
    log_in(page, "kai@example.eu")
    box = page.get_by_role("search", name="Site").get_by_role("combobox", name="Search the portal")
    box.click()
    box.press_sequentially("pursu", delay=30)
    listbox = page.get_by_role("listbox", name="Suggestions")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    options = listbox.get_by_role("option")
    expect(options).to_have_count(2)
    expect(listbox).to_contain_text("Hot pursuit across borders")

    # Keyboard: down selects the first option, escape closes the list.
    box.press("ArrowDown")
    first_id = options.first.get_attribute("id")
    expect(box).to_have_attribute("aria-activedescendant", first_id)
    expect(options.first).to_have_attribute("aria-selected", "true")
    box.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    box.press("ArrowUp")
    expect(options.first).to_have_attribute("aria-selected", "true")
    box.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")

    # Enter without an active suggestion submits the search.
    box.fill("pursuit")
    box.press("Enter")
    page.wait_for_url("**/search/?q=pursuit")
    status = page.get_by_role("status").filter(has_text="result")
    expect(status).to_have_text("2 results for “pursuit”.")
    results = page.locator(".search-result")
    expect(results).to_have_count(2)
    expect(page.get_by_role("heading", level=3, name="Hot pursuit across borders")).to_be_visible()
    expect(page.locator(".search-snippet mark").first).to_have_text(re.compile("^pursuit$", re.I))
    facet = page.locator(".search-facets").get_by_role("link", name="Presidency updates (2)")
    expect(facet).to_be_visible()

    violations = serious_violations(run_axe(page, axe_source))
    assert violations == [], describe(violations)

    facet.click()
    page.wait_for_url("**/search/?q=pursuit&type=portal.updatepage")
    expect(page.locator(".search-facets [aria-current=true]")).to_contain_text(
        "Presidency updates"
    )
    expect(results).to_have_count(2)

    # The API answers the same query in the same browser session.
    response = page.request.get("/api/v1/search?q=pursuit")
    assert response.ok
    body = response.json()
    assert body["total"] == 2
    assert {r["title"] for r in body["results"]} == {
        "Hot pursuit across borders",
        "Pursuit rules compared",
    }
    assert body["facets"]["type"] == [
        {"value": "portal.updatepage", "label": "Presidency updates", "count": 2}
    ]
    assert page.csp_violations == []


def test_choosing_a_suggestion_by_keyboard_opens_it(page, content, axe_source):
    log_in(page, "kai@example.eu")
    page.goto("/search/")
    box = page.get_by_role("combobox", name="Search for")
    box.press_sequentially("siren", delay=30)
    listbox = page.get_by_role("listbox", name="Suggestions")
    expect(listbox.get_by_role("option")).to_have_count(1)
    violations = serious_violations(run_axe(page, axe_source))
    assert violations == [], describe(violations)
    box.press("ArrowDown")
    box.press("Enter")
    page.wait_for_url(f"**{content['sirene'].url}")
    expect(page.get_by_role("heading", level=1)).to_have_text("SIRENE night contacts")


def test_search_page_works_without_javascript(browser, live_server, _browser_db, content):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, "kai@example.eu")
        page.goto("/search/")
        page.get_by_label("Search for").fill("night")
        page.locator("main").get_by_role("button", name="Search").click()
        page.wait_for_url("**/search/?q=night")
        expect(page.locator(".search-result h3")).to_have_text(["SIRENE night contacts"])
    finally:
        context.close()
