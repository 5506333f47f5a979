"""Impact over generated Gansu cases: with one level's bands changed (较重, as in
tests/unit/test_impact.py), a case is reported changed exactly when the table puts it in that level
(computed here from its facts, not from the engine), its new amount is the new band's, computed here
by hand, and the same pack on both sides changes nothing. Every row is counted once."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, note
from hypothesis import strategies as st

import penalty_engine as pe
from penalty_engine.impact import Comparer, Settings
from penalty_engine.impact.tally import Impact
from penalty_engine.replay import Row
from tests.unit.test_impact import GRAVE_BASE, GRAVE_GAIN, copy_layer

UNIT = Decimal(100)


@pytest.fixture(scope="module")
def comparers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Comparer]:
    root = tmp_path_factory.mktemp("impact-prop")
    before = copy_layer(root / "before")
    after = copy_layer(
        root / "after",
        {
            GRAVE_GAIN: "gain-20000-or-more: {min_times: 4, max_times: 9}",
            GRAVE_BASE: "base: {min: 60000, max: 100000}",
        },
    )
    b, a = pe.Engine.load(str(before)), pe.Engine.load(str(after))
    settings = Settings(before=(str(before),), after=(str(after),))
    return {"changed": Comparer(settings, b, a), "same": Comparer(settings, b, b)}


gains = st.one_of(
    st.just(Decimal(0)),
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("19999.99"), places=2),
    st.decimals(min_value=Decimal(20000), max_value=Decimal(2000000), places=2),
)
facts = st.fixed_dictionaries(
    {
        "operation_months": st.integers(min_value=0, max_value=24),
        "refused_to_correct": st.booleans(),
        "at_hub_long_term": st.booleans(),
        "illegal_gain": gains.map(str),
        "several_vehicles": st.booleans(),
        "harm": st.sampled_from(["none", "minor", "serious"]),
        "corrected_in_time": st.booleans(),
    }
)


def level_of(f: dict[str, Any]) -> str:
    """The table's level, first that holds: 严重 at a hub; 较重 more than 3 months and refused; else 一般."""
    if f["at_hub_long_term"]:
        return "serious"
    if f["operation_months"] > 3 and f["refused_to_correct"]:
        return "grave"
    return "general"


def after_amount(f: dict[str, Any]) -> Decimal:
    """The new 较重 band's amount: start 1/2, ±1/4 per national factor, clamped to 0–1; the band
    min + position × width, rounded half up to 100 and kept inside the band."""
    gain = Decimal(f["illegal_gain"])
    lo, hi = (4 * gain, 9 * gain) if gain >= 20000 else (Decimal(60000), Decimal(100000))
    p = Fraction(1, 2)
    p += Fraction(1, 4) * (f["several_vehicles"] + (f["harm"] == "serious") - f["corrected_in_time"])
    p = min(max(p, Fraction(0)), Fraction(1))
    raw = lo + (hi - lo) * p.numerator / p.denominator
    q: Decimal = (raw / UNIT).quantize(Decimal(1), rounding=ROUND_HALF_UP) * UNIT
    return q - UNIT if q > hi else q + UNIT if q < lo else q


def row(i: int, f: dict[str, Any]) -> Row:
    case = {
        "case_id": f"P-{i}",
        "violation": "unlicensed-passenger",
        "occurred_on": "2022-06-01",
        "decided_on": "2022-07-15",
        "party": {"kind": "organization"},
        "facts": f,
    }
    return Row(f"gen:{i}", json.dumps(case))


@given(st.lists(facts, min_size=1, max_size=6))
def test_changed_exactly_in_the_changed_level(comparers: dict[str, Comparer], batch: list[dict[str, Any]]) -> None:
    state = Impact()
    for i, f in enumerate(batch):
        out = comparers["changed"].row(row(i, f))
        state.absorb(out)
        note(f"{f} → {out}")
        assert out.__class__.__name__ == "Compared"
        (pair,) = out.pairs  # type: ignore[union-attr]
        level = level_of(f)
        assert pair.before.level is not None and pair.before.level[0] == level
        assert bool(pair.changed) == (level == "grave")
        if level == "grave":
            assert pair.after.amount == after_amount(f)
            assert pair.after.amount is not None and pair.before.amount is not None
            assert pair.after.amount >= pair.before.amount  # the band moved up, never down
    c = state.counts
    assert c["input"] == len(batch) == c["compared"] == c["changed"] + c["unchanged"]
    assert state.decisions["changed"] == sum(level_of(f) == "grave" for f in batch)


@given(st.lists(facts, min_size=1, max_size=6))
def test_the_same_pack_on_both_sides_changes_nothing(
    comparers: dict[str, Comparer], batch: list[dict[str, Any]]
) -> None:
    state = Impact()
    for i, f in enumerate(batch):
        state.absorb(comparers["same"].row(row(i, f)))
    assert state.counts["changed"] == 0 and state.decisions["changed"] == 0
    assert state.before.total == state.after.total and state.before.bins == state.after.bins


def test_the_hand_formula_is_the_table() -> None:
    # the helper itself: 较重 base, no factor: 60000 + 1/2 × 40000 = 80000; gain 30000, several
    # vehicles: 120000 + 3/4 × 150000 = 232500
    base = {"illegal_gain": "0", "several_vehicles": False, "harm": "none", "corrected_in_time": False}
    assert after_amount(base) == 80000
    assert after_amount(dict(base, illegal_gain="30000", several_vehicles=True)) == 232500
    assert level_of({"at_hub_long_term": False, "operation_months": 3, "refused_to_correct": True}) == "general"
