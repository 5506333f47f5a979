"""The band the trail states is the band used: for every generated case, over every shipped rule
and over a table with named levels (ADR 0010) written here in the shape of tests/unit/test_levels.py,
the band step's result (``band``, ``level.band.amount`` or ``level.band.multiple``) is the band the
``amount`` step computes from and the decision's ``band``; under mandatory mitigation (a party aged
16) it is the lighter level's band for the case's statutory branch."""

from __future__ import annotations

import textwrap
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, note
from hypothesis import strategies as st

import penalty_engine as pe
from penalty_engine.check.invariants import cases
from penalty_engine.models import AmountBand, MultipleBand, MultipleFine
from penalty_engine.models.decision import Decision
from penalty_engine.money import scale
from tests.unit.test_levels import PACK, RULE

from .strategies import Example, engine, examples

BAND_STEPS = ("band", "level.band.amount", "level.band.multiple")


def stated_band(d: Decision) -> tuple[Decimal, Decimal] | None:
    """The band the trail states last before the amount (or, for a range-only level, at all)."""
    stated = None
    for step in d.trail:
        if step.code in BAND_STEPS:
            assert isinstance(step.result, dict)
            stated = (Decimal(step.result["min"]), Decimal(step.result["max"]))
        if step.code == "amount":
            assert stated is not None, "an amount with no band step before it"
            used = (Decimal(step.inputs["band_min"]), Decimal(step.inputs["band_max"]))
            assert used == stated, f"the amount computes from {used}, the trail states {stated}"
    return stated


def check_band(d: Decision) -> None:
    stated = stated_band(d)
    codes = [s.code for s in d.trail]
    if "amount" in codes or "level.range_only" in codes:
        assert d.band is not None and stated == (d.band.min, d.band.max), (stated, d.band)


@given(examples())
def test_the_band_stated_is_the_band_used_in_every_shipped_rule(ex: Example) -> None:
    note(repr(ex.case))
    check_band(engine().evaluate(ex.case, as_of=ex.as_of))


@pytest.fixture(scope="module")
def levels_engine(tmp_path_factory: pytest.TempPathFactory) -> pe.Engine:
    root: Path = tmp_path_factory.mktemp("levels") / "mini"
    root.mkdir()
    (root / "pack.yaml").write_text(textwrap.dedent(PACK), encoding="utf-8")
    (root / "op.yaml").write_text(RULE, encoding="utf-8")
    return pe.Engine.load(root)


@given(data=st.data())
def test_the_band_stated_is_the_band_used_in_a_table_with_levels(levels_engine: pe.Engine, data: st.DataObject) -> None:
    rule = levels_engine.rules()[0]
    case: dict[str, Any] = data.draw(cases(rule))
    check_band(levels_engine.evaluate(case))


@given(data=st.data())
def test_mandatory_mitigation_gives_the_lighter_levels_band_for_the_cases_branch(
    levels_engine: pe.Engine, data: st.DataObject
) -> None:
    rule = levels_engine.rules()[0]
    case: dict[str, Any] = {**data.draw(cases(rule)), "party": {"kind": "individual", "age": 16}}
    d = levels_engine.evaluate(case)
    check_band(d)
    if d.outcome != "penalty" or d.band is None:
        return
    branch_id = next(s.result for s in d.trail if s.code == "branch")
    (cv,) = rule.versions  # the table has one version
    branch = next(b for b, _ in cv.branches if b.id == branch_id)
    lighter = next(lv for lv, _ in cv.levels if lv.tier == "lighter" and lv.band_for(branch.id) is not None)
    spec = lighter.band_for(branch.id)
    assert d.level is not None and d.level.id == lighter.id and d.tier == "lighter"
    if isinstance(spec, MultipleBand):
        assert isinstance(branch.fine, MultipleFine)
        base = Decimal(str(case["facts"].get(branch.fine.times, "0")).replace(",", ""))
        lo, hi = (scale(base, m) for m in spec.multiples)
    else:
        assert isinstance(spec, AmountBand)
        lo, hi = spec.edges
    assert d.statutory_range is not None
    expected = (max(lo, d.statutory_range.min), min(hi, d.statutory_range.max))
    assert (d.band.min, d.band.max) == expected
