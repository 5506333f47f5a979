"""Every shipped golden case is one test item; a failure names the file, the case and the difference.

Each case runs twice: on the tree path (the fast path compiled from each clause's tree, the
default) and on the library path (every clause on the CEL library, the reference): two runners
of one language share one conformance suite (ADR 0009).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import penalty_engine as pe
from penalty_engine.check.golden import cases_dir, compare, golden_files, run_file
from penalty_engine.pack import CompiledRule

CASES = cases_dir("cn-transport").parent
FILES = golden_files(CASES)  # every shipped pack's cases: the national pack's and each layer's


STARTER = {"overload-gross-mass", "unlicensed-freight", "unqualified-driver"}
CEL_PATHS = ("tree", "library")


@pytest.fixture(scope="module", params=CEL_PATHS)
def cel_engine(request: pytest.FixtureRequest, engine: pe.Engine) -> pe.Engine:
    """The bundled packs compiled for one CEL path (the tree path is the session's engine)."""
    return engine if request.param == "tree" else pe.Engine.load(cel=request.param)


def _own(rule: CompiledRule) -> bool:
    """Whether the rule's pack wrote it or changed its benchmark (a layer's inherited rules are tested
    by the base's cases, and tests/unit/test_layers_pack.py runs those through a layer)."""
    parts = ("tiers", "levels", "factors", "start")
    return rule.origin.get("rule", rule.pack.id) == rule.pack.id or any(
        v.origin.get(p) == rule.pack.id for v in rule.versions for p in parts
    )


def test_every_rule_has_golden_cases(engine: pe.Engine) -> None:
    for rule in [r for r in engine.rules() if _own(r)]:
        folder = cases_dir(rule.pack.id) / rule.rule.id
        need = 4 if rule.rule.id in STARTER else 3  # a lighter, a standard and a heavier case at least
        assert len(golden_files(folder)) >= need, f"{rule.id}: fewer than {need} golden cases in {folder}"


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(CASES)) for p in FILES])
def test_golden_case(cel_engine: pe.Engine, path: Path) -> None:
    result = run_file(cel_engine, path)
    assert result.passed, f"{path} [{result.case_id}]:\n  " + "\n  ".join(result.differences)


def test_compare_reports_each_difference() -> None:
    got = {
        "outcome": "penalty",
        "tier": "standard",
        "recommended_fine": "36000",
        "statutory_range": {"min": "12000", "max": "60000"},
        "band": {"min": "28000", "max": "44000"},
        "penalties": [{"kind": "fine", "amount": "36000"}],
        "duties": [{"kind": "order_correction"}],
        "options": [],
        "factors": [],
    }
    assert compare({"recommended_fine": "36000.00", "band": {"min": 28000, "max": "44000"}}, got) == []
    diffs = compare({"recommended_fine": "36100", "tier": "heavier", "duties": [], "colour": "red"}, got)
    assert len(diffs) == 4
    assert any(d.startswith("recommended_fine: expected '36100'") for d in diffs)
    assert any("colour" in d for d in diffs)


def test_altered_golden_amount_fails(engine: pe.Engine, tmp_path: Path) -> None:
    src = cases_dir("cn-transport") / "sample.yaml"
    text = src.read_text(encoding="utf-8")
    assert 'recommended_fine: "52000"' in text
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace('recommended_fine: "52000"', 'recommended_fine: "52100"'), encoding="utf-8")
    result = run_file(engine, bad)
    assert not result.passed and "recommended_fine" in result.differences[0]


def test_the_two_cel_paths_are_what_they_say(engine: pe.Engine) -> None:
    library = pe.Engine.load(cel="library")
    assert all(cv.table.fast for rule in engine.rules() for cv in rule.versions)
    assert not any(cv.table.fast for rule in library.rules() for cv in rule.versions)
