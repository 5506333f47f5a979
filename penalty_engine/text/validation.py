"""Pydantic's validation errors in both languages (issue #12, "Chinese first").

A schema error of a case (PE-C002…PE-C005) or of a rule file (PE-R004) names the field and says
what is wrong. The English is pydantic's own message (``Input should be a valid integer``), as
before; the Chinese comes from the ``pydantic`` area of ``text/errors-zh.yaml``, keyed by the
error's ``type`` (``missing``, ``int_parsing``, ``greater_than_equal``…) and filled from its
``ctx`` (the bound, the allowed values). A ``value_error`` of a model's own validator carries a
``Msg``: its Chinese is that message's. A type the catalog does not list is said in general words
(``(other)``), never in English.

Pure: the catalog is read on the first Chinese asked for.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Any

from ..errors import EMPTY, Msg, msg

_PYDANTIC = "pydantic"


def _expected_zh(expected: Any) -> str:
    """``'a', 'b' or 'c'`` (pydantic's list of allowed values) as a Chinese list: ``'a'、'b'、'c'``."""
    return str(expected).replace("' or '", "'、'").replace("', '", "'、'")


def pydantic_text(err: Any) -> Msg:
    """The message of one pydantic error (an item of ``ValidationError.errors()``): the English is
    ``err["msg"]``, the Chinese the catalog's template for ``err["type"]``."""
    kind = str(err.get("type", ""))
    ctx = dict(err.get("ctx") or {})
    if "expected" in ctx:
        ctx["expected"] = _expected_zh(ctx["expected"])
    error = ctx.get("error")
    if kind in ("value_error", "assertion_error") and isinstance(error, Exception) and error.args:
        first = error.args[0]
        ctx["error"] = first if isinstance(first, Msg) else msg("the value is not valid")
    if "bound" in ctx:  # the case's own date bounds (models/case.py), not pydantic's ge/le
        kind = f"{kind}.date"
    return Msg(str(err.get("msg", "")), f"{_PYDANTIC}.{kind}", {**ctx, "_or": f"{_PYDANTIC}.(other)"})


def shown_input(err: Any) -> Msg:
    """``" (got 1.2)"`` for the value a validation error was about, unless the message has it already."""
    got = err.get("input")
    if isinstance(got, (dict, list, tuple)) or got is None:
        return EMPTY
    if isinstance(got, int) and got.bit_length() > 332:  # str() refuses 4300 digits; none is shown
        return EMPTY
    text = str(got) if isinstance(got, (Decimal, Fraction, int, float, str, dt.date)) else repr(got)
    text = text if len(text) <= 200 else text[:200] + "…"
    text = repr(text) if isinstance(got, str) else text
    return EMPTY if text in str(err.get("msg", "")) else msg(" (got {value})", value=text)
