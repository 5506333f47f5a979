"""The replay's HTML report: one self-contained file an auditor hands to a department head.

Chinese by default (``lang="en"`` on request), every word from the text catalog (``present``);
violations by title; each similar-case group explained in words with its cases side by side;
long lists folded to their top rows; filters by unit, officer, violation and finding that work
offline (a small inline script, no CDN); printable on A4 landscape. Inline SVG charts.

Streams the spilled flagged cases, so memory does not grow with them. The CSS and the script are
templates of their own (``_report.css.j2``, ``_report.js.j2``) that another report can include.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from ..__about__ import __version__
from ..models import TrailStep
from ..render import environment
from .classify import STATUSES
from .groups import Group, group_json
from .present import FLAGGED_STATUSES, Presenter
from .run import MEMBER_FIELDS, Replay

GROUPS_MAX = 1000
REJECTS_MAX = 1000
#: rows shown before "show the other N rows": per list
TOP = {"groups": 10, "flagged": 50, "agg": 12, "rejects": 20}
SEP = "\n"  # between the values of one data-* attribute (a group's units, officers, …)

_env = environment("penalty_engine.replay", strict=True)


def jsonl(path: Path | None) -> Iterator[dict[str, Any]]:
    """The objects of a JSON-lines file (nothing when it is absent)."""
    if path is None or not path.exists():
        return
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def flagged_entries(state: Replay, with_decision: bool = False) -> Iterator[dict[str, Any]]:
    """The flagged cases in the order they were absorbed (with their decision JSON on request)."""
    for e in jsonl(state.spill_path):
        if not with_decision:
            e.pop("decision", None)
        yield e


def members_of(state: Replay, ids: set[str]) -> dict[str, dict[str, Any]]:
    """The grouped cases among ``ids`` (``run.MEMBER_FIELDS``), read in one pass over the spill."""
    found: dict[str, dict[str, Any]] = {}
    if not ids or state.members_path is None or not state.members_path.exists():
        return found
    with state.members_path.open(encoding="utf-8") as fh:
        for line in fh:
            values = json.loads(line)
            if values[0] in ids:
                found[values[0]] = dict(zip(MEMBER_FIELDS, values, strict=True))
    return found


def group_views(state: Replay, p: Presenter, limit: int = GROUPS_MAX) -> list[dict[str, Any]]:
    """The flagged similar groups, widest spread first, each with its sentence, what makes its cases
    alike in words and its cases side by side (lowest fine first, highest second, then the sample)."""
    flagged: list[Group] = state.groups.flagged()[:limit]
    entries = [group_json(g) for g in flagged]
    wanted = {cid for e in entries for cid in e["case_ids"]}  # type: ignore[attr-defined]
    members = members_of(state, wanted)
    views = []
    for n, (g, e) in enumerate(zip(flagged, entries, strict=True), 1):
        rows = []
        for i, (cid, fine) in enumerate(zip(e["case_ids"], e["actual_fines"], strict=True)):  # type: ignore[call-overload]
            m = dict(members.get(cid) or {"case_id": cid})
            m["actual_fine"] = fine
            m["role"] = "low" if i == 0 else "high" if i == 1 else ""
            rows.append(m)
        shown = len(rows)
        views.append(
            {
                "n": n,
                "head": p.t(
                    "groups.head",
                    n=n,
                    count=g.count,
                    low=p.amount(g.low),
                    high=p.amount(g.high),
                    spread=p.amount(g.spread),
                    tolerance=p.amount(g.tolerance),
                ),
                "alike": p.alike(g.alike),
                "shown_note": p.t("groups.cases_shown", shown=shown, count=g.count),
                "members": rows,
                "units": SEP.join(sorted({m.get("unit") or "" for m in rows})),
                "officers": SEP.join(sorted({m.get("officer") or "" for m in rows})),
                "violations": SEP.join(sorted({part["rule"] for part in (g.alike or {}).get("parts", [])})),
                "statuses": SEP.join(sorted({m.get("status") or "" for m in rows})),
                "entry": e,
            }
        )
    return views


# ------------------------------------------------------------------ charts (inline SVG)


def bars(items: list[tuple[str, int | Decimal]], title: str, unit: str = "", width: int = 640) -> Markup:
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
        shown = label if len(label) <= 12 else label[:11] + "…"
        parts.append(f'<text x="0" y="{y + 13}" class="lbl">{escape(shown)}<title>{escape(label)}</title></text>')
        parts.append(f'<rect x="160" y="{y}" width="{max(w, 1)}" height="16" class="bar"/>')
        parts.append(f'<text x="{166 + w}" y="{y + 13}" class="val">{escape(str(value))}{unit}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def trend(points: list[tuple[str, Decimal]], title: str, width: int = 640, height: int = 220) -> Markup:
    """A line of percentages (0–100) over labelled points, e.g. months."""
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
    every = max(1, -(-n // 8))  # at most 8 labels
    for i in range(0, n, every):
        parts.append(
            f'<text x="{coords[i][0]:.1f}" y="{height - 22}" class="lbl" text-anchor="middle">'
            f"{escape(points[i][0])}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _charts(agg: dict[str, Any], p: Presenter) -> dict[str, Markup]:
    hist = [(b["bin"], b["count"]) for b in agg["deviation_histogram"]]
    units = [(u["name"], Decimal(u["share_consistent"])) for u in agg["unit"] if u["share_consistent"] is not None]
    months = [(m["name"], Decimal(m["share_consistent"])) for m in agg["month"] if m["share_consistent"] is not None]
    return {
        "deviation": bars(hist, p.t("chart.deviation")),
        "units": bars(sorted(units, key=lambda x: x[1]), p.t("chart.units"), "%"),
        "trend": trend(months, p.t("chart.trend")),
    }


def _aggregate_rows(agg: dict[str, Any], p: Presenter) -> list[tuple[str, list[dict[str, Any]]]]:
    """Each dimension's rows, worst first (most flagged; months latest first), with the name shown."""
    out = []
    for dim in ("violation", "unit", "officer", "month"):
        rows = [dict(b, shown=_shown(dim, b["name"], p)) for b in agg[dim]]
        if dim == "month":
            rows.sort(key=lambda b: b["name"], reverse=True)
        else:
            rows.sort(key=lambda b: (-b["flagged"], -b["count"], b["name"]))
        out.append((dim, rows))
    return out


