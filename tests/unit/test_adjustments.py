"""Post-amount adjustments (ADR 0025): 公开道歉承诺从轻 of 粤环发〔2021〕7号 第十四条 in the environment pack,
its exclusions, the floor at the statutory minimum, and the same declaration on a tier pack (test data).
Amounts by hand in the comments."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

import penalty_engine as pe
from penalty_engine.errors import RuleErrors
from penalty_engine.models import Reduction
from penalty_engine.models.trail import render_message
from tests.conftest import AS_OF, MINI_PACK, MINI_RULE, case

ROOT = Path(__file__).resolve().parents[2]
APOLOGY = {"apology_corrected": True, "apology_applied": True, "apology_published": True, "compliance_pledged": True}
# 附件1 七: 7 + 2 + 10 + 3 + 3 + 8 + 3 = 36%; 36% × 1000000 = 360000 (the facts of golden case water-over-limit/02)
WATER = {
    "pollutant_count": "two_pollutants",
    "pollutant_class": "class_a_water",
    "outlet_area": "restricted_or_residential",
    "daily_volume": "t_50_to_200",
    "exceedance": "times_3_to_8",
    "similar_2y": "twice",
}


def _water(**facts: Any) -> dict[str, Any]:
    return {
        "case_id": "AP-1",
        "violation": "cn-gd-environment/water-over-limit",
        "occurred_on": "2025-05-06",
        "decided_on": "2025-07-01",
        "party": {"kind": "organization"},
        "facts": {**WATER, **facts},
    }


def _steps(d: pe.Decision, prefix: str) -> list[Any]:
    return [s for s in d.trail if s.code.startswith(prefix)]


def _figures(d: pe.Decision) -> tuple[Any, ...]:
    """The band's ends and the recommended fine."""
    assert d.band is not None
    return (d.band.min, d.band.max, d.recommended_fine)


def _zh(step: Any) -> str:
    return render_message(step.code, step.inputs, step.result, "zh")


def test_the_reduction_gives_a_band_and_the_recommended_share(engine: pe.Engine) -> None:
    d = engine.evaluate(_water(**APOLOGY))
    # band 360000 × 50% … 360000 × 70% = 180000 … 252000; recommended 360000 × (1 − 40%) = 216000
    assert _figures(d) == (180000, 252000, 216000)
    band, amount = _steps(d, "adjustment.")
    assert band.code == "adjustment.band" and amount.code == "adjustment.amount"
    assert "360000 × (1 − 50%) = 180000 元，360000 × (1 − 30%) = 252000 元" in _zh(band)
    assert "360000 × (1 − 40%) = 216000 元" in _zh(amount)
    assert any("第十四条" in b for b in band.basis)
    assert any("建议降低40%" in a for a in d.assumptions)
    # the claim's four conditions are shown with what they read
    (claim,) = band.inputs["clauses"]
    assert claim["result"] is True and claim["reads"] == dict.fromkeys(sorted(APOLOGY), True)


def test_the_reduction_moves_the_fine_below_the_hearing_threshold(engine: pe.Engine) -> None:
    # 附件1 一, every factor at its highest level: 100% × (2000000 × 5%) = 100000 ≥ 100000: a hearing;
    # with the apology 100000 × 60% = 60000 (band 50000–70000, above the minimum 2000000 × 1% = 20000): none
    facts = {
        "total_investment": "2000000",
        "eia_document": "eia_report_key",
        "project_location": "water_source_or_red_line",
        "construction_stage": "in_production",
        "duration": "months_12_or_more",
        "similar_2y": "four_or_more",
        "cooperation": "not_cooperated",
    }
    base = {
        "case_id": "AP-2",
        "violation": "cn-gd-environment/unapproved-construction",
        "occurred_on": "2025-03-02",
        "party": {"kind": "organization"},
    }
    before = engine.evaluate({**base, "facts": facts}, as_of=AS_OF)
    after = engine.evaluate({**base, "facts": {**facts, **APOLOGY}}, as_of=AS_OF)
    assert before.recommended_fine == 100000 and "hearing_notice" in {x.kind for x in before.duties}
    assert _figures(after) == (50000, 70000, 60000)
    assert "hearing_notice" not in {x.kind for x in after.duties}


