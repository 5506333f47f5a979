"""The band mode (幅度罚款模式, ADR 0024): a synthetic 2 × 2 table in a pack that rounds to 100 yuan
half up, so the excluded upper end (upper − 100), an average off the unit and the fixed row are each
seen; amounts computed by hand in the comments."""

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
id: b
title: {zh: 废气未密闭, en: Emissions not enclosed}
facts:
  a:
    {type: enum, values: [unknown, a1, a2], default: unknown, direction: aggravating, label: {zh: 密闭情况, en: a}}
  z:
    {type: enum, values: [unknown, z1, z2], default: unknown, direction: aggravating, label: {zh: 区域, en: area}}
  hot: {type: bool, default: false, direction: aggravating, label: {zh: 突发事件期间, en: during an emergency}}
versions:
  - effective_from: 2020-01-01
    basis:
      - {law: 测试法, article: 1, text: 处一千元以上一万元以下的罚款}
    frame:
      - id: main
        fine: {min: 1000, max: 10000}
    banded:
      below: BELOW
      basis: [{benchmark: 测试裁量表：按密闭情况和区域确定罚款}]
      bounds_basis: [{law: 测试规定, article: 23, text: 以下不包括本数}]
      average_basis: [{law: 测试规定, article: 12, text: 一般处罚按平均金额处罚}]
      unknown_basis: [{law: 测试规定, article: 5, text: 裁量因素确无法查明的按该项裁量因素的最低档次进行计算}]
      assumption: {zh: 平均金额按所列两端计算（测试用假设）, en: the average of the printed ends}
      heavier:
        - id: hot
          label: {zh: 突发事件期间, en: during an emergency}
          when: hot
          basis: [{law: 测试规定, article: 10, text: 可以从重处罚}]
      factors:
        - id: a
          label: {zh: 密闭情况, en: enclosure}
          levels:
            - {id: a1, label: {zh: 已密闭, en: enclosed}, when: a == "a1"}
            - {id: a2, label: {zh: 未密闭, en: not enclosed}, when: a == "a2"}
        - id: z
          label: {zh: 区域, en: area}
          levels:
            - {id: z1, label: {zh: 一般区域, en: ordinary}, when: z == "z1"}
            - {id: z2, label: {zh: 敏感区, en: sensitive}, when: z == "z2"}
      rows:
        - {levels: {a: a1, z: z1}, band: {min: 1000, max: 2500}, label: {zh: 1000元以上2500元以下, en: to 2500}}
        - {levels: {a: a1, z: z2}, band: {min: 3000, max: 5000}, label: {zh: 3000元以上5000元以下, en: to 5000}}
        - {levels: {a: a2, z: z1}, band: {min: 5000, max: 8000}, label: {zh: 5000元以上8000元以下, en: to 8000}}
        - {levels: {a: a2, z: z2}, band: {fixed: 10000}, label: {zh: 10000元, en: "10000"}}
