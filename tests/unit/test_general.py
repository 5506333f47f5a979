"""The general part of 行政处罚法: each effect, its precedence, and its place in the decision."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

import penalty_engine as pe
from penalty_engine.core.general import add_years
from tests.conftest import AS_OF, MINI_PACK, case

UF = "cn-transport/unlicensed-freight"
UD = "cn-transport/unqualified-driver"
OL = "cn-transport/overload-gross-mass"


def codes(d: pe.Decision) -> list[str]:
    return [s.code for s in d.trail]


def kinds(items: list[Any]) -> list[str]:
    return sorted(x.kind for x in items)


def test_under_14_is_not_punished(engine: pe.Engine) -> None:
    d = engine.evaluate(case(UD, {"prior_12m": 3}, party={"kind": "individual", "age": 13}), as_of=AS_OF)
    assert (d.outcome, d.tier, d.recommended_fine, d.statutory_range) == ("no_penalty", "none", None, None)
    assert d.penalties == [] and "no_penalty" in codes(d)
    assert any("第三十条" in b for s in d.trail if s.code == "no_penalty" for b in s.basis)


def test_minor_14_to_17_caps_the_tier_and_offers_below_minimum(engine: pe.Engine) -> None:
    adult = engine.evaluate(case(UD, {"prior_12m": 3}, party={"kind": "individual", "age": 30}), as_of=AS_OF)
    minor = engine.evaluate(case(UD, {"prior_12m": 3}, party={"kind": "individual", "age": 15}), as_of=AS_OF)
    assert adult.tier == "heavier" and minor.tier == "lighter"
    # 200–2000, lighter band 200–800; the findings chose the heavier tier, not this one, so the factor repeat
    # counts here (not_in_tiers: [heavier], ADR 0018): 1/2 + 1/5 = 7/10 → 200 + 0.7 × 600 = 620 → 600
    assert minor.band is not None and (minor.band.min, minor.band.max) == (Decimal(200), Decimal(800))
    assert minor.recommended_fine == Decimal(600) and [f.id for f in minor.factors] == ["repeat"]
    assert adult.factors == []  # in the heavier tier the findings are not weighed again
    assert adult.recommended_fine is not None and minor.recommended_fine < adult.recommended_fine
    assert [o.kind for o in minor.options] == ["below_minimum"]
    capped = next(s for s in minor.trail if s.code == "tier.capped")
    assert capped.inputs["from"] == "heavier" and "行政处罚法 第三十条" in capped.basis


def test_age_not_given_is_an_adult_and_the_trail_says_so(engine: pe.Engine) -> None:
    d = engine.evaluate(case(UD, {"prior_12m": 3}, party={"kind": "individual"}), as_of=AS_OF)
    assert d.tier == "heavier"
    facts = next(s for s in d.trail if s.code == "facts")
    assert "adult" in facts.inputs["party_note"]


def test_mandatory_mitigation_of_art_32_wins_over_the_benchmark(engine: pe.Engine) -> None:
    d = engine.evaluate(case(UF, {"prior_12m": 2, "eliminated_harm": True}), as_of=AS_OF)
    assert d.tier == "lighter"
    tier = next(s for s in d.trail if s.code == "tier")
    assert tier.result == "heavier", "the trail shows the benchmark tier before the law capped it"


def test_formula_fine_with_mandatory_mitigation_goes_below_minimum(engine: pe.Engine) -> None:
    # 3500 kg over: 3 whole 1000 kg × 500 = 1500 fixed; coerced → below: 750 up to 1500 (excl.), middle 1125 → 1100
    d = engine.evaluate(case(OL, {"excess_mass_kg": 3500, "coerced": True}), as_of=AS_OF)
    assert d.tier == "below_minimum" and d.recommended_fine == Decimal(1100)
    assert d.statutory_range is not None and d.statutory_range.min == Decimal(1500)
    assert d.band is not None and (d.band.min, d.band.max) == (Decimal(750), Decimal(1500))
    assert "collective_discussion" in kinds(d.duties)


def test_art_33_minor_corrected_no_harm_is_not_punished_with_education(engine: pe.Engine) -> None:
    facts = {"minor_violation": True, "corrected_in_time": True}
    d = engine.evaluate(case(UD, facts), as_of=AS_OF)
    assert d.outcome == "no_penalty" and kinds(d.duties) == ["education"]
    harm = engine.evaluate(case(UD, {**facts, "harm": "minor"}), as_of=AS_OF)
    assert harm.outcome == "penalty"


def test_art_33_first_violation_is_an_option_not_a_recommendation(engine: pe.Engine) -> None:
    d = engine.evaluate(case(UD, {"first_violation": True, "corrected_in_time": True, "harm": "minor"}), as_of=AS_OF)
    assert d.outcome == "penalty"
    assert [o.kind for o in d.options] == ["no_penalty"]
    assert any("not on a 首违不罚 list" in a or "首违不罚" in a for a in d.assumptions) or d.options


def test_art_33_no_fault_is_not_punished(engine: pe.Engine) -> None:
    d = engine.evaluate(case(UF, {"illegal_gain": "50000", "no_fault_proven": True}), as_of=AS_OF)
    assert d.outcome == "no_penalty" and "education" in kinds(d.duties)


def test_limitation_two_years_from_the_day_after(engine: pe.Engine) -> None:
    base: dict[str, Any] = {"occurred_on": "2023-03-02"}
    inside = engine.evaluate(case(UD, discovered_on="2025-03-02", **base), as_of=AS_OF)
    expired = engine.evaluate(case(UD, discovered_on="2025-03-03", **base), as_of=AS_OF)
    assert inside.outcome == "penalty" and expired.outcome == "no_penalty"
    step = next(s for s in expired.trail if s.code == "limitation")
    assert step.inputs["deadline"] == "2025-03-02" and step.result is True
    assert "行政处罚法 第三十六条" in step.basis


def test_limitation_uses_the_decision_date_when_discovery_is_unknown(engine: pe.Engine) -> None:
    d = engine.evaluate(case(UD, occurred_on="2023-03-02"), as_of=AS_OF)
    assert d.outcome == "no_penalty"
    assert next(s for s in d.trail if s.code == "limitation").inputs["discovered_source"] == "decided_on"


def test_add_years_handles_29_february() -> None:
    assert add_years(dt.date(2024, 2, 29), 2) == dt.date(2026, 2, 28)
    assert add_years(dt.date(2023, 3, 2), 5) == dt.date(2028, 3, 2)


def test_hearing_notice_by_party_kind_threshold(engine: pe.Engine) -> None:
    # 较大数额 of the shipped pack (ADR 0018): 1000 for individuals, 20000 for organizations, both 以上
    # unlicensed-freight, no gain: 3000–10000, lighter band 3000–5300, middle 4150 → 4200
    person = engine.evaluate(case(UF, {}, party={"kind": "individual"}), as_of=AS_OF)
    firm = engine.evaluate(case(UF, {}, party={"kind": "organization"}), as_of=AS_OF)
    assert person.recommended_fine == firm.recommended_fine == Decimal(4200)
    assert kinds(person.duties) == ["hearing_notice", "legal_review", "order_stop_operation"]
    assert kinds(firm.duties) == ["order_stop_operation"]  # Art. 63's 责令停止经营 (ADR 0017)
    # gain 12000: 12000–60000, lighter band 12000–28000, middle 20000: the organization's figure itself counts
    big = engine.evaluate(case(UF, {"illegal_gain": "12000"}, party={"kind": "organization"}), as_of=AS_OF)
    assert big.recommended_fine == Decimal(20000)
    assert kinds(big.duties) == ["hearing_notice", "legal_review", "order_stop_operation"]
    # unqualified-driver, lighter (corrected on the spot): fine below 1000 → no notice for an individual
    small = engine.evaluate(case(UD, {"corrected_on_spot": True}, party={"kind": "individual"}), as_of=AS_OF)
    assert small.recommended_fine is not None and small.recommended_fine < Decimal(1000)
    assert kinds(small.duties) == ["order_correction"]


GENERAL_PACK = (
    MINI_PACK
    + """\
