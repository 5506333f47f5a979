"""Property search over any pack: the invariants of DESIGN.md, with shrunk counterexamples.

For every rule, Hypothesis draws cases from the rule's fact schema (values around the constants
its conditions compare with, both party kinds, minors, every version's dates, discovery and
decision dates) and checks:

``deterministic``  the same case, keys reversed, gives the same decision and fingerprint;
``bounded``        a fine stays in the statutory range, except below_minimum with a basis and
                   collective discussion; the band of a tier or level stays inside the range too;
``monotone``       raising a fact declared aggravating never lowers the result, raising a
                   mitigating one never raises it, while the statutory branch stays the same;
``branch_step``    the same across two statutory branches: a break there is the statute's own step
                   (道路运输条例 Art. 74: a gain under 1万元 fines 3万–6万, from 1万元 2–10 times), so it
                   is reported as a warning, ``statutory_step``, for the benchmark to smooth or keep;
``rounded``        a fine is a multiple of the rounding unit (or of one fen when the band holds
                   none) and lies in its band;
``explained``      the trail's band, position, amount and rounding steps recompute the fine;
``mandatory``      a mandatory no-penalty provision gives no penalty; a mandatory mitigation
                   gives at most the lighter tier;
``minors``         a party aged 14–17 is never treated more heavily than the same party at 30;
``lenient``        under Art. 37 the result is never heavier than under the law of the act.

Versions with named levels (ADR 0010) are searched alike: the explained band is the level's
(fractions as the tier scheme's; amounts or multiples of the base as given, cut to the range). A
level that gives a range only (``point: false``) has no recommended fine, so the point invariants
(``monotone``, ``minors``, ``lenient``, ``rounded``, ``explained``) skip a comparison that involves
one; ``bounded`` still holds its band inside the statutory range.

A failure is reported with the smallest case Hypothesis finds, ready to save and run, and the
two decisions that break the invariant. The search is deterministic for a given seed.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

import yaml
from hypothesis import HealthCheck, Phase, find, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample

from ..core import Engine, severity
from ..errors import PenaltyEngineError
from ..models import Decision, FactType
from ..money import round_units
from ..pack import CompiledRule
from .findings import Finding, at
from .static import _constants

#: The code of contradictory facts (the pack's ``fact_exclusions``): such a case is refused, not decided.
CONTRADICTION = "PE-C012"

OPEN_END = dt.date(2030, 12, 31)
AGES = [None, 10, 13, 14, 15, 17, 18, 30, 60]


# ------------------------------------------------------------------ strategies


def _numeric(rule: CompiledRule, name: str) -> st.SearchStrategy[Any]:
    spec = rule.facts[name]
    consts = _constants([t for cv in rule.versions for t in cv.table.trees], name)
    lo = spec.min if spec.min is not None else Decimal(0)
    hi = spec.max if spec.max is not None else max([lo, *consts, Decimal(100000)]) * 3
    if spec.type is FactType.int:
        near = sorted({int(c) + d for c in consts for d in (-1, 0, 1) if lo <= c + d <= hi})
        ints = st.integers(int(lo), int(hi))
        return st.one_of(st.sampled_from(near), ints) if near else ints
    step = Decimal("0.01")
    near_d = sorted({c + d for c in consts for d in (-step, Decimal(0), step) if lo <= c + d <= hi})
    decimals = st.decimals(lo, hi, places=2, allow_nan=False, allow_infinity=False)
    return st.one_of(st.sampled_from(near_d), decimals) if near_d else decimals


def fact_strategy(rule: CompiledRule, name: str) -> st.SearchStrategy[Any]:
    spec = rule.facts[name]
    if spec.type is FactType.bool:
        return st.booleans()
    if spec.type is FactType.enum:
        assert spec.values
        return st.sampled_from(spec.values)
    return _numeric(rule, name)


@st.composite
def cases(draw: st.DrawFn, rule: CompiledRule) -> dict[str, Any]:
    """A valid case for ``rule``: facts, party and dates drawn from its schema and versions."""
    facts: dict[str, Any] = {}
    for name in rule.facts:
        if rule.facts[name].required or draw(st.booleans()):
            value = draw(fact_strategy(rule, name))
            facts[name] = str(value) if isinstance(value, Decimal) else value
    cv = draw(st.sampled_from(rule.versions))
    end = cv.version.effective_to or max(OPEN_END, cv.version.effective_from)
    occurred = draw(st.dates(cv.version.effective_from, end))
    discovered = occurred + dt.timedelta(days=draw(st.integers(0, 900)))
    decided = discovered + dt.timedelta(days=draw(st.integers(0, 400)))
    age = draw(st.sampled_from(AGES))
    party: dict[str, Any] = draw(st.sampled_from([{"kind": "organization"}, {"kind": "individual"}]))
    if party["kind"] == "individual" and age is not None:
        party = {**party, "age": age}
    case = {
        "case_id": "CHECK-1",
        "violation": rule.id,
        "occurred_on": occurred.isoformat(),
        "decided_on": decided.isoformat(),
        "party": party,
        "facts": facts,
    }
    if draw(st.booleans()):
        case["discovered_on"] = discovered.isoformat()
    if cv.version.per_day is not None:  # a per-day fine counts days from the order and re-inspections (ADR 0023)
        case["correction"], last = draw(_correction(occurred))
        case["decided_on"] = max(decided, last).isoformat()
    return case


@st.composite
def _correction(draw: st.DrawFn, occurred: dt.date) -> tuple[dict[str, Any], dt.date]:
    """An order to correct after the act and one to three re-inspections after it, in date order;
    with the date of the last re-inspection (the decision is not before it)."""
    ordered = occurred + dt.timedelta(days=draw(st.integers(0, 60)))
    served = ordered + dt.timedelta(days=draw(st.integers(0, 3)))
    day, rows = served, []
    for _ in range(draw(st.integers(1, 3))):
        day += dt.timedelta(days=draw(st.integers(1, 40)))
        rows.append({"date": day.isoformat(), "continuing": draw(st.booleans())})
    return {"ordered_on": ordered.isoformat(), "served_on": served.isoformat(), "reinspections": rows}, day


# ------------------------------------------------------------------ the invariants

Check = Callable[[Engine, CompiledRule, dict[str, Any]], "Broken | None"]


@dataclass(frozen=True)
class Broken:
    message: str
    decisions: tuple[Decision, ...]


def _weight(d: Decision) -> tuple[int, Decimal, Decimal]:
    return severity(d.outcome, d.statutory_range.max if d.statutory_range else None, d.recommended_fine)


def _fine_weight(d: Decision) -> tuple[int, Decimal]:
    return (0, Decimal(0)) if d.outcome == "no_penalty" else (1, d.recommended_fine or Decimal(0))


def deterministic(engine: Engine, rule: CompiledRule, case: dict[str, Any]) -> Broken | None:
    a = engine.evaluate(case)
    reordered = dict(reversed(list(case.items())))
    reordered["facts"] = dict(reversed(list(case["facts"].items())))
    b = engine.evaluate(reordered)
    if a != b or a.fingerprint != b.fingerprint:
        return Broken("the same case gives two different decisions", (a, b))
    return None


def _range_only(d: Decision) -> bool:
    """A level that gives a range and no amount (``point: false``), or a band table's 从重/从轻 part the officer
    decides in (ADR 0024): no recommended fine to compare."""
    officer = d.level is not None or d.tier == "banded"
    return officer and d.outcome == "penalty" and d.recommended_fine is None and d.band is not None


def bounded(engine: Engine, rule: CompiledRule, case: dict[str, Any]) -> Broken | None:
    d = engine.evaluate(case)
    rng, band = d.statutory_range, d.band
    tiered = d.tier in ("lighter", "standard", "heavier")
    if rng is not None and band is not None and tiered and not rng.min <= band.min <= band.max <= rng.max:
        return Broken(f"band {band.min}–{band.max} outside the statutory range {rng.min}–{rng.max}", (d,))
    if d.recommended_fine is None or d.statutory_range is None:
        return None
    if d.tier == "below_minimum":
        if not any(x.kind == "collective_discussion" for x in d.duties):
            return Broken("a fine below the minimum without collective discussion", (d,))
        return None
    if not d.statutory_range.min <= d.recommended_fine <= d.statutory_range.max:
        return Broken(f"fine {d.recommended_fine} outside the statutory range", (d,))
    return None


def rounded(engine: Engine, rule: CompiledRule, case: dict[str, Any]) -> Broken | None:
    d = engine.evaluate(case)
    if d.recommended_fine is None or d.band is None or d.tier == "fixed":
        return None
    unit = rule.pack.rounding.unit
    fine = d.recommended_fine
    if not d.band.min <= fine <= d.band.max:
        return Broken(f"fine {fine} outside its band", (d,))
    fen = Decimal("0.01")
    # a range narrower than one fen (a base of a few fen times a percentage) holds no amount one can pay:
    # the exact amount stands, as the trail says
    narrow = d.statutory_range is not None and (d.statutory_range.max // fen) * fen < d.statutory_range.min
    if fine % unit != 0 and fine % fen != 0 and not narrow:
        return Broken(f"fine {fine} is not a multiple of {unit} or of one fen", (d,))
    return None


def explained(engine: Engine, rule: CompiledRule, case: dict[str, Any]) -> Broken | None:
    """Recompute band edges, position, amount and rounding from the trail's inputs alone."""
    d = engine.evaluate(case)
    steps = {s.code: s for s in d.trail}
    if d.recommended_fine is None or "round" not in steps or d.band is None:
        return None
    if "adjustment.amount" in steps:  # a post-amount reduction (ADR 0025): it, then the amount before it
        broken = _explained_adjustment(d, steps)
        if broken is not None:
            return broken
        before = steps["adjustment.band"].inputs
        d = d.model_copy(
            update={
                "band": d.band.model_copy(
                    update={"min": Decimal(before["before_min"]), "max": Decimal(before["before_max"])}
                ),
                "recommended_fine": Decimal(before["amount"]),
            }
        )
    if "band" not in steps:
        return _explained_level(d, steps)
    band, pos, rnd = steps["band"].inputs, steps["position"].inputs, steps["round"].inputs
    f = Fraction
    lo, hi = f(band["range_min"]), f(band["range_max"])
    unit, mode = Decimal(band["unit"]), band["mode"]

    def edge(x: Fraction) -> Decimal:
        if x == 0:
            return Decimal(band["range_min"])
        if x >= 1:
            return Decimal(band["range_max"])
        exact = lo + x * (hi - lo)
        cut = round_units(Decimal(exact.numerator) / Decimal(exact.denominator), unit, _mode(mode))
        return min(max(cut, Decimal(band["range_min"])), Decimal(band["range_max"]))

    b_lo, b_hi = edge(f(band["lower"])), edge(f(band["upper"]))
    assert d.band is not None and d.recommended_fine is not None
    if (b_lo, b_hi) != (d.band.min, d.band.max):
        return Broken(f"the trail's band recomputes to {b_lo}–{b_hi}", (d,))
    position = min(max(f(pos["start"]) + f(pos["plus"]) - f(pos["minus"]), f(0)), f(1))
    raw = f(b_lo) + position * (f(b_hi) - f(b_lo))
    if f(rnd["raw"].split(" ")[0]) != raw:
        return Broken(f"the trail's amount recomputes to {raw}", (d,))
    fine = f(d.recommended_fine)
    if abs(fine - raw) >= f(Decimal(rnd["unit"])) and not (fine == f(b_lo) or fine == f(b_hi)):
        return Broken(f"fine {fine} is more than one unit from the amount {raw}", (d,))
    return None


