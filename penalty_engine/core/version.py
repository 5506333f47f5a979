"""The stages of one evaluation that depend on the rule version in force: ``VersionRun``.

Pure: no file, clock, environment or randomness. ``VersionRun.run`` is the procedure, in its
fixed order (docs/rule-authoring.md, "The general part"; [ADR 0005](../../docs/adr/0005-general-part.md))::

    rule step and clause results → general provisions → mandatory no penalty (or the pack's
    recommendation to use the law's option) → statutory branch → range → tier and band
    → mandatory mitigation caps the tier → factors → position → amount → rounding
    → penalties → duties

A version with ``weighted`` (ADR 0020) replaces tier, band, factors, position and amount with the
stages of ``weighted``: weights → sum → × statutory maximum → clamp → rounding; a version with
``banded`` (ADR 0024) with those of ``banded``: levels → row → band → average → 一般/从重/从轻.

Each stage returns what it decides (a value or a record of ``result``) and ``run`` assembles the
``Result``; as they go, stages add their steps to the run's trail and the assumptions they rely
on to its ordered set. The stages of the general part (provisions, no penalty, options,
mitigation below a fixed fine, duties) are in ``general_stages``, the amounts in ``amounts``;
repeating computations go through ``_fast`` (memoised, same results; ADR 0008).
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from typing import Any

from ..errors import EvaluationError, msg, pair
from ..models import (
    Branch,
    EdgeMultiple,
    Level,
    MultipleFine,
    PartialCount,
    PerUnitFine,
    RangeFine,
    TrancheFine,
)
from ..money import CTX, FEN, Rounding, dec_str, floor_units, frac_str, round_units, scale, show
from ..pack import position_of
from . import _fast, provenance
from .adjustments import adjust
from .amounts import Interval
from .banded import BANDED, BandedStages
from .general import Fired
from .general_stages import ART28
from .result import NO_PENALTY, PENALTY, Position, Result
from .weighted import WEIGHTED

_PARTIAL = {PartialCount.up: Rounding.up, PartialCount.down: Rounding.down, PartialCount.half_up: Rounding.half_up}


def _edge(edge: Decimal | EdgeMultiple, facts: dict[str, Any]) -> tuple[Fraction, str]:
    """A tranche edge's exact value and how it was found (``1.2 × 49000 = 58800``)."""
    if isinstance(edge, EdgeMultiple):
        base = Fraction(Decimal(facts[edge.of]))
        value = base * edge.times
        return value, f"{frac_str(edge.times)} × {show(base)} = {show(value)}"
    return Fraction(edge), dec_str(edge)


def _count(quotient: Fraction, partial: PartialCount) -> int:
    """Whole units of an exact quotient by the partial rule (not ``exact``)."""
    if partial is PartialCount.up:
        return math.ceil(quotient)
    if partial is PartialCount.half_up:
        return math.floor(quotient + Fraction(1, 2))
    return math.floor(quotient)