@pytest.mark.parametrize("missing", sorted(APOLOGY))
def test_each_condition_is_needed(engine: pe.Engine, missing: str) -> None:
    d = engine.evaluate(_water(**{**APOLOGY, missing: False}))
    assert d.recommended_fine == 360000 and not _steps(d, "adjustment.")


@pytest.mark.parametrize(
    ("fact", "exclusion", "item"),
    [
        ("drinking_water_zone_prohibition", "drinking-water-zone", "（一）"),
        ("emergency_aggravation", "emergency-aggravation", "（四）"),
        ("police_detention", "police-detention", "（五）"),
        ("suspected_crime", "suspected-crime", "（六）"),
        ("continuing_after_order", "continuing-after-order", "（七）"),
        ("apologised_before", "repeat-after-apology", "（八）"),
        ("concurrent_violation_excluded", "concurrent-violation", "（九）"),
        ("other_rule_excludes", "other-rules", "（十一）"),
    ],
)
def test_an_exclusion_keeps_the_amount_and_is_quoted(engine: pe.Engine, fact: str, exclusion: str, item: str) -> None:
    d = engine.evaluate(_water(**APOLOGY, **{fact: True}))
    assert _figures(d) == (360000, 360000, 360000)
    (step,) = _steps(d, "adjustment.")
    assert step.code == "adjustment.excluded" and step.inputs["exclusion"] == exclusion
    assert any(f"第十四条第一款第{item}项" in b for b in step.basis)
    zh = _zh(step)
    assert "罚款 360000 元不降低" in zh and step.inputs["quote"] in zh


def test_the_first_exclusion_in_the_pack_order_is_named(engine: pe.Engine) -> None:
    d = engine.evaluate(_water(**APOLOGY, suspected_crime=True, drinking_water_zone_prohibition=True))
    (step,) = _steps(d, "adjustment.")
    assert step.inputs["exclusion"] == "drinking-water-zone"


def test_a_reinspection_finding_it_continuing_excludes(engine: pe.Engine) -> None:
    correction = {
        "ordered_on": "2025-05-10",
        "served_on": "2025-05-11",
        "reinspections": [{"date": "2025-06-01", "continuing": False}, {"date": "2025-06-10", "continuing": True}],
    }
    d = engine.evaluate({**_water(**APOLOGY), "correction": correction})
    (step,) = _steps(d, "adjustment.")
    assert step.code == "adjustment.excluded.continuing" and d.recommended_fine == 360000
    assert "复查发现违法行为仍持续（2025年6月10日）" in _zh(step)
    corrected = {**correction, "reinspections": correction["reinspections"][:1]}
    assert engine.evaluate({**_water(**APOLOGY), "correction": corrected}).recommended_fine == 216000


def test_the_rule_declares_an_outlet_in_zone_1(engine: pe.Engine) -> None:
    # 7 + 2 + 10 + 15 + 3 + 8 + 3 = 48% × 1000000 = 480000, not reduced (the rule's reading of 第十四条第（一）项)
    d = engine.evaluate(_water(**APOLOGY, outlet_area="drinking_water_zone_1"))
    (step,) = _steps(d, "adjustment.")
    assert step.code == "adjustment.excluded.rule" and d.recommended_fine == 480000
    assert "水污染防治法 第六十四条" in step.basis
    assert any("第六十四条禁止在饮用水水源保护区内设置排污口" in a for a in d.assumptions)
    # the reading is listed only when it holds
    assert not any("第六十四条" in a for a in engine.evaluate(_water(**APOLOGY)).assumptions)


def test_english_trail_is_english(engine: pe.Engine) -> None:
    d = engine.evaluate(_water(**APOLOGY))
    _band, amount = _steps(d, "adjustment.")
    en = render_message(amount.code, amount.inputs, amount.result, "en")
    assert "Recommended reduction 40%" in en and "216000 CNY" in en
    zh = _zh(amount)
    assert "not below" not in zh and "不低于法定最低罚款" in zh


