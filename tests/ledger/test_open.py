"""Opening a ledger: which store a URL gives, the errors for what is not a ledger, and the schema
migrations that run on open."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

import pytest

from penalty_engine.errors import CODES
from penalty_engine.ledger import LedgerError, SqliteLedger, open_ledger

from .conftest import entry


def test_a_plain_path_and_a_sqlite_url_open_the_same_file(tmp_path: Path) -> None:
    path = tmp_path / "d.db"
    a = open_ledger(str(path))
    assert isinstance(a, SqliteLedger)
    rec = a.append(entry(1))
    a.close()
    b = open_ledger(f"sqlite:///{path}")
    assert b.get(rec.id) is not None
    # WAL: readers do not wait for the writer
    mode = sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_a_postgres_url_opens_a_postgres_ledger(pg_url: str) -> None:
    from penalty_engine.ledger.postgres import PostgresLedger

    led = open_ledger(pg_url)
    assert isinstance(led, PostgresLedger) and led.ping()
    # postgres:// is accepted as well
    short = open_ledger("postgres://" + pg_url.removeprefix("postgresql://"))
    assert short.verify().ok


@pytest.mark.parametrize("url", ["mysql://host/db", "sqlite:relative.db", "", "http://x"])
def test_a_url_of_no_known_store_is_pe_l001(url: str) -> None:
    with pytest.raises(LedgerError) as exc:
        open_ledger(url)
    assert exc.value.code == "PE-L001" and "sqlite:///" in exc.value.message


def test_a_file_that_is_not_a_database_is_pe_l002(tmp_path: Path) -> None:
    bad = tmp_path / "notes.txt"
    bad.write_text("not a database, just some text that is long enough to have a header\n" * 20)
    with pytest.raises(LedgerError) as exc:
        open_ledger(str(bad))
    assert exc.value.code == "PE-L002" and exc.value.where == str(bad)


def test_an_unreachable_postgres_server_is_pe_l002_without_the_password() -> None:
    with pytest.raises(LedgerError) as exc:
        open_ledger("postgresql://app:s3cret@127.0.0.1:1/penalty?connect_timeout=2")
    assert exc.value.code == "PE-L002" and "s3cret" not in str(exc.value)


def test_a_schema_newer_than_the_engine_is_pe_l003(tmp_path: Path) -> None:
    path = tmp_path / "d.db"
    open_ledger(str(path)).close()
    db = sqlite3.connect(path)
    db.execute("UPDATE ledger_schema_version SET version = 99")
    db.commit()
    db.close()
    with pytest.raises(LedgerError) as exc:
        open_ledger(str(path))
    assert exc.value.code == "PE-L003" and "99" in exc.value.message


def test_an_empty_database_is_migrated_to_version_1_once(ledger_url: str) -> None:
    led = open_ledger(ledger_url)
    assert led.migrate() == 1
    led.append(entry(1))
    open_ledger(ledger_url).close()  # a second open changes nothing
    assert [r.seq for r in open_ledger(ledger_url).records()] == [1]


def test_an_older_database_is_brought_up_by_the_missing_steps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from penalty_engine.ledger import sqlite as store

    path = tmp_path / "d.db"
    open_ledger(str(path)).close()  # version 1
    ran: list[int] = []

    def v2(db: sqlite3.Connection) -> None:
        ran.append(2)
        db.execute("ALTER TABLE ledger_records ADD COLUMN note TEXT")

    monkeypatch.setattr(store, "_MIGRATIONS", [*store._MIGRATIONS, v2])
    monkeypatch.setattr(store, "SCHEMA_VERSION", 2)
    led = open_ledger(str(path))
    assert ran == [2] and led.migrate() == 2
    cols = [r[1] for r in sqlite3.connect(path).execute("PRAGMA table_info(ledger_records)")]
    assert "note" in cols


def test_an_entry_that_is_not_json_is_pe_l004(ledger_url: str) -> None:
    led = open_ledger(ledger_url)
    with pytest.raises(LedgerError) as exc:
        led.append(dataclasses.replace(entry(1), case={"x": float("nan")}))
    assert exc.value.code == "PE-L004"
    assert led.verify().checked == 0


def test_every_ledger_code_is_in_the_table() -> None:
    assert {c for c in CODES if c.startswith("PE-L")} == {f"PE-L00{i}" for i in range(1, 6)}
