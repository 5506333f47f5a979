"""``penalty replay --dask local:N``: worker processes, the same outputs as ``--workers 1``."""

from __future__ import annotations

from pathlib import Path

import pytest

import penalty_engine as pe
from tests.cli.test_cli import run
from tests.distributed import data

pytest.importorskip("distributed")


def test_dask_local_cluster_of_processes_gives_the_outputs_of_one_worker(tmp_path: Path, engine: pe.Engine) -> None:
    path = data.write_jsonl(tmp_path / "past.jsonl", data.cases(1500, engine))
    done = {}
    for name, how in (("local", ["--workers", "1"]), ("dask", ["--dask", "local:2"])):
        out = tmp_path / name
        out.mkdir()
        files = ["--json", str(out / "s.json"), "--results", str(out / "r.jsonl"), "--rejects", str(out / "x.jsonl")]
        proc = run("replay", str(path), *how, *files)
        assert proc.returncode == 1, proc.stderr  # some rows are rejected
        done[name] = proc.stderr.splitlines()[0]
    for f in ("s.json", "r.jsonl", "x.jsonl"):
        assert (tmp_path / "dask" / f).read_bytes() == (tmp_path / "local" / f).read_bytes(), f
    assert done["dask"] == done["local"] and "1500 rows" in done["local"]


def test_dask_and_workers_exclude_each_other(tmp_path: Path) -> None:
    proc = run(
        "replay", str(tmp_path / "x.jsonl"), "--dask", "local:2", "--workers", "2", "--json", str(tmp_path / "s.json")
    )
    assert proc.returncode == 2 and "--dask and --workers" in proc.stderr
    proc = run("replay", str(tmp_path / "x.jsonl"), "--dask", "local:0")
    assert proc.returncode == 2 and "local:N" in proc.stderr


def test_a_file_that_cannot_be_read_stops_the_run_as_locally(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("case_id,violation,case_id\nA,x,A\n", encoding="utf-8")
    said = {}
    for name, how in (("local", ["--workers", "1"]), ("dask", ["--dask", "local:1"])):
        proc = run("replay", str(bad), *how, "--json", str(tmp_path / f"{name}.json"))
        said[name] = (proc.returncode, proc.stderr.strip().splitlines()[-1])
        assert not (tmp_path / f"{name}.json").exists()
    assert said["dask"] == said["local"] and "appears twice" in said["local"][1]
