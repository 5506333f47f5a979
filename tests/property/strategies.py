"""Hypothesis strategies built from the fact schemas of every loaded rule.

Nothing here is hand-picked per rule: for each rule and each of its versions, facts are drawn by
their declared type and bounds, and the numeric literals that the version's own conditions compare
a fact with (``illegal_gain > 10000``), plus the unit steps of per-unit formulas, are added as
boundary candidates so that thresholds are actually hit. A new pack or rule is covered as soon as
``Engine.load()`` loads it.

The main entry points:

* :func:`examples` — an :class:`Example` (rule, version, case dict, ``as_of``) for any rule;
* :func:`monotone_sets` — a case plus, for every fact with a direction, a lower and a higher
  value to put in its place.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from hypothesis import strategies as st

import penalty_engine as pe
from penalty_engine.cel import PARTY, cel_value, edges
from penalty_engine.models import coerce
from penalty_engine.models.rules import FactSpec, FactType, MultipleFine, PerUnitFine
from penalty_engine.pack.compiled import CompiledRule, CompiledVersion

#: Open-ended versions are sampled up to this day.
OPEN_END = dt.date(2030, 12, 31)
#: Upper bound for money facts without a declared ``max``.
MONEY_MAX = Decimal(10**7)
#: Bounds for int / number facts without declared bounds.
INT_MAX = 10**6
NUMBER_MAX = Decimal(10**7)
#: Days between occurred_on and decided_on.
MAX_DECISION_DELAY = 400

_CASE_ID_ALPHABET = st.sampled_from("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789-_浙杭交罚字第号")


@cache
def engine() -> pe.Engine:
    """The bundled packs, loaded once per test session."""
    return pe.Engine.load()


@cache
def all_rules() -> tuple[CompiledRule, ...]:
    rules = tuple(engine().rules())
    assert rules, "Engine.load() loaded no rule"
    return rules


@cache
def rule_by_id(rule_id: str) -> CompiledRule:
    return engine().rule(rule_id)


@dataclass(frozen=True)
class Example:
    """One generated case for rule ``rule_id``; ``version`` is the key of the version in force on
    occurred_on; ``as_of`` is the decision date (used when the case has no ``decided_on``)."""

    rule_id: str
    version: str
    case: dict[str, Any]
    as_of: dt.date

    @property
    def rule(self) -> CompiledRule:
        return rule_by_id(self.rule_id)

    @property
    def compiled_version(self) -> CompiledVersion:
        return next(v for v in self.rule.versions if v.version.key == self.version)


# ------------------------------------------------------------------ fact values


def _step(spec: FactSpec) -> Decimal:
    return Decimal(1) if spec.type is FactType.int else Decimal("0.01")


def numeric_bounds(spec: FactSpec) -> tuple[Decimal, Decimal]:
    """Inclusive bounds used for drawing a numeric fact (declared, else sensible ones)."""
    if spec.type is FactType.money:
        lo = spec.min if spec.min is not None else Decimal(0)
        hi = spec.max if spec.max is not None else max(MONEY_MAX, lo)
        lo = max(lo, Decimal(0))
    elif spec.type is FactType.int:
        lo = spec.min if spec.min is not None else Decimal(0)
        hi = spec.max if spec.max is not None else max(Decimal(INT_MAX), lo)
    else:
        lo = spec.min if spec.min is not None else Decimal(0)
        hi = spec.max if spec.max is not None else max(NUMBER_MAX, lo)
    step = _step(spec)
    # bring declared bounds onto the grid the strategy draws from (a min of 0.5 for an int fact…)
    lo_n = -((-lo) // step) if lo % step else lo // step
    hi_n = hi // step
    return lo_n * step, hi_n * step


def boundary_candidates(rule: CompiledRule, name: str) -> tuple[Decimal, ...]:
    return _boundary_candidates(rule.id, name)


@cache
def _boundary_candidates(rule_id: str, name: str) -> tuple[Decimal, ...]:
    """Values at and next to the numbers the rule's conditions compare ``name`` with (the edges
    of ``name`` in the tree of each clause, ``cel.edges``: no regular expression reads CEL).

    Also the multiples of the unit of a per-unit formula counted on ``name``, around the first
    units and around the cap, and the floor on the base of a multiple fine of ``name``
    (``base_min``). All inside the fact's drawing bounds.
    """
    rule = rule_by_id(rule_id)
    spec = rule.facts[name]
    if spec.type not in (FactType.int, FactType.money, FactType.number):
        return ()
    step = _step(spec)
    lo, hi = numeric_bounds(spec)
    points: set[Decimal] = {lo, hi}
    for cv in rule.versions:
        for tree in cv.table.trees:  # the edges of ``name`` in each clause's tree (cel.tree)
            if tree is not None:
                points |= edges(tree).get(name, set())
        for branch in cv.version.frame:
            fine = branch.fine
            if isinstance(fine, MultipleFine) and fine.times == name and fine.base_min is not None:
                points.add(fine.base_min)  # the statute's floor on the base: below, at and above it
            if isinstance(fine, PerUnitFine) and fine.per == name:
                ks = {1, 2, 3}
                if fine.cap is not None and fine.rate > 0:
                    k_cap = int(fine.cap / fine.rate)
                    ks |= {k_cap - 1, k_cap, k_cap + 1}
                for k in ks:
                    if k >= 0:
                        points.add(fine.unit * k)
    out: set[Decimal] = set()
    for p in points:
        for delta in (-step, Decimal(0), step):
            v = (p + delta).quantize(step) if step < 1 else (p + delta).to_integral_value()
            if lo <= v <= hi:
                out.add(v)
    return tuple(sorted(out))


def money_text(value: Decimal, style: int) -> str:
    """An amount as a string: 0 shortest ("12000.5"), 1 two decimals ("12000.50"), 2 plain."""
    if style == 1:
        return format(value.quantize(Decimal("0.01")), "f")
    normal = value.normalize()
    if normal == normal.to_integral_value():
        return format(normal.quantize(Decimal(1)), "f")
    return format(normal, "f")


@st.composite
def numeric_value(draw: st.DrawFn, rule: CompiledRule, name: str) -> Decimal:
    """A numeric fact value as a Decimal on the fact's grid (1 for int, 0.01 otherwise)."""
    spec = rule.facts[name]
    step = _step(spec)
    lo, hi = numeric_bounds(spec)
    n_lo, n_hi = int(lo / step), int(hi / step)
    candidates = boundary_candidates(rule, name)
    choices = [st.integers(n_lo, n_hi).map(lambda n: Decimal(n) * step)]
    if n_hi - n_lo > 1000:  # small values too, not only huge ones
        choices.append(st.integers(n_lo, min(n_hi, n_lo + int(Decimal(10**5) / step))).map(lambda n: Decimal(n) * step))
    if candidates:
        choices.append(st.sampled_from(candidates))
    value: Decimal = draw(st.one_of(choices))
    return value


