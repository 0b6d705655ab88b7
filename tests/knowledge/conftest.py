import pytest


@pytest.fixture(autouse=True)
def search_index(settings, tmp_path):
    """A fresh, empty Whoosh index for each test (pages rolled back by other tests stay out)."""
    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {**settings.WAGTAILSEARCH_BACKENDS["default"], "PATH": str(tmp_path / "ix")}
    }
