"""Issue #16, replay: no row lost or misread, and a killed run never leaves a file that looks finished."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from penalty_engine.errors import CaseError
from penalty_engine.replay.readers import MAX_RECORD_LINES, read_rows
from penalty_engine.replay.run import WORKDIR_PREFIX, remove_stale_workdirs
from tests.cli.test_cli import PENALTY

ROOT = Path(__file__).resolve().parents[2]

CASE: dict[str, Any] = {
    "violation": "cn-transport/unlicensed-freight",
    "occurred_on": "2026-03-02",
    "decided_on": "2026-04-10",
    "party": {"kind": "organization"},
    "facts": {"illegal_gain": "15600", "prior_12m": 1, "several_vehicles": True},
    "actual": {"outcome": "penalty", "fine": "52000"},
}


def csv_text(n: int) -> list[str]:
    return ["case_id,金额,备注\n"] + [f"C{i},{1000 + i},ok\n" for i in range(n)]


def test_a_stray_quote_in_a_csv_rejects_its_own_row_and_loses_none_after_it(tmp_path: Path) -> None:
    lines = csv_text(1000)
    lines[11] = 'C10,1010,"stray\n'
    path = tmp_path / "in.csv"
    path.write_text("".join(lines), encoding="utf-8")
    rows = list(read_rows(path))
    assert len(rows) == 1000  # one per physical line after the header
    bad = [r for r in rows if r.error]
    assert [r.source for r in bad] == ["in.csv:12"]
    assert bad[0].error is not None and "row 12: an unclosed quote swallowed lines 12–" in bad[0].error
    assert [r.source for r in rows if r.error is None][9:11] == ["in.csv:11", "in.csv:13"]


def test_two_stray_quotes_cost_their_two_rows_only(tmp_path: Path) -> None:
    lines = csv_text(100)
    lines[5] = 'C4,"1004,ok\n'
    lines[9] = 'C8,1008,ok"\n'  # closes the field opened on line 6: the record has the wrong shape
    (tmp_path / "in.csv").write_text("".join(lines), encoding="utf-8")
    rows = list(read_rows(tmp_path / "in.csv"))
    assert len(rows) == 100
    assert sum(r.error is None for r in rows) >= 98


def test_a_quoted_field_with_a_line_break_is_one_row_over_two_lines(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text('case_id,金额,备注\nC1,1,"first\nsecond"\nC2,2,x\n', encoding="utf-8")
    rows = list(read_rows(path))
    assert [(r.source, r.lines, r.error) for r in rows] == [("in.csv:2", 2, None), ("in.csv:4", 1, None)]
    assert isinstance(rows[0].data, dict) and rows[0].data["备注"] == "first\nsecond"


def test_a_quote_open_longer_than_the_limit_or_to_the_end_is_a_reject(tmp_path: Path) -> None:
    body = 'C1,1,"a\n' + "".join(f"line {i}\n" for i in range(MAX_RECORD_LINES + 5))
    path = tmp_path / "in.csv"
    path.write_text("case_id,金额,备注\n" + body, encoding="utf-8")
    rows = list(read_rows(path))
    assert rows[0].error and f"not closed within {MAX_RECORD_LINES} lines" in rows[0].error
    assert len(rows) == 1 + MAX_RECORD_LINES + 5  # every other line read again, each its own reject
    path.write_text('case_id,金额,备注\nC1,1,ok\nC2,2,"to the end\n', encoding="utf-8")
    rows = list(read_rows(path))
    assert rows[1].error and "open at the end of the file" in rows[1].error


def test_replay_counts_lines_and_balances_with_a_stray_quote(tmp_path: Path) -> None:
    lines = ["case_id,violation,occurred_on,decided_on,party.kind,facts.illegal_gain,actual.outcome,actual.fine\n"]
    for i in range(300):
        lines.append(f"C{i},cn-transport/unlicensed-freight,2026-03-02,2026-04-10,单位,15600,处罚,52000\n")
    lines[50] = lines[50].replace(",单位,", ',"单位,')
    path = tmp_path / "in.csv"
    path.write_text("".join(lines), encoding="utf-8")
    out = tmp_path / "s.json"
    proc = subprocess.run(
        [PENALTY, "replay", str(path), "-j", "1", "--json", str(out)], capture_output=True, text=True, cwd=ROOT
    )
    assert proc.returncode == 1, proc.stderr
    s = json.loads(out.read_text(encoding="utf-8"))["summary"]
    assert s["input"] == 300 and s["rejected"] == 1 and s["evaluated"] == 299


def xlsx_with_cached_formula(path: Path) -> None:
    """A workbook as Excel saves it: the formula ``=1+1`` with its cached value 2 (openpyxl writes none)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["case_id", "actual.fine"])
    ws.append(["C1", "=1+1"])
    ws.append(["C2", "=2+2"])
    buf = io.BytesIO()
    wb.save(buf)
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb"<f>1\+1</f><v\s*/?>(</v>)?", b"<f>1+1</f><v>2</v>", data)
            dst.writestr(item, data)


def test_xlsx_formula_cells_are_read_as_their_cached_value_or_rejected(tmp_path: Path) -> None:
    path = tmp_path / "f.xlsx"
    xlsx_with_cached_formula(path)
    rows = list(read_rows(path))
    assert rows[0].data == {"case_id": "C1", "actual.fine": 2}
    assert rows[1].data is None and rows[1].error == "PE-C001 row 3: formula without a value in actual.fine"


