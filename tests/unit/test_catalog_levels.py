"""``rules show`` of a rule with named levels (阶次, ADR 0010): each level with its band per branch."""

from __future__ import annotations

from typing import Any

import pytest
from rich.console import Console

import penalty_engine as pe
from penalty_engine.cli.catalog import describe_rule, rich_rule
from tests.unit.test_levels import PACK, RULE


def shown(engine: pe.Engine, lang: str) -> str:
    console = Console(width=220, record=True, highlight=False, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(rich_rule(engine.rule("mini/op"), lang))
    return console.export_text()


@pytest.fixture
def engine(write_pack: Any) -> pe.Engine:
    rule = RULE.replace("with-gain: {min_times: 2, max_times: 4}", "with-gain: {times: 2}")
    rule = rule.replace("no-gain: {min: 30000, max: 50000}", "no-gain: {fixed: 30000}")
    rule = rule.replace("no-gain: {min: 50000, max: 70000}", '"*": {lower: 1/3, upper: 2/3}')
    return pe.Engine.load(write_pack(rule, PACK, name="op.yaml"))


def test_rules_show_lists_each_level_with_its_band_per_branch_in_chinese(engine: pe.Engine) -> None:
    text = shown(engine, "zh")
    assert "裁量阶次" in text and "阶次" in text and "建议罚款" in text
    assert "严重" in text and "较重" in text and "一般" in text
    assert "gain × 7–10 倍" in text and "70000–100000" in text  # serious
    assert "只规定区间" in text  # serious gives a range only
    assert "gain × 4–7 倍" in text and "法定幅度的 1/3–2/3" in text  # grave: the '*' band for no-gain
    assert "gain × 2 倍" in text and "30000" in text and "区间的 0 处" in text  # general: fixed, start 0
    assert "station" in text and "months > 3 && refused" in text


def test_rules_show_lists_each_level_in_english(engine: pe.Engine) -> None:
    text = shown(engine, "en")
    assert "levels" in text and "Serious (严重)" in text and "General (一般)" in text
    assert "gain × 7–10" in text and "1/3–2/3 of the range" in text and "range only" in text
    assert "at 0 of the band" in text and "at 0.5 of the band" in text  # general: its own start; grave: the pack's


def test_rules_show_json_has_the_levels(engine: pe.Engine) -> None:
    data = describe_rule(engine.rule("mini/op"))
    levels = data["versions"][0]["levels"]
    assert [lv["id"] for lv in levels] == ["serious", "grave", "general"]
    assert levels[0]["point"] is False and levels[0]["bands"]["no-gain"]["min"] == "70000"
