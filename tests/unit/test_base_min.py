"""The statute's floor on the base of a multiple fine (``base_min``): 固体废物污染环境防治法 第一百一十二条第二款
"处所需处置费用三倍以上五倍以下的罚款，所需处置费用不足二十万元的，按二十万元计算". A base below the floor counts
as the floor wherever the multiple is computed: the statutory range (tiers, weighted tables), the multiple
bands of a level, and `rules check`'s witnesses. Every amount is computed by hand in the comment next to it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

import penalty_engine as pe
from penalty_engine.check.quote import StatedMultiple, read_amounts
from penalty_engine.check.static import check_pack
from penalty_engine.models import MultipleFine
from penalty_engine.models.trail import render_message
from penalty_engine.render import render_any
from tests.conftest import AS_OF, MINI_PACK, case
from tests.language.test_chinese_first import english_in_zh
from tests.unit import test_levels

RULE = """\
id: hw
title: {zh: 危险废物交无证单位, en: Hazardous waste to an unlicensed party}
facts:
  cost: {type: money, min: 0, label: {zh: 所需处置费用, en: disposal cost}}
  serious: {type: bool, default: false, direction: aggravating, label: {zh: 情节较重, en: serious}}
versions:
  - effective_from: 2020-01-01
    basis:
      - law: 测试法
        article: 112
        text: 处所需处置费用一倍以上三倍以下的罚款，所需处置费用不足十万元的，按十万元计算。
    frame:
      - id: main
        fine: {times: cost, min: 1, max: 3, base_min: 100000}
    tiers:
      - {tier: heavier, when: serious}
      - {tier: standard}
