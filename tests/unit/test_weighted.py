"""The weighted-factor mode (权重累加模式, ADR 0020): a synthetic table whose weights can pass 100%, so
the cap, the floor, the clamp and a factor not established are each seen; amounts computed by hand
in the comments."""

from __future__ import annotations

from typing import Any

import pytest

import penalty_engine as pe
from penalty_engine.models.trail import render_message
from penalty_engine.render import render_any
from tests.conftest import AS_OF, MINI_PACK, case
from tests.language.test_chinese_first import english_in_zh

PACK = (
    MINI_PACK
    + """\
weighted_clamp_assumption: {zh: 低于法定最低罚款的，按最低罚款计算（测试用假设）, en: raised to the minimum}
general:
  provisions:
    - id: minor
      effect: mitigate
      when: party.kind == "individual" && party.age >= 14 && party.age < 18
      label: {zh: 未成年人, en: minor}
      basis:
        - law: 行政处罚法
          article: 30
          text: 已满十四周岁不满十八周岁的未成年人有违法行为的，应当从轻或者减轻行政处罚。
"""
)

RULE = """\
id: w
title: {zh: 超标排放, en: Over-limit discharge}
facts:
  kind:
    {type: enum, values: [unknown, low, high], default: unknown, direction: aggravating, label: {zh: 类别, en: kind}}
  times:
    {type: enum, values: [unknown, once, often], default: unknown, direction: aggravating, label: {zh: 次数, en: times}}
versions:
  - effective_from: 2020-01-01
    basis:
      - {law: 测试法, article: 1, text: 处十万元以上一百万元以下的罚款}
    frame:
      - id: main
        fine: {min: 100000, max: 1000000}
    weighted:
      start: 5/100
      FLOOR
      basis:
        - benchmark: 测试裁量表：裁量起点5%；罚款金额＝裁量百分值总和×100万
      unknown_basis:
        - {law: 测试规定, article: 5, text: 裁量因素确无法查明的按该项裁量因素的最低档次进行计算}
      factors:
        - id: kind
          label: {zh: 类别, en: kind}
          levels:
            - {id: high, label: {zh: 高, en: high}, weight: 70/100, when: kind == "high"}
            - {id: low, label: {zh: 低, en: low}, weight: 1/100, when: kind == "low"}
        - id: times
          label: {zh: 次数, en: times}
          levels:
            - {id: once, label: {zh: 一次, en: once}, weight: 2/100, when: times == "once"}
            - {id: often, label: {zh: 多次, en: often}, weight: 60/100, when: times == "often"}
"""


@pytest.fixture
def engine(write_pack: Any) -> pe.Engine:
    return pe.Engine.load(write_pack(RULE.replace("FLOOR", ""), PACK, name="w.yaml"))


def _decide(engine: pe.Engine, facts: dict[str, Any], **extra: Any) -> pe.Decision:
    return engine.evaluate(case("mini/w", facts, **extra), as_of=AS_OF)


def _steps(d: pe.Decision, code: str) -> list[Any]:
    return [s for s in d.trail if s.code == code]


def test_sum_over_100_is_capped(engine: pe.Engine) -> None:
    # 5% + 70% + 60% = 135% > 100% → 100% × 1000000 = 1000000
    d = _decide(engine, {"kind": "high", "times": "often"})
    assert d.tier == "weighted" and d.recommended_fine == 1000000
    (step,) = _steps(d, "weighted.sum")
    assert step.inputs["raw"] == "135%" and step.inputs["sum"] == "100%" and step.inputs["kept"] == "capped"


