"""``penalty impact --dask``: the rows compared on the workers, the outcomes streamed into the totals in
input order on the driver: the JSON and HTML reports equal a local run's byte for byte, with rows that
change, rows that do not, duplicate case ids in other partitions, broken rows and a row one side refuses;
the largest changes carry their trails (their rows read again on the driver)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import penalty_engine as pe
from penalty_engine.distributed import impact_runner
from penalty_engine.distributed.impact import decode, encode
from penalty_engine.impact import Compared, Comparer, Outputs, Rejected, Settings
from penalty_engine.replay import Row
from tests.cli.test_cli import run
from tests.unit.test_impact import GRAVE_BASE, GRAVE_GAIN, copy_layer

pytest.importorskip("distributed")

PASSENGER = "cn-transport/unlicensed-passenger"


def rows(n: int) -> list[dict[str, Any] | str]:
    out: list[dict[str, Any] | str] = []
    for i in range(n):
        if i % 311 == 7:
            out.append('{"case_id": "broken", oops')
            continue
        facts: dict[str, Any] = {"operation_months": 1 + i % 9, "refused_to_correct": i % 3 == 0}
        if i % 4 == 0:
            facts["illegal_gain"] = str(15000 + (i % 40) * 1000)
        if i % 257 == 11:
            facts["not_a_fact"] = 1  # both sides refuse it
        case_id = f"GS-{i:05d}" if i % 199 != 5 else f"GS-{i - 150:05d}"  # some ids again, later
        out.append(
            {
                "case_id": case_id,
                "violation": PASSENGER,
                "occurred_on": "2022-06-01",
                "decided_on": "2022-07-15",
                "party": {"kind": "organization" if i % 5 else "individual"},
                "facts": facts,
            }
        )
    return out


@pytest.fixture(scope="module")
def sides(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    root = tmp_path_factory.mktemp("impact-dask")
    before = copy_layer(root / "before")
    after = copy_layer(
        root / "after",
        {
            GRAVE_GAIN: "gain-20000-or-more: {min_times: 4, max_times: 9}",
            GRAVE_BASE: "base: {min: 60000, max: 100000}",
        },
    )
    path = root / "past.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for r in rows(1200):
            fh.write((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n")
    return path, before, after


def test_impact_on_dask_writes_the_reports_of_a_local_run(
    tmp_path: Path, client: Any, sides: tuple[Path, Path, Path]
) -> None:
    path, before, after = sides
    settings = Settings(before=(str(before),), after=(str(after),))
    got: dict[str, Any] = {}
    for name, extra in (("local", {"workers": 1}), ("dask", {"runner": impact_runner(client, chunk=16 * 1024)})):
        out = tmp_path / name
        out.mkdir()
        outputs = Outputs(json=out / "i.json", html=out / "i.html", lang="zh")
        got[name] = pe.impact.impact([path], settings, outputs, largest=10, **extra)
    assert (tmp_path / "dask" / "i.json").read_bytes() == (tmp_path / "local" / "i.json").read_bytes()
    assert (tmp_path / "dask" / "i.html").read_bytes() == (tmp_path / "local" / "i.html").read_bytes()
    local = got["local"]
    c = local.counts
    assert c["input"] == 1200 and c["changed"] > 100 and c["unchanged"] > 100 and c["rejected"] > 5
    assert sum("duplicate case id" in r["error"] for r in local.rejects) == 6  # rows 204 … 1199, 150 rows after
    assert sum("not_a_fact" in r["error"] for r in local.rejects) == 5  # rows 11, 268, 525, 782, 1039
    largest = json.loads((tmp_path / "dask" / "i.json").read_text(encoding="utf-8"))["largest"]
    assert len(largest) == 10 and all(e["before"]["trail"] and e["after"]["trail"] for e in largest)


def test_outcomes_go_to_the_shared_folder_as_plain_data_and_come_back_equal(sides: tuple[Path, Path, Path]) -> None:
    _, before, after = sides
    comparer = Comparer(Settings(before=(str(before),), after=(str(after),)))
    made = [Row("x.jsonl", json.dumps(r) if isinstance(r, dict) else r) for r in rows(40)]
    outs = comparer.rows(made)
    place = {id(r): n for n, r in enumerate(made)}
    kinds = set()
    for out in outs:
        back = decode(json.dumps(encode(out, place)), 3)
        kinds.add(type(out).__name__)
        if isinstance(out, Compared):
            assert isinstance(back, Compared) and back.pairs == out.pairs and back.ignored == out.ignored
            assert (back.row is None) == (out.row is None)
            if out.row is not None:
                assert tuple(back.row) == (3, place[id(out.row)])  # type: ignore[arg-type]
        else:
            assert back == out
    assert {"Compared", "Rejected"} <= kinds
    assert any(isinstance(o, Rejected) for o in outs)


def test_cli_impact_dask_local_processes_equals_one_worker(tmp_path: Path, sides: tuple[Path, Path, Path]) -> None:
    path, before, after = sides
    said = {}
    for name, how in (("local", ["--workers", "1"]), ("dask", ["--dask", "local:2"])):
        out = tmp_path / f"{name}.json"
        proc = run("impact", str(path), "--before", str(before), "--after", str(after), "--json", str(out), *how)
        assert proc.returncode == 1, proc.stderr  # some rows are rejected
        said[name] = proc.stderr.splitlines()[0]
    assert (tmp_path / "dask.json").read_bytes() == (tmp_path / "local.json").read_bytes()
    assert said["dask"] == said["local"]
    proc = run("impact", str(path), "--before", "x", "--after", "y", "--dask", "local:2", "-j", "2", "--json", "o")
    assert proc.returncode == 2 and "--dask" in proc.stderr
