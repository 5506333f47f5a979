"""Layers (ADR 0011): a pack that ``extends:`` another and changes only its benchmark.

A small base (``base``: rules r1 and r2, hearing thresholds, a list, a setting) is written in a
tmp folder, and layers over it next to it. Line numbers in the expected locations count the
lines of the texts below.
"""

from __future__ import annotations

import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

import penalty_engine as pe
from penalty_engine.check import run_pack
from penalty_engine.errors import RuleErrors
from penalty_engine.pack import LayeredSource, load_pack_files
from tests.conftest import AS_OF, MINI_PACK, MINI_RULE, ROOT, case

BASE_PACK = (
    MINI_PACK.replace("id: mini", "id: base").replace('version: "1"', 'version: "1.0"')
    + """\
settings:
  mode: {value: a, assumption: a is the usual reading}
general:
  hearing:
    - {party: individual, amount: 10000, effective_from: 2020-01-01}
    - {party: organization, amount: 100000, effective_from: 2020-01-01}
  lists:
    first: {rules: [r1, r2], assumption: the base's list}
  provisions:
    - id: first-time
      effect: may_no_penalty
      when: first
      recommend_for: first
      label: {zh: 首违, en: first violation}
      basis: [{law: 测试法, article: 2, text: 初次违法可以不予处罚}]
common_facts:
  first: {type: bool, default: false, label: {zh: 首违, en: first}}
"""
)

R2 = """\
id: r2
title: {zh: 规则二, en: Rule two}
versions:
  - effective_from: 2020-01-01
    basis:
      - {law: 测试法, article: 3, text: 处500元以上1000元以下的罚款}
    frame:
      - id: base
        fine: {min: 500, max: 1000}
"""

LAYER_HEAD = """\
id: prov
title: {zh: 某省, en: A province}
jurisdiction: CN-XX
authority: {zh: 某省厅, en: Provincial department}
version: "2026.1"
extends: {pack: ../base, version: "1.0"}
"""

# r1 of the base, n = 2: heavier tier (n >= 2), 1000–4000 in thirds → 3000–4000, middle 3500.
OVERRIDE_R1 = """\
overrides: r1
versions:
  - effective_from: 2020-01-01
    tiers:
      - {tier: heavier, when: n >= 5}
      - {tier: standard}
    assumptions:
      - the province counts only five or more
"""


