"""Seeded corruption run of ``penalty replay``'s readers and accounting: writes CSV, JSONL and XLSX
exports with a share of corrupted rows (stray quotes, wrong encodings, truncated lines, stray bytes,
legitimate line breaks in quoted fields, formula cells without a value, merged cells), replays them
in process and prints, per format, the physical rows written and the rows lost (must be 0).

    .venv/bin/python bench/fuzz_replay.py --rows 10000 --seed 16 --share 0.1

A row is lost when a non-blank line (CSV, JSONL) or non-empty sheet row (XLSX) after the header is
in no result and no reject: ``lost = rows written - lines accounted``; the run also checks
``input = evaluated + rejected`` and that every reject has a reason. Exit 1 when anything is lost.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import penalty_engine as pe
from penalty_engine.replay.readers import read_rows
from penalty_engine.replay.run import Evaluator, Rejected, Replay, Settings

HEADER = [
    "case_id",
    "violation",
    "occurred_on",
    "decided_on",
    "party.kind",
    "facts.illegal_gain",
    "facts.prior_12m",
    "actual.outcome",
    "actual.fine",
]
BASE = ["cn-transport/unlicensed-freight", "2026-03-02", "2026-04-10", "单位", "15600", "1", "处罚", "52000"]
KINDS = ("quote", "gbk", "truncate", "bytes", "newline", "delimiter")


def cells(i: int) -> list[str]:
    return [f"F{i}", *BASE]


def csv_line(rng: random.Random, i: int, kind: str | None) -> bytes:
    """One CSV row, corrupted by ``kind`` (None: clean)."""
    row = cells(i)
    if kind == "newline":
        row[4] = '"单位\n（分公司）"'
    line = ",".join(row).encode()
    if kind == "quote":
        at = rng.randrange(len(line) + 1)
        line = line[:at] + b'"' + line[at:]
    elif kind == "gbk":
        line = ",".join(row).encode("gbk")
    elif kind == "truncate":
        line = line[: rng.randrange(1, len(line))]
    elif kind == "bytes":
        at = rng.randrange(len(line) + 1)
        line = line[:at] + bytes(rng.choice([0x00, 0x80, 0xFF, 0xC3, 0x2C, 0x22]) for _ in range(3)) + line[at:]
    elif kind == "delimiter":
        line += b",extra"
    return line + b"\n"


def jsonl_line(rng: random.Random, i: int, kind: str | None) -> bytes:
    flat = dict(zip(HEADER, cells(i), strict=True))
    case: dict[str, Any] = {k: v for k, v in flat.items() if "." not in k}
    case["party"] = {"kind": "organization"}
    case["facts"] = {"illegal_gain": flat["facts.illegal_gain"], "prior_12m": 1, "several_vehicles": True}
    case["actual"] = {"outcome": "penalty", "fine": flat["actual.fine"]}
    line = json.dumps(case, ensure_ascii=False).encode()
    if kind in ("quote", "delimiter"):
        at = rng.randrange(len(line) + 1)
        line = line[:at] + b'"' + line[at:]
    elif kind == "gbk":
        line = json.dumps(case, ensure_ascii=False).encode("gbk")
    elif kind == "truncate":
        line = line[: rng.randrange(1, len(line))]
    elif kind == "bytes":
        at = rng.randrange(len(line) + 1)
        line = line[:at] + bytes(rng.choice([0x00, 0x80, 0xFF, 0xC3, 0x0D]) for _ in range(3)) + line[at:]
    elif kind == "newline":
        line = line.replace(b"\xe5\x8d\x95\xe4\xbd\x8d", b"\\n")  # an escaped line break stays on one line
    return line + b"\n"


def write_text_file(path: Path, n: int, share: float, rng: random.Random) -> list[int]:
    """Write ``n`` rows; returns the line each row starts on."""
    make = csv_line if path.suffix == ".csv" else jsonl_line
    starts = []
    line = 1
    with path.open("wb") as fh:
        if path.suffix == ".csv":
            fh.write(",".join(HEADER).encode() + b"\n")
            line = 2
        for i in range(n):
            data = make(rng, i, rng.choice(KINDS) if rng.random() < share else None)
            fh.write(data)
            starts.append(line)
            line += data.count(b"\n")
    return starts


def write_xlsx(path: Path, n: int, share: float, rng: random.Random) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(HEADER)
    merges: list[str] = []
    merged_last = False
    for i in range(n):
        row: list[Any] = list(cells(i))
        kind = rng.choice(("formula", "merge_down", "merge_across", "blank_cell")) if rng.random() < share else None
        r = i + 2
        if kind == "formula":
            row[8] = "=50000+2000"  # openpyxl writes no cached value: "formula without a value"
        elif kind == "blank_cell":
            row[rng.randrange(1, len(row))] = None
        elif kind == "merge_down" and r > 2 and not merged_last:
            row[1] = None  # the inner cell of B(r-1):B(r): takes the anchor's value
            merges.append(f"B{r - 1}:B{r}")
        elif kind == "merge_across":
            merges.append(f"E{r}:F{r}")
        merged_last = kind in ("merge_down", "merge_across")
        ws.append(row)
    for ref in merges:
        ws.merge_cells(ref)
    wb.save(path)


def written_rows(path: Path) -> int:
    """Non-blank physical lines after the header (CSV, JSONL) or non-empty sheet rows (XLSX)."""
    if path.suffix == ".xlsx":
        import openpyxl

        wb = openpyxl.load_workbook(path, read_only=True)
        try:
            rows = list(wb.worksheets[0].iter_rows(values_only=True))[1:]
            return sum(any(v is not None and str(v).strip() for v in r) for r in rows)
        finally:
            wb.close()
    raw = path.read_bytes()
    if path.suffix == ".csv":  # lines as the CSV reader splits them (\r, \n or \r\n)
        lines = io.TextIOWrapper(io.BytesIO(raw), encoding="latin-1", newline="").readlines()[1:]
        return sum(bool(line.strip(" \t\r\n,")) for line in lines)
    return sum(bool(line.strip()) for line in raw.split(b"\n"))


def account(path: Path, engine: pe.Engine, workdir: Path, starts: list[int] | None = None) -> tuple[int, Replay]:
    """Replay ``path`` in process; returns the rows lost and the closed state.

    Lost: lines in no record (``written_rows - state.lines``), plus rows (starting on ``starts``)
    swallowed into a record that began on an earlier row."""
    ev = Evaluator(Settings(), engine)
    state = Replay.create(workdir)
    swallowed: set[int] = set()
    begins = set(starts or ())
    try:
        for row in read_rows(path):
            out = ev.row(row)
            assert not isinstance(out, Rejected) or out.error.strip(), out
            first = int(row.source.rsplit(":", 1)[1])
            swallowed.update(n for n in range(first + 1, first + row.lines) if n in begins)
            state.absorb(out)
    finally:
        state.close()
    return abs(written_rows(path) - state.lines) + len(swallowed), state


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--rows", type=int, default=10000, help="rows per format (default 10000)")
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--share", type=float, default=0.1, help="share of corrupted rows (default 0.1)")
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    engine = pe.Engine.load()
    lost_total = 0
    with tempfile.TemporaryDirectory(prefix="fuzz-replay-") as tmp:
        for fmt in ("csv", "jsonl", "xlsx"):
            path = Path(tmp) / f"past.{fmt}"
            starts = None
            if fmt == "xlsx":
                write_xlsx(path, args.rows, args.share, rng)
            else:
                starts = write_text_file(path, args.rows, args.share, rng)
            lost, state = account(path, engine, Path(tmp) / f"work-{fmt}", starts)
            c = state.counts
            assert c["input"] == c["evaluated"] + c["rejected"]
            lost_total += lost
            print(
                f"{fmt}: {args.rows} rows written, {c['input']} records over {state.lines} lines, "
                f"{c['evaluated']} evaluated, {c['rejected']} rejected, lost {lost}"
            )
    print(f"lost rows: {lost_total}")
    return 1 if lost_total else 0


if __name__ == "__main__":
    raise SystemExit(main())
