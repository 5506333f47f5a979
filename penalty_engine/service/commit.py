"""Group commit: concurrent requests' ledger appends written together (ADR 0012).

One writer thread takes every entry queued while the previous group was being written and stores
them with ``Ledger.append_many`` (one transaction, one commit for the group). Each request waits
for its own record: a decision is answered only after its record is committed, as before; only
the fsyncs are shared. The chain is the same as with appends one by one, in the order the
entries were queued. A group that fails (the store is gone, an entry is not JSON) fails every
request in it with the same error, and nothing of it is stored.

Not pure: a thread and the ledger's I/O. ``close`` stops the thread after the queued groups.
"""

from __future__ import annotations

import queue
import threading
from concurrent.futures import Future

from ..ledger import Entry, Ledger, Record

#: Most entries in one group (a bound on the transaction's size and on the wait of the last one).
MAX_GROUP = 256


class GroupCommitter:
    """Appends entries to ``ledger`` in groups, from one writer thread."""

    def __init__(self, ledger: Ledger, max_group: int = MAX_GROUP) -> None:
        self.ledger = ledger
        self.max_group = max_group
        self._queue: queue.SimpleQueue[tuple[Entry, Future[Record]] | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="ledger-group-commit", daemon=True)
        self._thread.start()

    def append(self, entry: Entry) -> Record:
        """Queue ``entry`` and wait until its group is committed; its record, or the group's error."""
        done: Future[Record] = Future()
        self._queue.put((entry, done))
        return done.result()

    def close(self) -> None:
        """Write what is queued, then stop the writer thread."""
        self._queue.put(None)
        self._thread.join()

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            group = [item]
            stop = False
            while len(group) < self.max_group:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stop = True
                    break
                group.append(more)
            self._write(group)
            if stop:
                return

    def _write(self, group: list[tuple[Entry, Future[Record]]]) -> None:
        try:
            records = self.ledger.append_many([entry for entry, _ in group])
        except BaseException as exc:  # every request of the group learns why it was not recorded
            for _, done in group:
                done.set_exception(exc)
            return
        for (_, done), record in zip(group, records, strict=True):
            done.set_result(record)
