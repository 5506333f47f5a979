"""Property tests of the invariants in DESIGN.md ("Invariants"), over every loaded rule.

Cases come from ``strategies.py``, which builds them from each rule's fact schema. The strategies
only produce cases inside the schema, so any ``PenaltyEngineError`` is a failure here.

The arithmetic of the trail (property 6) is recomputed with code written independently of
``penalty_engine.money``: rounding by ``math.floor`` / ``math.ceil`` / ``round`` on exact
fractions, and "toward the inside" as a clamp to the first and last multiple inside the limits.
"""

from __future__ import annotations

import json
import random
from decimal import Decimal
from typing import Any

import yaml
from hypothesis import given, note
from hypothesis import strategies as st

import penalty_engine as pe
from penalty_engine.core.case_io import parse_case_text
from penalty_engine.models.decision import Decision
from penalty_engine.models.rules import FactSpec, FactType

from .invariants_common import (
    FEN,
    RANGE_TIERS,
    _NumberDumper,
    as_json,
    as_text,
    band_limits,
    branch_of,
    evaluate,
    fine_limits,
    frac,
    range_limits,
    severity,
    shuffled,
    with_dates,
)
from .strategies import (
    Example,
    MonotoneSet,
    examples,
    money_text,
    monotone_sets,
)

# ------------------------------------------------------------- 1 Deterministic


@given(ex=examples(), rnd=st.randoms(use_true_random=False), indent=st.sampled_from([None, 2]))
def test_deterministic(ex: Example, rnd: random.Random, indent: int | None) -> None:
    first = evaluate(ex)
    again = evaluate(ex)
    assert again == first
    assert again.fingerprint == first.fingerprint
    expected = as_text(first)
    assert as_text(again) == expected

    reordered = shuffled(ex.case, rnd)
    d = evaluate(ex, reordered)
    assert d.fingerprint == first.fingerprint, "key order changed the fingerprint"
    assert as_text(d) == expected, "key order changed the decision"

    yaml_text = yaml.safe_dump(with_dates(reordered), allow_unicode=True, sort_keys=False)
    json_text = json.dumps(shuffled(ex.case, rnd), ensure_ascii=False, indent=indent)
    for text, path in ((yaml_text, "case.yaml"), (json_text, "case.json")):
        note(f"{path}:\n{text}")
        try:
            located = parse_case_text(text, path)
        except pe.PenaltyEngineError as exc:
            raise AssertionError(f"{path} of a generated case does not parse: {exc}") from exc
        d = evaluate(ex, located.data, source=located)
        assert d.fingerprint == first.fingerprint, f"{path}: the file format changed the fingerprint"
        assert as_text(d) == expected, f"{path}: the file format changed the decision"


def respell(spec: FactSpec, value: Any, style: str) -> Any:
    """``value`` of a fact written another way that means the same (as spreadsheets and YAML do)."""
    if spec.type in (FactType.money, FactType.number):
        amount = Decimal(value)
        if style == "short":
            return money_text(amount, 0)  # 39062.5, 10000
        if style == "fen":
            return money_text(amount, 1)  # 39062.50, 10000.00
        if style == "grouped":
            return f"{amount:,.2f}"  # 39,062.50
        return Decimal(money_text(amount, 1))  # a plain YAML number: 39062.50
    if spec.type is FactType.int:
        return {"short": str(value), "fen": str(value), "grouped": f"{int(value):,}"}.get(style, int(value))
    if spec.type is FactType.bool:
        return {"short": "true" if value else "false", "grouped": "是" if value else "否"}.get(style, value)
    return value


@given(ex=examples())
def test_deterministic_fact_spelling(ex: Example) -> None:
    """Equivalent spellings of the same fact values give the same fingerprint and the same decision:
    "39062.5" / "39062.50" / "39,062.50" / a YAML number, 5 / "5", true / "true" / "是"."""
    first = evaluate(ex)
    expected = as_json(first)
    for style in ("short", "fen", "grouped", "yaml"):
        facts = {name: respell(ex.rule.facts[name], value, style) for name, value in ex.case["facts"].items()}
        if style == "yaml":
            text = yaml.dump(with_dates({**ex.case, "facts": facts}), Dumper=_NumberDumper, allow_unicode=True)
            located = parse_case_text(text, "case.yaml")
            d = evaluate(ex, located.data, source=located)
        else:
            d = evaluate(ex, {**ex.case, "facts": facts})
        note(f"{style}: {facts}")
        assert d.fingerprint == first.fingerprint, f"facts spelled {style!r} changed the fingerprint"
        assert as_json(d) == expected, f"facts spelled {style!r} changed the decision"


# ------------------------------------------------------------------ 2 Bounded


