"""The benchmark document of a pack with named levels (阶次, ADR 0010) and of a layer (ADR 0011).

The levels rule is the worked table of tests/unit/test_levels.py (一般/较重/严重; 2–4/4–7/7–10 ×
违法所得; 3万–5万/5万–7万/7万–10万 元), plus a fixed amount, a fixed multiple and fractions. The
document must print each band exactly as the table gives it, never rounded.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from penalty_engine.pack import compile_pack, load_pack_files
from penalty_engine.publish import publication, publish
from tests.conftest import MINI_RULE
from tests.unit.test_levels import PACK, RULE
from tests.unit.test_publish import html_text, md_text

# A second version of the same rule: a fixed amount, a fixed multiple, fractions of the range.
FIXED = """\
  - effective_from: 2025-01-01
    basis:
      - law: 测试条例
        article: 63
        text: 有违法所得的，处违法所得2倍以上10倍以下的罚款；没有违法所得的，处3万元以上10万元以下的罚款
    frame:
      - id: with-gain
        when: gain >= 20000
        fine: {times: gain, min: 2, max: 10}
      - id: no-gain
        fine: {min: 30000, max: 100000}
    levels:
      - id: grave
        name: {zh: 较重, en: Grave}
        tier: heavier
        when: refused
        bands:
          with-gain: {times: 2}
          no-gain: {fixed: 30000}
      - id: general
        name: {zh: 一般, en: General}
        tier: standard
        bands:
          "*": {lower: 0, upper: 1/3}
