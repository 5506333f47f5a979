"""Replay classification: status order, deviation, similarity key, tolerance, groups, aggregates."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

import penalty_engine as pe
from penalty_engine.models.case import Actual
from penalty_engine.models.decision import Range
from penalty_engine.replay.aggregate import Aggregates
from penalty_engine.replay.classify import View, classify, deviation_of, similarity_key, tolerance, view_of
from penalty_engine.replay.groups import Groups, group_json
from tests.conftest import AS_OF, case

FREIGHT = "cn-transport/unlicensed-freight"
FACTS = {"illegal_gain": "15600", "prior_12m": 1, "several_vehicles": True}

VIEW = View(
    outcome="penalty",
    tier="standard",
    statutory_range=Range(min=Decimal(15600), max=Decimal(78000)),
    band=Range(min=Decimal(36400), max=Decimal(57200)),
    recommended_fine=Decimal(52000),
    duties=frozenset({"order_correction"}),
    key="k",
)


def actual(**kw: Any) -> Actual:
    return Actual.model_validate({"outcome": "penalty", **kw})


@pytest.mark.parametrize(
    ("kw", "status", "deviation", "pct"),
    [
        ({"outcome": "no_penalty"}, "wrong_outcome", None, None),
        ({"fine": "90000"}, "outside_statutory_range", "32800", "57.34"),
        ({"fine": "10000"}, "outside_statutory_range", "26400", "72.53"),
        ({"fine": "60000"}, "above_band", "2800", "4.90"),
        ({"fine": "30000", "tier": "lighter"}, "below_band", "6400", "17.58"),
        ({"fine": "40000", "tier": "lighter"}, "wrong_tier", "0", "0"),
        ({"fine": "40000", "tier": "standard", "duties": []}, "missing_duty", "0", "0"),
        ({"fine": "57200", "tier": "standard", "duties": ["order_correction"]}, "consistent", "0", "0"),
        ({"fine": "36400"}, "consistent", "0", "0"),
        ({}, "consistent", None, None),
    ],
)
def test_status_first_that_applies(kw: dict[str, Any], status: str, deviation: str | None, pct: str | None) -> None:
    v = classify(VIEW, actual(**kw))
    assert v.status == status
    assert (None if v.deviation is None else str(v.deviation)) == deviation
    assert (None if v.deviation_pct is None else str(v.deviation_pct)) == pct


def test_no_actual() -> None:
    assert classify(VIEW, None).status == "no_actual"


def test_fine_where_the_law_has_none_is_outside_the_range() -> None:
    view = View("penalty", None, None, None, None, frozenset(), None)
    assert classify(view, actual(fine="100")).status == "outside_statutory_range"
    assert classify(view, actual()).status == "consistent"


def test_deviation_pct_over_zero_edge() -> None:
    assert deviation_of(Decimal(5), Range(min=Decimal(0), max=Decimal(0))) == (Decimal(5), None)


def test_tolerance_is_ten_percent_of_the_band_at_least_one_unit() -> None:
    band = Range(min=Decimal(36400), max=Decimal(57200))
    assert tolerance(band, Decimal(100), Decimal(10)) == Decimal(2080)
    assert tolerance(Range(min=Decimal(200), max=Decimal(500)), Decimal(100), Decimal(10)) == Decimal(100)


def test_similarity_key_reads_the_trail(engine: pe.Engine) -> None:
    d = engine.evaluate(case(FREIGHT, FACTS), as_of=AS_OF)
    key = similarity_key(d)
    assert key.startswith(f"{FREIGHT}@2023-07-20|gain-over-10000|standard|several-vehicles|")
    assert "illegal_gain='15600'" in key and "prior_12m=1" in key
    # a fact no condition reads does not split a group; a fact a condition reads does
    # (not first_violation: with prior_12m 1 it contradicts the finding, PE-C012)
    other = engine.evaluate(case(FREIGHT, {**FACTS, "mental_capacity": "limited"}, case_id="T-2"), as_of=AS_OF)
    assert similarity_key(other) == key or "mental_capacity" in similarity_key(other)
    gain = engine.evaluate(case(FREIGHT, {**FACTS, "illegal_gain": "15700"}, case_id="T-3"), as_of=AS_OF)
    assert similarity_key(gain) != key


def test_rules_in_force_at_the_case_date(engine: pe.Engine) -> None:
    old = engine.evaluate(case(FREIGHT, FACTS, occurred_on="2020-03-02"), as_of=AS_OF)
    new = engine.evaluate(case(FREIGHT, FACTS), as_of=AS_OF)
    assert (old.violation.version, new.violation.version) == ("2019-03-02", "2023-07-20")
    assert similarity_key(old) != similarity_key(new)


def test_view_of_several_violations(engine: pe.Engine) -> None:
    multi = {
        "case_id": "M-1",
        "occurred_on": "2026-03-02",
        "party": {"kind": "organization"},
        "violations": [{"violation": FREIGHT, "facts": FACTS}, {"violation": FREIGHT, "facts": FACTS}],
        "same_act": False,
    }
    result = engine.evaluate_any(multi, as_of=AS_OF)
    view = view_of(result)
    assert view.recommended_fine == Decimal(104000)
    assert view.band == Range(min=Decimal(72800), max=Decimal(114400))
    assert view.key is not None and "same_act=False" in view.key


def _alike(branch: str) -> str:
    part = {"rule": "p/r", "version": "2020-01-01", "branch": branch, "tier": "standard", "level": None}
    return json.dumps({"parts": [dict(part, factors=["f"], facts={"big": True, "gain": "10"})], "same_act": None})


def test_groups_keep_extremes_and_flag_by_spread() -> None:
    g = Groups()
    for cid, fine in [("a", 100), ("b", 150), ("c", 120)]:
        g.add(b"k1", _alike("b1"), cid, Decimal(fine), Decimal(30))
    g.add(b"k2", _alike("b2"), "d", Decimal(100), Decimal(30))
    g.add(b"k3", _alike("b3"), "e", Decimal(100), Decimal(30))
    g.add(b"k3", _alike("b3"), "f", Decimal(120), Decimal(30))
    flagged = g.flagged()
    assert [x.key for x in flagged] == ["p/r@2020-01-01|b1|standard|f|big=True,gain='10'"]
    out = group_json(flagged[0])
    assert out["case_ids"] == ["a", "b", "c"] and out["actual_fines"] == ["100", "150", "120"]
    assert out["spread"] == "50" and out["count"] == 3
    assert out["key"] == flagged[0].key and out["alike"] == json.loads(_alike("b1"))


def test_aggregates() -> None:
    agg = Aggregates()
    names = {"violation": "v", "unit": "U1", "officer": "O", "month": "2026-03"}
    agg.add(names, "consistent", "a", Decimal(0), Decimal(0))
    agg.add(names, "above_band", "b", Decimal(500), Decimal("12.50"))
    agg.add({**names, "unit": "U2"}, "no_actual", "c", None, None)
    out = agg.as_json()
    u1 = out["unit"][0]  # type: ignore[index]
    assert u1 == {
        "name": "U1",
        "count": 2,
        "consistent": 1,
        "flagged": 1,
        "no_actual": 0,
        "share_consistent": "50.00",
        "mean_deviation_pct": "6.25",
        "worst_deviation_pct": "12.50",
        "worst_deviation": "500",
        "worst_case": "b",
    }
    assert out["deviation_histogram"][0] == {"bin": "0", "count": 1}  # type: ignore[index]
