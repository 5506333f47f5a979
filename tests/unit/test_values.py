"""The one reader of values as people write them (penalty_engine/values, ADR 0016), and its use by
case files: each form, each refusal with what was expected, and the words table itself."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

import penalty_engine as pe
from penalty_engine.core import to_case
from penalty_engine.core.case_io import read_values
from penalty_engine.errors import CaseError
from penalty_engine.models import FactType
from penalty_engine.values import (
    ValueProblem,
    read_age,
    read_amount,
    read_bool,
    read_date,
    read_enum,
    read_named,
    read_number,
    read_party_kind,
    words,
)
from penalty_engine.yamlio import parse_yaml
from tests.conftest import AS_OF, case

DAY = dt.date(2026, 5, 10)


@pytest.mark.parametrize(
    "text",
    [
        "2026-05-10",
        "2026-5-10",
        "2026年5月10日",
        "2026年05月10日",
        "2026 年 5 月 10 日",
        "2026年5月10",
        "2026/5/10",
        "2026/05/10",
        "2026.5.10",
        "２０２６年５月１０日",
        "２０２６／５／１０",
        "  2026-05-10\u3000",
    ],
)
def test_dates_in_every_form_read_to_the_day(text: str) -> None:
    assert read_date(text) == DAY


def test_date_objects_pass_and_a_time_is_read_only_where_exports_write_one() -> None:
    assert read_date(DAY) == DAY and read_date(dt.datetime(2026, 5, 10, 9, 30)) == DAY
    assert read_date("2026/05/10 09:30:00", time_ok=True) == DAY
    with pytest.raises(ValueProblem):
        read_date("2026/05/10 09:30:00")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026/5-10", "a date such as"),  # separators mixed
        ("2026年2月30日", "a day of the calendar"),
        ("五月十日", "a date such as"),
        ("26/5/10", "a date such as"),
        ("10/5/2026", "a date such as"),  # day first: ambiguous, refused
        ("2026-05-10x", "a date such as"),
    ],
)
def test_dates_that_do_not_read_say_what_was_expected(text: str, expected: str) -> None:
    with pytest.raises(ValueProblem) as info:
        read_date(text)
    assert expected in str(info.value) and repr(text) in str(info.value) and info.value.code == "PE-C004"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("52000", "52000"),
        ("52,000", "52000"),
        ("52，000", "52000"),  # the Chinese comma
        ("52000元", "52000"),
        ("52000 元", "52000"),
        ("5.2万", "52000"),
        ("5.2万元", "52000"),
        ("0.35万元", "3500"),
        ("1.23456万", "12345.6"),
        ("3千元", "3000"),
        ("0.5亿", "50000000"),
        ("¥52,000.50", "52000.50"),
        ("￥52000", "52000"),
        ("人民币5万元", "50000"),
        ("52000RMB", "52000"),
        ("５２，０００元", "52000"),
        ("1,234,567.89", "1234567.89"),
    ],
)
def test_amounts_in_every_form_read_to_the_same_decimal(text: str, expected: str) -> None:
    value = read_amount(text)
    assert isinstance(value, Decimal) and value == Decimal(expected)


def test_a_multiplied_amount_comes_back_canonical() -> None:
    # 5.2 × 10000 = 52000.0 in Decimal arithmetic; the reader gives the canonical 52000 (its JSON text)
    assert str(read_amount("5.2万")) == "52000" and str(read_amount("1.5万")) == "15000"


@pytest.mark.parametrize(
    "text",
    ["52,00", "1,5", "5,2000", "1.234,5", "52 000", "5万2千", "五万", "5.2万万", "元", "", "1.5千万", "52000美元"],
)
def test_ambiguous_or_invalid_amounts_are_refused_with_the_forms_expected(text: str) -> None:
    with pytest.raises(ValueProblem) as info:
        read_amount(text)
    assert "an amount such as 52000, 52,000, 52000元 or 5.2万" in str(info.value)


def test_amounts_are_never_float_and_huge_ones_are_a_bounds_error() -> None:
    with pytest.raises(ValueProblem):
        read_amount(52000.0)
    with pytest.raises(ValueProblem):
        read_amount(True)
    with pytest.raises(ValueProblem) as info:
        read_amount("1e30")
    assert info.value.code == "PE-C005" and "10^15" in str(info.value)
    with pytest.raises(ValueProblem) as info:
        read_amount("20000000亿")  # 2 × 10^7 × 10^8 = 2 × 10^15: beyond 10^15 once multiplied
    assert info.value.code == "PE-C005"
    with pytest.raises(ValueProblem):
        read_amount("1e5", exponent=False)


def test_numbers_take_the_facts_own_unit_only() -> None:
    assert read_number("3次", unit="次") == 3 and read_number("１２.５", unit="吨") == Decimal("12.5")
    with pytest.raises(ValueProblem):
        read_number("3吨", unit="次")
    with pytest.raises(ValueProblem):
        read_number("5万")  # multipliers are for amounts


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("party_kind", "个人", "individual"),
        ("party_kind", "自然人", "individual"),
        ("party_kind", "单位", "organization"),
        ("party_kind", "法人", "organization"),
        ("party_kind", "其他组织", "organization"),
        ("party_kind", "Organization", "organization"),
        ("bool", "是", True),
        ("bool", "有", True),
        ("bool", "TRUE", True),
        ("bool", "否", False),
        ("bool", "无", False),
        ("bool", "ｎｏ", False),
        ("outcome", "不予处罚", "no_penalty"),
        ("tier", "从轻", "lighter"),
        ("duty", "责令改正", "order_correction"),
    ],
)
def test_named_values_read_to_their_machine_value(kind: str, text: str, expected: Any) -> None:
    assert read_named(kind, text) == expected


def test_named_value_refusals_name_the_nearest() -> None:
    with pytest.raises(ValueProblem) as info:
        read_party_kind("单")
    assert "individual (个人) or organization (单位)" in str(info.value) and "nearest: 单位" in str(info.value)
    with pytest.raises(ValueProblem):
        read_bool("maybe")
    assert read_bool(True) is True


def test_enum_values_by_their_chinese_names_only_if_the_fact_has_them() -> None:
    harm = ("none", "minor", "serious")
    assert (
        read_enum("严重", harm) == "serious" and read_enum("轻微", harm) == "minor" and read_enum("无", harm) == "none"
    )
    assert read_enum("Serious", harm) == "serious" and read_enum(" serious ", harm) == "serious"
    capacity = ("full", "limited", "none")
    assert read_enum("完全", capacity) == "full" and read_enum("无", capacity) == "none"
    with pytest.raises(ValueProblem) as info:
        read_enum("完全", harm)  # a name, but of a value this fact does not have
    assert "one of 'none' (无), 'minor' (轻微), 'serious' (严重)" in str(info.value)


def test_ages_in_years() -> None:
    assert read_age("35") == 35 and read_age("35岁") == 35 and read_age("１６周岁") == 16 and read_age(0) == 0
    for bad in ("十六", "16.5", "-1", "35 years"):
        with pytest.raises(ValueProblem):
            read_age(bad)
    with pytest.raises(ValueProblem) as info:
        read_age("151")
    assert info.value.code == "PE-C005"


def test_every_enum_value_of_the_bundled_packs_has_a_chinese_name(engine: pe.Engine) -> None:
    # an officer can write every enum value in Chinese; a pack adding a value adds its name here
    table = words()
    missing = set()
    for rule in engine.rules():
        for name, spec in rule.facts.items():
            if spec.type is FactType.enum:
                assert spec.values
                missing |= {(name, v) for v in spec.values if table.main("enum", v) is None}
    assert missing == set()


# ---------------------------------------------------------------- case files

CHINESE = """\
case_id: ZH-1
violation: cn-transport/unlicensed-passenger
occurred_on: 2026年3月2日
discovered_on: 2026/3/5
decided_on: 2026.4.10
party: {kind: 个人, age: 17周岁}
same_act: 否
facts: {illegal_gain: 1.5万, harm: 严重, several_vehicles: 是}
actual: {outcome: 处罚, fine: 5.2万元, tier: 从重, duties: [责令改正, 告知听证权利, 送达]}
"""

MACHINE: dict[str, Any] = {
    "case_id": "ZH-1",
    "violation": "cn-transport/unlicensed-passenger",
    "occurred_on": "2026-03-02",
    "discovered_on": "2026-03-05",
    "decided_on": "2026-04-10",
    "party": {"kind": "individual", "age": 17},
    "same_act": False,
    "facts": {"illegal_gain": "15000", "harm": "serious", "several_vehicles": True},
    "actual": {
        "outcome": "penalty",
        "fine": "52000",
        "tier": "heavier",
        "duties": ["order_correction", "hearing_notice", "送达"],
    },
}


def test_a_case_file_in_chinese_values_is_the_same_case_as_in_machine_values(engine: pe.Engine) -> None:
    located = parse_yaml(CHINESE, "zh.yaml")
    zh = to_case(located.data, located)
    # facts are read against their rule's schema when the case is evaluated; every other field now
    assert zh.model_copy(update={"facts": {}}) == to_case(MACHINE).model_copy(update={"facts": {}})
    assert zh.occurred_on == dt.date(2026, 3, 2) and zh.party.kind == "individual" and zh.party.age == 17
    assert zh.actual is not None and zh.actual.fine == Decimal("52000") and zh.actual.tier == "heavier"
    one, other = engine.evaluate(located.data, source=located), engine.evaluate(MACHINE)
    assert one.model_dump(mode="json") == other.model_dump(mode="json") and one.fingerprint == other.fingerprint


@pytest.mark.parametrize(
    ("field", "bad", "where", "expected"),
    [
        ("occurred_on", "2026年3月32日", "zh.yaml:3", "a day of the calendar"),
        ("party.kind", "个体", "zh.yaml:6", "individual (个人) or organization (单位)"),
        ("party.age", "十七", "zh.yaml:6", "a whole number of years"),
        ("same_act", "不是", "zh.yaml:7", "yes or no"),
        ("actual.fine", "5万2千", "zh.yaml:9", "an amount such as"),
        ("actual.tier", "很重", "zh.yaml:9", "a tier"),
    ],
)
def test_a_case_field_that_does_not_read_is_a_case_error_with_field_expected_and_line(
    field: str, bad: str, where: str, expected: str
) -> None:
    good = {
        "occurred_on": "2026年3月2日",
        "party.kind": "个人",
        "party.age": "17周岁",
        "same_act": "否",
        "actual.fine": "5.2万元",
        "actual.tier": "从重",
    }[field]
    located = parse_yaml(CHINESE.replace(good, bad, 1), "zh.yaml")
    with pytest.raises(CaseError) as info:
        to_case(located.data, located)
    err = info.value
    assert err.code == "PE-C004" and err.message.startswith(f"{field}: expected ")
    assert expected in err.message and repr(bad) in err.message
    assert err.where == f"{where}, case ZH-1"


def test_a_fact_that_does_not_read_names_the_fact_and_the_values(engine: pe.Engine) -> None:
    data = case("unlicensed-passenger", {"illegal_gain": "1.5万", "harm": "很严重"})
    with pytest.raises(CaseError) as info:
        engine.evaluate(data, as_of=AS_OF)
    assert info.value.code == "PE-C004"
    assert (
        "facts.harm: expected one of 'none' (无), 'minor' (轻微), 'serious' (严重), got '很严重'" in info.value.message
    )


def test_machine_values_are_left_as_they_are() -> None:
    data = MACHINE | {"actual": MACHINE["actual"] | {"fine": Decimal(52000)}}
    assert read_values(data) is data  # nothing to read: the same dict, no copy on the hot path


def test_an_export_row_needs_no_types_for_facts_in_chinese(engine: pe.Engine) -> None:
    # replay maps a row to a case dict; its facts are then read like a case file's (ADR 0016)
    from penalty_engine.replay.mapping import Column, Mapping

    columns = {
        "案号": Column(field="case_id"),
        "违法行为": Column(field="violation"),
        "发生日期": Column(field="occurred_on"),
        "决定日期": Column(field="decided_on"),
        "当事人类型": Column(field="party.kind"),
        "违法所得": Column(field="facts.illegal_gain"),
        "危害后果": Column(field="facts.harm"),
        "多车": Column(field="facts.several_vehicles"),
    }
    row = {
        "案号": "R-1",
        "违法行为": "cn-transport/unlicensed-passenger",
        "发生日期": "2026年3月2日",
        "决定日期": "2026/4/10",
        "当事人类型": "法人",
        "违法所得": "1.5万元",
        "危害后果": "严重",
        "多车": "有",
    }
    from_export = engine.evaluate(Mapping(columns=columns).to_case(row))
    machine = {
        "case_id": "R-1",
        "violation": "cn-transport/unlicensed-passenger",
        "occurred_on": "2026-03-02",
        "decided_on": "2026-04-10",
        "party": {"kind": "organization"},
        "facts": {"illegal_gain": "15000", "harm": "serious", "several_vehicles": True},
    }
    assert from_export.model_dump(mode="json") == engine.evaluate(machine).model_dump(mode="json")
