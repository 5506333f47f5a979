"""Generated past decisions (bench/gen_decisions.py): every injected deviation and inconsistency is
found (recall) and no consistent case is flagged (precision)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from bench.gen_decisions import write
from penalty_engine.replay import Outputs, Settings, replay


@pytest.fixture(scope="module", params=[("jsonl", 2), ("csv", 1)], ids=["jsonl-2-workers", "csv-1-worker"])
def replayed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Any, Any]:
    fmt, workers = request.param
    tmp = tmp_path_factory.mktemp(f"recall-{fmt}")
    data = tmp / f"past.{fmt}"
    truth = write(data, 2500, 11, 0.05, 0.03, 0.02)
    state = replay([data], Settings(), Outputs(json=tmp / "s.json", results=tmp / "r.jsonl"), workers=workers)
    summary = json.loads((tmp / "s.json").read_text(encoding="utf-8"))
    results = [json.loads(x) for x in (tmp / "r.jsonl").read_text(encoding="utf-8").splitlines()]
    return truth, summary, results if state.counts["rejected"] == 0 else None


def test_nothing_rejected(replayed: tuple[Any, Any, Any]) -> None:
    _, summary, results = replayed
    assert results is not None and summary["summary"]["input"] == 2500 == len(results)


def test_every_deviation_found_and_only_those(replayed: tuple[Any, Any, Any]) -> None:
    truth, summary, results = replayed
    deviations = set(truth["deviations"])
    assert len(deviations) > 20
    flagged = {f["case_id"] for f in summary["flagged"]}
    assert flagged == deviations  # recall and precision
    for r in results:
        if r["case_id"] in deviations:
            assert r["status"] in ("above_band", "below_band", "outside_statutory_range")
            assert r["deviation"] and r["deviation"] != "0"
        else:
            assert r["status"] in ("consistent", "no_actual"), r


def test_every_inconsistency_found_and_groups_only_around_injections(replayed: tuple[Any, Any, Any]) -> None:
    truth, summary, _ = replayed
    pairs = [set(p) for p in truth["inconsistencies"]]
    assert len(pairs) > 10
    groups = [set(g["case_ids"]) for g in summary["similar_groups"]]
    assert all(any(p <= g for g in groups) for p in pairs)  # recall
    injected = set(truth["deviations"]) | {c for p in pairs for c in p}
    assert all(g & injected for g in groups)  # precision: a flagged group always holds an injected case
    spreads = [Decimal(g["spread"]) for g in summary["similar_groups"]]
    assert spreads == sorted(spreads, reverse=True)  # ranked by spread
