"""Generated past decisions for the Dask tests: consistent and out-of-band fines, cases without an
actual decision, similar cases fined apart (flagged groups) and alike (groups not flagged), duplicate
case ids (some in other partitions), and rejected rows (broken JSON, dates after the replay date or
before the act). The bands come from the engine, once per variant of the facts and month."""

from __future__ import annotations

import csv
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import penalty_engine as pe

REPLAY_DATE = dt.date(2026, 12, 1)
FREIGHT = "cn-transport/unlicensed-freight"
VARIANTS = 200  # facts variants: the similarity groups
SPREAD = 150  # variants below this one are fined across their band (flagged), the others alike
OFFICERS = [f"{s}{g}" for s in "王李张刘" for g in ("伟", "芳", "敏")]
UNITS = [f"{c}交通运输综合行政执法支队" for c in ("杭州", "宁波", "温州", "嘉兴", "湖州")]


class Bands:
    def __init__(self, engine: pe.Engine) -> None:
        self.engine = engine
        self.cache: dict[tuple[int, str], tuple[Decimal, Decimal, Decimal]] = {}

    def __call__(self, case: dict[str, Any], variant: int) -> tuple[Decimal, Decimal, Decimal]:
        key = (variant, case["decided_on"])
        if key not in self.cache:
            d = self.engine.evaluate(case, as_of=dt.date.fromisoformat(case["decided_on"]))
            assert d.band is not None and d.recommended_fine is not None
            self.cache[key] = (Decimal(d.band.min), Decimal(d.recommended_fine), Decimal(d.band.max))
        return self.cache[key]


def cases(n: int, engine: pe.Engine, start: int = 0) -> list[dict[str, Any] | str]:
    """``n`` rows (the ``start``-th on): a case dict, or a line of text that is no JSON object."""
    bands = Bands(engine)
    rows: list[dict[str, Any] | str] = []
    for i in range(start, start + n):
        if i % 1009 == 3:
            rows.append('{"case_id": "broken", oops')
            continue
        v = i % VARIANTS
        case: dict[str, Any] = {
            "case_id": f"G-{i:06d}",
            "violation": FREIGHT,
            "occurred_on": "2025-12-01",
            "decided_on": f"2026-0{1 + i // VARIANTS % 4}-15",
            "party": {"kind": "organization"},
            "facts": {"illegal_gain": str(10000 + 100 * v), "prior_12m": 1, "several_vehicles": True},
        }
        low, rec, high = bands(case, v)
        kind = (i + i // VARIANTS * 3) % 10
        fine = rec
        if v < SPREAD and kind in (5, 6):
            fine = low if kind == 5 else high
        elif v < SPREAD and kind == 7:
            fine = high + 1000
        if kind != 8:
            case["actual"] = {
                "outcome": "penalty",
                "fine": str(fine),
                "officer": OFFICERS[i * 31 % len(OFFICERS)],
                "unit": UNITS[i * 17 % len(UNITS)],
            }
        if i % 331 == 7 and i > 1000:
            case["case_id"] = f"G-{i - 997:06d}"  # a duplicate of an earlier row
        if i % 1013 == 5:
            case["decided_on"] = "2027-05-01"  # after the replay date
        if i % 1019 == 9:
            case["decided_on"] = "2025-11-01"  # before the act
        rows.append(case)
    return rows


def write_jsonl(path: Path, rows: list[dict[str, Any] | str]) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n")
    return path


def flat(case: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for k, v in case.items():
        if isinstance(v, dict):
            for k2, v2 in v.items():
                out[f"{k}.{k2}"] = json.dumps(v2) if isinstance(v2, bool) else str(v2)
        else:
            out[k] = str(v)
    return out


HEADERS = [
    "case_id",
    "violation",
    "occurred_on",
    "decided_on",
    "party.kind",
    "facts.illegal_gain",
    "facts.prior_12m",
    "facts.several_vehicles",
    "actual.outcome",
    "actual.fine",
    "actual.officer",
    "actual.unit",
]


def table(rows: list[dict[str, Any] | str]) -> list[dict[str, str]]:
    """The cases as flat rows with dotted headers (a broken row becomes one with a bad date)."""
    out = []
    for r in rows:
        row = flat(r) if isinstance(r, dict) else {"case_id": "broken", "occurred_on": "2026/13/01"}
        out.append({h: row.get(h, "") for h in HEADERS})
    return out


def write_csv(path: Path, rows: list[dict[str, Any] | str]) -> Path:
    """A CSV in which some officers' names hold a line break (records over two lines) and a few
    lines carry a stray quote (the reader rejects the line and reads on)."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADERS)
        for i, row in enumerate(table(rows)):
            if i % 97 == 11 and row["actual.officer"]:
                row["actual.officer"] = row["actual.officer"][0] + "\n" + row["actual.officer"][1:]
            if i % 389 == 21:
                fh.write(f'X-{i},"{FREIGHT},2025-12-01\n')  # a stray quote
            w.writerow([row[h] for h in HEADERS])
    return path


def write_parquet(path: Path, rows: list[dict[str, Any] | str], group: int = 300) -> Path:
    """Parquet in row groups of ``group`` rows, the fine as a decimal column."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    flat_rows: list[dict[str, Any]] = table(rows)
    for r in flat_rows:
        r["actual.fine"] = Decimal(r["actual.fine"]) if r["actual.fine"] else None
    fields = [pa.field(h, pa.decimal128(12, 2) if h == "actual.fine" else pa.string()) for h in HEADERS]
    pq.write_table(pa.Table.from_pylist(flat_rows, schema=pa.schema(fields)), path, row_group_size=group)
    return path


def write_xlsx(path: Path, rows: list[dict[str, Any] | str]) -> Path:
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("cases")
    ws.append(HEADERS)
    for row in table(rows):
        ws.append([row[h] for h in HEADERS])
    wb.save(path)
    return path
