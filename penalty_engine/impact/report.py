"""Impact outputs: the JSON contract (``penalty-engine/impact@1``, money as decimal strings), one
self-contained HTML report (inline CSS and SVG, Chinese by default) and an XLSX workbook with one
sheet per table (Chinese headers by default). Every word comes from the text catalog (``impact.*``
and ``decision.*``). Nothing here reads a clock: the same run gives the same bytes.
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
from ..core import Engine
from ..models import TrailStep
from ..money import dec_str
from ..render import environment
from ..text import words
from .compare import ASPECTS, THRESHOLD_DUTIES, Settings, bare
from .tally import AMOUNT_EDGES, CHANGE_BINS, Impact, amount_bin_label

SCHEMA = "penalty-engine/impact@1"
ENGINE = f"penalty-engine {__version__}"

_env = environment("penalty_engine.impact")


@dataclass(frozen=True)
class Context:
    """What the outputs say about the two sides: the packs as given and as loaded, and rule titles."""

    sides: dict[str, dict[str, Any]]
    titles: dict[str, dict[str, str]]  # bare rule id → {zh, en}
    facts: dict[str, dict[str, str]]  # fact name → its label {zh, en} (the first rule's that has it)

    @classmethod
    def of(cls, settings: Settings, before: Engine, after: Engine) -> Context:
        sides: dict[str, dict[str, Any]] = {}
        titles: dict[str, dict[str, str]] = {}
        facts: dict[str, dict[str, str]] = {}
        for name, given, engine in (("before", settings.before, before), ("after", settings.after, after)):
            packs: dict[str, dict[str, Any]] = {}
            for r in engine.rules():
                titles.setdefault(bare(r.id), r.rule.title.model_dump())
                for fact, spec in r.facts.items():
                    facts.setdefault(fact, spec.label.model_dump())
                packs.setdefault(
                    r.pack.id, {"id": r.pack.id, "version": r.pack.version, "title": r.pack.title.model_dump()}
                )
            sides[name] = {"packs": [str(p) for p in given], "loaded": [packs[k] for k in sorted(packs)]}
        return cls(sides, titles, facts)


def trail_json(steps: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """Raw trail steps with their messages in ``lang``."""
    return [TrailStep(**s, lang=lang).as_json() for s in steps]


def _with_trails(entry: dict[str, Any], lang: str, mark: bool = False) -> dict[str, Any]:
    """The entry with both trails' messages in ``lang``; with ``mark``, each step whose message the
    other side's trail does not have is marked ``"differs": true`` (for the HTML only)."""
    out = dict(entry)
    for side in ("before", "after"):
        out[side] = dict(entry[side], trail=trail_json(entry[side].get("trail", []), lang))
    if mark:
        said = {side: {s["message"] for s in out[side]["trail"]} for side in ("before", "after")}
        for side, other in (("before", "after"), ("after", "before")):
            out[side]["trail"] = [dict(s, differs=s["message"] not in said[other]) for s in out[side]["trail"]]
    return out


def _amount_bins(state: Impact) -> list[dict[str, Any]]:
    last = len(AMOUNT_EDGES) - 1
    return [
        {
            "bin": amount_bin_label(i),
            "min": dec_str(AMOUNT_EDGES[i]),
            "max": None if i == last else dec_str(AMOUNT_EDGES[i + 1]),
            "before": state.before.bins[i],
            "after": state.after.bins[i],
        }
        for i in range(len(AMOUNT_EDGES))
    ]


def _key_json(key: tuple[str, ...]) -> dict[str, Any]:
    kind, ident, zh, en = key
    return {"kind": kind, "id": ident, "name": {"zh": zh, "en": en}} if kind == "level" else {"kind": kind, "id": ident}


