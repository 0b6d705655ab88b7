"""Rebuilding an index into a new generation while the live one keeps answering, one rebuild
at a time across processes (``REBUILD.lock``).
"""

import contextlib
import json
import logging
import shutil

from django.core.management.base import CommandError
from modelsearch.index import (
    class_is_indexed,
)
from whoosh.index import LockError

from portal.search.backends.whoosh.index import IndexUnavailable, WhooshIndex
from portal.search.backends.whoosh.schema import ID_FIELD, JOURNAL_SUFFIX

logger = logging.getLogger(__name__)


class WhooshRebuildIndex(WhooshIndex):
    """The index being rebuilt: a new generation, written by one writer, swapped in at the end.

    While it is built, writers of the live generation also append their operations to
    ``<generation>.journal``; ``finish`` takes the live generation's lock (no more writes there),
    replays the journal into the new generation, swaps CURRENT and releases the lock. Writers
    waiting for that lock see the new CURRENT once they hold it and write there instead."""

    def __init__(self, live):
        super().__init__(live.backend, live.root_model, generation=live._create_generation())
        self.live = live
        self._open_writer = None
        self.journal = self.directory / (self.fixed_generation + JOURNAL_SUFFIX)
        self.journal.touch()

    def add_items(self, model, items):
        if not class_is_indexed(model):
            return
        for doc in self.prepare_documents(model, items):
            if self._open_writer is None:
                self._open_writer = self.open().writer(
                    timeout=self.backend.lock_timeout,
                    limitmb=256,
                    **self._parallel(),
                )
                self._in_segment = 0
            self._open_writer.update_document(**doc)
            self._in_segment += 1
            if self._in_segment >= self.backend.rebuild_segment_docs:
                # Segments of a bounded size: Whoosh sorts a segment's postings in memory,
                # and past ~2,500 fact sheets that spills to disk and gets much slower.
                self._open_writer.commit(merge=False)
                self._open_writer = None

    def _parallel(self):
        """Whoosh's multiprocessing writer: documents go to ``procs`` processes in batches,
        each writes its own segment (no merge at commit, as for the bounded segments)."""
        procs = min(self.backend.rebuild_procs, self.backend.rebuild_segment_docs)
        if procs <= 1:
            return {}
        return {
            "procs": procs,
            "multisegment": True,
            "batchsize": max(1, min(100, self.backend.rebuild_segment_docs // procs)),
            "subargs": {"limitmb": 256 // procs},
        }

    def _replay(self):
        try:
            lines = self.journal.read_text().splitlines()
        except OSError:
            return
        operations = [json.loads(line) for line in lines if line.strip()]
        if not operations:
            return
        writer = self._writer(self.open())
        try:
            for op, value in operations:
                if op == "update":
                    writer.update_document(**value)
                else:
                    writer.delete_by_term(ID_FIELD, value)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()

    def finish(self):
        if self._open_writer is not None:
            self._open_writer.commit(merge=False)
            self._open_writer = None
        old = self.live.current_generation()
        old_writer = None
        if old and old != self.fixed_generation:
            try:
                old_writer = self._writer(self.backend.open_index(self.directory / old))
            except (IndexUnavailable, LockError, OSError) as exc:
                logger.warning(
                    "Search index %s: rebuild swaps without the old generation's lock (%s)",
                    self.name,
                    exc,
                )
        try:
            self._replay()
            self.live._set_current(self.fixed_generation)
        finally:
            with contextlib.suppress(OSError):
                self.journal.unlink()
            if old_writer is not None:
                old_writer.cancel()
        if old and old != self.fixed_generation:
            self.backend.forget(self.directory / old)
            shutil.rmtree(self.directory / old, ignore_errors=True)

    def abandon(self):
        if self._open_writer is not None:
            self._open_writer.cancel()
            # MpWriter.cancel() only flags its worker processes in this process; they would
            # wait for jobs for ever.
            for task in getattr(self._open_writer, "tasks", ()):
                task.terminate()
                task.join()
            self._open_writer = None
        with contextlib.suppress(OSError):
            self.journal.unlink()
        shutil.rmtree(self.directory / self.fixed_generation, ignore_errors=True)


class RebuildInProgress(CommandError):
    """Another process is rebuilding this index."""


class WhooshRebuilder:
    """One rebuild of an index at a time, across processes: `start` takes an exclusive lock
    on ``<index directory>/REBUILD.lock`` (released by `finish`, `abandon` or the process
    ending). With ``wait=False`` (update_index) a second rebuild is refused with
    RebuildInProgress; with ``wait=True`` (an unreadable index recovered on first use) it
    waits, and the caller checks whether the other rebuild already did the work."""

    def __init__(self, index, *, wait=False):
        self.index = index
        self.new_index = None
        self.wait = wait
        self._lock_file = None

    def _lock(self):
        import fcntl

        self.index.directory.mkdir(parents=True, exist_ok=True)
        lock_file = open(self.index.directory / "REBUILD.lock", "a+")  # noqa: SIM115
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | (0 if self.wait else fcntl.LOCK_NB))
        except BlockingIOError:
            lock_file.close()
            raise RebuildInProgress(
                f"The search index {self.index.name} is being rebuilt by another process; "
                "try again when it has finished."
            ) from None
        self._lock_file = lock_file

    def _unlock(self):
        if self._lock_file is not None:
            self._lock_file.close()  # closing the file releases the lock
            self._lock_file = None

    def start(self):
        self._lock()
        try:
            self.new_index = WhooshRebuildIndex(self.index)
        except BaseException:
            self._unlock()
            raise
        return self.new_index

    def finish(self):
        try:
            self.new_index.finish()
        finally:
            self._unlock()

    def abandon(self):
        try:
            if self.new_index is not None:
                self.new_index.abandon()
        finally:
            self._unlock()
