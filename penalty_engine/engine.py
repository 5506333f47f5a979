"""The engine: load packs once, then evaluate cases purely.

``evaluate`` reads no file, clock, environment or randomness: dates come from the case or from
``as_of``. The stages, each leaving one or more trail steps, are::

    dates → rule and version (in force on occurred_on) → facts → statutory branch → range
          → tier and band → factors → position → amount → rounding → penalties → duties
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from . import __about__
from .case_io import case_where, to_case
from .case_model import Case
from .compiled import CompiledRule, CompiledVersion, canonical_json, compile_pack
from .conditions import PARTY, cel_value
from .decision_model import (
    Dates,
    Decision,
    Duty,
    FactorOut,
    PenaltyOut,
    Range,
    ViolationInfo,
)
from .errors import CaseError, EvaluationError, RuleError, RuleErrors, suggest
from .facts import FactProblem, coerce, to_json
from .loader import bundled_pack_paths, load_pack_files
from .money import (
    Rounding,
    ceil_units,
    floor_units,
    frac_str,
    money_str,
    round_units,
    show,
    to_decimal,
    to_fraction,
)
from .rules_model import Band, Basis, MultipleFine, PartialCount, PerUnitFine, RangeFine, SettingRef
from .trail import Trail
from .yamlio import Located

ENGINE = f"penalty-engine {__about__.__version__}"
ART28 = "行政处罚法 第二十八条"
FEN = Fraction(1, 100)


def cites(basis: Iterable[Basis]) -> list[str]:
    return [b.cite() for b in basis]


@dataclass(frozen=True)
class Interval:
    lo: Fraction
    hi: Fraction
    lo_incl: bool = True
    hi_incl: bool = True

    def contains(self, x: Fraction) -> bool:
        return (x > self.lo or (self.lo_incl and x == self.lo)) and (x < self.hi or (self.hi_incl and x == self.hi))


def round_inside(
    raw: Fraction, unit: Fraction, mode: Rounding, limits: list[Interval]
) -> tuple[Fraction, Fraction, Fraction]:
    """Round ``raw`` to a multiple of ``unit``; if that leaves any interval, step inward.

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


class Engine:
    """Loaded, compiled, immutable rule packs.

    Example::

        engine = Engine.load()                       # the bundled packs
        decision = engine.evaluate(case_dict, as_of=date(2026, 4, 10))
    """

    def __init__(self, rules: Iterable[CompiledRule]) -> None:
        self._rules: dict[str, CompiledRule] = {}
        self._bare: dict[str, list[str]] = {}
        for r in rules:
            if r.id in self._rules:
                raise RuleError("PE-R011", f"rule '{r.id}' is loaded twice (two packs with id '{r.pack.id}')")
            self._rules[r.id] = r
            self._bare.setdefault(r.rule.id, []).append(r.id)

    @classmethod
    def load(cls, *packs: str | Path) -> Engine:
        """Load packs by folder or bundled id; with no argument, every bundled pack.

        Raises:
            RuleError: (often ``RuleErrors``) naming file:line for every defect found.
        """
        paths: list[str | Path] = list(packs) if packs else list(bundled_pack_paths())
        compiled: list[CompiledRule] = []
        errors: list[RuleError] = []
        for p in paths:
            try:
                compiled.extend(compile_pack(load_pack_files(p)))
            except RuleErrors as exc:
                errors.extend(exc.errors)
            except RuleError as exc:
                errors.append(exc)
        if errors:
            raise RuleErrors(errors)
        return cls(compiled)

    def rules(self) -> list[CompiledRule]:
        """Every loaded rule, sorted by id (``pack/rule``)."""
        return [self._rules[k] for k in sorted(self._rules)]

    def packs(self) -> list[str]:
        return sorted({r.pack.id for r in self._rules.values()})

    def rule(self, ref: str, where: str = "") -> CompiledRule:
        """Find a rule by ``pack/rule`` or by a bare rule id that exactly one pack has."""
        if ref in self._rules:
            return self._rules[ref]
        matches = self._bare.get(ref, [])
        if len(matches) == 1:
            return self._rules[matches[0]]
        if len(matches) > 1:
            raise CaseError(
                "PE-C007",
                f"violation: '{ref}' is in several packs, name one of {', '.join(sorted(matches))}",
                where,
            )
        known = list(self._rules) + list(self._bare)
        raise CaseError("PE-C006", f"violation: unknown rule '{ref}'{suggest(ref, known)}", where)

    # ---------------------------------------------------------------- evaluation

    def evaluate(
        self,
        case: Case | Mapping[str, Any],
        as_of: dt.date | None = None,
        *,
        source: Located | None = None,
        as_of_label: str = "as_of",
    ) -> Decision:
        """Evaluate one case.

        Args:
            case: a ``Case`` or a plain dict in the case-input contract.
            as_of: the decision date when the case has no ``decided_on``.
            source: where the case was read from, for error locations.
            as_of_label: how the trail names where ``as_of`` came from (the CLI says "today").

        Returns:
            The ``Decision``.

        Raises:
            CaseError: the case is invalid (field, expected, got).
            EvaluationError: the pack has a defect this case exposes.
        """
        c = to_case(case, source)
        if c.violations is not None:
            raise CaseError(
                "PE-C003",
                "violations: cases with several violations are not supported yet",
                case_where(source, c.case_id),
            )
        return _Evaluation(self, c, as_of, source, as_of_label).run()