def tables(state: Impact, context: Context) -> dict[str, Any]:
    """Every table of the report as JSON values, in their order (the JSON's body, less the lists)."""
    return {
        "summary": dict(state.counts, lines=state.lines),
        "decisions": dict(state.decisions, by_aspect={a: state.aspects.get(a, 0) for a in ASPECTS}),
        "by_rule": [
            {"violation": v, "title": context.titles.get(v, {"zh": state.titles[v], "en": v}), **t.as_json()}
            for v, t in sorted(state.by_rule.items())
        ],
        "by_level": [
            {"violation": v, "before": _key_json(b), "after": _key_json(a), **t.as_json()}
            for (v, b, a), t in sorted(state.by_level.items())
        ],
        "by_outcome": [{"before": b, "after": a, "decisions": n} for (b, a), n in sorted(state.by_outcome.items())],
        "amounts": {
            "before": state.before.as_json(),
            "after": state.after.as_json(),
            "bins": _amount_bins(state),
            "increased_total": dec_str(state.increase),
            "decreased_total": dec_str(state.decrease),
            "changes": [{"bin": b, "decisions": state.change_bins[b]} for b in CHANGE_BINS],
        },
        "thresholds": [{"duty": d, **state.thresholds[d]} for d in THRESHOLD_DUTIES],
        "ignored_facts": [{"side": s, "fact": f, "rows": n} for (s, f), n in sorted(state.ignored.items())],
    }


def write_json(state: Impact, context: Context, path: Path, *, lang: str = "zh") -> None:
    """The impact JSON contract; ``changes`` is streamed from the spill file. Trails of the largest
    changes carry their messages in ``lang``."""
    head = {"schema": SCHEMA, "engine": ENGINE, "before": context.sides["before"], "after": context.sides["after"]}
    body = tables(state, context)
    with path.open("w", encoding="utf-8") as out:
        out.write(json.dumps(head, ensure_ascii=False)[:-1])
        for name, value in body.items():
            out.write(f",\n{json.dumps(name)}: " + json.dumps(value, ensure_ascii=False))
        lists: list[tuple[str, Iterator[dict[str, Any]]]] = [
            ("crossings", iter(state.crossings)),
            ("largest", (_with_trails(e, lang) for e in state.largest())),
            ("changes", state.iter_changes()),
            ("one_sided", iter(state.one_sided)),
            ("rejects", iter(state.rejects)),
        ]
        for name, items in lists:
            out.write(f',\n"{name}": [')
            for i, item in enumerate(items):
                out.write(("\n" if i == 0 else ",\n") + json.dumps(item, ensure_ascii=False))
            out.write("]")
        out.write("}\n")


class Names:
    """How the report names things in one language: rules by title, levels by their published
    name, tiers, outcomes, duties and aspects by the catalog."""

    def __init__(self, lang: str, context: Context) -> None:
        self.lang = lang
        self.t = words(lang).scope("impact")
        self.d = words(lang).scope("decision")
        self.titles = context.titles
        self.facts = context.facts

    def rule(self, violation: str) -> str:
        title = self.titles.get(violation)
        return title[self.lang] if title else violation

    def fact(self, name: str) -> str:
        label = self.facts.get(name)
        return label[self.lang] if label else name

    def level(self, side: dict[str, Any]) -> str:
        level = side.get("level")
        if level:
            return str(level["name"][self.lang])
        return self.tier(side.get("tier"))

    def key(self, key: dict[str, Any]) -> str:
        return str(key["name"][self.lang]) if key["kind"] == "level" else self.tier(key["id"])

    def tier(self, tier: str | None) -> str:
        return self.d("none") if tier in (None, "none") else self.d(str(tier))

    def outcome(self, outcome: str) -> str:
        return self.d(outcome)

    def error(self, entry: dict[str, Any], key: str = "error") -> str:
        """An error of a row (``error``, ``error_after``) in the report's language."""
        text = entry.get(f"{key}_zh") if self.lang == "zh" else None
        return str(text or entry.get(key) or "")

    def duties(self, kinds: list[str]) -> str:
        return "、".join(self.d(k) for k in kinds) if self.lang == "zh" else ", ".join(self.d(k) for k in kinds)

    def aspects(self, aspects: list[str]) -> str:
        sep = "、" if self.lang == "zh" else ", "
        return sep.join(self.t(f"aspect_{a}") for a in aspects)

    def band(self, band: dict[str, str] | None) -> str:
        return self.t("none") if band is None else f"{band['min']} – {band['max']}"

    def amount(self, value: str | None) -> str:
        return self.t("none") if value is None else value

    def change_bin(self, label: str) -> str:
        return self.t("change_new") if label == "new" else label

    def pack(self, p: dict[str, Any]) -> str:
        return f"{p['title'][self.lang]}（{p['id']} {p['version']}）"


