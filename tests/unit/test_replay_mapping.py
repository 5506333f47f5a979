"""Mapping files: Chinese headers and values → case fields (是/否, 个人/单位, 1.5万元, Chinese dates)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from penalty_engine.errors import CaseError
from penalty_engine.replay.mapping import Mapping, load_mapping, parse_amount, parse_date

MAPPING = """\
encoding: gbk
columns:
  案件编号: case_id
  违法行为: {field: violation, values: {无证货运: cn-transport/unlicensed-freight}}
  当事人类型: party.kind
  违法所得: {field: facts.illegal_gain, type: amount}
  发生日期: occurred_on
  决定日期: decided_on
  多车: {field: facts.several_vehicles, type: bool}
  一年内次数: {field: facts.prior_12m, type: int}
  处罚结果: actual.outcome
  罚款金额: actual.fine
  经办人: {field: actual.officer, encoding: gb18030}
  备注: {field: actual.unit}
constants: {party.age: 40}
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.5万元", "15000"),
        ("15000", "15000"),
        ("1,200.50元", "1200.5"),
        ("￥3000", "3000"),
        ("2万", "20000"),
        ("0.35万元", "3500"),
        ("12000.00", "12000"),
    ],
)
def test_amounts(text: str, expected: str) -> None:
    assert parse_amount(text) == expected


@pytest.mark.parametrize("text", ["abc", "1.5千万", "", "1e5"])
def test_bad_amounts(text: str) -> None:
    with pytest.raises(CaseError):
        parse_amount(text)


@pytest.mark.parametrize("text", ["2026/3/2", "2026年3月2日", "2026-03-02", "2026.3.2", "2026/03/02 10:15:00"])
def test_dates(text: str) -> None:
    assert parse_date(text) == "2026-03-02"
    assert parse_date(dt.datetime(2026, 3, 2, 9)) == "2026-03-02"


@pytest.mark.parametrize("text", ["2026/2/30", "三月二日", "2026"])
def test_bad_dates(text: str) -> None:
    with pytest.raises(CaseError):
        parse_date(text)


def test_mapping_file(tmp_path: Path) -> None:
    path = tmp_path / "map.yaml"
    path.write_text(MAPPING, encoding="utf-8")
    m = load_mapping(path)
    assert m.encoding == "gbk" and m.column_encoding("经办人") == "gb18030" and m.column_encoding("备注") == "gbk"
    row = {
        "案件编号": "ZJ-1",
        "违法行为": "无证货运",
        "当事人类型": "单位",
        "违法所得": "1.56万元",
        "发生日期": "2026/3/2",
        "决定日期": "2026年4月10日",
        "多车": "是",
        "一年内次数": "1",
        "处罚结果": "处罚",
        "罚款金额": "5.2万元",
        "经办人": "张三",
        "备注": " ",
        "未映射": "x",
    }
    assert m.to_case(row) == {
        "case_id": "ZJ-1",
        "violation": "cn-transport/unlicensed-freight",
        "party": {"kind": "organization", "age": 40},
        "facts": {"illegal_gain": "15600", "several_vehicles": True, "prior_12m": 1},
        "occurred_on": "2026-03-02",
        "decided_on": "2026-04-10",
        "actual": {"outcome": "penalty", "fine": "52000", "officer": "张三"},
    }


def test_mapping_value_errors_name_the_column(tmp_path: Path) -> None:
    path = tmp_path / "map.yaml"
    path.write_text(MAPPING, encoding="utf-8")
    m = load_mapping(path)
    with pytest.raises(CaseError, match="当事人类型"):
        m.to_case({"当事人类型": "公司?"})
    with pytest.raises(CaseError, match="违法行为"):
        m.to_case({"违法行为": "无证客运"})
    with pytest.raises(CaseError, match="多车"):
        m.to_case({"多车": "也许"})


def test_no_mapping_uses_dotted_headers() -> None:
    case = Mapping().to_case(
        {
            "case_id": "C1",
            "party.kind": "个人",
            "facts.x": "1",
            "actual.duties": "责令改正、法制审核",
            "actual.fine": "1.5万元",
            "occurred_on": "2026/3/2",
        }
    )
    assert case == {
        "case_id": "C1",
        "party": {"kind": "individual"},
        "facts": {"x": "1"},
        "actual": {"duties": ["order_correction", "legal_review"], "fine": "15000"},
        "occurred_on": "2026-03-02",
    }


@pytest.mark.parametrize(
    "text",
    ["- a list", "columns: {a: {type: amount}}", "columns: {a: {field: x, type: money}}", "colums: {}", ": : :"],
)
def test_bad_mapping_files(tmp_path: Path, text: str) -> None:
    path = tmp_path / "map.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CaseError):
        load_mapping(path)


def _column(spec: str, tmp_path: Path) -> Mapping:
    path = tmp_path / "map.yaml"
    path.write_text(f"columns:\n  {spec}\n", encoding="utf-8")
    return load_mapping(path)


