"""Property 6 of DESIGN.md ("Invariants"), Explained: from the decision JSON's trail alone, every
number of the fine recomputes exactly, with code written independently of ``penalty_engine.money``
(rounding by ``math.floor`` / ``math.ceil`` / ``round`` on exact fractions, "toward the inside" as a
clamp to the first and last multiple inside the limits). Split from ``test_invariants.py``."""

from __future__ import annotations

import datetime as dt
import json
import math
from fractions import Fraction
from typing import Any

import yaml
from hypothesis import given, note

import penalty_engine as pe
from penalty_engine.models import Weighted
from penalty_engine.pack.compiled import CompiledVersion

from .adjusted import RoundIn, adjusted
from .invariants_common import (
    FEN,
    Limits,
    Step,
    as_json,
    evaluate,
    fact_in_trail,
    frac,
    one,
    steps,
    to_multiple,
)
from .strategies import (
    Example,
    examples,
)

# ---------------------------------------------------------------- 6 Explained


def applied_version(ex: Example, dj: dict[str, Any]) -> CompiledVersion:
    """The rule version the decision applied (Art. 37 may pick the one in force at the decision)."""
    key = dj["violation"]["version"]
    found = [v for v in ex.rule.versions if v.version.key == key]
    assert len(found) == 1, f"the decision names version {key!r}, which {ex.rule.id} does not have"
    return found[0]


def inside_rounding(raw: Fraction, unit: Fraction, mode: str, limits: Limits) -> tuple[Fraction, Fraction]:
    """(unit used, result): ``raw`` rounded by ``mode`` and clamped to the first/last multiple inside
    ``limits``; one fen when no multiple of ``unit`` is inside."""
    used = unit if limits.multiples(unit) is not None else FEN
    inside = limits.multiples(used)
    assert inside is not None, f"no amount inside {limits}"
    return used, min(max(to_multiple(raw, used, mode), inside[0]), inside[1])


def _base_floor(ex: Example, dj: dict[str, Any]) -> Fraction | None:
    """The floor on the base of the multiple fine of the branch that applied (``base_min``), if any."""
    cv = applied_version(ex, dj)
    branch = one(dj, "branch")["result"]
    fine = next(b.fine for b in cv.version.frame if b.id == branch)
    floor = getattr(fine, "base_min", None)
    return frac(floor) if floor is not None else None


def _recompute_range(ex: Example, dj: dict[str, Any]) -> tuple[Fraction, Fraction]:
    found = steps(dj, "range.range") + steps(dj, "range.multiple")
    assert len(found) == 1, "expected exactly one range step"
    s = found[0]
    i = s["inputs"]
    if s["code"] == "range.range":
        lo, hi = frac(i["min"]), frac(i["max"])
    else:
        value = frac(i["value"])
        fact = frac(fact_in_trail(dj, i["fact"]))
        floor = _base_floor(ex, dj)  # the statute's floor on the base (所需处置费用不足二十万元的，按二十万元计算)
        raised = steps(dj, "range.base_min")
        assert bool(raised) == (floor is not None and fact < floor), "a base raised without need, or not when needed"
        if raised:
            (r,) = raised
            assert frac(r["inputs"]["value"]) == fact and frac(r["inputs"]["base_min"]) == floor
            assert value == floor == frac(r["result"]), "the range multiplies another value than the raised base"
        else:
            assert value == fact, "the range multiplies another value than the fact"
        lo, hi = value * frac(i["min_times"]), value * frac(i["max_times"])
        assert (frac(i["min"]), frac(i["max"])) == (lo, hi), "the multiple range does not recompute"
    assert (frac(s["result"]["min"]), frac(s["result"]["max"])) == (lo, hi)
    return lo, hi


