"""Amounts in ``Decimal``, ratios as exact fractions, and explicit rounding.

Amounts are ``Decimal`` everywhere. Ratios (tier fractions like 1/3, factor weights, the
position in a band) are exact ``fractions.Fraction`` values. An amount times a ratio is
computed as ``amount × numerator ÷ denominator`` with one division at 50 significant digits:
exact whenever the true value has a finite decimal form, and otherwise a value that cannot sit
on a rounding boundary (those boundaries all have finite decimal forms, and the approximation
error, below 1e-35 for any amount under 10^12, is far smaller than the distance of such a value
from any of them). So rounding, done once and explicitly by the pack's mode, always gives the
result exact arithmetic gives. No float is involved. See docs/adr/0003-exact-amounts.md.

The engine computes exactly within bounds (docs/error-codes.md, "Limits"): every amount and number
it reads is at most ``MAX_AMOUNT`` (10^15) in size, so that every amount it computes from them stays
far inside the 50 digits of ``CTX``; larger ones are refused where they are read (a rule at load,
PE-R020; a fact as a case error, PE-C005), with the bound named.
"""

from __future__ import annotations

from decimal import (
    ROUND_CEILING,
    ROUND_FLOOR,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
)
from enum import StrEnum
from fractions import Fraction
from functools import lru_cache

from .errors import Msg, msg

#: Digits shown after the point when a non-terminating value is shown as a decimal.
DISPLAY_PLACES = 2

#: The one arithmetic context of the engine. Flags it sets are never read, so sharing it
#: between threads is safe.
CTX = Context(prec=50, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation, DivisionByZero, Overflow])

#: The largest amount, and the largest size of any number, the engine reads (10^15: 1000万亿).
MAX_AMOUNT = Decimal(10) ** 15
#: The most significant digits of a number read (more cannot be exact within ``CTX`` once multiplied).
MAX_DIGITS = 20
#: The most digits after the point of a number read.
MAX_PLACES = 15

ZERO = Decimal(0)
FEN = Decimal("0.01")
_DISPLAY_QUANTUM = Decimal(1).scaleb(-DISPLAY_PLACES)


class Rounding(StrEnum):
    """How an amount is brought to a multiple of the rounding unit."""

    half_up = "half_up"  # 四舍五入: .5 goes away from zero
    half_even = "half_even"
    down = "down"  # toward zero (floor for the non-negative amounts used here)
    up = "up"  # away from zero (ceiling)


_MODES = {
    Rounding.half_up: ROUND_HALF_UP,
    Rounding.half_even: ROUND_HALF_EVEN,
    Rounding.down: ROUND_FLOOR,
    Rounding.up: ROUND_CEILING,
}


def scale(amount: Decimal, ratio: Fraction) -> Decimal:
    """``amount × ratio`` (see the module note on exactness)."""
    if ratio.denominator == 1:
        return CTX.multiply(amount, Decimal(ratio.numerator))
    return CTX.divide(CTX.multiply(amount, Decimal(ratio.numerator)), Decimal(ratio.denominator))


def round_units(value: Decimal, unit: Decimal, mode: Rounding) -> Decimal:
    """Round ``value`` (>= 0) to a multiple of ``unit`` by ``mode``."""
    n = CTX.divide(value, unit).to_integral_value(rounding=_MODES[mode])
    return CTX.multiply(n, unit)


def ceil_units(value: Decimal, unit: Decimal) -> Decimal:
    return CTX.multiply(CTX.divide(value, unit).to_integral_value(rounding=ROUND_CEILING), unit)


def floor_units(value: Decimal, unit: Decimal) -> Decimal:
    return CTX.multiply(CTX.divide(value, unit).to_integral_value(rounding=ROUND_FLOOR), unit)


def band_edge(lo: Decimal, hi: Decimal, fraction: Fraction, unit: Decimal, mode: Rounding) -> Decimal:
    """An edge of a tier band in the statutory range ``lo``–``hi``: at 0 and at 1 (or beyond) the
    range's own ends, inside it ``lo + fraction × (hi − lo)`` rounded to the unit and kept in the range."""
    if fraction.numerator <= 0:  # fraction <= 0 (a Fraction's denominator is positive)
        return lo
    if fraction.numerator >= fraction.denominator:  # fraction >= 1
        return hi
    cut = round_units(CTX.add(lo, scale(CTX.subtract(hi, lo), fraction)), unit, mode)
    return min(max(cut, lo), hi)


