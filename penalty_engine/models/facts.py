"""Typed facts: turn what a case file says into the value the rule's fact schema declares.

Values are read as people write them, Chinese or machine form, by the shared reader (``values``,
ADR 0016). Pure. Bounded in time whatever comes in: a text longer than ``MAX_NUMBER_CHARS`` is
refused before it is read as a number, and a number's size, digits and places
(``money.number_problem``: at most 10^15) are checked before it is converted, so ``"1e1000000"``
never becomes a million-digit integer.
"""

from __future__ import annotations

from typing import Any

from ..errors import EMPTY, Msg, msg, pair
from ..text import unit_word
from ..values import ValueProblem, enum_choices, expected_got, read_bool, read_enum, read_number
from .rules import FactSpec, FactType


class FactProblem(ValueError):
    """A fact value does not fit its spec; ``code`` is PE-C004 (type) or PE-C005 (bounds);
    ``message`` says what was expected and what came in, in both languages (a ``Msg``)."""

    def __init__(self, code: str, message: Msg) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


_NAMES = {
    FactType.bool: msg("true or false"),
    FactType.int: msg("a whole number"),
    FactType.money: msg("an amount with at most two decimals"),
    FactType.number: msg("a number"),
}


def _expected(spec: FactSpec) -> Msg:
    if spec.type is FactType.enum:
        assert spec.values
        return enum_choices(spec.values)
    unit = msg(" ({unit})", unit=pair(spec.unit, unit_word(spec.unit, "zh"))) if spec.unit else EMPTY
    lo = format(spec.min, "f") if spec.min is not None else None
    hi = format(spec.max, "f") if spec.max is not None else None
    bounds = EMPTY
    if lo is not None and hi is not None:
        bounds = msg(" from {min} to {max}", min=lo, max=hi)
    elif lo is not None:
        bounds = msg(" of at least {min}", min=lo)
    elif hi is not None:
        bounds = msg(" of at most {max}", max=hi)
    forms = msg(", written as 52000, 52,000, 52000元 or 5.2万") if spec.type is FactType.money else EMPTY
    return _NAMES[spec.type] + unit + bounds + forms


def _problem(code: str, spec: FactSpec, value: Any, detail: str = "") -> FactProblem:
    return FactProblem(code, expected_got(_expected(spec), value, detail))


def coerce(spec: FactSpec, value: Any) -> Any:
    """Return ``value`` as the declared type (bool, int, Decimal or enum string).

    Values are read as people write them (``values``, ADR 0016), because case files come from
    officers and spreadsheets: 是/否/有/无 for booleans, an enum value or its Chinese name (严重 →
    ``serious``), numbers with thousands separators and full-width digits (``1,500.50``, ``３次``
    with the fact's unit), amounts as ``52000元`` or ``5.2万``. Floats are refused for amounts.

    Raises:
        FactProblem: with what was expected and what came in.
    """
    t = spec.type
    vt = type(value)
    if vt is bool and t is FactType.bool:  # the common cases first: already the declared type
        return value
    if (
        vt is int
        and t is FactType.int
        and value.bit_length() < 50  # below 10^15: comparing a huge int with a Decimal costs seconds
        and (spec.min is None or value >= spec.min)
        and (spec.max is None or value <= spec.max)
    ):
        return value
    if vt is str and t is FactType.enum and spec.values and value in spec.values:
        return value
    try:
        if t is FactType.bool:
            return read_bool(value)
        if t is FactType.enum:
            assert spec.values
            return read_enum(value, spec.values)
        number = read_number(value, amount=t is FactType.money, unit=spec.unit)
    except ValueProblem as exc:
        raise _problem(exc.code, spec, value, exc.detail) from None
    if t is FactType.int:
        if number != number.to_integral_value():
            raise _problem("PE-C004", spec, value)
        result: Any = int(number)
    elif t is FactType.money:
        if number.as_tuple().exponent < -2:  # type: ignore[operator]
            raise _problem("PE-C004", spec, value)
        result = number
    else:
        result = number
    if (spec.min is not None and number < spec.min) or (spec.max is not None and number > spec.max):
        raise _problem("PE-C005", spec, value)
    if t is FactType.money and number < 0:
        raise FactProblem("PE-C005", expected_got(msg("a non-negative amount"), value))
    return result


def to_json(spec: FactSpec, value: Any) -> Any:
    """Canonical JSON form of a typed fact (money and numbers as strings)."""
    if spec.type in (FactType.money, FactType.number):
        return format(value.normalize(), "f")
    return value
