"""The post-amount adjustments of a decision (ADR 0025) recomputed from the pack's declaration and the
amount before them: the property checks of weighted fines (``test_explained``) and of the reduction
itself (``test_adjustments``) call ``adjusted``."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

from penalty_engine.models import ExclusionTest, SettingRef
from penalty_engine.pack.compiled import CompiledRule

#: (raw, band low, band high) → the fine rounded by the pack's rule inside the band
RoundIn = Callable[[Fraction, Fraction, Fraction], Fraction]


def adjusted(rule: CompiledRule, dj: dict[str, Any], amount: Fraction, round_in: RoundIn) -> Fraction:
    """The fine after the adjustments of ``dj``'s trail, recomputed from ``amount`` (the fine before them)
    and the pack (reduction range, recommended share, floor at the statutory minimum); the trail's band
    and step inputs must agree. No adjustment step: ``amount`` itself."""
    found = [s for s in dj["trail"] if s["code"].startswith("adjustment.")]
    if not found:
        return amount
    minimum = Fraction(dj["statutory_range"]["min"])
    first = found[0]
    adj = next(a for a in rule.pack.adjustments if a.id == first["inputs"]["adjustment"])
    assert Fraction(first["inputs"]["amount"]) == amount, "the adjustment starts from another amount"
    if first["code"].startswith("adjustment.excluded"):
        assert len(found) == 1, "an excluded adjustment with more steps"
        if first["code"] == "adjustment.excluded.minimum":
            assert amount <= minimum, "excluded as the statutory minimum, but the amount is above it"
        return amount
    assert [s["code"] for s in found] == ["adjustment.band", "adjustment.amount"], "unexpected adjustment steps"
    if any(e.test is ExclusionTest.fixed_or_minimum for e in adj.exclusions):
        assert amount > minimum, "the statutory minimum was reduced (it is excluded)"
    red = adj.reduction
    rec = red.recommended
    share = Fraction(str(rule.pack.settings[rec.setting].value)) if isinstance(rec, SettingRef) else rec
    assert red.min <= share <= red.max
    lo, hi = max(amount * (1 - red.max), minimum), max(amount * (1 - red.min), minimum)
    band = (Fraction(dj["band"]["min"]), Fraction(dj["band"]["max"]))
    assert band == (lo, hi), f"the reduced band recomputes to {lo}–{hi}, the decision has {band}"
    raw = max(amount * (1 - share), minimum)
    assert Fraction(found[1]["inputs"]["floored"]) == raw, "the recommended amount does not recompute"
    result = round_in(raw, lo, hi)
    assert minimum <= result <= amount, "a reduced fine below the minimum or above the amount"
    return result