@given(ex=examples())
def test_bounded(ex: Example) -> None:
    d = evaluate(ex)
    note(f"tier={d.tier} range={d.statutory_range} band={d.band} fine={d.recommended_fine}")
    # the shape of the outcome table in DESIGN.md "Decision output"
    if d.outcome == "no_penalty":
        assert d.tier == "none"
        assert d.statutory_range is None and d.band is None and d.recommended_fine is None
        return
    if d.recommended_fine is None and d.tier == "weighted":
        # a mandatory mitigation of a weighted amount: the officer decides between the minimum and the amount
        assert d.statutory_range is not None and d.band is not None
        assert d.statutory_range.min == d.band.min <= d.band.max <= d.statutory_range.max
        assert "decide_mitigation" in {duty.kind for duty in d.duties}
        return
    if d.recommended_fine is None and d.tier == "banded":
        # a band table's 从重 or 从轻 part (ADR 0024): the officer decides inside it, within the range
        assert d.statutory_range is not None and d.band is not None
        assert d.statutory_range.min <= d.band.min <= d.band.max <= d.statutory_range.max
        assert [p.amount for p in d.penalties if p.kind == "fine"] == [None]
        lighter = any(s.code == "banded.lighter" for s in d.trail)
        assert lighter == ("decide_mitigation" in {duty.kind for duty in d.duties})
        return
    if d.recommended_fine is None:
        assert d.tier is None and d.statutory_range is None and d.band is None
        assert d.penalties, "a penalty outcome without any penalty"
        assert all(p.kind != "fine" for p in d.penalties)
        return
    assert d.tier in RANGE_TIERS | {"fixed", "below_minimum", "weighted", "banded"}
    assert d.statutory_range is not None and d.band is not None
    fines = [p.amount for p in d.penalties if p.kind == "fine"]
    assert fines == [d.recommended_fine], "the fine penalty differs from recommended_fine"
    fine = frac(d.recommended_fine)
    assert fine >= 0
    if d.tier == "fixed":
        assert d.statutory_range.min == d.statutory_range.max == d.band.min == d.band.max == d.recommended_fine
    elif d.tier == "weighted":  # the band is the amount itself (ADR 0020), or a reduction's band (ADR 0025)
        reduced = any(s.code == "adjustment.amount" for s in d.trail)
        assert reduced or d.band.min == d.band.max == d.recommended_fine
        assert band_limits(d).contains(fine), "a weighted fine outside its band"
        assert range_limits(ex.rule, d).contains(fine), "a weighted fine outside the statutory range"
    elif d.tier == "below_minimum":
        duties = {duty.kind: duty for duty in d.duties}
        assert "collective_discussion" in duties, "below_minimum without collective_discussion"
        assert duties["collective_discussion"].basis, "below_minimum without a cited basis"
        assert fine < frac(d.statutory_range.min)
        assert band_limits(d).hi <= frac(d.statutory_range.min), "a below_minimum band reaches into the range"
    else:
        assert range_limits(ex.rule, d).contains(fine), "recommended fine outside the statutory range"
        assert d.statutory_range.min <= d.band.min <= d.band.max <= d.statutory_range.max, "band outside the range"


# ----------------------------------------------------------------- 3 Monotone


@given(ms=monotone_sets())
def test_monotone(ms: MonotoneSet) -> None:
    """Raising one fact with a direction, all else equal, moves the penalty only that way."""
    for r in ms.raises:
        lower, higher = ms.pair(r)
        low, high = evaluate(lower), evaluate(higher)
        what = (
            f"{r.fact} ({r.direction}) {r.low!r} → {r.high!r}: fine {low.recommended_fine} "
            f"(tier {low.tier}) → {high.recommended_fine} (tier {high.tier})"
        )
        if branch_of(low) != branch_of(high) and low.statutory_range and high.statutory_range:
            # The fact moved the case to another statutory branch: the law's own ranges govern, and
            # they may step (道路运输条例 Art. 74: 3万–6万 below a gain of 1万元, 2–10 × the gain from
            # it; golden cases 07/08 of foreign-operator-domestic-transport). The benchmark cannot
            # smooth a step of the statute; what must hold is that the statutory maximum moves the
            # fact's way.
            top_low, top_high = low.statutory_range.max, high.statutory_range.max
            if r.direction == "aggravating":
                assert top_high >= top_low, f"an aggravating fact lowered the statutory maximum: {what}"
            else:
                assert top_high <= top_low, f"a mitigating fact raised the statutory maximum: {what}"
            continue
        if r.direction == "aggravating":
            assert severity(high) >= severity(low), f"raising an aggravating fact lowered the penalty: {what}"
        else:
            assert severity(high) <= severity(low), f"raising a mitigating fact raised the penalty: {what}"


# ------------------------------------------------------------------ 5 Rounded


@given(ex=examples())
def test_rounded(ex: Example) -> None:
    d = evaluate(ex)
    if d.recommended_fine is None:
        return
    fine = frac(d.recommended_fine)
    unit = frac(ex.rule.pack.rounding.unit)
    limits = fine_limits(ex.rule, d)
    note(f"fine={fine} unit={unit} limits={limits}")
    assert limits.contains(fine), "recommended fine outside its band and range"
    if d.tier in RANGE_TIERS | {"below_minimum"}:
        assert band_limits(d).contains(fine), "recommended fine outside the band"
    if (fine / unit).denominator != 1:
        assert limits.multiples(unit) is None, f"fine {fine} is not a multiple of {unit} though the band has one"
        if limits.multiples(FEN) is not None:  # a range narrower than a fen (a tiny base) keeps the exact amount
            assert (fine / FEN).denominator == 1, f"fine {fine} is not even a multiple of 0.01"


# --------------------------------------------------------------- 8 Round trip


@given(ex=examples())
def test_round_trip(ex: Example) -> None:
    d = evaluate(ex)
    dumped = d.model_dump(mode="json")
    back = Decision.model_validate(dumped)
    assert back == d, "a decision parsed back from its JSON differs"
    assert back.model_dump(mode="json") == dumped
    assert json.dumps(back.model_dump(mode="json"), ensure_ascii=False) == json.dumps(dumped, ensure_ascii=False)
    # and through JSON text, as another system would read it
    again = Decision.model_validate_json(json.dumps(dumped, ensure_ascii=False))
    assert again == d
    assert again.model_dump(mode="json") == dumped