"""


@pytest.fixture
def engine(write_pack: Any) -> pe.Engine:
    return pe.Engine.load(write_pack(RULE, MINI_PACK, name="hw.yaml"))


def _decide(engine: pe.Engine, cost: str, **facts: Any) -> pe.Decision:
    return engine.evaluate(case("mini/hw", {"cost": cost, **facts}, case_id="HW-1"), as_of=AS_OF)


def _steps(d: pe.Decision, code: str) -> list[Any]:
    return [s for s in d.trail if s.code == code]


def test_a_base_below_the_floor_counts_as_the_floor(engine: pe.Engine) -> None:
    # cost 40000 < 100000 → base 100000; range 100000 × 1–3 = 100000–300000 (not 40000–120000);
    # standard band 1/3–2/3: 166666.67 → 166700, 233333.33 → 233300 (unit 100, half up); position 1/2 → 200000
    d = _decide(engine, "40000")
    assert d.statutory_range is not None
    assert (d.statutory_range.min, d.statutory_range.max) == (Decimal(100000), Decimal(300000))
    assert d.band is not None and (d.band.min, d.band.max) == (Decimal(166700), Decimal(233300))
    assert d.recommended_fine == Decimal(200000)
    (raised,) = _steps(d, "range.base_min")
    assert raised.inputs["value"] == "40000" and raised.inputs["base_min"] == "100000" and raised.result == "100000"
    assert raised.basis == ["测试法 第一百一十二条"]  # the branch's provision, which states the floor
    (multiple,) = _steps(d, "range.multiple")
    assert multiple.inputs["value"] == "100000" and multiple.result == {"min": "100000", "max": "300000"}
    codes = [s.code for s in d.trail]
    assert codes.index("range.base_min") == codes.index("range.multiple") - 1


def test_the_trail_says_so_in_both_languages(engine: pe.Engine) -> None:
    d = _decide(engine, "40000")
    (raised,) = _steps(d, "range.base_min")
    zh = render_message(raised.code, raised.inputs, raised.result, "zh")
    assert zh == "所需处置费用 40000 元不足 100000 元，依照法律规定按 100000 元计算（罚款基数提高至 100000 元）。"
    en = render_message(raised.code, raised.inputs, raised.result, "en")
    assert "below 100000" in en and "counts the base as 100000" in en
    assert english_in_zh(render_any(d, "text", "zh"), "HW-1") == []


@pytest.mark.parametrize(
    ("cost", "low", "high"),
    [
        ("100000", 100000, 300000),  # exactly the floor is not 不足: the base as given, no step
        ("100000.01", Decimal("100000.01"), Decimal("300000.03")),
        ("99999.99", 100000, 300000),  # a fen short: raised
        ("0", 100000, 300000),
    ],
)
def test_the_floor_applies_only_below_it(engine: pe.Engine, cost: str, low: Any, high: Any) -> None:
    d = _decide(engine, cost)
    assert d.statutory_range is not None
    assert (d.statutory_range.min, d.statutory_range.max) == (Decimal(low), Decimal(high))
    assert bool(_steps(d, "range.base_min")) == (Decimal(cost) < 100000)


def test_the_floor_holds_in_every_tier(engine: pe.Engine) -> None:
    # heavier band 2/3–1 of 100000–300000: 233333.33 → 233300 (inner edge rounded), 300000; position 1/2 → 266650
    # → rounded half up to 100 → 266700 (266650 is a half: up)
    d = _decide(engine, "1234.56", serious=True)
    assert d.tier == "heavier" and d.band is not None
    assert (d.band.min, d.band.max) == (Decimal(233300), Decimal(300000))
    assert d.recommended_fine == Decimal(266700)


def test_a_multiple_band_of_a_level_multiplies_the_raised_base(write_pack: Any) -> None:
    # test_levels' rule with a floor of 30000 on the gain: gain 20000 (branch with-gain, gain >= 20000)
    # → base 30000; level general 2–4 × 30000 = 60000–120000, start 0 → 60000; range 2–10 × 30000 = 60000–300000
    rule = test_levels.RULE.replace(
        "fine: {times: gain, min: 2, max: 10}", "fine: {times: gain, min: 2, max: 10, base_min: 30000}"
    )
    engine = pe.Engine.load(write_pack(rule, test_levels.PACK, name="op.yaml"))
    d = test_levels.decide(engine, gain="20000")
    assert d.statutory_range is not None
    assert (d.statutory_range.min, d.statutory_range.max) == (Decimal(60000), Decimal(300000))
    assert d.band is not None and (d.band.min, d.band.max) == (Decimal(60000), Decimal(120000))
    assert d.recommended_fine == Decimal(60000)
    (band,) = _steps(d, "level.band.multiple")
    assert band.inputs["value"] == "30000"


def test_the_bundled_hazardous_waste_rule_raises_its_base() -> None:
    # 附件1 十五 (§4.15): cost 150000 < 200000 → base 200000; every factor at its lowest level → sum 60%
    # → 60% × 200000 × 5 = 600000 (the statutory minimum 3 × 200000)
    engine = pe.Engine.load("cn-gd-environment")
    facts = {"disposal_cost": "150000"}
    violation = "cn-gd-environment/hazardous-waste-unlicensed"
    d = engine.evaluate(case(violation, facts, occurred_on="2025-02-10"), as_of=dt.date(2025, 5, 30))
    assert d.tier == "weighted" and d.recommended_fine == Decimal(600000)
    assert d.statutory_range is not None and d.statutory_range.max == Decimal(1000000)
    (raised,) = _steps(d, "range.base_min")
    assert raised.inputs["base_min"] == "200000"
    assert any("按二十万元计算" in a for a in d.assumptions)


def test_base_min_is_positive_and_left_out_of_a_dump_while_unset() -> None:
    with pytest.raises(ValueError, match="greater than 0"):
        MultipleFine.model_validate({"times": "cost", "min": 1, "max": 3, "base_min": 0})
    plain = MultipleFine.model_validate({"times": "cost", "min": 1, "max": 3})
    assert "base_min" not in plain.model_dump()  # the fingerprints of rules without it are unchanged
    floored = MultipleFine.model_validate({"times": "cost", "min": 1, "max": 3, "base_min": 100000})
    assert floored.model_dump()["base_min"] == "100000"
    assert floored.base(Decimal(5)) == Decimal(100000) and plain.base(Decimal(5)) == Decimal(5)


# ---------------------------------------------------------------- rules check: the quoted floor


def test_the_quoted_floor_is_read_with_its_multiple() -> None:
    text = "处所需处置费用三倍以上五倍以下的罚款，所需处置费用不足二十万元的，按二十万元计算。"
    (stated,) = read_amounts(text)
    assert isinstance(stated, StatedMultiple)
    assert (stated.min, stated.max, stated.base_min) == (Decimal(3), Decimal(5), Decimal(200000))


def _quote_findings(root: Any) -> list[Any]:
    return [f for f in check_pack(root).findings if f.kind == "quote_mismatch"]


@pytest.mark.parametrize(
    ("fine", "message"),
    [
        ("{times: cost, min: 1, max: 3, base_min: 100000}", None),
        ("{times: cost, min: 1, max: 3}", "'base_min' is none where the law says 100000"),
        ("{times: cost, min: 1, max: 3, base_min: 200000}", "'base_min' is 200000 where the law says 100000"),
    ],
)
def test_a_floor_the_law_states_must_be_in_the_frame(write_pack: Any, fine: str, message: str | None) -> None:
    rule = RULE.replace("{times: cost, min: 1, max: 3, base_min: 100000}", fine)
    found = _quote_findings(write_pack(rule, MINI_PACK, name="hw.yaml"))
    assert [f.message.split(": ", 2)[-1] for f in found] == ([message] if message else [])


def test_a_floor_in_the_frame_that_the_quoted_law_does_not_state_is_an_error(write_pack: Any) -> None:
    rule = RULE.replace("，所需处置费用不足十万元的，按十万元计算。", "。")
    (found,) = _quote_findings(write_pack(rule, MINI_PACK, name="hw.yaml"))
    assert "'base_min' is 100000 where the law says none" in found.message