def _explained_level(d: Decision, steps: dict[str, Any]) -> Broken | None:
    """A level's band of amounts or multiples: its edges as given (a multiple times the base),
    cut to the statutory range; then the amount from the position, as for a tier."""
    step = steps.get("level.band.amount") or steps.get("level.band.multiple")
    if step is None or d.band is None or d.recommended_fine is None:
        return Broken("a fine with no band step in the trail", (d,))
    given, f = step.inputs, Fraction
    lo, hi = f(given["min"]), f(given["max"])
    if step.code == "level.band.multiple":
        base = f(given["value"])
        if (lo, hi) != (base * f(given["min_times"]), base * f(given["max_times"])):
            return Broken(f"the trail's multiples recompute to {base * f(given['min_times'])}–…", (d,))
    b_lo, b_hi = max(lo, f(given["range_min"])), min(hi, f(given["range_max"]))
    if (b_lo, b_hi) != (f(d.band.min), f(d.band.max)):
        return Broken(f"the trail's band recomputes to {b_lo}–{b_hi}", (d,))
    pos, rnd = steps["position"].inputs, steps["round"].inputs
    position = min(max(f(pos["start"]) + f(pos["plus"]) - f(pos["minus"]), f(0)), f(1))
    raw = b_lo + position * (b_hi - b_lo)
    if f(rnd["raw"].split(" ")[0]) != raw:
        return Broken(f"the trail's amount recomputes to {raw}", (d,))
    fine = f(d.recommended_fine)
    if abs(fine - raw) >= f(Decimal(rnd["unit"])) and fine not in (b_lo, b_hi):
        return Broken(f"fine {fine} is more than one unit from the amount {raw}", (d,))
    return None