common_facts:
  harm: {type: enum, values: [none, minor, serious], default: none, label: {zh: 危害后果, en: harm}}
  no_fault_proven: {type: bool, default: false, label: {zh: 无过错, en: no fault}}
  life_health: {type: bool, default: false, label: {zh: 涉及公民生命健康安全, en: life and health}}
general:
  provisions:
    - id: no-fault
      effect: no_penalty
      education: true
      when: no_fault_proven
      label: {zh: 无过错, en: no fault}
      basis: [{law: 行政处罚法, article: 33, paragraph: 2, text: 当事人有证据足以证明没有主观过错的，不予行政处罚。}]
  limitation:
    touches: [life_health]
    basis: [{law: 行政处罚法, article: 36, text: 违法行为在二年内未被发现的，不再给予行政处罚}]
  hearing:
    - {party: individual, amount: 5000, effective_from: 2000-01-01}
  lenient_law_basis: [{law: 行政处罚法, article: 37, text: 实施行政处罚，适用违法行为发生时的法律}]
"""
)

TWO_VERSIONS = """\
id: r1
title: {zh: 规则一, en: Rule one}
life_health_or_financial_safety: true
special_provisions:
  - sets_aside: no-fault
    basis: [{law: 某法, article: 9, text: 法律另有规定}]