def number_problem(value: Decimal) -> Msg | None:
    """Why a finite number is beyond what the engine reads exactly (size, digits, places), or None.

    Looks at the sign, digits and exponent only: nothing is converted, so ``1e1000000`` costs no
    more than ``1``."""
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    if value.is_zero():
        return None
    if value.adjusted() > 15 or abs(value) > MAX_AMOUNT:
        return msg("beyond the engine's limit of 10^15 ({limit}) in size", limit=dec_str(MAX_AMOUNT))
    if exponent < -MAX_PLACES:
        return msg("more than {n} digits after the point", n=MAX_PLACES)
    if len(digits) > MAX_DIGITS:
        return msg("more than {n} significant digits", n=MAX_DIGITS)
    return None


@lru_cache(maxsize=256)
def _terminating_denominator(d: int) -> bool:
    for p in (2, 5):
        while d % p == 0:
            d //= p
    return d == 1


def is_terminating(value: Fraction) -> bool:
    """Whether a rational has a finite decimal form."""
    return value.denominator == 1 or _terminating_denominator(value.denominator)


@lru_cache(maxsize=4096)
def dec_str(value: Decimal) -> str:
    """Canonical text of an exact amount: ``"36000"``, ``"10000.01"`` (no exponent, no trailing zeros)."""
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1), context=CTX))
    return format(value.normalize(CTX), "f")


def to_decimal(value: Fraction) -> Decimal:
    """Exact Decimal of a terminating rational; raises ValueError for 1/3 and the like."""
    if not is_terminating(value):
        raise ValueError(f"{value} has no exact decimal form")
    return CTX.divide(Decimal(value.numerator), Decimal(value.denominator))


_FRAC_TEXT: dict[tuple[int, int], str] = {}


def frac_str(value: Fraction) -> str:
    """Exact text of a ratio: ``"0.25"`` when it terminates, else ``"1/3"`` (memoised: ratios repeat)."""
    key = (value.numerator, value.denominator)
    text = _FRAC_TEXT.get(key)
    if text is None:
        text = _frac_text(value)
        if len(_FRAC_TEXT) < 4096:  # bounded: a pack has few distinct ratios
            _FRAC_TEXT[key] = text
    return text


def _frac_text(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    if _terminating_denominator(value.denominator):
        return dec_str(CTX.divide(Decimal(value.numerator), Decimal(value.denominator)))
    return f"{value.numerator}/{value.denominator}"


def show(value: Fraction) -> str:
    """Text of an exact value for the trail: ``"5300"``, or ``"16000/3 (≈5333.33)"`` when it does not terminate."""
    if is_terminating(value):
        return frac_str(value)
    approx = CTX.divide(Decimal(value.numerator), Decimal(value.denominator)).quantize(_DISPLAY_QUANTUM, context=CTX)
    return f"{value.numerator}/{value.denominator} (≈{approx})"


_SUM_TEXT: dict[tuple[Decimal, Decimal, int, int], str] = {}


def show_sum(base: Decimal, amount: Decimal, ratio: Fraction) -> str:
    """Exact text of ``base + amount × ratio``."""
    if is_terminating(ratio):
        return dec_str(CTX.add(base, scale(amount, ratio)))
    n, d = ratio.numerator, ratio.denominator
    key = (base, amount, n, d)  # the text depends on the values only (Decimal equality is by value)
    text = _SUM_TEXT.get(key)
    if text is None:
        # base + amount × n/d as one exact fraction of integers (normalised once)
        bn, bd = base.as_integer_ratio()
        an, ad = amount.as_integer_ratio()
        text = show(Fraction(bn * ad * d + an * n * bd, bd * ad * d))
        if len(_SUM_TEXT) >= 4096:  # bounded: start over rather than grow
            _SUM_TEXT.clear()
        _SUM_TEXT[key] = text
    return text


def parse_exact(text: str) -> Fraction:
    """Read back any exact text this module writes (``"36000"``, ``"1/3"``, ``"16000/3 (≈5333.33)"``)."""
    return Fraction(text.split(" ")[0])
