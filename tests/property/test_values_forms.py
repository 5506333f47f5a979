"""Properties of the reader of values (ADR 0016): any value written in any accepted form reads to
the same machine value, and the same case written in Chinese values and in machine values gives a
byte-identical decision JSON (so the same fingerprint)."""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

import penalty_engine as pe
from penalty_engine.render import render_any
from penalty_engine.values import read_amount, read_date, read_named, words

FULL_WIDTH = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}  # ASCII → its full-width form


def _full_width(text: str) -> str:
    out = "".join(FULL_WIDTH.get(ch, ch) for ch in text)
    assert unicodedata.normalize("NFKC", out) == text  # the reader undoes exactly this
    return out


def _spaced(draw: st.DrawFn, text: str) -> str:
    """``text`` perhaps in full-width characters, perhaps with whitespace around it."""
    if draw(st.booleans()):
        text = _full_width(text)
    return draw(st.sampled_from(["", " ", "\u3000"])) + text + draw(st.sampled_from(["", " ", "\t"]))


@st.composite
def written_dates(
    draw: st.DrawFn, first: dt.date = dt.date(1000, 1, 1), last: dt.date = dt.date(9899, 12, 31)
) -> tuple[dt.date, str]:
    day = draw(st.dates(min_value=first, max_value=last))
    m, d = (f"{day.month:02d}", f"{day.day:02d}") if draw(st.booleans()) else (str(day.month), str(day.day))
    form = draw(st.sampled_from(["iso", "-", "/", ".", "年", "年 no 日"]))
    if form == "iso":
        text = day.isoformat()
    elif form.startswith("年"):
        text = f"{day.year}年{m}月{d}" + ("" if "no" in form else "日")
    else:
        text = form.join((str(day.year), m, d))
    return day, _spaced(draw, text)


@given(written_dates())
def test_a_date_in_any_accepted_form_reads_to_the_same_day(written: tuple[dt.date, str]) -> None:
    day, text = written
    assert read_date(text) == day


def _grouped(digits: str) -> str:
    head = len(digits) % 3 or 3
    return ",".join([digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)])


@st.composite
def written_amounts(draw: st.DrawFn, largest: int = 10**12) -> tuple[Decimal, str]:
    amount = draw(st.decimals(min_value=0, max_value=largest, places=2, allow_nan=False, allow_infinity=False))
    whole, _, fraction = format(amount, "f").partition(".")
    form = draw(st.sampled_from(["plain", "grouped", "万", "亿"]))
    if form == "plain":
        number = format(amount, "f")
    elif form == "grouped":
        number = _grouped(whole) + (f".{fraction}" if fraction else "")
    else:  # the same amount in 万 or 亿: exact, as a decimal with more places
        scale = Decimal(10000) if form == "万" else Decimal(100000000)
        number = format(amount / scale, "f") + form
    prefix = draw(st.sampled_from(["", "¥", "人民币"]))
    suffix = draw(st.sampled_from(["", "元", " 元", "RMB"])) if form in ("plain", "grouped") else ""
    suffix = suffix or (draw(st.sampled_from(["", "元"])) if form in ("万", "亿") else "")
    return amount, _spaced(draw, prefix + number + suffix)


@given(written_amounts())
def test_an_amount_in_any_accepted_form_reads_to_the_same_decimal(written: tuple[Decimal, str]) -> None:
    amount, text = written
    value = read_amount(text)
    assert isinstance(value, Decimal) and value == amount


@st.composite
def written_names(draw: st.DrawFn) -> tuple[str, Any, str]:
    kind = draw(st.sampled_from(["party_kind", "bool", "outcome", "tier", "duty", "penalty_kind"]))
    known = words().known(kind)  # main name → value
    value = draw(st.sampled_from(sorted(set(known.values()), key=str)))
    names = [n for n, v in _all_names(kind).items() if v == value]
    name = draw(st.sampled_from(sorted(names)))
    if name.isascii() and draw(st.booleans()):
        name = name.upper()
    return kind, value, _spaced(draw, name)


