"""Fact exclusions (``fact_exclusions`` in ``pack.yaml``): contradictory facts are refused with
PE-C012 naming both facts, their labels and what is expected; a pack's exclusion is checked at load."""

from __future__ import annotations

from typing import Any

import pytest

import penalty_engine as pe
from penalty_engine.errors import CaseError, RuleError
from tests.conftest import AS_OF, MINI_PACK, MINI_RULE, case

UF = "cn-transport/unlicensed-freight"
UD = "cn-transport/unqualified-driver"
RV = "cn-transport/over-limit-repeat-vehicle"

RULE = MINI_RULE.replace(
    "  n: {type: int",
    "  first: {type: bool, default: false, label: {zh: 初次违法, en: first violation}}\n  n: {type: int",
)


def exclusion(when: str = "first && n > 0", facts: str = "[first, n]") -> str:
    return (
        MINI_PACK
        + f"""\
fact_exclusions:
  - id: first-with-prior
    facts: {facts}
    when: {when}
    reason: {{zh: 曾被查处的不是初次违法, en: found before is not a first violation}}
"""
    )


def test_serious_with_minor_is_refused_naming_both_facts(engine: pe.Engine) -> None:
    facts = {"illegal_gain": "5000", "serious": True, "minor_violation": True, "corrected_in_time": True}
    with pytest.raises(CaseError) as err:
        engine.evaluate(case(UF, facts), as_of=AS_OF)
    text = str(err.value)
    assert text.startswith("PE-C012")
    for word in ("serious", "minor_violation", "情节严重", "违法行为轻微", "T-1", "at most one"):
        assert word in text, word


def test_first_violation_with_prior_findings_is_refused(engine: pe.Engine) -> None:
    with pytest.raises(CaseError, match=r"PE-C012.*first_violation.*prior_12m = 3.*expected first_violation false"):
        engine.evaluate(case(UD, {"first_violation": True, "prior_12m": 3}), as_of=AS_OF)


def test_each_fact_alone_is_accepted(engine: pe.Engine) -> None:
    assert engine.evaluate(case(UD, {"first_violation": True, "prior_12m": 0}), as_of=AS_OF).outcome == "penalty"
    assert engine.evaluate(case(UD, {"prior_12m": 3}), as_of=AS_OF).tier == "heavier"
    assert engine.evaluate(case(UF, {"illegal_gain": "5000", "serious": True}), as_of=AS_OF).outcome == "penalty"


def test_repeat_over_limit_vehicle_is_not_a_first_violation(engine: pe.Engine) -> None:
    with pytest.raises(CaseError, match=r"PE-C012.*over_limit_count_12m"):
        engine.evaluate(case(RV, {"over_limit_count_12m": 4, "first_violation": True}), as_of=AS_OF)


def test_an_exclusion_applies_only_to_rules_with_all_its_facts(engine: pe.Engine) -> None:
    # overload-gross-mass has first_violation (common) but no prior_12m: nothing to contradict
    facts = {"excess_mass_kg": 2000, "first_violation": True}
    d = engine.evaluate(case("cn-transport/overload-gross-mass", facts), as_of=AS_OF)
    assert d.outcome == "penalty"


def test_a_mini_pack_exclusion_refuses_and_names_the_line(write_pack: Any) -> None:
    eng = pe.Engine.load(write_pack(RULE, exclusion()))
    assert eng.evaluate(case("mini/r1", {"first": True}), as_of=AS_OF).outcome == "penalty"
    named = r"PE-C012 .*facts\.first, facts\.n: .*first = true \(初次违法 / first violation\); n = 2"
    with pytest.raises(CaseError, match=named):
        eng.evaluate(case("mini/r1", {"first": True, "n": 2}), as_of=AS_OF)


def test_an_exclusion_naming_an_unknown_fact_is_a_rule_error(write_pack: Any) -> None:
    with pytest.raises(RuleError, match=r"PE-R010.*names fact 'nn'.*did you mean 'n'"):
        pe.Engine.load(write_pack(RULE, exclusion("first && nn > 0", "[first, nn]")))


def test_an_exclusion_reading_a_fact_it_does_not_name_is_a_rule_error(write_pack: Any) -> None:
    rule = RULE.replace("  n: {type: int", "  m: {type: int, default: 0, label: {zh: 数, en: m}}\n  n: {type: int")
    with pytest.raises(RuleError, match=r"PE-R007.*reads m, not among its facts"):
        pe.Engine.load(write_pack(rule, exclusion("first && n > 0 && m > 0")))
