"""Compare one recomputed decision with what was actually decided (DESIGN.md "Replay output").

``status``, the first that applies: ``wrong_outcome``, ``outside_statutory_range``, ``above_band`` /
``below_band``, ``wrong_tier`` (only when ``actual.tier`` is given), ``missing_duty`` (only when
``actual.duties`` is given), ``consistent``; no ``actual`` → ``no_actual``. ``deviation`` is the
distance to the nearest band edge, ``deviation_pct`` that distance over that edge × 100.

Every comparison is against the band and the statutory range, never against the recommended fine:
a decision whose level gives a range only (ADR 0010: ``recommended_fine`` null, a band) is
consistent when the actual fine lies in its band and flagged when it lies outside. The similarity
key of a decision with a named level includes the level's id; a decision without one keeps the key
it always had.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..core import LazyDecision, duty_kinds
from ..models import Actual, Decision, Decisions, Range
from ..money import dec_str

WEIGHTED = "weighted"  # the tier of a decision quantified by a weighted table (ADR 0020)
#: the trail steps whose clauses say which facts made a decision what it is; a band table's levels and
#: its 从重 circumstances decide its band (ADR 0024)
_READ_BY = frozenset(
    {"tier", "tier.capped", "level", "level.capped", "factor", "weighted.factor", "banded.factor"}
    | {"banded.heavier", "banded.heavier.fixed", "banded.heavier.overridden"}
)

STATUSES = (
    "wrong_outcome",
    "outside_statutory_range",
    "above_band",
    "below_band",
    "wrong_tier",
    "missing_duty",
    "consistent",
    "no_actual",
)
NOT_FLAGGED = ("consistent", "no_actual")
CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class View:
    """What a replay compares: one decision, or the fines that stand of several (Art. 29)."""

    outcome: str
    tier: str | None
    statutory_range: Range | None
    band: Range | None
    recommended_fine: Decimal | None  # None: no penalty, or a level that gives a range only
    #: the kinds of the duties; ``None``: read from ``source`` when asked (``duty_kinds``), so that a
    #: lazy decision is not expanded for a row whose export gives no duties to compare
    duties: frozenset[str] | None
    key: str | None  # similarity key: None when the case has no band to compare within
    #: what makes cases alike: ``{"parts": [similarity(d), …], "same_act": None | bool}`` (None: one
    #: decision); None with ``key``
    alike: dict[str, Any] | None = None
    #: the decision(s) the duties are read from when asked (left out of ``repr`` and ``==``: reading
    #: it whole would expand a lazy decision)
    source: Decision | Decisions | None = field(default=None, repr=False, compare=False)

    def duty_kinds(self) -> frozenset[str]:
        """The kinds of the duties the decision (or the decisions) list."""
        if self.duties is not None:
            return self.duties
        result = self.source
        decisions = [result] if isinstance(result, Decision) else result.decisions if result is not None else []
        return frozenset(kind for d in decisions for kind in duty_kinds(d))


def _reads(node: Any, out: dict[str, Any]) -> None:
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "reads" and isinstance(v, dict):
                out.update(v)
            else:
                _reads(v, out)
    elif isinstance(node, list):
        for v in node:
            _reads(v, out)


def similarity(d: Decision) -> dict[str, Any]:
    """What makes cases alike, as parts: rule id and version, branch, final tier (and level, when the
    decision has one), the matched factors and the values of the facts the rule read (JSON values).
    The report explains a similar-case group in words from these parts. A lazy decision of the
    compiled evaluator gives them from its record without being expanded (``LazyDecision.alike``:
    the same parts the trail gives, ADR 0026)."""
    record = d.alike() if type(d) is LazyDecision else None
    if record is not None:
        return _parts(d, record.branch, list(record.factors), record.facts)
    branch: Any = None
    reads: dict[str, Any] = {}
    for step in d.trail:
        code = step.code
        if code == "branch":
            branch = step.result
        elif code == "range.multiple" and d.tier == WEIGHTED:
            # a weighted amount is a point (sum × the statutory maximum): cases alike share its base too
            reads[str(step.inputs["fact"])] = step.inputs["value"]
            continue
        elif code == "per_day.amount":
            # a per-day fine is the original fine × the days: cases alike share both (ADR 0023)
            reads[str(step.inputs["fact"])] = step.inputs["daily"]
            reads["per_day.days"] = step.inputs["days"]
            continue
        elif code not in _READ_BY:
            continue
        inputs = step.inputs
        tried = inputs.get("tried")
        clauses = inputs.get("clauses")
        if isinstance(tried, list) and all(isinstance(t, dict) for t in tried):
            for t in tried:
                for c in t.get("clauses") or ():
                    reads.update(c.get("reads") or {})
        elif isinstance(clauses, list):
            for c in clauses:
                reads.update(c.get("reads") or {})
        else:
            _reads(inputs, reads)
    return _parts(d, branch, [f.id for f in d.factors], reads)


def _parts(d: Decision, branch: Any, factors: list[str], reads: dict[str, Any]) -> dict[str, Any]:
    return {
        "rule": d.violation.id,
        "version": d.violation.version,
        "branch": branch,
        "tier": d.tier,
        "level": None if d.level is None else d.level.id,
        "factors": sorted(factors),
        "facts": {k: reads[k] for k in sorted(reads)},
    }


def key_of(part: dict[str, Any]) -> str:
    """The similarity key of one decision's parts (``similarity``): the string the groups are keyed by."""
    factors = ",".join(part["factors"])
    facts = ",".join(f"{k}={v!r}" for k, v in part["facts"].items())
    tier = part["tier"] if part["level"] is None else f"{part['tier']}|level={part['level']}"
    return f"{part['rule']}@{part['version']}|{part['branch']}|{tier}|{factors}|{facts}"


