"""Typed facts: turn what a case file says into the value the rule's fact schema declares.

Pure. Bounded in time whatever comes in: a text longer than ``MAX_NUMBER_CHARS`` is refused before
it is read as a number, and a number's size, digits and places (``money.number_problem``: at most
10^15) are checked before it is converted, so ``"1e1000000"`` never becomes a million-digit integer.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from ..money import number_problem
from ..yamlio import MAX_NUMBER_CHARS
from .rules import FactSpec, FactType


class FactProblem(ValueError):
    """A fact value does not fit its spec; ``code`` is PE-C004 (type) or PE-C005 (bounds)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


_TRUE = {"true", "yes", "是", "1"}
_FALSE = {"false", "no", "否", "0"}


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
        return "one of " + ", ".join(repr(v) for v in spec.values)
    names = {
        FactType.bool: "true or false",
        FactType.int: "a whole number",
        FactType.money: "an amount with at most two decimals",
        FactType.number: "a number",
    }
    return names[spec.type] + unit + bounds


def _got(value: Any) -> str:
    return f"got {value!r}"


def coerce(spec: FactSpec, value: Any) -> Any:
    """Return ``value`` as the declared type (bool, int, Decimal or enum string).

    Strings are accepted for numbers and amounts ("12000", "1,500.50"), and 是/否 for booleans,
    because case files come from spreadsheets; floats are refused for amounts.

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
    if t is FactType.bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        raise FactProblem("PE-C004", f"expected {_expected(spec)}, {_got(value)}")
    if t is FactType.enum:
        assert spec.values
        if isinstance(value, str) and value in spec.values:
            return value
        raise FactProblem("PE-C004", f"expected {_expected(spec)}, {_got(value)}")
    if isinstance(value, bool) or not isinstance(value, (int, Decimal, str)):
        raise FactProblem("PE-C004", f"expected {_expected(spec)}, {_got(value)}")
    if isinstance(value, str) and len(value) > MAX_NUMBER_CHARS:
        shown = value[:40] + "…"
        raise FactProblem("PE-C004", f"expected {_expected(spec)}, got a text of {len(value)} characters {shown!r}")
    if isinstance(value, int) and value.bit_length() > 60:  # beyond 10^15 by far: no conversion
        raise FactProblem("PE-C005", f"expected {_expected(spec)}, got a number beyond the engine's limit of 10^15")
    try:
        number = Decimal(value.replace(",", "").strip()) if isinstance(value, str) else Decimal(value)
    except InvalidOperation:
        raise FactProblem("PE-C004", f"expected {_expected(spec)}, {_got(value)}") from None
    if not number.is_finite():
        raise FactProblem("PE-C004", f"expected {_expected(spec)}, {_got(value)}")
    too_big = number_problem(number)  # before any conversion: 1e1000000 is cheap only as it is
    if too_big is not None:
        raise FactProblem("PE-C005", f"expected {_expected(spec)}, {_got(value)}: {too_big}")
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