def _check_range_fine(ex: Example, dj: dict[str, Any]) -> None:
    pack = ex.rule.pack
    rng_lo, rng_hi = _recompute_range(ex, dj)
    assert (frac(dj["statutory_range"]["min"]), frac(dj["statutory_range"]["max"])) == (rng_lo, rng_hi)

    level_band = steps(dj, "level.band.amount") + steps(dj, "level.band.multiple")
    if level_band:  # a level of a published table gives its band as amounts or multiples of the base
        band_lo, band_hi = _check_level_band(one_of(level_band), rng_lo, rng_hi)
        assert (frac(dj["band"]["min"]), frac(dj["band"]["max"])) == (band_lo, band_hi)
        _check_position_and_amount(ex, dj, band_lo, band_hi, rng_lo, rng_hi)
        return
    # band edges: fractions of the range, inner edges rounded to the unit, kept in the range
    band = one(dj, "band")["inputs"]
    tier = one(dj, "tier")
    fractions_from = tier
    capped = steps(dj, "tier.capped")  # the law caps the benchmark tier (mandatory mitigation)
    if capped:
        assert len(capped) == 1
        assert capped[0]["inputs"]["from"] == tier["result"], "tier.capped starts from another tier"
        fractions_from = capped[0]
    assert fractions_from["result"] == dj["tier"], "the trail ends on another tier than the decision"
    chosen = fractions_from["inputs"]
    assert (frac(band["lower"]), frac(band["upper"])) == (frac(chosen["lower"]), frac(chosen["upper"]))
    assert (frac(band["range_min"]), frac(band["range_max"])) == (rng_lo, rng_hi)
    unit, mode = frac(band["unit"]), band["mode"]
    assert unit == frac(pack.rounding.unit) and mode == pack.rounding.mode.value

    def edge(f: Fraction) -> Fraction:
        exact = rng_lo + f * (rng_hi - rng_lo)
        if f in (0, 1):
            return exact
        return min(max(to_multiple(exact, unit, mode), rng_lo), rng_hi)

    band_lo, band_hi = edge(frac(band["lower"])), edge(frac(band["upper"]))
    assert (frac(band["band_min"]), frac(band["band_max"])) == (band_lo, band_hi), "band edges do not recompute"
    decision_band = (frac(dj["band"]["min"]), frac(dj["band"]["max"]))
    assert decision_band == (band_lo, band_hi), "the decision's band differs from the trail"
    _check_position_and_amount(ex, dj, band_lo, band_hi, rng_lo, rng_hi)


def _check_level_band(s: Step, rng_lo: Fraction, rng_hi: Fraction) -> tuple[Fraction, Fraction]:
    """A level's band as the table gives it (amounts, or multiples of the base), cut to the range."""
    i = s["inputs"]
    lo, hi = frac(i["min"]), frac(i["max"])
    if s["code"] == "level.band.multiple":
        value = frac(i["value"])
        assert (lo, hi) == (value * frac(i["min_times"]), value * frac(i["max_times"])), "level multiples"
    assert (frac(i["range_min"]), frac(i["range_max"])) == (rng_lo, rng_hi)
    band = (max(lo, rng_lo), min(hi, rng_hi))
    assert (frac(i["band_min"]), frac(i["band_max"])) == band == (frac(s["result"]["min"]), frac(s["result"]["max"]))
    assert i["kept"] == ("as given" if band == (lo, hi) else "cut to the statutory range")
    return band


def one_of(found: list[Step]) -> Step:
    assert len(found) == 1, f"expected exactly one level band step, found {len(found)}"
    return found[0]


