"""The speed tricks of ``core._fast`` give exactly what the plain computations give.

- the fingerprint's canonical JSON written directly equals ``evaluation.fingerprint_text`` (the
  generic encoder) for generated decisions, and the fingerprints agree;
- the memoised band, amount and below-minimum reason equal the plain ``amounts`` functions, on a
  miss and on a hit, and amounts equal in value but not in text (``100`` and ``100.00``) are not
  mixed up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from penalty_engine.core import _fast, amounts, evaluation
from penalty_engine.core.amounts import Interval
from penalty_engine.models import RoundingSpec
from penalty_engine.money import Rounding, frac_str

from .strategies import Example, engine, examples


@pytest.fixture(autouse=True)
def _empty_memo() -> Iterator[None]:
    """Each test starts and ends with an empty memo: a result must not depend on an earlier one."""
    _fast.MEMO.clear()
    yield
    _fast.MEMO.clear()


# ---------------------------------------------------------------- fingerprint


@given(ex=examples(), case_id=st.text(min_size=1, max_size=12), name=st.none() | st.text(max_size=12))
def test_the_fingerprint_text_written_directly_equals_the_generic_encoders(
    ex: Example, case_id: str, name: str | None
) -> None:
    case: dict[str, Any] = {**ex.case, "case_id": case_id, "party": {**ex.case["party"], "name": name}}
    compared: list[str] = []
    fast_text = _fast.fingerprint_text

    def both(c: Any, rule_id: str, occurred_s: str, decided_s: str, facts_json: Any, versions: Any, eng: str) -> Any:
        fast = fast_text(c, rule_id, occurred_s, decided_s, facts_json, versions, eng)
        assert eng == evaluation.ENGINE
        generic = evaluation.fingerprint_text(c, rule_id, dt.date.fromisoformat(decided_s), facts_json, versions)
        # a case with a correction (a per-day fine, ADR 0023) is left to the generic encoder
        assert fast is None if c.correction is not None else fast == generic
        compared.append(generic)
        return fast

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_fast, "fingerprint_text", both)
        assert engine().evaluate(case, as_of=ex.as_of).fingerprint.startswith("sha256:")  # made when read (ADR 0026)
    assert len(compared) == 1


@given(ex=examples(), name=st.none() | st.text(max_size=12))
def test_a_decision_has_the_same_fingerprint_without_the_fast_writer(ex: Example, name: str | None) -> None:
    case: dict[str, Any] = {**ex.case, "party": {**ex.case["party"], "name": name}}
    fast = engine().evaluate(case, as_of=ex.as_of).fingerprint
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_fast, "fingerprint_text", lambda *args: None)  # None: the generic encoder writes it
        generic = engine().evaluate(case, as_of=ex.as_of).fingerprint
    assert fast == generic


# ---------------------------------------------------------------- memoised amounts

amounts_ = st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False)
ratios = st.fractions(min_value=0, max_value=1, max_denominator=20)
roundings = st.builds(
    RoundingSpec,
    unit=st.sampled_from([Decimal("0.01"), Decimal(1), Decimal(10), Decimal(100), Decimal("50")]),
    mode=st.sampled_from(list(Rounding)),
)


def _outcome(fn: Callable[[], Any]) -> Any:
    try:
        return fn()
    except ValueError as exc:  # no amount inside the limits: both must say so
        return ("ValueError", str(exc))


def _range(a: Decimal, b: Decimal) -> tuple[Decimal, Decimal]:
    lo, hi = min(a, b), max(a, b)
    return (lo, hi + 1) if lo == hi else (lo, hi)


@given(a=amounts_, b=amounts_, lower=ratios, upper=ratios, rounding=roundings)
def test_the_memoised_band_equals_the_plain_one(
    a: Decimal, b: Decimal, lower: Fraction, upper: Fraction, rounding: RoundingSpec
) -> None:
    lo, hi = _range(a, b)
    lower, upper = min(lower, upper), max(lower, upper)
    args = (lo, hi, lower, upper, frac_str(lower), frac_str(upper), rounding)
    plain = amounts.band(*args)
    assert _fast.band(*args) == plain  # a miss
    assert _fast.band(*args) == plain  # a hit


@given(
    a=amounts_,
    b=amounts_,
    lower=ratios,
    upper=ratios,
    position=ratios,
    rounding=roundings,
    lo_incl=st.booleans(),
    hi_incl=st.booleans(),
)
def test_the_memoised_amount_equals_the_plain_one(
    a: Decimal,
    b: Decimal,
    lower: Fraction,
    upper: Fraction,
    position: Fraction,
    rounding: RoundingSpec,
    lo_incl: bool,
    hi_incl: bool,
) -> None:
    lo, hi = _range(a, b)
    lower, upper = min(lower, upper), max(lower, upper)
    rng = Interval(lo, hi, lo_incl, hi_incl)
    band, _ = amounts.band(lo, hi, lower, upper, frac_str(lower), frac_str(upper), rounding)
    args = (band, position, frac_str(position), rng, rounding, "CNY")
    plain = _outcome(lambda: amounts.amount(*args))
    assert _outcome(lambda: _fast.amount(*args)) == plain  # a miss
    assert _outcome(lambda: _fast.amount(*args)) == plain  # a hit (or the same error again)


@given(minimum=amounts_, lower=ratios, upper=ratios)
def test_the_memoised_below_minimum_reason_equals_the_plain_one(
    minimum: Decimal, lower: Fraction, upper: Fraction
) -> None:
    args = ("Minor", "轻微", minimum, lower, upper)
    plain = amounts.below_reason(*args)
    texts = (frac_str(lower), frac_str(upper))
    assert _fast.below_reason(*args, texts) == plain
    assert _fast.below_reason(*args, texts) == plain


def test_amounts_equal_in_value_but_not_in_text_are_not_mixed_up_by_the_memo() -> None:
    rounding = RoundingSpec(unit=Decimal(1))
    for lo in (Decimal("100"), Decimal("100.00"), Decimal("100")):
        args = (lo, Decimal(300), Fraction(0), Fraction(1), "0", "1", rounding)
        band, inputs = _fast.band(*args)
        assert (band, inputs) == amounts.band(*args)
        assert str(band.lo) == str(lo)  # the band starts at the range's own minimum, as written


def test_the_memo_is_bounded() -> None:
    rounding = RoundingSpec(unit=Decimal(1))
    for i in range(_fast.MEMO_MAX + 10):
        _fast.band(Decimal(i), Decimal(i + 100), Fraction(0), Fraction(1), "0", "1", rounding)
    assert 0 < len(_fast.MEMO) <= _fast.MEMO_MAX
