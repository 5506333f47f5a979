"""Quote versus frame (#19): the reader of amounts in statute text, and `quote_mismatch` findings on
defect packs whose frame differs from the law they quote."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from penalty_engine.check.quote import (
    StatedBoundary,
    StatedCap,
    StatedMultiple,
    StatedPerUnit,
    StatedRange,
    cn_amount,
    read_amounts,
)
from penalty_engine.check.static import KINDS, Finding, check_pack
from tests.conftest import MINI_RULE, ROOT

# ------------------------------------------------------------------ the reader


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("三万", 30000),
        ("3万", 30000),
        ("1万", 10000),
        ("五千", 5000),
        ("二十万", 200000),
        ("十万", 100000),
        ("一百", 100),
        ("两千", 2000),
        ("一千零五十", 1050),
        ("30000", 30000),
        ("30,000", 30000),
        ("1.5万", 15000),
        ("3千万", 30_000_000),
        ("一亿二千万", 120_000_000),
    ],
)
def test_a_numeral_in_arabic_or_chinese_figures_reads_as_an_exact_decimal(numeral: str, value: int) -> None:
    got = cn_amount(numeral)
    assert isinstance(got, Decimal) and got == value


def test_something_that_is_not_a_numeral_is_refused() -> None:
    with pytest.raises(ValueError, match="not a numeral"):
        cn_amount("三元")


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("处3000元以上1万元以下罚款", 3000, 10000),
        ("处5000元以上2万元以下的罚款", 5000, 20000),
        ("处二千元以上一万元以下的罚款", 2000, 10000),
        ("处五万元以上二十万元以下的罚款", 50000, 200000),
        ("可以处三万元以下的罚款", 0, 30000),  # no lower figure: from 0
        ("处3万元以下的罚款", 0, 30000),
        ("处一百元罚款", 100, 100),  # a fixed amount
    ],
)
def test_a_range_of_money_is_read_with_its_units(text: str, low: int, high: int) -> None:
    assert read_amounts(text) == [StatedRange(Decimal(low), Decimal(high))]


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("处违法所得1倍以上5倍以下的罚款", 1, 5),
        ("处违法所得二倍以上十倍以下罚款", 2, 10),
        ("处违法所得2倍的罚款", 2, 2),
        ("处货值金额3倍以下的罚款", 0, 3),
    ],
)
def test_a_multiple_is_read_as_its_factors(text: str, low: int, high: int) -> None:
    assert read_amounts(text) == [StatedMultiple(Decimal(low), Decimal(high))]


def test_a_cap_joins_the_per_unit_amount_before_it_and_is_not_read_as_a_boundary() -> None:
    text = "超过1000千克的，每超1000千克罚款500元，最高不得超过三万元。"
    got = read_amounts(text)
    # 超过 inside 最高不得超过 is part of the cap, not a boundary of its own
    assert got == [
        StatedBoundary("超过", Decimal(1000), "mass"),
        StatedPerUnit(Decimal(1000), Decimal(500), Decimal(30000)),
    ]
    assert got[1].words == "每超1000千克罚款500元，最高不得超过三万元"


def test_a_cap_after_a_multiple_with_but_joins_the_multiple() -> None:
    got = read_amounts("处违法所得1倍以上3倍以下的罚款，但最高不得超过十万元；")
    assert got == [StatedMultiple(Decimal(1), Decimal(3), Decimal(100000))]


def test_a_cap_alone_in_its_sentence_stays_a_cap() -> None:
    got = read_amounts("每超1吨罚款500元。罚款最高不得超过3万元。")
    # 每超1吨: a tonne is 1000 kg; the cap is in another sentence, so it is not the per-unit fine's
    assert got == [StatedPerUnit(Decimal(1000), Decimal(500)), StatedCap(Decimal(30000))]


def test_per_unit_amounts_in_kilograms_and_tonnes() -> None:
    assert read_amounts("每超过1000千克罚款500元") == [StatedPerUnit(Decimal(1000), Decimal(500))]
    assert read_amounts("每超2吨，罚款一千元") == [StatedPerUnit(Decimal(2000), Decimal(1000))]


def test_boundaries_between_situations_are_read_with_their_relation() -> None:
    got = read_amounts("没有违法所得或者违法所得不足1万元的；违法所得1万元以上的；未超过1000千克的")
    assert got == [
        StatedBoundary("不足", Decimal(10000), "money"),
        StatedBoundary("以上", Decimal(10000), "money"),
        StatedBoundary("未超过", Decimal(1000), "mass"),
    ]


def test_text_without_amounts_states_nothing() -> None:
    assert read_amounts("对1年内违法超限运输超过3次的货运车辆，吊销其车辆营运证；") == []


# ------------------------------------------------------------------ defect packs

PER_UNIT_RULE = """\
id: r1
title: {zh: 规则一, en: Rule one}
facts:
  excess_kg: {type: int, min: 1, unit: kg, direction: aggravating, label: {zh: 超限质量, en: mass over the limit}}
