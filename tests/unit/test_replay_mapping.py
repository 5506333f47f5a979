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
            "actual.duties": "a、b",
            "actual.fine": "1.5万元",
            "occurred_on": "2026/3/2",
        }
    )
    assert case == {
        "case_id": "C1",
        "party": {"kind": "individual"},
        "facts": {"x": "1"},
        "actual": {"duties": ["a", "b"], "fine": "15000"},
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