@pytest.mark.parametrize(
    ("cell", "duties"),
    [
        ("告知听证权利", ["hearing_notice"]),
        ("责令改正、告知听证权利", ["order_correction", "hearing_notice"]),
        ("法制审核，集体讨论", ["legal_review", "collective_discussion"]),
        ("法制审核,集体讨论;教育", ["legal_review", "collective_discussion", "education"]),
        ("听证告知；法制审查", ["hearing_notice", "legal_review"]),
        (" 责令改正　听证告知\n集体讨论 ", ["order_correction", "hearing_notice", "collective_discussion"]),
        ("hearing_notice;LEGAL_REVIEW", ["hearing_notice", "legal_review"]),
        ("告知陈述申辩权利、送达", ["告知陈述申辩权利", "送达"]),  # steps the engine does not check: kept
    ],
)
def test_a_duties_cell_is_split_first_then_each_item_named(cell: str, duties: list[str]) -> None:
    assert Mapping().to_case({"actual.duties": cell}) == {"actual": {"duties": duties}}


def test_a_mapping_values_table_translates_each_item_of_a_list_cell(tmp_path: Path) -> None:
    # the blocker of issue #14: the table was applied to the whole cell before it was split
    m = _column("义务: {field: actual.duties, values: {听证: hearing_notice, 审核: legal_review}}", tmp_path)
    assert m.to_case({"义务": "听证"}) == {"actual": {"duties": ["hearing_notice"]}}
    assert m.to_case({"义务": "听证、审核、责令改正"}) == {
        "actual": {"duties": ["hearing_notice", "legal_review", "order_correction"]}
    }


def test_a_mapping_values_table_wins_over_the_built_in_names(tmp_path: Path) -> None:
    m = _column("档次: {field: actual.tier, values: {一般: lighter}}", tmp_path)
    assert m.to_case({"档次": "一般"}) == {"actual": {"tier": "lighter"}}
    assert m.to_case({"档次": "从重"}) == {"actual": {"tier": "heavier"}}  # not in the table: built-in


@pytest.mark.parametrize(
    ("header", "cell", "value"),
    [
        ("actual.outcome", "给予行政处罚", "penalty"),
        ("actual.outcome", "不予行政处罚", "no_penalty"),
        ("actual.outcome", " No Penalty ", "no_penalty"),
        ("actual.tier", "从轻", "lighter"),
        ("actual.tier", "一般", "standard"),
        ("actual.tier", "从重处罚", "heavier"),
        ("actual.tier", "减轻", "below_minimum"),
        ("actual.tier", "固定", "fixed"),
        ("actual.tier", "ＨＥＡＶＩＥＲ", "heavier"),  # full-width Latin
        ("party.kind", "自然人", "individual"),
        ("party.kind", "法人", "organization"),
        ("party.kind", "组织", "organization"),
        ("same_act", "有", True),
        ("same_act", "无", False),
        ("same_act", "对", True),
        ("same_act", "Yes", True),
    ],
)
def test_built_in_chinese_and_english_names(header: str, cell: str, value: object) -> None:
    case = Mapping().to_case({header: cell})
    node: object = case
    for part in header.split("."):
        assert isinstance(node, dict)
        node = node[part]
    assert node == value


@pytest.mark.parametrize(
    ("cell", "kind"),
    [
        ("罚款", "fine"),
        ("吊销许可证件", "revocation"),
        ("暂扣", "permit_suspension"),  # 暂扣许可证件, Art. 9 item 3 (ADR 0017)
        ("责令停产停业", "suspension"),  # Art. 9 item 4
        ("停业整顿", "suspension_for_rectification"),
    ],
)
def test_penalty_kinds_have_built_in_names(tmp_path: Path, cell: str, kind: str) -> None:
    m = _column("处罚种类: {field: actual.kind, type: penalty_kind}", tmp_path)
    assert m.to_case({"处罚种类": cell}) == {"actual": {"kind": kind}}


def test_an_unknown_duty_is_a_reject_naming_column_value_and_nearest_names(tmp_path: Path) -> None:
    m = _column("程序义务: actual.duties", tmp_path)
    with pytest.raises(CaseError, match=r"程序义务: '听证告之' is not a duty.*nearest: 听证告知") as info:
        m.to_case({"程序义务": "责令改正、听证告之"})
    assert "告知听证权利 (hearing_notice)" in info.value.message


def test_a_value_outside_a_mapping_table_without_type_names_the_nearest(tmp_path: Path) -> None:
    m = _column("违法行为: {field: violation, values: {无证货运: cn-transport/unlicensed-freight}}", tmp_path)
    assert m.to_case({"违法行为": " 无证货运 "}) == {"violation": "cn-transport/unlicensed-freight"}
    with pytest.raises(CaseError, match=r"违法行为: '无证货运输'.*nearest: 无证货运"):
        m.to_case({"违法行为": "无证货运输"})
