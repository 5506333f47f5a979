from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from penalty_engine.money import Rounding, money_str, round_units, show, to_decimal

U = Fraction(100)


@pytest.mark.parametrize(
    ("value", "mode", "expected"),
    [
        (Fraction(5350), Rounding.half_up, 5400),
        (Fraction(5350), Rounding.half_even, 5400),
        (Fraction(5250), Rounding.half_even, 5200),
        (Fraction(5349), Rounding.half_up, 5300),
        (Fraction(16000, 3), Rounding.half_up, 5300),  # 5333.33…
        (Fraction(5301), Rounding.up, 5400),
        (Fraction(5399), Rounding.down, 5300),
        (Fraction(5300), Rounding.up, 5300),
    ],
)
def test_round_units(value: Fraction, mode: Rounding, expected: int) -> None:
    assert round_units(value, U, mode) == expected


def test_decimal_text_is_plain_and_exact() -> None:
    assert money_str(Fraction(36000)) == "36000"
    assert money_str(Fraction("10000.01")) == "10000.01"
    assert to_decimal(Fraction(1, 4)) == Decimal("0.25")
    with pytest.raises(ValueError):
        to_decimal(Fraction(1, 3))
    assert show(Fraction(16000, 3)) == "16000/3 (≈5333.33)"