def _check_position_and_amount(
    ex: Example, dj: dict[str, Any], band_lo: Fraction, band_hi: Fraction, rng_lo: Fraction, rng_hi: Fraction
) -> None:
    """The position (start ± the factors' weights), the amount in the band and its rounding."""
    pack = ex.rule.pack
    unit, mode = frac(pack.rounding.unit), pack.rounding.mode.value
    # position: start + aggravating weights − mitigating weights, kept in [0, 1]
    pos_step = one(dj, "position")
    pos = pos_step["inputs"]
    version = applied_version(ex, dj)
    level = next((lv for lv, _ in version.levels if dj.get("level") and lv.id == dj["level"]["id"]), None)
    start = version.version.start if version.version.start is not None else pack.factor_start
    if level is not None and level.start is not None:
        start = level.start
    assert frac(pos["start"]) == start, "the position starts elsewhere than the rule or pack says"
    weights = {f.id: (f.effect, f.weight) for f in version.version.factors}
    plus = minus = Fraction(0)
    for a in pos["applied"]:
        assert weights[a["id"]] == (a["effect"], frac(a["weight"])), f"factor {a['id']} applied with another weight"
        if a["effect"] == "aggravating":
            plus += frac(a["weight"])
        else:
            minus += frac(a["weight"])
    assert (frac(pos["plus"]), frac(pos["minus"])) == (plus, minus)
    raw_pos = start + plus - minus
    assert frac(pos["raw"]) == raw_pos
    position = min(max(raw_pos, Fraction(0)), Fraction(1))
    assert frac(pos["position"]) == position == frac(pos_step["result"])
    applied_ids = [a["id"] for a in pos["applied"]]
    assert applied_ids == [f["id"] for f in dj["factors"]], "applied factors differ from the decision's factors"
    assert applied_ids == [s["inputs"]["factor"] for s in steps(dj, "factor") if s["result"] is True]

    # amount: band_min + position × (band_max − band_min)
    amount = one(dj, "amount")
    assert (frac(amount["inputs"]["band_min"]), frac(amount["inputs"]["band_max"])) == (band_lo, band_hi)
    assert frac(amount["inputs"]["position"]) == position
    raw = band_lo + position * (band_hi - band_lo)
    assert frac(amount["inputs"]["raw"]) == raw and frac(amount["result"]) == raw, "the amount does not recompute"

    # rounding to the unit, toward the inside of range and band (0.01 when no multiple fits)
    rnd = one(dj, "round")
    r = rnd["inputs"]
    assert frac(r["raw"]) == raw and r["mode"] == mode
    assert (frac(r["band_min"]), frac(r["band_max"])) == (band_lo, band_hi)
    assert (frac(r["range_min"]), frac(r["range_max"])) == (rng_lo, rng_hi)
    assert (r["range_min_inclusive"], r["range_max_inclusive"]) == (
        pack.boundaries.above == "inclusive",
        pack.boundaries.below == "inclusive",
    )
    rounded = to_multiple(raw, unit, mode)
    assert frac(r["rounded"]) == rounded, "the rounded amount does not recompute"
    limits = Limits(rng_lo, rng_hi, r["range_min_inclusive"], r["range_max_inclusive"]) & Limits(band_lo, band_hi)
    used, result = inside_rounding(raw, unit, mode, limits)
    assert frac(r["unit"]) == used, "the trail names another rounding unit than the one that applies"
    assert frac(rnd["result"]) == result, f"the rounded result recomputes to {result}, the trail says {rnd['result']}"
    assert frac(dj["recommended_fine"]) == result, "recommended_fine differs from the trail"


def _per_unit_amount(ex: Example, dj: dict[str, Any]) -> Fraction:
    """The fine a per-unit formula fixes, recomputed from its trail step."""
    s = one(dj, "range.per_unit")
    i = s["inputs"]
    value = frac(i["value"])
    assert value == frac(fact_in_trail(dj, i["fact"])), "the formula counts another value than the fact"
    quotient = value / frac(i["unit"])
    assert frac(i["quotient"]) == quotient
    partial = i["partial"]
    if partial == "exact":
        units = quotient
    elif partial == "up":
        units = Fraction(math.ceil(quotient))
    elif partial == "down":
        units = Fraction(math.floor(quotient))
    elif partial == "half_up":
        units = Fraction(math.floor(quotient + Fraction(1, 2)))
    else:
        raise AssertionError(f"unknown partial counting {partial!r}")
    assert frac(i["units"]) == units
    amount = units * frac(i["rate"])
    assert frac(i["amount"]) == amount
    capped = amount if i["cap"] == "none" else min(amount, frac(i["cap"]))
    unit = frac(i["round_unit"])
    assert unit == frac(ex.rule.pack.rounding.unit)
    result = to_multiple(capped, unit, i["mode"])
    if i["cap"] != "none" and result > frac(i["cap"]):
        result = math.floor(frac(i["cap"]) / unit) * unit  # never over the cap
    assert frac(s["result"]) == result, f"the per-unit fine recomputes to {result}, the trail says {s['result']}"
    return result


def _units(quotient: Fraction, partial: str) -> Fraction:
    if partial == "exact":
        return quotient
    if partial == "up":
        return Fraction(math.ceil(quotient))
    if partial == "down":
        return Fraction(math.floor(quotient))
    if partial == "half_up":
        return Fraction(math.floor(quotient + Fraction(1, 2)))
    raise AssertionError(f"unknown partial counting {partial!r}")


