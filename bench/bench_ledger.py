"""Appends per second on the decision ledger: SQLite and PostgreSQL, 1 and 4 writer processes.

Not a test: prints figures. Each writer appends N entries of a realistic size (a case and a
decision of about 4 kB of JSON) in its own process; the figure is all appends over the wall time
from the first start to the last end, then the chain is verified (and timed).

    python bench/bench_ledger.py [--n 500] [--pg postgresql://…]   (default --pg: $PENALTY_TEST_PG_URL)
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from penalty_engine.ledger import Entry, open_ledger


def _entry(i: int) -> Entry:
    case: dict[str, Any] = {
        "case_id": f"B-{i}",
        "violation": "cn-transport/unlicensed-freight",
        "occurred_on": "2026-03-02",
        "party": {"kind": "organization", "name": "杭州某运输有限公司"},
        "facts": {"illegal_gain": "15600", "prior_12m": 1, "several_vehicles": True},
    }
    trail = [
        {"step": k, "code": "factor", "message": "考虑因素：组织两台以上车辆" * 3, "inputs": {"n": k}}
        for k in range(12)
    ]
    decision = {"case_id": f"B-{i}", "outcome": "penalty", "recommended_fine": "52000", "trail": trail}
    return Entry(case, decision, f"sha256:{i:064x}", "cn-transport", "2026.1", "penalty-engine bench", "bench")


def _writer(url: str, n: int, offset: int) -> None:
    led = open_ledger(url)
    for i in range(n):
        led.append(_entry(offset + i))
    led.close()


def run(label: str, url: str, writers: int, n: int) -> None:
    """Time ``writers`` processes appending ``n`` entries each to a fresh ledger at ``url``."""
    open_ledger(url).close()
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(url, n, w * n)) for w in range(writers)]
    start = time.perf_counter()
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    wall = time.perf_counter() - start
    led = open_ledger(url)
    t0 = time.perf_counter()
    v = led.verify()
    verify_s = time.perf_counter() - t0
    led.close()
    total = writers * n
    print(
        f"{label:<10} {writers} writer(s): {total} appends in {wall:6.2f} s = {total / wall:7.0f}/s "
        f"(process start included); verify {v.checked} records in {verify_s:.2f} s, ok={v.ok}"
    )


def _fresh_pg(base: str, tag: str) -> str:
    import psycopg

    schema = f"bench_{tag}_{os.getpid()}"
    with psycopg.connect(base, autocommit=True) as db:
        db.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        db.execute(f"CREATE SCHEMA {schema}")
    return f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"


def main() -> None:
    """Run the four measurements that the configuration allows and print them."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=500, help="appends per writer")
    ap.add_argument("--pg", default=os.environ.get("PENALTY_TEST_PG_URL"), help="PostgreSQL URL")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for writers in (1, 4):
            run("sqlite", f"sqlite:///{Path(tmp) / f'bench{writers}.db'}", writers, args.n)
    if not args.pg:
        print("postgres   skipped: give --pg or set PENALTY_TEST_PG_URL")
        return
    for writers in (1, 4):
        run("postgres", _fresh_pg(args.pg, f"w{writers}"), writers, args.n)


if __name__ == "__main__":
    main()
