"""bench/bench_breakdown.py keeps working as the engine changes: every switch still takes effect."""

from __future__ import annotations

import re

import pytest

from bench import bench_breakdown


def test_breakdown_prints_a_figure_for_every_part(monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(bench_breakdown, "pin_one_core", lambda: "not pinned (test)")
    assert bench_breakdown.main(["--n", "34", "--repeat", "1"]) == 0
    out = capsys.readouterr().out
    rows = {
        m.group(1).strip(): float(m.group(2)) for m in re.finditer(r"^(.+?)\s+(\d+\.\d)(?:\s+-?\d+\.\d)?$", out, re.M)
    }
    expected = ["as shipped (the whole output contract)", "without all of these: the engine's own work"]
    expected += [f"without {what}" for what, _ in bench_breakdown.SWITCHES.values()]
    assert set(expected) <= set(rows), out
    assert all(rows[row] > 0 for row in expected)  # figures only: speed is judged from the script, not here


def test_a_switched_off_part_really_is_off(monkeypatch: pytest.MonkeyPatch) -> None:
    import penalty_engine as pe

    engine = pe.Engine.load(evaluator="interpreter")  # the parts of the interpreter (the reference)
    case = {
        "case_id": "B-1",
        "violation": "cn-transport/unqualified-driver",
        "occurred_on": "2025-03-02",
        "decided_on": "2025-04-01",
        "party": {"kind": "organization"},
        "facts": {},
    }
    with bench_breakdown.switched_off(["fingerprint", "decision", "steps", "clauses"]):
        bare = engine.evaluate(case)
    assert isinstance(bare, dict) and bare["fingerprint"] == "" and bare["trail"] == []
    whole = engine.evaluate(case)  # patched only inside the block
    assert whole.fingerprint.startswith("sha256:") and whole.trail
