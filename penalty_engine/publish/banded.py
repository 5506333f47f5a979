"""The band table of a rule version in the published benchmark (幅度罚款模式, ADR 0024): each factor's
levels with their conditions (lowest first), the rows as the table prints them with the band in
amounts, the circumstances of 从重处罚, and how the fine is found inside a band (第十二条（二）)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..models import Banded, Basis, Condition, FactSpec
from ..money import dec_str
from .conditions import cel_text
from .view import Cond, Quote


@dataclass(frozen=True)
class BandLevelRow:
    factor: str  # the factor's label on its first level's row, else ""
    level: str
    when: Cond


@dataclass(frozen=True)
class BandTableRow:
    cells: list[str]  # per factor, the level(s) the row covers
    band: str  # as the table prints it (2万元以上4万元以下)
    amounts: str  # in amounts: 20000 – 40000 (以下不包括本数) or 200000
    basis: list[Quote]


@dataclass(frozen=True)
class HeavierRow:
    label: str
    when: Cond
    basis: list[Quote]


@dataclass(frozen=True)
class BandedView:
    heads: list[str]  # the factors' labels: the table's columns
    levels: list[BandLevelRow]
    rows: list[BandTableRow]
    heavier: list[HeavierRow]
    formula: str
    basis: list[Quote]


def banded_view(
    spec: Banded,
    facts: dict[str, FactSpec],
    lang: str,
    t: Callable[..., str],
    cond: Callable[[Condition | None, dict[str, FactSpec]], Cond | None],
    quotes: Callable[[Sequence[Basis]], list[Quote]],
) -> BandedView:
    """The view of ``spec`` for the document in ``lang`` (``t``, ``cond``, ``quotes``: the document's)."""

    def shown(c: Condition | None) -> Cond:
        found: Any = cond(c, facts) if c is not None else None
        return found if found is not None else Cond(None, cel_text(c) if c is not None else "—")

    levels = [
        BandLevelRow(f.label.get(lang) if j == 0 else "", lv.label.get(lang), shown(lv.when))
        for f in spec.factors
        for j, lv in enumerate(f.levels)
    ]
    names = {(f.id, lv.id): lv.label.get(lang) for f in spec.factors for lv in f.levels}
    sep = "、" if lang == "zh" else "; "
    rows = []
    for row in spec.rows:
        cells = []
        for f in spec.factors:
            named = row.levels[f.id]
            cells.append(sep.join(names[(f.id, x)] for x in ((named,) if isinstance(named, str) else named)))
        lo, hi = row.band.edges
        if row.band.fixed is not None:
            amounts = dec_str(lo)
        else:
            amounts = f"{dec_str(lo)} – {dec_str(hi)}"
            if spec.below == "exclusive":
                amounts += t("banded_excluded")
        rows.append(BandTableRow(cells, row.label.get(lang), amounts, quotes(row.basis)))
    heavier = [HeavierRow(c.label.get(lang), shown(c.when), quotes(c.basis)) for c in spec.heavier]
    below = t("banded_below_exclusive") if spec.below == "exclusive" else ""
    return BandedView(
        heads=[f.label.get(lang) for f in spec.factors],
        levels=levels,
        rows=rows,
        heavier=heavier,
        formula=t("banded_formula", below=below),
        basis=quotes([*spec.basis, *spec.bounds_basis, *spec.average_basis, *spec.unknown_basis]),
    )
