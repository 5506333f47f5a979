"""The ledger's contract: an append-only, hash-chained record of every decision made (issue #13).

Every implementation (``sqlite``, ``postgres``) stores the same ``Record`` rows in the same schema
and keeps one unbroken chain: each record carries the sha256 of the previous record's canonical
text, so an edited, deleted, inserted or reordered record breaks the chain at that place, and
``verify`` names the first bad one. Not pure: this is the I/O shell (a database).

The hash chain itself (canonical text, hash, the walk ``verify`` makes) is defined once, in
``chain``. Extensions of the first contract: ``migrate``; and every store keeps a one-row chain head
(last seq and hash) so that ``verify`` also sees records removed from or added to the end.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Entry:
    """What the caller records: one decision (or a decisions object) and where it came from."""

    #: the case as given (the case-input contract, JSON values only)
    case: dict[str, Any]
    #: ``Decision.model_dump(mode="json")`` (or ``Decisions``): the decision JSON contract
    decision: dict[str, Any]
    #: the decision's fingerprint (``sha256:…``; for a ``Decisions`` object, of its first decision)
    fingerprint: str
    pack_id: str
    pack_version: str
    #: ``penalty-engine X.Y.Z``
    engine: str
    #: who asked: an API key id, ``cli:<user>``, …
    caller: str


@dataclass(frozen=True, slots=True)
class Record:
    """A stored entry: its sequence number (1, 2, …), when it was recorded (UTC), and the chain."""

    seq: int
    #: the record's id as the API returns it (``dec_`` + 26 characters, unique)
    id: str
    recorded_at: dt.datetime
    entry: Entry
    #: sha256 hex of the previous record's canonical text ('' for the first)
    prev_hash: str
    #: sha256 hex of this record's canonical text (which includes ``prev_hash``)
    hash: str


@dataclass(frozen=True, slots=True)
class Verification:
    """The result of ``Ledger.verify``: how many records were checked, and the first bad one."""

    checked: int
    ok: bool
    #: sequence number of the first record that breaks the chain (None when ok)
    first_bad: int | None = None
    #: what is wrong with it, in words
    problem: str = ""

    def as_json(self) -> dict[str, Any]:
        """The result as plain JSON values (``penalty ledger verify --format json``)."""
        return {"ok": self.ok, "checked": self.checked, "first_bad": self.first_bad, "problem": self.problem}


class Ledger:
    """An append-only ledger of decisions. Implementations: ``SqliteLedger``, ``PostgresLedger``."""

    def append(self, entry: Entry) -> Record:
        """Store ``entry`` at the end of the chain (atomically: it is wholly there or not at all)."""
        raise NotImplementedError  # pragma: no cover

    def append_many(self, entries: Sequence[Entry]) -> list[Record]:
        """Store ``entries`` at the end of the chain, in order (group commit, ADR 0012).

        A store may write them in one transaction (one commit for many records); the chain is the
        same as from appending them one by one. All or none: on an error nothing of the group is
        stored. This default appends them one by one (each atomic)."""
        return [self.append(e) for e in entries]

    def get(self, record_id: str) -> Record | None:
        """The record with this id, or None."""
        raise NotImplementedError  # pragma: no cover

    def records(self, start: int = 1) -> Iterator[Record]:
        """Every record from sequence number ``start`` on, in order."""
        raise NotImplementedError  # pragma: no cover

    def verify(self) -> Verification:
        """Walk the whole chain and recompute every hash."""
        raise NotImplementedError  # pragma: no cover

    def migrate(self) -> int:
        """Bring the store's schema to the version this engine writes; return the version found
        (0 for an empty store). Every store runs it on open; added to the contract so that a
        deployment can migrate (and read the version) without appending anything."""
        raise NotImplementedError  # pragma: no cover

    def ping(self) -> bool:
        """Whether the store is reachable (for ``/readyz``)."""
        raise NotImplementedError  # pragma: no cover

    def close(self) -> None:
        """Release the connection(s)."""
        raise NotImplementedError  # pragma: no cover
