"""Named levels (阶次) with a band per statutory branch, as published tables give them (ADR 0010).

The rule below is shaped like a provincial table row (e.g. 甘肃省道路运输行政处罚裁量权细化标准 1.1):
有违法所得 2–4 / 4–7 / 7–10 倍, 违法所得不足2万元 3万–5万 / 5万–7万 / 7万–10万 元, plus a level that gives a
range only. Every amount below is computed by hand in the comment next to it.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import penalty_engine as pe
from tests.conftest import AS_OF, MINI_PACK, case

PACK = (
    MINI_PACK
    + """\
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
  hearing:
    - {party: individual, amount: 10000, effective_from: 2020-01-01, assumption: 测试用的听证标准}
    - {party: organization, amount: 100000, effective_from: 2020-01-01, assumption: 测试用的听证标准}
"""
)

RULE = """\
id: op
title: {zh: 非法经营, en: Unlicensed operation}
facts:
  gain: {type: money, min: 0, default: 0, label: {zh: 违法所得, en: illegal gain}}
  months: {type: int, min: 0, default: 0, direction: aggravating, label: {zh: 经营月数, en: months}}
  refused: {type: bool, default: false, direction: aggravating, label: {zh: 拒不改正, en: refused}}
  station: {type: bool, default: false, direction: aggravating, label: {zh: 车站揽客, en: at stations}}
versions:
  - effective_from: 2020-01-01
    basis:
      - law: 测试条例
        article: 63
        text: >-
          有违法所得的，处违法所得2倍以上10倍以下的罚款；
          没有违法所得或者违法所得不足2万元的，处3万元以上10万元以下的罚款
    frame:
      - id: with-gain
        when: gain >= 20000
        fine: {times: gain, min: 2, max: 10}
      - id: no-gain
        fine: {min: 30000, max: 100000}
    levels:
      - id: serious
        name: {zh: 严重, en: Serious}
        tier: heavier
        when: station
        bands:
          with-gain: {min_times: 7, max_times: 10}
          no-gain: {min: 70000, max: 100000}
        point: false
      - id: grave
        name: {zh: 较重, en: Grave}
        tier: heavier
        when: months > 3 && refused
        bands:
          with-gain: {min_times: 4, max_times: 7}
          no-gain: {min: 50000, max: 70000}
      - id: general
        name: {zh: 一般, en: General}
        tier: lighter
        start: 0
        bands:
          with-gain: {min_times: 2, max_times: 4}
          no-gain: {min: 30000, max: 50000}
