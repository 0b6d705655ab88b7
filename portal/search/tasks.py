"""Index writes that must not run in a web request. modelsearch queues inserts and updates
itself (``insert_or_update_object_task``) but removes deleted objects synchronously from the
``post_delete`` signal; the Whoosh backend queues those removals here instead."""

from django.apps import apps
from django_tasks import task


@task()
def delete_from_whoosh_index_task(params, model_label, pk):
    """Remove the document ``pk`` of ``model_label`` from the Whoosh index at ``params["PATH"]``
    (the backend's parameters, JSON-safe)."""
    from .whoosh_backend import WhooshSearchBackend

    backend = WhooshSearchBackend(params)
    index = backend.get_index_for_model(apps.get_model(model_label))
    index.write([("delete", str(pk))])