class VersionRun(BandedStages):
    """The stages that depend on the rule version, with their own trail and assumptions."""

    __slots__ = ()

    def run(self, on: str) -> Result:
        """The version's stages for the case, ``on`` the date the version is in force on."""
        self.start(on)
        fired = self._provisions()
        if fired.no_penalty:
            return self._result(NO_PENALTY, "none", duties=self._no_penalty(fired.no_penalty, mandatory=True))
        recommend = [p for p in fired.may_no_penalty if p.recommend_for and self._listed(p.recommend_for)]
        if recommend:
            return self._result(NO_PENALTY, "none", duties=self._no_penalty(recommend, mandatory=False))
        options = self._no_penalty_options(fired.may_no_penalty)
        branch, branch_basis = self._branch()
        tier: str | None = None
        level: Level | None = None
        statutory = band = None
        fine: Decimal | None = None
        factors: list[dict[str, Any]] = []
        up_to: Decimal | None = None  # the top of a fine the officer sets (no recommended amount)
        if branch.no_penalty is not None:
            return self._result(NO_PENALTY, "none", duties=self._branch_no_penalty(branch, branch_basis))
        per_day = None
        if branch.per_day and self.cv.version.per_day is not None:  # ADR 0023: the original fine × the days counted
            per_day = self._per_day(self.cv.version.per_day)
            if per_day is None:
                return self._result(NO_PENALTY, "none")
            options += self._per_day_options(self.cv.version.per_day)  # 可以按日连续处罚: the authority may
        if per_day is not None or isinstance(branch.fine, PerUnitFine | TrancheFine):
            spec = branch.fine
            if per_day is not None:
                fine = per_day.amount
            elif isinstance(spec, PerUnitFine):
                fine = self._per_unit(spec, branch_basis)
            else:
                assert isinstance(spec, TrancheFine)
                fine = self._tranches(spec, branch_basis)
            tier, statutory = "fixed", Interval(fine, fine)
            band = statutory
            if fired.mitigate:
                below = self._below_minimum_fixed(fine, fired)
                if below is not None:
                    tier, band, fine = "below_minimum", below.band, below.fine
        elif branch.fine is not None:
            statutory = self._range(branch.fine, branch_basis)
            if self.cv.weighted:  # ADR 0020
                tier, (band, fine, up_to) = WEIGHTED, self._weighted(statutory, fired, branch.id)
            elif self.cv.banded:  # ADR 0024
                tier, (band, fine, up_to) = BANDED, self._banded(statutory, fired)
            elif self.cv.levels:
                level, tier, band = self._level(statutory, fired, branch)
                if level.point:
                    position, position_s, factors = self._position(tier, level.start)
                    fine = self._amount(band, position, position_s, statutory)
                else:
                    self._range_only(band)
            else:
                tier, band = self._tier(statutory, fired)
                position, position_s, factors = self._position(tier)
                fine = self._amount(band, position, position_s, statutory)
            weighed = self._weighted_options if self.cv.weighted or self.cv.banded else None
            options += weighed(statutory, fired) if weighed else self._mitigation_options(statutory, fired, tier)
        elif fired.mitigate or fired.may_mitigate:
            options += self._mitigation_without_fine(fired, branch)
        if level is not None and not level.point and band is not None:
            up_to = band.hi
        if self.cv.adjustments:  # ADR 0025: after the amount (e.g. 公开道歉承诺从轻), never below the minimum
            band, fine, up_to = adjust(self, statutory, band, fine, up_to, per_day is not None)
        penalties = self._penalties(fine, branch, branch_basis, up_to)
        if per_day is not None and penalties and fine == per_day.amount:
            penalties[0] = {**penalties[0], "days": per_day.days, "daily": per_day.daily}
        duties = self._collective_discussion(self._duties(penalties, tier, up_to, branch), penalties, fired)
        if fired.mitigate and any(o["kind"] == "mitigate_penalty" for o in options):
            duties = self._mitigation_duty(fired, duties)
        elif tier in (WEIGHTED, BANDED) and fired.mitigate:
            duties = self._weighted_duty(fired, duties)
        return self._result(PENALTY, tier, statutory, band, fine, penalties, factors, duties, options, level)

    def expired(self, on: str) -> Result:
        """The act is past the limitation period (Art. 36): the rule step, then no penalty."""
        self.start(on)
        return self._result(NO_PENALTY, "none")

    def _result(
        self,
        outcome: str,
        tier: str | None,
        statutory: Interval | None = None,
        band: Interval | None = None,
        fine: Decimal | None = None,
        penalties: list[dict[str, Any]] | None = None,
        factors: list[dict[str, Any]] | None = None,
        duties: list[dict[str, Any]] | None = None,
        options: list[dict[str, Any]] | None = None,
        level: Level | None = None,
    ) -> Result:
        """The ``Result``: what the stages decided, with the run's trail and assumptions (the steps
        marked with the pack that set their part, under a layer)."""
        provenance.mark(self.cv, self.trail.steps)
        return Result(
            self.cv,
            self.trail,
            self.assumptions,
            outcome,
            tier,
            statutory,
            band,
            fine,
            penalties or [],
            factors or [],
            duties or [],
            options or [],
            level,
        )

    # ---------------------------------------------------------------- frame and amounts

    def _branch(self) -> tuple[Branch, list[str]]:
        """The first branch that holds, and its citations (else the version's)."""
        cv = self.cv
        tried: list[dict[str, Any]] = []
        for (b, cond), basis in zip(cv.branches, cv.branch_basis, strict=True):
            holds = cond is None or cond.holds(self.results)
            tried.append({"branch": b.id, "holds": holds, "clauses": self._clauses(cond)})
            if holds:
                self.trail.add(
                    "branch",
                    {"branch": b.id, **self.rule.branch_names[(cv.index, b.id)], "tried": tried},
                    result=b.id,
                    basis=list(basis),
                )
                return b, list(basis)
        message = msg(
            "no statutory branch of {rule} (version {version}) matches these facts",
            rule=pair(self.rule.id, self.rule.rule.title.zh),
            version=cv.key,
        )
        raise EvaluationError("PE-E001", message, self.ev.where("facts"))

    def _fact_label(self, name: str) -> dict[str, str]:
        zh, en = self.rule.fact_labels[name]
        return {"fact_zh": zh, "fact_en": en}

    def _per_unit(self, spec: PerUnitFine, basis: list[str]) -> Decimal:
        """The fine a per-unit formula fixes (rate × units, capped), cut to whole fen."""
        pack = self.pack
        unit = pack.rounding.unit
        value = Decimal(self.ev.facts[spec.per])
        partial = PartialCount(self._setting(spec.partial))
        quotient = CTX.divide(value, spec.unit)
        units = quotient if partial is PartialCount.exact else round_units(quotient, Decimal(1), _PARTIAL[partial])
        amount = CTX.multiply(units, spec.rate)
        capped = min(amount, spec.cap) if spec.cap is not None else amount
        # the formula fixes the amount: it is never rounded away from it, only cut to whole fen when pro rata
        result = capped if CTX.remainder(capped, FEN) == 0 else floor_units(capped, FEN)
        used = unit if CTX.remainder(result, unit) == 0 else FEN
        exact_q = Fraction(value) / Fraction(spec.unit)
        exact_units = exact_q if partial is PartialCount.exact else Fraction(units)
        self.trail.add(
            "range.per_unit",
            {
                "fact": spec.per,
                **self._fact_label(spec.per),
                "value": dec_str(value),
                "unit": dec_str(spec.unit),
                "quotient": show(exact_q),
                "units": show(exact_units),
                "partial": partial.value,
                "rate": dec_str(spec.rate),
                "amount": show(exact_units * Fraction(spec.rate)),
                "cap": dec_str(spec.cap) if spec.cap is not None else "none",
                "round_unit": dec_str(used),
                "mode": pack.rounding.mode.value,
                "currency": pack.currency,
            },
            result=dec_str(result),
            basis=basis,
        )
        return result

    def _tranches(self, spec: TrancheFine, basis: list[str]) -> Decimal:
        """The fine a tranche schedule fixes: for each tranche, the part of the fact between its edges,
        counted in units (a part-unit by the partial rule), times its rate; summed, capped, and cut to
        whole fen only when counted pro rata (never rounded away from the formula, as ``_per_unit``)."""
        facts = self.ev.facts
        value = Fraction(Decimal(facts[spec.parts_of]))
        partial = PartialCount(self._setting(spec.partial))
        unit = Fraction(spec.unit)
        rows: list[dict[str, str]] = []
        working: list[str] = []
        total = Fraction(0)
        for t in spec.tranches:
            lo, lo_s = _edge(t.above, facts)
            hi, hi_s = _edge(t.up_to, facts) if t.up_to is not None else (None, "∞")
            top = value if hi is None else min(value, hi)
            part = max(Fraction(0), top - lo)
            quotient = part / unit
            units = quotient if partial is PartialCount.exact else Fraction(_count(quotient, partial))
            subtotal = units * Fraction(t.rate)
            total += subtotal
            row = {
                "from": lo_s,
                "to": hi_s,
                "part": show(part),
                "quotient": show(quotient),
                "units": show(units),
                "rate": dec_str(t.rate),
                "subtotal": show(subtotal),
            }
            rows.append(row)
            reach = show(value) if hi is None else f"min({show(value)}, {show(hi)})"
            taken = f"{reach} − {show(lo)} = {show(part)}" if part > 0 else f"{show(value)} ≤ {show(lo)}: 0"
            working.append(
                f"({lo_s}, {hi_s}]: {taken}; {show(part)} ÷ {dec_str(spec.unit)} = {show(quotient)} → "
                f"{show(units)}; {show(units)} × {dec_str(t.rate)} = {show(subtotal)}"
            )
        capped = min(total, Fraction(spec.cap)) if spec.cap is not None else total
        # the formula fixes the amount: it is never rounded away from it, only cut to whole fen when pro rata
        result = CTX.divide(Decimal(math.floor(capped * 100)), Decimal(100))
        self.trail.add(
            "range.tranches",
            {
                "fact": spec.parts_of,
                **self._fact_label(spec.parts_of),
                "value": show(value),
                "unit": dec_str(spec.unit),
                "partial": partial.value,
                "tranches": rows,
                "working": " | ".join(working),
                "working_zh": " | ".join(working).replace("min(", "较小者("),
                "sum": " + ".join(r["subtotal"] for r in rows) + f" = {show(total)}",
                "cap": dec_str(spec.cap) if spec.cap is not None else "none",
                "currency": self.pack.currency,
            },
            result=dec_str(result),
            basis=basis,
        )
        return result

    def _branch_no_penalty(self, branch: Branch, basis: list[str]) -> list[dict[str, Any]]:
        """A statutory branch that gives no penalty (给予批评教育，可以不予处罚): no penalty, with the
        education duty when the branch asks for it (cited to the branch, then to the general part)."""
        spec = branch.no_penalty
        assert spec is not None
        code = "branch.may_no_penalty" if spec.optional else "branch.no_penalty"
        self.trail.add(
            code,
            {"branch": branch.id, **self.rule.branch_names[(self.cv.index, branch.id)]},
            result="no_penalty",
            basis=basis,
        )
        duties: dict[str, dict[str, Any]] = {}
        if spec.education:
            cited = [*basis, *self.rule.cites["education"]]
            self._duty(duties, "education", cited, "the statutory branch asks for it")
        return list(duties.values())

    def _range(self, spec: RangeFine | MultipleFine, basis: list[str]) -> Interval:
        """The statutory range: fixed amounts, or multiples of a fact; the pack reads 以上/以下."""
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
            value = self._base(spec, basis)
            lo, hi = scale(value, spec.min), scale(value, spec.max)  # multiples are finite decimals: exact
            lo_s, hi_s = dec_str(lo), dec_str(hi)
            self.trail.add(
                "range.multiple",
                {
                    "fact": spec.times,
                    **self._fact_label(spec.times),
                    "value": dec_str(value),
                    "min_times": frac_str(spec.min),
                    "max_times": frac_str(spec.max),
                    "min": lo_s,
                    "max": hi_s,
                    "currency": pack.currency,
                },
                result={"min": lo_s, "max": hi_s},
                basis=basis,
            )
        return Interval(lo, hi, lo_incl, hi_incl)

    def _base(self, spec: MultipleFine, basis: list[str]) -> Decimal:
        """The base of a multiple fine: the fact, raised to the statute's floor on the base when below it
        (所需处置费用不足二十万元的，按二十万元计算), with a trail step citing the branch's provision."""
        value: Decimal = self.ev.facts[spec.times]
        base = spec.base(value)
        if base != value:
            inputs = {
                "fact": spec.times,
                **self._fact_label(spec.times),
                "value": dec_str(value),
                "base_min": dec_str(base),
                "currency": self.pack.currency,
            }
            self.trail.add("range.base_min", inputs, result=dec_str(base), basis=basis)
        return base

    def _tier(self, rng: Interval, fired: Fired) -> tuple[str, Interval]:
        """The benchmark tier that holds (else standard), capped at lighter by mandatory mitigation,
        and its band in the statutory range."""
        pack = self.pack
        chosen = None
        tried = []
        results = self.results
        tier_basis: tuple[str, ...] = ()
        for (t, cond), t_basis in zip(self.cv.tiers, self.cv.tier_basis, strict=True):
            holds = cond is None or cond.holds(results)
            tried.append({"tier": t.tier, "holds": holds, "clauses": self._clauses(cond)})
            if holds:
                chosen, tier_basis = t, t_basis
                break
        name = chosen.tier if chosen else "standard"
        if chosen and chosen.band:
            band_spec = chosen.band
            lower_s, upper_s = frac_str(band_spec.lower), frac_str(band_spec.upper)
        else:
            band_spec = pack.tier_scheme.band(name)
            lower_s, upper_s = self.rule.band_texts[name]
            self.assume(pack.tier_scheme.assumption)
        basis = list(tier_basis or self.rule.cites["tier_scheme"])
        inputs = {"tier": name, "tried": tried, "lower": lower_s, "upper": upper_s}
        self.trail.add("tier", inputs, result=name, basis=basis)
        if fired.mitigate and name != "lighter":
            lighter = self.cv.lighter
            if lighter is not None and lighter.band:
                band_spec = lighter.band
                lower_s, upper_s = frac_str(band_spec.lower), frac_str(band_spec.upper)
            else:
                band_spec = pack.tier_scheme.band("lighter")
                lower_s, upper_s = self.rule.band_texts["lighter"]
            self._capped(name, lower_s, upper_s, fired)
            name = "lighter"
        return name, self._fraction_band(band_spec, rng, lower_s, upper_s)

    def _position(self, tier: str | None, level_start: Fraction | None = None) -> Position:
        """The factors that apply and the position they give: start (the level's, else the version's,
        else the pack's), plus aggravating, minus mitigating. A factor that holds in a tier listed in
        its ``not_in_tiers`` (the tier was chosen for it) is not weighed again."""
        pack, v = self.pack, self.cv.version
        start = level_start if level_start is not None else v.start if v.start is not None else pack.factor_start
        if level_start is None and v.start is None:
            self.assume(pack.factor_start_assumption)
        factors: list[dict[str, Any]] = []
        applied: list[dict[str, str]] = []
        results = self.results
        mask = 0
        for j, ((f, cond), (weight, f_basis)) in enumerate(zip(self.cv.factors, self.cv.factor_texts, strict=True)):
            holds = cond.holds(results)
            weighed = holds and tier not in f.not_in_tiers
            self.trail.add(
                "factor",
                {
                    "factor": f.id,
                    "factor_zh": f.label.zh,
                    "factor_en": f.label.en,
                    "effect": f.effect,
                    "weight": weight,
                    "clauses": self._clauses(cond),
                    "result_text": "applies" if weighed else "counted in the tier" if holds else "does not apply",
                },
                result=weighed,
                basis=list(f_basis),
            )
            if weighed:
                factors.append({"id": f.id, "effect": f.effect, "basis": list(f_basis), "label": f.label})
                applied.append({"id": f.id, "effect": f.effect, "weight": weight})
                mask |= 1 << j
        if self.cv.positions and level_start is None:  # every set of factors was computed once, at compile time
            position, start_s, plus_s, minus_s, raw_s, pos_s = self.cv.positions[mask]
        else:
            position, start_s, plus_s, minus_s, raw_s, pos_s = position_of(start, [f for f, _ in self.cv.factors], mask)
        self.trail.add(
            "position",
            {"start": start_s, "plus": plus_s, "minus": minus_s, "applied": applied, "raw": raw_s, "position": pos_s},
            result=pos_s,
        )
        return Position(position, pos_s, factors)

    def _amount(self, band: Interval, position: Fraction, position_s: str, rng: Interval) -> Decimal:
        """The fine at the position in the band, rounded inside band and statutory range."""
        rounding, currency = self.pack.rounding, self.pack.currency
        fine, amount_inputs, raw_s, round_inputs, round_code = _fast.amount(
            band, position, position_s, rng, rounding, currency
        )
        self.trail.add("amount", dict(amount_inputs), result=raw_s.split(" ")[0])
        self.trail.add(round_code, dict(round_inputs), result=dec_str(fine))
        return fine

    # ---------------------------------------------------------------- penalties and duties

    def _penalties(
        self, fine: Decimal | None, branch: Branch, branch_basis: list[str], up_to: Decimal | None = None
    ) -> list[dict[str, Any]]:
        """The fine (with no amount when the level gives a range only, ``up_to`` its top), then the
        branch's confiscations (of a non-zero amount) and other penalties."""
        penalties: list[dict[str, Any]] = []
        add = self.trail.add
        if fine is not None:
            penalties.append({"kind": "fine", "amount": fine})
            text = dec_str(fine)
            add("penalty", {"kind": "fine", "amount_text": f" {text}"}, result=text, basis=branch_basis)
        elif up_to is not None:
            penalties.append({"kind": "fine", "amount": None})
            add("penalty", {"kind": "fine", "amount_text": ""}, result="fine", basis=branch_basis)
        for name in branch.confiscate:
            amount = self.ev.facts[name]
            if amount == 0:
                continue  # nothing to confiscate; the facts step shows the zero
            penalties.append({"kind": "confiscation", "amount": amount})
            text = dec_str(amount)
            zh, en = self.rule.fact_labels[name]
            inputs = {
                "kind": "confiscation",
                "fact": name,
                "amount_text": f" {text} ({name})",
                "amount_text_zh": f" {text}（{zh}）",
                "amount_text_en": f" {text} ({en})",
            }
            add("penalty", inputs, result=text, basis=[*branch_basis, ART28])
        for other in branch.also:
            kind = other.kind.value
            penalties.append({"kind": kind, "amount": None})
            add("penalty", {"kind": kind, "amount_text": ""}, result=kind, basis=branch_basis)
        return penalties
