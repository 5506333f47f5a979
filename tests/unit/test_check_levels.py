"""`rules check` on named levels (ADR 0010) and on layers (ADR 0011): one small defect pack per kind,
built from the provincial-shaped table of tests/unit/test_levels.py, and findings on a layer located
in the file that wrote the part (the layer's for an override, the base's for an inherited part)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from penalty_engine.check.banded import BANDED_KINDS
from penalty_engine.check.static import KINDS, check_pack
from penalty_engine.check.weights import WEIGHT_KINDS
from tests.conftest import MINI_PACK, MINI_RULE
from tests.unit.test_check import only
from tests.unit.test_layers_pack import LAYER_HEAD, write
from tests.unit.test_levels import PACK, RULE

# RULE's lines: 27 '- id: serious', 28/29 its with-gain/no-gain bands, 31 '- id: grave', 36/37 its
# bands, 38 '- id: general', 43/44 its bands; 22 'levels:'.
LEVEL_ZOO: list[tuple[str, str, int]] = [
    # (kind, rule text, line of the first finding in op.yaml)
    ("level_gap", RULE.replace("        tier: lighter\n", "        tier: lighter\n        when: months <= 3\n"), 22),
    ("level_unreachable", RULE.replace("when: months > 3 && refused", "when: months > 3 && refused && station"), 31),
    (
        "level_band_outside_range",
        RULE.replace("no-gain: {min: 70000, max: 100000}", "no-gain: {min: 70000, max: 120000}"),
        29,
    ),
    (
        "level_band_outside_range",
        RULE.replace("with-gain: {min_times: 7, max_times: 10}", "with-gain: {min_times: 7, max_times: 12}"),
        28,
    ),
    (
        "level_band_outside_range",  # 3万–5万 in a 2–10 × gain branch: below the range when the gain is 20000
        RULE.replace("with-gain: {min_times: 2, max_times: 4}", "with-gain: {min: 30000, max: 50000}"),
        43,
    ),
    (
        "level_band_outside_range",
        RULE.replace("no-gain: {min: 70000, max: 100000}", "no-gain: {lower: 2/3, upper: 6/5}"),
        29,
    ),
    (
        "level_band_overlap",
        RULE.replace("no-gain: {min: 50000, max: 70000}", "no-gain: {min: 45000, max: 70000}"),
        44,
    ),
    (
        "level_order",
        RULE.replace("no-gain: {min: 70000, max: 100000}", "no-gain: {min: 1, max: 2}")
        .replace("no-gain: {min: 30000, max: 50000}", "no-gain: {min: 70000, max: 100000}")
        .replace("no-gain: {min: 1, max: 2}", "no-gain: {min: 30000, max: 50000}"),
        29,
    ),
]


@pytest.mark.parametrize(("kind", "rule", "line"), LEVEL_ZOO, ids=[f"{z[0]}-{z[2]}" for z in LEVEL_ZOO])
def test_level_defect_zoo(write_pack: Any, kind: str, rule: str, line: int) -> None:
    found = only(write_pack(rule, PACK, name="op.yaml"), kind)
    assert found[0].severity == KINDS[kind]
    assert found[0].file is not None and found[0].file.endswith("op.yaml")
    assert found[0].line == line, f"{kind}: line {found[0].line}, expected {line}: {found[0].message}"
    if kind != "level_unreachable":
        assert found[0].witness is not None and "facts" in found[0].witness


def test_the_table_shaped_like_a_provincial_one_is_clean(write_pack: Any) -> None:
    assert check_pack(write_pack(RULE, PACK, name="op.yaml")).findings == []


def test_a_level_gap_witness_is_a_case_that_stops_with_pe_e003(write_pack: Any) -> None:
    import penalty_engine as pe
    from tests.conftest import AS_OF, case

    root = write_pack(LEVEL_ZOO[0][1], PACK, name="op.yaml")
    gaps = only(root, "level_gap")
    assert ["with-gain" in gaps[0].message, "no-gain" in gaps[1].message] == [True, True]
    witness = gaps[1].witness
    assert witness == {"facts": {"months": 4}, "party": {"kind": "organization"}}
    with pytest.raises(pe.EvaluationError) as exc:
        pe.Engine.load(root).evaluate(case("mini/op", witness["facts"]), as_of=AS_OF)
    assert exc.value.code == "PE-E003"


def test_an_amount_band_in_a_multiple_branch_names_the_base_value(write_pack: Any) -> None:
    (found,) = only(write_pack(LEVEL_ZOO[4][1], PACK, name="op.yaml"), "level_band_outside_range")
    assert "30000–50000 leave the range 40000–200000 when gain is 20000" in found.message
    assert found.witness == {"facts": {"gain": "20000"}, "party": {"kind": "organization"}}


def test_level_bands_meeting_at_an_edge_do_not_overlap_but_a_point_inside_a_band_does(write_pack: Any) -> None:
    rule = RULE.replace("no-gain: {min: 70000, max: 100000}", "no-gain: {fixed: 60000}")
    (found,) = only(write_pack(rule, PACK, name="op.yaml"), "level_band_overlap")
    assert "'serious' (60000) and 'grave' (50000–70000)" in found.message


def test_the_level_zoo_and_the_defect_zoo_cover_every_static_kind() -> None:
    from tests.unit.test_check import ZOO

    assert {z[0] for z in ZOO} | {z[0] for z in LEVEL_ZOO} | {"layer_widens_base"} == set(KINDS) - {
        "invariant",
        "statutory_step",
        *WEIGHT_KINDS,  # tests/unit/test_check_weights.py
        *BANDED_KINDS,  # tests/unit/test_banded_check.py
    }


# ---------------------------------------------------------------- layers

BASE_PACK = MINI_PACK.replace("id: mini", "id: base").replace('version: "1"', 'version: "1.0"')
LEVELS_PACK = PACK.replace("id: mini", "id: base").replace('version: "1"', 'version: "1.0"')
LEVELS = RULE[RULE.index("    levels:\n") :]
OVERRIDE_HEAD = "overrides: {rule}\nversions:\n  - effective_from: 2020-01-01\n"


def test_a_layer_band_outside_the_base_range_is_reported_in_the_layers_file(tmp_path: Path) -> None:
    write(tmp_path / "base", **{"pack.yaml": LEVELS_PACK, "op.yaml": RULE})
    wide = LEVELS.replace("no-gain: {min: 70000, max: 100000}", "no-gain: {min: 70000, max: 120000}")
    prov = write(tmp_path / "prov", **{"pack.yaml": LAYER_HEAD, "op.yaml": OVERRIDE_HEAD.format(rule="op") + wide})
    (found,) = only(prov, "layer_widens_base")
    assert found.severity == "error" and found.rule == "prov/op"
    assert (found.file, found.line) == (str(prov / "op.yaml"), 11)  # the no-gain band of 'serious'
    assert "set by layer pack 'prov' over base pack 'base'" in found.message
    assert "70000–120000 leave the range 30000–100000" in found.message


def test_a_tier_band_a_layer_widens_is_named_and_an_inherited_finding_points_into_the_base(tmp_path: Path) -> None:
    inert = MINI_RULE.replace("n: {type: int, min: 0,", "n: {type: int, min: 0, max: 50,") + (
        "    factors:\n      - {id: huge, effect: aggravating, when: n > 100, weight: 1/5, label: {zh: 多, en: many},"
        " basis: [{benchmark: 测试}]}\n"
    )
    base = write(tmp_path / "base", **{"pack.yaml": BASE_PACK, "r1.yaml": inert})
    tiers = (
        "    tiers:\n      - {tier: heavier, when: n >= 5, band: {lower: 2/3, upper: 6/5}}\n      - {tier: standard}\n"
    )
    prov = write(tmp_path / "prov", **{"pack.yaml": LAYER_HEAD, "over.yaml": OVERRIDE_HEAD.format(rule="r1") + tiers})
    report = check_pack(prov)
    where = {f.kind: (f.file, f.line) for f in report.findings}
    assert where == {"layer_widens_base": (str(prov / "over.yaml"), 5), "inert_weight": (str(base / "r1.yaml"), 16)}
    widened = next(f for f in report.findings if f.kind == "layer_widens_base")
    assert "band of 'heavier'" in widened.message and "layer pack 'prov'" in widened.message
    assert [f.kind for f in check_pack(base).findings] == ["inert_weight"]


def test_a_band_outside_the_range_in_the_base_itself_is_not_a_layer_finding(tmp_path: Path) -> None:
    wide = RULE.replace("no-gain: {min: 70000, max: 100000}", "no-gain: {min: 70000, max: 120000}")
    base = write(tmp_path / "base", **{"pack.yaml": LEVELS_PACK, "op.yaml": wide})
    prov = write(tmp_path / "prov", **{"pack.yaml": LAYER_HEAD})
    (found,) = only(prov, "level_band_outside_range")
    assert (found.file, found.line) == (str(base / "op.yaml"), 29)


# ---------------------------------------------------------------- invariant search


def test_the_invariant_search_keeps_every_invariant_on_a_table_with_a_range_only_level(write_pack: Any) -> None:
    from penalty_engine import Engine
    from penalty_engine.check.invariants import search

    engine = Engine.load(write_pack(RULE, PACK, name="op.yaml"))
    assert search(engine, engine.rules()[0], max_examples=60, seed=0) == []


def test_the_invariant_search_finds_a_heavier_level_that_gives_a_lower_fine(write_pack: Any) -> None:
    from penalty_engine import Engine
    from penalty_engine.check.invariants import search

    # general: 30000–50000 from the middle → 40000; grave (months > 3 and refused): 30000–35000 → 32500
    rule = RULE.replace("        start: 0\n", "").replace(
        "no-gain: {min: 50000, max: 70000}", "no-gain: {min: 30000, max: 35000}"
    )
    engine = Engine.load(write_pack(rule, PACK, name="op.yaml"))
    (found,) = search(engine, engine.rules()[0], max_examples=200, seed=0, names=["monotone"])
    assert found.witness is not None and found.witness["invariant"] == "monotone"
    assert "lowers the result" in found.message