def similarity_key(d: Decision) -> str:
    """Rule version, branch, final tier (and level, when the decision has one), matched factors and
    the values of the facts the rule read."""
    return key_of(similarity(d))


def alike_key(alike: dict[str, Any]) -> str:
    """The similarity key of a case's ``View.alike``: one decision's key, or the keys of the fines
    that stand joined with `` + `` and the ``same_act`` flag (several violations)."""
    parts = alike["parts"]
    if alike.get("same_act") is None:
        return key_of(parts[0])
    return " + ".join(key_of(p) for p in parts) + f"|same_act={alike['same_act']}"


def view_of(result: Decision | Decisions) -> View:
    if isinstance(result, Decision):
        alike = None if result.band is None else {"parts": [similarity(result)], "same_act": None}
        return View(
            outcome=result.outcome,
            tier=result.tier,
            statutory_range=result.statutory_range,
            band=result.band,
            recommended_fine=result.recommended_fine,
            duties=None,
            key=None if alike is None else alike_key(alike),
            alike=alike,
            source=result,
        )
    standing = {f.violation for f in result.combined.fines}
    fined = [d for d in result.decisions if d.violation.id in standing and d.band and d.statutory_range]
    outcome = "penalty" if any(d.outcome == "penalty" for d in result.decisions) else "no_penalty"
    if not fined:
        return View(outcome, None, None, None, None, None, None, source=result)
    band = Range(
        min=sum((d.band.min for d in fined if d.band), Decimal(0)),
        max=sum((d.band.max for d in fined if d.band), Decimal(0)),
    )
    rng = Range(
        min=sum((d.statutory_range.min for d in fined if d.statutory_range), Decimal(0)),
        max=sum((d.statutory_range.max for d in fined if d.statutory_range), Decimal(0)),
    )
    # a fine standing with a range only has no recommended amount: neither has the sum
    recs = [d.recommended_fine for d in fined]
    rec = None if None in recs else sum((r for r in recs if r is not None), Decimal(0))
    several = {"parts": [similarity(d) for d in fined], "same_act": result.same_act}
    return View(outcome, None, rng, band, rec, None, alike_key(several), several, result)


@dataclass(frozen=True, slots=True)
class Verdict:
    status: str
    deviation: Decimal | None
    deviation_pct: Decimal | None


def deviation_of(fine: Decimal, band: Range) -> tuple[Decimal, Decimal | None]:
    """Distance to the nearest band edge (0 inside) and that distance over the edge × 100."""
    if fine > band.max:
        dist, edge = fine - band.max, band.max
    elif fine < band.min:
        dist, edge = band.min - fine, band.min
    else:
        return Decimal(0), Decimal(0)
    pct = (dist / edge * 100).quantize(CENT, rounding=ROUND_HALF_UP) if edge else None
    return dist, pct


def classify(view: View, actual: Actual | None) -> Verdict:
    if actual is None:
        return Verdict("no_actual", None, None)
    if actual.outcome != view.outcome:
        return Verdict("wrong_outcome", None, None)
    deviation: Decimal | None = None
    pct: Decimal | None = None
    if actual.fine is not None and view.outcome == "penalty":
        fine = Decimal(actual.fine)
        if view.band is not None:
            deviation, pct = deviation_of(fine, view.band)
        if view.statutory_range is None:
            if fine > 0:  # a fine where the law provides none
                return Verdict("outside_statutory_range", fine, None)
        elif not _lowest(view) <= fine <= view.statutory_range.max:
            return Verdict("outside_statutory_range", deviation, pct)
        if view.band is not None and fine > view.band.max:
            return Verdict("above_band", deviation, pct)
        if view.band is not None and fine < view.band.min:
            return Verdict("below_band", deviation, pct)
    if actual.tier is not None and view.tier is not None and actual.tier != view.tier:
        return Verdict("wrong_tier", deviation, pct)
    if actual.duties is not None and not view.duty_kinds() <= set(actual.duties):
        return Verdict("missing_duty", deviation, pct)
    return Verdict("consistent", deviation, pct)


def _lowest(view: View) -> Decimal:
    """The lowest lawful fine: the statutory minimum, or the band's floor when 减轻 (below_minimum) applies."""
    assert view.statutory_range is not None
    if view.band is not None and view.band.min < view.statutory_range.min:
        return view.band.min
    return view.statutory_range.min


def tolerance(band: Range, unit: Decimal, pct: Decimal) -> Decimal:
    """The spread a similar group may have: ``pct`` % of the band's width, at least one rounding unit."""
    return max(((band.max - band.min) * pct / 100).quantize(CENT, rounding=ROUND_HALF_UP), unit)


def digest(key: str) -> bytes:
    return hashlib.blake2b(key.encode("utf-8"), digest_size=12).digest()


def money(value: Decimal | None) -> str | None:
    return None if value is None else dec_str(value)
