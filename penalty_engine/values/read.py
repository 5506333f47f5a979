"""Reading a value as people write it: the machine form or the Chinese one (ADR 0016).

One reader for case files (YAML/JSON, so also the HTTP service and the library), ``penalty
new-case`` and ``penalty replay``: ``严重`` is the enum value ``serious``, ``单位`` the party kind
``organization``, ``是`` is true, ``2026年5月10日`` the date 2026-05-10, ``5.2万`` the amount 52000.
Every reader returns the canonical machine value, so a case written in Chinese and the same case in
machine values give the same decision and the same fingerprint.

Text is compared after ``normalise``: NFKC (full-width letters, digits and punctuation become
half-width: ``２０２６／５／１０`` is ``2026/5/10``), surrounding whitespace removed, Latin compared
case-insensitively. The words are data, ``words.yaml`` next to this module, read once per process.

A value that does not read raises ``ValueProblem`` with what was expected and what came in; the
caller adds the field, the file and the line (``CaseError`` PE-C004, or PE-C005 for a number
beyond the engine's limits). Amounts are ``Decimal`` throughout, never float. Pure apart from
reading the data file once.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from typing import Any

import yaml

from ..errors import Msg, joined, msg, pair
from ..money import number_problem
from ..yamlio import MAX_NUMBER_CHARS

KINDS = ("outcome", "tier", "duty", "penalty_kind", "party_kind", "bool", "enum")
"""The kinds of value with names in ``words.yaml``."""

WHAT = {
    "outcome": msg("an outcome (处罚/不予处罚)"),
    "tier": msg("a tier (从轻/一般/从重/减轻/固定)"),
    "duty": msg("a duty (责令改正/教育/告知听证权利/法制审核/集体讨论)"),
    "penalty_kind": msg("a penalty kind (警告/罚款/没收违法所得/吊销许可证件/…)"),
    "party_kind": msg("a party kind: individual (个人) or organization (单位)"),
    "bool": msg("yes or no (是/否, true/false)"),
    "enum": msg("a value of the fact"),
}
"""How an error names what a value of each kind should be (``Msg``: in both languages)."""

DATE_FORMS = msg("a date such as 2026-05-10, 2026年5月10日, 2026/5/10 or 2026.5.10")
AMOUNT_FORMS = msg("an amount such as 52000, 52,000, 52000元 or 5.2万")
NUMBER_FORMS = msg("a number such as 12, 1,500 or 12.5")
AGE_FORMS = msg("a whole number of years from 0 to 150, such as 35 or 35周岁")

_SHOWN = 40  # characters of a long value an error shows


def normalise(text: str) -> str:
    """The form names are compared in: NFKC, stripped, case-folded (``" ＹＥＳ "`` → ``"yes"``)."""
    return unicodedata.normalize("NFKC", text).strip().casefold()


def shown(value: Any) -> Msg:
    """A value as an error shows it: its repr, a long text cut at ``_SHOWN`` characters."""
    if isinstance(value, str) and len(value) > _SHOWN:
        return msg("a text of {n} characters {start!r}", n=len(value), start=value[:_SHOWN] + "…")
    text = repr(str(value)) if isinstance(value, Decimal | dt.date) else repr(value)
    return pair(text, text)


def expected_got(expected: Msg, got: Any, detail: str = "", hint: str = "") -> Msg:
    """``expected …, got …`` (``: detail``, ``; hint``) in both languages."""
    text = msg("expected {expected}, got {got}", expected=expected, got=shown(got))
    if detail:
        text = text + msg(": {detail}", detail=detail)
    if hint:
        text = text + msg("; {hint}", hint=hint)
    return text


class ValueProblem(ValueError):
    """A value that does not read: ``expected`` says what would, ``got`` is what came in.

    ``code`` is PE-C004 (not of the kind) or PE-C005 (a number beyond the engine's limits, with
    ``detail`` saying which); ``hint`` names the nearest known names of a misspelt one. ``message``
    says so in both languages (a ``Msg``)."""

    def __init__(self, expected: Msg, got: Any, code: str = "PE-C004", detail: str = "", hint: str = "") -> None:
        self.expected, self.got, self.code, self.detail, self.hint = expected, got, code, detail, hint
        self.message = expected_got(expected, got, detail, hint)
        super().__init__(self.message)


# ---------------------------------------------------------------- named values


class Words:
    """The names of each kind of value: ``value(kind, text)``, ``nearest``, ``known``, ``main``."""

    def __init__(self, data: dict[str, Any]) -> None:
        values = data["values"]
        self._by_kind: dict[str, dict[str, Any]] = {}
        self._first: dict[str, dict[str, Any]] = {}
        self._main: dict[str, dict[Any, str]] = {}
        for kind in KINDS:
            table: dict[str, Any] = {}
            first: dict[str, Any] = {}
            for canonical, listed in values[kind].items():
                value: Any = (
                    {"true": True, "false": False}.get(str(canonical), canonical) if kind == "bool" else canonical
                )
                first[str(listed[0]) if listed else str(canonical)] = value
                for name in (str(canonical), *(str(n) for n in listed)):
                    table[normalise(name)] = value
            self._by_kind[kind] = table
            self._first[kind] = first
            self._main[kind] = {v: name for name, v in first.items()}
        self._other_duties = {normalise(str(n)) for n in values.get("duty_other", [])}

    def value(self, kind: str, text: str) -> Any:
        """The machine value ``text`` names, or ``None``. A ``duty_other`` step is its own text."""
        key = normalise(text)
        found = self._by_kind[kind].get(key)
        if found is None and kind == "duty" and key in self._other_duties:
            return text.strip()
        return found

    def nearest(self, kind: str, text: str, n: int = 3) -> list[str]:
        """Up to ``n`` known names closest to ``text`` (for error messages), best first."""
        return difflib.get_close_matches(normalise(text), list(self._by_kind[kind]), n=n, cutoff=0.4)

    def known(self, kind: str) -> dict[str, Any]:
        """The main name of each value of ``kind`` → the value (``{"从轻": "lighter", …}``)."""
        return dict(self._first[kind])

    def main(self, kind: str, value: Any) -> str | None:
        """The main (first listed) name of ``value``, e.g. ``main("enum", "serious")`` → ``严重``."""
        return self._main[kind].get(value)


@cache
def words() -> Words:
    """The names of values, read once from ``words.yaml``."""
    text = resources.files(__package__ or "penalty_engine.values").joinpath("words.yaml").read_text(encoding="utf-8")
    return Words(yaml.safe_load(text))


def _what(kind: str) -> Msg:
    table = words()
    known = joined(pair(f"{value} ({name})", name) for name, value in table.known(kind).items())
    return (
        msg("{what}; known: {known}", what=WHAT[kind], known=known)
        if kind not in ("party_kind", "bool")
        else WHAT[kind]
    )


def read_named(kind: str, value: Any) -> Any:
    """The machine value of ``kind`` (``outcome``, ``tier``, ``duty``, ``penalty_kind``,
    ``party_kind``, ``bool``) that ``value`` names: ``单位`` → ``organization``, ``是`` → ``True``.

    Raises:
        ValueProblem: naming the nearest known names.
    """
    if kind == "bool" and isinstance(value, bool):
        return value
    if isinstance(value, str) and len(value) <= MAX_NUMBER_CHARS:
        found = words().value(kind, value)
        if found is not None:
            return found
        near = words().nearest(kind, value)
        if near:
            raise ValueProblem(_what(kind), value, hint=msg("nearest: {names}", names=joined(near)))
    raise ValueProblem(_what(kind), value)


def read_bool(value: Any) -> bool:
    """``True``/``False`` from a boolean or a name of one (是/否/有/无/true/false/yes/no/1/0)."""
    result: bool = read_named("bool", value)
    return result


def read_party_kind(value: Any) -> str:
    """``individual`` or ``organization`` from either or a name (个人/自然人/单位/法人/其他组织…)."""
    result: str = read_named("party_kind", value)
    return result


def enum_choices(values: Sequence[str]) -> Msg:
    """The values of an enum fact with their Chinese names: ``one of 'none' (无), 'minor' (轻微)``
    (in Chinese ``以下之一：无、轻微``)."""
    table = words()
    out = []
    for v in values:
        name = table.main("enum", v)
        out.append(pair(f"{v!r} ({name})", name) if name else pair(repr(v), repr(v)))
    return msg("one of {values}", values=joined(out))


def read_enum(value: Any, values: Sequence[str]) -> str:
    """The value of an enum fact: one of ``values`` itself (any case) or its name (``严重``).

    Raises:
        ValueProblem: listing the fact's values with their names; a name of a value the fact
        does not have is refused too.
    """
    if isinstance(value, str):
        if value in values:
            return value
        if len(value) <= MAX_NUMBER_CHARS:
            key = normalise(value)
            for v in values:
                if normalise(v) == key:
                    return v
            found = words().value("enum", value)
            if found in values:
                return str(found)
    raise ValueProblem(enum_choices(values), value)


# ---------------------------------------------------------------- dates

_YMD = r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日?"
_SEP = r"(?P<y2>\d{4})(?P<s>[-/.])(?P<m2>\d{1,2})(?P=s)(?P<d2>\d{1,2})"
_DATE = re.compile(rf"(?:{_YMD}|{_SEP})")
_TIME = re.compile(r"(?:[ T]\S.*)?")


def read_date(value: Any, *, time_ok: bool = False) -> dt.date:
    """A date from a ``date`` (a ``datetime`` gives its day) or text: ``2026-05-10``,
    ``2026年5月10日``, ``2026/5/10``, ``2026.5.10``, full-width digits too. With ``time_ok`` a time
    after the date is ignored (``2026-05-10 09:30``, as exports write it).

    Raises:
        ValueProblem: not a date in one of these forms, or not a day of the calendar.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or len(value) > MAX_NUMBER_CHARS:
        raise ValueProblem(DATE_FORMS, value)
    text = unicodedata.normalize("NFKC", value).strip()
    m = _DATE.match(text)
    if m is None or not (m.end() == len(text) or (time_ok and _TIME.fullmatch(text, m.end()))):
        raise ValueProblem(DATE_FORMS, value)
    y, mo, d = (m["y"], m["m"], m["d"]) if m["y"] else (m["y2"], m["m2"], m["d2"])
    try:
        return dt.date(int(y), int(mo), int(d))
    except ValueError:
        raise ValueProblem(msg("a day of the calendar ({forms})", forms=DATE_FORMS), value) from None


