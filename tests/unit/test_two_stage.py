"""The two-stage form of a weighted table (附件1 §1.6: 限期内改正 … ×20万 / 逾期未改正 … ×100万; ADR 0023).

The annex copy in the sources has §1.6's 备注 and start points but not its factor rows, so the
shipped pack does not encode it. This table is TEST DATA (测试裁量表): its factors and weights are
made up to exercise the form — two weight columns, each with its start and its branch's maximum as
the base. Amounts by hand in the comments."""

from __future__ import annotations

from typing import Any

import pytest

import penalty_engine as pe
from penalty_engine.errors import RuleErrors
from penalty_engine.models.trail import render_message
from penalty_engine.pack.compiled import compile_pack
from penalty_engine.pack.loader import load_pack_files
from penalty_engine.publish import render_publication
from tests.conftest import AS_OF, MINI_PACK, case

PACK = (
    MINI_PACK
    + "weighted_clamp_assumption: {zh: 低于法定最低罚款的，按最低罚款计算（测试用假设）, en: raised to the minimum}\n"
)

RULE = """\
id: s
title: {zh: 逾期未改正（测试）, en: Not corrected by the deadline (test)}
facts:
  in_time: {type: bool, default: false, label: {zh: 限期内改正, en: corrected within the deadline}}
  scale:
    {type: enum, values: [unknown, small, large], default: unknown, direction: aggravating,
     label: {zh: 规模, en: scale}}
  times:
    {type: enum, values: [unknown, once, often], default: unknown, direction: aggravating,
     label: {zh: 次数, en: times}}
versions:
  - effective_from: 2020-01-01
    basis:
      - law: 测试条例
        article: 1
        text: 责令限期改正，处5万元以上20万元以下的罚款；逾期未改正的，处20万元以上100万元以下的罚款
    frame:
      - id: in-time
        when: in_time
        label: {zh: 限期内改正, en: corrected in time}
        fine: {min: 50000, max: 200000}
      - id: overdue
        label: {zh: 逾期未改正, en: not corrected by the deadline}
        fine: {min: 200000, max: 1000000}
    weighted:
      stages:
        - id: in-time
          label: {zh: 限期内改正, en: corrected within the deadline}
          branch: in-time
          start: 25/100
          basis: [{benchmark: 测试裁量表：限期内改正的罚款金额＝限期内改正的裁量百分值总和×20万}]
        - id: overdue
          label: {zh: 逾期未改正, en: not corrected by the deadline}
          branch: BRANCH
          start: 20/100
          basis: [{benchmark: 测试裁量表：逾期未改正的罚款金额＝逾期未改正的裁量百分值总和×100万}]
      unknown_basis:
        - {law: 测试规定, article: 5, text: 裁量因素确无法查明的按该项裁量因素的最低档次进行计算}
      factors:
        - id: scale
          label: {zh: 规模, en: scale}
          levels:
            - {id: small, label: {zh: 小, en: small}, weights: {in-time: 0, overdue: 0}, when: scale == "small"}
            - {id: large, label: {zh: 大, en: large}, weights: {in-time: 30/100, overdue: 10/100},
               when: scale == "large"}
        - id: times
          label: {zh: 次数, en: times}
          levels:
            - {id: once, label: {zh: 一次, en: once}, weights: {in-time: 0, overdue: 0}, when: times == "once"}
            - {id: often, label: {zh: 多次, en: often}, weights: {in-time: 60/100, overdue: 75/100},
               when: times == "often"}
"""


@pytest.fixture
def engine(write_pack: Any) -> pe.Engine:
    return pe.Engine.load(write_pack(RULE.replace("BRANCH", "overdue"), PACK, name="s.yaml"))


def _decide(engine: pe.Engine, facts: dict[str, Any]) -> pe.Decision:
    return engine.evaluate(case("mini/s", facts), as_of=AS_OF)


@pytest.mark.parametrize(
    ("facts", "fine", "stage"),
    [
        # in time: 25% + 30% + 0% = 55% × 200000 = 110000 (in 50000–200000)
        ({"in_time": True, "scale": "large", "times": "once"}, 110000, "in-time"),
        # overdue, same facts: 20% + 10% + 0% = 30% × 1000000 = 300000 (in 200000–1000000)
        ({"scale": "large", "times": "once"}, 300000, "overdue"),
        # in time: 25% + 30% + 60% = 115% → capped at 100% × 200000 = 200000
        ({"in_time": True, "scale": "large", "times": "often"}, 200000, "in-time"),
        # overdue, nothing established: lowest levels 0% + 0%: 20% × 1000000 = 200000, the minimum
        ({}, 200000, "overdue"),
    ],
)
def test_the_stage_gives_start_weights_and_base(
    engine: pe.Engine, facts: dict[str, Any], fine: int, stage: str
) -> None:
    d = _decide(engine, facts)
    assert d.tier == "weighted" and d.recommended_fine == fine
    (step,) = [s for s in d.trail if s.code == "weighted.stage"]
    assert step.result == stage
    zh = render_message(step.code, step.inputs, step.result, "zh")
    assert ("限期内改正" if stage == "in-time" else "逾期未改正") in zh


def test_a_stage_names_a_branch_of_the_frame(write_pack: Any) -> None:
    with pytest.raises(RuleErrors, match="overdu"):
        pe.Engine.load(write_pack(RULE.replace("BRANCH", "overdu"), PACK, name="s.yaml"))


def test_each_level_weighs_in_each_stage(write_pack: Any) -> None:
    rule = RULE.replace("BRANCH", "overdue").replace(
        "weights: {in-time: 0, overdue: 0}, when: times", "weights: {in-time: 0}, when: times"
    )
    with pytest.raises(RuleErrors, match="each stage"):
        pe.Engine.load(write_pack(rule, PACK, name="s.yaml"))


def test_publication_shows_both_columns(write_pack: Any) -> None:
    root = write_pack(RULE.replace("BRANCH", "overdue"), PACK, name="s.yaml")
    loaded = load_pack_files(root)
    text = render_publication(loaded.pack, compile_pack(loaded), "markdown", "zh")
    assert "限期内改正 25%；逾期未改正 20%" in text and "限期内改正 30%；逾期未改正 10%" in text