# ------------------------------------------------------------------ HTML


def _paired_bars(rows: list[tuple[str, int, int]], names: tuple[str, str], width: int = 720) -> Markup:
    """Two bars per row (before, after); counts are display numbers only."""
    if not rows:
        return Markup("")
    top = max(max(b, a) for _, b, a in rows) or 1
    h = 34 * len(rows) + 40
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {h}" width="{width}" height="{h}">']
    for j, (x, name) in enumerate(((170, names[0]), (300, names[1]))):
        parts.append(f'<rect x="{x}" y="4" width="12" height="12" class="b{j}"/>')
        parts.append(f'<text x="{x + 18}" y="15" class="lbl">{escape(name)}</text>')
    for i, (label, b, a) in enumerate(rows):
        y = 30 + 34 * i
        for j, n in enumerate((b, a)):
            w = int(Decimal(n) / Decimal(top) * (width - 260))
            parts.append(f'<rect x="170" y="{y + 15 * j}" width="{max(w, 1)}" height="13" class="b{j}"/>')
            parts.append(f'<text x="{176 + w}" y="{y + 11 + 15 * j}" class="val">{n}</text>')
        parts.append(f'<text x="0" y="{y + 18}" class="lbl">{escape(label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def write_html(state: Impact, context: Context, path: Path, lang: str = "zh", limit: int = 2000) -> None:
    """One self-contained HTML file: inline CSS and SVG, no script needed to read it."""
    names = Names(lang, context)
    body = tables(state, context)
    bins = body["amounts"]["bins"]
    filled = [i for i, b in enumerate(bins) if b["before"] or b["after"]]
    shown = bins[filled[0] : filled[-1] + 1] if filled else []  # from the first bin holding a fine to the last
    chart = _paired_bars([(b["bin"], b["before"], b["after"]) for b in shown], (names.t("before"), names.t("after")))
    template = _env.get_template("impact.html.j2")
    stream = template.generate(
        lang=lang,
        t=names.t,
        n=names,
        engine=ENGINE,
        sides=context.sides,
        body=body,
        chart=chart,
        crossings=state.crossings[:limit],
        crossings_total=len(state.crossings),
        largest=[_with_trails(e, lang, mark=True) for e in state.largest()],
        changes=_limited(state.iter_changes(), limit),
        changes_total=state.decisions["changed"],
        limit=limit,
        one_sided=state.one_sided[:limit],
        rejects=state.rejects[:limit],
    )
    with path.open("w", encoding="utf-8") as out:
        for chunk in stream:
            out.write(chunk)


def _limited(items: Iterator[dict[str, Any]], n: int) -> Iterator[dict[str, Any]]:
    for i, item in enumerate(items):
        if i >= n:
            return
        yield item


# ------------------------------------------------------------------ XLSX


def _num(value: str | None) -> Decimal | None:
    """An amount as a number cell (openpyxl writes a Decimal's own digits: exact)."""
    return None if value is None else Decimal(value)


def _band_cells(side: dict[str, Any]) -> list[Decimal | None]:
    band = side.get("band")
    return [None, None] if band is None else [_num(band["min"]), _num(band["max"])]


def change_row(e: dict[str, Any], n: Names) -> list[Any]:
    b, a = e["before"], e["after"]
    return [
        e["case_id"],
        e["source"],
        n.rule(e["violation"]),
        n.aspects(e["changed"]),
        n.outcome(b["outcome"]),
        n.outcome(a["outcome"]),
        n.level(b),
        n.level(a),
        *_band_cells(b),
        *_band_cells(a),
        _num(b["amount"]),
        _num(a["amount"]),
        _num(e["change"]),
        n.duties(b["duties"]),
        n.duties(a["duties"]),
    ]


CHANGE_COLUMNS = (
    "case",
    "source",
    "violation",
    "what_changed",
    "outcome_before",
    "outcome_after",
    "level_before",
    "level_after",
    "band_before_min",
    "band_before_max",
    "band_after_min",
    "band_after_max",
    "amount_before",
    "amount_after",
    "change",
    "duties_before",
    "duties_after",
)
TALLY_COLUMNS = ("decisions", "changed_decisions", "increased", "decreased", "total_before", "total_after")


def _tally_cells(row: dict[str, Any]) -> list[Any]:
    return [
        row["decisions"],
        row["changed"],
        row["increased"],
        row["decreased"],
        _num(row["total_before"]),
        _num(row["total_after"]),
    ]


def write_xlsx(state: Impact, context: Context, path: Path, lang: str = "zh") -> None:
    """The tables as sheets (openpyxl write-only: the changed decisions are streamed)."""
    import openpyxl

    n = Names(lang, context)
    t = n.t
    body = tables(state, context)
    wb = openpyxl.Workbook(write_only=True)

    def sheet(title: str, columns: tuple[str, ...] | list[str]) -> Any:
        ws = wb.create_sheet(t(title))
        ws.append([t(c) for c in columns])
        return ws

    ws = sheet("sheet_summary", ("item", "value"))
    for side in ("before", "after"):
        for p in context.sides[side]["loaded"]:
            ws.append([t(side), n.pack(p)])
    for k, v in body["summary"].items():
        ws.append([t(k), v])
    ws.append([t("decisions_compared"), state.decisions["compared"]])
    ws.append([t("decisions_changed"), state.decisions["changed"]])
    for a in ASPECTS:
        ws.append([t("changed_in", what=t(f"aspect_{a}")), state.aspects.get(a, 0)])

    ws = sheet("sheet_changes", CHANGE_COLUMNS)
    for e in state.iter_changes():
        ws.append(change_row(e, n))

    ws = sheet("sheet_by_rule", ("violation", *TALLY_COLUMNS))
    for r in body["by_rule"]:
        ws.append([n.rule(r["violation"]), *_tally_cells(r)])
    ws = sheet("sheet_by_level", ("violation", "level_before", "level_after", *TALLY_COLUMNS))
    for r in body["by_level"]:
        ws.append([n.rule(r["violation"]), n.key(r["before"]), n.key(r["after"]), *_tally_cells(r)])
    ws = sheet("sheet_by_outcome", ("outcome_before", "outcome_after", "decisions"))
    for r in body["by_outcome"]:
        ws.append([n.outcome(r["before"]), n.outcome(r["after"]), r["decisions"]])
    ws = sheet("sheet_amounts", ("amount_bin", "count_before", "count_after"))
    for b in body["amounts"]["bins"]:
        ws.append([b["bin"], b["before"], b["after"]])
    ws = sheet(
        "sheet_thresholds", ("case", "source", "violation", "duty", "direction", "amount_before", "amount_after")
    )
    for c in state.crossings:
        row = [c["case_id"], c["source"], n.rule(c["violation"]), n.d(c["duty"]), t(c["direction"])]
        ws.append([*row, _num(c["before"]["amount"]), _num(c["after"]["amount"])])
    ws = sheet("sheet_one_sided", ("case", "source", "failed_side", "error"))
    for o in state.one_sided:
        ws.append([o["case_id"], o["source"], t(o["failed"]), n.error(o)])
    ws = sheet("sheet_ignored", ("side", "fact", "rows"))
    for r in body["ignored_facts"]:
        ws.append([t(r["side"]), n.fact(r["fact"]), r["rows"]])
    ws = sheet("sheet_rejects", ("case", "source", "error", "error_after"))
    for r in state.rejects:
        ws.append([r["case_id"], r["source"], n.error(r), n.error(r, "error_after") or None])
    wb.save(path)
