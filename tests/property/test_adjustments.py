"""Post-amount adjustments (ADR 0025) over generated cases of every rule whose pack declares one: a
claimed reduction never raises the fine, never goes below the statutory minimum, and recomputes from
the trail and the pack (``adjusted``); an unclaimed one leaves no step."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, note
from hypothesis import strategies as st

from .invariants_common import as_json, evaluate
from .strategies import Example, all_rules, example_for, rule_by_id
from .test_explained import _check_weighted_fine

#: rules whose pack declares an adjustment (per-day rules too: exclusion 七 always holds for them)
ADJUSTED = sorted(r.id for r in all_rules() if r.versions[0].adjustments)


def _claim(ex: Example) -> set[str]:
    """The yes/no facts the pack's adjustments are claimed by."""
    rule = ex.rule
    return {n for ca in rule.versions[0].adjustments for _, _, reads in ca.when.clauses for n in reads}


def test_some_rule_declares_an_adjustment() -> None:
    assert "cn-gd-environment/water-over-limit" in ADJUSTED


@given(ex=st.sampled_from(ADJUSTED).map(rule_by_id).flatmap(example_for))
def test_a_claimed_reduction_lowers_within_the_range(ex: Example) -> None:
    claim = _claim(ex)
    claimed = {**ex.case, "facts": {**ex.case["facts"], **dict.fromkeys(claim, True)}}
    unclaimed = {**ex.case, "facts": {**ex.case["facts"], **dict.fromkeys(claim, False)}}
    with_claim, without = evaluate(ex, claimed), evaluate(ex, unclaimed)
    note(f"with: {with_claim.band} {with_claim.recommended_fine}; without: {without.band} {without.recommended_fine}")
    assert not any(s.code.startswith("adjustment.") for s in without.trail), "an adjustment nobody claimed"
    assert with_claim.outcome == without.outcome
    if with_claim.outcome != "penalty" or with_claim.statutory_range is None:
        return
    assert without.band is not None and with_claim.band is not None
    assert with_claim.band.max <= without.band.max, "a claimed reduction raised the band"
    below = with_claim.tier == "below_minimum"  # 减轻 of a formula fine (the general part's), not the reduction's
    assert below or with_claim.band.min >= with_claim.statutory_range.min, "a reduction below the statutory minimum"
    if with_claim.recommended_fine is None:
        return
    assert without.recommended_fine is not None
    assert with_claim.recommended_fine <= without.recommended_fine, "a claimed reduction raised the fine"
    assert below or with_claim.recommended_fine >= with_claim.statutory_range.min
    dj = as_json(with_claim)
    if dj["tier"] == "weighted":
        _check_weighted_fine(Example(ex.rule_id, ex.version, claimed, ex.as_of), dj)
    reduced = [s for s in with_claim.trail if s.code == "adjustment.amount"]
    if reduced:  # the fine before the reduction is the one without the claim
        assert Fraction(reduced[0].inputs["amount"]) == Fraction(without.recommended_fine)
