"""Load benchmark of ``penalty serve``: throughput and p50/p99 latency of ``POST /v1/evaluate``.

A script, not a test, on loopback only, bounded in requests and in time::

    PYTHONPATH=. .venv/bin/python bench/bench_service.py                 # SQLite ledger
    PYTHONPATH=. .venv/bin/python bench/bench_service.py --workers 2 --requests 3000
    PENALTY_TEST_PG_URL=postgresql://… … bench/bench_service.py          # and PostgreSQL

For each ledger (a fresh SQLite file in a tmp dir; PostgreSQL too when ``PENALTY_TEST_PG_URL`` is
set) it starts ``penalty serve`` on a free 127.0.0.1 port with a fresh key, warms up, then for 8,
32 and 64 concurrent clients (httpx, asyncio) sends ``--requests`` evaluations of the sample case
(stopping early after ``--seconds``). Every request is accounted for: sent = recorded (200 with a
``Ledger-Id``) + refused (any other answer or a transport error); the ledger's record count is
checked against the recorded ones at the end. Prints one Markdown row per run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
CASE = {
    "case_id": "BENCH-1",
    "violation": "cn-transport/unlicensed-freight",
    "occurred_on": "2026-03-02",
    "discovered_on": "2026-03-05",
    "decided_on": "2026-04-10",
    "party": {"kind": "organization"},
    "facts": {"illegal_gain": "15600", "prior_12m": 1, "several_vehicles": True},
}


@dataclass
class Run:
    clients: int
    sent: int = 0
    recorded: int = 0
    refused: int = 0
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cli(*args: str, **kw: object) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], env=env, text=True, **kw)  # type: ignore[call-overload, no-any-return]


async def _load(base: str, secret: str, clients: int, total: int, limit_s: float) -> Run:
    run = Run(clients)
    headers = {"Authorization": f"Bearer {secret}"}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    deadline = time.monotonic() + limit_s
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=30) as client:

        async def worker() -> None:
            while run.sent < total and time.monotonic() < deadline:
                run.sent += 1
                t0 = time.perf_counter()
                try:
                    resp = await client.post("/v1/evaluate", json=CASE)
                    ok = resp.status_code == 200 and "Ledger-Id" in resp.headers
                except httpx.HTTPError:
                    ok = False
                run.latencies.append(time.perf_counter() - t0)
                if ok:
                    run.recorded += 1
                else:
                    run.refused += 1

        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        run.seconds = time.perf_counter() - t0
    return run


def bench_ledger(label: str, ledger_url: str, args: argparse.Namespace, tmp: Path) -> list[Run]:
    keys = tmp / f"keys-{label}.json"
    secret = _cli(
        "serve",
        "keys",
        "add",
        "bench",
        "--role",
        "evaluate",
        "--role",
        "read",
        "--keys",
        str(keys),
        capture_output=True,
        check=True,
    ).stdout.strip()
    port = _port()
    cmd = [sys.executable, str(ROOT / "cli.py"), "serve", "--keys", str(keys), "--port", str(port)]
    cmd += ["--ledger", ledger_url, "--workers", str(args.workers), "-p", "cn-transport"]
    log = (tmp / f"server-{label}.log").open("w")
    server = subprocess.Popen(cmd, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    runs: list[Run] = []
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the server did not start; see {log.name}")
            time.sleep(0.2)
        asyncio.run(_load(base, secret, 8, 200, 30))  # warm-up (recorded too; not reported)
        for clients in (8, 32, 64):
            runs.append(asyncio.run(_load(base, secret, clients, args.requests, args.seconds)))
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=60)
        log.close()
    from penalty_engine.ledger import open_ledger

    led = open_ledger(ledger_url)
    stored = sum(1 for _ in led.records())
    led.close()
    expected = 200 + sum(r.recorded for r in runs)
    if stored < expected:
        raise SystemExit(f"{label}: the ledger holds {stored} records, {expected} were answered as recorded")
    print(f"{label}: ledger holds {stored} records = warm-up 200 + recorded {expected - 200}", file=sys.stderr)
    return runs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--requests", type=int, default=2000, help="requests per concurrency level (default 2000)")
    ap.add_argument("--seconds", type=float, default=60.0, help="time limit per concurrency level")
    ap.add_argument("--workers", type=int, default=1, help="server worker processes (default 1)")
    args = ap.parse_args()
    ledgers = [("sqlite", None)]
    if os.environ.get("PENALTY_TEST_PG_URL"):
        ledgers.append(("postgresql", os.environ["PENALTY_TEST_PG_URL"]))
    print(f"workers {args.workers}, {os.cpu_count()} CPUs, {args.requests} requests per level")
    print("| ledger | clients | sent | recorded | refused | decisions/s | p50 ms | p99 ms |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        for label, url in ledgers:
            for r in bench_ledger(label, url or str(tmp / "ledger.sqlite3"), args, tmp):
                assert r.sent == r.recorded + r.refused
                qs = statistics.quantiles(r.latencies, n=100)
                rate = r.recorded / r.seconds
                print(
                    f"| {label} | {r.clients} | {r.sent} | {r.recorded} | {r.refused} | {rate:,.0f} "
                    f"| {qs[49] * 1000:.1f} | {qs[98] * 1000:.1f} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
