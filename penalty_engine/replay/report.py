"""Replay outputs: the summary JSON (contract), one self-contained HTML report with inline SVG
charts and sortable tables, a short Markdown summary, and the flagged cases as CSV and XLSX.

Everything is written by streaming the spilled flagged cases, so memory does not grow with them.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from ..__about__ import __version__
from ..render import environment
from .groups import group_json
from .run import Replay

SCHEMA = "penalty-engine/replay@1"
GROUPS_MAX = 1000

_env = environment("penalty_engine.replay", strict=False)


def _jsonl(path: Path | None) -> Iterator[dict[str, Any]]:
    if path is None or not path.exists():
        return
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def flagged_entries(state: Replay, with_decision: bool = False) -> Iterator[dict[str, Any]]:
    for e in _jsonl(state.spill_path):
        if not with_decision:
            e.pop("decision", None)
        yield e


def summary(state: Replay) -> dict[str, int]:
    return dict(state.counts)


def groups(state: Replay, limit: int | None = None) -> list[dict[str, object]]:
    """Flagged similar groups, widest spread first (all of them unless ``limit``)."""
    flagged = state.groups.flagged()
    return [group_json(g) for g in (flagged if limit is None else flagged[:limit])]


def write_json(state: Replay, path: Path) -> None:
    """The replay JSON contract, written incrementally (``flagged`` and ``rejects`` streamed)."""
    with path.open("w", encoding="utf-8") as out:
        out.write('{"schema": "penalty-engine/replay@1",\n"engine": ' + json.dumps(f"penalty-engine {__version__}"))
        out.write(',\n"summary": ' + json.dumps(summary(state)))
        for name, items in (
            ("flagged", flagged_entries(state)),
            ("similar_groups", iter(groups(state))),
            ("rejects", _jsonl(state.rejects_path)),
        ):
            out.write(f',\n"{name}": [')
            for i, item in enumerate(items):
                out.write(("\n" if i == 0 else ",\n") + json.dumps(item, ensure_ascii=False))
            out.write("]")
        out.write(',\n"aggregates": ' + json.dumps(state.aggregates.as_json(), ensure_ascii=False) + "}\n")


# ------------------------------------------------------------------ charts (inline SVG)


def _bars(items: list[tuple[str, int | Decimal]], title: str, unit: str = "", width: int = 640) -> Markup:
    """A horizontal bar chart; values are display numbers only (never amounts in computation)."""
    rows = items[:30]
    if not rows:
        return Markup("")
    top = max((Decimal(str(v)) for _, v in rows), default=Decimal(1)) or Decimal(1)
    h = 22 * len(rows) + 30
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {h}" width="{width}" height="{h}">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, value) in enumerate(rows):
        y = 24 + 22 * i
        w = int(Decimal(str(value)) / top * (width - 260))
        parts.append(f'<text x="0" y="{y + 13}" class="lbl">{escape(label[:18])}</text>')
        parts.append(f'<rect x="160" y="{y}" width="{max(w, 1)}" height="16" class="bar"/>')
        parts.append(f'<text x="{166 + w}" y="{y + 13}" class="val">{escape(str(value))}{unit}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _trend(points: list[tuple[str, Decimal]], title: str, width: int = 640, height: int = 220) -> Markup:
    if not points:
        return Markup("")
    n = len(points)
    step = (width - 60) / max(n - 1, 1)
    coords = [(40 + i * step, 20 + (height - 60) * (1 - v / 100)) for i, (_, v) in enumerate(points)]
    path = " ".join(f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}" for i, (x, y) in enumerate(coords))
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}">',
        f"<title>{escape(title)}</title>",
        f'<line x1="40" y1="{height - 40}" x2="{width - 20}" y2="{height - 40}" class="axis"/>',
        f'<text x="0" y="24" class="lbl">100%</text><text x="0" y="{height - 40}" class="lbl">0%</text>',
        f'<path d="{path}" class="line"/>',
    ]
    for (x, y), (label, v) in zip(coords, points, strict=True):
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" class="dot"><title>{escape(label)}: {v}%</title></circle>'
        )
    every = max(1, n // 8)
    for i in range(0, n, every):
        parts.append(
            f'<text x="{coords[i][0]:.1f}" y="{height - 22}" class="lbl" text-anchor="middle">'
            f"{escape(points[i][0])}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _charts(agg: dict[str, Any]) -> dict[str, Markup]:
    hist = [(b["bin"], b["count"]) for b in agg["deviation_histogram"]]
    units = [(u["name"], Decimal(u["share_consistent"])) for u in agg["unit"] if u["share_consistent"] is not None]
    months = [(m["name"], Decimal(m["share_consistent"])) for m in agg["month"] if m["share_consistent"] is not None]
    return {
        "deviation": _bars(hist, "偏离幅度分布 Deviation distribution"),
        "units": _bars(sorted(units, key=lambda x: x[1]), "各单位一致率 Consistency by unit", "%"),
        "trend": _trend(months, "按月一致率 Consistency by month"),
    }


@dataclass
class _Trail:
    anchor: str
    entry: dict[str, Any]


def _flagged_for_report(state: Replay, limit: int, anchors: dict[str, str]) -> Iterator[_Trail]:
    for i, e in enumerate(flagged_entries(state, with_decision=True)):
        if i >= limit:
            return
        yield _Trail(anchors.get(e["case_id"], f"case-{i}"), e)


def write_html(state: Replay, path: Path, *, limit: int = 5000, title: str = "处罚裁量回放报告") -> None:
    """One self-contained HTML file (no CDN): inline CSS, SVG and a small sorting script."""
    anchors: dict[str, str] = {}
    for i, e in enumerate(flagged_entries(state)):
        if i >= limit:
            break
        anchors[e["case_id"]] = f"case-{i}"
    agg = state.aggregates.as_json()
    template = _env.get_template("replay.html.j2")
    stream = template.generate(
        title=title,
        engine=f"penalty-engine {__version__}",
        summary=summary(state),
        charts=_charts(agg),
        agg=agg,
        groups=groups(state, GROUPS_MAX),
        groups_total=len(state.groups.flagged()),
        groups_max=GROUPS_MAX,
        anchors=anchors,
        flagged=_flagged_for_report(state, limit, anchors),
        flagged_again=_flagged_for_report(state, limit, anchors),
        limit=limit,
        rejects=list(_limited(_jsonl(state.rejects_path), 1000)),
    )
    with path.open("w", encoding="utf-8") as out:
        for chunk in stream:
            out.write(chunk)


def _limited(items: Iterator[dict[str, Any]], n: int) -> Iterator[dict[str, Any]]:
    for i, item in enumerate(items):
        if i >= n:
            return
        yield item


def write_markdown(state: Replay, path: Path) -> None:
    agg = state.aggregates.as_json()
    text = _env.get_template("replay.md.j2").render(
        summary=summary(state), agg=agg, groups=groups(state, 10), engine=f"penalty-engine {__version__}"
    )
    path.write_text(text, encoding="utf-8")


FLAT_COLUMNS = (
    "case_id",
    "source",
    "status",
    "violation",
    "recommended_fine",
    "band_min",
    "band_max",
    "actual_fine",
    "deviation",
    "deviation_pct",
    "tier",
    "actual_tier",
    "officer",
    "unit",
)


def _flat(e: dict[str, Any]) -> list[Any]:
    band = e.get("band") or {}
    row = dict(e, band_min=band.get("min"), band_max=band.get("max"))
    return [row.get(c) for c in FLAT_COLUMNS]


def write_flagged_csv(state: Replay, path: Path) -> None:
    """Flagged cases as CSV (UTF-8 with BOM, which spreadsheet programs read as UTF-8)."""
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(FLAT_COLUMNS)
        for e in flagged_entries(state):
            w.writerow(["" if v is None else v for v in _flat(e)])


def write_flagged_xlsx(state: Replay, path: Path) -> None:
    """Flagged cases as XLSX (openpyxl write-only mode: streamed). Amounts stay exact text."""
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("flagged")
    ws.append(list(FLAT_COLUMNS))
    for e in flagged_entries(state):
        ws.append(_flat(e))
    wb.save(path)
