"""What ``rules check`` says about a weighted table (权重累加模式, ADR 0020; issue #17).

Three findings from the table alone, one from the witness cases of ``static``:

``weights_short``  (warning) the start and every factor's highest level add up to less than the cap:
                   the statutory maximum is never reached (粤环发〔2021〕7号 第六条 multiplies the sum by it);
``weights_over``   (warning) they add up to more than the cap: the cap cuts the sum (a table may mean
                   that — "超过100%的，按100%计算" — but it is worth a look);
``weighted_below_minimum`` (warning) the lowest sum × the maximum of a branch falls below its minimum:
                   the pack's ``weighted_clamp_assumption`` (a load requirement) raises the amount there;
                   the finding says for which branch and from what share;
``weight_level_unreachable`` (warning) a level no witness case chooses: its condition never holds
                   first (an earlier level of the factor takes every case), or it has no condition and
                   is not the factor's lowest level (the only level a case reaches without one).

Pure: the compiled rule and the witness results in, findings out.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from ..core import pct
from ..models import MultipleFine, RangeFine, Weighted, WeightStage, tables
from ..pack import CompiledRule, CompiledVersion
from .findings import Finding, at

WEIGHT_KINDS = ("weights_short", "weights_over", "weighted_below_minimum", "weight_level_unreachable")


def _where(rule: CompiledRule, loc: tuple[str | int, ...]) -> tuple[str, int]:
    return at(rule.source, loc)


def table_findings(rule: CompiledRule, cv: CompiledVersion) -> list[Finding]:
    """The findings the table gives without any case: its sums against the cap and the minimum."""
    if cv.version.weighted is None:
        return []
    out: list[Finding] = []
    for stage, spec in tables(cv.version.weighted):  # one column, or one per stage (ADR 0023)
        out += _column_findings(rule, cv, spec, stage)
    return out


def _column_findings(
    rule: CompiledRule, cv: CompiledVersion, spec: Weighted, stage: WeightStage | None
) -> list[Finding]:
    """The findings of one column: against the cap, and against the minimum of its branch (of every
    branch, for a table of one column)."""
    out: list[Finding] = []
    key, loc = cv.version.key, ("versions", cv.index, "weighted")
    if stage is not None:
        key = f"{key} (stage {stage.id})"
    top = spec.start + sum((max(lv.weight for lv in f.levels) for f in spec.factors), Fraction(0))
    if top < spec.cap:
        message = (
            f"version {key}: the start and every factor's highest level add up to {pct(top)}, less than "
            f"{pct(spec.cap)}: the statutory maximum is never reached"
        )
        out.append(Finding("weights_short", rule.id, *_where(rule, loc), message))
    elif top > spec.cap:
        message = (
            f"version {key}: the start and every factor's highest level add up to {pct(top)}, more than "
            f"{pct(spec.cap)}: the cap cuts the sum for the heaviest cases"
        )
        out.append(Finding("weights_over", rule.id, *_where(rule, loc), message))
    lowest = spec.lowest_sum
    for b in cv.version.frame:
        fine = b.fine
        if not isinstance(fine, RangeFine | MultipleFine) or not fine.max or (stage and b.id != stage.branch):
            continue
        share = Fraction(fine.min) / Fraction(fine.max)
        if lowest < share:
            message = (
                f"version {key}: the lowest sum {pct(lowest)} × the maximum of branch '{b.id}' is below its "
                f"minimum ({pct(share)} of the maximum): the pack's weighted_clamp_assumption raises the amount"
            )
            out.append(Finding("weighted_below_minimum", rule.id, *_where(rule, loc), message))
    return out


class LevelReach:
    """Which levels of a weighted version the witness cases choose (``see`` each case's results)."""

    def __init__(self, rule: CompiledRule, cv: CompiledVersion) -> None:
        self.rule, self.cv = rule, cv
        self.chosen: set[tuple[int, int]] = set()

    def see(self, results: Any) -> None:
        """One witness case: for each factor, the first level whose condition holds (else its lowest)."""
        for i, (factor, conds) in enumerate(self.cv.weighted):
            first = next((j for j, c in enumerate(conds) if c is not None and c.holds(results)), None)
            if first is None:
                first = factor.levels.index(factor.lowest)
            self.chosen.add((i, first))

    def findings(self) -> list[Finding]:
        out: list[Finding] = []
        key = self.cv.version.key
        for i, (factor, _) in enumerate(self.cv.weighted):
            for j, level in enumerate(factor.levels):
                if (i, j) in self.chosen:
                    continue
                why = "an earlier level takes every case" if level.when is not None else "it has no condition"
                message = f"version {key}: level '{level.id}' of factor '{factor.id}' is never chosen ({why})"
                loc = ("versions", self.cv.index, "weighted", "factors", i, "levels", j)
                out.append(Finding("weight_level_unreachable", self.rule.id, *_where(self.rule, loc), message))
        return out
