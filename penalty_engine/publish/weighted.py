"""The weighted table of a rule version in the published benchmark (ADR 0020): the start weight,
each factor's levels with their weights and conditions, the formula with its cap and floor."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..core import pct  # the trail's percentage texts
from ..models import Basis, Condition, FactSpec, Staged, Weighted, tables
from .conditions import cel_text
from .view import Cond, Quote


@dataclass(frozen=True)
class WeightRow:
    factor: str  # the factor's label on its first level's row, else ""
    level: str
    weight: str
    when: Cond


@dataclass(frozen=True)
class WeightedView:
    start: str
    rows: list[WeightRow]
    formula: str
    basis: list[Quote]
    floor_basis: list[Quote]
    unknown_basis: list[Quote]


def weighted_view(
    spec: Weighted | Staged,
    facts: dict[str, FactSpec],
    lang: str,
    t: Callable[..., str],
    cond: Callable[[Condition | None, dict[str, FactSpec]], Cond | None],
    quotes: Callable[[Sequence[Basis]], list[Quote]],
) -> WeightedView:
    """The view of ``spec``; a two-stage table (ADR 0023) shows each figure per stage:
    "限期内改正 25%；逾期未改正 20%"."""
    columns = tables(spec)
    views = [_one_view(table, facts, lang, t, cond, quotes) for _, table in columns]
    if len(views) == 1:
        return views[0]
    sep = "；" if lang == "zh" else "; "
    heads = [s.label.get(lang) if s is not None else "" for s, _ in columns]

    def each(values: list[str]) -> str:
        return sep.join(f"{h} {v}" for h, v in zip(heads, values, strict=True))

    first = views[0]
    rows = [
        WeightRow(r.factor, r.level, each([v.rows[k].weight for v in views]), r.when) for k, r in enumerate(first.rows)
    ]
    return WeightedView(
        start=each([v.start for v in views]),
        rows=rows,
        formula=each([v.formula for v in views]),
        basis=[q for v in views for q in v.basis],
        floor_basis=[q for v in views for q in v.floor_basis],
        unknown_basis=first.unknown_basis,
    )


def _one_view(
    spec: Weighted,
    facts: dict[str, FactSpec],
    lang: str,
    t: Callable[..., str],
    cond: Callable[[Condition | None, dict[str, FactSpec]], Cond | None],
    quotes: Callable[[Sequence[Basis]], list[Quote]],
) -> WeightedView:
    """The view of ``spec`` for the document in ``lang`` (``t``, ``cond``, ``quotes``: the document's)."""
    rows = []
    for f in spec.factors:
        for j, lv in enumerate(f.levels):
            when: Any = cond(lv.when, facts) if lv.when is not None else None
            if when is None:
                when = Cond(None, cel_text(lv.when) if lv.when is not None else "—")
            rows.append(WeightRow(f.label.get(lang) if j == 0 else "", lv.label.get(lang), pct(lv.weight), when))
    floor = t("weighted_floor", floor=pct(spec.floor)) if spec.floor is not None else ""
    return WeightedView(
        start=pct(spec.start),
        rows=rows,
        formula=t("weighted_formula", cap=pct(spec.cap), floor=floor),
        basis=quotes(spec.basis),
        floor_basis=quotes(spec.floor_basis),
        unknown_basis=quotes(spec.unknown_basis),
    )
