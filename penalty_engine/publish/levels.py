"""The levels (阶次) of a version in the benchmark document: one row per level, one band per branch.

``level_rows(version, facts, ...)`` gives the branch columns and the rows that both templates lay
out (ADR 0010): the level's name, its machine tier, its circumstances in words, and for each
statutory branch the band exactly as the published table gives it: ``处3万元以上5万元以下罚款``,
``处违法所得2倍以上4倍以下的罚款``, ``处3万元罚款``, ``处违法所得2倍的罚款``, or fractions of the
statutory range as the tier table shows them (with their amounts for a fixed range). Amounts and
multiples are the table's own edges, never rounded; a level with ``point: false`` says it gives a
range only. Words come from the ``publish`` area of the text catalog. Pure; cost linear in levels
× branches.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from ..models import (
    AmountBand,
    Band,
    Basis,
    Branch,
    Condition,
    FactSpec,
    Level,
    MultipleFine,
    Pack,
    RangeFine,
    RuleVersion,
)
from ..money import band_edge, dec_str, frac_str
from ..text import Scope
from .view import Cond, LevelBand, LevelColumn, LevelRow, Quote

MYRIAD = Decimal(10000)


def table_money(amount: Decimal, currency: str, t: Scope) -> str:
    """An amount as a published table prints it: 3万元, 3.5万元, 5000元 (``money_myriad`` carries the
    grammar: 万 in Chinese, the plain amount in English). Exact: never rounded."""
    if currency == "CNY" and amount >= MYRIAD and amount % 100 == 0:
        return t("money_myriad", myriad=dec_str(amount / MYRIAD), amount=dec_str(amount))
    return t("money_cny" if currency == "CNY" else "money", amount=dec_str(amount), currency=currency)


class LevelTable:
    """Builds the level table of one version (see the module docstring)."""

    def __init__(
        self,
        pack: Pack,
        t: Scope,
        lang: str,
        cond: Callable[[Condition | None, dict[str, FactSpec]], Cond | None],
        quotes: Callable[[Sequence[Basis]], list[Quote]],
    ) -> None:
        self.pack = pack
        self.t = t
        self.lang = lang
        self.cond = cond
        self.quotes = quotes

    def columns(self, v: RuleVersion) -> list[Branch]:
        """The statutory branches some level gives a band for, in frame order."""
        return [b for b in v.frame if any(lv.band_for(b.id) is not None for lv in v.levels)]

    def rows(self, v: RuleVersion, facts: dict[str, FactSpec]) -> tuple[list[LevelColumn], list[LevelRow]]:
        """The branch columns and one row per level, in the order they are tried."""
        branches = self.columns(v)
        cols = [LevelColumn(b.id, b.label.get(self.lang) if b.label else None) for b in branches]
        rows = []
        for lv in v.levels:
            bands = [self.band(lv, b, facts) for b in branches]
            if not lv.point:
                point = self.t("range_only")
            else:
                start = lv.start if lv.start is not None else v.start
                key = "level_start_own" if lv.start is not None else "level_start"
                point = self.t(key, start=frac_str(start if start is not None else self.pack.factor_start))
            rows.append(
                LevelRow(
                    id=lv.id,
                    name=self.t("level_name", zh=lv.name.zh, en=lv.name.en),
                    tier=self.t(lv.tier),
                    when=self.cond(lv.when, facts),
                    bands=bands,
                    point=point,
                    range_only=not lv.point,
                    basis=self.quotes(lv.basis),
                )
            )
        return cols, rows

    def band(self, lv: Level, b: Branch, facts: dict[str, FactSpec]) -> LevelBand:
        """The band of level ``lv`` for branch ``b``, in the table's own words."""
        spec, t, cur = lv.band_for(b.id), self.t, self.pack.currency
        if spec is None:
            return LevelBand(b.id, None, None)
        if isinstance(spec, AmountBand):
            if spec.fixed is not None:
                return LevelBand(b.id, t("band_fixed", amount=table_money(spec.fixed, cur, t)), None)
            lo, hi = spec.edges
            key = "fine_range" if lo > 0 else "fine_up_to"
            return LevelBand(b.id, t(key, lo=table_money(lo, cur, t), hi=table_money(hi, cur, t)), None)
        if isinstance(spec, Band):
            text = t("band_fraction", lower=frac_str(spec.lower), upper=frac_str(spec.upper))
            amounts = None
            if isinstance(b.fine, RangeFine):
                unit, mode = self.pack.rounding.unit, self.pack.rounding.mode
                lo = band_edge(b.fine.min, b.fine.max, spec.lower, unit, mode)
                hi = band_edge(b.fine.min, b.fine.max, spec.upper, unit, mode)
                amounts = t("band_amounts_text", lo=table_money(lo, cur, t), hi=table_money(hi, cur, t))
            return LevelBand(b.id, text, amounts)
        name = b.fine.times if isinstance(b.fine, MultipleFine) else ""
        label = facts[name].label.get(self.lang) if name in facts else name
        if spec.times is not None:
            return LevelBand(b.id, t("band_times", label=label, times=frac_str(spec.times)), None)
        m_lo, m_hi = spec.multiples
        return LevelBand(b.id, t("fine_multiple", label=label, lo=frac_str(m_lo), hi=frac_str(m_hi)), None)