versions:
  - effective_from: 2020-01-01
    effective_to: 2022-12-31
    basis: [{law: 测试法, article: 1, text: 处1000元以上2000元以下的罚款}]
    frame:
      - id: base
        fine: {min: 1000, max: 2000}
  - effective_from: 2023-01-01
    basis: [{law: 测试法, article: 1, text: 处1000元以上5000元以下的罚款，吊销许可证件}]
    frame:
      - id: base
        fine: {min: 1000, max: 5000}
        also: [{kind: revocation}]
"""


@pytest.fixture
def synthetic(write_pack: Any) -> pe.Engine:
    return pe.Engine.load(write_pack(TWO_VERSIONS, pack=GENERAL_PACK))


def test_old_law_applies_when_the_new_is_heavier(synthetic: pe.Engine) -> None:
    d = synthetic.evaluate(case("mini/r1", occurred_on="2022-06-01", discovered_on="2022-07-01"), as_of=AS_OF)
    assert d.violation.version == "2020-01-01"
    assert d.statutory_range is not None and d.statutory_range.max == Decimal(2000)
    step = next(s for s in d.trail if s.code == "lenient_law")
    assert step.result == "2020-01-01" and step.inputs["decided_result"]["statutory_max"] == "5000"


def test_revocation_always_brings_the_hearing_notice(synthetic: pe.Engine) -> None:
    d = synthetic.evaluate(case("mini/r1", party={"kind": "organization"}), as_of=AS_OF)
    assert "revocation" in [p.kind for p in d.penalties] and "hearing_notice" in kinds(d.duties)


def test_special_provision_sets_no_fault_aside(synthetic: pe.Engine) -> None:
    d = synthetic.evaluate(case("mini/r1", {"no_fault_proven": True}), as_of=AS_OF)
    assert d.outcome == "penalty" and "provision.set_aside" in codes(d)


def test_five_year_limitation_when_the_case_touched_life_and_health_with_harm(synthetic: pe.Engine) -> None:
    late = {"occurred_on": "2023-01-10", "discovered_on": "2026-01-10"}
    both = synthetic.evaluate(case("mini/r1", {"harm": "serious", "life_health": True}, **late), as_of=AS_OF)
    assert both.outcome == "penalty"
    step = next(s for s in both.trail if s.code == "limitation")
    assert step.inputs["years"] == 5 and step.inputs["touched"] == ["life_health"] and step.inputs["harmful"]
    # either fact alone keeps two years; the rule's own declaration (life_health_or_financial_safety)
    # no longer decides (ADR 0018)
    assert synthetic.evaluate(case("mini/r1", {"harm": "serious"}, **late), as_of=AS_OF).outcome == "no_penalty"
    assert synthetic.evaluate(case("mini/r1", {"life_health": True}, **late), as_of=AS_OF).outcome == "no_penalty"


def test_limitation_touches_must_name_bool_common_facts(write_pack: Any) -> None:
    with pytest.raises(pe.RuleError, match=r"PE-R010.*touches names 'harm': a enum fact, not bool"):
        pe.Engine.load(write_pack(TWO_VERSIONS, pack=GENERAL_PACK.replace("touches: [life_health]", "touches: [harm]")))
    with pytest.raises(pe.RuleError, match=r"PE-R010.*touches names 'life_helth': not a common fact"):
        pe.Engine.load(write_pack(TWO_VERSIONS, pack=GENERAL_PACK.replace("[life_health]", "[life_helth]")))


def test_unknown_special_provision_is_a_rule_error(write_pack: Any) -> None:
    with pytest.raises(pe.RuleError) as info:
        pe.Engine.load(
            write_pack(TWO_VERSIONS.replace("sets_aside: no-fault", "sets_aside: no-falt"), pack=GENERAL_PACK)
        )
    assert info.value.code == "PE-R010" and "did you mean 'no-fault'" in info.value.message


def test_one_act_two_provisions_one_fine(engine: pe.Engine) -> None:
    c = {
        "case_id": "A29",
        "occurred_on": "2026-03-02",
        "party": {"kind": "organization"},
        "same_act": True,
        "violations": [
            {"violation": "unqualified-driver", "facts": {"prior_12m": 3}},
            {"violation": "overload-gross-mass", "facts": {"excess_mass_kg": 500}},
            {"violation": "unlicensed-freight", "facts": {"illegal_gain": "2000"}},
        ],
    }
    r = engine.evaluate_any(c, as_of=AS_OF)
    assert isinstance(r, pe.Decisions) and [d.case_id for d in r.decisions] == ["A29#1", "A29#2", "A29#3"]
    assert r.combined.applied == "cn-transport/unlicensed-freight"  # max 10000 beats 2000; a warning has no fine
    assert [f.violation for f in r.combined.fines] == ["cn-transport/unlicensed-freight"]
    assert "行政处罚法 第二十九条" in r.combined.basis
    separate = engine.evaluate_any({**c, "same_act": False}, as_of=AS_OF)
    assert isinstance(separate, pe.Decisions) and len(separate.combined.fines) == 2
    assert separate.combined.applied is None
    with pytest.raises(pe.CaseError) as info:
        engine.evaluate(c, as_of=AS_OF)
    assert "evaluate_any" in info.value.message


def test_single_case_through_evaluate_any_is_a_decision(engine: pe.Engine) -> None:
    assert isinstance(engine.evaluate_any(case(UD), as_of=AS_OF), pe.Decision)


def test_fine_group_rules_must_exist(write_pack: Any) -> None:
    pack = MINI_PACK + (
        "fine_groups:\n  - id: g\n    rules: [r1, r9]\n    cap: 3000\n"
        "    basis: [{law: 测试法, article: 2, text: 罚款数额应当累计}]\n"
    )
    with pytest.raises(pe.RuleError) as info:
        pe.Engine.load(write_pack(pack=pack))
    assert info.value.code == "PE-R010" and "'r9'" in info.value.message


def test_separate_over_limit_acts_add_up_to_the_cap(engine: pe.Engine) -> None:
    c = {
        "case_id": "G1",
        "occurred_on": "2026-03-02",
        "party": {"kind": "organization"},
        "same_act": False,
        "violations": [
            {"violation": "over-limit-dimensions", "facts": {"height_m": "4.6", "width_m": "2.5", "length_m": "16"}},
            {"violation": "overload-gross-mass", "facts": {"excess_mass_kg": 60000}},
        ],
    }
    r = engine.evaluate_any(c, as_of=AS_OF)
    assert isinstance(r, pe.Decisions)
    # 1400 first, then 30000 cut to what is left of the 30000 cap: 28600
    assert [(f.violation.split("/")[1], f.amount) for f in r.combined.fines] == [
        ("over-limit-dimensions", Decimal(1400)),
        ("overload-gross-mass", Decimal(28600)),
    ]
    assert "超限运输车辆行驶公路管理规定 第四十三条第二款" in r.combined.basis
