"""A replay on a Dask cluster writes byte for byte what a local run writes (#15)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import penalty_engine as pe
from penalty_engine.distributed import Stats, runner
from penalty_engine.replay import Outputs, Settings, replay
from tests.distributed import data

FILES = ("results.jsonl", "rejects.jsonl", "summary.json", "summary.md", "flagged.csv")


def outputs(folder: Path) -> Outputs:
    folder.mkdir()
    return Outputs(
        json=folder / "summary.json",
        results=folder / "results.jsonl",
        rejects=folder / "rejects.jsonl",
        markdown=folder / "summary.md",
        flagged_csv=folder / "flagged.csv",
    )


def both(tmp_path: Path, client: Any, inputs: list[Path], chunk: int) -> tuple[dict[str, Any], Stats]:
    """Replay ``inputs`` locally (one process) and on the cluster; every output is the same bytes."""
    settings = Settings(replay_date=data.REPLAY_DATE)
    local = replay(inputs, settings, outputs(tmp_path / "local"), workers=1)
    stats = Stats()
    on_dask = replay(inputs, settings, outputs(tmp_path / "dask"), runner=runner(client, chunk=chunk, stats=stats))
    for name in FILES:
        assert (tmp_path / "dask" / name).read_bytes() == (tmp_path / "local" / name).read_bytes(), name
    assert on_dask.counts == local.counts and on_dask.lines == local.lines
    assert not list(tmp_path.glob("*/.*.partial"))  # renamed over their final names, as locally
    summary: dict[str, Any] = json.loads((tmp_path / "local" / "summary.json").read_text(encoding="utf-8"))
    return summary, stats


def test_100000_rows_on_two_workers_give_the_local_outputs(tmp_path: Path, engine: pe.Engine, client: Any) -> None:
    rows = data.cases(100_000, engine)
    path = data.write_jsonl(tmp_path / "past.jsonl", rows)
    summary, stats = both(tmp_path, client, [path], chunk=1 << 20)
    s = summary["summary"]
    # the input holds every kind of row, so the comparison above compares something
    assert s["input"] == 100_000 and s["consistent"] > 0 and s["flagged"] > 0 and s["no_actual"] > 0
    errors = [r["error"] for r in summary["rejects"]]
    assert any("duplicate case id" in e for e in errors) and any("after the replay date" in e for e in errors)
    assert any("before the act" in e for e in errors) and any("JSON" in e for e in errors)
    # duplicates across partitions: row 1001+331k reuses the id of a row ~997 rows (~350 kB) earlier
    assert stats.partitions >= 20
    flagged = summary["similar_groups"]
    assert len(flagged) == stats.groups_received > 0
    # the driver received the flagged groups only: the other groups stayed on the cluster
    assert stats.groups > stats.groups_received
    assert all(Decimal(g["spread"]) > Decimal(g["tolerance"]) for g in flagged)


def test_csv_parquet_and_xlsx_give_the_local_outputs(tmp_path: Path, engine: pe.Engine, client: Any) -> None:
    rows = data.cases(3000, engine)
    csv_path = data.write_csv(tmp_path / "past.csv", rows)
    parquet = data.write_parquet(tmp_path / "past.parquet", rows[:2000])
    xlsx = data.write_xlsx(tmp_path / "past.xlsx", rows[:500])
    summary, stats = both(tmp_path, client, [csv_path, parquet, xlsx], chunk=40_000)
    assert stats.partitions >= 5 + 7 + 1  # CSV parts, one per row group, the workbook whole
    sources = {r["source"].split(":")[0] for r in summary["rejects"]}
    assert sources == {"past.csv", "past.parquet", "past.xlsx"}
    assert any("unclosed quote" in r["error"] for r in summary["rejects"])
