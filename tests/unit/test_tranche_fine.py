"""Tranche fines (``TrancheFine``): the parts of a fact between edges, counted per unit, each at
its rate, summed and capped; and branches that give no penalty (``no_penalty``).

A small pack with one rule shaped like 浙江省公路条例 Art. 53 (masses in kg, limit ``L``): the part
of the gross mass from 1.2 L to 1.5 L at 300 per tonne, the part above 1.5 L at 500 per tonne,
at most 30,000. Line numbers in the expected locations count the lines of the rule text below.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import penalty_engine as pe
from penalty_engine.errors import RuleError, RuleErrors
from tests.conftest import AS_OF, MINI_PACK, case

PACK = (
    MINI_PACK
    + """\
settings:
  tonne: {value: down, assumption: only whole tonnes count}
"""
)

RULE = """\
id: r1
title: {zh: 超限, en: Over the limit}
facts:
  mass: {type: int, min: 1, unit: kg, direction: aggravating, label: {zh: 车货总质量, en: gross mass}}
  limit: {type: int, min: 1000, unit: kg, label: {zh: 最高限值, en: limit}}
versions:
  - effective_from: 2020-01-01
    basis:
      - {law: 测试条例, article: 53, text: 按照下列规定处理}
    frame:
      - id: within-20
        when: mass * 5 <= limit * 6
        no_penalty: {optional: true, education: true}
        basis:
          - {law: 测试条例, article: 53, item: 1, text: 未超过百分之二十的，给予批评教育，可以不予处罚}
      - id: over-20
        fine:
          parts_of: mass
          unit: 1000
          partial: {setting: tonne}
          tranches:
            - above: {times: 1.2, of: limit}
              up_to: {times: 1.5, of: limit}
              rate: 300
            - above: {times: 1.5, of: limit}
              rate: 500
          cap: 30000
