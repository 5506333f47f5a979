"""The stages of a banded rule version (幅度罚款模式; issue #17, ADR 0024).

Pure: no file, clock, environment or randomness; Decimal money only. For a version with ``banded``,
after the statutory range ``VersionRun.run`` calls ``_banded``::

    per factor, the first level whose condition holds (none: its first level, 第五条) → the row
    that covers the levels (the first, should several) → its band as written → the band in amounts
    ("以下"不包括本数: the highest multiple of the rounding unit below the upper end; 第二十三条)
    → kept inside the statutory range → the average of the band's written ends (第十二条（二）)
    → 一般: the average, rounded; 从重 (a circumstance of ``heavier``): the officer decides from the
    average up; 应当从轻或者减轻: the officer decides below the average (or below the minimum)

The decision's tier is ``banded``. Its band is the row's band (一般), the part from the average up
(从重) or the part below it (从轻); the recommended fine is the average in the first case only.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, NamedTuple

from ..cel import CompiledCondition
from ..errors import EvaluationError, msg, pair
from ..models import BandCircumstance, Banded, BandLevel, BandRow
from ..money import CTX, ceil_units, dec_str, floor_units
from .amounts import Interval, round_inside
from .general import Fired
from .general_stages import cites
from .perday import PerDayStages
from .texts import provision_labels
from .weighted import choose_level

#: A 从重 circumstance that holds, with its condition.
Held = tuple[BandCircumstance, CompiledCondition]

#: The decision's tier for a banded version.
BANDED = "banded"


class BandedAmount(NamedTuple):
    """What the band stages decide: the decision's band, the fine (``None``: the officer decides inside
    the band) and the top of the fine the officer sets (``None`` with a fine)."""

    band: Interval
    fine: Decimal | None
    up_to: Decimal | None


def below(amount: Decimal, unit: Decimal) -> Decimal:
    """The highest multiple of ``unit`` strictly below ``amount``."""
    top = floor_units(amount, unit)
    return top - unit if top == amount else top


class BandedStages(PerDayStages):
    """The band stages of a version run (``version.VersionRun`` builds on them)."""

    __slots__ = ()

    def _banded(self, rng: Interval, fired: Fired) -> BandedAmount:
        """The band and the amount for the statutory range ``rng``."""
        spec = self.cv.version.banded
        assert spec is not None
        self.assume(spec.assumption)
        levels = [self._band_factor(i, spec) for i in range(len(spec.factors))]
        row = self._band_row(spec, levels)
        lo, hi, top = self._band_amounts(spec, row, rng)
        average = CTX.divide(lo + hi, Decimal(2))  # a sum of two amounts in fen, halved: exact
        inputs = {
            "lower": dec_str(lo),
            "upper": dec_str(hi),
            "average": dec_str(average),
            "currency": self.pack.currency,
        }
        self.trail.add("banded.average", inputs, result=dec_str(average), basis=cites(spec.average_basis))
        heavier = [(c, cond) for c, cond in self.cv.heavier if cond.holds(self.results)]
        if fired.mitigate:
            return self._band_lighter(spec, rng, lo, average, fired, heavier)
        if heavier:
            return self._band_heavier(spec, lo, top, average, heavier)
        inputs = {"average": dec_str(average), "currency": self.pack.currency}
        self.trail.add("banded.general", inputs, result=dec_str(average), basis=cites(spec.average_basis))
        fine = self._band_round(average, Interval(lo, top), rng)
        return BandedAmount(Interval(lo, top), fine, None)

    def _band_factor(self, i: int, spec: Banded) -> BandLevel:
        """The level of factor ``i``: the first whose condition holds, else its first (not established)."""
        factor = spec.factors[i]
        chosen, inputs, basis = choose_level(
            factor, self.cv.banded[i][1], self.results, self._clauses, spec.unknown_basis
        )
        level: BandLevel = chosen
        self.trail.add("banded.factor", inputs, result=level.id, basis=basis)
        return level

    def _band_row(self, spec: Banded, levels: list[BandLevel]) -> BandRow:
        """The first row that covers the chosen levels (rows that overlap or leave a hole are
        ``rules check`` errors; a hole reached by a case is an evaluation error)."""
        combo = tuple(lv.id for lv in levels)
        found = spec.rows_for(combo)
        if not found:
            named = "; ".join(f"{f.id}={lv.id}" for f, lv in zip(spec.factors, levels, strict=True))
            named_zh = "；".join(f"{f.label.zh}：{lv.label.zh}" for f, lv in zip(spec.factors, levels, strict=True))
            message = msg(
                "no row of the band table of {rule} (version {version}) covers these levels: {levels}",
                rule=pair(self.rule.id, self.rule.rule.title.zh),
                version=self.cv.key,
                levels=pair(named, named_zh),
            )
            raise EvaluationError("PE-E001", message, self.ev.where("facts"))
        k = found[0]
        row = spec.rows[k]
        lo, hi = row.band.edges
        inputs = {
            "row": k + 1,
            "levels": list(combo),
            "levels_zh": "；".join(lv.label.zh for lv in levels),
            "levels_en": "; ".join(lv.label.en for lv in levels),
            "band_zh": row.label.zh,
            "band_en": row.label.en,
            "min": dec_str(lo),
            "max": dec_str(hi),
            "currency": self.pack.currency,
        }
        basis = cites(row.basis) or cites(spec.basis)
        self.trail.add("banded.row", inputs, result={"min": dec_str(lo), "max": dec_str(hi)}, basis=basis)
        return row

    def _band_amounts(self, spec: Banded, row: BandRow, rng: Interval) -> tuple[Decimal, Decimal, Decimal]:
        """The band in amounts: its lower end, its upper end as written (both kept inside the statutory
        range) and the highest amount it gives (the upper end, or below it when 以下 excludes it)."""
        lo, hi = row.band.edges
        unit = self.pack.rounding.unit
        inputs: dict[str, Any] = {"lower": dec_str(lo), "upper": dec_str(hi), "currency": self.pack.currency}
        if row.band.fixed is not None:
            top = hi
            self.trail.add("banded.band.fixed", inputs, result={"min": dec_str(lo), "max": dec_str(hi)})
        elif spec.below == "exclusive":
            top = below(hi, unit)
            if top < lo:  # a band narrower than the unit: one fen below the upper end
                top = hi - Decimal("0.01")
            inputs |= {"top": dec_str(top), "unit": dec_str(unit)}
            self.trail.add(
                "banded.band", inputs, result={"min": dec_str(lo), "max": dec_str(top)}, basis=cites(spec.bounds_basis)
            )
        else:
            top = hi
            self.trail.add(
                "banded.band.inclusive",
                inputs,
                result={"min": dec_str(lo), "max": dec_str(hi)},
                basis=cites(spec.bounds_basis),
            )
        if lo < rng.lo or top > rng.hi:
            kept_lo, kept_hi = min(max(lo, rng.lo), rng.hi), max(min(hi, rng.hi), rng.lo)
            kept_top = max(min(top, rng.hi), kept_lo)
            clamp = {
                "lower": dec_str(lo),
                "top": dec_str(top),
                "range_min": dec_str(rng.lo),
                "range_max": dec_str(rng.hi),
                "currency": self.pack.currency,
            }
            self.trail.add("banded.clamp", clamp, result={"min": dec_str(kept_lo), "max": dec_str(kept_top)})
            lo, hi, top = kept_lo, kept_hi, kept_top
        return lo, hi, top

    def _band_round(self, raw: Decimal, band: Interval, rng: Interval) -> Decimal:
        """The amount rounded by the pack's rule, kept inside the band and the statutory range."""
        rounding = self.pack.rounding
        self.assume(rounding.assumption)
        try:
            rounded, result, used = round_inside(raw, rounding.unit, rounding.mode, [band, rng])
            used_s = dec_str(used)
        except ValueError:  # no multiple of a fen inside: the exact amount stands
            rounded = result = raw
            used_s = "none"
        inputs = {
            "raw": dec_str(raw),
            "unit": used_s,
            "mode": rounding.mode.value,
            "rounded": dec_str(rounded),
            "band_min": dec_str(band.lo),
            "band_max": dec_str(band.hi),
            "currency": self.pack.currency,
        }
        self.trail.add("banded.round", inputs, result=dec_str(result))
        return result

    def _circumstances(self, heavier: list[Held]) -> dict[str, Any]:
        """The inputs naming the 从重 circumstances that hold, with their clauses (replay groups by them)."""
        return {
            "circumstances": [c.id for c, _ in heavier],
            "circumstances_zh": "、".join(c.label.zh for c, _ in heavier),
            "circumstances_en": "; ".join(c.label.en for c, _ in heavier),
            "clauses": [clause for _, cond in heavier for clause in self._clauses(cond)],
        }

    def _band_heavier(
        self, spec: Banded, lo: Decimal, top: Decimal, average: Decimal, heavier: list[Held]
    ) -> BandedAmount:
        """从重处罚不得低于平均值: the officer decides from the average (rounded up to the unit) to the top
        of the band; a band of one amount is that amount."""
        for c, _ in heavier:
            self.assume(c.assumption)
        basis = [*(b for c, _ in heavier for b in cites(c.basis)), *cites(spec.average_basis)]
        labels = self._circumstances(heavier)
        if lo == top:
            inputs = {**labels, "amount": dec_str(top), "currency": self.pack.currency}
            self.trail.add("banded.heavier.fixed", inputs, result=dec_str(top), basis=basis)
            return BandedAmount(Interval(top, top), top, None)
        floor = min(ceil_units(average, self.pack.rounding.unit), top)
        inputs = {
            **labels,
            "average": dec_str(average),
            "band_min": dec_str(floor),
            "band_max": dec_str(top),
            "currency": self.pack.currency,
        }
        self.trail.add("banded.heavier", inputs, result={"min": dec_str(floor), "max": dec_str(top)}, basis=basis)
        return BandedAmount(Interval(floor, top), None, top)

    def _band_lighter(
        self, spec: Banded, rng: Interval, lo: Decimal, average: Decimal, fired: Fired, heavier: list[Held]
    ) -> BandedAmount:
        """应当从轻或者减轻 (the law, before the pack's 从重 circumstances): 从轻处罚应当低于平均值, so the officer
        decides from the band's lower end to below the average; a band of one amount gives no part
        below its average: from the statutory minimum to below the amount (or 减轻, the options)."""
        if heavier:
            inputs = {**self._circumstances(heavier), **provision_labels(fired.mitigate)}
            self.trail.add("banded.heavier.overridden", inputs, result=False)
        start = lo if lo < average else rng.lo
        top = max(below(average, self.pack.rounding.unit), start)
        inputs = {
            "average": dec_str(average),
            "band_min": dec_str(start),
            "band_max": dec_str(top),
            "min": dec_str(rng.lo),
            "provisions": [p.id for p in fired.mitigate],
            **provision_labels(fired.mitigate),
            "currency": self.pack.currency,
        }
        basis = [*self._cites(fired.mitigate), *cites(spec.average_basis)]
        self.trail.add("banded.lighter", inputs, result={"min": dec_str(start), "max": dec_str(top)}, basis=basis)
        return BandedAmount(Interval(start, top), None, top)


__all__ = ["BANDED", "BandedAmount", "BandedStages", "below"]
