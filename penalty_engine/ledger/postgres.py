"""The shared ledger: PostgreSQL through psycopg 3, the same schema as SQLite (``jsonb`` for JSON,
``timestamptz`` for the time), for several service instances writing one chain.

Append is one transaction that first locks the one-row chain head (``SELECT … FROM ledger_head FOR
UPDATE``), then inserts the record and moves the head. Why a row lock rather than
``pg_advisory_xact_lock``: the head row is also what ``verify`` checks the end of the chain against
(a record deleted from, or appended by hand to, the end shows), the lock lives in the data it
guards (no magic lock number shared with other applications of the database, visible in
``pg_locks`` as a lock on ``ledger_head``), and it is taken and released with the transaction
whatever happens to the client: a writer killed mid-append (``kill -9``) loses its connection, the
server rolls its transaction back, and the next writer gets the lock. Writers queue on the lock, so
the chain never forks and no seq is used twice (``seq`` is also the primary key).

jsonb keeps JSON by value, not by text (``1.50`` comes back as ``1.5``, keys reordered), so append
first passes the case and the decision through jsonb (``SELECT %s::jsonb``) and hashes what the
store gives back: ``verify`` then recomputes the same canonical text from what it reads.

Readers (``verify``) run in one REPEATABLE READ transaction: a snapshot taken once. One connection
per ledger, serialised by a ``threading.Lock``. Schema versions as in ``sqlite`` (``_MIGRATIONS``);
``migrate`` holds a transaction-level advisory lock so that two processes opening an empty database
at once create the tables once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from ..errors import LedgerError, msg, word
from .base import Entry, Ledger, Record, Verification
from .chain import canonical_json, chained, meta_of, walk
from .schema import migrate_schema

SCHEMA_VERSION = 1
#: the advisory lock key ``migrate`` holds (any constant; "penaltyL" in ASCII)
_MIGRATE_LOCK = 0x70656E616C74794C
_COLUMNS = 'seq, id, recorded_at, "case", decision, fingerprint, pack_id, pack_version, engine, caller, prev_hash, hash'


def _v1(db: psycopg.Connection[Any]) -> None:
    db.execute(
        """CREATE TABLE ledger_records (
            seq bigint PRIMARY KEY,
            id text NOT NULL UNIQUE,
            recorded_at timestamptz NOT NULL,
            "case" jsonb NOT NULL,
            decision jsonb NOT NULL,
            fingerprint text NOT NULL,
            pack_id text NOT NULL,
            pack_version text NOT NULL,
            engine text NOT NULL,
            caller text NOT NULL,
            prev_hash text NOT NULL,
            hash text NOT NULL
        )"""
    )
    db.execute(
        "CREATE TABLE ledger_head"
        " (one boolean PRIMARY KEY DEFAULT true CHECK (one), seq bigint NOT NULL, hash text NOT NULL)"
    )
    db.execute("INSERT INTO ledger_head VALUES (true, 0, '')")


#: ``_MIGRATIONS[i]`` brings the schema from version i to i + 1 (version 2 is one more function).
_MIGRATIONS: list[Callable[[psycopg.Connection[Any]], None]] = [_v1]


def _where(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        info = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.Error:
        return "postgresql"
    return f"postgresql://{info.get('user', '')}@{info.get('host', '')}:{info.get('port', '')}/{info.get('dbname', '')}"


class PostgresLedger(Ledger):
    """The ledger in a PostgreSQL database (tables created, or migrated, on open)."""

    def __init__(self, url: str, *, connect_timeout: int = 10) -> None:
        self.where = _where(url)
        self._lock = threading.Lock()
        try:
            self._db = psycopg.connect(url, connect_timeout=connect_timeout, autocommit=True)
        except psycopg.Error as exc:
            text = str(exc).strip()
            message = (
                msg("cannot connect to the PostgreSQL ledger: {detail}", detail=word("details", text, default="(db)"))
                if text
                else msg("cannot connect to the PostgreSQL ledger:")
            )
            raise LedgerError("PE-L002", message, self.where) from None
        self.migrate()

    def migrate(self) -> int:
        """Bring the database to ``SCHEMA_VERSION`` (one transaction); return the version found."""
        with self._lock, self._db.transaction():
            self._db.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATE_LOCK,))
            found = migrate_schema(self._db.execute, "%s", _MIGRATIONS, self._db, SCHEMA_VERSION, self.where)
        return found

    def append(self, entry: Entry) -> Record:
        """Store ``entry`` at the end of the chain: one transaction holding the head row's lock."""
        return self.append_many([entry])[0]

    def append_many(self, entries: Sequence[Entry]) -> list[Record]:
        """Store ``entries`` at the end of the chain in one transaction holding the head row's lock:
        one commit for the group, the same chain as one by one, all or none."""
        try:
            for entry in entries:
                canonical_json(entry.case), canonical_json(entry.decision)
        except (TypeError, ValueError) as exc:
            detail = word("details", str(exc), default="(json)")
            raise LedgerError(
                "PE-L004", msg("the entry is not plain JSON: {detail}", detail=detail), self.where
            ) from None
        with self._lock, self._db.transaction():
            seq, prev = self._db.execute("SELECT seq, hash FROM ledger_head FOR UPDATE").fetchone() or (0, "")
            stored = [self._as_stored(entry) for entry in entries]  # hashed as jsonb gives them back
            records = chained(stored, int(seq), prev)
            with self._db.cursor() as cur:
                cur.executemany(
                    f"INSERT INTO ledger_records ({_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    [
                        (
                            rec.seq,
                            rec.id,
                            rec.recorded_at,
                            Jsonb(rec.entry.case),
                            Jsonb(rec.entry.decision),
                            *meta_of(rec.entry),
                            rec.prev_hash,
                            rec.hash,
                        )
                        for rec in records
                    ],
                )
            if records:
                self._db.execute("UPDATE ledger_head SET seq = %s, hash = %s", (records[-1].seq, records[-1].hash))
        return records

    def _as_stored(self, entry: Entry) -> Entry:
        """``entry`` as jsonb stores it (by value: ``1.50`` comes back ``1.5``), which is what is hashed."""
        row = self._db.execute("SELECT %s::jsonb, %s::jsonb", (Jsonb(entry.case), Jsonb(entry.decision))).fetchone()
        assert row is not None
        return Entry(row[0], row[1], *meta_of(entry))

    def get(self, record_id: str) -> Record | None:
        """The record with this id, or None."""
        with self._lock, self._db.transaction():
            row = self._db.execute(f"SELECT {_COLUMNS} FROM ledger_records WHERE id = %s", (record_id,)).fetchone()
        return _record(row) if row else None

    def records(self, start: int = 1) -> Iterator[Record]:
        """Every record from seq ``start`` on, in order (read in batches, not all at once)."""
        after = start - 1
        while True:
            with self._lock, self._db.transaction():
                rows = self._db.execute(
                    f"SELECT {_COLUMNS} FROM ledger_records WHERE seq > %s ORDER BY seq LIMIT 500", (after,)
                ).fetchall()
            if not rows:
                return
            for row in rows:
                yield _record(row)
            after = rows[-1][0]

    def verify(self) -> Verification:
        """Walk the whole chain in one snapshot and recompute every hash (see ``chain.walk``)."""
        with self._lock, self._db.transaction():
            self._db.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            head = self._db.execute("SELECT seq, hash FROM ledger_head").fetchone()
            with self._db.cursor(name="ledger_verify") as cur:
                cur.execute(f"SELECT {_COLUMNS} FROM ledger_records ORDER BY seq")
                return walk((_record(r) for r in cur), (int(head[0]), str(head[1])) if head else (0, ""))

    def ping(self) -> bool:
        """Whether the database answers."""
        try:
            with self._lock, self._db.transaction():
                self._db.execute("SELECT 1").fetchone()
            return True
        except psycopg.Error:
            return False

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._db.close()


def _record(row: tuple[Any, ...]) -> Record:
    seq, rid, at, case, decision, fingerprint, pack_id, pack_version, engine, caller, prev, digest = row
    entry = Entry(case, decision, fingerprint, pack_id, pack_version, engine, caller)
    return Record(int(seq), rid, at, entry, prev, digest)
