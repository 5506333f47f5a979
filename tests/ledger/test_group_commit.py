"""Group commit (ADR 0012): many entries in one transaction give the chain one-by-one appends give,
all or none; the service's writer thread commits concurrent requests' entries together."""

from __future__ import annotations

import itertools
import threading
from pathlib import Path

import pytest

from penalty_engine.errors import LedgerError
from penalty_engine.ledger import Entry, open_ledger
from penalty_engine.service.commit import GroupCommitter
from tests.ledger.conftest import entry


def test_a_group_is_chained_as_one_by_one_appends_chain_it(ledger_url: str) -> None:
    ledger = open_ledger(ledger_url)
    first = ledger.append(entry(0))
    group = ledger.append_many([entry(i) for i in range(1, 6)])
    assert [r.seq for r in group] == [2, 3, 4, 5, 6]
    assert group[0].prev_hash == first.hash and all(b.prev_hash == a.hash for a, b in itertools.pairwise(group))
    assert ledger.verify().ok and [r.seq for r in ledger.records()] == list(range(1, 7))
    ledger.close()


def test_a_group_with_a_bad_entry_stores_nothing(ledger_url: str) -> None:
    ledger = open_ledger(ledger_url)
    ledger.append(entry(0))
    bad = Entry({"x": object()}, {}, "sha256:0", "p", "1", "e", "c")
    with pytest.raises(LedgerError) as exc:
        ledger.append_many([entry(1), bad, entry(2)])
    assert exc.value.code == "PE-L004"
    assert [r.seq for r in ledger.records()] == [1] and ledger.verify().ok
    ledger.close()


def test_concurrent_requests_each_get_their_own_committed_record(tmp_path: Path) -> None:
    ledger = open_ledger(str(tmp_path / "group.sqlite3"))
    committer = GroupCommitter(ledger)
    got: dict[str, str] = {}
    lock = threading.Lock()

    def request(k: int) -> None:
        for i in range(20):
            caller = f"t{k}-{i}"
            rec = committer.append(entry(k * 100 + i, caller=caller))
            with lock:
                got[caller] = rec.id

    threads = [threading.Thread(target=request, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    committer.close()
    records = list(ledger.records())
    # 8 × 20 answered = 160 records, one per request, each with the caller that asked for it
    assert len(records) == len(got) == 160 and ledger.verify().ok
    assert {r.entry.caller: r.id for r in records} == got
    ledger.close()
