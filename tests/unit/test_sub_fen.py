"""A statutory range narrower than one fen (a tiny base: 1%–5% of an investment of 0.01 yuan) has no
whole fen inside it: the engine keeps the exact amount with a ``round.exact`` step, in every path
that rounds (a tier's amount, a weighted table, the below-minimum band), instead of failing."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

import penalty_engine as pe
from penalty_engine.core.amounts import Interval, NoRoundAmount, amount, exact_inside, round_inside
from penalty_engine.models import RoundingSpec
from penalty_engine.models.trail import render_message
from penalty_engine.money import Rounding
from tests.conftest import AS_OF, case
from tests.language.test_chinese_first import english_in_zh

D = Decimal


def test_round_inside_says_when_no_fen_fits() -> None:
    with pytest.raises(NoRoundAmount):
        round_inside(D("0.0045"), D(1), Rounding.down, [Interval(D("0.003"), D("0.006"))])
    # one fen fits: the unit falls back to it, as before
    assert round_inside(D("0.0075"), D(1), Rounding.down, [Interval(D("0.005"), D("0.01"))]) == (
        D("0.00"),
        D("0.01"),
        D("0.01"),
    )


def test_exact_inside_clamps_without_rounding() -> None:
    limits = [Interval(D("0.003"), D("0.006")), Interval(D("0.004"), D("0.009"))]
    assert exact_inside(D("0.0045"), limits) == D("0.0045")
    assert exact_inside(D("0.001"), limits) == D("0.004")
    assert exact_inside(D("0.008"), limits) == D("0.006")


def test_a_tier_amount_in_a_sub_fen_range_is_exact() -> None:
    rng = Interval(D("0.003"), D("0.006"))
    got = amount(rng, Fraction(1, 2), "1/2", rng, RoundingSpec(unit=D(1), mode=Rounding.half_up), "CNY")
    # 0.003 + 1/2 × (0.006 − 0.003) = 0.0045: no whole fen inside 0.003–0.006, kept as it is
    assert got.fine == D("0.0045")
    assert got.round_code == "round.exact"
    assert got.round_inputs["min"] == "0.003" and got.round_inputs["max"] == "0.006"


def test_a_weighted_fine_on_a_tiny_base_keeps_its_exact_amount(engine: pe.Engine) -> None:
    # 附件1 一: range 0.01 × 1%–5% = 0.0001–0.0005; nothing established: 20% × 0.0005 = 0.0001 (the minimum)
    d = engine.evaluate(case("cn-gd-environment/unapproved-construction", {"total_investment": "0.01"}), as_of=AS_OF)
    assert d.recommended_fine == D("0.0001")
    step = next(s for s in d.trail if s.code == "round.exact")
    assert step.result == "0.0001"
    zh = render_message(step.code, step.inputs, step.result, "zh")
    assert "0.0001–0.0005" in zh and "不取整" in zh
    assert not english_in_zh(zh, "T-1")
    assert "not rounded" in render_message(step.code, step.inputs, step.result, "en")
