from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from penalty_engine.money import Rounding, dec_str, frac_str, round_units, scale, show, show_sum, to_decimal

U = Decimal(100)


@pytest.mark.parametrize(
    ("value", "mode", "expected"),
    [
        ("5350", Rounding.half_up, 5400),
        ("5350", Rounding.half_even, 5400),
        ("5250", Rounding.half_even, 5200),
        ("5349.99", Rounding.half_up, 5300),
        ("5301", Rounding.up, 5400),
        ("5399", Rounding.down, 5300),
        ("5300", Rounding.up, 5300),
    ],
)
def test_round_units(value: str, mode: Rounding, expected: int) -> None:
    assert round_units(Decimal(value), U, mode) == expected


def test_thirds_round_as_exact_arithmetic_would() -> None:
    # 30000 × 1/3 is exactly 10000: a floor must not give 9900
    assert round_units(scale(Decimal(30000), Fraction(1, 3)), U, Rounding.down) == 10000
    # 16000/3 = 5333.33… → 5300 half up; 5/6 of 300 = 250 exactly → 300 half up, 200 half even
    assert round_units(scale(Decimal(16000), Fraction(1, 3)), U, Rounding.half_up) == 5300
    assert round_units(scale(Decimal(300), Fraction(5, 6)), U, Rounding.half_up) == 300
    assert round_units(scale(Decimal(300), Fraction(5, 6)), U, Rounding.half_even) == 200
    # 200/3 = 66.66… rounds up to 100 and down to 0
    assert round_units(scale(Decimal(200), Fraction(1, 3)), U, Rounding.up) == 100
    assert round_units(scale(Decimal(200), Fraction(1, 3)), U, Rounding.down) == 0


def test_texts_are_plain_and_exact() -> None:
    assert dec_str(Decimal("36000")) == "36000"
    assert dec_str(Decimal("3.6E+4")) == "36000"
    assert dec_str(Decimal("10000.010")) == "10000.01"
    assert to_decimal(Fraction(1, 4)) == Decimal("0.25")
    with pytest.raises(ValueError):
        to_decimal(Fraction(1, 3))
    assert frac_str(Fraction(1, 3)) == "1/3" and frac_str(Fraction(1, 4)) == "0.25"
    assert show(Fraction(16000, 3)) == "16000/3 (≈5333.33)"
    assert show_sum(Decimal(3000), Decimal(7000), Fraction(1, 3)) == "16000/3 (≈5333.33)"
    assert show_sum(Decimal(12000), Decimal(48000), Fraction(1, 3)) == "28000"


def test_band_edges_stay_in_the_range() -> None:
    from penalty_engine.money import band_edge

    lo, hi, unit = Decimal(3000), Decimal(10000), Decimal(100)
    assert band_edge(lo, hi, Fraction(0), unit, Rounding.half_up) == 3000
    assert band_edge(lo, hi, Fraction(1, 3), unit, Rounding.half_up) == 5300  # 5333.33… → 5300
    assert band_edge(lo, hi, Fraction(2, 3), unit, Rounding.half_up) == 7700  # 7666.67… → 7700
    assert band_edge(lo, hi, Fraction(6, 5), unit, Rounding.half_up) == 10000  # a band past the range stops at its end
    # 10000.03 rounds to 10000, below the range: the edge is kept at the range's start
    assert band_edge(Decimal("10000.01"), Decimal("10000.05"), Fraction(1, 2), unit, Rounding.half_up) == Decimal(
        "10000.01"
    )
