"""A reader finds a country's fact sheet from the fact-sheet index, sees its structured rules
and the overdue banner, and the pages pass axe-core."""

import datetime

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import describe, log_in, run_axe, serious_violations
from tests.factories import user_in
from tests.knowledge.factories import make_sheet

pytestmark = pytest.mark.browser


@pytest.fixture
def search_index(settings, tmp_path):
    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {**settings.WAGTAILSEARCH_BACKENDS["default"], "PATH": str(tmp_path / "ix")}
    }


def test_reader_opens_index_country_and_overdue_sheet(page, axe_source, search_index):
    user_in("DE", "officer", first_name="Lena", email="lena@example.eu")
    make_sheet(
        "BE",
        "hot-pursuit",
        title="Hot pursuit into Belgium",
        summary="Benelux officers may apprehend; German officers may not.",
        last_reviewed=datetime.date(2024, 5, 1),
        rules=[
            {"action": "hot_pursuit", "neighbour": "DE", "apprehension": "a", "transport": "land"},
            {"action": "hot_pursuit", "neighbour": "FR", "apprehension": "a", "limit_km": 10},
        ],
        contacts=[
            {
                "service": "spoc",
                "name": "Federal police SPOC",
                "available_24_7": True,
                "phone": "+32 2 000 00 00",
                "email": "spoc@police.example.be",
                "languages": "fr,nl,de,en",
            }
        ],
        bases=[{"title": "CISA", "reference": "Art. 41 CISA", "as_of": datetime.date(2024, 1, 1)}],
    )
    log_in(page, "lena@example.eu")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Knowledge").click()
    page.get_by_role("link", name="Fact sheets").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fact sheets")
    matrix = page.get_by_role("table", name="Fact sheets by country and topic")
    expect(matrix.get_by_text("overdue")).to_have_count(1)
    violations = serious_violations(run_axe(page, axe_source))
    assert violations == [], describe(violations)

    matrix.get_by_role("link", name="Belgium", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Belgium: fact sheets")
    page.get_by_role("link", name="Hot pursuit into Belgium").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Hot pursuit into Belgium")
    expect(page.get_by_role("status").filter(has_text="Review overdue")).to_be_visible()
    rules = page.get_by_role("table", name="Hot pursuit (Art. 41 CISA)")
    expect(rules.get_by_role("rowheader", name="France")).to_be_visible()
    expect(rules.get_by_role("row", name="France")).to_contain_text("10 km")
    expect(rules.get_by_role("row", name="Germany")).to_contain_text("no limit in space")
    violations = serious_violations(run_axe(page, axe_source))
    assert violations == [], describe(violations)

    page.get_by_role("link", name="What changed (revisions)").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("What changed")
    violations = serious_violations(run_axe(page, axe_source))
    assert violations == [], describe(violations)
    assert page.csp_violations == []
