"""Index writers: updates go through django-tasks (never written in the request), the Whoosh
lock is taken with a timeout and retried, several processes writing at once lose nothing, and a
rebuild that swaps generations keeps the updates made while it ran."""

import multiprocessing
import os
import threading
import time

import pytest
from django.test import override_settings
from django_tasks import default_task_backend
from whoosh import query as wq
from whoosh.index import LockError

from portal.models import UpdatePage
from portal.search.backends.whoosh import CT_FIELD, ID_FIELD, PLAIN_FIELD, WhooshSearchBackend
from tests.factories import make_update

from .test_whoosh_backend import rebuild

pytestmark = pytest.mark.django_db


def page_index(backend):
    return backend.get_index_for_model(UpdatePage)


def indexed_ids(backend):
    index = page_index(backend)
    with index.open_or_recover().searcher() as searcher:
        return {fields[ID_FIELD] for fields in searcher.all_stored_fields()}


def test_publish_enqueues_an_index_task_and_writes_nothing(backend):
    rebuild(backend)
    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}},
        WAGTAILSEARCH_BACKENDS={"default": {"BACKEND": "portal.search.backends.whoosh",
                                            "PATH": str(backend.path)}},
    ):
        before = indexed_ids(backend)
        page = make_update("queued", "Queued update", summary="Written by the worker.")
        queued = [r for r in default_task_backend.results
                  if r.task.name == "insert_or_update_object_task"]
        assert any(r.args[-1] == str(page.pk) for r in queued)
        assert indexed_ids(backend) == before  # nothing written by the request
        for result in queued:  # what the worker does
            result.task.call(*result.args, **result.kwargs)
        assert str(page.pk) in indexed_ids(backend)
        assert [p.slug for p in backend.search("worker", UpdatePage)] == ["queued"]


def test_writer_waits_for_the_lock_and_retries(backend):
    page = make_update("locked", "Locked out", summary="Waiting writers.")
    rebuild(backend)
    index = page_index(backend)
    holder = index.open().writer()  # another writer holds the lock for 0.8 s (> LOCK_TIMEOUT)
    threading.Timer(0.8, holder.cancel).start()
    started = time.monotonic()
    index.add_item(page)  # first attempt times out after 0.5 s, a retry gets the lock
    assert time.monotonic() - started >= 0.7
    assert str(page.pk) in indexed_ids(backend)


def test_writer_gives_up_with_lock_error(tmp_path):
    from modelsearch.backends import get_search_backend

    backend = get_search_backend("portal.search.backends.whoosh", PATH=tmp_path / "ix",
                                 LOCK_TIMEOUT=0.1, WRITE_RETRIES=1)
    page = make_update("blocked", "Blocked", summary="Never written.")
    rebuild(backend)
    index = page_index(backend)
    holder = index.open().writer()
    try:
        with pytest.raises(LockError):
            index.add_item(page)
    finally:
        holder.cancel()


def _write_documents(path, worker, count):
    """In a child process: ``count`` documents, one commit each, to the index at ``path``."""
    try:
        WhooshSearchBackend._open_indexes = {}
        backend = WhooshSearchBackend({"PATH": path, "LOCK_TIMEOUT": 0.5, "WRITE_RETRIES": 8})
        index = backend.get_index_for_model(UpdatePage)
        for i in range(count):
            doc = {
                ID_FIELD: f"w{worker}-{i}",
                CT_FIELD: "wagtailcore.page portal.updatepage",
                PLAIN_FIELD: f"worker{worker}doc{i} concurrent",
                "t_title": f"concurrent write {worker} {i}",
            }
            index.write([("update", doc)])
    except BaseException:  # noqa: BLE001 - report through the exit code
        import traceback

        traceback.print_exc()
        os._exit(1)
    os._exit(0)


def test_several_processes_writing_at_once_lose_nothing(backend):
    rebuild(backend)
    workers, count = 4, 25
    context = multiprocessing.get_context("fork")
    processes = [
        context.Process(target=_write_documents, args=(str(backend.path), w, count))
        for w in range(workers)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(120)
    assert [p.exitcode for p in processes] == [0] * workers
    WhooshSearchBackend._open_indexes.clear()
    index = page_index(backend)
    with index.open().searcher() as searcher:
        for w in range(workers):
            for i in range(count):
                found = searcher.search(wq.Term(PLAIN_FIELD, f"worker{w}doc{i}"), limit=None)
                assert [hit[ID_FIELD] for hit in found] == [f"w{w}-{i}"]
        assert len(searcher.search(wq.Term(PLAIN_FIELD, "concurrent"), limit=None)) == (
            workers * count
        )


def test_rebuild_keeps_updates_written_to_the_old_generation_meanwhile(backend):
    kept = make_update("kept", "Kept", summary="Indexed before the rebuild.")
    gone = make_update("gone", "Gone", summary="Deleted during the rebuild.")
    rebuild(backend)
    index = page_index(backend)
    old_generation = index.current_generation()

    rebuilder = backend.rebuilder_class(index)
    new_index = rebuilder.start()
    for model in index.models():  # the rebuild reads the database ...
        new_index.add_items(model, model.get_indexed_objects().order_by("pk"))
    # ... then, before it swaps, the worker writes to the live (old) generation
    late = make_update("late", "Late", summary="Published during the rebuild.")
    index.add_item(late)
    index.delete_item(gone)
    assert index.current_generation() == old_generation
    rebuilder.finish()

    assert index.current_generation() != old_generation
    assert not (backend.path / index.name / old_generation).exists()
    ids = indexed_ids(backend)
    assert str(late.pk) in ids and str(kept.pk) in ids
    assert str(gone.pk) not in ids
    assert not list((backend.path / index.name).glob("*.journal"))


def test_writer_follows_a_generation_swapped_while_it_waited(backend):
    page = make_update("follow", "Follow", summary="Written to the new generation.")
    rebuild(backend)
    index = page_index(backend)
    old_generation = index.current_generation()
    rebuilder = backend.rebuilder_class(index)
    new_index = rebuilder.start()
    holder = index.open().writer()  # the live generation is busy ...
    writer_thread = threading.Thread(target=index.add_item, args=(page,))
    writer_thread.start()  # ... so this writer waits for its lock
    time.sleep(0.2)
    holder.cancel()
    # the rebuild swaps (it takes the old lock too: whichever gets it first, nothing is lost)
    rebuilder.finish()
    writer_thread.join(10)
    assert index.current_generation() == new_index.fixed_generation != old_generation
    assert str(page.pk) in indexed_ids(backend)


def test_delete_is_queued_not_written_in_the_request(backend):
    page = make_update("deleted", "Deleted", summary="Removed by the worker.")
    rebuild(backend)
    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    ):
        backend.delete(page)
        queued = [r for r in default_task_backend.results
                  if r.task.name == "delete_from_whoosh_index_task"]
        assert len(queued) == 1
        assert str(page.pk) in indexed_ids(backend)
        queued[0].task.call(*queued[0].args, **queued[0].kwargs)
        assert str(page.pk) not in indexed_ids(backend)
