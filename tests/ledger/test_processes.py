"""Several processes writing one ledger keep one chain, and a writer killed with SIGKILL in the
middle of an append leaves a chain that verifies (the record being written may be missing)."""

from __future__ import annotations

import os
import signal
import time

from penalty_engine.ledger import open_ledger

from .conftest import writer


def test_four_processes_appending_fifty_each_keep_one_unbroken_chain(ledger_url: str) -> None:
    open_ledger(ledger_url).close()  # create the schema once, as a deployment does
    procs = [writer(ledger_url, 50, f"w{i}") for i in range(4)]
    outputs = [p.communicate(timeout=180)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0]
    printed = sorted(int(s) for out in outputs for s in out.split())
    led = open_ledger(ledger_url)
    v = led.verify()
    assert v.ok and v.checked == 200, v.problem
    # no fork, no seq used twice: 1..200, and each writer's 50 records all there
    assert printed == list(range(1, 201)) == [r.seq for r in led.records()]
    callers = [r.entry.caller for r in led.records()]
    assert sorted(callers.count(f"writer:w{i}") for i in range(4)) == [50, 50, 50, 50]


def test_a_writer_killed_mid_append_leaves_a_chain_that_verifies(ledger_url: str) -> None:
    open_ledger(ledger_url).close()
    proc = writer(ledger_url, 0, "k")
    assert proc.stdout is not None
    committed: list[int] = []
    deadline = time.monotonic() + 60
    while len(committed) < 40 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line:
            committed.append(int(line))
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    committed += [int(s) for s in proc.stdout.read().split()]
    assert proc.returncode == -signal.SIGKILL and len(committed) >= 40
    led = open_ledger(ledger_url)
    v = led.verify()
    assert v.ok, v.problem
    seqs = [r.seq for r in led.records()]
    # every append reported as committed is there; beyond them, at most the one being written
    assert seqs == list(range(1, len(seqs) + 1)) and set(committed) <= set(seqs)
    assert len(seqs) - len(committed) <= 1
    # and the ledger goes on from where it stopped
    last = next(led.records(len(seqs)))
    assert led.append(last.entry).seq == len(seqs) + 1
    assert led.verify().ok
