"""The stages of a weighted rule version (权重累加模式; issue #17, ADR 0020).

Pure: no file, clock, environment or randomness; Fraction and Decimal only. For a version with
``weighted``, after the statutory range ``VersionRun.run`` calls::

    start weight → per factor, the first level whose condition holds (none: its lowest level, the
    trail says so: 粤环发〔2021〕7号 第五条) → sum = start + chosen weights, capped, floored
    → amount = sum × the statutory maximum → below the statutory minimum: raised to it (the pack's
    assumption) → rounding inside the statutory range

The decision's tier is ``weighted`` and its band the amount itself (ADR 0020). Mandatory mitigation
(应当从轻或者减轻) is met below the table's amount, by how much the table does not say: the decision
gives no amount, the band runs from the statutory minimum to the table's amount, and the officer
decides (options ``lighter`` and ``below_minimum``, duty ``decide_mitigation``). Optional
mitigation leaves the amount and offers the same options.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, NamedTuple

from ..models import Weighted
from ..money import dec_str, scale, show
from .amounts import Interval, NoRoundAmount, exact_inputs, exact_inside, round_inside
from .general import Fired
from .general_stages import cites
from .levels import LevelStages
from .texts import both, provision_labels

#: The decision's tier for a weighted version.
WEIGHTED = "weighted"


def pct(value: Fraction) -> str:
    """A weight as the table prints it: 5/100 → ``5%``."""
    return f"{show(value * 100)}%"


def choose_level(
    factor: Any,
    conds: Sequence[Any],
    results: Any,
    clauses: Callable[[Any], Any],
    unknown_basis: Sequence[Any],
    extra: Callable[[Any], dict[str, Any]] = lambda lv: {},
) -> tuple[Any, dict[str, Any], list[str]]:
    """The level of a table's factor (weighted or band table): the first whose condition holds, else
    its lowest (a factor not established, 粤环发〔2021〕7号 第五条); with the inputs of its trail step
    (``extra``: the table's own figures of the level, after its names) and the step's basis."""
    tried = []
    level = None
    for lv, cond in zip(factor.levels, conds, strict=True):
        holds = cond is not None and cond.holds(results)
        tried.append({"level": lv.id, "holds": holds, "clauses": clauses(cond)})
        if holds:
            level = lv
            break
    established = level is not None
    if level is None:
        level = factor.lowest
    basis = cites(factor.basis) if established else [*cites(factor.basis), *cites(unknown_basis)]
    inputs = {
        "factor": factor.id,
        "factor_zh": factor.label.zh,
        "factor_en": factor.label.en,
        "level": level.id,
        "level_zh": level.label.zh,
        "level_en": level.label.en,
        **extra(level),
        "established": established,
        "how": "the first level that holds" if established else "not established: its lowest level",
        "tried": tried,
    }
    return level, inputs, basis


class WeightedAmount(NamedTuple):
    """What the weighted stages decide: the band and the fine (``None``: the officer decides below the
    table's amount, mandatory mitigation), and the top of the fine the officer sets (``None`` with a fine)."""

    band: Interval
    fine: Decimal | None
    up_to: Decimal | None


class WeightedStages(LevelStages):
    """The weighted stages of a version run (``version.VersionRun`` builds on them)."""

    __slots__ = ()

    def _weighted(self, rng: Interval, fired: Fired, branch: str = "") -> WeightedAmount:
        """The weighted amount for the statutory range ``rng`` of ``branch``: (the stage of the branch, in
        the two-stage form) sum, × maximum, clamp, rounding."""
        spec = self._weighted_table(branch)
        table = cites(spec.basis)
        self.trail.add("weighted.start", {"start": pct(spec.start)}, result=pct(spec.start), basis=table)
        chosen = [self._weighted_factor(i, spec) for i in range(len(self.cv.weighted))]
        total = self._weighted_sum(spec, chosen)
        raw = scale(rng.hi, total)  # weights are percentages: exact
        inputs = {"sum": pct(total), "max": dec_str(rng.hi), "raw": dec_str(raw), "currency": self.pack.currency}
        self.trail.add("weighted.amount", inputs, result=dec_str(raw), basis=table)
        if raw < rng.lo:
            self.assume(self.pack.weighted_clamp_assumption)
            clamp = {"raw": dec_str(raw), "min": dec_str(rng.lo), "currency": self.pack.currency}
            self.trail.add("weighted.clamp", clamp, result=dec_str(rng.lo))
            raw = rng.lo
        fine = self._weighted_round(raw, rng)
        if fired.mitigate:
            return self._weighted_mitigate(rng, fine, fired)
        return WeightedAmount(Interval(fine, fine), fine, None)

    def _weighted_table(self, branch: str) -> Weighted:
        """The table of the version, or in the two-stage form the column of ``branch``'s stage (ADR 0023)."""
        spec = self.cv.version.weighted
        assert spec is not None
        if isinstance(spec, Weighted):
            return spec
        stage = spec.stage_of(branch)
        assert stage is not None  # every branch with a range has its stage (checked at load)
        inputs = {"stage": stage.id, "stage_zh": stage.label.zh, "stage_en": stage.label.en, "branch": branch}
        self.trail.add("weighted.stage", inputs, result=stage.id, basis=cites(stage.basis))
        return spec.table(stage)

    def _weighted_factor(self, i: int, spec: Weighted) -> Fraction:
        """The level of factor ``i``: the first whose condition holds, else its lowest (not established)."""
        factor = spec.factors[i]
        conds = self.cv.weighted[i][1]
        level, inputs, basis = choose_level(
            factor, conds, self.results, self._clauses, spec.unknown_basis, lambda lv: {"weight": pct(lv.weight)}
        )
        weight: Fraction = level.weight
        self.trail.add("weighted.factor", inputs, result=pct(weight), basis=basis)
        return weight

    def _weighted_sum(self, spec: Weighted, chosen: list[Fraction]) -> Fraction:
        """The sum of the start and the chosen weights, capped and floored."""
        raw = spec.start + sum(chosen, Fraction(0))
        total, kept, basis = raw, "as added", cites(spec.basis)
        if raw > spec.cap:
            total, kept = spec.cap, "capped"
        elif spec.floor is not None and raw < spec.floor:
            total, kept, basis = spec.floor, "floored", cites(spec.floor_basis)
        inputs = {
            "terms": " + ".join(pct(w) for w in [spec.start, *chosen]),
            "raw": pct(raw),
            "cap": pct(spec.cap),
            "floor": pct(spec.floor) if spec.floor is not None else "none",
            "sum": pct(total),
            "kept": kept,
        }
        self.trail.add("weighted.sum", inputs, result=pct(total), basis=basis)
        return total

    def _weighted_round(self, raw: Decimal, rng: Interval) -> Decimal:
        """The amount rounded by the pack's rule, kept inside the statutory range."""
        rounding = self.pack.rounding
        self.assume(rounding.assumption)
        try:
            rounded, result, used = round_inside(raw, rounding.unit, rounding.mode, [rng])
        except NoRoundAmount:  # a range narrower than one fen (a tiny base): the exact amount stands
            result = exact_inside(raw, [rng])
            self.trail.add("round.exact", exact_inputs(raw, [rng], self.pack.currency), result=dec_str(result))
            return result
        inputs = {
            "raw": dec_str(raw),
            "unit": dec_str(used),
            "mode": rounding.mode.value,
            "rounded": dec_str(rounded),
            "range_min": dec_str(rng.lo),
            "range_max": dec_str(rng.hi),
            "currency": self.pack.currency,
        }
        self.trail.add("weighted.round", inputs, result=dec_str(result))
        return result

    def _weighted_mitigate(self, rng: Interval, amount: Decimal, fired: Fired) -> WeightedAmount:
        """Mandatory mitigation: below the table's amount, by how much neither the table nor the law
        says; the officer decides between the statutory minimum and that amount (or below, 减轻)."""
        inputs = {
            "amount": dec_str(amount),
            "min": dec_str(rng.lo),
            "provisions": [p.id for p in fired.mitigate],
            **provision_labels(fired.mitigate),
            "currency": self.pack.currency,
        }
        self.trail.add("weighted.mitigate", inputs, result={"min": dec_str(rng.lo), "max": dec_str(amount)})
        return WeightedAmount(Interval(rng.lo, amount), None, amount)

    def _weighted_options(self, rng: Interval, fired: Fired) -> list[dict[str, Any]]:
        """Mitigation offers 从轻 (below the table's amount, within the range) and 减轻 (below the minimum)."""
        if not fired.mitigate and not fired.may_mitigate:
            return []
        below = self.pack.general.below_minimum
        options: dict[str, dict[str, Any]] = {}
        mandatory = len(fired.mitigate)
        for k, p in enumerate([*fired.mitigate, *fired.may_mitigate]):
            key = "reason.lighter_weighted_must" if k < mandatory else "reason.lighter_weighted"
            self._option(options, "lighter", self._cites([p]), both(key, label=p.label))
            if below is not None and rng.lo > 0:
                self.assume(below.assumption)
                lo, hi = scale(rng.lo, below.lower), scale(rng.lo, below.upper)
                reason = both(
                    "reason.below_minimum",
                    label=p.label,
                    minimum=dec_str(rng.lo),
                    lo=dec_str(lo),
                    hi=dec_str(hi),
                )
                cited = [*self._cites([p]), *self.rule.cites["below_minimum"]]
                self._option(options, "below_minimum", cited, reason)
        return list(options.values())

    def _weighted_duty(self, fired: Fired, duties: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The duty to decide the mitigated fine (mandatory mitigation of a weighted amount)."""
        given = {d["kind"]: d for d in duties}
        self._duty(given, "decide_mitigation", self._cites(fired.mitigate), "mandatory mitigation, weighted amount")
        return list(given.values())


__all__ = ["WEIGHTED", "WeightedAmount", "WeightedStages", "pct"]
