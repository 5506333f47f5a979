"""The decision ledger (issue #13): an append-only, hash-chained record of every decision made.

``open_ledger(url)`` gives a ``Ledger``: a file path or ``sqlite:///path`` (SQLite in WAL mode, the
embedded default) or ``postgresql://…`` (PostgreSQL through psycopg 3). See ``base`` for the contract.
"""

from __future__ import annotations

from .base import Entry, Ledger, Record, Verification

__all__ = ["Entry", "Ledger", "Record", "Verification"]
