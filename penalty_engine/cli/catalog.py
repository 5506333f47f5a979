"""Describing loaded rules: listings, one rule in full, and the JSON Schemas of the file formats.

The listing and the full rule as data (``list_rules``, ``describe_rule``) live in ``core.catalog``,
shared with the HTTP service; they are named here for the ``rules`` commands.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from rich.console import Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text as RichText

from ..core import describe_rule, list_rules
from ..models import (
    AllOf,
    AmountBand,
    AnyOf,
    Band,
    Case,
    Condition,
    MultipleBand,
    MultipleFine,
    Pack,
    PerUnitFine,
    RangeFine,
    Rule,
    RuleVersion,
    TrancheFine,
)
from ..money import dec_str, frac_str
from ..pack import CompiledRule
from ..text import Scope, words
from .lang import cli_text

__all__ = ["condition_text", "describe_rule", "fine_text", "json_schema", "list_rules", "rich_rule"]


def condition_text(cond: Condition | None, always: str = "always") -> str:
    """A condition as written (CEL), ``all``/``any`` joined by AND/OR; none is ``always``."""
    if cond is None:
        return always
    if isinstance(cond, str):
        return cond
    if isinstance(cond, AllOf):
        return " AND ".join(f"({condition_text(c)})" for c in cond.all)
    assert isinstance(cond, AnyOf)
    return " OR ".join(f"({condition_text(c)})" for c in cond.any)


def fine_text(fine: Any) -> str:
    if fine is None:
        return "—"
    if isinstance(fine, RangeFine):
        return f"{fine.min}–{fine.max}"
    if isinstance(fine, MultipleFine):
        floor = f" (≥ {fine.base_min})" if fine.base_min is not None else ""
        return f"{fine.times}{floor} × {fine.min}–{fine.max}"
    if isinstance(fine, TrancheFine):
        edges = [f"{t.above}–{t.up_to if t.up_to is not None else '∞'}: {t.rate}" for t in fine.tranches]
        cap = f", cap {fine.cap}" if fine.cap is not None else ""
        return f"tranches of {fine.parts_of} per {fine.unit} ({'; '.join(edges)}){cap}"
    assert isinstance(fine, PerUnitFine)
    partial = fine.partial.setting if hasattr(fine.partial, "setting") else fine.partial.value
    cap = f", cap {fine.cap}" if fine.cap is not None else ""
    return f"{fine.rate} per {fine.unit} of {fine.per} (parts: {partial}){cap}"


def band_text(band: Band | AmountBand | MultipleBand | None, fine: Any, t: Scope) -> str:
    """A level's band for one branch, terse: ``30000–50000``, ``gain × 2–4``, ``0–1/3 of the range``."""
    if band is None:
        return "—"
    if isinstance(band, AmountBand):
        if band.fixed is not None:
            return t("band_fixed", amount=dec_str(band.fixed))
        lo, hi = band.edges
        return t("band_amount", min=dec_str(lo), max=dec_str(hi))
    if isinstance(band, MultipleBand):
        fact = fine.times if isinstance(fine, MultipleFine) else "?"
        if band.times is not None:
            return t("band_times", fact=fact, times=frac_str(band.times))
        m_lo, m_hi = band.multiples
        return t("band_multiple", fact=fact, min=frac_str(m_lo), max=frac_str(m_hi))
    return t("band_fraction", lower=frac_str(band.lower), upper=frac_str(band.upper))


def levels_table(v: RuleVersion, start: Any, t: Scope) -> Table:
    """The named levels of a version (ADR 0010): name, tier, condition, band per branch, amount."""
    branches = [b for b in v.frame if any(lv.band_for(b.id) is not None for lv in v.levels)]
    table = Table(title=t("levels"))
    for col in (t("level"), t("level_tier"), t("level_when"), *(b.id for b in branches), t("level_amount")):
        table.add_column(col)
    for lv in v.levels:
        if lv.point:
            at = lv.start if lv.start is not None else v.start if v.start is not None else start
            amount = t("level_start", start=frac_str(at))
        else:
            amount = t("range_only")
        bands = [band_text(lv.band_for(b.id), b.fine, t) for b in branches]
        name = t("level_name", zh=lv.name.zh, en=lv.name.en)
        table.add_row(escape(f"{name}\n{lv.id}"), lv.tier, escape(condition_text(lv.when)), *bands, amount)
    return table


