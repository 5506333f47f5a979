"""A factor's ``not_in_tiers``: a circumstance that chose the tier is not weighed again in its band,
and is weighed in any other tier (a mandatory mitigation that caps the tier). ADR 0018."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

import penalty_engine as pe
from penalty_engine.errors import RuleErrors
from tests.conftest import MINI_RULE, case

# Range 1000–4000 (width 3000): tier bands lighter 1000–2000, standard 2000–3000, heavier 3000–4000.
FACTOR = (
    "    factors:\n"
    "      - {id: repeat, effect: aggravating, when: n >= 1, weight: 1/5, not_in_tiers: [heavier],"
    " label: {zh: 曾被查处, en: found before}, basis: [{benchmark: 测试}]}\n"
)
GENERAL = """\
general:
  provisions:
    - id: art32
      effect: mitigate
      when: party.kind == "individual" && party.age < 18
      label: {zh: 未成年人, en: minor}
      basis: [{law: 测试法, article: 2, text: 应当从轻}]
"""


@pytest.fixture
def engine(write_pack: Any) -> pe.Engine:
    from tests.conftest import MINI_PACK

    return pe.Engine.load(write_pack(MINI_RULE + FACTOR, pack=MINI_PACK + GENERAL))


def decide(engine: pe.Engine, n: int, **party: Any) -> pe.Decision:
    facts = {"n": n}
    result = engine.evaluate(case("mini/r1", facts, party=party or {"kind": "organization"}, decided_on="2026-04-01"))
    assert isinstance(result, pe.Decision)
    return result


def factor_step(d: pe.Decision) -> Any:
    return next(s for s in d.trail if s.code == "factor")


def test_weighed_in_a_tier_it_did_not_choose(engine: pe.Engine) -> None:
    # n 1: standard 2000–3000, repeat +1/5 → position 7/10 → 2000 + 0.7 × 1000 = 2700
    d = decide(engine, 1)
    assert d.tier == "standard" and d.recommended_fine == 2700
    assert [f.id for f in d.factors] == ["repeat"] and factor_step(d).result is True


def test_not_weighed_again_in_the_tier_chosen_for_it(engine: pe.Engine) -> None:
    # n 2: heavier 3000–4000 (chosen by n >= 2); repeat holds but is not weighed → 1/2 → 3500
    d = decide(engine, 2)
    assert d.tier == "heavier" and d.recommended_fine == 3500 and d.factors == []
    step = factor_step(d)
    assert step.result is False and step.inputs["result_text"] == "counted in the tier"
    zh, en = (dataclasses.replace(step, lang=lang).message for lang in ("zh", "en"))
    assert "不再重复计算" in zh and "not weighed again" in en


def test_weighed_again_when_a_mandatory_mitigation_lowers_the_tier(engine: pe.Engine) -> None:
    # a 16-year-old with n 2: heavier capped at lighter 1000–2000; repeat counts → 7/10 → 1700;
    # with n 1 the same (lighter: standard capped, repeat +1/5 → 1700): the fine never goes down as n rises
    capped = decide(engine, 2, kind="individual", age=16)
    assert capped.tier == "lighter" and capped.recommended_fine == 1700
    assert [f.id for f in capped.factors] == ["repeat"]
    assert decide(engine, 1, kind="individual", age=16).recommended_fine == 1700


def test_an_unknown_tier_is_a_rule_error_with_its_line(write_pack: Any) -> None:
    rule = MINI_RULE + FACTOR.replace("not_in_tiers: [heavier]", "not_in_tiers: [heavy]")
    with pytest.raises(RuleErrors) as info:
        pe.Engine.load(write_pack(rule))
    text = str(info.value)
    assert "PE-R010" in text and "'heavy'" in text and "heavier" in text and "r1.yaml:" in text
