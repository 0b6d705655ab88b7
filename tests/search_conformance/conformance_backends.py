"""modelsearch's shared backend tests (BackendTests) against the portal's Whoosh backend.

Run with `make test-search-conformance`; see docs/search.md ("Conformance"). Six tests need rows
that the published fixture (search.json) does not contain; they are skipped only while those
rows are missing, so a fuller fixture runs them.
"""

from django.test import TestCase
from modelsearch.test.testapp import models
from modelsearch.tests.test_backends import BackendTests

from . import settings


def _needs_rows(*model_classes):
    def decorate(test):
        def wrapper(self):
            missing = [m.__name__ for m in model_classes if not m.objects.exists()]
            if missing:
                self.skipTest(f"the search.json fixture has no {', '.join(missing)} rows")
            return test(self)

        wrapper.__name__ = test.__name__
        return wrapper

    return decorate


class TestWhooshBackend(BackendTests, TestCase):
    backend_path = settings.WHOOSH_BACKEND

    test_search_on_nested_related_fields = _needs_rows(models.AgendaItem, models.Speaker)(
        BackendTests.test_search_on_nested_related_fields
    )
    test_get_ancestors_filter = _needs_rows(models.MPAnimal, models.NSAnimal)(
        BackendTests.test_get_ancestors_filter
    )
    test_get_children_filter = _needs_rows(models.MPAnimal, models.NSAnimal)(
        BackendTests.test_get_children_filter
    )
    test_get_descendants_filter = _needs_rows(models.MPAnimal, models.NSAnimal)(
        BackendTests.test_get_descendants_filter
    )
    test_get_siblings_filter = _needs_rows(models.MPAnimal, models.NSAnimal)(
        BackendTests.test_get_siblings_filter
    )
    test_get_root_nodes_filter = _needs_rows(models.MPAnimal, models.NSAnimal)(
        BackendTests.test_get_root_nodes_filter
    )


class TestDatabaseBackend(BackendTests, TestCase):
    """The reference: modelsearch's own SQLite backend, with no test skipped.

    Runs only with CONFORMANCE_BACKEND=database (otherwise setUp skips it: no backend entry)."""

    backend_path = settings.DATABASE_BACKEND
