"""The site-search tests against Wagtail's OpenSearch backend, the scale path of
docs/deploy.md. Skipped when no OpenSearch answers at DJANGO_TEST_OPENSEARCH_URLS (by default
http://localhost:9200); `make test-opensearch` runs them on their own."""

import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
URLS = os.environ.get("DJANGO_TEST_OPENSEARCH_URLS", "http://localhost:9200")
SITE_SEARCH_TESTS = [
    "tests/search/test_site_search.py",
    "tests/search/test_search_api.py",
    "tests/search/test_search_suggestion_privacy.py",
]


def _reachable(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own setting
            return response.status == 200
    except (OSError, ValueError):
        return False


@pytest.mark.skipif(not _reachable(URLS.split(",")[0]), reason=f"no OpenSearch answers at {URLS}")
def test_the_site_search_tests_pass_on_opensearch():
    env = {**os.environ, "DJANGO_TEST_OPENSEARCH_URLS": URLS}
    result = subprocess.run(  # noqa: S603 - our own interpreter and test files
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *SITE_SEARCH_TESTS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:]
