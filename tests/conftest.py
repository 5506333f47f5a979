"""Shared fixtures: the bundled engine (loaded once) and helpers to write small packs."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path
from typing import Any

import pytest

import penalty_engine as pe

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 4, 10)


@pytest.fixture(scope="session")
def engine() -> pe.Engine:
    return pe.Engine.load()


def case(violation: str, facts: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    """A minimal valid case dict."""
    out: dict[str, Any] = {
        "case_id": extra.pop("case_id", "T-1"),
        "violation": violation,
        "occurred_on": extra.pop("occurred_on", "2026-03-02"),
        "party": extra.pop("party", {"kind": "organization"}),
        "facts": facts or {},
    }
    out.update(extra)
    return out


MINI_PACK = """\
id: mini
title: {zh: 测试, en: Test}
jurisdiction: CN
authority: {zh: 测试机关, en: Test authority}
currency: CNY
version: "1"
rounding: {unit: 100, mode: half_up, assumption: 罚款取整至百元}
boundaries: {assumption: 以上、以下包括本数}
factor_start_assumption: 取档次区间的中点
tier_scheme:
  lighter: {lower: 0, upper: 1/3}
  standard: {lower: 1/3, upper: 2/3}
  heavier: {lower: 2/3, upper: 1}
  assumption: 档次区间为法定幅度的三等分
"""

MINI_RULE = """\
id: r1
title: {zh: 规则一, en: Rule one}
facts:
  n: {type: int, min: 0, default: 0, direction: aggravating, label: {zh: 次数, en: count}}
versions:
  - effective_from: 2020-01-01
    basis:
      - {law: 测试法, article: 1, text: 处1000元以上4000元以下的罚款}
    frame:
      - id: base
        fine: {min: 1000, max: 4000}
    tiers:
      - {tier: heavier, when: n >= 2}
      - {tier: standard}
"""


@pytest.fixture
def write_pack(tmp_path: Path) -> Any:
    """Write a pack folder from texts; returns its path. Defaults give a valid mini pack."""

    def _write(rule: str | None = MINI_RULE, pack: str = MINI_PACK, name: str = "r1.yaml", **files: str) -> Path:
        root = tmp_path / "mini"
        root.mkdir(exist_ok=True)
        (root / "pack.yaml").write_text(textwrap.dedent(pack), encoding="utf-8")
        if rule is not None:
            (root / name).write_text(textwrap.dedent(rule), encoding="utf-8")
        for fname, text in files.items():
            (root / fname).write_text(textwrap.dedent(text), encoding="utf-8")
        return root

    return _write
