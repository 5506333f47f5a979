"""What the property tests of the invariants share: evaluating an example, reading its trail, the
limits a fine must keep, and exact rounding written independently of ``penalty_engine.money``."""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

import yaml
from hypothesis import reject

import penalty_engine as pe
from penalty_engine.models.decision import Decision
from penalty_engine.pack.compiled import CompiledRule

from .strategies import (
    Example,
    engine,
)

FEN = Fraction(1, 100)
RANGE_TIERS = {"lighter", "standard", "heavier"}
DATE_KEYS = {"occurred_on", "decided_on", "discovered_on"}


# ---------------------------------------------------------------------- helpers


def evaluate(ex: Example, case: Any = None, source: Any = None) -> Decision:
    """Evaluate; a generated case is always inside the schema, so an error is a failure."""
    try:
        return engine().evaluate(ex.case if case is None else case, as_of=ex.as_of, source=source)
    except pe.PenaltyEngineError as exc:
        raise AssertionError(f"the engine rejected a case generated from the schema: {exc}") from exc


def as_json(decision: Decision) -> dict[str, Any]:
    out: dict[str, Any] = decision.model_dump(mode="json")
    return out


def as_text(decision: Decision) -> str:
    """The decision's JSON text: unlike the dict, it also tells one key order from another."""
    return decision.model_dump_json()


def frac(value: Any) -> Fraction:
    """Exact value of an amount or ratio: Decimal, "1/3", "0.25", or a trail's "16000/3 (≈5333.33)"."""
    if isinstance(value, Decimal):
        return Fraction(value)
    if isinstance(value, str):
        return Fraction(value.split(" ")[0])
    if isinstance(value, int) and not isinstance(value, bool):
        return Fraction(value)
    raise AssertionError(f"not an exact amount or ratio: {value!r}")


def to_multiple(x: Fraction, unit: Fraction, mode: str) -> Fraction:
    """``x`` (>= 0) rounded to a multiple of ``unit`` by the pack's mode name."""
    q = x / unit
    if mode == "down":
        n = math.floor(q)
    elif mode == "up":
        n = math.ceil(q)
    elif mode == "half_up":
        n = math.floor(q + Fraction(1, 2))
    elif mode == "half_even":
        n = round(q)  # exact banker's rounding on a Fraction
    else:
        raise AssertionError(f"unknown rounding mode {mode!r}")
    return n * unit


@dataclass(frozen=True)
class Limits:
    """An interval; the intersection of the statutory range and the band."""

    lo: Fraction
    hi: Fraction
    lo_incl: bool = True
    hi_incl: bool = True

    def contains(self, x: Fraction) -> bool:
        above = x > self.lo or (self.lo_incl and x == self.lo)
        below = x < self.hi or (self.hi_incl and x == self.hi)
        return above and below

    def __and__(self, other: Limits) -> Limits:
        if self.lo > other.lo:
            lo, lo_incl = self.lo, self.lo_incl
        elif other.lo > self.lo:
            lo, lo_incl = other.lo, other.lo_incl
        else:
            lo, lo_incl = self.lo, self.lo_incl and other.lo_incl
        if self.hi < other.hi:
            hi, hi_incl = self.hi, self.hi_incl
        elif other.hi < self.hi:
            hi, hi_incl = other.hi, other.hi_incl
        else:
            hi, hi_incl = self.hi, self.hi_incl and other.hi_incl
        return Limits(lo, hi, lo_incl, hi_incl)

    def multiples(self, unit: Fraction) -> tuple[Fraction, Fraction] | None:
        """First and last multiple of ``unit`` inside, or None."""
        first = math.ceil(self.lo / unit) * unit
        if first == self.lo and not self.lo_incl:
            first += unit
        last = math.floor(self.hi / unit) * unit
        if last == self.hi and not self.hi_incl:
            last -= unit
        return (first, last) if first <= last else None


def range_limits(rule: CompiledRule, decision: Decision) -> Limits:
    """The statutory range with the pack's reading of 以上/以下."""
    assert decision.statutory_range is not None
    b = rule.pack.boundaries
    return Limits(
        frac(decision.statutory_range.min),
        frac(decision.statutory_range.max),
        b.above == "inclusive",
        b.below == "inclusive",
    )


def band_limits(decision: Decision) -> Limits:
    assert decision.band is not None
    return Limits(frac(decision.band.min), frac(decision.band.max))


def fine_limits(rule: CompiledRule, decision: Decision) -> Limits:
    """Where the recommended fine must lie, by tier."""
    if decision.tier == "fixed":
        return band_limits(decision)  # range = band = the amount
    if decision.tier == "below_minimum":
        return band_limits(decision)
    return range_limits(rule, decision) & band_limits(decision)


Step = dict[str, Any]
"""A trail step as the decision JSON has it: step, code, message, basis, inputs, result."""


def steps(dj: dict[str, Any], code: str) -> list[Step]:
    found: list[Step] = [s for s in dj["trail"] if s["code"] == code]
    return found


def one(dj: dict[str, Any], code: str) -> Step:
    found = steps(dj, code)
    assert len(found) == 1, f"expected exactly one trail step '{code}', found {len(found)}"
    return found[0]


def fact_in_trail(dj: dict[str, Any], name: str) -> Any:
    facts = one(dj, "facts")["inputs"]
    if name in facts["given"]:
        return facts["given"][name]
    assert name in facts["defaults"], f"fact {name} is neither given nor defaulted in the trail"
    return facts["defaults"][name]


def shuffled(value: Any, rnd: random.Random) -> Any:
    """The same data with the keys of every mapping in a random order."""
    if isinstance(value, dict):
        keys = list(value)
        rnd.shuffle(keys)
        return {k: shuffled(value[k], rnd) for k in keys}
    if isinstance(value, list):
        return [shuffled(v, rnd) for v in value]
    return value


def with_dates(case: dict[str, Any]) -> dict[str, Any]:
    """Dates as date objects, so YAML writes them unquoted as an officer would."""
    return {k: dt.date.fromisoformat(v) if k in DATE_KEYS and isinstance(v, str) else v for k, v in case.items()}


class _NumberDumper(yaml.SafeDumper):
    pass


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.Node:
    text = format(value, "f")
    tag = "tag:yaml.org,2002:int" if "." not in text else "tag:yaml.org,2002:float"
    return dumper.represent_scalar(tag, text)


_NumberDumper.add_representer(Decimal, _represent_decimal)


def branch_of(decision: Decision) -> str | None:
    """The statutory branch the decision applied (its ``branch`` trail step), if any."""
    return next((str(s.result) for s in decision.trail if s.code == "branch"), None)


def severity(decision: Decision) -> tuple[int, Fraction]:
    """Order of heaviness: no penalty < warning only < any fine (by amount)."""
    if decision.outcome == "no_penalty":
        return (0, Fraction(0))
    if decision.recommended_fine is not None:
        return (2, frac(decision.recommended_fine))
    kinds = {p.kind for p in decision.penalties} - {"confiscation"}
    if kinds <= {"warning"}:
        return (1, Fraction(0))
    reject()  # e.g. revocation without a fine: not ordered against a fine by this property
    raise AssertionError("unreachable")
