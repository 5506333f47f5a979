"""A rule that implements another's frame (``implements``): for one act the specific fine stands and
行政处罚法 Art. 29 does not compare them; the items of one fine group add up for one act (ADR 0018)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

import penalty_engine as pe
from tests.conftest import AS_OF, MINI_PACK, MINI_RULE

OL, OD, HL = (
    "cn-transport/overload-gross-mass",
    "cn-transport/over-limit-dimensions",
    "cn-transport/highway-law-over-limit",
)


def several(*items: tuple[str, dict[str, Any]], same_act: bool = True) -> dict[str, Any]:
    return {
        "case_id": "IMP-1",
        "occurred_on": "2026-03-02",
        "party": {"kind": "individual"},
        "same_act": same_act,
        "violations": [{"violation": v, "facts": f} for v, f in items],
    }


def fines(result: Any) -> list[tuple[str, Decimal]]:
    return [(f.violation, f.amount) for f in result.combined.fines]


def combined(engine: pe.Engine, case: dict[str, Any]) -> pe.Decisions:
    result = engine.evaluate_any(case, as_of=AS_OF)
    assert isinstance(result, pe.Decisions)
    return result


def test_the_implementing_rule_stands_whichever_is_listed_first(engine: pe.Engine) -> None:
    orders: list[tuple[tuple[str, dict[str, Any]], ...]] = [
        ((HL, {}), (OL, {"excess_mass_kg": 5000})),
        ((OL, {"excess_mass_kg": 5000}), (HL, {})),
    ]
    for items in orders:
        r = combined(engine, several(*items))
        assert fines(r) == [(OL, Decimal(2500))] and r.combined.applied == OL
        assert "行政处罚法 第二十九条" in r.combined.basis
        assert any("第62号" in b or "部门规章" in b for b in r.combined.basis), r.combined.basis


def test_separate_acts_keep_every_fine(engine: pe.Engine) -> None:
    r = combined(engine, several((OL, {"excess_mass_kg": 5000}), (HL, {}), same_act=False))
    assert fines(r) == [(OL, Decimal(2500)), (HL, Decimal(5000))]


def test_items_of_one_act_add_up_to_the_cap(engine: pe.Engine) -> None:
    # 61000 kg over → 30000 (Art. 43 item 2's cap); height 4.6 → 1400; together capped at 30000
    r = combined(
        engine, several((OL, {"excess_mass_kg": 61000}), (OD, {"height_m": "4.6", "width_m": "2.5", "length_m": "16"}))
    )
    assert fines(r) == [(OL, Decimal(30000)), (OD, Decimal(0))]
    assert any("第四十三条第二款" in b for b in r.combined.basis)


def test_other_same_act_cases_are_compared_as_before(engine: pe.Engine) -> None:
    r = combined(
        engine,
        several(("cn-transport/unlicensed-freight", {"illegal_gain": "5000"}), ("cn-transport/unqualified-driver", {})),
    )
    assert r.combined.applied == "cn-transport/unlicensed-freight" and len(r.combined.fines) == 1


def test_implementing_an_unknown_rule_is_a_rule_error(write_pack: Any) -> None:
    rule = MINI_RULE.replace("versions:", "implements:\n  - rule: r9\n    basis: [{benchmark: 执行}]\nversions:")
    with pytest.raises(pe.RuleError, match=r"PE-R010.*implements names rule 'r9'"):
        pe.Engine.load(write_pack(rule, MINI_PACK))


def test_over_limit_fines_cite_the_regulation_article_64(engine: pe.Engine) -> None:
    # 公路安全保护条例 Art. 64 (可以处3万元以下的罚款) is the regulation's penalty Art. 43 of 62号令 specifies
    for rid, facts in ((OL, {"excess_mass_kg": 5000}), (OD, {"height_m": "4.6", "width_m": "2.5", "length_m": "16"})):
        d = engine.evaluate(
            {
                "case_id": "A64",
                "violation": rid,
                "occurred_on": "2026-03-02",
                "party": {"kind": "individual"},
                "facts": facts,
            },
            as_of=AS_OF,
        )
        step = next(s for s in d.trail if s.code == "rule")
        assert "公路安全保护条例 第六十四条" in step.basis, step.basis
