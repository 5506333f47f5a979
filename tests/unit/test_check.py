"""The defect zoo: small packs with one known defect each; `rules check` must find it, with its kind
and location, and must find nothing in the shipped packs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from penalty_engine.check.banded import BANDED_KINDS
from penalty_engine.check.static import KINDS, check_pack
from penalty_engine.check.weights import WEIGHT_KINDS
from tests.conftest import MINI_PACK, MINI_RULE


def only(root: Path, kind: str) -> list[Any]:
    report = check_pack(root)
    found = [f for f in report.findings if f.kind == kind]
    others = [f for f in report.findings if f.kind != kind]
    assert found, f"no '{kind}' finding; got {[f.kind for f in report.findings]}"
    assert not others, f"unexpected findings besides '{kind}': {[(f.kind, f.message) for f in others]}"
    return found


FRAME = MINI_RULE.split("    frame:\n")[0] + "    frame:\n"


def rule_with_frame(
    frame: str, rest: str = "    tiers:\n      - {tier: heavier, when: n >= 2}\n      - {tier: standard}\n"
) -> str:
    return FRAME + frame + rest


ZOO: list[tuple[str, str, str, int]] = [
    # (kind, rule text, pack text, line of the finding in the rule file (0: pack.yaml line checked apart))
    (
        "gap",
        rule_with_frame(
            "      - id: low\n        when: n < 3\n        fine: {min: 1000, max: 4000}\n"
            "      - id: high\n        when: n > 3\n        fine: {min: 2000, max: 8000}\n"
        ),
        MINI_PACK,
        9,
    ),
    (
        "overlap",
        rule_with_frame(
            "      - id: low\n        when: n <= 3\n        fine: {min: 1000, max: 4000}\n"
            "      - id: high\n        when: n >= 3 && n < 10\n        fine: {min: 2000, max: 8000}\n"
            "      - id: rest\n        fine: {min: 1000, max: 4000}\n"
        ),
        MINI_PACK,
        14,
    ),
    (
        "unreachable",
        rule_with_frame(
            "      - id: all\n        when: n >= 0\n        fine: {min: 1000, max: 4000}\n"
            "      - id: never\n        fine: {min: 2000, max: 8000}\n"
        ),
        MINI_PACK,
        13,
    ),
    (
        "band_outside_range",
        MINI_RULE.replace(
            "      - {tier: heavier, when: n >= 2}",
            "      - {tier: heavier, when: n >= 2, band: {lower: 2/3, upper: 6/5}}",
        ),
        MINI_PACK,
        13,
    ),
    (
        "band_overlap",
        MINI_RULE,
        MINI_PACK.replace("lighter: {lower: 0, upper: 1/3}", "lighter: {lower: 0, upper: 1/2}"),
        0,
    ),
    (
        "band_hole",
        MINI_RULE,
        MINI_PACK.replace("standard: {lower: 1/3, upper: 2/3}", "standard: {lower: 2/5, upper: 2/3}"),
        0,
    ),
    (
        "inert_weight",
        MINI_RULE.replace("n: {type: int, min: 0,", "n: {type: int, min: 0, max: 50,")
        + "    factors:\n      - {id: huge, effect: aggravating, when: n > 100, weight: 1/5, label: {zh: 多, en: many},"
        " basis: [{benchmark: 测试}]}\n",
        MINI_PACK,
        16,
    ),
    (
        "always_clamped",
        MINI_RULE
        + "    factors:\n      - {id: a, effect: aggravating, when: n >= 1, weight: 2/5, label: {zh: 甲, en: a},"
        " basis: [{benchmark: 测试}]}\n      - {id: b, effect: aggravating, when: n >= 2, weight: 2/5,"
        " label: {zh: 乙, en: b}, basis: [{benchmark: 测试}]}\n",
        MINI_PACK,
        15,
    ),
    ("undeclared_fact", MINI_RULE.replace("when: n >= 2", "when: m >= 2"), MINI_PACK, 13),
    (
        "unused_fact",
        MINI_RULE.replace("facts:\n", "facts:\n  x: {type: bool, default: false, label: {zh: 甲, en: x}}\n"),
        MINI_PACK,
        4,
    ),
    (
        "version_overlap",
        MINI_RULE.replace(
            "  - effective_from: 2020-01-01\n", "  - effective_from: 2020-01-01\n    effective_to: 2022-06-30\n"
        )
        + MINI_RULE[MINI_RULE.index("  - effective_from") :].replace("2020-01-01", "2022-01-01"),
        MINI_PACK,
        7,
    ),
    (
        "version_gap",
        MINI_RULE.replace(
            "  - effective_from: 2020-01-01\n", "  - effective_from: 2020-01-01\n    effective_to: 2021-06-30\n"
        )
        + MINI_RULE[MINI_RULE.index("  - effective_from") :].replace("2020-01-01", "2022-01-01"),
        MINI_PACK,
        7,
    ),
    ("type_error", MINI_RULE.replace("when: n >= 2", "when: n + 1.5 > 2"), MINI_PACK, 13),
    ("unmarked_assumption", MINI_RULE, MINI_PACK.replace(", assumption: 罚款取整至百元", ""), 0),
    ("load_error", MINI_RULE.replace("    frame:", "    frmae: []\n    frame:"), MINI_PACK, 9),
    # an assumption with no Chinese: reported at its line (zh is required, en optional)
    (
        "missing_zh",
        MINI_RULE.replace("    frame:", "    assumptions:\n      - {en: the fine is assumed}\n    frame:"),
        MINI_PACK,
        10,
    ),
    (
        "quote_mismatch",
        MINI_RULE.replace("fine: {min: 1000, max: 4000}", "fine: {min: 1000, max: 5000}"),
        MINI_PACK,
        11,
    ),
]


@pytest.mark.parametrize(("kind", "rule", "pack", "line"), ZOO, ids=[z[0] for z in ZOO])
def test_defect_zoo(write_pack: Any, kind: str, rule: str, pack: str, line: int) -> None:
    root = write_pack(rule, pack=pack)
    found = only(root, kind)
    assert found[0].severity == KINDS[kind]
    expected_file = "pack.yaml" if line == 0 else "r1.yaml"
    assert found[0].file is not None and found[0].file.endswith(expected_file), found[0].file
    if line:
        assert found[0].line == line, f"{kind}: line {found[0].line}, expected {line}: {found[0].message}"


def test_gap_witness_is_the_boundary(write_pack: Any) -> None:
    gap = only(write_pack(ZOO[0][1]), "gap")[0]
    assert gap.witness == {"facts": {"n": 3}, "party": {"kind": "organization"}}


def test_zoo_covers_every_static_kind_but_the_level_and_layer_ones() -> None:
    # the level and layer kinds have their own zoo: tests/unit/test_check_levels.py; the weighted tables'
    # kinds theirs: tests/unit/test_check_weights.py; the band tables' tests/unit/test_banded_check.py
    assert {z[0] for z in ZOO} == {k for k in KINDS if not k.startswith(("level_", "layer_"))} - {
        "invariant",
        "statutory_step",
        *WEIGHT_KINDS,
        *BANDED_KINDS,
    }


def test_shipped_pack_is_clean() -> None:
    report = check_pack("cn-transport")
    assert report.errors == 0 and report.findings == [], [(f.kind, f.rule, f.message) for f in report.findings]
    assert report.as_json()["schema"] == "penalty-engine/check@1"


def test_invariant_search_finds_a_broken_direction_with_the_smallest_case(write_pack: Any) -> None:
    from penalty_engine import Engine
    from penalty_engine.check.invariants import search

    rule = MINI_RULE + (
        "    factors:\n      - {id: odd, effect: mitigating, when: n >= 3, weight: 1/4, label: {zh: 怪, en: odd},"
        " basis: [{benchmark: 测试}]}\n"
    )
    engine = Engine.load(write_pack(rule))
    findings = search(engine, engine.rules()[0], max_examples=200, seed=1, names=["monotone"])
    assert [f.kind for f in findings] == ["invariant"]
    witness = findings[0].witness
    assert witness is not None and witness["invariant"] == "monotone"
    assert witness["case"]["facts"]["n"] == 2, "shrunk to the boundary: raising n from 2 to 3 lowers the fine"
    assert "n: 2" in witness["case_file"] and len(witness["decisions"]) == 2
    replay = engine.evaluate(witness["case"])
    assert replay.recommended_fine is not None


def test_invariant_search_finds_minors_treated_more_heavily(write_pack: Any) -> None:
    from penalty_engine import Engine
    from penalty_engine.check.invariants import search

    rule = MINI_RULE.replace(
        "      - {tier: heavier, when: n >= 2}",
        '      - {tier: heavier, when: party.kind == "individual" && party.age < 18}',
    )
    engine = Engine.load(write_pack(rule))
    findings = search(engine, engine.rules()[0], max_examples=200, seed=0, names=["minors"])
    assert findings and findings[0].witness is not None
    assert findings[0].witness["case"]["party"]["age"] in (14, 15, 16, 17)


def test_shipped_rules_keep_every_invariant() -> None:
    from penalty_engine import Engine
    from penalty_engine.check.invariants import search

    engine = Engine.load("cn-transport")
    steps = []
    for rule in engine.rules():
        findings = search(engine, rule, max_examples=25, seed=0)
        assert [f for f in findings if f.severity == "error"] == [], rule.id
        steps += [(f.rule, f.kind) for f in findings]
    # the statute's own step (Art. 74: under 1万元 3万–6万, from 1万元 2–10 times the gain) is a warning
    assert set(steps) <= {("cn-transport/foreign-operator-domestic-transport", "statutory_step")}


def test_a_step_between_statutory_branches_is_a_warning_not_a_broken_invariant(write_pack: Any) -> None:
    from penalty_engine import Engine
    from penalty_engine.check.invariants import search

    # below 10 the statute fines 1000–4000, from 10 it fines 100–1000: standard tier (n < 10 only, so n from
    # 2 to 9 gives 2000–3000 → 2500) against the lighter tier of the second branch (100–400 → 250 → 300)
    branches = "      - id: ten\n        when: n >= 10\n        fine: {min: 100, max: 1000}\n      - id: base\n"
    rule = MINI_RULE.replace("      - id: base\n", branches).replace(
        "      - {tier: heavier, when: n >= 2}\n      - {tier: standard}\n",
        "      - {tier: lighter, when: n >= 10}\n      - {tier: standard}\n",
    )
    assert rule.count("when: n >= 10") == 2
    engine = Engine.load(write_pack(rule))
    findings = search(engine, engine.rules()[0], max_examples=200, seed=0)
    assert [f.kind for f in findings] == ["statutory_step"] and findings[0].severity == "warning"
    assert "branch" in findings[0].message


def test_a_broken_pack_yaml_is_a_load_error_not_an_exception(write_pack: Any) -> None:
    report = check_pack(write_pack(pack=MINI_PACK.replace("currency: CNY", "currency: yuan")))
    assert [f.kind for f in report.findings] == ["load_error"] and report.errors == 1
    assert report.findings[0].file is not None and report.findings[0].file.endswith("pack.yaml")
    assert report.as_json()["summary"] == {"errors": 1, "warnings": 0}


def with_fact(rule: str, line: str) -> str:
    return rule.replace("facts:\n", f"facts:\n  {line}\n", 1)


TWO_EDGES = rule_with_frame(
    "      - id: low\n        when: x <= 10\n        fine: {min: 1000, max: 4000}\n"
    "      - id: high\n        when: x >= 10.01\n        fine: {min: 2000, max: 8000}\n"
)


def test_a_gap_between_two_decimal_edges_is_found_between_them(write_pack: Any) -> None:
    from penalty_engine import Engine
    from penalty_engine.errors import EvaluationError
    from tests.conftest import AS_OF, case

    root = write_pack(with_fact(TWO_EDGES, "x: {type: number, min: 0, default: 0, label: {zh: 比值, en: ratio}}"))
    gap = only(root, "gap")[0]
    assert gap.witness == {"facts": {"x": "10.005"}, "party": {"kind": "organization"}}
    with pytest.raises(EvaluationError) as exc:  # the witness is a real case that falls in no branch
        Engine.load(root).evaluate(case("mini/r1", {"x": "10.005"}), as_of=AS_OF)
    assert exc.value.code == "PE-E001"


def test_money_has_no_value_between_two_edges_one_fen_apart(write_pack: Any) -> None:
    root = write_pack(with_fact(TWO_EDGES, "x: {type: money, min: 0, default: 0, label: {zh: 金额, en: amount}}"))
    assert check_pack(root).findings == []
