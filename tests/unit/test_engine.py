"""Evaluation: branch, range, tier band, factors, rounding, penalties; errors name the field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from pydantic import BaseModel

import penalty_engine as pe
from penalty_engine.models import in_lang
from penalty_engine.render.quotes import law_texts
from tests.conftest import AS_OF, case

UF = "cn-transport/unlicensed-freight"


def test_contract_example_amounts(engine: pe.Engine) -> None:
    # 12000 × 1–5 = 12000–60000; standard band thirds: 28000–44000; midpoint 36000
    d = engine.evaluate(case(UF, {"illegal_gain": "12000", "prior_12m": 1}), as_of=AS_OF)
    assert d.outcome == "penalty" and d.tier == "standard"
    assert (d.statutory_range.min, d.statutory_range.max) == (Decimal(12000), Decimal(60000))  # type: ignore[union-attr]
    assert (d.band.min, d.band.max) == (Decimal(28000), Decimal(44000))  # type: ignore[union-attr]
    assert d.recommended_fine == Decimal(36000)
    assert [(p.kind, p.amount) for p in d.penalties] == [
        ("fine", Decimal(36000)),
        ("confiscation", Decimal(12000)),
    ]
    # 道路运输条例 Art. 63 (2023) opens with 责令停止经营: the correction in the article's form (ADR 0017);
    # organization: 36000 ≥ 20000, the pack's 较大数额 (ADR 0018) → hearing notice, legal review with it
    assert [x.kind for x in d.duties] == ["order_stop_operation", "hearing_notice", "legal_review"]
    assert d.violation.version == "2023-07-20"


def test_json_shape_is_the_contract(engine: pe.Engine) -> None:
    data = engine.evaluate(case(UF, {"illegal_gain": "12000"}), as_of=AS_OF).model_dump(mode="json")
    assert list(data) == [
        "schema",
        "case_id",
        "violation",
        "dates",
        "outcome",
        "tier",
        "level",
        "statutory_range",
        "band",
        "recommended_fine",
        "currency",
        "penalties",
        "factors",
        "duties",
        "options",
        "assumptions",
        "set_by",
        "trail",
        "fingerprint",
        "engine",
    ]
    assert data["schema"] == "penalty-engine/decision@2"
    assert data["recommended_fine"] == "20000" and isinstance(data["recommended_fine"], str)
    assert set(data["trail"][0]) == {"step", "code", "message", "basis", "inputs", "result"}
    assert data["fingerprint"].startswith("sha256:") and len(data["fingerprint"]) == 71
    assert data["engine"] == f"penalty-engine {pe.__version__}"


def test_exactly_10000_takes_the_lighter_branch_as_assumed(engine: pe.Engine) -> None:
    d = engine.evaluate(case(UF, {"illegal_gain": "10000"}), as_of=AS_OF)
    assert d.statutory_range is not None and d.statutory_range.max == Decimal(10000)
    assert any("违法所得恰好为10,000元" in a and "exactly 10,000" in in_lang(a, "en") for a in d.assumptions)
    assert next(s for s in d.trail if s.code == "branch").result == "base"


def test_serious_branch_and_aggravation_clamps(engine: pe.Engine) -> None:
    facts = {"serious": True, "prior_12m": 3, "several_vehicles": True, "harm": "serious"}
    d = engine.evaluate(case(UF, facts), as_of=AS_OF)
    # 10000–50000, heavier band 36700–50000 (10000 + 2/3 × 40000 = 36666.67 → 36700); 1/2+1/4+1/4 = 1 → 50000
    assert d.tier == "heavier" and d.band is not None and d.band.min == Decimal(36700)
    assert d.recommended_fine == Decimal(50000)
    assert [f.id for f in d.factors] == ["several-vehicles", "serious-harm"]


def test_old_version_applies_to_old_facts(engine: pe.Engine) -> None:
    d = engine.evaluate(case(UF, {"illegal_gain": "25000"}, occurred_on="2022-06-01", decided_on="2022-08-01"))
    assert d.violation.version == "2022-05-01"  # the 2022 text (only the agency changed from the 2019 one)
    assert d.statutory_range is not None and d.statutory_range.min == Decimal(50000)
    assert not any(s.code == "lenient_law" for s in d.trail)


def test_each_text_of_art_63_is_quoted_for_its_own_period(engine: pe.Engine) -> None:
    facts = {"illegal_gain": "25000"}
    old = engine.evaluate(case(UF, facts, occurred_on="2021-05-10", decided_on="2021-08-10"))
    new = engine.evaluate(case(UF, facts, occurred_on="2022-06-01", decided_on="2022-08-01"))
    assert (old.violation.version, new.violation.version) == ("2019-03-02", "2022-05-01")

    def quoted(d: pe.Decision) -> str:
        return law_texts(engine, d)["道路运输条例 第六十三条"]

    assert "由县级以上道路运输管理机构责令停止经营" in quoted(old)
    assert "由县级以上地方人民政府交通运输主管部门责令停止经营" in quoted(new)
    # the penalties did not change in 2022: the same facts, the same fine, and no Art. 37 comparison
    assert old.recommended_fine == new.recommended_fine and old.statutory_range == new.statutory_range
    # an act of the last day decided under the 2022 text: Art. 37 compares, the new text is not lighter, the old stands
    later = engine.evaluate(case(UF, facts, occurred_on="2022-04-30", decided_on="2022-06-01"))
    assert later.violation.version == "2019-03-02" and later.recommended_fine == old.recommended_fine


def test_lenient_new_law_applies_when_lighter(engine: pe.Engine) -> None:
    # act in 2022 (2019 text: 2–10 × 25000 = 50000–250000), decision in 2026 (2023 text: 1–5 × = 25000–125000)
    c = case(UF, {"illegal_gain": "25000"}, occurred_on="2022-06-01", discovered_on="2023-01-10")
    d = engine.evaluate(c, as_of=AS_OF)
    assert d.violation.version == "2023-07-20"
    assert d.statutory_range is not None and d.statutory_range.max == Decimal(125000)
    step = next(s for s in d.trail if s.code == "lenient_law")
    assert step.inputs["occurred_result"]["statutory_max"] == "250000"
    assert step.inputs["decided_result"]["statutory_max"] == "125000"
    assert step.inputs["other_trail"], "the trail keeps the evaluation under the other version"
    assert "行政处罚法 第三十七条" in step.basis


def test_overload_warning_and_fixed_formula(engine: pe.Engine) -> None:
    warn = engine.evaluate(case("overload-gross-mass", {"excess_mass_kg": 1000}), as_of=AS_OF)
    assert warn.tier is None and warn.recommended_fine is None and warn.statutory_range is None
    assert [p.kind for p in warn.penalties] == ["warning"]
    fixed = engine.evaluate(case("overload-gross-mass", {"excess_mass_kg": 2999}), as_of=AS_OF)
    # setting overload_part_tonne = down: 2 whole 1000 kg → 1000 yuan
    assert fixed.tier == "fixed" and fixed.recommended_fine == Decimal(1000)
    assert fixed.band == fixed.statutory_range
    assert any("不足1000千克的部分" in a and "part of 1000 kg" in in_lang(a, "en") for a in fixed.assumptions)
    capped = engine.evaluate(case("overload-gross-mass", {"excess_mass_kg": 70000}), as_of=AS_OF)
    assert capped.recommended_fine == Decimal(30000)


def test_same_case_same_fingerprint_and_key_order(engine: pe.Engine) -> None:
    a = case(UF, {"illegal_gain": "12000", "prior_12m": 1})
    b = dict(reversed(list(a.items())))
    b["facts"] = {"prior_12m": 1, "illegal_gain": 12000}
    da, db = engine.evaluate(a, as_of=AS_OF), engine.evaluate(b, as_of=AS_OF)
    assert da.fingerprint == db.fingerprint and da == db
    other = engine.evaluate(case(UF, {"illegal_gain": "12000", "prior_12m": 2}), as_of=AS_OF)
    assert other.fingerprint != da.fingerprint


def test_decided_on_wins_over_as_of_and_is_required(engine: pe.Engine) -> None:
    d = engine.evaluate(case(UF, decided_on="2026-05-01"), as_of=AS_OF)
    assert d.dates.decided_on == dt.date(2026, 5, 1)
    with pytest.raises(pe.CaseError) as info:
        engine.evaluate(case(UF))
    assert info.value.code == "PE-C009"


@pytest.mark.parametrize(
    ("mutate", "code", "field"),
    [
        (lambda c: c["facts"].update(illegal_gain="abc"), "PE-C004", "facts.illegal_gain"),
        (lambda c: c["facts"].update(illegal_gain="12.345"), "PE-C004", "facts.illegal_gain"),
        (lambda c: c["facts"].update(illegal_gain="-5"), "PE-C005", "facts.illegal_gain"),
        (lambda c: c["facts"].update(prior_12m=1.5), "PE-C004", "facts.prior_12m"),
        (lambda c: c["facts"].update(serious="maybe"), "PE-C004", "facts.serious"),
        (lambda c: c["facts"].update(harm="huge"), "PE-C004", "facts.harm"),
        (lambda c: c["facts"].update(ilegal_gain="1"), "PE-C003", "facts.ilegal_gain"),
        (lambda c: c.pop("occurred_on"), "PE-C002", "occurred_on"),
        (lambda c: c.update(occured_on="2026-01-01"), "PE-C003", "occured_on"),
        (lambda c: c.update(violation="unlicensed-frieght"), "PE-C006", "violation"),
        (lambda c: c.update(party={"kind": "robot"}), "PE-C004", "party.kind"),
        (lambda c: c.update(occurred_on="2010-01-01"), "PE-C008", "occurred_on"),
    ],
)
def test_bad_cases_name_the_field(engine: pe.Engine, mutate: Any, code: str, field: str) -> None:
    c = case(UF, {"illegal_gain": "12000"}, case_id="BAD-1")
    mutate(c)
    with pytest.raises(pe.CaseError) as info:
        engine.evaluate(c, as_of=AS_OF)
    assert info.value.code == code
    assert field in str(info.value)
    assert "BAD-1" in str(info.value)


def test_unknown_fact_suggests_nearest(engine: pe.Engine) -> None:
    with pytest.raises(pe.CaseError) as info:
        engine.evaluate(case(UF, {"ilegal_gain": "1"}), as_of=AS_OF)
    assert "did you mean 'illegal_gain'" in info.value.message


@pytest.mark.parametrize(
    "facts",
    [
        {"serious": "maybe", "illegal_gain": "abc"},
        {"zzz": 1, "ilegal_gain": "1", "illegal_gain": "1"},
        {"prior_12m": 1.5, "ilegal_gain": "1"},
    ],
)
def test_the_first_error_does_not_depend_on_the_key_order(engine: pe.Engine, facts: dict[str, Any]) -> None:
    """Facts are checked in their declared order, unknown ones after (the first by name)."""
    messages = set()
    for ordered in (facts, dict(reversed(list(facts.items())))):
        with pytest.raises(pe.CaseError) as info:
            engine.evaluate(case(UF, ordered), as_of=AS_OF)
        messages.add(str(info.value))
    assert len(messages) == 1, messages


def test_required_fact_missing(engine: pe.Engine) -> None:
    with pytest.raises(pe.CaseError) as info:
        engine.evaluate(case("overload-gross-mass", {}), as_of=AS_OF)
    assert info.value.code == "PE-C002" and "excess_mass_kg" in info.value.message


def test_ambiguous_bare_id(write_pack: Any, tmp_path: Any) -> None:
    first = write_pack()
    second = tmp_path / "mini2"
    second.mkdir()
    (second / "pack.yaml").write_text((first / "pack.yaml").read_text().replace("id: mini", "id: mini2"))
    (second / "r1.yaml").write_text((first / "r1.yaml").read_text())
    engine = pe.Engine.load(first, second)
    with pytest.raises(pe.CaseError) as info:
        engine.evaluate(case("r1"), as_of=AS_OF)
    assert info.value.code == "PE-C007" and "mini/r1" in info.value.message
    assert engine.evaluate(case("mini2/r1"), as_of=AS_OF).violation.pack == "mini2"


def test_gap_in_frame_is_an_evaluation_error(write_pack: Any) -> None:
    from tests.conftest import MINI_RULE

    rule = MINI_RULE.replace("      - id: base\n", "      - id: base\n        when: n > 5\n")
    engine = pe.Engine.load(write_pack(rule))
    with pytest.raises(pe.EvaluationError) as info:
        engine.evaluate(case("mini/r1", {"n": 1}), as_of=AS_OF)
    assert info.value.code == "PE-E001"


def test_exclusive_upper_bound_reading(write_pack: Any) -> None:
    from tests.conftest import MINI_PACK, MINI_RULE

    pack = MINI_PACK.replace("boundaries: {assumption:", "boundaries: {above: inclusive, below: exclusive, assumption:")
    rule = MINI_RULE.replace("      - {tier: standard}", "      - {tier: standard}\n    start: 1")
    engine = pe.Engine.load(write_pack(rule, pack=pack))
    d = engine.evaluate(case("mini/r1", {"n": 5}), as_of=AS_OF)
    # heavier band 3000–4000 at position 1 = 4000, but 以下 is exclusive: 3900
    assert d.recommended_fine == Decimal(3900)


def test_engine_is_shareable_between_threads(engine: pe.Engine) -> None:
    from concurrent.futures import ThreadPoolExecutor

    cases = [case(UF, {"illegal_gain": str(10000 + i * 37), "prior_12m": i % 3}, case_id=f"T{i}") for i in range(200)]
    serial = [engine.evaluate(c, as_of=AS_OF).fingerprint for c in cases]
    with ThreadPoolExecutor(4) as pool:
        threaded = list(pool.map(lambda c: engine.evaluate(c, as_of=AS_OF).fingerprint, cases))
    assert threaded == serial


def test_many_factors_give_the_same_arithmetic(write_pack: Any) -> None:
    from tests.conftest import MINI_RULE

    # nine factors (more than are precomputed at load): each +1/20 when n >= k, for k = 1..9
    factors = "".join(
        f"      - {{id: f{k}, effect: aggravating, when: n >= {k}, weight: 1/20, label: {{zh: 因素, en: f}},"
        f" basis: [{{benchmark: 测试}}]}}\n"
        for k in range(1, 10)
    )
    engine = pe.Engine.load(write_pack(MINI_RULE + "    factors:\n" + factors))
    assert not engine.rules()[0].versions[0].positions  # the fallback path runs
    d = engine.evaluate(case("mini/r1", {"n": 1}), as_of=AS_OF)
    # standard band 2000–3000 (1000 + 3000/3, 1000 + 2×3000/3); 1/2 + 1/20 = 11/20 → 2550 → 2600 (half up)
    assert d.tier == "standard" and d.recommended_fine == Decimal(2600)
    position = next(s for s in d.trail if s.code == "position")
    assert position.inputs["plus"] == "0.05" and position.inputs["position"] == "0.55"


@pytest.mark.parametrize(
    ("serious", "harm"),
    [(True, "serious"), ("是", "serious"), ("true", "serious"), (False, "none"), ("否", "none")],
)
def test_bool_and_enum_facts_typed_or_written_as_text_give_the_same_decision(
    engine: pe.Engine, serious: Any, harm: str
) -> None:
    # typed values take the per-rule shortcut, texts go through coercion: same facts, same decision
    as_bool = serious in (True, "是", "true")
    typed = engine.evaluate(case(UF, {"illegal_gain": "5000", "serious": as_bool, "harm": harm}), as_of=AS_OF)
    written = engine.evaluate(case(UF, {"illegal_gain": "5000", "serious": serious, "harm": harm}), as_of=AS_OF)
    assert written.model_dump(mode="json") == typed.model_dump(mode="json")
    with pytest.raises(pe.PenaltyEngineError, match=r"facts\.harm"):
        engine.evaluate(case(UF, {"illegal_gain": "5000", "serious": serious, "harm": "grave"}), as_of=AS_OF)


def test_built_models_are_what_model_construct_makes() -> None:
    """``built`` sets what ``model_construct`` sets for the output models (guards a pydantic upgrade)."""
    import datetime as dt
    from decimal import Decimal

    from penalty_engine.models.decision import BUILT, Dates, Duty, FactorOut, Option, PenaltyOut, Range, built

    samples: dict[type[BaseModel], dict[str, Any]] = {
        Dates: {"occurred_on": dt.date(2024, 1, 2), "discovered_on": None, "decided_on": dt.date(2024, 2, 3)},
        Range: {"min": Decimal(3000), "max": Decimal("10000.5")},
        PenaltyOut: {"kind": "fine", "amount": Decimal(5000), "days": None, "daily": None},
        FactorOut: {"id": "repeat", "effect": "aggravating", "basis": ["x"], "label": None},
        Duty: {"kind": "hearing_notice", "basis": ["y"]},
        Option: {"kind": "lighter", "basis": [], "reason": "r"},
    }
    assert set(samples) <= set(BUILT)
    for cls, values in samples.items():
        made, constructed = built(cls, dict(values)), cls.model_construct(**values)
        assert made.__getstate__() == constructed.__getstate__(), cls.__name__
        assert made == cls.model_validate(values) and repr(made) == repr(cls.model_validate(values))
