"""Real-browser tests: Playwright for Python driving Debian's Chromium against pytest-django's
live server.

These tests must run in CI, never be skipped: when Chromium or axe-core is missing they fail
with a message saying how to install it (`make browser-deps`). Playwright's own browser
downloads are never used.
"""

import os
from pathlib import Path

import pytest
from django.core.cache import cache

from tests.browser.helpers import TIMEOUT_MS

# Playwright's sync API runs an event loop in this thread; Django would then refuse ORM calls
# made from the test body ("You cannot call this from an async context").
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
]
AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Mark the browser tests and run them last (after pytest-django's own ordering): once
    Playwright's event loop runs in the main thread, later tests would see an async context."""
    here = Path(__file__).resolve().parent
    browser_items = []
    for item in items:
        if here in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)
            browser_items.append(item)
    if browser_items:
        others = [item for item in items if item not in browser_items]
        items[:] = others + browser_items


@pytest.fixture(scope="session")
def browser(django_db_setup):
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: the browser tests need Debian's chromium "
            "(run `make browser-deps`, or `apt-get install chromium`).",
            pytrace=False,
        )
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Django keeps database connections thread-local only while no event loop runs in the
    # thread. Playwright's sync API starts one here, after which Django looks connections up
    # per context and opens fresh ones: hand them the contents that Django serialized at
    # setup (for serialized rollback), and close them before the loop goes away.
    serialized = {
        conn.alias: conn._test_serialized_contents
        for conn in connections.all()
        if hasattr(conn, "_test_serialized_contents")
    }
    playwright = sync_playwright().start()
    for conn in connections.all():
        if conn.alias in serialized:
            conn._test_serialized_contents = serialized[conn.alias]
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    except Exception:
        playwright.stop()
        raise
    yield browser
    browser.close()
    connections.close_all()
    playwright.stop()


@pytest.fixture(scope="session")
def axe_source():
    if not AXE_JS.is_file():
        pytest.fail(
            f"axe-core not found at {AXE_JS}: run `npm ci` (or `make browser-deps`).",
            pytrace=False,
        )
    return AXE_JS.read_text(encoding="utf-8")


@pytest.fixture
def _browser_db(django_db_serialized_rollback, live_server):
    """Browser tests need committed data (transactional tests) and, because each such test
    ends with a flush, the reference data from the data migrations restored before each one."""
    cache.clear()  # allauth rate limits and TOTP replay guards live in the cache
    yield
    cache.clear()


@pytest.fixture
def context(browser, live_server, _browser_db):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context):
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
    return page
