"""Partitions read as the whole file reads, and partial groups and aggregates merge as if absorbed
one by one (no cluster needed)."""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import pytest

from penalty_engine.distributed import parts, tasks
from penalty_engine.replay.aggregate import Aggregates
from penalty_engine.replay.groups import Group, Groups
from penalty_engine.replay.readers import read_rows

pytest.importorskip("distributed")


def test_csv_parts_hold_the_rows_of_the_whole_file(tmp_path: Path) -> None:
    lines = ["id,name,fine"]
    for i in range(400):
        if i % 13 == 5:
            lines.append(f'{i},"two\nlines",{i}')  # one record over two lines
        elif i % 61 == 7:
            lines.append(f'{i},"stray,{i}')  # an unclosed quote: the line is rejected, the next ones read again
        else:
            lines.append(f"{i},名{i},{i}")
    path = tmp_path / "x.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    whole = list(read_rows(path))
    plan = parts.plan(str(path), parts.ReadOptions(), chunk=500)
    assert len(plan) > 5
    assert [r for fp in plan for r in parts.read_part(fp, parts.ReadOptions())] == whole
    assert any(r.error and "unclosed quote" in r.error for r in whole) and any(r.lines == 2 for r in whole)
    # no part starts on a line a rejected row may have held back to be read again
    rejected = [int(r.source.split(":")[1]) for r in whole if r.error]
    starts = [fp.part[1] for fp in plan if fp.part is not None]
    assert all(not (f < s <= f + 49) for f in rejected for s in starts)


def test_jsonl_parts_keep_their_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + b"".join(b'{"n": %d}\n\n' % i if i % 5 else b"{bad\n" for i in range(300)))
    whole = list(read_rows(path))
    plan = parts.plan(str(path), parts.ReadOptions(), chunk=700)
    assert len(plan) >= 4
    assert [r for fp in plan for r in parts.read_part(fp, parts.ReadOptions())] == whole


def test_groups_merged_by_partition_equal_groups_added_row_by_row() -> None:
    rnd = random.Random(7)
    rows = [
        (
            bytes([rnd.randrange(5)]),
            f"L{rnd.randrange(2)}",
            f"C{i}",
            Decimal(rnd.randrange(10)) * 100,
            Decimal(rnd.choice((50, 80, 150))),
        )
        for i in range(600)
    ]
    one = Groups()
    for r in rows:
        one.add(*r)
    cuts = sorted(rnd.sample(range(1, 600), 9))
    partials = []
    for a, b in zip([0, *cuts], [*cuts, 600], strict=True):
        part = tasks.PartGroups()
        for r in rows[a:b]:
            part.add(*r)
        partials.append(part.partials)
    count, flagged = tasks.reduce_groups(*partials)  # every partition's groups, in input order
    assert count == len(one)
    expected = {k: g for k, g in one.groups.items() if isinstance(g, Group) and g.spread > g.tolerance}
    assert dict(flagged) == expected
    assert flagged and all(g.spread > g.tolerance for _, g in flagged)


def test_aggregates_merged_in_order_equal_aggregates_added_row_by_row() -> None:
    rnd = random.Random(3)
    rows = []
    for i in range(500):
        dev = Decimal(rnd.randrange(-3, 6)) * 1000 if rnd.random() < 0.8 else None
        pct = None if dev is None else abs(dev) / 100
        names = {"violation": f"v{rnd.randrange(3)}", "unit": f"u{rnd.randrange(4)}", "officer": "", "month": "2026-01"}
        rows.append((names, rnd.choice(("consistent", "above_band", "no_actual")), f"C{i}", dev, pct))
    one = Aggregates()
    for r in rows:
        one.add(*r)
    pieces = []
    for a in range(0, 500, 70):
        piece = Aggregates()
        for r in rows[a : a + 70]:
            piece.add(*r)
        pieces.append(piece)
    assert tasks.merge_aggregates(*pieces).as_json() == one.as_json()
