"""Amounts: intervals of money, the band of a tier, the fine at a position, rounding inside limits.

Pure functions of Decimal amounts and exact Fraction ratios ([ADR 0003](../../docs/adr/0003-exact-amounts.md)):
an amount times a ratio is exact or cannot lie on a rounding boundary, and every rounding is
explicit (unit and mode from the pack). Each function also returns the inputs of the trail step
that explains it, as the officer reads them.

These are the plain computations; ``_fast`` memoises ``band``, ``amount`` and ``below_reason``
(they repeat across cases) without changing what they give (ADR 0008).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any, NamedTuple

from ..models import Prose, RoundingSpec, Text
from ..money import CTX, FEN, Rounding, band_edge, ceil_units, dec_str, floor_units, round_units, scale, show_sum
from .texts import both


class Interval(NamedTuple):
    """A closed or half-open interval of amounts (the reading of 以上/以下 decides).

    A named tuple: immutable, and cheaper to make than a frozen dataclass."""

    lo: Decimal
    hi: Decimal
    lo_incl: bool = True
    hi_incl: bool = True

    def contains(self, x: Decimal) -> bool:
        """Whether ``x`` lies in the interval."""
        return (x > self.lo or (self.lo_incl and x == self.lo)) and (x < self.hi or (self.hi_incl and x == self.hi))


class Amount(NamedTuple):
    """The fine at a position in the band, rounded, with the inputs of its ``amount`` and ``round`` steps
    (shared by every case that gives the same amount: never change them, copy them). ``round_code``
    is ``round.exact`` when no whole fen lies inside the limits and the exact amount is kept."""

    fine: Decimal
    amount_inputs: dict[str, Any]
    raw_text: str
    round_inputs: dict[str, Any]
    round_code: str = "round"


class NoRoundAmount(ValueError):
    """No multiple of the rounding unit, nor of one fen, lies inside the limits (a statutory range
    narrower than one fen, from a tiny base such as a gain of 0.003 yuan): the exact amount stands."""


def exact_inside(raw: Decimal, limits: list[Interval]) -> Decimal:
    """``raw`` kept inside every interval, unrounded (when no whole fen lies inside them)."""
    lo = max([i.lo for i in limits])
    hi = min([i.hi for i in limits])
    return min(max(raw, lo), hi)


def exact_inputs(raw: Decimal, limits: list[Interval], currency: str) -> dict[str, Any]:
    """The inputs of the ``round.exact`` step: the limits no whole fen lies inside."""
    lo = max([i.lo for i in limits])
    hi = min([i.hi for i in limits])
    return {"raw": dec_str(raw), "min": dec_str(lo), "max": dec_str(hi), "fen": dec_str(FEN), "currency": currency}


def _inside(x: Decimal, limits: list[Interval]) -> bool:
    """Whether ``x`` lies in every interval."""
    return all(i.contains(x) for i in limits)


def round_inside(
    raw: Decimal, unit: Decimal, mode: Rounding, limits: list[Interval]
) -> tuple[Decimal, Decimal, Decimal]:
    """Round ``raw`` to a multiple of ``unit``; if that leaves an interval, step inward.

    Returns (rounded, result, unit used). When no multiple of the unit lies inside every
    interval, the unit falls back to one fen (0.01) so the amount still stays inside; when no whole
    fen lies inside either, ``NoRoundAmount`` (the caller keeps the exact amount, ``exact_inside``).
    """
    lo = max([i.lo for i in limits])
    hi = min([i.hi for i in limits])
    for u in (unit, FEN):
        rounded = result = round_units(raw, u, mode)
        if result <= lo:
            result = ceil_units(lo, u)
            if not _inside(result, limits):
                result += u
        elif result >= hi:
            result = floor_units(hi, u)
            if not _inside(result, limits):
                result -= u
        if _inside(result, limits):
            return rounded, result, u
    raise NoRoundAmount(f"no amount inside {lo}–{hi}")


def band(
    lo: Decimal, hi: Decimal, lower: Fraction, upper: Fraction, lower_s: str, upper_s: str, rounding: RoundingSpec
) -> tuple[Interval, dict[str, Any]]:
    """The band of a tier: the fractions ``lower``–``upper`` of the statutory range ``lo``–``hi``,
    each edge rounded; with the inputs of the ``band`` step (``lower_s``, ``upper_s``: the exact
    texts of the fractions)."""
    unit, mode = rounding.unit, rounding.mode
    width = CTX.subtract(hi, lo)
    b_lo = band_edge(lo, hi, lower, unit, mode)
    b_hi = band_edge(lo, hi, upper, unit, mode)
    inputs = {
        "range_min": dec_str(lo),
        "range_max": dec_str(hi),
        "lower": lower_s,
        "upper": upper_s,
        "unit": dec_str(unit),
        "mode": mode.value,
        "width": dec_str(width),
        "lower_raw": show_sum(lo, width, lower),
        "upper_raw": show_sum(lo, width, upper),
        "band_min": dec_str(b_lo),
        "band_max": dec_str(b_hi),
    }
    return Interval(b_lo, b_hi, True, True), inputs


def amount(
    band: Interval, position: Fraction, position_s: str, rng: Interval, rounding: RoundingSpec, currency: str
) -> Amount:
    """The fine at ``position`` (0 = the band's minimum, 1 = its maximum), rounded inside both the band
    and the statutory range ``rng``; ``position_s`` is the exact text of the position."""
    width = CTX.subtract(band.hi, band.lo)
    raw = CTX.add(band.lo, scale(width, position))
    raw_s = show_sum(band.lo, width, position)
    band_lo, band_hi = dec_str(band.lo), dec_str(band.hi)
    amount_inputs = {"band_min": band_lo, "band_max": band_hi, "position": position_s, "raw": raw_s}
    unit, mode = rounding.unit, rounding.mode
    try:
        rounded, result, used = round_inside(raw, unit, mode, [rng, band])
    except NoRoundAmount:
        fine = exact_inside(raw, [rng, band])
        return Amount(fine, amount_inputs, raw_s, exact_inputs(raw, [rng, band], currency), "round.exact")
    round_inputs = {
        "raw": raw_s,
        "unit": dec_str(used),
        "mode": mode.value,
        "rounded": dec_str(rounded),
        "band_min": band_lo,
        "band_max": band_hi,
        "range_min": dec_str(rng.lo),
        "range_max": dec_str(rng.hi),
        "range_min_inclusive": rng.lo_incl,
        "range_max_inclusive": rng.hi_incl,
        "currency": currency,
    }
    return Amount(result, amount_inputs, raw_s, round_inputs)


def below_reason(en: str, zh: str, minimum: Decimal, lower: Fraction, upper: Fraction) -> Prose:
    """The reason of the below-minimum option (减轻): the fractions ``lower``–``upper`` of the statutory
    minimum, the upper edge not included."""
    lo, hi = scale(minimum, lower), scale(minimum, upper)
    fields = {"minimum": dec_str(minimum), "lo": dec_str(lo), "hi": dec_str(hi)}
    return both("reason.below_minimum", label=Text(zh=zh, en=en), **fields)