def write(folder: Path, **files: str) -> Path:
    """Write ``files`` (name → text; ``__`` in a name is a sub-folder) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        path = folder / name.replace("__", "/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


@pytest.fixture
def base(tmp_path: Path) -> Path:
    return write(tmp_path / "base", **{"pack.yaml": BASE_PACK, "r1.yaml": MINI_RULE, "r2.yaml": R2})


def layer(tmp_path: Path, head: str = "", name: str = "prov", **files: str) -> Path:
    return write(tmp_path / name, **{"pack.yaml": LAYER_HEAD + textwrap.dedent(head), **files})


def fine(engine: pe.Engine, rule: str, **facts: object) -> Decimal | None:
    return engine.evaluate(case(rule, dict(facts)), as_of=AS_OF).recommended_fine


def errors_of(path: Path) -> list[pe.RuleError]:
    with pytest.raises(pe.RuleError) as info:
        pe.Engine.load(path)
    exc = info.value
    return list(exc.errors) if isinstance(exc, RuleErrors) else [exc]


def one_error(path: Path, code: str) -> pe.RuleError:
    found = [e for e in errors_of(path) if e.code == code]
    assert len(found) == 1, errors_of(path)
    return found[0]


# ---------------------------------------------------------------- inheritance and overrides


def test_a_layer_with_only_pack_yaml_inherits_every_rule_under_its_own_id(tmp_path: Path, base: Path) -> None:
    engine = pe.Engine.load(layer(tmp_path))
    assert [r.id for r in engine.rules()] == ["prov/r1", "prov/r2"]
    r1 = engine.rule("prov/r1")
    assert (r1.pack.id, r1.pack.version, r1.pack.jurisdiction) == ("prov", "2026.1", "CN-XX")
    assert r1.pack.currency == "CNY" and r1.pack.rounding.unit == Decimal(100)
    assert fine(engine, "prov/r1", n=2) == Decimal(3500)  # as in the base: heavier 3000–4000, middle
    assert engine.evaluate(case("prov/r1", {"n": 2}), as_of=AS_OF).violation.pack == "prov"


def test_base_and_layer_load_in_one_engine_under_their_own_ids(tmp_path: Path, base: Path) -> None:
    engine = pe.Engine.load(base, layer(tmp_path, **{"r1.yaml": OVERRIDE_R1}))
    assert engine.packs() == ["base", "prov"]
    # n = 2: the base's heavier tier (3000–4000 → 3500); the layer's standard (2000–3000 → 2500)
    assert (fine(engine, "base/r1", n=2), fine(engine, "prov/r1", n=2)) == (Decimal(3500), Decimal(2500))


def test_an_override_replaces_the_tiers_and_adds_an_assumption(tmp_path: Path, base: Path) -> None:
    engine = pe.Engine.load(layer(tmp_path, **{"over/r1.yaml": OVERRIDE_R1}))
    d = engine.evaluate(case("prov/r1", {"n": 2}), as_of=AS_OF)
    assert d.tier == "standard" and d.recommended_fine == Decimal(2500)
    assert fine(engine, "prov/r1", n=5) == Decimal(3500)
    assert "the province counts only five or more" in d.assumptions
    base_version = pe.Engine.load(base).rule("base/r1").versions[0].version
    assert engine.rule("prov/r1").versions[0].version.frame == base_version.frame


def test_an_override_replaces_factors_and_start_and_adds_a_fact(tmp_path: Path, base: Path) -> None:
    override = """\
    overrides: r1
    facts:
      large: {type: bool, default: false, label: {zh: 数额大, en: large}}
    versions:
      - effective_from: 2020-01-01
        start: 0
        factors:
          - id: large
            effect: aggravating
            when: large
            weight: 1/2
            label: {zh: 数额大, en: large}
            basis: [{benchmark: 省基准第3条}]
    """
    engine = pe.Engine.load(layer(tmp_path, **{"r1.yaml": override}))
    # n = 0: standard 2000–3000; start 0 → 2000; the large factor +1/2 → 2500
    assert fine(engine, "prov/r1") == Decimal(2000)
    assert fine(engine, "prov/r1", large=True) == Decimal(2500)
    assert "large" in engine.rule("prov/r1").facts and "n" in engine.rule("prov/r1").facts
    assert engine.rule("prov/r1").rule.versions[0].tiers[0].when == "n >= 2", "tiers not given stay the base's"


def test_a_layer_overrides_pack_settings_and_inherits_the_rest(tmp_path: Path, base: Path) -> None:
    head = """\
    rounding: {unit: 1000, mode: half_up, assumption: the province rounds to 1000}
    factor_start: 0
    factor_start_assumption: the province starts at the bottom
    settings:
      mode: {value: b, assumption: the province reads b}
      extra: {value: 1, assumption: added}
    general:
      hearing:
        - {party: individual, amount: 5000, effective_from: 2021-01-01}
      lists:
        first: {rules: [r1], assumption: only r1 in the province}
    common_facts:
      urban: {type: bool, default: false, label: {zh: 城区, en: urban}}
    assumptions: [a province's own assumption]
    """
    engine = pe.Engine.load(layer(tmp_path, head))
    pack = engine.rule("prov/r1").pack
    assert pack.rounding.unit == Decimal(1000) and pack.factor_start == 0
    assert pack.tier_scheme.assumption == "档次区间为法定幅度的三等分" and pack.boundaries.assumption
    assert {n: s.value for n, s in pack.settings.items()} == {"mode": "b", "extra": Decimal(1)}
    hearing = [(h.party, h.amount) for h in pack.general.hearing]  # in the base's order of party kinds
    assert hearing == [("individual", Decimal(5000)), ("organization", Decimal(100000))]
    assert pack.general.lists["first"].rules == ("r1",)
    assert [p.id for p in pack.general.provisions] == ["first-time"], "the general part is the base's"
    assert set(pack.common_facts) == {"first", "urban"} and pack.assumptions == ("a province's own assumption",)
    # n = 2: heavier 3000–4000, start 0 → 3000 (a multiple of 1000)
    assert fine(engine, "prov/r1", n=2) == Decimal(3000)


def test_a_layer_adds_a_rule_the_base_lacks(tmp_path: Path, base: Path) -> None:
    r3 = R2.replace("id: r2", "id: r3").replace("规则二", "规则三").replace("Rule two", "Rule three")
    engine = pe.Engine.load(layer(tmp_path, **{"r3.yaml": r3}))
    assert [r.id for r in engine.rules()] == ["prov/r1", "prov/r2", "prov/r3"]
    assert fine(engine, "prov/r3") == Decimal(800)  # 500–1000, no tiers: the middle 750 → 800


NOT_APPLIED = """\
not_applied:
  r2:
    reason: {zh: 本省无此类经营, en: no such business in the province}
    basis: [{benchmark: 省厅通知第1号}]
"""


def test_a_rule_not_applied_is_not_listed_and_a_case_for_it_says_why(tmp_path: Path, base: Path) -> None:
    engine = pe.Engine.load(layer(tmp_path, NOT_APPLIED))
    assert [r.id for r in engine.rules()] == ["prov/r1"]
    assert engine.rule("prov/r1").pack.general.lists["first"].rules == ("r1",), "inherited lists lose r2"
    for ref in ("prov/r2", "r2"):
        with pytest.raises(pe.CaseError) as info:
            engine.evaluate(case(ref), as_of=AS_OF)
        assert info.value.code == "PE-C010"
        assert "本省无此类经营" in info.value.message and "省厅通知第1号" in info.value.message


def test_a_layer_may_extend_a_layer(tmp_path: Path, base: Path) -> None:
    layer(tmp_path, NOT_APPLIED, **{"r1.yaml": OVERRIDE_R1})
    city_head = LAYER_HEAD.replace("id: prov", "id: city").replace("../base", "../prov")
    city_head = city_head.replace('version: "1.0"', 'version: "2026.1"')
    city_override = """\
    overrides: r1
    versions:
      - effective_from: 2020-01-01
        start: 1
    """
    city = write(tmp_path / "city", **{"pack.yaml": city_head, "r1.yaml": city_override})
    loaded = load_pack_files(city)
    assert loaded.bases == ("prov", "base") and set(loaded.not_applied) == {"r2"}
    engine = pe.Engine.load(city)
    # the province's tiers (n = 2 → standard 2000–3000), the city's start 1 → 3000
    assert fine(engine, "city/r1", n=2) == Decimal(3000)
    origin = engine.rule("city/r1").versions[0].origin
    assert (origin["tiers"], origin["start"], origin["frame"], origin["rounding"]) == ("prov", "city", "base", "base")
    with pytest.raises(pe.CaseError, match="PE-C010"):
        engine.evaluate(case("city/r2"), as_of=AS_OF)


def test_provenance_names_the_pack_that_set_each_part(tmp_path: Path, base: Path) -> None:
    head = """\
    tier_scheme:
      lighter: {lower: 0, upper: 1/2}
      standard: {lower: 1/4, upper: 3/4}
      heavier: {lower: 1/2, upper: 1}
      assumption: halves
    general:
      hearing:
        - {party: individual, amount: 5000, effective_from: 2021-01-01}
    settings:
      mode: {value: b, assumption: the province reads b}
    """
    engine = pe.Engine.load(layer(tmp_path, head, **{"r1.yaml": OVERRIDE_R1}))
    r1, r2 = engine.rule("prov/r1"), engine.rule("prov/r2")
    v1 = r1.versions[0].origin
    assert {k: v1[k] for k in ("tiers", "assumptions", "factors", "frame", "basis", "start")} == {
        "tiers": "prov",
        "assumptions": "prov",
        "factors": "base",
        "frame": "base",
        "basis": "base",
        "start": "base",
    }
    assert (v1["tier_scheme"], v1["hearing"], v1["rounding"], v1["settings.mode"]) == ("prov", "prov", "base", "prov")
    assert (v1["lists.first"], r1.origin["rule"], r1.origin["facts"]) == ("base", "base", "base")
    assert r2.versions[0].origin["tiers"] == "base" and r2.origin["tier_scheme"] == "prov"


def test_an_ordinary_pack_is_its_own_origin_for_every_part(engine: pe.Engine) -> None:
    for rule in [r for r in engine.rules() if r.pack.id == "cn-transport"]:
        for v in rule.versions:
            assert set(v.origin.values()) == {"cn-transport"} and {"tiers", "frame", "hearing"} <= set(v.origin)


# ---------------------------------------------------------------- errors with file:line


def test_a_base_that_cannot_be_found_is_an_error_at_extends(tmp_path: Path, base: Path) -> None:
    path = layer(tmp_path)
    text = (path / "pack.yaml").read_text(encoding="utf-8").replace("../base", "../bsae")
    (path / "pack.yaml").write_text(text, encoding="utf-8")
    err = one_error(path, "PE-R012")
    assert err.where == f"{path / 'pack.yaml'}:6" and "'../bsae'" in err.message


def test_a_base_of_another_version_is_an_error_naming_both(tmp_path: Path, base: Path) -> None:
    path = layer(tmp_path)
    text = (path / "pack.yaml").read_text(encoding="utf-8").replace('version: "1.0"', 'version: "2.0"')
    (path / "pack.yaml").write_text(text, encoding="utf-8")
    err = one_error(path, "PE-R013")
    assert err.where == f"{path / 'pack.yaml'}:6"
    assert "extends base 2.0 but the base is version 1.0" in err.message


def test_layers_extending_each_other_are_a_cycle_named_in_order(tmp_path: Path) -> None:
    a = write(tmp_path / "a", **{"pack.yaml": LAYER_HEAD.replace("id: prov", "id: a").replace("../base", "../b")})
    write(tmp_path / "b", **{"pack.yaml": LAYER_HEAD.replace("id: prov", "id: b").replace("../base", "../a")})
    err = one_error(a, "PE-R014")
    assert "a → b → a" in err.message and err.where == f"{tmp_path / 'b' / 'pack.yaml'}:6"


def test_overriding_a_rule_the_base_lacks_suggests_the_nearest(tmp_path: Path, base: Path) -> None:
    path = layer(tmp_path, **{"r1.yaml": OVERRIDE_R1.replace("overrides: r1", "overrides: r11")})
    err = one_error(path, "PE-R015")
    assert err.where == f"{path / 'r1.yaml'}:1" and "did you mean 'r1'?" in err.message


def test_overriding_a_version_the_base_lacks_lists_the_bases(tmp_path: Path, base: Path) -> None:
    path = layer(tmp_path, **{"r1.yaml": OVERRIDE_R1.replace("2020-01-01", "2021-01-01")})
    err = one_error(path, "PE-R016")
    assert err.where == f"{path / 'r1.yaml'}:3"
    assert "no version from 2021-01-01; its versions are from 2020-01-01" in err.message


def test_an_override_cannot_touch_the_frame_basis_or_title(tmp_path: Path, base: Path) -> None:
    override = """\
    overrides: r1
    title: {zh: 改, en: changed}
    versions:
      - effective_from: 2020-01-01
        frame:
          - {id: base, fine: {min: 0, max: 9000}}
        basis: [{law: 测试法, article: 1, text: x}]
    """
    path = layer(tmp_path, **{"r1.yaml": override})
    found = {(e.where.rsplit(":", 1)[1], e.message.split(":")[0]) for e in errors_of(path) if e.code == "PE-R017"}
    assert found == {("2", "title"), ("5", "versions.0.frame"), ("7", "versions.0.basis")}


def test_a_layer_cannot_change_the_currency_or_the_general_part(tmp_path: Path, base: Path) -> None:
    head = """\
    currency: USD
    general:
      provisions: []
    """
    path = layer(tmp_path, head)
    found = {(e.where.rsplit(":", 1)[1], e.message.split(":")[0]) for e in errors_of(path)}
    assert found == {("7", "currency"), ("9", "general.provisions")}
    assert all(e.code == "PE-R017" for e in errors_of(path))


def test_not_applied_naming_an_unknown_rule_is_an_error(tmp_path: Path, base: Path) -> None:
    path = layer(tmp_path, NOT_APPLIED.replace("  r2:", "  r3:"))
    err = one_error(path, "PE-R015")
    assert err.where == f"{path / 'pack.yaml'}:8" and "has no rule 'r3'" in err.message


def test_a_new_rule_with_a_base_id_points_to_overrides(tmp_path: Path, base: Path) -> None:
    err = one_error(layer(tmp_path, **{"r2.yaml": R2}), "PE-R011")
    assert "overrides: r2" in err.message


def test_a_layer_cannot_redeclare_what_its_base_has(tmp_path: Path, base: Path) -> None:
    head = """\
    common_facts:
      first: {type: bool, default: false, label: {zh: 首违, en: first}}
    """
    override = OVERRIDE_R1 + "facts:\n  n: {type: int, default: 0, label: {zh: 次数, en: count}}\n"
    path = layer(tmp_path, head, **{"r1.yaml": override})
    (pack_error,) = errors_of(path)  # pack.yaml is refused before the rule files are read
    assert pack_error.code == "PE-R011" and pack_error.where == f"{path / 'pack.yaml'}:8"
    (path / "pack.yaml").write_text(LAYER_HEAD, encoding="utf-8")
    err = one_error(path, "PE-R011")
    assert err.where == f"{path / 'r1.yaml'}:10" and "already a fact of base rule 'r1'" in err.message


def test_a_layer_cannot_take_its_bases_id(tmp_path: Path, base: Path) -> None:
    path = layer(tmp_path)
    (path / "pack.yaml").write_text(LAYER_HEAD.replace("id: prov", "id: base"), encoding="utf-8")
    err = one_error(path, "PE-R011")
    assert err.where == f"{path / 'pack.yaml'}:1"


def test_a_rule_not_applied_cannot_be_overridden(tmp_path: Path, base: Path) -> None:
    path = layer(tmp_path, NOT_APPLIED, **{"r2.yaml": OVERRIDE_R1.replace("overrides: r1", "overrides: r2")})
    err = one_error(path, "PE-R015")
    assert err.where == f"{path / 'r2.yaml'}:1" and "not_applied" in err.message


def test_a_version_overridden_twice_is_an_error(tmp_path: Path, base: Path) -> None:
    twice = OVERRIDE_R1 + "  - effective_from: 2020-01-01\n    start: 0\n"
    err = one_error(layer(tmp_path, **{"r1.yaml": twice}), "PE-R011")
    assert "overridden twice" in err.message and err.where.endswith("r1.yaml:9")


def test_a_cel_error_in_an_overriding_tier_points_at_the_layer_file(tmp_path: Path, base: Path) -> None:
    path = layer(tmp_path, **{"r1.yaml": OVERRIDE_R1.replace("n >= 5", "nn >= 5")})
    (err,) = errors_of(path)
    assert err.code == "PE-R007" and err.where == f"{path / 'r1.yaml'}:5"


def test_an_error_in_an_inherited_rule_points_at_the_base_file(tmp_path: Path, base: Path) -> None:
    (base / "r2.yaml").write_text(R2.replace("      - id: base\n", "      - id: base\n        when: m > 1\n"))
    (err,) = errors_of(layer(tmp_path))
    assert err.code == "PE-R007" and err.where == f"{base / 'r2.yaml'}:9"


def test_a_layers_list_naming_an_unknown_rule_points_at_the_layers_pack_yaml(tmp_path: Path, base: Path) -> None:
    head = """\
    general:
      lists:
        first: {rules: [r1, r9]}
    """
    path = layer(tmp_path, head)
    err = one_error(path, "PE-R010")
    assert err.where == f"{path / 'pack.yaml'}:9" and "'r9'" in err.message


def test_an_ordinary_pack_cannot_override(tmp_path: Path, base: Path) -> None:
    (base / "r3.yaml").write_text(OVERRIDE_R1, encoding="utf-8")
    err = one_error(base, "PE-R017")
    assert err.where == f"{base / 'r3.yaml'}:1"


# ---------------------------------------------------------------- the bundled pack


def test_an_empty_layer_over_cn_transport_passes_every_golden_case_of_the_base(
    tmp_path: Path, engine: pe.Engine
) -> None:
    national = pe.Engine.load("cn-transport")
    version = national.rules()[0].pack.version
    head = LAYER_HEAD.replace("../base", "cn-transport").replace('version: "1.0"', f'version: "{version}"')
    prov = write(tmp_path / "prov", **{"pack.yaml": head})
    shipped = ROOT / "cases" / "cn-transport"
    for path in shipped.rglob("*.yaml"):  # the base's golden cases, under the layer's ids
        text = path.read_text(encoding="utf-8").replace("cn-transport/", "prov/")
        write(prov / "cases", **{str(path.relative_to(shipped)).replace("/", "__"): text})
    both = pe.Engine.load("cn-transport", prov)
    assert len(both.rules()) == 2 * len(national.rules()) == 34
    results = run_pack(both, prov)
    assert len(results) == len(list(shipped.rglob("*.yaml"))) > 20
    assert [r for r in results if not r.passed] == []


def test_the_bundled_pack_loads_as_an_ordinary_pack() -> None:
    loaded = load_pack_files("cn-transport")
    assert (loaded.origin, loaded.bases, loaded.not_applied) == ({}, (), {})
    assert not any(lr.origin or lr.version_origins for lr in loaded.rules)
    # its source sends only the shared general part it uses to another file (ADR 0022), no base's part
    assert isinstance(loaded.source, LayeredSource) and loaded.shared is not None
    assert {r[1].path for r in loaded.source.redirects} == {loaded.shared.source.path}