class _Evaluation:
    """One evaluation; holds the trail while the stages run."""

    def __init__(
        self, engine: Engine, case: Case, as_of: dt.date | None, source: Located | None, as_of_label: str
    ) -> None:
        self.engine = engine
        self.as_of_label = as_of_label
        self.case = case
        self.as_of = as_of
        self.source = source
        self.trail = Trail()
        self.assumptions: list[str] = []

    def where(self, *loc: str | int) -> str:
        return case_where(self.source, self.case.case_id, tuple(loc))

    def assume(self, text: str | None) -> None:
        if text and text not in self.assumptions:
            self.assumptions.append(text)

    def run(self) -> Decision:
        c = self.case
        assert c.violation is not None
        decided_on, decided_source = self._decided_on()
        rule = self.engine.rule(c.violation, self.where("violation"))
        self.trail.add(
            "dates",
            {
                "occurred_on": c.occurred_on.isoformat(),
                "decided_on": decided_on.isoformat(),
                "decided_source": decided_source,
            },
        )
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
            {
                "rule": rule.id,
                "title": rule.rule.title.en,
                "title_zh": rule.rule.title.zh,
                "on": c.occurred_on.isoformat(),
                "version": v.key,
            },
            basis=cites(v.basis),
        )
        for a in v.assumptions:
            self.assume(a)
        facts = self._facts(rule)
        activation = {name: cel_value(rule.facts[name], value) for name, value in facts.items()}
        activation[PARTY] = self._party()
        results = cv.table.run(activation, self.where())
        return self._decide(rule, cv, facts, results, decided_on)

    def _decided_on(self) -> tuple[dt.date, str]:
        if self.case.decided_on is not None:
            return self.case.decided_on, "case.decided_on"
        if self.as_of is not None:
            if self.as_of < self.case.occurred_on:
                raise CaseError(
                    "PE-C004",
                    f"decided_on: the as-of date {self.as_of} is before occurred_on {self.case.occurred_on}",
                    self.where(),
                )
            return self.as_of, self.as_of_label
        raise CaseError("PE-C009", "decided_on: the case has no decided_on and no as_of date was given", self.where())

    def _party(self) -> dict[str, Any]:
        p = self.case.party
        if p.kind == "organization":
            return {"kind": p.kind}
        return {"kind": p.kind, "age": p.age if p.age is not None else 18, "age_given": p.age is not None}

    def _facts(self, rule: CompiledRule) -> dict[str, Any]:
        given = self.case.facts
        for name in given:
            if name not in rule.facts:
                raise CaseError(
                    "PE-C003",
                    f"facts.{name}: unknown fact for {rule.id}{suggest(name, rule.facts)}; "
                    f"expected facts: {', '.join(rule.facts)}",
                    self.where("facts", name),
                )
        out: dict[str, Any] = {}
        defaults: list[str] = []
        for name, spec in rule.facts.items():
            if name in given and given[name] is not None:
                raw = given[name]
            elif spec.required:
                raise CaseError(
                    "PE-C002",
                    f"facts.{name}: required fact missing ({spec.label.en} / {spec.label.zh})",
                    self.where("facts"),
                )
            else:
                raw = spec.default
                defaults.append(name)
            try:
                out[name] = coerce(spec, raw)
            except FactProblem as exc:
                raise CaseError(exc.code, f"facts.{name}: {exc}", self.where("facts", name)) from None
        self.trail.add(
            "facts",
            {
                "given": {k: to_json(rule.facts[k], out[k]) for k in given if given[k] is not None},
                "defaults": {k: to_json(rule.facts[k], out[k]) for k in defaults},
                "defaults_text": ", ".join(defaults) or "none",
            },
        )
        return out

    # ------------------------------------------------------------ the decision

    def _clauses(
        self,
        cv: CompiledVersion,
        cond: Any,
        results: list[bool],
        facts: Mapping[str, Any],
        rule: CompiledRule,
    ) -> list[dict[str, Any]]:
        out = []
        for i in cond.clause_indices():
            reads = {}
            for name in cv.table.reads[i]:
                if name == PARTY:
                    reads[name] = self._party()
                else:
                    reads[name] = to_json(rule.facts[name], facts[name])
            out.append({"expr": cv.table.sources[i], "result": results[i], "reads": reads})
        return out

    def _decide(
        self,
        rule: CompiledRule,
        cv: CompiledVersion,
        facts: dict[str, Any],
        results: list[bool],
        decided_on: dt.date,
    ) -> Decision:
        pack = rule.pack
        v = cv.version
        # statutory branch: first match wins
        branch = None
        tried: list[dict[str, Any]] = []
        for b, cond in cv.branches:
            holds = cond is None or cond.holds(results)
            tried.append(
                {
                    "branch": b.id,
                    "holds": holds,
                    "clauses": self._clauses(cv, cond, results, facts, rule) if cond else [],
                }
            )
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

        penalties: list[PenaltyOut] = []
        tier: str | None = None
        statutory: Range | None = None
        band_out: Range | None = None
        fine: Fraction | None = None
        matched: list[FactorOut] = []
        unit = to_fraction(pack.rounding.unit)
        currency = pack.currency

        if isinstance(branch.fine, PerUnitFine):
            tier = "fixed"
            fine = self._per_unit(rule, branch.fine, facts, unit, branch_basis)
            statutory = band_out = Range(min=to_decimal(fine), max=to_decimal(fine))
        elif branch.fine is not None:
            rng = self._range(rule, branch.fine, facts, branch_basis)
            statutory = Range(min=to_decimal(rng.lo), max=to_decimal(rng.hi))
            tier, band = self._tier(rule, cv, results, facts, rng, unit)
            band_out = Range(min=to_decimal(band.lo), max=to_decimal(band.hi))
            position, matched = self._position(rule, cv, results, facts)
            raw = band.lo + position * (band.hi - band.lo)
            self.trail.add(
                "amount",
                {
                    "band_min": money_str(band.lo),
                    "band_max": money_str(band.hi),
                    "position": frac_str(position),
                    "raw": show(raw),
                },
                result=frac_str(raw),
            )
            fine = self._round(raw, unit, pack.rounding.mode, [rng, band], currency)
        if fine is not None:
            penalties.append(PenaltyOut(kind="fine", amount=to_decimal(fine)))
        for name in branch.confiscate:
            amount = facts[name]
            if amount == 0:
                continue  # nothing to confiscate; the facts step shows the zero
            penalties.append(PenaltyOut(kind="confiscation", amount=amount))
            self.trail.add(
                "penalty",
                {
                    "kind": "confiscation",
                    "fact": name,
                    "amount_text": f" {money_str(to_fraction(amount))} ({name})",
                },
                result=money_str(to_fraction(amount)),
                basis=[*branch_basis, ART28],
            )
        for other in branch.also:
            penalties.append(PenaltyOut(kind=other.kind.value))
            self.trail.add(
                "penalty",
                {"kind": other.kind.value, "amount_text": ""},
                result=other.kind.value,
                basis=branch_basis,
            )
        duties = [Duty(kind="order_correction", basis=[ART28])]
        self.trail.add("duty", {"kind": "order_correction"}, result="order_correction", basis=[ART28])

        case_json = self._normalised(rule, facts, decided_on)
        digest = hashlib.sha256(
            canonical_json({"rule_version": cv.content_hash, "case": case_json, "engine": ENGINE}).encode()
        ).hexdigest()
        c = self.case
        return Decision(
            case_id=c.case_id,
            violation=ViolationInfo(id=rule.id, title=rule.rule.title.zh, pack=pack.id, version=v.key),
            dates=Dates(occurred_on=c.occurred_on, discovered_on=c.discovered_on, decided_on=decided_on),
            outcome="penalty",
            tier=tier,
            statutory_range=statutory,
            band=band_out,
            recommended_fine=to_decimal(fine) if fine is not None else None,
            currency=currency,
            penalties=penalties,
            factors=matched,
            duties=duties,
            options=[],
            assumptions=self.assumptions,
            trail=self.trail.steps,
            fingerprint=f"sha256:{digest}",
            engine=ENGINE,
        )

    def _normalised(self, rule: CompiledRule, facts: Mapping[str, Any], decided_on: dt.date) -> dict[str, Any]:
        c = self.case
        return {
            "case_id": c.case_id,
            "violation": rule.id,
            "occurred_on": c.occurred_on.isoformat(),
            "discovered_on": c.discovered_on.isoformat() if c.discovered_on else None,
            "decided_on": decided_on.isoformat(),
            "party": c.party.model_dump(mode="json"),
            "facts": {k: to_json(rule.facts[k], facts[k]) for k in sorted(facts)},
        }

    def _setting(self, rule: CompiledRule, value: Any) -> Any:
        if isinstance(value, SettingRef):
            setting = rule.pack.settings[value.setting]
            self.assume(setting.assumption)
            return setting.value
        return value

    def _per_unit(
        self,
        rule: CompiledRule,
        spec: PerUnitFine,
        facts: Mapping[str, Any],
        unit: Fraction,
        basis: list[str],
    ) -> Fraction:
        pack = rule.pack
        value = to_fraction(facts[spec.per])
        per = to_fraction(spec.unit)
        partial = PartialCount(self._setting(rule, spec.partial))
        quotient = value / per
        if partial is PartialCount.exact:
            units = quotient
        else:
            mode = {
                PartialCount.up: Rounding.up,
                PartialCount.down: Rounding.down,
                PartialCount.half_up: Rounding.half_up,
            }[partial]
            units = round_units(quotient, Fraction(1), mode)
        amount = units * to_fraction(spec.rate)
        capped = min(amount, to_fraction(spec.cap)) if spec.cap is not None else amount
        self.assume(pack.rounding.assumption)
        used = unit
        result = round_units(capped, unit, pack.rounding.mode)
        if spec.cap is not None and result > capped:
            result = floor_units(capped, unit)
        self.trail.add(
            "range.per_unit",
            {
                "fact": spec.per,
                "value": money_str(value),
                "unit": money_str(per),
                "quotient": show(quotient),
                "units": show(units),
                "partial": partial.value,
                "rate": money_str(to_fraction(spec.rate)),
                "amount": show(amount),
                "cap": money_str(to_fraction(spec.cap)) if spec.cap is not None else "none",
                "round_unit": money_str(used),
                "mode": pack.rounding.mode.value,
                "currency": pack.currency,
            },
            result=money_str(result),
            basis=basis,
        )
        return result

    def _range(
        self, rule: CompiledRule, spec: RangeFine | MultipleFine, facts: Mapping[str, Any], basis: list[str]
    ) -> Interval:
        pack = rule.pack
        reading = pack.boundaries
        self.assume(reading.assumption)
        lo_incl, hi_incl = reading.above == "inclusive", reading.below == "inclusive"
        if isinstance(spec, RangeFine):
            lo, hi = to_fraction(spec.min), to_fraction(spec.max)
            self.trail.add(
                "range.range",
                {"min": money_str(lo), "max": money_str(hi), "currency": pack.currency},
                result={"min": money_str(lo), "max": money_str(hi)},
                basis=basis,
            )
        else:
            value = to_fraction(facts[spec.times])
            lo, hi = value * spec.min, value * spec.max
            self.trail.add(
                "range.multiple",
                {
                    "fact": spec.times,
                    "value": money_str(value),
                    "min_times": frac_str(spec.min),
                    "max_times": frac_str(spec.max),
                    "min": show(lo),
                    "max": show(hi),
                    "currency": pack.currency,
                },
                result={"min": show(lo), "max": show(hi)},
                basis=basis,
            )
        return Interval(lo, hi, lo_incl, hi_incl)

    def _tier(
        self,
        rule: CompiledRule,
        cv: CompiledVersion,
        results: list[bool],
        facts: Mapping[str, Any],
        rng: Interval,
        unit: Fraction,
    ) -> tuple[str, Interval]:
        pack = rule.pack
        chosen = None
        tried = []
        for t, cond in cv.tiers:
            holds = cond is None or cond.holds(results)
            tried.append(
                {
                    "tier": t.tier,
                    "holds": holds,
                    "clauses": self._clauses(cv, cond, results, facts, rule) if cond else [],
                }
            )
            if holds:
                chosen = t
                break
        name = chosen.tier if chosen else "standard"
        band_spec: Band = chosen.band if chosen and chosen.band else pack.tier_scheme.band(name)
        basis = cites(chosen.basis) if chosen and chosen.basis else cites(pack.tier_scheme.basis)
        if not (chosen and chosen.band):
            self.assume(pack.tier_scheme.assumption)
        self.trail.add(
            "tier",
            {
                "tier": name,
                "tried": tried,
                "lower": frac_str(band_spec.lower),
                "upper": frac_str(band_spec.upper),
            },
            result=name,
            basis=basis,
        )
        mode = pack.rounding.mode

        def edge(f: Fraction) -> Fraction:
            if f == 0:
                return rng.lo
            if f == 1:
                return rng.hi
            cut = round_units(rng.lo + f * (rng.hi - rng.lo), unit, mode)
            return min(max(cut, rng.lo), rng.hi)

        lo, hi = edge(band_spec.lower), edge(band_spec.upper)
        width = rng.hi - rng.lo
        self.assume(pack.rounding.assumption)
        self.trail.add(
            "band",
            {
                "range_min": money_str(rng.lo),
                "range_max": money_str(rng.hi),
                "lower": frac_str(band_spec.lower),
                "upper": frac_str(band_spec.upper),
                "unit": money_str(unit),
                "mode": mode.value,
                "width": show(width),
                "lower_raw": show(rng.lo + band_spec.lower * width),
                "upper_raw": show(rng.lo + band_spec.upper * width),
                "band_min": money_str(lo),
                "band_max": money_str(hi),
            },
            result={"min": money_str(lo), "max": money_str(hi)},
        )
        return name, Interval(lo, hi, True, True)

    def _position(
        self, rule: CompiledRule, cv: CompiledVersion, results: list[bool], facts: Mapping[str, Any]
    ) -> tuple[Fraction, list[FactorOut]]:
        pack = rule.pack
        v = cv.version
        start = v.start if v.start is not None else pack.factor_start
        if v.start is None:
            self.assume(pack.factor_start_assumption)
        plus = minus = Fraction(0)
        matched: list[FactorOut] = []
        applied: list[dict[str, str]] = []
        for f, cond in cv.factors:
            holds = cond.holds(results)
            self.trail.add(
                "factor",
                {
                    "factor": f.id,
                    "effect": f.effect,
                    "weight": frac_str(f.weight),
                    "clauses": self._clauses(cv, cond, results, facts, rule),
                    "result_text": "applies" if holds else "does not apply",
                },
                result=holds,
                basis=cites(f.basis),
            )
            if holds:
                matched.append(FactorOut(id=f.id, effect=f.effect, basis=cites(f.basis)))
                applied.append({"id": f.id, "effect": f.effect, "weight": frac_str(f.weight)})
                if f.effect == "aggravating":
                    plus += f.weight
                else:
                    minus += f.weight
        raw = start + plus - minus
        position = min(max(raw, Fraction(0)), Fraction(1))
        self.trail.add(
            "position",
            {
                "start": frac_str(start),
                "plus": frac_str(plus),
                "minus": frac_str(minus),
                "applied": applied,
                "raw": frac_str(raw),
                "position": frac_str(position),
            },
            result=frac_str(position),
        )
        return position, matched

    def _round(self, raw: Fraction, unit: Fraction, mode: Rounding, limits: list[Interval], currency: str) -> Fraction:
        rounded, result, used = round_inside(raw, unit, mode, limits)
        self.trail.add(
            "round",
            {
                "raw": show(raw),
                "unit": money_str(used),
                "mode": mode.value,
                "rounded": money_str(rounded),
                "band_min": money_str(limits[1].lo),
                "band_max": money_str(limits[1].hi),
                "range_min": money_str(limits[0].lo),
                "range_max": money_str(limits[0].hi),
                "range_min_inclusive": limits[0].lo_incl,
                "range_max_inclusive": limits[0].hi_incl,
                "currency": currency,
            },
            result=money_str(result),
        )
        return result