# ------------------------------------------------------------------ the declaration on a tier pack (test data)

ADJUSTMENT = """\
settings:
  share:
    value: SHARE
    assumption: 测试用的降低比例
adjustments:
  - id: pledge
    label: {zh: 承诺从轻（测试）, en: pledge reduction (test)}
    when: pledged
    reduction: {min: 30/100, max: 50/100, recommended: {setting: share}}
    basis:
      - law: 测试规定
        article: 14
        text: 按罚款标准的30%-50%降低处罚；降低后的罚款额低于法定最低罚款额的，按法定最低罚款额处罚
    exclusions:
      - {id: minimum, label: {zh: 法定最低罚款, en: the minimum}, test: fixed_or_minimum,
         basis: [{law: 测试规定, article: 14, item: 10, text: 法定最低罚款的}]}
      - {id: listed, label: {zh: 规则所列, en: listed by the rule},
         basis: [{law: 测试规定, article: 14, item: 2, text: 规则所列的}]}
common_facts:
  pledged: {type: bool, default: false, direction: mitigating, label: {zh: 作出承诺, en: pledged}}
"""


def _mini(write_pack: Any, share: str = "40/100", rule: str = MINI_RULE) -> pe.Engine:
    return pe.Engine.load(write_pack(rule, MINI_PACK + ADJUSTMENT.replace("SHARE", share)))


def test_a_tier_version_is_reduced_alike(write_pack: Any) -> None:
    engine = _mini(write_pack)
    # standard band 2000–3000 (thirds of 1000–4000), position 1/2: 2500; pledged: band 1250–1750, 2500 × 60% = 1500
    d = engine.evaluate(case("mini/r1", {"pledged": True}), as_of=AS_OF)
    assert d.tier == "standard" and _figures(d) == (1250, 1750, 1500)
    # heavier (n ≥ 2): band 3000–4000, 3500; × 60% = 2100, band 1750–2450
    d = engine.evaluate(case("mini/r1", {"pledged": True, "n": 2}), as_of=AS_OF)
    assert _figures(d) == (1750, 2450, 2100)
    # not pledged: as before
    assert engine.evaluate(case("mini/r1"), as_of=AS_OF).recommended_fine == 2500


def test_the_setting_moves_the_recommended_fine(write_pack: Any) -> None:
    # 2500 × (1 − 30%) = 1750, half up to a multiple of 100: 1800, above the band's top 1750 → 1700 inside it
    assert (
        _mini(write_pack, "30/100").evaluate(case("mini/r1", {"pledged": True}), as_of=AS_OF).recommended_fine == 1700
    )
    # 2500 × (1 − 50%) = 1250, half up: 1300 (in the band 1250–1750)
    assert _mini(write_pack, "0.5").evaluate(case("mini/r1", {"pledged": True}), as_of=AS_OF).recommended_fine == 1300


def test_the_rounding_stays_in_the_band_and_above_the_minimum(write_pack: Any) -> None:
    # 2500 × 55% … 2500 × 50% with recommended 45% reduction: 2500 × 55% = 1375 → half up to 100: 1400 (band 1250–1750)
    d = _mini(write_pack, "45/100").evaluate(case("mini/r1", {"pledged": True}), as_of=AS_OF)
    assert d.recommended_fine == 1400
    (step,) = [s for s in d.trail if s.code == "adjustment.amount"]
    assert step.inputs["raw"] == "1375" and step.inputs["rounded"] == "1400"


def test_a_rule_declares_an_exclusion(write_pack: Any) -> None:
    rule = MINI_RULE + "    excluded_from:\n      - {adjustment: pledge, exclusion: listed, when: n >= 2}\n"
    engine = _mini(write_pack, rule=rule)
    assert engine.evaluate(case("mini/r1", {"pledged": True}), as_of=AS_OF).recommended_fine == 1500
    d = engine.evaluate(case("mini/r1", {"pledged": True, "n": 2}), as_of=AS_OF)
    assert d.recommended_fine == 3500
    (step,) = [s for s in d.trail if s.code.startswith("adjustment.")]
    assert step.code == "adjustment.excluded.rule" and step.inputs["quote"] == "规则所列的"


