"""Index writes that must not run in a web request. modelsearch queues inserts and updates
itself (``insert_or_update_object_task``) but removes deleted objects synchronously from the
``post_delete`` signal; the Whoosh backend queues those removals here instead.

The task finds the backend through ``get_search_backend`` (modelsearch's, which Wagtail's
``wagtail.search.backends`` re-exports; the engine depends on modelsearch only) by its dotted
path, so this module imports nothing from the backend and imports run one way: backend ->
tasks."""

from django.apps import apps
from django_tasks import task
from modelsearch.backends import get_search_backend

WHOOSH_BACKEND = "portal.search.backends.whoosh"


@task()
def delete_from_whoosh_index_task(params, model_label, pk):
    """Remove the document ``pk`` of ``model_label`` from the Whoosh index at ``params["PATH"]``
    (the backend's parameters, JSON-safe)."""
    backend = get_search_backend(WHOOSH_BACKEND, **params)
    index = backend.get_index_for_model(apps.get_model(model_label))
    index.write([("delete", str(pk))])