def _explained_adjustment(d: Decision, steps: dict[str, Any]) -> Broken | None:
    """A reduction's band and recommended amount from its steps: amount × (1 − share), each at least the
    statutory minimum, rounded inside the band (ADR 0025)."""
    band, rec, f = steps["adjustment.band"].inputs, steps["adjustment.amount"].inputs, Fraction
    amount, minimum = f(band["amount"]), f(band["range_min"])

    def share(text: str) -> Fraction:
        return f(text.removesuffix("%")) / 100

    lo = max(amount * (1 - share(band["max_share"])), minimum)
    hi = max(amount * (1 - share(band["min_share"])), minimum)
    if d.band is None or (lo, hi) != (f(d.band.min), f(d.band.max)):
        return Broken(f"the trail's reduced band recomputes to {lo}–{hi}", (d,))
    raw = max(amount * (1 - share(rec["share"])), minimum)
    fine = f(d.recommended_fine or 0)
    unit = f(rec["unit"]) if rec["unit"] != "none" else f(0)
    near_edge = fine - lo < unit or hi - fine < unit  # stepped inside the band (or the minimum) by the rounding
    if f(rec["floored"]) != raw or not lo <= fine <= hi or (unit and abs(fine - raw) >= unit and not near_edge):
        return Broken(f"the trail's reduced fine recomputes to about {raw}, not {fine}", (d,))
    return None


