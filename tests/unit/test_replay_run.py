"""The per-partition API (for Dask/Spark): evaluate_rows + Replay.create/absorb + report writers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import penalty_engine as pe
from penalty_engine.replay import report
from penalty_engine.replay.readers import Row
from penalty_engine.replay.run import Evaluated, Rejected, Replay, Settings, evaluate_rows, pseudonym

CASE = {
    "case_id": "P-1",
    "violation": "cn-transport/unlicensed-freight",
    "occurred_on": "2026-03-02",
    "decided_on": "2026-04-10",
    "party": {"kind": "organization"},
    "facts": {"illegal_gain": "15600", "prior_12m": 1, "several_vehicles": True},
    "actual": {"outcome": "penalty", "fine": "70000", "officer": "赵六", "unit": "U"},
}


def test_partitions_reduce_to_the_same_totals(engine: pe.Engine, tmp_path: Path) -> None:
    rows = [Row(f"part-0:{i}", json.dumps({**CASE, "case_id": f"P-{i}"})) for i in range(3)]
    rows += [Row("part-1:0", "{oops"), Row("part-1:1", None, "PE-C001 undecodable")]
    outcomes = evaluate_rows(rows[:3], Settings(redact=True), engine) + evaluate_rows(rows[3:], Settings(), engine)
    assert [type(o) for o in outcomes] == [Evaluated] * 3 + [Rejected] * 2
    state = Replay.create(tmp_path / "work")
    for out in outcomes:
        state.absorb(out)
    state.close()
    assert state.counts == {"input": 5, "evaluated": 3, "rejected": 2, "consistent": 0, "flagged": 3, "no_actual": 0}
    report.write_json(state, tmp_path / "s.json")
    summary = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    assert [f["officer"] for f in summary["flagged"]] == [pseudonym("赵六", "执法人员")] * 3
    assert summary["flagged"][0]["status"] == "above_band"
    assert [r["source"] for r in summary["rejects"]] == ["part-1:0", "part-1:1"]
    assert summary["aggregates"]["officer"][0]["count"] == 3


def test_pseudonyms_are_stable_and_distinct() -> None:
    assert pseudonym("张三", "执法人员") == pseudonym("张三", "执法人员") != pseudonym("李四", "执法人员")


def test_similar_case_tolerance_comes_from_the_pack_unless_given(write_pack: Any) -> None:
    from decimal import Decimal

    from penalty_engine import Engine
    from penalty_engine.replay.run import Evaluator, Settings
    from tests.conftest import MINI_PACK

    engine = Engine.load(write_pack(pack=MINI_PACK + "similar_case_tolerance: 1/4\n"))
    assert Evaluator(Settings(), engine).tolerance_pct("mini/r1") == Decimal(25)
    assert Evaluator(Settings(tolerance_pct=Decimal(5)), engine).tolerance_pct("mini/r1") == Decimal(5)
    assert Evaluator(Settings(), Engine.load("cn-transport")).tolerance_pct("cn-transport/unlicensed-freight") == 10


def test_a_decision_dated_after_the_replay_date_is_a_data_error_not_evaluated(engine: pe.Engine) -> None:
    import datetime as dt

    later = {**CASE, "case_id": "F-1", "decided_on": "2027-01-05"}
    rows = [Row("f:1", json.dumps(CASE)), Row("f:2", json.dumps(later))]
    ok, future = evaluate_rows(rows, Settings(replay_date=dt.date(2026, 12, 2)), engine)
    assert isinstance(ok, Evaluated) and isinstance(future, Rejected)
    assert "PE-C005" in future.error and "decided_on: 2027-01-05 is after the replay date 2026-12-02" in future.error
    # without a replay date (a library caller that sets none) the row is evaluated as before
    assert isinstance(evaluate_rows(rows[1:], Settings(), engine)[0], Evaluated)