"""


def rule_text(below: str = "exclusive") -> str:
    return RULE.replace("BELOW", below)


@pytest.fixture
def engine(write_pack: Any) -> pe.Engine:
    return pe.Engine.load(write_pack(rule_text(), PACK, name="b.yaml"))


def _decide(engine: pe.Engine, facts: dict[str, Any], **extra: Any) -> pe.Decision:
    return engine.evaluate(case("mini/b", facts, **extra), as_of=AS_OF)


def _steps(d: pe.Decision, code: str) -> list[Any]:
    return [s for s in d.trail if s.code == code]


MINOR = {"kind": "individual", "age": 16}


def _band(d: pe.Decision) -> tuple[str, str]:
    assert d.band is not None
    return str(d.band.min), str(d.band.max)


def test_average_off_the_unit_is_rounded_inside_the_band(engine: pe.Engine) -> None:
    # row 1: 1000 to under 2500; highest multiple of 100 below 2500 = 2400 → band 1000–2400;
    # average (1000 + 2500) ÷ 2 = 1750 → half up to 100: 1800
    d = _decide(engine, {"a": "a1", "z": "z1"})
    assert d.tier == "banded" and d.recommended_fine == 1800
    assert _band(d) == ("1000", "2400")
    codes = [s.code for s in d.trail if s.code.startswith("banded.")]
    assert codes == [
        "banded.factor",
        "banded.factor",
        "banded.row",
        "banded.band",
        "banded.average",
        "banded.general",
        "banded.round",
    ]
    (avg,) = _steps(d, "banded.average")
    assert avg.result == "1750" and avg.basis == ["测试规定 第十二条"]
    (band,) = _steps(d, "banded.band")
    assert band.inputs["top"] == "2400" and band.basis == ["测试规定 第二十三条"]
    assert any("测试用假设" in a for a in d.assumptions)


def test_an_inclusive_table_keeps_its_upper_end(write_pack: Any) -> None:
    engine = pe.Engine.load(write_pack(rule_text("inclusive"), PACK, name="b.yaml"))
    # row 2 inclusive: 3000–5000; average 4000
    d = _decide(engine, {"a": "a1", "z": "z2"})
    assert d.recommended_fine == 4000 and _band(d) == ("3000", "5000")
    assert _steps(d, "banded.band.inclusive") and not _steps(d, "banded.band")


def test_a_factor_not_established_counts_at_its_first_level(engine: pe.Engine) -> None:
    # a unknown → a1 (第五条); z2 → row 2: 3000 to under 5000 → band 3000–4900, average 4000
    d = _decide(engine, {"z": "z2"})
    assert d.recommended_fine == 4000 and _band(d) == ("3000", "4900")
    a = _steps(d, "banded.factor")[0]
    assert a.inputs["level"] == "a1" and a.inputs["established"] is False
    assert "测试规定 第五条" in a.basis
    assert "确无法查明" in render_message(a.code, a.inputs, a.result, "zh")
    (row,) = _steps(d, "banded.row")
    assert row.inputs["row"] == 2 and row.result == {"min": "3000", "max": "5000"}


def test_aggravation_leaves_the_band_from_the_average_up(engine: pe.Engine) -> None:
    # row 3: 5000 to under 8000 → top 7900; average 6500; 从重 → the officer decides in 6500–7900
    d = _decide(engine, {"a": "a2", "z": "z1", "hot": True})
    assert d.recommended_fine is None and _band(d) == ("6500", "7900")
    assert [(p.kind, p.amount) for p in d.penalties] == [("fine", None)]
    (step,) = _steps(d, "banded.heavier")
    assert step.basis == ["测试规定 第十条", "测试规定 第十二条"]


def test_aggravation_of_a_fixed_row_is_the_amount(engine: pe.Engine) -> None:
    d = _decide(engine, {"a": "a2", "z": "z2", "hot": True})
    assert d.recommended_fine == 10000 and d.band is not None and d.band.min == d.band.max == 10000
    assert _steps(d, "banded.heavier.fixed")


def test_mandatory_mitigation_leaves_the_part_below_the_average(engine: pe.Engine) -> None:
    # row 2: average 4000; 从轻应当低于平均值 → 3000 to 4000 − 100 = 3900, the officer decides
    d = _decide(engine, {"a": "a1", "z": "z2"}, party=MINOR)
    assert d.recommended_fine is None and _band(d) == ("3000", "3900")
    assert [o.kind for o in d.options] == ["lighter"]  # the mini pack has no below-minimum rule
    assert "decide_mitigation" in {x.kind for x in d.duties}
    (step,) = _steps(d, "banded.lighter")
    assert step.inputs["average"] == "4000" and step.inputs["min"] == "1000"


def test_mandatory_mitigation_comes_before_aggravation(engine: pe.Engine) -> None:
    d = _decide(engine, {"a": "a2", "z": "z1", "hot": True}, party=MINOR)
    # row 3 average 6500: lighter 5000–6400, the aggravation set aside (and said so)
    assert _band(d) == ("5000", "6400")
    assert _steps(d, "banded.heavier.overridden") and not _steps(d, "banded.heavier")


def test_mandatory_mitigation_of_a_fixed_row_runs_from_the_statutory_minimum(engine: pe.Engine) -> None:
    # fixed 10000: nothing below the average inside the row → statutory minimum 1000 to 10000 − 100 = 9900
    d = _decide(engine, {"a": "a2", "z": "z2"}, party=MINOR)
    assert _band(d) == ("1000", "9900") and d.recommended_fine is None


def test_zh_trail_has_no_english(engine: pe.Engine) -> None:
    for facts, party in (({"z": "z2"}, None), ({"a": "a2", "z": "z1", "hot": True}, MINOR)):
        extra = {"party": party} if party else {}
        d = _decide(engine, facts, case_id="B-1", **extra)
        assert english_in_zh(render_any(d, "text", "zh"), "B-1") == []


def test_a_hole_reached_by_a_case_is_an_evaluation_error(write_pack: Any) -> None:
    text = "\n".join(line for line in rule_text().splitlines() if "{a: a2, z: z2}" not in line) + "\n"
    engine = pe.Engine.load(write_pack(text, PACK, name="b.yaml"))
    assert _decide(engine, {"a": "a2", "z": "z1"}).recommended_fine == 6500
    with pytest.raises(pe.PenaltyEngineError, match="no row of the band table"):
        _decide(engine, {"a": "a2", "z": "z2"})


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("    frame:", "    tiers: [{tier: standard}]\n    frame:", "'banded' version has no"),
        ("{a: a1, z: z1}", "{a: a3, z: z1}", "has no level 'a3'"),
        ("{a: a1, z: z1}", "{a: a1}", "names a level of each factor"),
        ("      bounds_basis: [{law: 测试规定, article: 23, text: 以下不包括本数}]\n", "", "bounds_basis"),
        ("{min: 3000, max: 5000}", "{min: 5000, max: 5000}", "is not below its 'max'"),
    ],
)
def test_malformed_tables_do_not_load(write_pack: Any, old: str, new: str, message: str) -> None:
    text = rule_text()
    assert old in text
    with pytest.raises(pe.PenaltyEngineError, match=message):
        pe.Engine.load(write_pack(text.replace(old, new), PACK, name="b.yaml"))


def test_the_published_benchmark_prints_the_table_and_its_assumptions() -> None:
    from penalty_engine.publish import publish

    doc = " ".join(publish("cn-gd-environment", "markdown", "zh").split())
    # the §3.14 rows as printed, with the band in amounts (以下不包括本数) and the exact row
    assert "| 2万元以上4万元以下 | 20000 – 40000（不含上端） |" in doc
    assert "| 环境敏感区或限批区 | 20万元 | 200000 |" in doc
    assert "一般处罚按平均金额" in doc and "广东省生态环境行政处罚自由裁量权规定 第二十三条" in doc
    # the table's own assumption and the 第十条 one (with its condition) are in the register
    assert "幅度罚款模式的平均金额按裁量表所列区间两端的数额计算" in doc
    assert "第十条规定“可以从重处罚”" in doc
    en = " ".join(publish("cn-gd-environment", "markdown", "en").split())
    assert "| 20,000 to under 40,000 yuan | 20000 – 40000 (upper end excluded) |" in en


def test_replay_groups_banded_cases_by_their_levels_and_circumstances() -> None:
    from penalty_engine.replay.classify import key_of, similarity

    engine = pe.Engine.load("cn-gd-environment")

    def key(facts: dict[str, Any]) -> str:
        data = {
            "case_id": "R",
            "violation": "cn-gd-environment/vocs-not-enclosed",
            "occurred_on": "2025-04-08",
            "decided_on": "2025-06-20",
            "party": {"kind": "organization"},
            "facts": facts,
        }
        return key_of(similarity(engine.evaluate(data)))

    row6 = {"vocs_enclosure": "closed_facilities_missing", "vocs_outlet_zone": "sensitive_or_restricted"}
    # a fact the table does not read (近二年同类违法行为) does not separate two cases of one row
    assert key(row6) == key({**row6, "similar_2y": "twice"})
    assert "vocs_enclosure='closed_facilities_missing'" in key(row6)
    # another row, or an aggravating circumstance, does
    assert key(row6) != key({**row6, "vocs_outlet_zone": "outside_sensitive_or_restricted"})
    assert key(row6) != key({**row6, "emergency_measures_breached": True})
    assert "emergency_measures_breached=True" in key({**row6, "emergency_measures_breached": True})