def rich_rule(rule: CompiledRule, lang: str) -> Group:
    """One rule for the terminal, in ``zh`` or ``en`` (its conditions and ids as written)."""
    r, t, col = rule.rule, words(lang).scope("catalog"), words(lang).scope("cli.table")
    always = col("always")
    parts: list[Any] = [RichText(f"{rule.id} — {r.title.get(lang)}", style="bold")]
    facts = Table(title=t("facts"), show_lines=False)
    for key in ("fact", "label", "type", "unit", "bounds", "default", "direction"):
        facts.add_column(col(key))
    for name, s in rule.facts.items():
        bounds = (
            ", ".join(s.values)
            if s.values
            else f"{s.min if s.min is not None else ''}..{s.max if s.max is not None else ''}"
        )
        facts.add_row(
            name,
            s.label.get(lang),
            s.type.value,
            s.unit or "",
            bounds,
            col("required") if s.required else str(s.default),
            s.direction or "",
        )
    parts.append(facts)
    for cv in rule.versions:
        v = cv.version
        lines = [f"[bold]{v.effective_from} – {v.effective_to or '…'}[/bold]"]
        for b in v.basis:
            lines.append(f"{escape(b.cite())}: {escape(b.text)}")
        frame = Table(title=t("frame"))
        for key in ("branch", "when", "fine", "other"):
            frame.add_column(col(key))
        for br in v.frame:
            other = ", ".join([col("confiscate", what=c) for c in br.confiscate] + [o.kind.value for o in br.also])
            frame.add_row(br.id, condition_text(br.when, always), fine_text(br.fine), other)
        tiers = Table(title=t("tiers"))
        for key in ("tier", "when", "band"):
            tiers.add_column(col(key))
        for tier in v.tiers:
            band = tier.band or rule.pack.tier_scheme.band(tier.tier)
            tiers.add_row(tier.tier, condition_text(tier.when, always), f"{band.lower}–{band.upper}")
        factors = Table(title=t("factors"))
        for key in ("factor", "effect", "weight", "when", "label"):
            factors.add_column(col(key))
        for f in v.factors:
            factors.add_row(f.id, f.effect, str(f.weight), condition_text(f.when, always), f.label.get(lang))
        body: list[Any] = [RichText.from_markup("\n".join(lines)), frame]
        if v.tiers:
            body.append(tiers)
        if v.levels:
            body.append(levels_table(v, rule.pack.factor_start, t))
        if v.factors:
            body.append(factors)
        if v.assumptions:
            shown = [
                a if isinstance(a, str) else col("assumption_when", text=a.text, when=condition_text(a.when, always))
                for a in v.assumptions
            ]
            body.append(RichText(col("assumptions") + "\n" + "\n".join(f"- {a}" for a in shown)))
        parts.append(Panel(Group(*body)))
    return Group(*parts)


def json_schema(kind: str) -> dict[str, Any]:
    """JSON Schema of a rule file (``rule``), ``pack.yaml`` (``pack``) or a case (``case``)."""
    models: dict[str, type[BaseModel]] = {"rule": Rule, "pack": Pack, "case": Case}
    schema: dict[str, Any] = models[kind].model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://penalty-engine.invalid/schema/{kind}.json"
    return schema


def rich_findings(report: Any) -> Group:
    """A ``rules check`` report for the terminal: one line per finding, then the counterexamples; its
    own words in the command line's language (the findings' messages are the checks')."""
    if not report.findings:
        return Group(RichText(cli_text("check_consistent", pack=report.pack, rules=report.rules), style="green"))
    lines: list[Any] = []
    cases: list[Any] = []
    for f in report.findings:
        witness = f.witness or {}
        shown = {k: v for k, v in witness.items() if k not in ("case_file", "decisions", "case")}
        where = f"{_relative(f.file)}:{f.line}" if f.line else _relative(f.file)
        style = "red" if f.severity == "error" else "yellow"
        text = RichText()
        text.append(f"{f.severity:<7} ", style=style)
        text.append(f"{f.kind:<18} ", style="bold")
        text.append(f"{where}  {f.rule or ''}\n        {f.message}")
        if shown:
            witnessed = cli_text("check_witness", witness=json.dumps(shown, ensure_ascii=False))
            text.append(f"\n        {witnessed}", style="cyan")
        lines.append(text)
        if "case_file" in witness:
            body = witness["case_file"] + "\n" + json.dumps(witness["decisions"], ensure_ascii=False, indent=1)
            cases.append(Panel(RichText(body), title=escape(cli_text("check_counterexample", rule=f.rule))))
    summary = RichText(
        cli_text("check_summary", pack=report.pack, errors=report.errors, warnings=report.warnings), style="bold"
    )
    return Group(*lines, *cases, summary)


def _relative(path: str | None) -> str:
    if not path:
        return ""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return path
