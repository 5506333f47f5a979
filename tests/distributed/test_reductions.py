"""The partition files between the evaluate and the absorb pass: plain JSON lines (never pickle, so
the shared folder holds nothing that runs when read), every outcome back exactly as it was."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

pytest.importorskip("dask")

from penalty_engine.distributed import tasks
from penalty_engine.errors import msg
from penalty_engine.replay import Evaluated, Rejected


def test_outcomes_come_back_from_the_partition_file_exactly(tmp_path: Path) -> None:
    evaluated = Evaluated(
        "GOLD-1",
        "in.jsonl:3",
        "outside_band",
        '{"case_id": "GOLD-1"}',
        {"violation": "cn-transport/x", "unit": "甲", "officer": "", "month": "2026-04"},
        Decimal("-1234.50"),
        Decimal("-12.3456789"),
        Decimal("52000.00"),
        (bytes(range(32)), '{"parts":[]}', Decimal("100")),
        '{"decision": {}}',
        lines=2,
        names_of={"cn-transport/x": {"title": {"zh": "标题", "en": "title"}, "other": []}},
        member='["GOLD-1"]',
    )
    error = msg("cannot read {path}: no such file", path="x.csv")
    rejected = Rejected("in.jsonl:4", None, error, 1, "future", "错误")
    path = tmp_path / "0000001.outcomes"
    tasks._dump(path, [evaluated, rejected])
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["evaluated" if i == 0 else "rejected"][0] for i, line in enumerate(lines)] == [
        "GOLD-1",
        "in.jsonl:4",
    ]  # plain JSON data, not a pickle
    back = [tasks._decoded(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert back == [evaluated, rejected]
    assert isinstance(back[1], Rejected) and back[1].error.zh == error.zh  # type: ignore[attr-defined]
    assert isinstance(back[0], Evaluated) and str(back[0].deviation_pct) == "-12.3456789"
