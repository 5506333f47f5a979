"""The post-amount adjustments of a version run (issue #17, ADR 0025): after the amount, before the penalties.

Pure: no file, clock, environment or randomness; Decimal and Fraction only. For each adjustment of
the pack whose condition holds (the party claims it), in the pack's order::

    exclusions, in the pack's order: a test of the decision (the fine is fixed, or the amount is the
    statutory minimum; an order to correct followed by a re-inspection that found the violation
    continuing, which every per-day fine is), the pack's condition over common facts, a declaration
    of the rule version → the first that holds: no reduction, the trail quotes it
    → else the band: amount × (1 − the largest share) … amount × (1 − the least share), each
    edge at least the statutory minimum (edges exact, not rounded)
    → the recommended fine: amount × (1 − the recommended share, a pack setting), at least the
    statutory minimum, rounded by the pack's rule inside the band

A fine the officer decides (no recommended amount: mandatory mitigation of a weighted amount, a level
that gives a range only) keeps no recommended amount; the band's edges are reduced alike. A decision
without a fine, or a claim that does not hold, is left as it is and adds no step.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any, NamedTuple

from ..models import Adjustment, ExclusionTest, LawRef
from ..money import dec_str, scale
from ..pack import CompiledAdjustment, CompiledExclusion, setting_share
from .amounts import Interval, round_inside
from .general_stages import cites
from .perday import PerDayStages
from .weighted import pct


class Adjusted(NamedTuple):
    """The band, the recommended fine and the top of a fine the officer sets, after the adjustments."""

    band: Interval | None
    fine: Decimal | None
    up_to: Decimal | None


def adjust(
    run: PerDayStages,
    statutory: Interval | None,
    band: Interval | None,
    fine: Decimal | None,
    up_to: Decimal | None,
    per_day: bool,
) -> Adjusted:
    """The pack's adjustments applied to the amount ``run`` has set (see the module docstring)."""
    out = Adjusted(band, fine, up_to)
    if statutory is None or band is None:
        return out
    for ca in run.cv.adjustments:
        if not ca.when.holds(run.results):
            continue
        if out.band is None:
            continue
        amount = out.fine if out.fine is not None else out.band.hi
        shown = dec_str(amount) if out.fine is not None else f"{dec_str(out.band.lo)}–{dec_str(out.band.hi)}"
        if _excluded(run, ca, statutory, amount, shown, per_day):
            continue
        out = _reduce(run, ca, statutory, out)
    return out


def _names(adj: Adjustment) -> dict[str, str]:
    return {"adjustment": adj.id, "adjustment_zh": adj.label.zh, "adjustment_en": adj.label.en}


def _quote(ex: CompiledExclusion) -> str:
    """The exclusion's words as its basis quotes them (the law's text, without an item's closing ；)."""
    words = (b.text if isinstance(b, LawRef) else str(b.benchmark) for b in ex.exclusion.basis)
    return "；".join(w.rstrip("；;") for w in words)


def _excluded(
    run: PerDayStages, ca: CompiledAdjustment, statutory: Interval, amount: Decimal, shown: str, per_day: bool
) -> bool:
    """Whether an exclusion holds (the first one, in the pack's order, is written to the trail with the
    fine, or the officer's band when there is no recommended fine, as ``shown``)."""
    for ex in ca.exclusions:
        found = _holds(run, ex, statutory, amount, per_day)
        if found is None:
            continue
        code, extra, basis = found
        e = ex.exclusion
        inputs: dict[str, Any] = {
            **_names(ca.adjustment),
            "exclusion": e.id,
            "exclusion_zh": e.label.zh,
            "exclusion_en": e.label.en,
            "quote": _quote(ex),
            "amount": shown,
            "currency": run.pack.currency,
            **extra,
        }
        run.trail.add(code, inputs, result="excluded", basis=[*cites(e.basis), *basis])
        return True
    return False