"""
#: The lines (1-based) in RULE of ``fine:`` and of the first tranche's ``above``.
FINE_LINE = 17
FIRST_ABOVE_LINE = 22


def load(write_pack: Any, rule: str = RULE, pack: str = PACK) -> pe.Engine:
    return pe.Engine.load(write_pack(rule, pack))


def errors_of(write_pack: Any, rule: str, pack: str = PACK) -> list[RuleError]:
    with pytest.raises(RuleError) as info:
        load(write_pack, rule, pack)
    exc = info.value
    return list(exc.errors) if isinstance(exc, RuleErrors) else [exc]


def decide(engine: pe.Engine, mass: int, limit: int = 49000, **extra: Any) -> pe.Decision:
    return engine.evaluate(case("mini/r1", {"mass": mass, "limit": limit}, **extra), as_of=AS_OF)


def step(d: pe.Decision, code: str) -> Any:
    return next(s for s in d.trail if s.code == code)


# ---------------------------------------------------------------- evaluation


def test_the_fine_is_the_sum_over_tranches_of_whole_units_times_the_rate(write_pack: Any) -> None:
    # L = 49000: 1.2 L = 58800, 1.5 L = 73500. M = 80000: 14700 kg → 14 t × 300 = 4200;
    # 6500 kg → 6 t × 500 = 3000; 7200.
    d = decide(load(write_pack), 80000)
    assert d.outcome == "penalty" and d.tier == "fixed"
    assert d.recommended_fine == Decimal(7200)


def test_a_mass_inside_the_first_tranche_is_fined_only_on_its_part_above_the_lower_edge(write_pack: Any) -> None:
    # M = 65000: 65000 − 58800 = 6200 kg → 6 t (part-tonne counted down) × 300 = 1800; nothing above 1.5 L.
    assert decide(load(write_pack), 65000).recommended_fine == Decimal(1800)


def test_the_cap_bounds_the_sum(write_pack: Any) -> None:
    # M = 130000: 14 t × 300 + 56 t × 500 = 4200 + 28000 = 32200 → cap 30000.
    assert decide(load(write_pack), 130000).recommended_fine == Decimal(30000)


@pytest.mark.parametrize(("partial", "fine"), [("up", "2100"), ("half_up", "1800"), ("exact", "1860")])
def test_the_partial_setting_decides_how_a_part_unit_counts(write_pack: Any, partial: str, fine: str) -> None:
    # M = 65000: the part is 6.2 t → up 7 (2100), half up 6 (1800), pro rata 6.2 × 300 = 1860.
    pack = PACK.replace("{value: down,", f"{{value: {partial},")
    assert decide(load(write_pack, pack=pack), 65000).recommended_fine == Decimal(fine)


def test_a_pro_rata_fine_is_cut_to_whole_fen_and_never_rounded_up(write_pack: Any) -> None:
    # M = 58801 with pro rata counting: 1 kg = 0.001 t × 300 = 0.3; M = 58833: 33 kg → 9.9 yuan.
    # M = 58834.5 is not an int; use limit 49001: 1.2 L = 58801.2, M = 58810 → 8.8 kg → 2.64 yuan.
    pack = PACK.replace("{value: down,", "{value: exact,")
    engine = load(write_pack, pack=pack)
    assert decide(engine, 58801).recommended_fine == Decimal("0.3")
    assert decide(engine, 58810, limit=49001).recommended_fine == Decimal("2.64")
    # 1/3 of a unit: unit 3000 kg, part 1000 kg → 100 yuan exactly; part 1001 → 100.1 (cut, not rounded)
    rule = RULE.replace("unit: 1000", "unit: 3000")
    engine = load(write_pack, rule, pack)
    assert decide(engine, 59800).recommended_fine == Decimal(100)
    assert decide(engine, 59801).recommended_fine == Decimal("100.1")


def test_the_trail_step_shows_each_tranche_so_a_reader_can_redo_it(write_pack: Any) -> None:
    d = decide(load(write_pack), 80000)
    s = step(d, "range.tranches")
    assert s.result == "7200"
    assert s.inputs["tranches"] == [
        {
            "from": "1.2 × 49000 = 58800",
            "to": "1.5 × 49000 = 73500",
            "part": "14700",
            "quotient": "14.7",
            "units": "14",
            "rate": "300",
            "subtotal": "4200",
        },
        {
            "from": "1.5 × 49000 = 73500",
            "to": "∞",
            "part": "6500",
            "quotient": "6.5",
            "units": "6",
            "rate": "500",
            "subtotal": "3000",
        },
    ]
    assert s.inputs["sum"] == "4200 + 3000 = 7200" and s.inputs["cap"] == "30000"
    assert "min(80000, 73500) − 58800 = 14700" in s.inputs["working"]
    assert "80000 − 73500 = 6500; 6500 ÷ 1000 = 6.5 → 6; 6 × 500 = 3000" in s.inputs["working"]
    # the arithmetic of every row holds: part ÷ unit → units; units × rate = subtotal; the sum
    total = Decimal(0)
    for row in s.inputs["tranches"]:
        assert Decimal(row["quotient"]) == Decimal(row["part"]) / 1000
        assert Decimal(row["subtotal"]) == Decimal(row["units"]) * Decimal(row["rate"])
        total += Decimal(row["subtotal"])
    assert min(total, Decimal(s.inputs["cap"])) == Decimal(s.result)
    for lang in ("zh", "en"):
        text = dataclasses.replace(s, lang=lang).message
        smaller = "较小者(80000, 73500)" if lang == "zh" else "min(80000, 73500)"
        assert "4200 + 3000 = 7200" in text and "30000" in text and smaller in text


def test_a_tranche_below_the_mass_counts_nothing(write_pack: Any) -> None:
    # M = 59000 (over 20% by 200 kg): the second tranche starts at 73500, above M: its part is 0.
    s = step(decide(load(write_pack), 59000), "range.tranches")
    assert [r["part"] for r in s.inputs["tranches"]] == ["200", "0"]
    assert "59000 ≤ 73500: 0" in s.inputs["working"]
    assert s.result == "0"


# ---------------------------------------------------------------- a branch without a penalty


def test_a_no_penalty_branch_decides_no_penalty_with_the_education_duty_cited_to_the_branch(
    write_pack: Any,
) -> None:
    # M = 58800 = 1.2 L exactly: 5 × 58800 = 6 × 49000 → within-20.
    d = decide(load(write_pack), 58800)
    assert d.outcome == "no_penalty" and d.penalties == [] and d.recommended_fine is None
    assert [u.kind for u in d.duties] == ["education"]
    assert d.duties[0].basis[0] == "测试条例 第五十三条第（一）项"
    assert step(d, "branch.may_no_penalty").inputs == {
        "branch": "within-20",
        "branch_zh": "其他情形",
        "branch_en": "the other cases",
    }


def test_a_mandatory_no_penalty_branch_has_its_own_step_and_no_duty_without_education(write_pack: Any) -> None:
    rule = RULE.replace("no_penalty: {optional: true, education: true}", "no_penalty: {optional: false}")
    d = decide(load(write_pack, rule), 50000)
    assert d.outcome == "no_penalty" and d.duties == []
    assert step(d, "branch.no_penalty").result == "no_penalty"


def test_a_no_penalty_branch_cannot_also_give_a_penalty(write_pack: Any) -> None:
    rule = RULE.replace(
        "no_penalty: {optional: true, education: true}", "no_penalty: {optional: true}\n        also: [{kind: warning}]"
    )
    (err,) = errors_of(write_pack, rule)
    assert err.code == "PE-R004" and "no_penalty" in err.message


# ---------------------------------------------------------------- validation at load


def test_tranches_that_overlap_are_an_error_at_the_fine(write_pack: Any) -> None:
    rule = RULE.replace("- above: {times: 1.5, of: limit}", "- above: {times: 1.4, of: limit}")
    (err,) = errors_of(write_pack, rule)
    assert err.code == "PE-R004" and "tranche 2 starts below the end of tranche 1" in err.message
    assert str(err.where).endswith(f"r1.yaml:{FINE_LINE}")


def test_a_tranche_that_ends_where_it_starts_is_an_error(write_pack: Any) -> None:
    rule = RULE.replace("up_to: {times: 1.5, of: limit}", "up_to: {times: 1.2, of: limit}")
    (err,) = errors_of(write_pack, rule)
    assert "tranche 1 ends at or below where it starts" in err.message


def test_only_the_last_tranche_may_be_open(write_pack: Any) -> None:
    rule = RULE.replace("              up_to: {times: 1.5, of: limit}\n", "")
    (err,) = errors_of(write_pack, rule)
    assert "tranche 1 has no 'up_to' but is not the last tranche" in err.message


def test_edges_of_different_kinds_are_refused_because_their_order_is_unknown(write_pack: Any) -> None:
    rule = RULE.replace("- above: {times: 1.5, of: limit}", "- above: 73500")
    (err,) = errors_of(write_pack, rule)
    assert "all numbers or all multiples of one fact" in err.message


def test_an_edge_naming_an_undeclared_fact_is_an_error_at_its_line(write_pack: Any) -> None:
    rule = RULE.replace(
        "{times: 1.5, of: limit}\n              rate: 500", "{times: 1.5, of: limt}\n              rate: 500"
    )
    rule = rule.replace("up_to: {times: 1.5, of: limit}", "up_to: {times: 1.5, of: limt}")
    rule = rule.replace("above: {times: 1.2, of: limit}", "above: {times: 1.2, of: limt}")
    (err,) = errors_of(write_pack, rule)
    assert err.code == "PE-R010" and "'limt'" in err.message and "limit" in err.message
    assert str(err.where).endswith(f"r1.yaml:{FIRST_ABOVE_LINE}")


def test_the_counted_fact_must_be_numeric(write_pack: Any) -> None:
    rule = RULE.replace("parts_of: mass", "parts_of: flag").replace(
        "facts:\n", "facts:\n  flag: {type: bool, default: false, label: {zh: 标记, en: flag}}\n"
    )
    (err,) = errors_of(write_pack, rule)
    assert err.code == "PE-R010" and "fine.parts_of" in err.message and "bool" in err.message


def test_the_partial_setting_must_exist(write_pack: Any) -> None:
    (err,) = errors_of(write_pack, RULE.replace("{setting: tonne}", "{setting: tone}"))
    assert err.code == "PE-R010" and "'tone'" in err.message


def test_an_edge_multiple_must_be_a_finite_decimal(write_pack: Any) -> None:
    rule = RULE.replace("{times: 1.2, of: limit}", "{times: 1/3, of: limit}")
    (err,) = errors_of(write_pack, rule)
    assert err.code == "PE-R004" and "decimal number" in err.message
    assert str(err.where).endswith(f"r1.yaml:{FIRST_ABOVE_LINE}")


ZJ = Path(__file__).resolve().parents[2] / "rules" / "cn-zj-transport"


def test_in_the_zhejiang_layer_a_minor_gets_a_fine_below_the_one_the_tranches_fix() -> None:
    # 行政处罚法 Art. 30 (inherited general part): a 16-year-old → 应当从轻或者减轻. M = 80000, L = 49000: the
    # tranches fix 7200; below it: band [3600, 7200), middle 5400 → 5400 (a multiple of 100).
    engine = pe.Engine.load(ZJ)
    facts = {"gross_mass_kg": 80000, "mass_limit_kg": 49000}
    adult = engine.evaluate(case("cn-zj-transport/zj-over-limit-gross-mass", facts), as_of=AS_OF)
    minor = engine.evaluate(
        case("cn-zj-transport/zj-over-limit-gross-mass", facts, party={"kind": "individual", "age": 16}),
        as_of=AS_OF,
    )
    assert adult.recommended_fine == Decimal(7200) and adult.tier == "fixed"
    assert minor.recommended_fine == Decimal(5400) and minor.tier == "below_minimum"


def test_a_bare_id_the_base_and_a_layer_share_names_the_base_and_a_layer_only_id_its_own() -> None:
    engine = pe.Engine.load("cn-transport", ZJ)
    assert engine.rule("unqualified-driver").id == "cn-transport/unqualified-driver"
    assert engine.rule("zj-over-limit-gross-mass").id == "cn-zj-transport/zj-over-limit-gross-mass"
    assert engine.rule("cn-zj-transport/unqualified-driver").pack.id == "cn-zj-transport"