def _mode(name: str) -> Any:
    from ..money import Rounding

    return Rounding(name)


def _branch(d: Decision) -> str | None:
    return next((str(s.inputs["branch"]) for s in d.trail if s.code == "branch"), None)


def _raise_compare(engine: Engine, rule: CompiledRule, case: dict[str, Any], *, across_branches: bool) -> Broken | None:
    """Raise each fact with a direction by one step; a result moving against the direction is broken.

    ``across_branches`` picks which comparisons count: those where both cases apply the same
    statutory branch (``monotone``: the benchmark's own defect) or those where the raise crosses
    into another branch (``branch_step``: the statute's own step between its branches)."""
    base = engine.evaluate(case)
    for name, spec in rule.facts.items():
        if spec.direction is None:
            continue
        given = case["facts"].get(name, spec.default)
        if given is None:
            continue
        raised = _raise(spec, given)
        if raised is None:
            continue
        try:
            other = engine.evaluate({**case, "facts": {**case["facts"], name: raised}})
        except PenaltyEngineError as exc:
            if exc.code == CONTRADICTION:
                continue  # the raise makes the facts contradict (the pack's exclusions): refused, not decided
            raise
        if _range_only(base) or _range_only(other) or (_branch(base) != _branch(other)) != across_branches:
            continue
        crossing = f" (branch {_branch(base)} → {_branch(other)})" if across_branches else ""
        worse = _fine_weight(other) < _fine_weight(base)
        if spec.direction == "aggravating" and worse:
            return Broken(f"raising aggravating fact '{name}' to {raised} lowers the result{crossing}", (base, other))
        if spec.direction == "mitigating" and _fine_weight(other) > _fine_weight(base):
            return Broken(f"raising mitigating fact '{name}' to {raised} raises the result{crossing}", (base, other))
    return None


def monotone(engine: Engine, rule: CompiledRule, case: dict[str, Any]) -> Broken | None:
    return _raise_compare(engine, rule, case, across_branches=False)


def branch_step(engine: Engine, rule: CompiledRule, case: dict[str, Any]) -> Broken | None:
    return _raise_compare(engine, rule, case, across_branches=True)


def _raise(spec: Any, value: Any) -> Any:
    if spec.type is FactType.bool:
        return True if value in (False, "false") else None
    if spec.type is FactType.enum:
        i = spec.values.index(value)
        return spec.values[i + 1] if i + 1 < len(spec.values) else None
    step = Decimal(1)
    new = Decimal(str(value)) + step
    if spec.max is not None and new > spec.max:
        return None
    return int(new) if spec.type is FactType.int else str(new)