versions:
  - effective_from: 2020-01-01
    basis:
      - {law: 测试法, article: 43, text: 每超1000千克罚款500元，最高不得超过三万元。}
    frame:
      - id: over
        fine: {per: excess_kg, unit: 1000, rate: 500, partial: up}
"""


def quote_findings(root: Path) -> list[Finding]:
    report = check_pack(root)
    others = [(f.kind, f.message) for f in report.findings if f.kind != "quote_mismatch"]
    assert not others, f"unexpected findings: {others}"
    return report.findings


def test_a_per_unit_fine_without_the_cap_its_law_states_is_an_error_at_its_line(write_pack: Any) -> None:
    (found,) = quote_findings(write_pack(PER_UNIT_RULE))
    assert found.kind == "quote_mismatch" and found.severity == "error" and found.rule == "mini/r1"
    assert found.file is not None and found.file.endswith("r1.yaml") and found.line == 11
    assert found.message == (
        "version 2020-01-01: branch 'over' does not match 测试法 第四十三条 "
        "('每超1000千克罚款500元，最高不得超过三万元'): the law caps the fine at 30000 but the frame has no 'cap'"
    )


def test_a_per_unit_fine_with_its_cap_matches(write_pack: Any) -> None:
    rule = PER_UNIT_RULE.replace("rate: 500,", "rate: 500, cap: 30000,")
    assert quote_findings(write_pack(rule)) == []


def test_a_per_unit_fine_with_another_cap_or_rate_is_an_error(write_pack: Any) -> None:
    rule = PER_UNIT_RULE.replace("rate: 500,", "rate: 600, cap: 50000,")
    (found,) = quote_findings(write_pack(rule))
    assert "'rate' is 600 where the law says 500; 'cap' is 50000 where the law says 30000" in found.message


def test_a_per_tonne_law_matches_a_per_1000_kg_frame_and_not_a_per_500_kg_one(write_pack: Any) -> None:
    rule = PER_UNIT_RULE.replace("每超1000千克罚款500元", "每超1吨罚款500元").replace(
        "rate: 500,", "rate: 500, cap: 30000,"
    )
    assert quote_findings(write_pack(rule)) == []
    (found,) = quote_findings(write_pack(rule.replace("unit: 1000", "unit: 500")))
    assert "'unit' is 500 where the law says 1000" in found.message


def test_a_range_other_than_the_quoted_one_is_an_error_at_its_line(write_pack: Any) -> None:
    rule = MINI_RULE.replace("text: 处1000元以上4000元以下的罚款", "text: 处2000元以上4000元以下的罚款")
    (found,) = quote_findings(write_pack(rule))
    assert found.severity == "error" and found.line == 11  # the line of `fine: {min: 1000, max: 4000}`
    assert found.message == (
        "version 2020-01-01: branch 'base' does not match 测试法 第一条 ('处2000元以上4000元以下的罚款'): "
        "'min' is 1000 where the law says 2000"
    )


ARTICLE_2 = (
    "有违法所得的，处违法所得1倍以上5倍以下的罚款；没有违法所得或者违法所得不足1万元的，处3000元以上1万元以下的罚款。"
)
MULTIPLE_RULE = """\
id: r1
title: {zh: 规则一, en: Rule one}
facts:
  gain: {type: money, min: 0, default: 0, direction: aggravating, label: {zh: 违法所得, en: gain}}