def _holds(
    run: PerDayStages, ex: CompiledExclusion, statutory: Interval, amount: Decimal, per_day: bool
) -> tuple[str, dict[str, Any], list[str]] | None:
    """The step code, its extra inputs and citations when ``ex`` holds; else ``None``."""
    test = ex.exclusion.test
    if test is ExclusionTest.fixed_or_minimum:
        if statutory.lo == statutory.hi:
            return "adjustment.excluded.fixed", {}, []
        if amount <= statutory.lo:
            return "adjustment.excluded.minimum", {"min": dec_str(statutory.lo)}, []
    if test is ExclusionTest.continuing_after_order:
        corr = run.ev.case.correction
        found = next((r for r in corr.reinspections if r.continuing), None) if corr is not None else None
        if found is not None or per_day:
            dates = {"ordered_on": corr.ordered_on.isoformat() if corr else "—"}
            dates["date"] = found.date.isoformat() if found else "—"
            return "adjustment.excluded.continuing", dates, []
    if ex.when is not None and ex.when.holds(run.results):
        return "adjustment.excluded", {"clauses": run._clauses(ex.when)}, []
    for declared, cond in ex.declared:
        if cond is None or cond.holds(run.results):
            if declared.assumption:
                run.assume(declared.assumption)
            extra: dict[str, Any] = {"clauses": run._clauses(cond), "rule": run.rule.id}
            return "adjustment.excluded.rule", extra, cites(declared.basis)
    return None


def _share(run: PerDayStages, adj: Adjustment) -> Fraction:
    """The recommended share (a pack setting notes its assumption)."""
    value = setting_share(run._setting(adj.reduction.recommended))
    assert value is not None  # checked at load (pack.adjustments.check_adjustments)
    return value


def _floor(value: Decimal, minimum: Decimal) -> Decimal:
    return value if value >= minimum else minimum


def _reduce(run: PerDayStages, ca: CompiledAdjustment, statutory: Interval, before: Adjusted) -> Adjusted:
    """The reduced band and, when there is a recommended fine, the reduced fine."""
    assert before.band is not None
    adj = ca.adjustment
    red, minimum, currency = adj.reduction, statutory.lo, run.pack.currency
    keep_lo, keep_hi = 1 - red.max, 1 - red.min
    if before.fine is not None:
        amount = before.fine
        lo_raw, hi_raw = scale(amount, keep_lo), scale(amount, keep_hi)
    else:
        amount = before.band.hi
        lo_raw, hi_raw = scale(before.band.lo, keep_lo), scale(amount, keep_hi)
    band = Interval(_floor(lo_raw, minimum), _floor(hi_raw, minimum))
    inputs: dict[str, Any] = {
        **_names(adj),
        "amount": dec_str(amount),
        "before_min": dec_str(before.band.lo),
        "before_max": dec_str(before.band.hi),
        "min_share": pct(red.min),
        "max_share": pct(red.max),
        "lo_raw": dec_str(lo_raw),
        "hi_raw": dec_str(hi_raw),
        "range_min": dec_str(minimum),
        "band_min": dec_str(band.lo),
        "band_max": dec_str(band.hi),
        "currency": currency,
        "clauses": run._clauses(ca.when),
    }
    code = "adjustment.band" if before.fine is not None else "adjustment.band.decide"
    basis = cites(adj.basis)
    run.trail.add(code, inputs, result={"min": dec_str(band.lo), "max": dec_str(band.hi)}, basis=basis)
    if before.fine is None:
        return Adjusted(band, None, band.hi)
    share = _share(run, adj)
    raw = scale(amount, 1 - share)
    floored = _floor(raw, minimum)
    rounding = run.pack.rounding
    run.assume(rounding.assumption)
    try:
        rounded, fine, used = round_inside(floored, rounding.unit, rounding.mode, [band, statutory])
        used_s = dec_str(used)
    except ValueError:  # a band narrower than one fen: the exact amount stands
        rounded = fine = floored
        used_s = "none"
    step = {
        **_names(adj),
        "amount": dec_str(amount),
        "share": pct(share),
        "raw": dec_str(raw),
        "range_min": dec_str(minimum),
        "floored": dec_str(floored),
        "kept": "raised to the statutory minimum" if floored != raw else "not below the statutory minimum",
        "unit": used_s,
        "mode": rounding.mode.value,
        "rounded": dec_str(rounded),
        "band_min": dec_str(band.lo),
        "band_max": dec_str(band.hi),
        "currency": currency,
    }
    run.trail.add("adjustment.amount", step, result=dec_str(fine), basis=basis)
    return Adjusted(band, fine, None)


__all__ = ["Adjusted", "adjust"]