# ---------------------------------------------------------------- numbers and amounts

_NUMBER = re.compile(
    r"(?P<sign>[+-]?)(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?(?P<exp>e[+-]?\d+)?(?P<rest>.*)",
    re.DOTALL,
)
_MULT = {"万": Decimal(10000), "千": Decimal(1000), "百": Decimal(100), "亿": Decimal(100000000)}
_MONEY = re.compile(r"(?P<mult>万|千|百|亿)?(?P<unit>元|块|人民币|rmb|cny|yuan)?")
_PREFIX = ("¥", "人民币", "rmb", "cny")


#: ASCII digits with an optional fraction: what the whole grammar reads as ``Decimal(text)`` itself
_PLAIN = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_SPACE = re.compile(r"\s+(?=\D)|(?<=\D)\s+")


def _digits(text: str) -> str:
    """Text as the number grammar reads it: NFKC (the Chinese comma ``，`` becomes ``,``, the
    ideographic space a space), case-folded, stripped, without spaces next to a sign or a word
    (``52000 元`` → ``52000元``); a space between digits stays, and is refused (``52 000``)."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text).casefold().strip())


def read_number(value: Any, *, amount: bool = False, unit: str | None = None, exponent: bool = True) -> Decimal:
    """A number from an ``int``, a ``Decimal`` or text: digits with an optional sign, fraction and
    exponent, thousands separated by commas in groups of three (``52,000``; ``52,00`` is refused
    as ambiguous), full-width digits too, and ``unit`` after it when given (``3次``).

    With ``amount``, also what amounts are written with: ``¥``/``人民币`` before, ``元``/``块``/
    ``人民币``/``CNY`` after, and 百/千/万/亿 (``5.2万`` → 52000). A multiplied amount comes back
    canonical (``Decimal("52000")``, not ``52000.0``); other values keep their digits. Without
    ``exponent``, ``1e5`` is refused (exports never write one).

    Raises:
        ValueProblem: not such a number (PE-C004), or beyond the engine's limits (PE-C005: size
        at most 10^15, digits and places; checked before any conversion).
    """
    forms = AMOUNT_FORMS if amount else NUMBER_FORMS
    if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
        raise ValueProblem(forms, value)
    if isinstance(value, int):
        if value.bit_length() > 60:
            raise ValueProblem(forms, value, "PE-C005", msg("beyond the engine's limit of 10^15"))
        return Decimal(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueProblem(forms, value)
        too_big = number_problem(value)
        if too_big is not None:
            raise ValueProblem(forms, value, "PE-C005", too_big)
        return value
    if len(value) > MAX_NUMBER_CHARS:
        raise ValueProblem(forms, value)
    if _PLAIN.fullmatch(value) is not None:  # plain digits, as most exports write them: read as they are
        number = Decimal(value)
        too_big = number_problem(number)
        if too_big is not None:
            raise ValueProblem(forms, value, "PE-C005", too_big)
        return number
    return _read_text(value, forms, amount, unit, exponent)


def _read_text(value: str, forms: Msg, amount: bool, unit: str | None, exponent: bool) -> Decimal:
    """``read_number`` of text by the whole grammar (``_PLAIN`` text reads the same here, tested)."""
    text = _digits(value)
    if amount:
        for prefix in _PREFIX:
            if text.startswith(prefix):
                text = text[len(prefix) :]
                break
    m = _NUMBER.fullmatch(text)
    if m is None or (m["exp"] and not exponent):
        raise ValueProblem(forms, value)
    rest, mult = m["rest"], None
    if rest:
        if unit is not None and rest == _digits(unit):
            pass
        elif amount and (money := _MONEY.fullmatch(rest)) is not None:
            mult = _MULT[money["mult"]] if money["mult"] else None
        else:
            raise ValueProblem(forms, value)
    try:
        number = Decimal(m["sign"] + m["int"].replace(",", "") + (m["frac"] or "") + (m["exp"] or ""))
    except InvalidOperation:
        raise ValueProblem(forms, value) from None
    too_big = number_problem(number)
    if too_big is not None:
        raise ValueProblem(forms, value, "PE-C005", too_big)
    if mult is None:
        return number
    number = (number * mult).normalize()  # 1.5 × 10000 = 15000.0: the zeros are no digits of the amount
    too_big = number_problem(number)
    if too_big is not None:
        raise ValueProblem(forms, value, "PE-C005", too_big)
    return number.quantize(Decimal(1)) if number == number.to_integral_value() else number.normalize()


def read_amount(value: Any, *, exponent: bool = True) -> Decimal:
    """An amount of money: ``read_number`` with ``amount``; floats are refused (never exact)."""
    return read_number(value, amount=True, exponent=exponent)


_AGE = re.compile(r"(?P<n>\d{1,3})(?:周岁|岁)?")


def read_age(value: Any) -> int:
    """A party's age in whole years: ``35``, ``35岁``, ``35周岁``, full-width digits too.

    Raises:
        ValueProblem: not a whole number of years from 0 to 150.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        n = value
    elif isinstance(value, str) and len(value) <= MAX_NUMBER_CHARS:
        m = _AGE.fullmatch(_digits(value))
        if m is None:
            raise ValueProblem(AGE_FORMS, value)
        n = int(m["n"])
    else:
        raise ValueProblem(AGE_FORMS, value)
    if not 0 <= n <= 150:
        raise ValueProblem(AGE_FORMS, value, "PE-C005")
    return n
