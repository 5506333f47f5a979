"""Ledger fixtures: a fresh SQLite file or a fresh PostgreSQL schema per test, and direct SQL for
tampering with the stored rows behind the ledger's back.

PostgreSQL is real: the URL comes from ``PENALTY_TEST_PG_URL`` (``.ci/run`` starts a throwaway
cluster and sets it); without it, or when the server does not answer, the PostgreSQL tests skip
and say why. Each test gets its own schema (``options=-csearch_path=…`` in the URL), dropped after.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from penalty_engine.ledger import Entry

ROOT = Path(__file__).resolve().parents[2]
WRITER = Path(__file__).with_name("writer.py")
PG_ENV = "PENALTY_TEST_PG_URL"


def entry(i: int = 0, caller: str = "test") -> Entry:
    """A small entry whose case and decision carry ``i`` (and some Chinese, a float, a nested list)."""
    case = {"case_id": f"T-{i}", "facts": {"n": i, "ratio": 0.25, "note": "处罚"}, "party": {"kind": "individual"}}
    decision = {"case_id": f"T-{i}", "outcome": "penalty", "fine": str(1000 + i), "duties": ["fine"]}
    return Entry(case, decision, f"sha256:{i:064x}", "cn-transport", "2026.1", "penalty-engine 0.1.0", caller)


def _pg_reason(url: str | None) -> str | None:
    if not url:
        return f"{PG_ENV} is not set: no PostgreSQL server to test against (.ci/run starts one)"
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=5) as db:
            db.execute("SELECT 1")
    except psycopg.Error as exc:
        return f"PostgreSQL at {PG_ENV} does not answer: {exc}".strip()
    return None


@pytest.fixture(scope="session")
def pg_server() -> str:
    """The PostgreSQL URL of ``PENALTY_TEST_PG_URL``, or a skip saying why there is none."""
    url = os.environ.get(PG_ENV)
    reason = _pg_reason(url)
    if reason:
        pytest.skip(reason)
    assert url is not None
    return url


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A URL whose tables live in a fresh schema of their own (dropped after the test)."""
    import psycopg

    schema = f"t_{secrets.token_hex(6)}"
    with psycopg.connect(pg_server, autocommit=True) as db:
        db.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in pg_server else "?"
    yield f"{pg_server}{sep}options=-csearch_path%3D{schema}"
    with psycopg.connect(pg_server, autocommit=True) as db:
        db.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=["sqlite", "postgres"])
def ledger_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh ledger URL of each store (the PostgreSQL one skips without a server)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ledger.db'}"
    url: str = request.getfixturevalue("pg_url")
    return url


def run_sql(url: str, statement: str, params: tuple[Any, ...] = ()) -> None:
    """Run one SQL statement on the ledger's database directly (``?`` placeholders), as an
    intruder with write access to the file or the table would."""
    if url.startswith("sqlite:///"):
        db = sqlite3.connect(url[len("sqlite:///") :], isolation_level=None)
        try:
            db.execute(statement, params)
        finally:
            db.close()
        return
    import psycopg

    with psycopg.connect(url, autocommit=True) as pg:
        pg.execute(statement.replace("?", "%s"), params)


def writer(url: str, count: int, tag: str) -> subprocess.Popen[str]:
    """A process appending ``count`` entries (0: until killed), printing each seq once committed."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, str(WRITER), url, str(count), tag], stdout=subprocess.PIPE, text=True, env=env
    )