"""


def levels_rule() -> str:
    first = RULE.replace(
        "  - effective_from: 2020-01-01\n", "  - effective_from: 2020-01-01\n    effective_to: 2024-12-31\n"
    )
    return first + FIXED


@pytest.fixture
def levels_pack(write_pack: Any) -> Path:
    root: Path = write_pack(levels_rule(), PACK, name="op.yaml")
    return root


def test_levels_are_published_with_each_band_exactly_as_the_table_gives_it(levels_pack: Path) -> None:
    html = html_text(publish(levels_pack, "html", "zh")).text
    md = md_text(publish(levels_pack, "markdown", "zh"))
    for text in (html, md):
        assert "裁量阶次（依次判断，适用第一个条件成立的阶次）" in text
        for name in ("严重", "较重", "一般"):
            assert name in text
        assert "处3万元以上5万元以下罚款" in text
        assert "处5万元以上7万元以下罚款" in text
        assert "处7万元以上10万元以下罚款" in text
        assert "处违法所得2倍以上4倍以下的罚款" in text
        assert "处违法所得4倍以上7倍以下的罚款" in text
        assert "处违法所得7倍以上10倍以下的罚款" in text
        assert "处3万元罚款" in text
        assert "处违法所得2倍的罚款" in text
        # fractions as the tier table gives them, with the amounts for the fixed range: 30000 +
        # 1/3 × 70000 = 53333.33 → 53300 (rounded to 100, as the engine does for fraction bands)
        assert "法定幅度的 0 – 1/3" in text and "3万元 – 5.33万元" in text
        assert "只规定区间" in text  # 严重 gives a range only
        assert "车站揽客" in text  # the circumstances in words
        assert "经营月数超过3" in text


def test_a_levels_table_in_english_names_each_level_in_both_languages(levels_pack: Path) -> None:
    html = html_text(publish(levels_pack, "html", "en")).text
    assert "Serious (严重)" in html and "Grave (较重)" in html and "General (一般)" in html
    assert "fine of 30000 CNY to 50000 CNY" in html
    assert "fine of 2 to 4 times the illegal gain" in html
    assert "fine of 30000 CNY" in html and "fine of 2 times the illegal gain" in html
    assert "range only" in html


def test_amounts_that_are_not_whole_hundreds_are_printed_unrounded(write_pack: Any) -> None:
    rule = RULE.replace("no-gain: {min: 30000, max: 50000}", "no-gain: {min: 30000.5, max: 49999}")
    html = html_text(publish(write_pack(rule, PACK, name="op.yaml"), "html", "zh")).text
    assert "处3万元以上49999元以下罚款" not in html
    assert "处30000.5元以上49999元以下罚款" in html


def test_a_pack_without_levels_has_no_levels_table(write_pack: Any) -> None:
    html = publish(write_pack(), "html", "zh")
    assert "裁量阶次" not in html and "本地设定" not in html and 'class="badge local"' not in html


# ---------------------------------------------------------------- a layer over the levels pack

LAYER_PACK = """\
id: prov
title: {zh: 某省基准, en: A province's benchmark}
jurisdiction: CN-XX
authority: {zh: 某省厅, en: Provincial department}
version: "2026.1"
extends: {pack: ../mini, version: "1"}
rounding: {unit: 1000, mode: half_up, assumption: the province rounds to 1000 yuan}
not_applied:
  r1:
    reason: {zh: 本省无此类经营, en: no such business in the province}
    basis: [{benchmark: 省厅通知第1号}]
"""

LAYER_OP = """\
overrides: op
versions:
  - effective_from: 2020-01-01
    levels:
      - id: grave
        name: {zh: 较重, en: Grave}
        tier: heavier
        when: refused
        bands:
          with-gain: {min_times: 5, max_times: 10}
          no-gain: {min: 60000, max: 100000}
      - id: general
        name: {zh: 一般, en: General}
        tier: lighter
        bands:
          with-gain: {min_times: 2, max_times: 5}
          no-gain: {min: 30000, max: 60000}
"""


@pytest.fixture
def layer_pack(write_pack: Any) -> Path:
    base: Path = write_pack(levels_rule(), PACK, name="op.yaml", **{"r1.yaml": MINI_RULE})
    root = base.parent / "prov"
    root.mkdir()
    (root / "pack.yaml").write_text(textwrap.dedent(LAYER_PACK), encoding="utf-8")
    (root / "op.yaml").write_text(textwrap.dedent(LAYER_OP), encoding="utf-8")
    return root


def test_a_layer_publishes_its_merged_benchmark_with_what_it_set_marked(layer_pack: Path) -> None:
    loaded = load_pack_files(layer_pack)
    doc = publication(loaded.pack, compile_pack(loaded), "zh", loaded=loaded)
    assert doc["layer"]["extends"] == "mini，版本 1"
    assert doc["scheme"]["rounding"]["mark"] == "本地设定（prov）"
    assert doc["scheme"]["tiers"]["mark"] is None and doc["scheme"]["boundaries"]["mark"] is None
    (rule,) = doc["rules"]
    first, second = rule.versions
    assert first.marks == {"levels": "本地设定（prov）"}  # the layer's table for 2020, the base's for 2025
    assert second.marks == {}
    html = html_text(publish(layer_pack, "html", "zh")).text
    md = md_text(publish(layer_pack, "markdown", "zh"))
    for text in (html, md):
        assert "所扩展的基准" in text and "mini，版本 1" in text
        assert "标有“本地设定（prov）”的内容由本基准设定" in text
        assert text.count("本地设定（prov）") == 3  # the notice, rounding, the 2020 levels
        assert "处6万元以上10万元以下罚款" in text and "处违法所得5倍以上10倍以下的罚款" in text
        assert "处3万元罚款" in text  # the base's 2025 table, inherited
        assert "本地不适用的违法行为" in text and "r1" in text
        assert "本省无此类经营" in text and "省厅通知第1号" in text
    assert "规则一" not in html  # the rule not applied is not published as a rule


def test_a_layer_in_english_says_set_by_and_what_it_extends(layer_pack: Path) -> None:
    html = html_text(publish(layer_pack, "html", "en")).text
    assert "Extends mini, version 1" in html
    assert "set by prov" in html
    assert "Rules not applied in this territory" in html and "no such business in the province" in html


def test_a_layer_that_sets_nothing_marks_nothing_but_says_what_it_extends(write_pack: Any) -> None:
    base = write_pack(levels_rule(), PACK, name="op.yaml")
    root = base.parent / "bare"
    root.mkdir()
    head = LAYER_PACK.split("rounding:")[0].replace("id: prov", "id: bare")
    (root / "pack.yaml").write_text(textwrap.dedent(head), encoding="utf-8")
    html = html_text(publish(root, "html", "zh")).text
    assert "mini，版本 1" in html and html.count("本地设定（bare）") == 1  # the notice only
    assert "本地不适用的违法行为" not in html
