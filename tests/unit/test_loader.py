"""Rule files: every defect is an error with its code and file:line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import penalty_engine as pe
from penalty_engine.errors import RuleErrors
from tests.conftest import MINI_RULE


def load_error(path: Path) -> RuleErrors:
    with pytest.raises(pe.RuleError) as info:
        pe.Engine.load(path)
    err = info.value
    assert isinstance(err, RuleErrors)
    return err


def test_valid_mini_pack_loads(write_pack: Any) -> None:
    engine = pe.Engine.load(write_pack())
    assert [r.id for r in engine.rules()] == ["mini/r1"]


def test_unknown_key_names_field_line_and_suggestion(write_pack: Any) -> None:
    root = write_pack(MINI_RULE.replace("    frame:", "    frmae: []\n    frame:"))
    err = load_error(root)
    first = err.errors[0]
    assert first.code == "PE-R004"
    assert first.where.endswith("r1.yaml:9")
    assert "unknown key 'frmae'" in first.message and "did you mean 'frame'" in first.message


def test_duplicate_key(write_pack: Any) -> None:
    err = load_error(write_pack(MINI_RULE.replace("id: r1\n", "id: r1\nid: r2\n")))
    assert err.errors[0].code == "PE-R002" and err.errors[0].where.endswith("r1.yaml:2")


def test_python_tag_is_refused(write_pack: Any) -> None:
    err = load_error(write_pack(MINI_RULE.replace("id: r1", "id: !!python/object/apply:os.system [ls]")))
    assert err.errors[0].code == "PE-R003" and err.errors[0].where.endswith("r1.yaml:1")


def test_cel_syntax_error(write_pack: Any) -> None:
    err = load_error(write_pack(MINI_RULE.replace("when: n >= 2", "when: n >=")))
    assert err.errors[0].code == "PE-R005"
    assert err.errors[0].where.endswith("r1.yaml:13")


def test_cel_type_error_int_double_clash(write_pack: Any) -> None:
    err = load_error(write_pack(MINI_RULE.replace("when: n >= 2", "when: n + 1.5 > 2")))
    assert err.errors[0].code == "PE-R006"
    assert err.errors[0].where.endswith("r1.yaml:13")


def test_condition_must_be_boolean(write_pack: Any) -> None:
    err = load_error(write_pack(MINI_RULE.replace("when: n >= 2", "when: n + 1")))
    assert err.errors[0].code == "PE-R006" and "not true/false" in err.errors[0].message


def test_undeclared_fact_with_suggestion(write_pack: Any) -> None:
    err = load_error(write_pack(MINI_RULE.replace("when: n >= 2", "when: m >= 2")))
    assert err.errors[0].code == "PE-R007"
    assert "'m'" in err.errors[0].message


def test_overlapping_versions(write_pack: Any) -> None:
    rule = MINI_RULE + MINI_RULE[MINI_RULE.index("  - effective_from") :].replace("2020-01-01", "2021-01-01")
    err = load_error(write_pack(rule))
    assert err.errors[0].code == "PE-R008"


def test_unknown_setting(write_pack: Any) -> None:
    rule = MINI_RULE.replace(
        "        fine: {min: 1000, max: 4000}",
        "        fine: {per: n, unit: 1, rate: 100, partial: {setting: nope}}",
    )
    err = load_error(write_pack(rule))
    assert err.errors[0].code == "PE-R010" and "nope" in err.errors[0].message


def test_all_errors_of_a_pack_are_reported(write_pack: Any) -> None:
    root = write_pack(MINI_RULE.replace("when: n >= 2", "when: n >="), **{"r2.yaml": "id: r2\ntitle: x\n"})
    err = load_error(root)
    assert {e.code for e in err.errors} == {"PE-R005", "PE-R004"}


def test_missing_pack() -> None:
    with pytest.raises(pe.RuleError) as info:
        pe.Engine.load("cn-transprt")
    assert info.value.code == "PE-R009" and "did you mean 'cn-transport'" in info.value.message


def test_bundled_packs_load(engine: pe.Engine) -> None:
    ids = {r.id for r in engine.rules()}
    assert {
        "cn-transport/overload-gross-mass",
        "cn-transport/unlicensed-freight",
        "cn-transport/unqualified-driver",
    } <= ids
