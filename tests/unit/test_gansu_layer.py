"""The Gansu layer (rules/cn-gs-transport): row 1.1 of 《甘肃省道路运输行政处罚裁量权细化标准》 as named
levels over the national rule unlicensed-passenger, 2019-03-02 – 2023-07-19 (ADR 0010, ADR 0011).

The layer is loaded on its own (with the national pack both would answer to a bare rule id). The
golden cases in cases/cn-gs-transport/ hold the amounts; a golden ``expect`` has no ``level`` key,
so the level of each golden case is pinned here. Every band below is the table's, read by hand.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import penalty_engine as pe
from penalty_engine.check.golden import cases_dir, golden_files, run_file, run_pack
from penalty_engine.core import read_case_file
from penalty_engine.models import Benchmark, in_lang
from tests.conftest import AS_OF, case

RULE = "cn-gs-transport/unlicensed-passenger"
OLD = {"occurred_on": "2022-06-01", "decided_on": "2022-07-15"}

# The table's three rows, as the copy prints them after the level name (its half-width punctuation kept).
TABLE = {
    "一般": "未取得道路客运经营许可证,擅自从事道路客运经营3个月以下的。责令停止经营;有违法所得的,没收违法所得,"
    "并处违法所得2倍以上4倍以下的罚款;违法所得不足2万元,处3万元以上5万元以下的罚款。",
    "较重": "未取得道路客运经营许可证,擅自从事道路客运经营3个月以上且拒不改正的。责令停止经营;有违法所得的,"
    "没收违法所得,并处违法所得4倍以上7倍以下的罚款;违法所得不足2万元,处5万元以上7万元以下的罚款。",
    "严重": "在车站等旅客集散地长期非法从事道路客运经营,严重影响道路运输市场秩序及正常稳定运行的。责令停止经营;"
    "有违法所得的,没收违法所得,并处违法所得7倍以上10倍以下的罚款;违法所得不足2万元,处7万元以上10万元以下的罚款。",
}


@pytest.fixture(scope="module")
def gansu() -> pe.Engine:
    return pe.Engine.load("cn-gs-transport")


def decide(engine: pe.Engine, facts: dict[str, Any], **extra: Any) -> pe.Decision:
    return engine.evaluate(case(RULE, facts, **{**OLD, **extra}), as_of=AS_OF)


@pytest.mark.parametrize(
    ("facts", "level", "band"),
    [
        # gain 30000 (有违法所得): 2–4 / 4–7 / 7–10 × 30000
        ({"illegal_gain": "30000", "operation_months": 2}, "一般", (60000, 120000)),
        ({"illegal_gain": "30000", "operation_months": 5, "refused_to_correct": True}, "较重", (120000, 210000)),
        ({"illegal_gain": "30000", "at_hub_long_term": True}, "严重", (210000, 300000)),
        # no gain (违法所得不足2万元 column, the branch base): 3万–5万 / 5万–7万 / 7万–10万
        ({"operation_months": 1}, "一般", (30000, 50000)),
        ({"operation_months": 4, "refused_to_correct": True}, "较重", (50000, 70000)),
        ({"at_hub_long_term": True}, "严重", (70000, 100000)),
    ],
)
def test_each_cell_of_the_table_gives_its_printed_band(
    gansu: pe.Engine, facts: dict[str, Any], level: str, band: tuple[int, int]
) -> None:
    d = decide(gansu, facts)
    assert d.level is not None and d.level.name.zh == level
    assert d.band is not None and (d.band.min, d.band.max) == (Decimal(band[0]), Decimal(band[1]))
    assert d.recommended_fine == Decimal(sum(band)) / 2  # the layer's start 1/2, no factor: every middle is whole


def test_the_tables_gap_is_general_and_says_so_only_there(gansu: pe.Engine) -> None:
    gap = decide(gansu, {"operation_months": 6})
    # more than 3 months without 拒不改正: neither 一般 nor 较重 in the table; the layer reads 一般
    assert gap.level is not None and gap.level.id == "general"
    assert any("该表的空白" in a and "the table's gap" in in_lang(a, "en") for a in gap.assumptions)
    inside = decide(gansu, {"operation_months": 2})
    assert not any("该表的空白" in a for a in inside.assumptions)


def test_exactly_three_months_with_refusal_is_general(gansu: pe.Engine) -> None:
    d = decide(gansu, {"operation_months": 3, "refused_to_correct": True})
    assert d.level is not None and d.level.id == "general"
    assert any("恰好3个月" in a and "exactly 3 months" in in_lang(a, "en") for a in d.assumptions)
    longer = decide(gansu, {"operation_months": "3.5", "refused_to_correct": True})
    assert longer.level is not None and longer.level.id == "grave"


def test_serious_is_tried_first(gansu: pe.Engine) -> None:
    d = decide(gansu, {"operation_months": 8, "refused_to_correct": True, "at_hub_long_term": True})
    assert d.level is not None and d.level.id == "serious"


def test_the_levels_quote_the_table_verbatim(gansu: pe.Engine) -> None:
    levels = gansu.rule(RULE).rule.versions[0].levels
    assert [lv.name.zh for lv in levels] == ["严重", "较重", "一般"]
    for lv in levels:
        (basis,) = lv.basis
        assert isinstance(basis, Benchmark)
        assert basis.benchmark == f"甘肃省道路运输行政处罚裁量权细化标准 1.1 {lv.name.zh}：{TABLE[lv.name.zh]}"


def test_the_2023_version_is_the_national_one_unchanged(gansu: pe.Engine) -> None:
    national = pe.Engine.load("cn-transport").rule("cn-transport/unlicensed-passenger")
    layer = gansu.rule(RULE)
    # versions: 2019-03-02 (the 2019 text), 2022-05-01 (the 2022 text; the table covers both), 2023-07-20
    assert [v.effective_from.isoformat() for v in layer.rule.versions] == ["2019-03-02", "2022-05-01", "2023-07-20"]
    assert layer.rule.versions[2] == national.rule.versions[2]
    for i in (0, 1):
        assert layer.rule.versions[i].frame == national.rule.versions[i].frame, "the statutory frame is the base's"
        assert layer.versions[i].origin["levels"] == "cn-gs-transport"
    assert layer.rule.versions[0].levels == layer.rule.versions[1].levels
    assert layer.versions[2].origin["tiers"] == "cn-transport"


def test_the_pack_says_its_source_is_an_unverified_copy(gansu: pe.Engine) -> None:
    pack = gansu.rule(RULE).pack
    text = " ".join(pack.assumptions)
    assert "未经核实的转载件" in text and "https://www.renrendoc.com/p-61476338.html" in text
    assert "无法辨认制定机关、文号、发布日期和施行日期" in text and "推定" in pack.authority.zh
    english = " ".join(in_lang(a, "en") for a in pack.assumptions)
    assert "unverified secondary copy" in english and "could not be read" in english


# The level each golden case expects (the file name says it too).
GOLDEN_LEVELS = {
    "01": "general",
    "02": "general",
    "03": "grave",
    "04": "grave",
    "05": "serious",
    "06": "serious",
    "07": "general",
    "08": "general",
    "09": "general",  # 较重 capped by the minor's mandatory mitigation
    "10": None,  # the national 2023 version: tiers, no level
    "11": "general",
    "12": "serious",
    "13": "general",
}


def test_every_golden_case_of_the_layer_passes_at_its_level(gansu: pe.Engine) -> None:
    files = golden_files(cases_dir("cn-gs-transport"))
    assert [r for r in run_pack(gansu, "cn-gs-transport") if not r.passed] == []
    assert {Path(p).name[:2] for p in files} == set(GOLDEN_LEVELS)
    for path in files:
        assert run_file(gansu, path).passed
        d = gansu.evaluate(read_case_file(str(path)).data, as_of=AS_OF)
        assert (d.level.id if d.level else None) == GOLDEN_LEVELS[path.name[:2]], path.name