def test_xlsx_merged_cells_take_the_anchor_value_down_a_column_and_reject_across_columns(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["case_id", "actual.unit", "actual.fine"])
    for i in range(4):
        ws.append([f"C{i}", "杭州支队" if i == 0 else None, 100 + i])
    ws.merge_cells("B2:B4")
    ws.merge_cells("A5:C5")
    path = tmp_path / "m.xlsx"
    wb.save(path)
    rows = list(read_rows(path))
    assert [r.data["actual.unit"] for r in rows[:3] if isinstance(r.data, dict)] == ["杭州支队"] * 3
    assert rows[3].error == "PE-C001 row 5: merged cells A5:C5 span several columns or the header"


def test_a_duplicated_mapped_header_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("case_id,actual.fine,备注,actual.fine\nC1,1,x,2\n", encoding="utf-8")
    with pytest.raises(CaseError, match=r"'actual\.fine' appears twice in the header"):
        list(read_rows(path))
    (row,) = read_rows(path, mapped={"case_id"}.__contains__)  # not mapped: not an error
    assert row.error is None


def two_sheets(path: Path, first_empty: bool) -> None:
    wb = openpyxl.Workbook()
    first = wb.active
    assert first is not None
    if not first_empty:
        first.append(["case_id"])
        first.append(["X1"])
    second = wb.create_sheet("数据")
    second.append(["case_id"])
    for i in range(20):
        second.append([f"C{i}"])
    wb.save(path)


def test_the_only_sheet_with_data_is_read_and_several_need_a_name(tmp_path: Path) -> None:
    path = tmp_path / "s.xlsx"
    two_sheets(path, first_empty=True)
    assert len(list(read_rows(path))) == 20
    two_sheets(path, first_empty=False)
    with pytest.raises(CaseError, match=r"several sheets hold data \('Sheet', '数据'\): name one with --sheet"):
        list(read_rows(path))
    assert len(list(read_rows(path, sheet="数据"))) == 20
    with pytest.raises(CaseError, match="no sheet 'x'; the sheets are 'Sheet', '数据'"):
        list(read_rows(path, sheet="x"))


def test_a_mapping_names_the_sheet_when_the_command_does_not(tmp_path: Path) -> None:
    from penalty_engine.replay import load_mapping
    from penalty_engine.replay.run import iter_inputs

    path = tmp_path / "s.xlsx"
    two_sheets(path, first_empty=False)
    mapping_file = tmp_path / "map.yaml"
    mapping_file.write_text("sheet: 数据\ncolumns: {case_id: case_id}\n", encoding="utf-8")
    mapping = load_mapping(mapping_file)
    assert mapping.sheet == "数据"
    assert len(list(iter_inputs([path], mapping, None))) == 20  # the 20 rows of 数据, not 'Sheet'


def jsonl_input(path: Path, n: int) -> Path:
    path.write_text("".join(json.dumps({**CASE, "case_id": f"K{i}"}) + "\n" for i in range(n)), encoding="utf-8")
    return path


def outputs(folder: Path) -> list[str]:
    names = ("results.jsonl", "rejects.jsonl", "s.json", "s.md", "report.html")
    flags = ("--results", "--rejects", "--json", "--markdown", "--report")
    args: list[str] = []
    for flag, name in zip(flags, names, strict=True):
        args += [flag, str(folder / name)]
    return args


def spill_folders(tmp: Path) -> set[str]:
    return {p.name for p in tmp.glob(f"{WORKDIR_PREFIX}*")}


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_a_killed_replay_leaves_no_finished_looking_file_and_a_rerun_matches(tmp_path: Path, sig: int) -> None:
    src = jsonl_input(tmp_path / "past.jsonl", 4000)
    spill = tmp_path / "tmp"
    spill.mkdir()
    env = {**os.environ, "TMPDIR": str(spill)}
    killed, whole = tmp_path / "killed", tmp_path / "whole"
    killed.mkdir()
    whole.mkdir()
    cmd = [PENALTY, "replay", str(src), "-j", "1", *outputs(killed)]
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    partial = killed / ".results.jsonl.partial"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if partial.exists() and partial.stat().st_size > 0:
            break
        time.sleep(0.01)
    assert proc.poll() is None, "the replay ended before it could be killed"
    proc.send_signal(sig)
    proc.wait(timeout=60)
    assert sorted(p.name for p in killed.iterdir() if not p.name.startswith(".")) == []
    if sig == signal.SIGTERM:  # cleaned on the way out
        assert list(killed.iterdir()) == [] and spill_folders(spill) == set()
    else:
        assert len(spill_folders(spill)) == 1  # left by kill -9: the next run removes it
    rerun = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    assert spill_folders(spill) == set() and list(killed.glob(".*")) == []
    fresh = subprocess.run(
        [PENALTY, "replay", str(src), "-j", "1", *outputs(whole)], cwd=ROOT, capture_output=True, text=True
    )
    assert fresh.returncode == 0, fresh.stderr
    for name in ("results.jsonl", "rejects.jsonl", "s.json", "s.md", "report.html"):
        assert (killed / name).read_bytes() == (whole / name).read_bytes(), name


def test_a_stale_spill_folder_of_a_dead_process_is_removed(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f"{WORKDIR_PREFIX}{dead.stdout.strip()}-abc"
    live = tmp_path / f"{WORKDIR_PREFIX}{os.getpid()}-abc"
    stale.mkdir()
    live.mkdir()
    assert remove_stale_workdirs(tmp_path) == [stale]
    assert live.exists() and not stale.exists()
    assert tempfile.gettempdir()  # the default root is the system's temporary folder
