"""The decision ledger (issue #13): an append-only, hash-chained record of every decision made.

``open_ledger(url)`` gives a ``Ledger``: a file path or ``sqlite:///path`` (SQLite in WAL mode, the
embedded default) or ``postgresql://…`` / ``postgres://…`` (PostgreSQL through psycopg 3). See
``base`` for the contract and ``chain`` for the hash chain both stores keep. Not pure: I/O shell.
This phase imports no engine code: it stores JSON. docs/ledger.md.
"""

from __future__ import annotations

from .. import errors
from ..errors import LedgerError
from .base import Entry, Ledger, Record, Verification
from .chain import canonical_json, record_hash
from .replay_rows import Exported, actual_of, export, replay_row
from .sqlite import SqliteLedger

__all__ = [
    "Entry",
    "Exported",
    "Ledger",
    "LedgerError",
    "Record",
    "SqliteLedger",
    "Verification",
    "actual_of",
    "canonical_json",
    "export",
    "open_ledger",
    "record_hash",
    "replay_row",
]

_PG_SCHEMES = ("postgresql://", "postgres://")


def open_ledger(url: str) -> Ledger:
    """Open (creating and migrating when needed) the ledger at ``url``.

    Args:
        url: a file path or ``sqlite:///path`` → ``SqliteLedger``; ``postgresql://…`` or
            ``postgres://…`` → ``PostgresLedger``.

    Raises:
        LedgerError: PE-L001 for any other URL; PE-L002 when the store cannot be opened or reached;
            PE-L003 when its schema is newer than this engine.

    >>> led = open_ledger("sqlite:///decisions.db")  # doctest: +SKIP
    """
    if url.startswith(_PG_SCHEMES):
        from .postgres import PostgresLedger  # psycopg loads only for a PostgreSQL ledger

        return PostgresLedger(url)
    if url.startswith("sqlite:///"):
        return SqliteLedger(url[len("sqlite:///") :])
    if "://" in url or url.startswith("sqlite:") or not url.strip():
        message = errors.msg(
            "'{url}' is not a ledger URL; expected a file path, {sqlite}, or {postgres}",
            url=url,
            sqlite="sqlite:///path",
            postgres="postgresql://user@host/db",
        )
        raise LedgerError("PE-L001", message)
    return SqliteLedger(url)
