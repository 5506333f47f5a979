"""The stages of one evaluation that depend on the rule version in force: ``VersionRun``.

Pure: no file, clock, environment or randomness. ``VersionRun.run`` is the procedure, in its
fixed order (docs/rule-authoring.md, "The general part"; [ADR 0005](../../docs/adr/0005-general-part.md))::

    rule step and clause results → general provisions → mandatory no penalty (or the pack's
    recommendation to use the law's option) → statutory branch → range → tier and band
    → mandatory mitigation caps the tier → factors → position → amount → rounding
    → penalties → duties

Each stage returns what it decides (a value or a record of ``result``) and ``run`` assembles the
``Result``; as they go, stages add their steps to the run's trail and the assumptions they rely
on to its ordered set. Repeating computations go through ``_fast`` (memoised, same results;
ADR 0008).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from ..cel import CompiledCondition
from ..errors import EvaluationError
from ..models import (
    Basis,
    Branch,
    MultipleFine,
    PartialCount,
    PerUnitFine,
    Provision,
    RangeFine,
    SettingRef,
    Trail,
)
from ..money import CTX, FEN, Rounding, dec_str, floor_units, frac_str, round_units, scale, show, show_sum
from ..pack import CompiledVersion, position_of
from . import _fast
from .amounts import Interval, round_inside
from .general import HEARING_KINDS, Fired, hearing_threshold, reaches
from .result import NO_PENALTY, PENALTY, BelowMinimum, Position, Result

if TYPE_CHECKING:
    from .evaluation import Evaluation

NONE_FIRED = Fired([], [], [], [], [])  # never changed: the fields are only read
ART28 = "行政处罚法 第二十八条"
_PARTIAL = {PartialCount.up: Rounding.up, PartialCount.down: Rounding.down, PartialCount.half_up: Rounding.half_up}


def cites(basis: Iterable[Basis]) -> list[str]:
    """The citation texts of legal bases, in order."""
    return [b.cite() for b in basis]


class VersionRun:
    """The stages that depend on the rule version, with their own trail and assumptions."""

    __slots__ = ("assumptions", "cv", "ev", "pack", "results", "rule", "trail")

    def __init__(self, ev: Evaluation, cv: CompiledVersion) -> None:
        self.ev = ev
        self.rule = ev.rule
        self.pack = ev.pack
        self.cv = cv
        self.trail = Trail(len(ev.trail.steps) + 1)  # its steps follow the evaluation's
        self.assumptions: dict[str, None] = {}  # an ordered set: first occurrence keeps its place
        self.results: list[bool] = []  # each clause's result, set by ``start``

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
        statutory = band = None
        fine: Decimal | None = None
        factors: list[dict[str, Any]] = []
        if isinstance(branch.fine, PerUnitFine):
            fine = self._per_unit(branch.fine, branch_basis)
            tier, statutory = "fixed", Interval(fine, fine)
            band = statutory
            if fired.mitigate:
                below = self._below_minimum_fixed(fine, fired)
                if below is not None:
                    tier, band, fine = "below_minimum", below.band, below.fine
        elif branch.fine is not None:
            statutory = self._range(branch.fine, branch_basis)
            tier, band = self._tier(statutory, fired)
            position, position_s, factors = self._position()
            fine = self._amount(band, position, position_s, statutory)
            options += self._mitigation_options(statutory, fired, tier)
        elif fired.mitigate:
            self.trail.add(
                "mitigation.no_fine", {"provisions": [p.id for p in fired.mitigate]}, basis=self._cites(fired.mitigate)
            )
        penalties = self._penalties(fine, branch, branch_basis)
        duties = self._duties(penalties, tier)
        return self._result(PENALTY, tier, statutory, band, fine, penalties, factors, duties, options)

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
    ) -> Result:
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
        )

    def assume(self, text: str | None) -> None:
        """Note an assumption the result relies on (once, in order of first use)."""
        if text:
            self.assumptions[text] = None

    def _clauses(self, cond: CompiledCondition | None) -> list[dict[str, Any]]:
        """Each clause of a condition with its result and the fact values it read."""
        if cond is None:
            return []
        results, values = self.results, self.ev.reads
        return [
            {
                "expr": source,
                "result": results[i],
                "reads": {reads[0]: values[reads[0]]} if len(reads) == 1 else {r: values[r] for r in reads},
            }
            for source, i, reads in cond.clauses
        ]

    def start(self, on: str) -> None:
        """The rule step (``on``: the date the version is in force on) and the clause results."""
        rule, cv, ev = self.rule, self.cv, self.ev
        self.trail.add(
            "rule",
            {"rule": rule.id, "title": rule.rule.title.en, "title_zh": rule.rule.title.zh, "on": on, "version": cv.key},
            basis=list(cv.basis),
        )
        self.results = results = cv.table.run(ev.activation, ev.where)
        assumptions = self.assumptions
        for text, cond in cv.assumptions:
            if text and (cond is None or cond.holds(results)):
                assumptions[text] = None

    # ---------------------------------------------------------------- general part

    def _provisions(self) -> Fired:
        """The general provisions that hold, by effect, after special provisions set some aside."""
        cv, results = self.cv, self.results
        add = self.trail.add
        fired: Fired | None = None
        for j in [j for j, (_, cond) in enumerate(cv.provisions) if cond.holds(results)]:
            if fired is None:
                fired = Fired([], [], [], [], [])
            p, cond = cv.provisions[j]
            pid, effect, label, label_zh = cv.provision_texts[j]
            add(
                "provision",
                {
                    "provision": pid,
                    "effect": effect,
                    "label": label,
                    "label_zh": label_zh,
                    "clauses": self._clauses(cond),
                },
                result=True,
                basis=list(cv.provision_basis[j]),
            )
            # one pass; each list keeps the order in which the provisions hold
            if pid in self.rule.set_aside:
                fired.set_aside.append(p)
            else:
                getattr(fired, effect).append(p)
        if fired is None:
            return NONE_FIRED
        for p in fired.set_aside:
            sp = next(s for s in self.rule.rule.special_provisions if s.sets_aside == p.id)
            add("provision.set_aside", {"provision": p.id}, basis=cites(sp.basis))
        return fired

    def _cites(self, provisions: Iterable[Provision]) -> list[str]:
        """The citations of general provisions, in order."""
        cited = self.rule.provision_cites
        return [c for p in provisions for c in cited[p.id]]

    def _listed(self, list_name: str) -> bool:
        """Whether the pack's list ``list_name`` names this rule."""
        listing = self.pack.general.lists[list_name]
        self.assume(listing.assumption)
        return self.rule.rule.id in listing.rules or self.rule.id in listing.rules

    def _no_penalty(self, provisions: list[Any], mandatory: bool) -> list[dict[str, Any]]:
        """Not punished, by law or on the pack's recommendation; returns the duties that follow."""
        self.trail.add(
            "no_penalty",
            {
                "provisions": [p.id for p in provisions],
                "mandatory": mandatory,
                "how": "the law requires it" if mandatory else "the pack's list recommends using the law's option",
            },
            result="no_penalty",
            basis=self._cites(provisions),
        )
        duties: dict[str, dict[str, Any]] = {}
        if any(p.education for p in provisions):
            self._duty(duties, "education", list(self.rule.cites["education"]), "not punished by law")
        return list(duties.values())

    def _option(self, options: dict[str, dict[str, Any]], kind: str, cited: list[str], reason: str) -> None:
        """Offer an option to the officer (each kind once)."""
        if kind in options:
            return
        options[kind] = {"kind": kind, "basis": list(cited), "reason": reason}
        self.trail.add("option", {"kind": kind, "reason": reason}, result=kind, basis=cited)

    def _no_penalty_options(self, provisions: list[Provision]) -> list[dict[str, Any]]:
        """Optional no-penalty provisions that hold (and are not recommended) are offered as options."""
        options: dict[str, dict[str, Any]] = {}
        for p in provisions:
            self._option(
                options, "no_penalty", self._cites([p]), f"{p.label.en} ({p.label.zh}): the law allows no penalty"
            )
        return list(options.values())

    def _mitigation_options(self, rng: Interval, fired: Fired, tier: str | None) -> list[dict[str, Any]]:
        """Mandatory mitigation offers below-minimum; optional mitigation offers lighter and below-minimum."""
        below = self.pack.general.below_minimum
        options: dict[str, dict[str, Any]] = {}
        mandatory = len(fired.mitigate)  # the mandatory ones come first (no model comparisons: they are slow)
        for k, p in enumerate([*fired.mitigate, *fired.may_mitigate]):
            if k >= mandatory and tier not in ("lighter", None):
                reason = f"{p.label.en} ({p.label.zh}): the law allows a lighter penalty"
                self._option(options, "lighter", self._cites([p]), reason)
            if below is not None and rng.lo > 0:
                self.assume(below.assumption)
                reason = _fast.below_reason(
                    p.label.en, p.label.zh, rng.lo, below.lower, below.upper, self.rule.below_texts
                )
                self._option(options, "below_minimum", [*self._cites([p]), *self.rule.cites["below_minimum"]], reason)
        return list(options.values())

    def _below_minimum_fixed(self, fixed: Decimal, fired: Fired) -> BelowMinimum | None:
        """A formula fixes the fine, so mandatory mitigation can only be met below it (减轻).

        ``None`` when the pack has no below-minimum rule (or the fixed fine is zero): the fine stays."""
        below = self.pack.general.below_minimum
        basis = self._cites(fired.mitigate)
        if below is None or fixed <= 0:
            self.trail.add("mitigation.no_rule", {"provisions": [p.id for p in fired.mitigate]}, basis=basis)
            return None
        self.assume(below.assumption)
        band = Interval(scale(fixed, below.lower), scale(fixed, below.upper), True, False)
        start = self.pack.factor_start
        raw = CTX.add(band.lo, scale(CTX.subtract(band.hi, band.lo), start))
        unit, mode = self.pack.rounding.unit, self.pack.rounding.mode
        rounded, result, used = round_inside(raw, unit, mode, [band])
        self.trail.add(
            "below_minimum",
            {
                "fixed": dec_str(fixed),
                "lower": frac_str(below.lower),
                "upper": frac_str(below.upper),
                "band_min": dec_str(band.lo),
                "band_max": dec_str(band.hi),
                "start": frac_str(start),
                "raw": show_sum(band.lo, CTX.subtract(band.hi, band.lo), start),
                "unit": dec_str(used),
                "mode": mode.value,
                "rounded": dec_str(rounded),
                "provisions": [p.id for p in fired.mitigate],
            },
            result=dec_str(result),
            basis=basis + list(self.rule.cites["below_minimum"]),
        )
        return BelowMinimum(band, result)

    # ---------------------------------------------------------------- frame and amounts

    def _branch(self) -> tuple[Branch, list[str]]:
        """The first branch that holds, and its citations (else the version's)."""
        cv = self.cv
        tried: list[dict[str, Any]] = []
        for (b, cond), basis in zip(cv.branches, cv.branch_basis, strict=True):
            holds = cond is None or cond.holds(self.results)
            tried.append({"branch": b.id, "holds": holds, "clauses": self._clauses(cond)})
            if holds:
                self.trail.add("branch", {"branch": b.id, "tried": tried}, result=b.id, basis=list(basis))
                return b, list(basis)
        raise EvaluationError(
            "PE-E001",
            f"no statutory branch of {self.rule.id} (version {cv.key}) matches these facts",
            self.ev.where("facts"),
        )

    def _setting(self, value: Any) -> Any:
        """A pack setting's value (noting its assumption), or ``value`` itself when it is not a setting."""
        if isinstance(value, SettingRef):
            setting = self.pack.settings[value.setting]
            self.assume(setting.assumption)
            return setting.value
        return value

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
            value: Decimal = self.ev.facts[spec.times]
            lo, hi = scale(value, spec.min), scale(value, spec.max)  # multiples are finite decimals: exact
            lo_s, hi_s = dec_str(lo), dec_str(hi)
            self.trail.add(
                "range.multiple",
                {
                    "fact": spec.times,
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
            self.trail.add(
                "tier.capped",
                {
                    "from": name,
                    "to": "lighter",
                    "provisions": [p.id for p in fired.mitigate],
                    "lower": lower_s,
                    "upper": upper_s,
                },
                result="lighter",
                basis=self._cites(fired.mitigate),
            )
            name = "lighter"
        self.assume(pack.rounding.assumption)
        band, inputs = _fast.band(rng.lo, rng.hi, band_spec.lower, band_spec.upper, lower_s, upper_s, pack.rounding)
        self.trail.add("band", dict(inputs), result={"min": inputs["band_min"], "max": inputs["band_max"]})
        return name, band

    def _position(self) -> Position:
        """The factors that apply and the position they give: start, plus aggravating, minus mitigating."""
        pack, v = self.pack, self.cv.version
        start = v.start if v.start is not None else pack.factor_start
        if v.start is None:
            self.assume(pack.factor_start_assumption)
        factors: list[dict[str, Any]] = []
        applied: list[dict[str, str]] = []
        results = self.results
        mask = 0
        for j, ((f, cond), (weight, f_basis)) in enumerate(zip(self.cv.factors, self.cv.factor_texts, strict=True)):
            holds = cond.holds(results)
            self.trail.add(
                "factor",
                {
                    "factor": f.id,
                    "effect": f.effect,
                    "weight": weight,
                    "clauses": self._clauses(cond),
                    "result_text": "applies" if holds else "does not apply",
                },
                result=holds,
                basis=list(f_basis),
            )
            if holds:
                factors.append({"id": f.id, "effect": f.effect, "basis": list(f_basis)})
                applied.append({"id": f.id, "effect": f.effect, "weight": weight})
                mask |= 1 << j
        if self.cv.positions:  # every set of factors was computed once, at compile time
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
        fine, amount_inputs, raw_s, round_inputs = _fast.amount(band, position, position_s, rng, rounding, currency)
        self.trail.add("amount", dict(amount_inputs), result=raw_s.split(" ")[0])
        self.trail.add("round", dict(round_inputs), result=dec_str(fine))
        return fine

    # ---------------------------------------------------------------- penalties and duties

    def _penalties(self, fine: Decimal | None, branch: Branch, branch_basis: list[str]) -> list[dict[str, Any]]:
        """The fine, then the branch's confiscations (of a non-zero amount) and other penalties."""
        penalties: list[dict[str, Any]] = []
        add = self.trail.add
        if fine is not None:
            penalties.append({"kind": "fine", "amount": fine})
            text = dec_str(fine)
            add("penalty", {"kind": "fine", "amount_text": f" {text}"}, result=text, basis=branch_basis)
        for name in branch.confiscate:
            amount = self.ev.facts[name]
            if amount == 0:
                continue  # nothing to confiscate; the facts step shows the zero
            penalties.append({"kind": "confiscation", "amount": amount})
            text = dec_str(amount)
            inputs = {"kind": "confiscation", "fact": name, "amount_text": f" {text} ({name})"}
            add("penalty", inputs, result=text, basis=[*branch_basis, ART28])
        for other in branch.also:
            kind = other.kind.value
            penalties.append({"kind": kind, "amount": None})
            add("penalty", {"kind": kind, "amount_text": ""}, result=kind, basis=branch_basis)
        return penalties

    def _duty(self, duties: dict[str, dict[str, Any]], kind: str, basis: list[str], why: str = "") -> None:
        """A duty of the authority (each kind once)."""
        if kind in duties:
            return
        duties[kind] = {"kind": kind, "basis": list(basis)}
        self.trail.add("duty", {"kind": kind, "why": why}, result=kind, basis=basis)

    def _duties(self, penalties: list[dict[str, Any]], tier: str | None) -> list[dict[str, Any]]:
        """The authority's duties that follow the penalties: correction, hearing, collective
        discussion, legal review."""
        general = self.pack.general
        duties: dict[str, dict[str, Any]] = {}
        self._duty(duties, "order_correction", [ART28], "with every penalty")
        cited = self.rule.cites
        hearing = list(cited["hearing"])
        threshold = hearing_threshold(general, self.ev.case.party.kind, self.ev.decided_on)
        if threshold is not None:
            for p in penalties:
                if p["kind"] in ("fine", "confiscation") and reaches(threshold, p["amount"]):
                    self.assume(threshold.assumption)
                    sign = ">=" if threshold.inclusive else ">"
                    why = f"{p['kind']} {dec_str(p['amount'])} {sign} {dec_str(threshold.amount)}"
                    self._duty(duties, "hearing_notice", hearing, why)
        for p in penalties:
            if p["kind"] in HEARING_KINDS:
                self._duty(duties, "hearing_notice", hearing, p["kind"])
        if tier == "below_minimum":
            self._duty(duties, "collective_discussion", list(cited["collective_discussion"]), "below the minimum")
        review = general.legal_review_with_hearing
        if review is not None and review.value is True and "hearing_notice" in duties:
            self.assume(review.assumption)
            self._duty(duties, "legal_review", list(cited["legal_review"]), "with the hearing notice")
        return list(duties.values())
