"""Exact amount arithmetic and explicit rounding.

Amounts enter and leave the engine as ``Decimal``. In between, the engine computes with exact
rationals (``fractions.Fraction``) so that a split of a range into thirds, a weight of 1/5 or a
multiple of a fact is exact and rounding happens once, where the trail says it does, by the
mode the pack names. No float is involved anywhere; see docs/adr/0003-exact-amounts.md.
"""

from __future__ import annotations

import math
from decimal import Decimal, localcontext
from enum import StrEnum
from fractions import Fraction

#: Precision used when a non-terminating rational is shown as a decimal in a trail message.
DISPLAY_PLACES = 2


class Rounding(StrEnum):
    """How an amount is brought to a multiple of the rounding unit."""

    half_up = "half_up"  # 四舍五入: .5 goes away from zero
    half_even = "half_even"
    down = "down"  # toward zero (floor for the non-negative amounts used here)
    up = "up"  # away from zero (ceiling)


def to_fraction(value: Decimal | int | str | Fraction) -> Fraction:
    """Exact rational of a Decimal, int, Fraction or a string like ``"0.2"`` or ``"1/3"``."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, Decimal):
        return Fraction(value)
    return Fraction(value)


def round_units(value: Fraction, unit: Fraction, mode: Rounding) -> Fraction:
    """Round ``value`` to a multiple of ``unit`` with ``mode`` (exact, for value >= 0)."""
    q = value / unit
    floor = math.floor(q)
    rest = q - floor
    if rest == 0 or mode is Rounding.down:
        n = floor
    elif mode is Rounding.up or rest > Fraction(1, 2):
        n = floor + 1
    elif rest < Fraction(1, 2):
        n = floor
    elif mode is Rounding.half_up:
        n = floor + 1
    else:
        n = floor if floor % 2 == 0 else floor + 1
    return n * unit


def ceil_units(value: Fraction, unit: Fraction) -> Fraction:
    return math.ceil(value / unit) * unit


def floor_units(value: Fraction, unit: Fraction) -> Fraction:
    return math.floor(value / unit) * unit


def is_terminating(value: Fraction) -> bool:
    d = value.denominator
    for p in (2, 5):
        while d % p == 0:
            d //= p
    return d == 1


def to_decimal(value: Fraction) -> Decimal:
    """Exact Decimal of a terminating rational; raises ValueError for 1/3 and the like."""
    if not is_terminating(value):
        raise ValueError(f"{value} has no exact decimal form")
    with localcontext() as ctx:
        ctx.prec = 60
        d = Decimal(value.numerator) / Decimal(value.denominator)
    return d.normalize() if d != d.to_integral_value() else d.quantize(Decimal(1))


def money_str(value: Fraction) -> str:
    """Canonical text of an exact amount: ``"36000"``, ``"10000.01"``."""
    d = to_decimal(value)
    text = format(d, "f")
    return text


def show(value: Fraction) -> str:
    """Human text of a rational for trail messages: exact when possible, else ``16000/3 (≈5333.33)``."""
    if is_terminating(value):
        return money_str(value)
    with localcontext() as ctx:
        ctx.prec = 40
        approx = (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal(1).scaleb(-DISPLAY_PLACES))
    return f"{value.numerator}/{value.denominator} (≈{approx})"


def frac_str(value: Fraction) -> str:
    """Exact text of a rational: ``"0.2"`` when it terminates, else ``"1/3"``."""
    return money_str(value) if is_terminating(value) else f"{value.numerator}/{value.denominator}"


def parse_frac(text: str) -> Fraction:
    """Inverse of :func:`frac_str` and :func:`show` (reads the exact part)."""
    return Fraction(text.split(" ")[0])
