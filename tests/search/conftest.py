import pytest
from modelsearch.backends import get_search_backend


@pytest.fixture(autouse=True)
def search_index(settings, tmp_path):
    """A fresh, empty Whoosh index for each search test: pages that other tests indexed and
    then rolled back stay out of the counts."""
    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {**settings.WAGTAILSEARCH_BACKENDS["default"], "PATH": str(tmp_path / "ix")}
    }


@pytest.fixture
def backend(tmp_path):
    """A Whoosh backend on a fresh index directory of its own."""
    return get_search_backend(
        "portal.search.backends.whoosh", PATH=tmp_path / "index", LOCK_TIMEOUT=0.5
    )