def _tranche_amount(dj: dict[str, Any]) -> Fraction:
    """The fine tranches of a mass fix (Zhejiang's over-limit table), recomputed from their step."""
    s = one(dj, "range.tranches")
    i = s["inputs"]
    assert frac(i["value"]) == frac(fact_in_trail(dj, i["fact"])), "the tranches count another value than the fact"
    unit, total = frac(i["unit"]), Fraction(0)
    for t in i["tranches"]:
        units = _units(frac(t["part"]) / unit, i["partial"])
        assert (frac(t["quotient"]), frac(t["units"])) == (frac(t["part"]) / unit, units)
        assert frac(t["subtotal"]) == units * frac(t["rate"]), "a tranche's subtotal does not recompute"
        total += frac(t["subtotal"])
    result = total if i.get("cap") in (None, "none") else min(total, frac(i["cap"]))
    assert frac(s["result"]) == result, f"the tranches recompute to {result}, the trail says {s['result']}"
    return result


def _per_day_amount(dj: dict[str, Any]) -> Fraction:
    """A per-day fine (ADR 0023): the days from the day after the start to each re-inspection that found
    the violation continuing, added up, × the original fine."""
    day = dt.date.fromisoformat(one(dj, "per_day.start")["result"])
    total = 0
    for s in steps(dj, "per_day.reinspection"):
        i = s["inputs"]
        assert dt.date.fromisoformat(i["from"]) == day, "a counting period does not start where the last ended"
        days = (dt.date.fromisoformat(i["date"]) - day).days + 1
        assert i["days"] == days, "a period's days do not recompute"
        total += days
        assert i["total"] == total
        day = dt.date.fromisoformat(i["date"]) + dt.timedelta(days=1)
    assert one(dj, "per_day.days")["inputs"]["days"] == total
    amount = one(dj, "per_day.amount")["inputs"]
    assert frac(amount["daily"]) == frac(fact_in_trail(dj, amount["fact"])), "the daily amount is not the fact"
    assert amount["days"] == total and frac(amount["amount"]) == frac(amount["daily"]) * total
    return frac(amount["amount"])


def _fixed_amount(ex: Example, dj: dict[str, Any]) -> Fraction:
    """The amount a formula fixes: per unit, by tranches, or per day."""
    if steps(dj, "range.tranches"):
        return _tranche_amount(dj)
    if steps(dj, "per_day.amount"):
        return _per_day_amount(dj)
    return _per_unit_amount(ex, dj)


def _check_fixed_fine(ex: Example, dj: dict[str, Any]) -> None:
    fixed = _fixed_amount(ex, dj)
    assert frac(dj["recommended_fine"]) == fixed
    assert (frac(dj["statutory_range"]["min"]), frac(dj["statutory_range"]["max"])) == (fixed, fixed)
    assert (frac(dj["band"]["min"]), frac(dj["band"]["max"])) == (fixed, fixed)


def _check_below_minimum(ex: Example, dj: dict[str, Any]) -> None:
    """减轻 below a formula's fixed fine: band = [lower, upper) × the fixed fine, start position, rounding."""
    pack = ex.rule.pack
    step = one(dj, "below_minimum")
    i = step["inputs"]
    assert "fixed" in i, "below_minimum without the amount it goes below: the trail does not explain it"
    fixed = _fixed_amount(ex, dj)
    assert frac(i["fixed"]) == fixed
    assert (frac(dj["statutory_range"]["min"]), frac(dj["statutory_range"]["max"])) == (fixed, fixed)
    rule_spec = pack.general.below_minimum if pack.general is not None else None
    assert rule_spec is not None, "below_minimum although the pack states no rule for it"
    lower, upper = frac(i["lower"]), frac(i["upper"])
    assert (lower, upper) == (rule_spec.lower, rule_spec.upper), "below_minimum fractions differ from the pack"
    band_lo, band_hi = fixed * lower, fixed * upper
    assert (frac(i["band_min"]), frac(i["band_max"])) == (band_lo, band_hi)
    assert (frac(dj["band"]["min"]), frac(dj["band"]["max"])) == (band_lo, band_hi)
    start = frac(i["start"])
    version_start = applied_version(ex, dj).version.start
    assert start in {pack.factor_start, version_start}, "below_minimum starts elsewhere than the pack or rule says"
    raw = band_lo + start * (band_hi - band_lo)
    assert frac(i["raw"]) == raw, "the below_minimum amount does not recompute"
    unit, mode = frac(pack.rounding.unit), i["mode"]
    assert mode == pack.rounding.mode.value
    assert frac(i["rounded"]) == to_multiple(raw, unit, mode)
    used, result = inside_rounding(raw, unit, mode, Limits(band_lo, band_hi, True, False))
    assert frac(i["unit"]) == used, "the trail names another rounding unit than the one that applies"
    assert frac(step["result"]) == result, f"below_minimum recomputes to {result}, the trail says {step['result']}"
    assert frac(dj["recommended_fine"]) == result


