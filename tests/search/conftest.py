import pytest
from modelsearch.backends import get_search_backend


@pytest.fixture
def backend(tmp_path):
    """A Whoosh backend on a fresh index directory of its own."""
    return get_search_backend("portal.search.backends.whoosh", PATH=tmp_path / "index",
                              LOCK_TIMEOUT=0.5)