def mandatory(engine: Engine, rule: CompiledRule, case: dict[str, Any]) -> Broken | None:
    d = engine.evaluate(case)
    fired = {s.inputs["provision"]: s.inputs["effect"] for s in d.trail if s.code == "provision"}
    aside = {s.inputs["provision"] for s in d.trail if s.code == "provision.set_aside"}
    active = {p: e for p, e in fired.items() if p not in aside}
    if "no_penalty" in active.values() and d.outcome != "no_penalty":
        return Broken("a mandatory no-penalty provision holds but the decision punishes", (d,))
    ranged = d.tier in ("lighter", "standard", "heavier")
    if "mitigate" in active.values() and d.outcome == "penalty" and ranged and d.tier != "lighter":
        return Broken(f"a mandatory mitigation holds but the tier is {d.tier}", (d,))
    return None


def minors(engine: Engine, rule: CompiledRule, case: dict[str, Any]) -> Broken | None:
    party = case["party"]
    if party.get("kind") != "individual" or party.get("age") not in (14, 15, 16, 17):
        return None
    minor = engine.evaluate(case)
    adult = engine.evaluate({**case, "party": {**party, "age": 30}})
    if _range_only(minor) or _range_only(adult):
        return None
    if _weight(minor) > _weight(adult):
        return Broken("a minor is treated more heavily than the same party at 30", (minor, adult))
    return None


def lenient(engine: Engine, rule: CompiledRule, case: dict[str, Any]) -> Broken | None:
    d = engine.evaluate(case)
    if not any(s.code == "lenient_law" for s in d.trail):
        return None
    old = engine.evaluate({**case, "decided_on": case["occurred_on"], "discovered_on": case["occurred_on"]})
    if _range_only(d) or _range_only(old):
        return None
    if old.outcome == "penalty" and _weight(d) > _weight(old):
        return Broken("Art. 37 gave a heavier result than the law of the act", (d, old))
    return None


#: Invariants whose break is reported under a kind of its own (``findings.KINDS``), not ``invariant``
FINDING_KIND = {"branch_step": "statutory_step"}

INVARIANTS: dict[str, Check] = {
    "deterministic": deterministic,
    "bounded": bounded,
    "monotone": monotone,
    "branch_step": branch_step,
    "rounded": rounded,
    "explained": explained,
    "mandatory": mandatory,
    "minors": minors,
    "lenient": lenient,
}


# ------------------------------------------------------------------ the search


def case_yaml(case: dict[str, Any]) -> str:
    """A counterexample as a case file ``penalty evaluate`` accepts."""
    return yaml.safe_dump(case, allow_unicode=True, sort_keys=False)


def _summary(d: Decision) -> dict[str, Any]:
    data = d.model_dump(mode="json")
    return {k: data[k] for k in ("violation", "outcome", "tier", "statutory_range", "band", "recommended_fine")}


def search(
    engine: Engine, rule: CompiledRule, *, max_examples: int = 100, seed: int = 0, names: list[str] | None = None
) -> list[Finding]:
    """Search each invariant on ``rule``; a finding per broken invariant, with its smallest case."""
    config = settings(
        max_examples=max_examples,
        database=None,
        deadline=None,
        phases=[Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
    out: list[Finding] = []
    for name in names or list(INVARIANTS):
        check = INVARIANTS[name]

        def broken(case: dict[str, Any], check: Check = check) -> bool:
            try:
                return check(engine, rule, case) is not None
            except PenaltyEngineError as exc:
                # a valid case must never fail; contradictory facts (the pack's exclusions) are no valid case
                return exc.code != CONTRADICTION

        try:
            case = find(cases(rule), broken, settings=config, random=random.Random(seed))
        except NoSuchExample:
            continue
        try:
            result = check(engine, rule, case)
            message = result.message if result else "evaluation failed"
            decisions = [_summary(d) for d in result.decisions] if result else []
        except PenaltyEngineError as exc:
            message, decisions = f"a valid case fails: {exc}", []
        out.append(
            Finding(
                FINDING_KIND.get(name, "invariant"),
                rule.id,
                *at(rule.source, ("versions",)),
                f"invariant '{name}' broken: {message}",
                {"invariant": name, "case": case, "case_file": case_yaml(case), "decisions": decisions},
            )
        )
    return out