def render_numeric(spec: FactSpec, value: Decimal, style: int) -> Any:
    """How a case file states a numeric fact: int for ints, strings for money and numbers."""
    if spec.type is FactType.int:
        return int(value)
    return money_text(value, style)


@st.composite
def fact_value(draw: st.DrawFn, rule: CompiledRule, name: str) -> Any:
    """A value of fact ``name`` as a case dict would give it."""
    spec = rule.facts[name]
    if spec.type is FactType.bool:
        return draw(st.booleans())
    if spec.type is FactType.enum:
        assert spec.values
        return draw(st.sampled_from(spec.values))
    value = draw(numeric_value(rule, name))
    return render_numeric(spec, value, draw(st.integers(0, 2)))


def contradicts(rule: CompiledRule, facts: dict[str, Any]) -> bool:
    """Whether ``facts`` meet one of the pack's fact exclusions for ``rule`` (a case the engine
    refuses with PE-C012: not a valid case)."""
    if not any(cv.exclusions for cv in rule.versions):
        return False
    activation = dict(rule.defaults_cel)
    for name, raw in facts.items():
        spec = rule.facts[name]
        activation[name] = cel_value(spec, coerce(spec, raw))
    activation[PARTY] = {"kind": "individual", "age": 30, "age_given": True}
    for cv in rule.versions:
        if cv.exclusions:
            results = cv.table.run(activation, "strategy")
            if any(cond.holds(results) for _, cond in cv.exclusions):
                return True
    return False


