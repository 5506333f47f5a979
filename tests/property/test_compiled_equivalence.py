"""The compiled evaluator decides as the interpreter does (ADR 0026): on generated cases of every
rule, the fields it decides (read first), the decision JSON and the Chinese and English texts are
the same bytes, or both raise the same error. The comparison set (``bench/compare_evaluators.py``,
and its small version in ``tests/unit/test_compiled.py``) adds golden and broken cases."""

from __future__ import annotations

from functools import cache

from hypothesis import given
from hypothesis import strategies as st

import penalty_engine as pe
from bench.compare_evaluators import outcome

from .strategies import Example, engine, examples


@cache
def reference() -> pe.Engine:
    return engine()  # the strategies' engine: the default, the interpreter


@cache
def compiled() -> pe.Engine:
    return pe.Engine.load(evaluator="compiled")


@given(ex=examples(), with_as_of=st.booleans())
def test_the_compiled_evaluator_decides_as_the_interpreter(ex: Example, with_as_of: bool) -> None:
    case = dict(ex.case)
    if not with_as_of:  # the case's own decision date, else none (then both give the same error)
        case.setdefault("decided_on", ex.as_of.isoformat())
    as_of = ex.as_of if with_as_of else None
    mine, _ = outcome(compiled(), case, as_of, None)
    theirs, _ = outcome(reference(), case, as_of, None)
    assert mine == theirs
