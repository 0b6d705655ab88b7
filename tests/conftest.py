import pytest
from django.core.cache import cache

from portal.sites import forget_sites
from tests.factories import PASSWORD, UserFactory, admin_user, user_in


@pytest.fixture(autouse=True)
def _media_and_email(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_site_memo():
    # A rolled-back test transaction sends no post_delete: forget the sites it memoised.
    forget_sites()


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate limits and TOTP replay guards live in the cache; every test starts clean.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def fresh_search_index():
    """Empties the search index before the test. The suite's index keeps the documents of
    earlier tests (a rolled-back transaction does not un-index), which PostgreSQL never
    overwrites since its ids are not reused; tests that count hits or misses use this."""
    from modelsearch.backends import get_search_backend
    from modelsearch.backends.base import get_model_root
    from modelsearch.index import get_indexed_models

    backend = get_search_backend()
    for root in {get_model_root(model) for model in get_indexed_models()}:
        backend.get_index_for_model(root).reset()


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def make_user(db):
    return UserFactory


@pytest.fixture
def officer_be(db):
    return user_in("BE", "officer")


@pytest.fixture
def head_be(db):
    return user_in("BE", "head")


@pytest.fixture
def head_de(db):
    return user_in("DE", "head")


@pytest.fixture
def admin(db):
    return admin_user()


@pytest.fixture
def logged_in_client(client, officer_be):
    client.force_login(officer_be)
    client.user = officer_be
    return client