def test_not_established_counts_at_lowest_and_clamp_is_an_assumption(engine: pe.Engine) -> None:
    # kind unknown → lowest level 'low' 1% (not the first listed); times once 2%: 5 + 1 + 2 = 8%
    # → 80000 < 100000: raised to the minimum, with the pack's assumption
    d = _decide(engine, {"times": "once"})
    assert d.recommended_fine == 100000 and d.band is not None and d.band.min == d.band.max == 100000
    kind = _steps(d, "weighted.factor")[0]
    assert kind.inputs["level"] == "low" and kind.inputs["established"] is False
    assert "测试规定 第五条" in kind.basis
    assert "确无法查明" in render_message(kind.code, kind.inputs, kind.result, "zh")
    assert "not established" in render_message(kind.code, kind.inputs, kind.result, "en")
    (clamp,) = _steps(d, "weighted.clamp")
    assert clamp.inputs["raw"] == "80000" and clamp.result == "100000"
    assert any("测试用假设" in a for a in d.assumptions)


def test_no_clamp_no_assumption(engine: pe.Engine) -> None:
    # 5 + 70 + 2 = 77% → 770000, inside the range: no clamp step, no clamp assumption
    d = _decide(engine, {"kind": "high", "times": "once"})
    assert d.recommended_fine == 770000 and not _steps(d, "weighted.clamp")
    assert not any("测试用假设" in a for a in d.assumptions)


def test_floor(write_pack: Any) -> None:
    rule = RULE.replace(
        "FLOOR", "floor: 20/100\n      floor_basis: [{benchmark: 测试裁量表备注：不足20%的，按20%计算}]"
    )
    engine = pe.Engine.load(write_pack(rule, PACK, name="w.yaml"))
    # 5 + 1 + 2 = 8% < 20% → 20% × 1000000 = 200000
    d = engine.evaluate(case("mini/w", {"kind": "low", "times": "once"}), as_of=AS_OF)
    assert d.recommended_fine == 200000
    (step,) = _steps(d, "weighted.sum")
    assert step.inputs["kept"] == "floored" and step.basis == ["裁量基准：测试裁量表备注：不足20%的，按20%计算"]


def test_trail_recomputes_the_amount(engine: pe.Engine) -> None:
    """A reader recomputes the fine from the trail alone: weights → sum → × maximum → rounding."""
    d = _decide(engine, {"kind": "high", "times": "once"})
    weights = [int(s.result.rstrip("%")) for s in _steps(d, "weighted.factor")]
    start = int(_steps(d, "weighted.start")[0].result.rstrip("%"))
    (amount,) = _steps(d, "weighted.amount")
    assert (start + sum(weights)) * int(amount.inputs["max"]) // 100 == int(amount.result)


def test_zh_trail_has_no_english(engine: pe.Engine) -> None:
    d = _decide(engine, {"times": "once"}, case_id="W-1")
    assert english_in_zh(render_any(d, "text", "zh"), "W-1") == []


def test_weighted_and_tiers_is_a_load_error(write_pack: Any) -> None:
    rule = RULE.replace("FLOOR", "").replace("    frame:", "    tiers: [{tier: standard}]\n    frame:")
    with pytest.raises(pe.PenaltyEngineError, match="weighted"):
        pe.Engine.load(write_pack(rule, PACK, name="w.yaml"))


def test_clamp_needs_the_pack_assumption(write_pack: Any) -> None:
    with pytest.raises(pe.PenaltyEngineError, match="weighted_clamp_assumption"):
        pe.Engine.load(write_pack(RULE.replace("FLOOR", ""), MINI_PACK, name="w.yaml"))


def test_mandatory_mitigation_leaves_the_amount_to_the_officer(engine: pe.Engine) -> None:
    # 77% → 770000 without the mitigation; a minor (应当从轻或者减轻): no amount, band 100000–770000
    d = _decide(engine, {"kind": "high", "times": "once"}, party={"kind": "individual", "age": 16})
    assert d.recommended_fine is None and d.band is not None and d.band.min == 100000 and d.band.max == 770000
    assert [o.kind for o in d.options] == ["lighter"]  # the mini pack has no below-minimum rule
    assert "decide_mitigation" in {x.kind for x in d.duties}
    (step,) = _steps(d, "weighted.mitigate")
    assert step.inputs["amount"] == "770000" and step.inputs["min"] == "100000"