def _pct(text: str) -> Fraction:
    return Fraction(text.removesuffix("%")) / 100


def _check_weighted_fine(ex: Example, dj: dict[str, Any]) -> None:
    """A weighted amount (ADR 0020) from its trail: start + each factor's level weight (the table's; the
    lowest when not established), capped and floored, × the statutory maximum, raised to the minimum,
    rounded inside the range."""
    spec = applied_version(ex, dj).version.weighted
    assert spec is not None, "a weighted decision from a version without a table"
    if not isinstance(spec, Weighted):  # the two-stage form: tests/unit/test_two_stage.py recomputes it
        return
    rng_lo, rng_hi = _recompute_range(ex, dj)
    start = _pct(one(dj, "weighted.start")["result"])
    assert start == spec.start, "the trail starts elsewhere than the table"
    chosen = []
    for s in steps(dj, "weighted.factor"):
        factor = next(f for f in spec.factors if f.id == s["inputs"]["factor"])
        level = next(lv for lv in factor.levels if lv.id == s["inputs"]["level"])
        assert _pct(s["result"]) == level.weight, "a factor's weight is not its level's"
        if not s["inputs"]["established"]:
            assert level.weight == factor.lowest.weight, "a factor not established counts above its lowest level"
        chosen.append(level.weight)
    assert len(chosen) == len(spec.factors), "a factor of the table is missing from the trail"
    total = one(dj, "weighted.sum")
    raw = start + sum(chosen, Fraction(0))
    assert _pct(total["inputs"]["raw"]) == raw, "the sum does not add up"
    kept = min(raw, spec.cap)
    kept = max(kept, spec.floor) if spec.floor is not None else kept
    assert _pct(total["result"]) == kept, "cap or floor not applied as the table says"
    amount = kept * rng_hi
    assert frac(one(dj, "weighted.amount")["result"]) == amount, "sum × maximum does not recompute"
    clamped = max(amount, rng_lo)
    assert bool(steps(dj, "weighted.clamp")) == (amount < rng_lo), "a clamp step without need, or none when needed"
    pack = ex.rule.pack
    b = pack.boundaries
    limits = Limits(rng_lo, rng_hi, b.above == "inclusive", b.below == "inclusive")
    if limits.multiples(FEN) is None:  # narrower than a fen: the exact amount stands (trail: round.exact)
        assert steps(dj, "round.exact") or one(dj, "weighted.round")["inputs"]["unit"] == "none"
        assert frac(dj["recommended_fine"]) == adjusted(ex.rule, dj, clamped, _round_in(pack))
        return
    _, result = inside_rounding(clamped, frac(pack.rounding.unit), pack.rounding.mode.value, limits)
    assert adjusted(ex.rule, dj, result, _round_in(pack)) == frac(dj["recommended_fine"]), "does not recompute"


def _round_in(pack: Any) -> RoundIn:
    """The pack's rounding inside a band (a post-amount adjustment's, ADR 0025)."""
    unit, mode = frac(pack.rounding.unit), pack.rounding.mode.value

    def round_in(raw: Fraction, lo: Fraction, hi: Fraction) -> Fraction:
        limits = Limits(lo, hi)
        if limits.multiples(FEN) is None:  # narrower than a fen: the exact amount stands, as for the table's
            return raw
        return inside_rounding(raw, unit, mode, limits)[1]

    return round_in