def _all_names(kind: str) -> dict[str, Any]:
    table = words()._by_kind[kind]  # every name of the kind, as the reader compares it
    return dict(table)


@given(written_names())
def test_a_named_value_in_any_accepted_form_reads_to_its_machine_value(written: tuple[str, Any, str]) -> None:
    kind, value, text = written
    assert read_named(kind, text) == value


# ---------------------------------------------------------------- whole cases

HARM = {"none": ["无", "没有"], "minor": ["轻微", "较轻"], "serious": ["严重", "较重"]}
KIND = {"individual": ["个人", "自然人", "公民"], "organization": ["单位", "法人", "其他组织", "公司"]}
YES_NO = {True: ["是", "有", "yes"], False: ["否", "无", "no"]}


@st.composite
def cases_in_two_forms(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    occurred, written_occurred = draw(written_dates(dt.date(2024, 1, 1), dt.date(2026, 3, 31)))
    gain, written_gain = draw(written_amounts(10**6))
    harm = draw(st.sampled_from(sorted(HARM)))
    kind = draw(st.sampled_from(sorted(KIND)))
    several = draw(st.booleans())
    prior = draw(st.integers(min_value=0, max_value=5))
    machine = {
        "case_id": "P-1",
        "violation": "cn-transport/unlicensed-passenger",
        "occurred_on": occurred.isoformat(),
        "decided_on": "2026-04-10",
        "party": {"kind": kind},
        "facts": {"illegal_gain": format(gain, "f"), "harm": harm, "several_vehicles": several, "prior_12m": prior},
    }
    chinese = {
        "case_id": "P-1",
        "violation": "cn-transport/unlicensed-passenger",
        "occurred_on": written_occurred,
        "decided_on": draw(st.sampled_from(["2026年4月10日", "2026/4/10", "２０２６．４．１０"])),
        "party": {"kind": draw(st.sampled_from(KIND[kind]))},
        "facts": {
            "illegal_gain": written_gain,
            "harm": draw(st.sampled_from(HARM[harm])),
            "several_vehicles": draw(st.sampled_from(YES_NO[several])),
            "prior_12m": draw(st.sampled_from([str(prior), _full_width(str(prior)), f"{prior}次"])),
        },
    }
    return machine, chinese


@given(cases_in_two_forms())
def test_a_case_in_chinese_values_gives_a_byte_identical_decision(forms: tuple[dict[str, Any], dict[str, Any]]) -> None:
    machine, chinese = forms
    engine = _engine()
    one, other = engine.evaluate(machine), engine.evaluate(chinese)
    assert render_any(one, "json", "zh") == render_any(other, "json", "zh")
    assert one.fingerprint == other.fingerprint


_ENGINE: list[pe.Engine] = []


def _engine() -> pe.Engine:
    if not _ENGINE:
        _ENGINE.append(pe.Engine.load())
    return _ENGINE[0]


@given(
    st.from_regex(r"[0-9]{1,20}(\.[0-9]{1,12})?", fullmatch=True),
    st.booleans(),
    st.sampled_from([None, "次"]),
)
def test_plain_digits_read_as_the_whole_grammar_reads_them(text: str, amount: bool, unit: str | None) -> None:
    """``read_number``'s shortcut for plain ASCII digits (what most exports hold, ADR 0026) gives
    exactly what the whole grammar gives: the same digits, or the same refusal (too many digits)."""
    from penalty_engine.values import read as read_mod

    forms = read_mod.AMOUNT_FORMS if amount else read_mod.NUMBER_FORMS

    def outcome(fn: Any) -> str:
        try:
            return repr(fn())
        except read_mod.ValueProblem as exc:
            return f"{exc.code} {exc.detail}"

    fast = outcome(lambda: read_mod.read_number(text, amount=amount, unit=unit))
    assert fast == outcome(lambda: read_mod._read_text(text, forms, amount, unit, True))
