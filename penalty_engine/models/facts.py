"""Typed facts: turn what a case file says into the value the rule's fact schema declares.

Values are read as people write them, Chinese or machine form, by the shared reader (``values``,
ADR 0016). Pure. Bounded in time whatever comes in: a text longer than ``MAX_NUMBER_CHARS`` is
refused before it is read as a number, and a number's size, digits and places
(``money.number_problem``: at most 10^15) are checked before it is converted, so ``"1e1000000"``
never becomes a million-digit integer.
"""

from __future__ import annotations

from typing import Any

from ..values import ValueProblem, enum_choices, read_bool, read_enum, read_number, shown
from .rules import FactSpec, FactType


class FactProblem(ValueError):
    """A fact value does not fit its spec; ``code`` is PE-C004 (type) or PE-C005 (bounds)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _expected(spec: FactSpec) -> str:
    unit = f" ({spec.unit})" if spec.unit else ""
    bounds = ""
    if spec.min is not None and spec.max is not None:
        bounds = f" from {format(spec.min, 'f')} to {format(spec.max, 'f')}"
    elif spec.min is not None:
        bounds = f" of at least {format(spec.min, 'f')}"
    elif spec.max is not None:
        bounds = f" of at most {format(spec.max, 'f')}"
    if spec.type is FactType.enum:
        assert spec.values
        return enum_choices(spec.values)
    names = {
        FactType.bool: "true or false",
        FactType.int: "a whole number",
        FactType.money: "an amount with at most two decimals",
        FactType.number: "a number",
    }
    forms = ", written as 52000, 52,000, 52000元 or 5.2万" if spec.type is FactType.money else ""
    return names[spec.type] + unit + bounds + forms


def _got(value: Any) -> str:
    return f"got {shown(value)}"


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
        detail = f": {exc.detail}" if exc.detail else ""
        raise FactProblem(exc.code, f"expected {_expected(spec)}, {_got(value)}{detail}") from None
    if t is FactType.int:
        if number != number.to_integral_value():
            raise FactProblem("PE-C004", f"expected {_expected(spec)}, {_got(value)}")
        result: Any = int(number)
    elif t is FactType.money:
        if number.as_tuple().exponent < -2:  # type: ignore[operator]
            raise FactProblem("PE-C004", f"expected {_expected(spec)}, {_got(value)}")
        result = number
    else:
        result = number
    if (spec.min is not None and number < spec.min) or (spec.max is not None and number > spec.max):
        raise FactProblem("PE-C005", f"expected {_expected(spec)}, {_got(value)}")
    if t is FactType.money and number < 0:
        raise FactProblem("PE-C005", f"expected a non-negative amount, {_got(value)}")
    return result


def to_json(spec: FactSpec, value: Any) -> Any:
    """Canonical JSON form of a typed fact (money and numbers as strings)."""
    if spec.type in (FactType.money, FactType.number):
        return format(value.normalize(), "f")
    return value