def without_contradictions(rule: CompiledRule, facts: dict[str, Any]) -> dict[str, Any]:
    """``facts`` with the first fact of each exclusion they meet put back to its default."""
    if not contradicts(rule, facts):
        return facts
    out = dict(facts)
    for cv in rule.versions:
        for ex, _ in cv.exclusions:
            out[ex.facts[0]] = rule.facts[ex.facts[0]].default
    assert not contradicts(rule, out), f"the defaults of {rule.id}'s exclusions still contradict"
    return out


@st.composite
def facts_for(draw: st.DrawFn, rule: CompiledRule) -> dict[str, Any]:
    """Facts of ``rule``: required facts always, the others given or left to their default.

    The rule's own facts are given three times in four. The pack's common facts (the general
    part: capacity, coercion, no fault …) move away from their neutral default at a density drawn
    per case, from none to half of them, so that cases with a fine stay frequent while the
    general provisions are still exercised, alone and together.
    """
    own = set(rule.rule.facts)
    density = draw(st.sampled_from([0, 1, 2, 4]))  # in eighths
    out: dict[str, Any] = {}
    for name, spec in rule.facts.items():
        if spec.required:
            out[name] = draw(fact_value(rule, name))
        elif name in own:
            if draw(st.integers(0, 3)) > 0:
                out[name] = draw(fact_value(rule, name))
        elif draw(st.integers(0, 7)) < density:
            out[name] = draw(fact_value(rule, name))
        elif draw(st.integers(0, 3)) == 3:
            out[name] = spec.default  # the default, given explicitly
    adjustments = rule.versions[0].adjustments  # the pack's, the same in every version (ADR 0025)
    claimed: bool = draw(st.booleans()) if adjustments else False  # claimed: its yes/no facts are true
    if claimed:
        for ca in adjustments:
            out.update(
                {n: True for _, _, reads in ca.when.clauses for n in reads if rule.facts[n].type is FactType.bool}
            )
    return without_contradictions(rule, out)


def parties() -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(
        st.just({"kind": "individual"}),
        st.integers(18, 90).map(lambda age: {"kind": "individual", "age": age}),
        st.just({"kind": "organization"}),
    )


@st.composite
def dates_for(draw: st.DrawFn, version: CompiledVersion) -> tuple[dt.date, dt.date]:
    v = version.version
    end = min(v.effective_to or OPEN_END, OPEN_END)
    occurred = draw(st.dates(min_value=v.effective_from, max_value=end))
    decided = occurred + dt.timedelta(days=draw(st.integers(0, MAX_DECISION_DELAY)))
    return occurred, decided


@st.composite
def correction_for(draw: st.DrawFn, occurred: dt.date) -> tuple[dict[str, Any], dt.date]:
    """An order to correct on or after the act, served within three days, and one to three
    re-inspections after it in date order; with the last re-inspection's date."""
    ordered = occurred + dt.timedelta(days=draw(st.integers(0, 60)))
    served = ordered + dt.timedelta(days=draw(st.integers(0, 3)))
    day, rows = served, []
    for _ in range(draw(st.integers(1, 3))):
        day += dt.timedelta(days=draw(st.integers(1, 40)))
        rows.append({"date": day.isoformat(), "continuing": draw(st.booleans())})
    return {"ordered_on": ordered.isoformat(), "served_on": served.isoformat(), "reinspections": rows}, day


@st.composite
def example_for(draw: st.DrawFn, rule: CompiledRule, facts: dict[str, Any] | None = None) -> Example:
    """A valid case of ``rule`` in one of its versions."""
    version = draw(st.sampled_from(rule.versions))
    occurred, decided = draw(dates_for(version))
    case_id = draw(st.text(_CASE_ID_ALPHABET, min_size=1, max_size=16))
    case: dict[str, Any] = {
        "case_id": case_id,
        # a bare rule id is accepted when exactly one loaded pack has it
        "violation": draw(st.sampled_from([rule.id, rule.rule.id])) if _bare_unique(rule) else rule.id,
        "occurred_on": occurred.isoformat(),
        "party": draw(parties()),
        "facts": draw(facts_for(rule)) if facts is None else facts,
    }
    if version.version.per_day is not None:  # a per-day fine counts from the order and re-inspections (ADR 0023)
        case["correction"], last = draw(correction_for(occurred))
        decided = max(decided, last)
    if draw(st.integers(0, 3)) > 0:  # otherwise the decision date comes from as_of
        case["decided_on"] = decided.isoformat()
    return Example(rule_id=rule.id, version=version.version.key, case=case, as_of=decided)


