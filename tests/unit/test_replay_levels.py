"""Replay of decisions under named levels (阶次, ADR 0010): the level in the key, the entry and the
report; a level with a range only is judged against its band, never against a missing amount.

The pack is the worked table of tests/unit/test_levels.py, written in tmp: no gain and 车站揽客 →
level 严重 (serious), 70000–100000, range only; no circumstance → 一般 (general), 30000–50000, from 30000.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import penalty_engine as pe
from penalty_engine.replay import report
from penalty_engine.replay.classify import similarity_key, view_of
from penalty_engine.replay.readers import Row
from penalty_engine.replay.run import Evaluated, Replay, Settings, evaluate_rows
from tests.conftest import AS_OF, case
from tests.unit.test_levels import PACK, RULE


@pytest.fixture
def engine(write_pack: Any) -> pe.Engine:
    return pe.Engine.load(write_pack(RULE, PACK, name="op.yaml"))


def past(case_id: str, fine: str | None, **facts: Any) -> dict[str, Any]:
    actual = {"outcome": "penalty", "fine": fine} if fine is not None else None
    return {**case("mini/op", facts, case_id=case_id, decided_on="2026-04-10"), "actual": actual}


def replayed(engine: pe.Engine, *cases: dict[str, Any]) -> list[Evaluated]:
    rows = [Row(f"mem:{i}", json.dumps(c)) for i, c in enumerate(cases)]
    out = evaluate_rows(rows, Settings(as_of=AS_OF), engine)
    assert all(isinstance(o, Evaluated) for o in out), out
    return out  # type: ignore[return-value]


def test_a_range_only_level_is_judged_against_its_band(engine: pe.Engine) -> None:
    inside, low, high, edge = replayed(
        engine,
        past("IN", "85000", station=True),
        past("LOW", "60000", station=True),
        past("HIGH", "120000", station=True),
        past("EDGE", "70000", station=True),
    )
    assert (inside.status, edge.status) == ("consistent", "consistent")
    assert low.status == "below_band" and low.deviation == Decimal(10000)  # 70000 − 60000
    assert high.status == "outside_statutory_range"  # above the law's 100000
    entry = json.loads(inside.line)
    assert entry["recommended_fine"] is None and entry["band"] == {"min": "70000", "max": "100000"}
    assert entry["level"] == {"id": "serious", "name": {"zh": "严重", "en": "Serious"}}


def test_the_similarity_key_names_the_level_and_reads_its_conditions(engine: pe.Engine) -> None:
    d = engine.evaluate(case("mini/op", {"station": True}), as_of=AS_OF)
    key = similarity_key(d)
    assert key.startswith("mini/op@2020-01-01|no-gain|heavier|level=serious|")
    assert "station=True" in key and "gain='0'" in key
    general = engine.evaluate(case("mini/op", {}), as_of=AS_OF)
    assert "|lighter|level=general|" in similarity_key(general)


def test_a_decision_without_a_level_keeps_its_key_and_entry(write_pack: Any) -> None:
    engine = pe.Engine.load(write_pack())
    d = engine.evaluate(case("mini/r1", {"n": 3}), as_of=AS_OF)
    assert similarity_key(d) == "mini/r1@2020-01-01|base|heavier||n=3"
    (out,) = replayed(engine, {**case("mini/r1", {"n": 3}, case_id="X"), "actual": {"outcome": "penalty"}})
    assert "level" not in json.loads(out.line)


def test_range_only_cases_alike_with_fines_far_apart_are_a_flagged_group(engine: pe.Engine, tmp_path: Path) -> None:
    outcomes = replayed(engine, past("A", "70000", station=True), past("B", "100000", station=True))
    state = Replay.create(tmp_path / "work")
    for out in outcomes:
        state.absorb(out)
    state.close()
    (group,) = report.groups(state)
    assert group["spread"] == "30000" and group["tolerance"] == "3000"  # 10% of the band 70000–100000
    assert "level=serious" in str(group["key"])


def test_several_violations_with_a_range_only_fine_have_no_summed_recommendation(engine: pe.Engine) -> None:
    multi = {
        "case_id": "M-1",
        "occurred_on": "2026-03-02",
        "party": {"kind": "organization"},
        "violations": [
            {"violation": "mini/op", "facts": {"station": True}},
            {"violation": "mini/op", "facts": {}},
        ],
        "same_act": False,
    }
    view = view_of(engine.evaluate_any(multi, as_of=AS_OF))
    assert view.recommended_fine is None  # one standing fine has a range only
    assert view.band is not None and (view.band.min, view.band.max) == (Decimal(100000), Decimal(150000))


def test_the_report_shows_the_level_and_says_range_only(engine: pe.Engine, tmp_path: Path) -> None:
    outcomes = replayed(engine, past("LOW", "60000", station=True), past("G", "20000"))
    state = Replay.create(tmp_path / "work")
    for out in outcomes:
        state.absorb(out)
    state.close()
    report.write_html(state, tmp_path / "r.html")
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "裁量阶次：严重" in html and "裁量阶次：一般" in html  # the levels by their published names
    assert "建议罚款：只规定区间" in html  # the serious level gives a range only …
    assert '<span class="nw">70,000元–</span><wbr><span class="nw">100,000元</span>' in html  # … its band
    assert "建议罚款：30,000元" in html  # the general level gives an amount
