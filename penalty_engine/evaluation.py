"""One evaluation of one case against one compiled rule: the stages and their trail steps.

Pure: no file, clock, environment or randomness. Stages in order::

    dates → rule version in force on occurred_on → facts → statutory branch → statutory range
          → tier and band → factors → position → amount → rounding → penalties → duties
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from .__about__ import __version__
from .case_io import case_where
from .case_model import Case
from .compiled import CompiledRule, CompiledVersion, canonical_json
from .conditions import PARTY, CompiledCondition, cel_value
from .decision_model import Decision
from .errors import CaseError, EvaluationError, suggest
from .facts import FactProblem, coerce, to_json
from .money import (
    CTX,
    FEN,
    Rounding,
    ceil_units,
    dec_str,
    floor_units,
    frac_str,
    round_units,
    scale,
    show,
    show_sum,
)
from .rules_model import Basis, MultipleFine, PartialCount, PerUnitFine, RangeFine, SettingRef
from .trail import Trail
from .yamlio import Located

ENGINE = f"penalty-engine {__version__}"
ART28 = "行政处罚法 第二十八条"
ZERO_F = Fraction(0)
ONE_F = Fraction(1)
_PARTIAL = {PartialCount.up: Rounding.up, PartialCount.down: Rounding.down, PartialCount.half_up: Rounding.half_up}


def cites(basis: Iterable[Basis]) -> list[str]:
    return [b.cite() for b in basis]


@dataclass(frozen=True, slots=True)
class Interval:
    """A closed or half-open interval of amounts (the reading of 以上/以下 decides)."""

    lo: Decimal
    hi: Decimal
    lo_incl: bool = True
    hi_incl: bool = True

    def contains(self, x: Decimal) -> bool:
        return (x > self.lo or (self.lo_incl and x == self.lo)) and (x < self.hi or (self.hi_incl and x == self.hi))


def round_inside(
    raw: Decimal, unit: Decimal, mode: Rounding, limits: list[Interval]
) -> tuple[Decimal, Decimal, Decimal]:
    """Round ``raw`` to a multiple of ``unit``; if that leaves an interval, step inward.

    Returns (rounded, result, unit used). When no multiple of the unit lies inside every
    interval, the unit falls back to one fen (0.01) so the amount still stays inside.
    """
    lo = max(i.lo for i in limits)
    hi = min(i.hi for i in limits)
    rounded = round_units(raw, unit, mode)
    for u in (unit, FEN):
        result = round_units(raw, u, mode)
        if result <= lo:
            result = ceil_units(lo, u)
            if not all(i.contains(result) for i in limits):
                result += u
        elif result >= hi:
            result = floor_units(hi, u)
            if not all(i.contains(result) for i in limits):
                result -= u
        if all(i.contains(result) for i in limits):
            return rounded, result, u
    raise ValueError(f"no amount inside {lo}–{hi}")


class Evaluation:
    """Evaluates one case; holds the trail and the assumptions while the stages run."""

    def __init__(self, rule: CompiledRule, case: Case, decided_on: dt.date, decided_source: str,
                 source: Located | None) -> None:  # fmt: skip
        self.rule = rule
        self.pack = rule.pack
        self.case = case
        self.decided_on = decided_on
        self.decided_source = decided_source
        self.source = source
        self.trail = Trail()
        self.assumptions: list[str] = []
        self.facts: dict[str, Any] = {}
        self.facts_json: dict[str, Any] = {}
        self.party = _party(case)

    def where(self, *loc: str | int) -> str:
        return case_where(self.source, self.case.case_id, tuple(loc))

    def assume(self, text: str | None) -> None:
        if text and text not in self.assumptions:
            self.assumptions.append(text)

    # ------------------------------------------------------------------ stages

    def run(self) -> Decision:
        c, rule = self.case, self.rule
        self.trail.add(
            "dates",
            {"occurred_on": c.occurred_on.isoformat(), "decided_on": self.decided_on.isoformat(),
             "decided_source": self.decided_source},
        )  # fmt: skip
        cv = rule.version_on(c.occurred_on)
        if cv is None:
            spans = ", ".join(f"{v.version.effective_from}–{v.version.effective_to or ''}" for v in rule.versions)
            raise CaseError(
                "PE-C008",
                f"occurred_on: no version of {rule.id} is in force on {c.occurred_on} (versions: {spans})",
                self.where("occurred_on"),
            )
        v = cv.version
        self.trail.add(
            "rule",
            {"rule": rule.id, "title": rule.rule.title.en, "title_zh": rule.rule.title.zh,
             "on": c.occurred_on.isoformat(), "version": v.key},
            basis=cites(v.basis),
        )  # fmt: skip
        for a in v.assumptions:
            self.assume(a)
        activation = self._facts()
        results = cv.table.run(activation, self.where())
        return self._decide(cv, results)

    def _facts(self) -> dict[str, Any]:
        """Typed facts (given, else the declared default); returns the CEL activation."""
        rule, given = self.rule, self.case.facts
        facts, facts_json, cel = dict(rule.defaults), dict(rule.defaults_json), dict(rule.defaults_cel)
        given_json: dict[str, Any] = {}
        for name, raw in given.items():
            spec = rule.facts.get(name)
            if spec is None:
                raise CaseError(
                    "PE-C003",
                    f"facts.{name}: unknown fact for {rule.id}{suggest(name, rule.facts)}; "
                    f"expected facts: {', '.join(rule.facts)}",
                    self.where("facts", name),
                )
            if raw is None:
                continue
            try:
                value = coerce(spec, raw)
            except FactProblem as exc:
                raise CaseError(exc.code, f"facts.{name}: {exc}", self.where("facts", name)) from None
            facts[name] = value
            facts_json[name] = given_json[name] = to_json(spec, value)
            cel[name] = cel_value(spec, value)
        for name in rule.required:
            if name not in given_json:
                spec = rule.facts[name]
                raise CaseError(
                    "PE-C002",
                    f"facts.{name}: required fact missing ({spec.label.en} / {spec.label.zh})",
                    self.where("facts"),
                )
        defaults = {k: v for k, v in rule.defaults_json.items() if k not in given_json}
        self.trail.add(
            "facts",
            {"given": given_json, "defaults": defaults, "defaults_text": ", ".join(defaults) or "none"},
        )
        self.facts, self.facts_json = facts, facts_json
        cel[PARTY] = self.party
        return cel

    def _clauses(
        self, cv: CompiledVersion, cond: CompiledCondition | None, results: list[bool]
    ) -> list[dict[str, Any]]:
        """Each clause of a condition with its result and the fact values it read."""
        if cond is None:
            return []
        out = []
        fj = self.facts_json
        for i in cond.clause_indices():
            reads = {name: (self.party if name == PARTY else fj[name]) for name in cv.table.reads[i]}
            out.append({"expr": cv.table.sources[i], "result": results[i], "reads": reads})
        return out

    def _decide(self, cv: CompiledVersion, results: list[bool]) -> Decision:
        rule, pack, v = self.rule, self.pack, cv.version
        branch = None
        tried: list[dict[str, Any]] = []
        for b, cond in cv.branches:
            holds = cond is None or cond.holds(results)
            tried.append({"branch": b.id, "holds": holds, "clauses": self._clauses(cv, cond, results)})
            if holds:
                branch = b
                break
        if branch is None:
            raise EvaluationError(
                "PE-E001",
                f"no statutory branch of {rule.id} (version {v.key}) matches these facts",
                self.where("facts"),
            )
        branch_basis = cites(branch.basis) or cites(v.basis)
        self.trail.add("branch", {"branch": branch.id, "tried": tried}, result=branch.id, basis=branch_basis)

        penalties: list[dict[str, Any]] = []
        tier: str | None = None
        statutory: dict[str, Decimal] | None = None
        band_out: dict[str, Decimal] | None = None
        fine: Decimal | None = None
        matched: list[dict[str, Any]] = []
        if isinstance(branch.fine, PerUnitFine):
            tier = "fixed"
            fine = self._per_unit(branch.fine, branch_basis)
            statutory = band_out = {"min": fine, "max": fine}
        elif branch.fine is not None:
            rng = self._range(branch.fine, branch_basis)
            statutory = {"min": rng.lo, "max": rng.hi}
            tier, band = self._tier(cv, results, rng)
            band_out = {"min": band.lo, "max": band.hi}
            position, matched = self._position(cv, results)
            fine = self._amount(band, position, rng)
        if fine is not None:
            penalties.append({"kind": "fine", "amount": fine})
        for name in branch.confiscate:
            amount = self.facts[name]
            if amount == 0:
                continue  # nothing to confiscate; the facts step shows the zero
            penalties.append({"kind": "confiscation", "amount": amount})
            text = dec_str(amount)
            self.trail.add(
                "penalty",
                {"kind": "confiscation", "fact": name, "amount_text": f" {text} ({name})"},
                result=text,
                basis=[*branch_basis, ART28],
            )
        for other in branch.also:
            penalties.append({"kind": other.kind.value, "amount": None})
            self.trail.add(
                "penalty", {"kind": other.kind.value, "amount_text": ""}, result=other.kind.value, basis=branch_basis
            )
        duties = [{"kind": "order_correction", "basis": [ART28]}]
        self.trail.add("duty", {"kind": "order_correction"}, result="order_correction", basis=[ART28])
        c = self.case
        return Decision.model_validate(
            {
                "case_id": c.case_id,
                "violation": {"id": rule.id, "title": rule.rule.title.zh, "pack": pack.id, "version": v.key},
                "dates": {
                    "occurred_on": c.occurred_on,
                    "discovered_on": c.discovered_on,
                    "decided_on": self.decided_on,
                },
                "outcome": "penalty",
                "tier": tier,
                "statutory_range": statutory,
                "band": band_out,
                "recommended_fine": fine,
                "currency": pack.currency,
                "penalties": penalties,
                "factors": matched,
                "duties": duties,
                "options": [],
                "assumptions": self.assumptions,
                "trail": self.trail.steps,
                "fingerprint": self._fingerprint(cv),
                "engine": ENGINE,
            }
        )

    def _fingerprint(self, cv: CompiledVersion) -> str:
        """sha256 over the rule version's content, the normalised case and the engine version."""
        c = self.case
        normalised = {
            "case_id": c.case_id,
            "violation": self.rule.id,
            "occurred_on": c.occurred_on.isoformat(),
            "discovered_on": c.discovered_on.isoformat() if c.discovered_on else None,
            "decided_on": self.decided_on.isoformat(),
            "party": {"kind": c.party.kind, "age": c.party.age, "name": c.party.name},
            "facts": self.facts_json,
        }
        text = canonical_json({"rule_version": cv.content_hash, "case": normalised, "engine": ENGINE})
        return "sha256:" + hashlib.sha256(text.encode()).hexdigest()

    def _setting(self, value: Any) -> Any:
        if isinstance(value, SettingRef):
            setting = self.pack.settings[value.setting]
            self.assume(setting.assumption)
            return setting.value
        return value

    def _per_unit(self, spec: PerUnitFine, basis: list[str]) -> Decimal:
        pack = self.pack
        unit = pack.rounding.unit
        value = Decimal(self.facts[spec.per])
        partial = PartialCount(self._setting(spec.partial))
        quotient = CTX.divide(value, spec.unit)
        units = quotient if partial is PartialCount.exact else round_units(quotient, Decimal(1), _PARTIAL[partial])
        amount = CTX.multiply(units, spec.rate)
        capped = min(amount, spec.cap) if spec.cap is not None else amount
        self.assume(pack.rounding.assumption)
        result = round_units(capped, unit, pack.rounding.mode)
        if spec.cap is not None and result > spec.cap:
            result = floor_units(spec.cap, unit)
        exact_q = Fraction(value) / Fraction(spec.unit)
        exact_units = exact_q if partial is PartialCount.exact else Fraction(units)
        self.trail.add(
            "range.per_unit",
            {"fact": spec.per, "value": dec_str(value), "unit": dec_str(spec.unit), "quotient": show(exact_q),
             "units": show(exact_units), "partial": partial.value, "rate": dec_str(spec.rate),
             "amount": show(exact_units * Fraction(spec.rate)),
             "cap": dec_str(spec.cap) if spec.cap is not None else "none", "round_unit": dec_str(unit),
             "mode": pack.rounding.mode.value, "currency": pack.currency},
            result=dec_str(result),
            basis=basis,
        )  # fmt: skip
        return result

    def _range(self, spec: RangeFine | MultipleFine, basis: list[str]) -> Interval:
        pack = self.pack
        reading = pack.boundaries
        self.assume(reading.assumption)
        lo_incl, hi_incl = reading.above == "inclusive", reading.below == "inclusive"
        if isinstance(spec, RangeFine):
            lo, hi = spec.min, spec.max
            lo_s, hi_s = dec_str(lo), dec_str(hi)
            self.trail.add(
                "range.range",
                {"min": lo_s, "max": hi_s, "currency": pack.currency},
                result={"min": lo_s, "max": hi_s},
                basis=basis,
            )
        else:
            value: Decimal = self.facts[spec.times]
            lo, hi = scale(value, spec.min), scale(value, spec.max)  # multiples are finite decimals: exact
            lo_s, hi_s = dec_str(lo), dec_str(hi)
            self.trail.add(
                "range.multiple",
                {"fact": spec.times, "value": dec_str(value), "min_times": frac_str(spec.min),
                 "max_times": frac_str(spec.max), "min": lo_s, "max": hi_s, "currency": pack.currency},
                result={"min": lo_s, "max": hi_s},
                basis=basis,
            )  # fmt: skip
        return Interval(lo, hi, lo_incl, hi_incl)

    def _tier(self, cv: CompiledVersion, results: list[bool], rng: Interval) -> tuple[str, Interval]:
        pack = self.pack
        chosen = None
        tried = []
        for t, cond in cv.tiers:
            holds = cond is None or cond.holds(results)
            tried.append({"tier": t.tier, "holds": holds, "clauses": self._clauses(cv, cond, results)})
            if holds:
                chosen = t
                break
        name = chosen.tier if chosen else "standard"
        band_spec = chosen.band if chosen and chosen.band else pack.tier_scheme.band(name)
        basis = cites(chosen.basis) if chosen and chosen.basis else cites(pack.tier_scheme.basis)
        if not (chosen and chosen.band):
            self.assume(pack.tier_scheme.assumption)
        lower_s, upper_s = frac_str(band_spec.lower), frac_str(band_spec.upper)
        self.trail.add("tier", {"tier": name, "tried": tried, "lower": lower_s, "upper": upper_s}, result=name,
                       basis=basis)  # fmt: skip
        unit, mode = pack.rounding.unit, pack.rounding.mode
        width = CTX.subtract(rng.hi, rng.lo)

        def edge(f: Fraction) -> Decimal:
            if f == ZERO_F:
                return rng.lo
            if f == ONE_F:
                return rng.hi
            cut = round_units(CTX.add(rng.lo, scale(width, f)), unit, mode)
            return min(max(cut, rng.lo), rng.hi)

        lo, hi = edge(band_spec.lower), edge(band_spec.upper)
        self.assume(pack.rounding.assumption)
        lo_s, hi_s = dec_str(lo), dec_str(hi)
        self.trail.add(
            "band",
            {"range_min": dec_str(rng.lo), "range_max": dec_str(rng.hi), "lower": lower_s, "upper": upper_s,
             "unit": dec_str(unit), "mode": mode.value, "width": dec_str(width),
             "lower_raw": show_sum(rng.lo, width, band_spec.lower),
             "upper_raw": show_sum(rng.lo, width, band_spec.upper),
             "band_min": lo_s, "band_max": hi_s},
            result={"min": lo_s, "max": hi_s},
        )  # fmt: skip
        return name, Interval(lo, hi, True, True)

    def _position(self, cv: CompiledVersion, results: list[bool]) -> tuple[Fraction, list[dict[str, Any]]]:
        pack, v = self.pack, cv.version
        start = v.start if v.start is not None else pack.factor_start
        if v.start is None:
            self.assume(pack.factor_start_assumption)
        plus = minus = ZERO_F
        matched: list[dict[str, Any]] = []
        applied: list[dict[str, str]] = []
        for f, cond in cv.factors:
            holds = cond.holds(results)
            weight = frac_str(f.weight)
            basis = cites(f.basis)
            self.trail.add(
                "factor",
                {"factor": f.id, "effect": f.effect, "weight": weight, "clauses": self._clauses(cv, cond, results),
                 "result_text": "applies" if holds else "does not apply"},
                result=holds,
                basis=basis,
            )  # fmt: skip
            if holds:
                matched.append({"id": f.id, "effect": f.effect, "basis": basis})
                applied.append({"id": f.id, "effect": f.effect, "weight": weight})
                if f.effect == "aggravating":
                    plus += f.weight
                else:
                    minus += f.weight
        raw = start + plus - minus
        position = min(max(raw, ZERO_F), ONE_F)
        pos_s = frac_str(position)
        self.trail.add(
            "position",
            {"start": frac_str(start), "plus": frac_str(plus), "minus": frac_str(minus), "applied": applied,
             "raw": frac_str(raw), "position": pos_s},
            result=pos_s,
        )  # fmt: skip
        return position, matched

    def _amount(self, band: Interval, position: Fraction, rng: Interval) -> Decimal:
        pack = self.pack
        width = CTX.subtract(band.hi, band.lo)
        raw = CTX.add(band.lo, scale(width, position))
        raw_s = show_sum(band.lo, width, position)
        band_lo, band_hi = dec_str(band.lo), dec_str(band.hi)
        self.trail.add(
            "amount",
            {"band_min": band_lo, "band_max": band_hi, "position": frac_str(position), "raw": raw_s},
            result=raw_s.split(" ")[0],
        )
        unit, mode = pack.rounding.unit, pack.rounding.mode
        rounded, result, used = round_inside(raw, unit, mode, [rng, band])
        result_s = dec_str(result)
        self.trail.add(
            "round",
            {"raw": raw_s, "unit": dec_str(used), "mode": mode.value, "rounded": dec_str(rounded),
             "band_min": band_lo, "band_max": band_hi, "range_min": dec_str(rng.lo), "range_max": dec_str(rng.hi),
             "range_min_inclusive": rng.lo_incl, "range_max_inclusive": rng.hi_incl, "currency": pack.currency},
            result=result_s,
        )  # fmt: skip
        return result


def _party(case: Case) -> dict[str, Any]:
    """The party as CEL sees it; an individual without an age is taken as an adult (18)."""
    p = case.party
    if p.kind == "organization":
        return {"kind": p.kind}
    return {"kind": p.kind, "age": p.age if p.age is not None else 18, "age_given": p.age is not None}
