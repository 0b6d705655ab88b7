"""One rebuild of an index at a time: a second `update_index` while one runs is
refused with a clear message, and the first one's result stands."""

import multiprocessing

import pytest

from portal.models import UpdatePage
from portal.search.backends.whoosh import RebuildInProgress, WhooshRebuilder
from tests.factories import make_update

from .test_whoosh_backend import rebuild

pytestmark = pytest.mark.django_db


def _try_rebuild_in_another_process(directory, queue):
    """In a child process (its own file descriptors, as a second update_index would be)."""
    import fcntl

    with open(f"{directory}/REBUILD.lock", "a+") as lock_file:
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            queue.put("refused")
        else:
            queue.put("acquired")


def test_a_second_rebuild_is_refused_while_one_runs(backend):
    make_update("first", "First update", summary="Indexed by the first rebuild.")
    index = backend.get_index_for_model(UpdatePage)
    first = WhooshRebuilder(index)
    building = first.start()
    with pytest.raises(RebuildInProgress, match="being rebuilt by another process"):
        WhooshRebuilder(index).start()
    queue = multiprocessing.get_context("fork").Queue()
    child = multiprocessing.get_context("fork").Process(
        target=_try_rebuild_in_another_process, args=(str(index.directory), queue)
    )
    child.start()
    child.join(30)
    assert queue.get(timeout=5) == "refused"

    building.add_items(UpdatePage, UpdatePage.objects.all())
    first.finish()
    assert [p.slug for p in backend.search("first", UpdatePage)] == ["first"]


def test_after_a_rebuild_the_next_one_may_start(backend):
    make_update("later", "Later update")
    rebuild(backend)
    rebuild(backend)  # not refused: the first released its lock
    assert [p.slug for p in backend.search("later", UpdatePage)] == ["later"]


def test_an_abandoned_rebuild_releases_the_lock_and_keeps_the_live_index(backend):
    make_update("kept", "Kept update")
    rebuild(backend)
    index = backend.get_index_for_model(UpdatePage)
    failed = WhooshRebuilder(index)
    failed.start()
    failed.abandon()
    assert [p.slug for p in backend.search("kept", UpdatePage)] == ["kept"]
    again = WhooshRebuilder(index)
    again.start()  # the lock is free again
    again.abandon()