def _shown(dim: str, name: str, p: Presenter) -> str:
    if dim == "violation":
        return p.violation(name) if name != "—" else name
    if dim == "month":
        return p.date(name)
    return name


@dataclass
class _Trail:
    anchor: str
    entry: dict[str, Any]


def _flagged_for_report(state: Replay, limit: int, anchors: dict[str, str]) -> Iterator[_Trail]:
    for i, e in enumerate(flagged_entries(state, with_decision=True)):
        if i >= limit:
            return
        yield _Trail(anchors.get(e["case_id"], f"case-{i}"), e)


def _filters(agg: dict[str, Any], p: Presenter) -> list[tuple[str, list[tuple[str, str]]]]:
    def names(dim: str) -> list[str]:
        return sorted(b["name"] for b in agg[dim] if b["name"] != "—")

    return [
        ("unit", [(n, n) for n in names("unit")]),
        ("officer", [(n, n) for n in names("officer")]),
        ("violation", [(n, p.violation(n)) for n in names("violation")]),
        ("status", [(s, p.status(s)) for s in FLAGGED_STATUSES]),
    ]


def assets() -> dict[str, Markup]:
    """The report's CSS and script as text, for another report to inline (``<style>{{ css }}</style>``,
    ``<script>{{ js }}</script>``): sorting (``table.sortable``, ``data-sort`` on a cell), filters
    (``select[data-filter=DIM]`` against ``data-DIM`` on rows, several values split by a line end),
    folding (``data-top=N`` on a table or a box of ``.item`` children, a ``button.more`` with
    ``id=BOX-more``, ``data-for``, ``data-more`` holding ``{n}``, ``data-less``) and A4 landscape print."""
    return {
        "css": Markup(_env.get_template("_report.css.j2").render()),
        "js": Markup(_env.get_template("_report.js.j2").render()),
    }


def _message(step: dict[str, Any], lang: str) -> str:
    """A trail step's message in ``lang``, made again from its code and inputs."""
    inputs = step.get("inputs") or {}
    return TrailStep(step.get("step", 0), step["code"], [], inputs, step.get("result"), lang=lang).message


def write_html(state: Replay, path: Path, *, limit: int = 5000, lang: str = "zh", title: str | None = None) -> None:
    """One self-contained HTML file (no CDN): inline CSS, SVG and a small script for sorting,
    filtering and folding; in ``lang`` (``zh`` or ``en``)."""
    p = Presenter(lang, state.names)
    anchors: dict[str, str] = {}
    for i, e in enumerate(flagged_entries(state)):
        if i >= limit:
            break
        anchors[e["case_id"]] = f"case-{i}"
    agg: dict[str, Any] = state.aggregates.as_json()
    rejects_date: list[dict[str, Any]] = []
    rejects_other: list[dict[str, Any]] = []
    for r in jsonl(state.rejects_path):
        target = rejects_date if r.get("data_error") else rejects_other
        if len(target) < REJECTS_MAX:
            target.append(r)
    statuses = [(s, agg["statuses"][s]) for s in STATUSES if agg["statuses"].get(s)]
    stream = _env.get_template("replay.html.j2").generate(
        t=p.t,
        p=p,
        title=title or p.t("title"),
        engine=f"penalty-engine {__version__}",
        summary=dict(state.counts),
        statuses=statuses,
        date_errors=state.date_errors,
        charts=_charts(agg, p),
        aggs=_aggregate_rows(agg, p),
        filters=_filters(agg, p),
        groups=group_views(state, p, GROUPS_MAX),
        groups_total=len(state.groups.flagged()),
        anchors=anchors,
        flagged=_flagged_for_report(state, limit, anchors),
        trails=_flagged_for_report(state, limit, anchors),
        limit=limit,
        date_rejects=rejects_date,
        other_rejects=rejects_other,
        rejects_total=state.counts["rejected"] - state.date_errors,
        rejects_limit=REJECTS_MAX,
        top=TOP,
        message=lambda s: _message(s, lang),
    )
    with path.open("w", encoding="utf-8") as out:
        for chunk in stream:
            out.write(chunk)
