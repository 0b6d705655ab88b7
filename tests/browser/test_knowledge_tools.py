"""The knowledge tools in a real browser: a reader compares BE/DE/NL on hot pursuit, sees the
difference markers, prints and shares the URL; an officer on a 360px-wide phone gets the quick
answer for DE -> BE hot pursuit. axe-core finds no serious or critical violations on either."""

import datetime

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import TIMEOUT_MS, describe, log_in, run_axe, serious_violations
from tests.factories import user_in
from tests.knowledge.factories import make_sheet
from tests.knowledge.test_compare import hot_pursuit, make_border_sheets, spoc

pytestmark = pytest.mark.browser


@pytest.fixture
def phone(browser, live_server, _browser_db):
    """A 360px-wide touch phone."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="en-GB",
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.csp_violations = []
    page.on(
        "console",
        lambda msg: (
            page.csp_violations.append(msg.text)
            if msg.type == "error" and "Content Security Policy" in msg.text
            else None
        ),
    )
    yield page
    context.close()


def no_horizontal_scroll(page):
    return page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_reader_compares_three_countries_and_shares_the_url(page, context, axe_source):
    make_border_sheets()
    user_in("FR", "officer", first_name="Lea", email="lea@example.eu")
    log_in(page, "lea@example.eu")

    page.goto("/knowledge/compare/")
    violations = serious_violations(run_axe(page, axe_source))
    assert violations == [], describe(violations)
    page.get_by_label("Topic").select_option(label="Hot pursuit (Art. 41 CISA)")
    form = page.locator("form.compare-form")
    for name in ("Belgium (BE)", "Germany (DE)", "Netherlands (NL)"):
        form.get_by_label(name, exact=True).check()
    form.get_by_role("button", name="Compare").click()

    table = page.get_by_role("table")
    expect(table).to_be_visible()
    headers = table.locator("thead th[data-country]")
    expect(headers).to_have_count(3)
    expect(headers.nth(1)).to_contain_text("Germany (DE)")
    # Differences are marked with text, not colour alone.
    notify = table.locator("tr[data-row='rule:NL:notify']")
    expect(notify.get_by_role("rowheader")).to_contain_text("Whom to notify ≠ Differs")
    same = table.locator("tr[data-row='rule:NL:limit_hours']")
    expect(same.locator(".diff-badge")).to_have_count(0)
    assert table.locator("tr[data-differs] .diff-badge").count() >= 3
    expect(page.locator(".comparison-summary")).to_contain_text("differ")

    violations = serious_violations(run_axe(page, axe_source))
    assert violations == [], describe(violations)
    assert page.csp_violations == []

    # Printing: no navigation or form, the table stays.
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator("form.compare-form")).to_be_hidden()
    expect(table).to_be_visible()
    page.emulate_media(media="screen")

    # Sharing: the address bar and the "Link to this comparison" give the same table.
    shown = table.inner_text()
    shared_url = page.url
    assert "topic=hot-pursuit" in shared_url
    colleague = context.new_page()
    colleague.goto(shared_url)
    expect(colleague.get_by_role("table")).to_have_text(shown, use_inner_text=True)
    page.get_by_role("link", name="Link to this comparison").click()
    assert "countries=BE%2CDE%2CNL" in page.url
    expect(page.get_by_role("table")).to_have_text(shown, use_inner_text=True)


def test_officer_on_a_phone_gets_the_quick_answer_de_to_be(phone, axe_source):
    make_sheet(
        "BE",
        rules=[hot_pursuit("DE", transport="land", notify="PCCC Heerlen")],
        bases=[
            {
                "title": "Belgian declaration on Art. 41 CISA",
                "reference": "Art. 41 CISA",
                "source": "Council doc. SCH/Com-ex (98) 12",
                "as_of": datetime.date(2025, 3, 1),
            }
        ],
        last_reviewed=datetime.date.today() - datetime.timedelta(days=30),
    )
    make_sheet(
        "BE",
        topic="channels-and-contact-points",
        contacts=[spoc("SPOC Belgium (Federal Police DRI)", phone="+32 2 000 00 00")],
    )
    user_in("DE", "officer", first_name="Jonas", email="jonas@example.eu")
    log_in(phone, "jonas@example.eu")

    phone.goto("/knowledge/quick-answer/")
    assert no_horizontal_scroll(phone)
    expect(phone.get_by_label("Country of origin (your country)")).to_have_value("DE")
    phone.get_by_label("Country entered").select_option("BE")
    phone.get_by_label("Hot pursuit").check()
    button = phone.get_by_role("button", name="Show the rules")
    assert button.bounding_box()["height"] >= 44
    button.tap()

    heading = phone.get_by_role("heading", level=2, name="Hot pursuit: officers from Germany")
    expect(heading).to_have_text("Hot pursuit: officers from Germany entering Belgium")
    rules = phone.locator("#answer-rules")
    expect(rules).to_contain_text("Right to apprehend")
    expect(rules).to_contain_text("Whom to notify")
    expect(rules).to_contain_text("PCCC Heerlen")
    call = phone.get_by_role("link", name="Call +32 2 000 00 00")
    expect(call).to_be_visible()
    assert call.bounding_box()["height"] >= 44
    expect(phone.locator(".source-list")).to_contain_text("as of 1 March 2025")
    assert no_horizontal_scroll(phone)

    violations = serious_violations(run_axe(phone, axe_source))
    assert violations == [], describe(violations)
    assert phone.csp_violations == []

    # The same officer, the way back: no rule recorded, and whom to call instead.
    phone.get_by_role("link", name="The other way: BE → DE").tap()
    expect(phone.locator("#answer-no-rule")).to_contain_text(
        "No rule recorded for officers from BE entering DE"
    )
    assert no_horizontal_scroll(phone)