def _check_banded_fine(ex: Example, dj: dict[str, Any]) -> None:
    """A band table's fine (ADR 0024) from its trail: each factor's level (its first when not
    established) → the row the table gives those levels → its band as written → the average of its
    ends → rounded inside the band (upper end excluded: below it) and the statutory range."""
    spec = applied_version(ex, dj).version.banded
    assert spec is not None, "a banded decision from a version without a table"
    rng_lo, rng_hi = _recompute_range(ex, dj)
    chosen = []
    for factor, s in zip(spec.factors, steps(dj, "banded.factor"), strict=True):
        assert s["inputs"]["factor"] == factor.id, "the trail's factors are not the table's, in order"
        if not s["inputs"]["established"]:
            assert s["result"] == factor.levels[0].id, "a factor not established counts above its first level"
        chosen.append(s["result"])
    rows = spec.rows_for(tuple(chosen))
    assert rows, "the trail's levels have no row"
    row = spec.rows[rows[0]]
    step = one(dj, "banded.row")
    assert step["inputs"]["row"] == rows[0] + 1, "another row than the table's for these levels"
    lo, hi = (frac(x) for x in row.band.edges)
    assert (frac(step["result"]["min"]), frac(step["result"]["max"])) == (lo, hi)
    unit = frac(ex.rule.pack.rounding.unit)
    if row.band.fixed is not None or spec.below == "inclusive":
        top = hi
    else:  # the highest multiple of the unit below the excluded upper end
        top = hi - unit if hi % unit == 0 else (hi // unit) * unit
    lo, hi, top = max(lo, rng_lo), min(hi, rng_hi), min(top, rng_hi)
    average = (lo + hi) / 2
    assert frac(one(dj, "banded.average")["result"]) == average, "the average does not recompute"
    before = steps(dj, "adjustment.band")  # a post-amount reduction (ADR 0025) reduced the row's band
    band = (frac(before[0]["inputs"]["before_min"]), frac(before[0]["inputs"]["before_max"])) if before else None
    assert (band or (frac(dj["band"]["min"]), frac(dj["band"]["max"]))) == (lo, top), "the band is not the row's"
    _, result = inside_rounding(average, unit, ex.rule.pack.rounding.mode.value, Limits(lo, top))
    assert adjusted(ex.rule, dj, result, _round_in(ex.rule.pack)) == frac(dj["recommended_fine"]), "no recompute"


@given(ex=examples())
def test_explained(ex: Example) -> None:
    """From the decision JSON's trail alone, every number of the fine recomputes exactly."""
    dj = as_json(evaluate(ex))
    assert [s["step"] for s in dj["trail"]] == list(range(1, len(dj["trail"]) + 1)), "trail steps are not 1..n"
    if dj["recommended_fine"] is None:
        return
    note(json.dumps(dj["trail"], ensure_ascii=False, indent=1))
    if dj["tier"] == "fixed":
        _check_fixed_fine(ex, dj)
    elif dj["tier"] == "weighted":
        _check_weighted_fine(ex, dj)
    elif dj["tier"] == "banded":
        _check_banded_fine(ex, dj)
    elif dj["tier"] == "below_minimum" and any(
        steps(dj, c) for c in ("range.per_unit", "range.tranches", "per_day.amount")
    ):
        _check_below_minimum(ex, dj)
    else:
        _check_range_fine(ex, dj)


def test_every_weighted_golden_case_recomputes_from_its_trail(engine: pe.Engine) -> None:
    """The weighted recomputation above, on every shipped weighted golden case (the property draws
    rules at random, so a weighted one is not certain to come up in the CI profile)."""
    import types

    from penalty_engine.check.golden import cases_dir, golden_files

    seen = 0
    for path in golden_files(cases_dir("cn-gd-environment")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data.pop("expect", None)
        decision = engine.evaluate(data)
        dj = as_json(decision)
        if dj["tier"] != "weighted" or dj["recommended_fine"] is None:
            continue
        _check_weighted_fine(types.SimpleNamespace(rule=engine.rule(dj["violation"]["id"])), dj)  # type: ignore[arg-type]
        seen += 1
    assert seen >= 9


def test_every_banded_golden_case_recomputes_from_its_trail(engine: pe.Engine) -> None:
    """The band recomputation above, on every shipped banded golden case with a recommended fine."""
    import types

    from penalty_engine.check.golden import cases_dir, golden_files

    seen = 0
    for path in golden_files(cases_dir("cn-gd-environment")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data.pop("expect", None)
        dj = as_json(engine.evaluate(data))
        if dj["tier"] != "banded" or dj["recommended_fine"] is None:
            continue
        _check_banded_fine(types.SimpleNamespace(rule=engine.rule(dj["violation"]["id"])), dj)  # type: ignore[arg-type]
        seen += 1
    assert seen >= 4
