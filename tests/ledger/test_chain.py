"""The chain on both stores: records come back as written, and every kind of tampering with the
stored rows (edit, delete, insert, reorder; done in SQL behind the ledger's back) is caught at the
first bad record."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from penalty_engine.ledger import Ledger, open_ledger, record_hash

from .conftest import entry, run_sql


@pytest.fixture
def five(ledger_url: str) -> Ledger:
    """A ledger holding five records (seq 1–5)."""
    led = open_ledger(ledger_url)
    for i in range(1, 6):
        led.append(entry(i))
    return led


def test_appended_records_come_back_in_order_and_link_up(ledger_url: str) -> None:
    led = open_ledger(ledger_url)
    first, second = led.append(entry(1)), led.append(entry(2))
    assert (first.seq, second.seq) == (1, 2)
    assert first.prev_hash == "" and second.prev_hash == first.hash
    assert re.fullmatch(r"dec_[0-9A-HJKMNP-TV-Z]{26}", first.id) and first.id != second.id
    assert first.recorded_at.tzinfo is not None and first.recorded_at.utcoffset() == dt.timedelta(0)
    got = led.get(second.id)
    assert got is not None and got.entry == entry(2) and got.hash == second.hash
    assert [r.seq for r in led.records()] == [1, 2] and [r.seq for r in led.records(2)] == [2]
    assert led.get("dec_missing") is None
    assert led.verify().ok and led.verify().checked == 2
    assert led.ping()
    led.close()


def test_the_hash_is_the_sha256_of_the_canonical_text(ledger_url: str) -> None:
    led = open_ledger(ledger_url)
    rec = led.append(entry(7))
    assert rec.hash == record_hash(rec.seq, rec.id, rec.recorded_at, rec.entry, rec.prev_hash)
    # one byte of the case changed gives another hash
    other = entry(8)
    assert record_hash(rec.seq, rec.id, rec.recorded_at, other, rec.prev_hash) != rec.hash


def test_an_empty_ledger_verifies(ledger_url: str) -> None:
    v = open_ledger(ledger_url).verify()
    assert v.ok and v.checked == 0 and v.first_bad is None


def test_an_edited_record_is_named(five: Ledger, ledger_url: str) -> None:
    run_sql(ledger_url, "UPDATE ledger_records SET caller = 'someone else' WHERE seq = 3")
    v = five.verify()
    assert not v.ok and v.first_bad == 3 and "edited" in v.problem


def test_an_edited_fine_in_the_decision_json_is_named(five: Ledger, ledger_url: str) -> None:
    rec = five.get(next(r.id for r in five.records(2)))
    assert rec is not None
    new = dict(rec.entry.decision, fine="1")
    sql = "UPDATE ledger_records SET decision = ? WHERE seq = 2"
    if ledger_url.startswith("sqlite"):
        import json

        run_sql(ledger_url, sql, (json.dumps(new),))
    else:
        from psycopg.types.json import Jsonb

        run_sql(ledger_url, sql, (Jsonb(new),))
    v = five.verify()
    assert not v.ok and v.first_bad == 2 and "edited" in v.problem and rec.id in v.problem


def test_a_deleted_record_leaves_a_gap(five: Ledger, ledger_url: str) -> None:
    run_sql(ledger_url, "DELETE FROM ledger_records WHERE seq = 3")
    v = five.verify()
    assert not v.ok and v.first_bad == 4 and "record 3 is missing (deleted)" in v.problem


def test_a_deleted_first_record_is_named(five: Ledger, ledger_url: str) -> None:
    run_sql(ledger_url, "DELETE FROM ledger_records WHERE seq = 1")
    v = five.verify()
    assert not v.ok and v.first_bad == 2 and "deleted" in v.problem


def test_records_deleted_from_the_end_are_seen_against_the_head(five: Ledger, ledger_url: str) -> None:
    run_sql(ledger_url, "DELETE FROM ledger_records WHERE seq >= 4")
    v = five.verify()
    assert not v.ok and v.first_bad == 4 and "record 4–5 deleted" in v.problem


def test_deleting_and_renumbering_breaks_the_link(five: Ledger, ledger_url: str) -> None:
    run_sql(ledger_url, "DELETE FROM ledger_records WHERE seq = 3")
    run_sql(ledger_url, "UPDATE ledger_records SET seq = seq - 1 WHERE seq = 4")
    run_sql(ledger_url, "UPDATE ledger_records SET seq = seq - 1 WHERE seq = 5")
    v = five.verify()
    assert not v.ok and v.first_bad == 3 and "prev_hash" in v.problem


def _forge_after(led: Ledger, ledger_url: str, seq: int) -> None:
    """Insert at ``seq`` a copy of record ``seq - 1`` under a new id, with a correctly recomputed
    hash and link: a forger who knows the algorithm."""
    prev = next(led.records(seq - 1))
    fake_id = "dec_" + "F" * 26
    digest = record_hash(seq, fake_id, prev.recorded_at, prev.entry, prev.hash)
    run_sql(
        ledger_url,
        'INSERT INTO ledger_records (seq, id, recorded_at, "case", decision, fingerprint, pack_id, pack_version,'
        ' engine, caller, prev_hash, hash) SELECT ?, ?, recorded_at, "case", decision, fingerprint, pack_id,'
        " pack_version, engine, caller, ?, ? FROM ledger_records WHERE seq = ?",
        (seq, fake_id, prev.hash, digest, seq - 1),
    )


def test_a_record_inserted_in_the_middle_is_caught_at_the_next(five: Ledger, ledger_url: str) -> None:
    # make room at seq 3 (3→4, 4→5, 5→6), then forge a valid record 3
    run_sql(ledger_url, "UPDATE ledger_records SET seq = seq + 100 WHERE seq >= 3")
    run_sql(ledger_url, "UPDATE ledger_records SET seq = seq - 99 WHERE seq >= 100")
    _forge_after(five, ledger_url, 3)
    v = five.verify()
    # the forged record 3 is self-consistent; the old record 3, now at seq 4, does not link to it
    assert not v.ok and v.first_bad == 4 and "prev_hash" in v.problem


def test_a_record_appended_by_hand_is_caught_against_the_head(five: Ledger, ledger_url: str) -> None:
    _forge_after(five, ledger_url, 6)
    v = five.verify()
    assert not v.ok and v.first_bad == 6 and "inserted after the head" in v.problem


def test_a_record_with_a_bad_hash_inserted_at_the_end_is_named(five: Ledger, ledger_url: str) -> None:
    run_sql(
        ledger_url,
        "INSERT INTO ledger_records SELECT 6, 'dec_X', recorded_at, \"case\", decision, fingerprint, pack_id,"
        " pack_version, engine, caller, hash, 'bad' FROM ledger_records WHERE seq = 5",
    )
    v = five.verify()
    assert not v.ok and v.first_bad == 6 and "edited" in v.problem


def test_two_swapped_records_are_named(five: Ledger, ledger_url: str) -> None:
    run_sql(ledger_url, "UPDATE ledger_records SET seq = -2 WHERE seq = 2")
    run_sql(ledger_url, "UPDATE ledger_records SET seq = 2 WHERE seq = 3")
    run_sql(ledger_url, "UPDATE ledger_records SET seq = 3 WHERE seq = -2")
    v = five.verify()
    assert not v.ok and v.first_bad == 2 and "reordered" in v.problem


def test_a_reordered_timestamp_is_an_edit(five: Ledger, ledger_url: str) -> None:
    first = next(five.records())
    at = first.recorded_at - dt.timedelta(days=1)
    value: object = at.isoformat(timespec="microseconds") if ledger_url.startswith("sqlite") else at
    run_sql(ledger_url, "UPDATE ledger_records SET recorded_at = ? WHERE seq = 1", (value,))
    v = five.verify()
    assert not v.ok and v.first_bad == 1 and "edited" in v.problem
