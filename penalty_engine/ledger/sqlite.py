"""The embedded ledger: one SQLite file in WAL mode, safe for several processes at once.

Append is one ``BEGIN IMMEDIATE`` transaction: it takes SQLite's write lock, reads the chain head,
computes the record's hash, inserts the record, moves the head and commits. Writers from other
processes wait for the lock (``busy_timeout``, 30 s) instead of failing, so the chain never forks
and no seq is used twice. A process killed mid-append (``kill -9``) leaves its transaction
uncommitted in the WAL, and SQLite discards it on the next open: the record being written is the
only one that may be missing, and the chain stays whole.

Readers (``records``, ``verify``) read in one transaction, a consistent snapshot that writers do not
block (WAL). A ``threading.Lock`` serialises the connection between the threads of one process.

Schema (``_MIGRATIONS``; ``migrate`` on open brings an empty or older file to ``SCHEMA_VERSION``)::

    ledger_schema_version(version)              one row
    ledger_records(seq INTEGER PRIMARY KEY, id UNIQUE, recorded_at TEXT (ISO 8601 UTC),
                   "case" TEXT (JSON), decision TEXT (JSON), fingerprint, pack_id, pack_version,
                   engine, caller, prev_hash, hash)
    ledger_head(one = 1, seq, hash)             the chain's last seq and hash, moved by every append

The head is an extension of the contract: it lets ``verify`` see records deleted from, or appended
by hand to, the end of the chain (which the links alone cannot show) and gives ``append`` one row to
read. Cost: an append is one small transaction and one fsync (``synchronous=FULL``: a recorded
decision survives a power cut); bench/bench_ledger.py measured about 110 appends/s with one writer,
and about as many in total with four, on this project's shared 2-core machine: the fsync dominates.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from ..errors import LedgerError, msg, word
from .base import Entry, Ledger, Record, Verification
from .chain import canonical_json, chained, meta_of, timestamp, walk
from .schema import migrate_schema

SCHEMA_VERSION = 1
_BUSY_MS = 30_000
_COLUMNS = 'seq, id, recorded_at, "case", decision, fingerprint, pack_id, pack_version, engine, caller, prev_hash, hash'


def _v1(db: sqlite3.Connection) -> None:
    db.execute(
        """CREATE TABLE ledger_records (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            recorded_at TEXT NOT NULL,
            "case" TEXT NOT NULL,
            decision TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            pack_id TEXT NOT NULL,
            pack_version TEXT NOT NULL,
            engine TEXT NOT NULL,
            caller TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        )"""
    )
    db.execute(
        "CREATE TABLE ledger_head (one INTEGER PRIMARY KEY CHECK (one = 1), seq INTEGER NOT NULL, hash TEXT NOT NULL)"
    )
    db.execute("INSERT INTO ledger_head VALUES (1, 0, '')")


#: ``_MIGRATIONS[i]`` brings the schema from version i to i + 1 (version 2 is one more function).
_MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_v1]


class SqliteLedger(Ledger):
    """The ledger in one SQLite file (created, with its schema, when missing)."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._lock = threading.Lock()
        try:
            self._db = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=_BUSY_MS / 1000
            )
            self._db.execute(f"PRAGMA busy_timeout = {_BUSY_MS}")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = FULL")
            self.migrate()
        except sqlite3.Error as exc:
            detail = word("details", str(exc), default="(db)")
            raise LedgerError(
                "PE-L002", msg("cannot open the SQLite ledger: {detail}", detail=detail), self.path
            ) from None

    def migrate(self) -> int:
        """Bring the file to ``SCHEMA_VERSION`` (in one write transaction); return the version found."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                found = migrate_schema(self._db.execute, "?", _MIGRATIONS, self._db, SCHEMA_VERSION, self.path)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return found

    def append(self, entry: Entry) -> Record:
        """Store ``entry`` at the end of the chain in one ``BEGIN IMMEDIATE`` transaction."""
        return self.append_many([entry])[0]

    def append_many(self, entries: Sequence[Entry]) -> list[Record]:
        """Store ``entries`` at the end of the chain in one ``BEGIN IMMEDIATE`` transaction: one
        commit (one fsync) for the group, the same chain as one by one, all or none."""
        try:
            texts = [(canonical_json(e.case), canonical_json(e.decision)) for e in entries]
        except (TypeError, ValueError) as exc:
            detail = word("details", str(exc), default="(json)")
            raise LedgerError(
                "PE-L004", msg("the entry is not plain JSON: {detail}", detail=detail), self.path
            ) from None
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                seq, prev = self._db.execute("SELECT seq, hash FROM ledger_head").fetchone()
                records = chained(entries, seq, prev)
                self._db.executemany(
                    f"INSERT INTO ledger_records ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        (
                            rec.seq,
                            rec.id,
                            timestamp(rec.recorded_at),
                            case,
                            decision,
                            *meta_of(rec.entry),
                            rec.prev_hash,
                            rec.hash,
                        )
                        for rec, (case, decision) in zip(records, texts, strict=True)
                    ],
                )
                if records:
                    self._db.execute("UPDATE ledger_head SET seq = ?, hash = ?", (records[-1].seq, records[-1].hash))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return records

    def get(self, record_id: str) -> Record | None:
        """The record with this id, or None."""
        with self._lock:
            row = self._db.execute(f"SELECT {_COLUMNS} FROM ledger_records WHERE id = ?", (record_id,)).fetchone()
        return _record(row) if row else None

    def records(self, start: int = 1) -> Iterator[Record]:
        """Every record from seq ``start`` on, in order (read in batches, not all at once)."""
        after = start - 1
        while True:
            with self._lock:
                rows = self._db.execute(
                    f"SELECT {_COLUMNS} FROM ledger_records WHERE seq > ? ORDER BY seq LIMIT 500", (after,)
                ).fetchall()
            if not rows:
                return
            for row in rows:
                yield _record(row)
            after = rows[-1][0]

    def verify(self) -> Verification:
        """Walk the whole chain in one read snapshot and recompute every hash (see ``chain.walk``)."""
        with self._lock:
            self._db.execute("BEGIN")
            try:
                head = self._db.execute("SELECT seq, hash FROM ledger_head").fetchone()
                cur = self._db.execute(f"SELECT {_COLUMNS} FROM ledger_records ORDER BY seq")
                return walk((_record(r) for r in cur), (int(head[0]), str(head[1])) if head else (0, ""))
            finally:
                self._db.execute("COMMIT")

    def ping(self) -> bool:
        """Whether the file can be read."""
        try:
            with self._lock:
                self._db.execute("SELECT 1 FROM ledger_head").fetchone()
            return True
        except sqlite3.Error:
            return False

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._db.close()


def _record(row: tuple[Any, ...]) -> Record:
    seq, rid, at, case, decision, fingerprint, pack_id, pack_version, engine, caller, prev, digest = row
    entry = Entry(json.loads(case), json.loads(decision), fingerprint, pack_id, pack_version, engine, caller)
    return Record(int(seq), rid, dt.datetime.fromisoformat(at), entry, prev, digest)
