"""Amounts and dates as people write them: ``52,000元`` and ``伍万贰仟元整``, ``2026年4月10日``.

Pure functions of their arguments (no locale, no clock). Amounts are ``Decimal``; an amount's
capitals (大写) follow the rules Chinese finance writes cheques and decisions by: 零壹贰叁肆伍陆柒捌玖
with 拾佰仟万亿, one 零 for a run of zeros inside the number, ``元整`` after whole yuan, 角 and 分
for fen (``壹万零伍佰元伍角``; ``伍分`` alone under one yuan).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from .catalog import words

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_UNITS = ("", "拾", "佰", "仟")
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
#: the largest amount written in capitals: 9,999亿 and more has no standard form here
CAPITALS_LIMIT = Decimal("1000000000000")


def grouped(value: Decimal) -> str:
    """``52000`` → ``52,000``; ``15600.5`` → ``15,600.50`` (fen kept; whole yuan without decimals)."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value.quantize(Decimal('0.01'), ROUND_HALF_UP):,}"


def money(value: Decimal, lang: str = "zh", currency: str = "CNY") -> str:
    """An amount for people: ``52,000元`` (zh), ``CNY 52,000`` (en); another currency keeps its code."""
    text = grouped(value)
    if lang == "zh" and currency == "CNY":
        return f"{text}元"
    return f"{currency} {text}" if lang == "en" else f"{text} {currency}"


def _integer_capitals(n: int) -> str:
    digits = str(n)
    out, zero = "", False
    size = len(digits)
    for i, ch in enumerate(digits):
        pos = size - 1 - i
        d = int(ch)
        if d == 0:
            zero = True
        else:
            if zero and out:
                out += "零"
            zero = False
            out += _DIGITS[d] + _UNITS[pos % 4]
        if pos % 4 == 0 and pos > 0 and int(digits[max(0, i - 3) : i + 1]):
            out += "万" if pos % 8 == 4 else "亿"
    return out


def capitals(value: Decimal) -> str:
    """The amount in capitals (大写), e.g. ``52000`` → ``伍万贰仟元整``, ``0`` → ``零元整``.

    Raises:
        ValueError: a negative amount, more than two decimals, or 1万亿 and more.
    """
    value = Decimal(value)
    if value < 0 or value >= CAPITALS_LIMIT or value != value.quantize(Decimal("0.01")):
        raise ValueError(f"no capitals for {value}: expected 0 to 9,999亿 with at most two decimals")
    fen_total = int(value * 100)
    yuan, rest = divmod(fen_total, 100)
    jiao, fen = divmod(rest, 10)
    head = _integer_capitals(yuan) + "元" if yuan else ""
    if not jiao and not fen:
        return (head or "零元") + "整"
    tail = ""
    if jiao:
        tail += _DIGITS[jiao] + "角"
    elif head:
        tail += "零"
    if fen:
        tail += _DIGITS[fen] + "分"
    return head + tail


def date_text(value: dt.date, lang: str = "zh") -> str:
    """``2026年4月10日`` (zh), ``10 April 2026`` (en)."""
    if lang == "zh":
        return f"{value.year}年{value.month}月{value.day}日"
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def unit_word(unit: str, lang: str = "zh") -> str:
    """A fact's unit as people read it in ``lang`` (``kg`` → 千克, ``次`` → times); a unit the
    catalog's ``unit`` area does not know is shown as the pack wrote it."""
    return words(lang).area("unit").get(unit, unit)
