"""Schema versions of a ledger store, the same steps for SQLite and PostgreSQL (migrations in code).

``migrate_schema`` runs inside the store's own write transaction: it creates the version table,
reads the version found, refuses a store written by a newer engine (PE-L003), runs each
migration step still missing, and records the version now in force.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..errors import LedgerError, msg

Execute = Callable[[str, tuple[Any, ...]], Any]


def migrate_schema(
    execute: Execute, param: str, steps: Sequence[Callable[[Any], None]], db: Any, version: int, where: str
) -> int:
    """Bring a store to ``version`` with ``steps[found:]``; return the version found (0: empty).

    ``execute(sql, params)`` runs one statement and returns its cursor; ``param`` is the store's
    placeholder (``?`` or ``%s``); each step gets ``db``."""
    execute("CREATE TABLE IF NOT EXISTS ledger_schema_version (version INTEGER NOT NULL)", ())
    row = execute("SELECT version FROM ledger_schema_version", ()).fetchone()
    found = int(row[0]) if row else 0
    if found > version:
        message = msg(
            "schema version {found}, this engine knows up to {version}: upgrade penalty-engine",
            found=found,
            version=version,
        )
        raise LedgerError("PE-L003", message, where)
    for step in steps[found:]:
        step(db)
    if row is None:
        execute(f"INSERT INTO ledger_schema_version VALUES ({param})", (version,))
    elif found < version:
        execute(f"UPDATE ledger_schema_version SET version = {param}", (version,))
    return found