def _bare_unique(rule: CompiledRule) -> bool:
    return sum(1 for r in all_rules() if r.rule.id == rule.rule.id) == 1


def rules() -> st.SearchStrategy[CompiledRule]:
    """Every loaded rule (sampled by id, so a failure report names the rule, not its whole model)."""
    return st.sampled_from([r.id for r in all_rules()]).map(rule_by_id)


def examples() -> st.SearchStrategy[Example]:
    """A case for any loaded rule."""
    return rules().flatmap(example_for)


# ------------------------------------------------------------------ monotonicity


def directional_facts(rule: CompiledRule) -> list[str]:
    return [name for name, spec in rule.facts.items() if spec.direction is not None]


def facts_read(version: CompiledVersion) -> set[str]:
    """Facts a version actually uses: read by a condition, multiplied, counted or confiscated."""
    used: set[str] = set()
    for reads in version.table.reads:
        used |= set(reads)
    for branch in version.version.frame:
        used |= set(branch.confiscate)
        fine = branch.fine
        if isinstance(fine, PerUnitFine):
            used.add(fine.per)
        elif fine is not None and hasattr(fine, "times"):
            used.add(fine.times)
    return used


@st.composite
def ordered_values(draw: st.DrawFn, rule: CompiledRule, name: str) -> tuple[Any, Any]:
    """Two values of fact ``name``, the first not above the second (false < true, enum order)."""
    spec = rule.facts[name]
    if spec.type is FactType.bool:
        return False, True
    if spec.type is FactType.enum:
        assert spec.values
        i, j = sorted(draw(st.lists(st.integers(0, len(spec.values) - 1), min_size=2, max_size=2, unique=True)))
        return spec.values[i], spec.values[j]
    a = draw(numeric_value(rule, name))
    b = draw(numeric_value(rule, name))
    if draw(st.booleans()):  # often one step apart: the sharpest test at a threshold
        step = _step(spec)
        lo, hi = numeric_bounds(spec)
        b = a + step if a + step <= hi else a - step
        if b < lo:
            b = a
    low, high = sorted((a, b))
    style = draw(st.integers(0, 2))
    return render_numeric(spec, low, style), render_numeric(spec, high, style)


@dataclass(frozen=True)
class Raise:
    """Fact ``fact`` raised from ``low`` to ``high`` (false→true, larger number, later enum value)."""

    fact: str
    direction: str
    low: Any
    high: Any


@dataclass(frozen=True)
class MonotoneSet:
    """A base case and, for every fact of its rule with a direction, a lower and a higher value."""

    base: Example
    raises: tuple[Raise, ...]

    def pair(self, r: Raise) -> tuple[Example, Example]:
        def with_value(value: Any) -> Example:
            case = {**self.base.case, "facts": {**self.base.case["facts"], r.fact: value}}
            return Example(self.base.rule_id, self.base.version, case, self.base.as_of)

        return with_value(r.low), with_value(r.high)


@st.composite
def monotone_set_for(draw: st.DrawFn, rule: CompiledRule) -> MonotoneSet:
    base = draw(example_for(rule))
    raises = []
    facts = base.case["facts"]
    for name in directional_facts(rule):
        low, high = draw(ordered_values(rule, name))
        direction = rule.facts[name].direction
        assert direction is not None
        if contradicts(rule, {**facts, name: low}) or contradicts(rule, {**facts, name: high}):
            continue  # a contradiction is refused (PE-C012), not decided: nothing to compare
        raises.append(Raise(name, direction, low, high))
    return MonotoneSet(base, tuple(raises))


def monotone_sets() -> st.SearchStrategy[MonotoneSet]:
    """Every rule that declares a fact direction, each directional fact raised in turn."""
    with_direction = [r.id for r in all_rules() if directional_facts(r)]
    assert with_direction, "no loaded rule declares a fact direction"
    return st.sampled_from(with_direction).map(rule_by_id).flatmap(monotone_set_for)