versions:
  - effective_from: 2020-01-01
    basis:
      - {law: 测试法, article: 2, text: ARTICLE_2}
    frame:
      - id: gain
        when: gain >= 10000
        fine: {times: gain, min: 1, max: 5}
      - id: base
        fine: {min: 3000, max: 10000}
    tiers:
      - {tier: standard}
""".replace("ARTICLE_2", ARTICLE_2)


def test_a_multiple_and_a_range_quoted_together_both_match(write_pack: Any) -> None:
    assert quote_findings(write_pack(MULTIPLE_RULE)) == []


def test_a_multiple_other_than_the_quoted_one_is_an_error(write_pack: Any) -> None:
    (found,) = quote_findings(write_pack(MULTIPLE_RULE.replace("min: 1, max: 5", "min: 1, max: 3")))
    assert found.line == 12 and "'max' is 3 where the law says 5" in found.message


def test_a_cap_on_a_multiple_is_reported_as_one_the_frame_cannot_hold(write_pack: Any) -> None:
    rule = MULTIPLE_RULE.replace("5倍以下的罚款；", "5倍以下的罚款，但最高不得超过三万元；")
    (found,) = quote_findings(write_pack(rule))
    assert "the law caps the fine at 30000, which a multiple fine cannot encode" in found.message


def test_the_branch_that_differs_is_paired_by_the_amount_it_shares(write_pack: Any) -> None:
    # two ranges stated, two encoded: 3000–10000 matches; 10000–40000 shares its min with 10000–50000
    rule = MULTIPLE_RULE.replace(
        "处3000元以上1万元以下的罚款。", "处3000元以上1万元以下的罚款，情节严重的，处1万元以上5万元以下的罚款。"
    ).replace(
        "      - id: base\n",
        "      - id: serious\n        when: gain < 1\n        fine: {min: 10000, max: 40000}\n      - id: base\n",
    )
    (found,) = quote_findings(write_pack(rule))
    assert "branch 'serious'" in found.message and "'max' is 40000 where the law says 50000" in found.message


def test_an_amount_that_cannot_be_paired_with_one_branch_raises_no_alarm(write_pack: Any) -> None:
    # two ranges stated, one other range encoded, sharing no amount with either: which one it encodes is unclear
    rule = MINI_RULE.replace(
        "text: 处1000元以上4000元以下的罚款", "text: 处200元以下罚款；情节严重的，处500元以上800元以下的罚款"
    )
    assert quote_findings(write_pack(rule)) == []


def test_a_branch_is_compared_with_its_own_quoted_basis(write_pack: Any) -> None:
    own = "        basis:\n          - {law: 测试法, article: 9, text: 处1000元以上5000元以下的罚款}\n"
    rule = MINI_RULE.replace("        fine: {min: 1000, max: 4000}\n", "        fine: {min: 1000, max: 4000}\n" + own)
    (found,) = quote_findings(write_pack(rule))
    assert "测试法 第九条" in found.message and "'max' is 4000 where the law says 5000" in found.message


def test_the_shipped_pack_states_the_amounts_it_encodes() -> None:
    report = check_pack("cn-transport")
    assert [f.message for f in report.findings if f.kind == "quote_mismatch"] == []


def test_every_check_kind_is_documented_with_its_severity() -> None:
    text = (ROOT / "docs" / "rule-authoring.md").read_text(encoding="utf-8")
    documented = dict(re.findall(r"^### `([a-z_]+)` — (error|warning)$", text, flags=re.MULTILINE))
    assert documented == KINDS
