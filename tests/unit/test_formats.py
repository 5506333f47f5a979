"""Amounts and dates as people write them (penalty_engine/text/formats.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from penalty_engine.text.formats import capitals, date_text, grouped, money

# Each written by hand by the rules of 大写 (one 零 for a run of zeros, 元整 after whole yuan).
CAPITALS = {
    "0": "零元整",
    "5": "伍元整",
    "10": "壹拾元整",
    "52000": "伍万贰仟元整",
    "10500": "壹万零伍佰元整",
    "100000": "壹拾万元整",
    "1000005": "壹佰万零伍元整",
    "100001000": "壹亿零壹仟元整",
    "30000": "叁万元整",
    "15600.5": "壹万伍仟陆佰元伍角",
    "15600.05": "壹万伍仟陆佰元零伍分",
    "0.05": "伍分",
    "0.5": "伍角",
    "1010101": "壹佰零壹万零壹佰零壹元整",
    "250000000": "贰亿伍仟万元整",
}


@pytest.mark.parametrize(("amount", "text"), CAPITALS.items())
def test_capitals(amount: str, text: str) -> None:
    assert capitals(Decimal(amount)) == text


@pytest.mark.parametrize("bad", ["-1", "0.001", "1000000000000"])
def test_capitals_refuses(bad: str) -> None:
    with pytest.raises(ValueError):
        capitals(Decimal(bad))


_CAP = dict(zip("零壹贰叁肆伍陆柒捌玖", range(10), strict=True))


def _read_back(text: str) -> Decimal:
    """The value of a capitals text, read by a separate, simple parser (for the property)."""
    total, section, digit = 0, 0, 0
    fen = 0
    units = {"拾": 10, "佰": 100, "仟": 1000}
    for ch in text:
        if ch in _CAP:
            digit = _CAP[ch]
        elif ch in units:
            section += digit * units[ch]
            digit = 0
        elif ch in ("万", "亿"):
            scale = 10_000 if ch == "万" else 100_000_000
            total = (total + section + digit) * scale if ch == "亿" else total + (section + digit) * scale
            section = digit = 0
        elif ch == "元":
            total += section + digit
            section = digit = 0
        elif ch == "角":
            fen += digit * 10
            digit = 0
        elif ch == "分":
            fen += digit
            digit = 0
    return Decimal(total) + Decimal(fen) / 100


@given(st.integers(min_value=0, max_value=999_999_999_999 * 100 + 99))
def test_capitals_read_back(fen: int) -> None:
    amount = Decimal(fen) / 100
    text = capitals(amount)
    assert _read_back(text) == amount
    assert "零零" not in text and not text.startswith("零" + "壹")


def test_money_and_dates() -> None:
    assert money(Decimal("52000")) == "52,000元"
    assert money(Decimal("15600.5")) == "15,600.50元"
    assert money(Decimal("52000"), "en") == "CNY 52,000"
    assert grouped(Decimal("1234567.89")) == "1,234,567.89"
    assert date_text(dt.date(2026, 4, 10)) == "2026年4月10日"
    assert date_text(dt.date(2026, 4, 10), "en") == "10 April 2026"