@pytest.mark.parametrize(
    ("declared", "match"),
    [
        ("{adjustment: pledges, exclusion: listed}", "pledges"),
        ("{adjustment: pledge, exclusion: lsted}", "lsted"),
    ],
)
def test_a_declaration_names_what_the_pack_has(write_pack: Any, declared: str, match: str) -> None:
    rule = MINI_RULE + f"    excluded_from:\n      - {declared}\n"
    with pytest.raises(RuleErrors, match=match):
        _mini(write_pack, rule=rule)


@pytest.mark.parametrize("share", ["60/100", "0.2", "yes", "1/3"])
def test_the_setting_is_a_share_in_the_range(write_pack: Any, share: str) -> None:
    with pytest.raises(RuleErrors, match="share"):
        _mini(write_pack, share)


def test_a_reduction_is_ordered_and_exact() -> None:
    with pytest.raises(ValidationError):
        Reduction.model_validate({"min": "50/100", "max": "30/100", "recommended": "40/100"})
    with pytest.raises(ValidationError):
        Reduction.model_validate({"min": "1/3", "max": "1/2", "recommended": "2/5"})
    with pytest.raises(ValidationError):
        Reduction.model_validate({"min": "30/100", "max": "50/100", "recommended": "60/100"})


def test_packs_without_adjustments_keep_their_dump() -> None:
    from penalty_engine.pack.loader import load_pack_files

    transport = load_pack_files(ROOT / "rules" / "cn-transport")
    assert "adjustments" not in transport.pack.model_dump(mode="json")
    assert all("excluded_from" not in v.model_dump(mode="json") for r in transport.rules for v in r.rule.versions)


def test_rules_check_invariants_hold_with_a_reduction(write_pack: Any) -> None:
    from penalty_engine.check.invariants import search

    engine = _mini(write_pack, "45/100")
    names = ["bounded", "monotone", "rounded", "explained", "deterministic"]
    assert search(engine, engine.rule("mini/r1"), max_examples=80, names=names) == []


def test_rules_check_explains_the_environment_reduction(engine: pe.Engine) -> None:
    from penalty_engine.check.invariants import explained

    case = _water(**APOLOGY)
    assert explained(engine, engine.rule("cn-gd-environment/water-over-limit"), case) is None


def test_new_case_groups_the_adjustment_facts(engine: pe.Engine) -> None:
    from penalty_engine.newcase import build_case, template_yaml

    rule = engine.rule("cn-gd-environment/water-over-limit")
    template = template_yaml(rule)
    head = template.index("公开道歉承诺从轻的条件和不适用情形")
    assert all(template.index(f"  {n}: false") > head for n in [*APOLOGY, "suspected_crime", "apologised_before"])
    assert template.index("  similar_2y:") < head  # the other common facts stay where they were
    said: list[str] = []
    case_part = iter(["AP-9", "2025-05-06", "", "2025-07-01", "单位"])  # id, act, discovery, decision, party
    asked = [0]

    def answer(prompt: str) -> str:
        # the case's own questions, then the rule's facts as in WATER, "是" to the four claim facts, else the default
        asked[0] += 1
        assert asked[0] < 100, f"asked again and again: {prompt}"
        if asked[0] <= 5:
            return next(case_part)
        label = next((n for n, s in rule.facts.items() if prompt.startswith(s.label.zh)), None)
        if label in WATER:
            return str(WATER[label])
        return "是" if label in APOLOGY else ""

    data = build_case(rule, answer, said.append)
    assert any("公开道歉承诺从轻的条件和不适用情形" in s for s in said)
    assert all(data["facts"][n] is True for n in APOLOGY)
    assert engine.evaluate(data).recommended_fine == 216000  # as above: 360000 × 60%
