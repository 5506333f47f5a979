"""Properties of the general part (行政处罚法) over every shipped rule: invariants 4 and 7 of
DESIGN.md, minors, and mandatory mitigation. Cases come from ``strategies.py`` (built from each
rule's fact schema); only the party, one mitigating fact or the dates are then set."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from hypothesis import assume, given
from hypothesis import strategies as st

from penalty_engine.models.decision import Decision

from .strategies import Example, all_rules, engine, example_for, examples, rule_by_id

RANGE_TIERS = {"lighter", "standard", "heavier"}


def weight(d: Decision) -> tuple[int, Decimal]:
    """No penalty < any penalty; then the lower fine (a warning weighs as a fine of 0)."""
    return (0, Decimal(0)) if d.outcome == "no_penalty" else (1, d.recommended_fine or Decimal(0))


def run(ex: Example, case: dict[str, Any]) -> Decision:
    return engine().evaluate(case, as_of=ex.as_of)


@given(ex=examples(), age=st.integers(0, 13))
def test_under_14_never_punished(ex: Example, age: int) -> None:
    d = run(ex, {**ex.case, "party": {"kind": "individual", "age": age}})
    assert d.outcome == "no_penalty" and d.penalties == []


@given(ex=examples())
def test_no_fault_proven_never_punished(ex: Example) -> None:
    d = run(ex, {**ex.case, "facts": {**ex.case["facts"], "no_fault_proven": True}})
    assert d.outcome == "no_penalty" and any(x.kind == "education" for x in d.duties)


@given(ex=examples(), age=st.integers(14, 17))
def test_minor_never_heavier_than_at_30_and_never_above_lighter(ex: Example, age: int) -> None:
    minor = run(ex, {**ex.case, "party": {"kind": "individual", "age": age}})
    adult = run(ex, {**ex.case, "party": {"kind": "individual", "age": 30}})
    assert weight(minor) <= weight(adult)
    if minor.outcome == "penalty" and minor.tier in RANGE_TIERS:
        assert minor.tier == "lighter"


@given(ex=examples(), fact=st.sampled_from(["eliminated_harm", "coerced", "confessed_unknown", "meritorious"]))
def test_mandatory_mitigation_never_raises_the_fine(ex: Example, fact: str) -> None:
    assume(fact in ex.rule.facts)
    without = run(ex, {**ex.case, "facts": {**ex.case["facts"], fact: False}})
    with_it = run(ex, {**ex.case, "facts": {**ex.case["facts"], fact: True}})
    assert weight(with_it) <= weight(without)
    if with_it.tier == "below_minimum":
        assert any(x.kind == "collective_discussion" for x in with_it.duties)


VERSIONED = [r.id for r in all_rules() if len(r.versions) > 1]


@st.composite
def across_versions(draw: st.DrawFn) -> tuple[Example, dt.date]:
    """A case whose act falls under one version and whose decision falls under a later one."""
    rule = rule_by_id(draw(st.sampled_from(VERSIONED)))
    old, new = rule.versions[0].version, rule.versions[-1].version
    assert old.effective_to is not None
    occurred = draw(st.dates(max(old.effective_from, old.effective_to - dt.timedelta(days=600)), old.effective_to))
    ex = draw(example_for(rule))
    decided = draw(st.dates(new.effective_from, new.effective_from + dt.timedelta(days=900)))
    case = {
        **ex.case,
        "occurred_on": occurred.isoformat(),
        "discovered_on": occurred.isoformat(),
        "decided_on": decided.isoformat(),
    }
    return Example(ex.rule_id, old.key, case, decided), occurred


@given(data=across_versions())
def test_lenient_law_never_heavier_than_either_version(data: tuple[Example, dt.date]) -> None:
    ex, occurred = data
    applied = run(ex, ex.case)
    old_only = run(ex, {**ex.case, "decided_on": occurred.isoformat()})
    assert weight(applied) <= weight(old_only)
    step = next((s for s in applied.trail if s.code == "lenient_law"), None)
    if applied.outcome == "penalty":
        assert step is not None, "both versions must appear in the trail"
        assert applied.violation.version == step.result
        for key in ("occurred_result", "decided_result"):
            other = step.inputs[key]
            other_weight = (
                (0, Decimal(0)) if other["outcome"] == "no_penalty" else (1, Decimal(other["recommended_fine"] or 0))
            )
            assert weight(applied) <= other_weight, f"heavier than the {key}"