"""


@pytest.fixture
def engine(write_pack: Any) -> pe.Engine:
    return pe.Engine.load(write_pack(RULE, PACK, name="op.yaml"))


def decide(engine: pe.Engine, **facts: Any) -> pe.Decision:
    party = facts.pop("party", {"kind": "organization"})
    return engine.evaluate(case("mini/op", facts, party=party), as_of=AS_OF)


def test_first_level_whose_condition_holds_gives_its_band_for_the_branch(engine: pe.Engine) -> None:
    d = decide(engine)
    # no gain → branch no-gain; no circumstance → level general (lighter), band 30000–50000, start 0 → 30000
    assert d.level is not None and d.level.id == "general" and d.level.name.zh == "一般"
    assert d.tier == "lighter"
    assert d.band is not None and (d.band.min, d.band.max) == (Decimal(30000), Decimal(50000))
    assert d.recommended_fine == Decimal(30000)
    assert d.schema_ == "penalty-engine/decision@2"


def test_multiple_bands_are_exact_and_never_rounded(engine: pe.Engine) -> None:
    d = decide(engine, gain="23456", months=4, refused=True)
    # with-gain, level grave: 4 × 23456 = 93824 to 7 × 23456 = 164192 (not rounded to 100);
    # start 1/2 (pack) → 93824 + 1/2 × 70368 = 129008 → rounded half_up to 100 → 129000
    assert d.level is not None and d.level.id == "grave" and d.tier == "heavier"
    assert d.band is not None and (d.band.min, d.band.max) == (Decimal(93824), Decimal(164192))
    assert d.recommended_fine == Decimal(129000)
    codes = [s.code for s in d.trail]
    assert "level" in codes and "level.band.multiple" in codes and "tier" not in codes


def test_a_band_narrower_than_the_rounding_unit_keeps_the_amount_inside(write_pack: Any) -> None:
    rule = RULE.replace("with-gain: {min_times: 2, max_times: 4}", "with-gain: {times: 4}")
    engine = pe.Engine.load(write_pack(rule, PACK, name="op.yaml"))
    d = decide(engine, gain="23456")
    # fixed multiple 4 × 23456 = 93824: no multiple of 100 lies in 93824–93824, so the fen is the unit
    assert d.band is not None and d.band.min == d.band.max == Decimal(93824)
    assert d.recommended_fine == Decimal(93824)


def test_a_level_with_a_range_only_reports_no_amount_and_errs_towards_the_hearing(engine: pe.Engine) -> None:
    d = decide(engine, station=True, party={"kind": "individual", "age": 30})
    # level serious, no-gain: 70000–100000, no recommended amount; fine up to 100000 >= 10000 → hearing notice
    assert d.level is not None and d.level.id == "serious"
    assert d.recommended_fine is None and d.outcome == "penalty"
    assert d.band is not None and (d.band.min, d.band.max) == (Decimal(70000), Decimal(100000))
    assert [p.kind for p in d.penalties] == ["fine"] and d.penalties[0].amount is None
    assert "hearing_notice" in [x.kind for x in d.duties]
    assert d.trail[-1].code != "amount" and "level.range_only" in [s.code for s in d.trail]


def test_mandatory_mitigation_caps_to_the_lighter_level_of_the_cases_branch(engine: pe.Engine) -> None:
    minor = {"kind": "individual", "age": 16}
    d = decide(engine, gain="30000", months=5, refused=True, party=minor)
    # grave (4–7 ×) capped to general, the lighter level with a band for with-gain: 2 × 30000 – 4 × 30000,
    # start 0 → 60000; the band the trail states is the band the amount comes from
    assert d.level is not None and d.level.id == "general" and d.tier == "lighter"
    assert d.band is not None and (d.band.min, d.band.max) == (Decimal(60000), Decimal(120000))
    assert d.recommended_fine == Decimal(60000)
    band_step = next(s for s in d.trail if s.code == "level.band.multiple")
    amount_step = next(s for s in d.trail if s.code == "amount")
    assert band_step.inputs["band_min"] == amount_step.inputs["band_min"] == "60000"
    assert band_step.inputs["band_max"] == amount_step.inputs["band_max"] == "120000"


def test_a_band_beyond_the_statutory_range_is_cut_to_it(write_pack: Any) -> None:
    rule = RULE.replace("no-gain: {min: 70000, max: 100000}", "no-gain: {min: 70000, max: 120000}")
    engine = pe.Engine.load(write_pack(rule, PACK, name="op.yaml"))
    d = decide(engine, station=True)
    # the table says up to 120000, the law 100000: the law wins
    assert d.band is not None and d.band.max == Decimal(100000)
    step = next(s for s in d.trail if s.code == "level.band.amount")
    assert step.inputs["kept"] == "cut to the statutory range"


def test_the_level_is_in_the_text_and_the_json(engine: pe.Engine) -> None:
    from penalty_engine.render import render_decision

    d = decide(engine, gain="23456", months=4, refused=True)
    assert "裁量阶次: 较重" in render_decision(d, "text", "zh")
    assert "Level: Grave (较重)" in render_decision(d, "text", "en")
    data = d.model_dump(mode="json", by_alias=True)
    assert data["level"] == {"id": "grave", "name": {"zh": "较重", "en": "Grave"}}
    assert list(data)[5:7] == ["tier", "level"]


def test_a_decision_of_the_first_schema_is_still_read() -> None:
    from penalty_engine.models import Decision

    old = {
        "schema": "penalty-engine/decision@1",
        "case_id": "X",
        "violation": {"id": "p/r", "title": "t", "pack": "p", "version": "2020-01-01"},
        "dates": {"occurred_on": "2020-02-01", "discovered_on": None, "decided_on": "2020-03-01"},
        "outcome": "penalty",
        "tier": "standard",
        "statutory_range": {"min": "1000", "max": "4000"},
        "band": {"min": "2000", "max": "3000"},
        "recommended_fine": "2500",
        "currency": "CNY",
        "penalties": [{"kind": "fine", "amount": "2500"}],
        "factors": [],
        "duties": [],
        "options": [],
        "assumptions": [],
        "trail": [],
        "fingerprint": "sha256:x",
        "engine": "penalty-engine 0.1.0",
    }
    d = Decision.model_validate(old)
    assert d.level is None and d.recommended_fine == Decimal(2500)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("no-gain: {min: 30000, max: 50000}", "level 'general' has no band for branch 'no-gain'"),
        ("with-gain: {min_times: 2, max_times: 4}\n          nope: {min: 1, max: 2}", "names branch 'nope'"),
    ],
)
def test_bad_level_bands_are_refused_with_the_file_and_line(write_pack: Any, change: str, message: str) -> None:
    rule = RULE.replace(
        "          with-gain: {min_times: 2, max_times: 4}\n          no-gain: {min: 30000, max: 50000}",
        "          " + (change if "nope" in change else "with-gain: {min_times: 2, max_times: 4}"),
    )
    root: Path = write_pack(rule, PACK, name="op.yaml")
    with pytest.raises(pe.RuleError) as exc:
        pe.Engine.load(root)
    assert message in str(exc.value) and "op.yaml:" in str(exc.value)


def test_levels_and_tiers_together_are_refused(write_pack: Any) -> None:
    rule = RULE.replace("    levels:\n", "    tiers:\n      - {tier: standard}\n    levels:\n", 1)
    with pytest.raises(pe.RuleError, match="'levels' or 'tiers', not both"):
        pe.Engine.load(write_pack(rule, PACK, name="op.yaml"))


def test_a_case_no_level_covers_stops_with_the_gap_code(write_pack: Any) -> None:
    # without the last level (no 'when'), a case with no circumstance falls in no level
    rule = RULE.replace("      - id: general\n", "      - id: general\n        when: months > 0\n")
    engine = pe.Engine.load(write_pack(rule, PACK, name="op.yaml"))
    with pytest.raises(pe.EvaluationError) as exc:
        decide(engine)
    assert exc.value.code == "PE-E003" and "no level of mini/op" in exc.value.message


def test_a_band_wholly_outside_the_statutory_range_stops_with_its_code(write_pack: Any) -> None:
    rule = RULE.replace("no-gain: {min: 70000, max: 100000}", "no-gain: {min: 110000, max: 120000}")
    engine = pe.Engine.load(write_pack(rule, PACK, name="op.yaml"))
    with pytest.raises(pe.EvaluationError) as exc:
        decide(engine, station=True)
    # 110000–120000 against the statutory 30000–100000: nothing of the band is lawful
    assert exc.value.code == "PE-E004" and "outside the statutory range 30000–100000" in exc.value.message
