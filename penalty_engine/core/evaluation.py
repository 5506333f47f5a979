"""One evaluation of one case against one compiled rule: the stages and their trail steps.

Pure: no file, clock, environment or randomness. The order is fixed::

    dates → facts → limitation (Art. 36) → for the version in force on occurred_on (and, when
    another is in force on decided_on, for that one too, Art. 37):
        general provisions → mandatory no penalty → statutory branch → range → tier and band
        → mandatory mitigation caps the tier → factors → position → amount → rounding
        → penalties → duties
    → the lighter of the two versions (Art. 37) → decision
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction
from typing import Any, NamedTuple, TypeVar

from ..__about__ import __version__
from ..cel import PARTY, CompiledCondition, cel_value
from ..errors import CaseError, EvaluationError, suggest
from ..models import (
    SCHEMA,
    Basis,
    Branch,
    Case,
    Dates,
    Decision,
    Duty,
    FactorOut,
    FactProblem,
    MultipleFine,
    Option,
    PartialCount,
    PenaltyOut,
    PerUnitFine,
    Provision,
    Range,
    RangeFine,
    RoundingSpec,
    SettingRef,
    Trail,
    TrailStep,
    built,
    coerce,
    to_json,
)
from ..money import (
    CTX,
    FEN,
    Rounding,
    band_edge,
    ceil_units,
    dec_str,
    floor_units,
    frac_str,
    round_units,
    scale,
    show,
    show_sum,
)
from ..pack import FACT_DECIMAL, CompiledRule, CompiledVersion, canonical_json, position_of
from ..yamlio import Located
from .case_io import case_where
from .general import HEARING_KINDS, Fired, hearing_threshold, limitation, reaches, severity

ENGINE = f"penalty-engine {__version__}"
NONE_FIRED = Fired([], [], [], [], [])  # never changed: the fields are only read
ART28 = "行政处罚法 第二十八条"
ZERO_F = Fraction(0)
ONE_F = Fraction(1)
_PARTIAL = {PartialCount.up: Rounding.up, PartialCount.down: Rounding.down, PartialCount.half_up: Rounding.half_up}


def cites(basis: Iterable[Basis]) -> list[str]:
    return [b.cite() for b in basis]


class Interval(NamedTuple):
    """A closed or half-open interval of amounts (the reading of 以上/以下 decides).

    A named tuple: immutable, and cheaper to make than a frozen dataclass."""

    lo: Decimal
    hi: Decimal
    lo_incl: bool = True
    hi_incl: bool = True

    def contains(self, x: Decimal) -> bool:
        return (x > self.lo or (self.lo_incl and x == self.lo)) and (x < self.hi or (self.hi_incl and x == self.hi))


def _inside(x: Decimal, limits: list[Interval]) -> bool:
    """Whether ``x`` lies in every interval."""
    return all(i.contains(x) for i in limits)


def round_inside(
    raw: Decimal, unit: Decimal, mode: Rounding, limits: list[Interval]
) -> tuple[Decimal, Decimal, Decimal]:
    """Round ``raw`` to a multiple of ``unit``; if that leaves an interval, step inward.

    Returns (rounded, result, unit used). When no multiple of the unit lies inside every
    interval, the unit falls back to one fen (0.01) so the amount still stays inside.
    """
    lo = max([i.lo for i in limits])
    hi = min([i.hi for i in limits])
    for u in (unit, FEN):
        rounded = result = round_units(raw, u, mode)
        if result <= lo:
            result = ceil_units(lo, u)
            if not _inside(result, limits):
                result += u
        elif result >= hi:
            result = floor_units(hi, u)
            if not _inside(result, limits):
                result -= u
        if _inside(result, limits):
            return rounded, result, u
    raise ValueError(f"no amount inside {lo}–{hi}")


class Result:
    """What one rule version gives for the case, before it becomes a ``Decision``."""

    __slots__ = (
        "assumptions",
        "band",
        "duties",
        "duty_kinds",
        "factors",
        "fine",
        "option_kinds",
        "options",
        "outcome",
        "penalties",
        "statutory",
        "tier",
        "trail",
        "version",
    )  # fmt: skip

    def __init__(self, version: CompiledVersion, first_step: int) -> None:
        self.version = version
        self.outcome = "penalty"
        self.tier: str | None = None
        self.statutory: dict[str, Decimal] | None = None
        self.band: dict[str, Decimal] | None = None
        self.fine: Decimal | None = None
        self.penalties: list[dict[str, Any]] = []
        self.factors: list[dict[str, Any]] = []
        self.duties: list[dict[str, Any]] = []
        self.options: list[dict[str, Any]] = []
        self.assumptions: dict[str, None] = {}  # an ordered set: first occurrence keeps its place
        self.duty_kinds: set[str] = set()  # each duty and option is given once
        self.option_kinds: set[str] = set()
        self.trail = Trail(first_step)

    def severity(self) -> tuple[int, Decimal, Decimal]:
        return severity(self.outcome, self.statutory["max"] if self.statutory else None, self.fine)

    def text(self) -> str:
        """One line for the trail: outcome, statutory maximum and fine."""
        if self.outcome == "no_penalty":
            return "no penalty"
        top = f"statutory maximum {dec_str(self.statutory['max'])}" if self.statutory else "no fine range"
        fine = f", fine {dec_str(self.fine)}" if self.fine is not None else ""
        return f"{top}{fine}"

    def summary(self) -> dict[str, Any]:
        return {
            "version": self.version.key,
            "outcome": self.outcome,
            "tier": self.tier,
            "statutory_max": dec_str(self.statutory["max"]) if self.statutory else None,
            "recommended_fine": dec_str(self.fine) if self.fine is not None else None,
        }


class Evaluation:
    """Evaluates one case: common stages here, each rule version in a ``VersionRun``."""

    __slots__ = ("activation", "assumptions", "case", "decided_on", "decided_s", "decided_source", "facts",
                 "facts_json", "occurred_s", "pack", "party", "post", "reads", "rule", "source", "trail")  # fmt: skip

    def __init__(self, rule: CompiledRule, case: Case, decided_on: dt.date, decided_source: str,
                 source: Located | None) -> None:  # fmt: skip
        self.rule = rule
        self.pack = rule.pack
        self.case = case
        self.decided_on = decided_on
        self.decided_source = decided_source
        self.source = source
        self.trail = Trail()  # dates, facts, limitation: before the version's steps
        self.post: Trail | None = None  # the lenient-law step: after them
        self.assumptions: dict[str, None] = {}  # an ordered set, as ``Result.assumptions``
        # set by ``_facts``: typed facts, their JSON, the CEL activation, and what a clause's trail
        # shows it read (facts as JSON, and the party)
        self.facts: dict[str, Any] = {}
        self.facts_json: dict[str, Any] = {}
        self.activation: dict[str, Any] = {}
        self.reads: dict[str, Any] = {}
        self.party = _party(case)
        self.occurred_s = case.occurred_on.isoformat()
        self.decided_s = decided_on.isoformat()

    def where(self, *loc: str | int) -> str:
        return case_where(self.source, self.case.case_id, tuple(loc))

    def run(self) -> Decision:
        c, rule = self.case, self.rule
        self.trail.add(
            "dates",
            {"occurred_on": self.occurred_s, "decided_on": self.decided_s, "decided_source": self.decided_source},
        )  # fmt: skip
        cv = rule.version_on(c.occurred_on)
        if cv is None:
            spans = ", ".join(f"{v.version.effective_from}–{v.version.effective_to or ''}" for v in rule.versions)
            raise CaseError(
                "PE-C008",
                f"occurred_on: no version of {rule.id} is in force on {c.occurred_on} (versions: {spans})",
                self.where("occurred_on"),
            )
        self._facts()
        expired = self._limitation(cv)
        if expired is not None:
            return self._decision(expired, [cv])
        first = VersionRun(self, cv).run(self.occurred_s)
        later = cv if cv.version.in_force(self.decided_on) else rule.version_on(self.decided_on)
        if later is None or later is cv:
            if later is None:
                self._repealed_note(cv, first)
            return self._decision(first, [cv])
        second = VersionRun(self, later).run(self.decided_s)
        chosen = second if second.severity() < first.severity() else first
        other = first if chosen is second else second
        for number, step in enumerate(other.trail.steps, start=1):
            step.step = number  # the other version's trail is shown as it was made, numbered from 1
        self.post = self._after(chosen)
        self.post.add(
            "lenient_law",
            {"occurred_version": cv.key, "decided_version": later.key,
             "occurred_result": first.summary(), "decided_result": second.summary(),
             "occurred_text": first.text(), "decided_text": second.text(),
             "applied": chosen.version.key,
             "rule_text": "the version in force when the act occurred, unless the one in force at the decision is "
                          "lighter (no penalty, then the lower statutory maximum, then the lower fine)",
             "other_trail": [s.as_json() for s in other.trail.steps]},
            result=chosen.version.key,
            basis=list(rule.cites["lenient_law"]),
        )  # fmt: skip
        return self._decision(chosen, [cv, later])

    def _after(self, result: Result) -> Trail:
        """The trail of the steps that follow ``result``'s."""
        return Trail(len(self.trail.steps) + len(result.trail.steps) + 1)

    def _repealed_note(self, cv: CompiledVersion, result: Result) -> None:
        """No version in force at the decision date (a gap in the pack's data): the act's version applies."""
        self.post = self._after(result)
        self.post.add(
            "lenient_law.none",
            {"occurred_version": cv.key, "decided_on": self.decided_s},
            basis=list(self.rule.cites["lenient_law"]),
        )

    def _facts(self) -> None:
        """Typed facts (given, else the declared default) and the CEL activation."""
        rule, given = self.rule, self.case.facts
        given_json: dict[str, Any] = {}
        decimals: list[tuple[str, Any, Any]] = []  # (name, Decimal, spec) of given money and numbers
        # in the order the facts are declared, not the order the case gives them: the same facts
        # in another key order (YAML or JSON) give the same trail and the same first error
        for name, spec, kind, typed, values in rule.fact_rows:
            raw = given.get(name)
            if raw is None:
                continue  # not given (or given as null): the default stays
            t = type(raw)
            if t is typed or (values is not None and t is str and raw in values):
                # already the declared type (a bool, an enum's value): its own JSON and CEL form
                given_json[name] = raw
                continue
            try:
                value = coerce(spec, raw)
            except FactProblem as exc:
                raise CaseError(exc.code, f"facts.{name}: {exc}", self.where("facts", name)) from None
            if kind == FACT_DECIMAL:
                given_json[name] = to_json(spec, value)
                decimals.append((name, value, spec))
            else:  # bool, int, enum: the typed value is also its JSON and CEL form
                given_json[name] = value
        if not given.keys() <= rule.kinds.keys():
            name = min(n for n in given if n not in rule.kinds)
            raise CaseError(
                "PE-C003",
                f"facts.{name}: unknown fact for {rule.id}{suggest(name, rule.facts)}; "
                f"expected facts: {', '.join(rule.facts)}",
                self.where("facts", name),
            )
        for name in rule.required:
            if name not in given_json:
                spec = rule.facts[name]
                raise CaseError(
                    "PE-C002",
                    f"facts.{name}: required fact missing ({spec.label.en} / {spec.label.zh})",
                    self.where("facts"),
                )
        # given facts replace their defaults (a default's key keeps its place, a new key goes last);
        # facts as JSON start from every fact in sorted order (the fingerprint's canonical order)
        facts = {**rule.defaults, **given_json}
        facts_json = {**rule.sorted_json, **given_json}
        cel = {**rule.defaults_cel, **given_json}
        for name, value, spec in decimals:
            facts[name] = value
            cel[name] = cel_value(spec, value)
        defaults = {name: value for name, value in rule.defaults_json.items() if name not in given_json}
        party = self.party
        party_note = "individual of unknown age taken as an adult" if party.get("age_given") is False else ""
        self.trail.add(
            "facts",
            {"given": given_json, "defaults": defaults, "defaults_text": ", ".join(defaults) or "none",
             "party": party, "party_note": party_note},
        )  # fmt: skip
        self.facts, self.facts_json = facts, facts_json
        cel[PARTY] = party
        self.activation = cel
        self.reads = {**facts_json, PARTY: party}

    def _limitation(self, cv: CompiledVersion) -> Result | None:
        """Art. 36: a no-penalty result when the act was discovered after the period ended."""
        general = self.pack.general
        harmful = self.facts.get("harm", "none") != "none"
        check = limitation(general, self.rule.rule, self.case.occurred_on, self.case.discovered_on, self.decided_on,
                           harmful)  # fmt: skip
        if check is None:
            return None
        assert general.limitation is not None
        if general.limitation.assumption:
            self.assumptions[general.limitation.assumption] = None
        self.trail.add(
            "limitation",
            {"years": check.years, "occurred_on": self.occurred_s,
             "deadline": check.deadline.isoformat(), "discovered": check.discovered.isoformat(),
             "discovered_source": check.discovered_source, "extended": check.years == general.limitation.extended_years,
             "result_text": "expired: not punished" if check.expired else "within the period"},
            result=check.expired,
            basis=list(self.rule.cites["limitation"]),
        )  # fmt: skip
        if not check.expired:
            return None
        run = VersionRun(self, cv)
        run.start(self.occurred_s)
        run.out.outcome, run.out.tier = "no_penalty", "none"
        return run.out

    def _decision(self, result: Result, versions: list[CompiledVersion]) -> Decision:
        pack, c = self.pack, self.case
        # each trail numbered its steps from where it starts in the decision
        steps: list[TrailStep] = [*self.trail.steps, *result.trail.steps, *(self.post.steps if self.post else ())]
        assumptions = list({**self.assumptions, **result.assumptions})
        return built(
            Decision,
            {
                "schema_": SCHEMA,
                "case_id": c.case_id,
                "violation": result.version.violation,
                "dates": built(Dates, {"occurred_on": c.occurred_on, "discovered_on": c.discovered_on,
                                       "decided_on": self.decided_on}),
                "outcome": result.outcome,
                "tier": result.tier,
                "statutory_range": _range(result.statutory),
                "band": _range(result.band),
                "recommended_fine": result.fine,
                "currency": pack.currency,
                "penalties": [built(PenaltyOut, p) for p in result.penalties],
                "factors": [built(FactorOut, f) for f in result.factors],
                "duties": [built(Duty, d) for d in result.duties],
                "options": [built(Option, o) for o in result.options],
                "assumptions": assumptions,
                "trail": steps,
                "fingerprint": self._fingerprint(versions),
                "engine": ENGINE,
            },
        )  # fmt: skip

    def _fingerprint(self, versions: list[CompiledVersion]) -> str:
        """sha256 over the rule versions' content, the normalised case and the engine version.

        The hashed text is ``canonical_json`` of ``{"rule_versions", "case", "engine"}``; it is
        written here directly (keys in sorted order), the same bytes without the generic encoder.
        """
        c = self.case
        party = c.party
        age, name = party.age, party.name
        age_s = "null" if age is None else int.__repr__(age) if type(age) is int else None
        name_s = "null" if name is None else _js(name) if type(name) is str else None
        if age_s is None or name_s is None:
            return self._fingerprint_generic(versions)
        facts = "".join(_canonical_chunks(self.facts_json, 0))  # already in sorted order
        discovered = f'"{c.discovered_on.isoformat()}"' if c.discovered_on else "null"
        hashes = ",".join([v.hash_json for v in versions])
        text = (
            f'{{"case":{{"case_id":{_js(c.case_id)},"decided_on":"{self.decided_s}","discovered_on":{discovered},'
            f'"facts":{facts},"occurred_on":"{self.occurred_s}",'
            f'"party":{{"age":{age_s},"kind":{_js(party.kind)},"name":{name_s}}},"violation":{_js(self.rule.id)}}},'
            f'"engine":{_ENGINE_JSON},"rule_versions":[{hashes}]}}'
        )
        return "sha256:" + hashlib.sha256(text.encode()).hexdigest()

    def _fingerprint_generic(self, versions: list[CompiledVersion]) -> str:
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
        hashes = [v.content_hash for v in versions]
        text = canonical_json({"rule_versions": hashes, "case": normalised, "engine": ENGINE})
        return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


class VersionRun:
    """The stages that depend on the rule version, with their own trail and assumptions."""

    __slots__ = ("cv", "ev", "out", "pack", "results", "rule", "trail")

    def __init__(self, ev: Evaluation, cv: CompiledVersion) -> None:
        self.ev = ev
        self.rule = ev.rule
        self.pack = ev.pack
        self.cv = cv
        self.out = Result(cv, len(ev.trail.steps) + 1)  # its steps follow the evaluation's
        self.trail = self.out.trail
        self.results: list[bool] = []

    def assume(self, text: str | None) -> None:
        if text:
            self.out.assumptions[text] = None

    def _clauses(self, cond: CompiledCondition | None) -> list[dict[str, Any]]:
        """Each clause of a condition with its result and the fact values it read."""
        if cond is None:
            return []
        results, values = self.results, self.ev.reads
        return [
            {"expr": source, "result": results[i],
             "reads": {reads[0]: values[reads[0]]} if len(reads) == 1 else {r: values[r] for r in reads}}
            for source, i, reads in cond.clauses
        ]  # fmt: skip

    def start(self, on: str) -> None:
        """The rule step (``on``: the date the version is in force on) and the clause results."""
        rule, cv, ev = self.rule, self.cv, self.ev
        self.trail.add(
            "rule",
            {"rule": rule.id, "title": rule.rule.title.en, "title_zh": rule.rule.title.zh, "on": on,
             "version": cv.key},
            basis=list(cv.basis),
        )  # fmt: skip
        self.results = results = cv.table.run(ev.activation, ev.where)
        assumptions = self.out.assumptions
        for text, cond in cv.assumptions:
            if text and (cond is None or cond.holds(results)):
                assumptions[text] = None

    def run(self, on: str) -> Result:
        out = self.out
        self.start(on)
        fired = self._provisions()
        if fired.no_penalty:
            return self._no_penalty(fired.no_penalty, mandatory=True)
        recommend = [p for p in fired.may_no_penalty if p.recommend_for and self._listed(p.recommend_for)]
        if recommend:
            return self._no_penalty(recommend, mandatory=False)
        for p in fired.may_no_penalty:
            self._option("no_penalty", self._cites([p]), f"{p.label.en} ({p.label.zh}): the law allows no penalty")
        branch, branch_basis = self._branch()
        if isinstance(branch.fine, PerUnitFine):
            fine = self._per_unit(branch.fine, branch_basis)
            out.tier = "fixed"
            out.statutory = out.band = {"min": fine, "max": fine}
            out.fine = fine
            if fired.mitigate:
                self._below_minimum_fixed(fine, fired)
        elif branch.fine is not None:
            rng = self._range(branch.fine, branch_basis)
            out.statutory = {"min": rng.lo, "max": rng.hi}
            band = self._tier(rng, fired)
            out.band = {"min": band.lo, "max": band.hi}
            position, position_s = self._position()
            out.fine = self._amount(band, position, position_s, rng)
            self._mitigation_options(rng, fired)
        elif fired.mitigate:
            self.trail.add("mitigation.no_fine", {"provisions": [p.id for p in fired.mitigate]},
                           basis=self._cites(fired.mitigate))  # fmt: skip
        if out.fine is not None:
            out.penalties.append({"kind": "fine", "amount": out.fine})
            text = dec_str(out.fine)
            self.trail.add("penalty", {"kind": "fine", "amount_text": f" {text}"}, result=text, basis=branch_basis)
        self._other_penalties(branch, branch_basis)
        self._duties()
        return out

    # ---------------------------------------------------------------- general part

    def _provisions(self) -> Fired:
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
                {"provision": pid, "effect": effect, "label": label, "label_zh": label_zh,
                 "clauses": self._clauses(cond)},
                result=True,
                basis=list(cv.provision_basis[j]),
            )  # fmt: skip
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
        listing = self.pack.general.lists[list_name]
        self.assume(listing.assumption)
        return self.rule.rule.id in listing.rules or self.rule.id in listing.rules

    def _no_penalty(self, provisions: list[Any], mandatory: bool) -> Result:
        out = self.out
        out.outcome, out.tier = "no_penalty", "none"
        self.trail.add(
            "no_penalty",
            {"provisions": [p.id for p in provisions], "mandatory": mandatory,
             "how": "the law requires it" if mandatory else "the pack's list recommends using the law's option"},
            result="no_penalty",
            basis=self._cites(provisions),
        )  # fmt: skip
        if any(p.education for p in provisions):
            self._duty("education", list(self.rule.cites["education"]), "not punished by law")
        return out

    def _option(self, kind: str, cited: list[str], reason: str) -> None:
        if kind in self.out.option_kinds:
            return
        self.out.option_kinds.add(kind)
        self.out.options.append({"kind": kind, "basis": list(cited), "reason": reason})
        self.trail.add("option", {"kind": kind, "reason": reason}, result=kind, basis=cited)

    def _mitigation_options(self, rng: Interval, fired: Fired) -> None:
        """Mandatory mitigation offers below-minimum; optional mitigation offers lighter and below-minimum."""
        below = self.pack.general.below_minimum
        mandatory = len(fired.mitigate)  # the mandatory ones come first (no model comparisons: they are slow)
        for k, p in enumerate([*fired.mitigate, *fired.may_mitigate]):
            if k >= mandatory and self.out.tier not in ("lighter", None):
                self._option("lighter", self._cites([p]),
                             f"{p.label.en} ({p.label.zh}): the law allows a lighter penalty")  # fmt: skip
            if below is not None and rng.lo > 0:
                self.assume(below.assumption)
                self._option("below_minimum", [*self._cites([p]), *self.rule.cites["below_minimum"]],
                             _below_reason(p.label.en, p.label.zh, rng.lo, below.lower, below.upper,
                                           self.rule.below_texts))  # fmt: skip

    def _below_minimum_fixed(self, fixed: Decimal, fired: Fired) -> None:
        """A formula fixes the fine, so mandatory mitigation can only be met below it (减轻)."""
        below, out = self.pack.general.below_minimum, self.out
        basis = self._cites(fired.mitigate)
        if below is None or fixed <= 0:
            self.trail.add("mitigation.no_rule", {"provisions": [p.id for p in fired.mitigate]}, basis=basis)
            return
        self.assume(below.assumption)
        band = Interval(scale(fixed, below.lower), scale(fixed, below.upper), True, False)
        start = self.pack.factor_start
        raw = CTX.add(band.lo, scale(CTX.subtract(band.hi, band.lo), start))
        unit, mode = self.pack.rounding.unit, self.pack.rounding.mode
        rounded, result, used = round_inside(raw, unit, mode, [band])
        out.tier = "below_minimum"
        out.band = {"min": band.lo, "max": band.hi}
        out.fine = result
        self.trail.add(
            "below_minimum",
            {"fixed": dec_str(fixed), "lower": frac_str(below.lower), "upper": frac_str(below.upper),
             "band_min": dec_str(band.lo), "band_max": dec_str(band.hi), "start": frac_str(start),
             "raw": show_sum(band.lo, CTX.subtract(band.hi, band.lo), start), "unit": dec_str(used),
             "mode": mode.value, "rounded": dec_str(rounded), "provisions": [p.id for p in fired.mitigate]},
            result=dec_str(result),
            basis=basis + list(self.rule.cites["below_minimum"]),
        )  # fmt: skip

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
        if isinstance(value, SettingRef):
            setting = self.pack.settings[value.setting]
            self.assume(setting.assumption)
            return setting.value
        return value

    def _per_unit(self, spec: PerUnitFine, basis: list[str]) -> Decimal:
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
            {"fact": spec.per, "value": dec_str(value), "unit": dec_str(spec.unit), "quotient": show(exact_q),
             "units": show(exact_units), "partial": partial.value, "rate": dec_str(spec.rate),
             "amount": show(exact_units * Fraction(spec.rate)),
             "cap": dec_str(spec.cap) if spec.cap is not None else "none", "round_unit": dec_str(used),
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
            self.trail.add("range.range", {"min": lo_s, "max": hi_s, "currency": pack.currency},
                           result={"min": lo_s, "max": hi_s}, basis=basis)  # fmt: skip
        else:
            value: Decimal = self.ev.facts[spec.times]
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

    def _tier(self, rng: Interval, fired: Fired) -> Interval:
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
        self.trail.add("tier", {"tier": name, "tried": tried, "lower": lower_s, "upper": upper_s}, result=name,
                       basis=basis)  # fmt: skip
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
                {"from": name, "to": "lighter", "provisions": [p.id for p in fired.mitigate],
                 "lower": lower_s, "upper": upper_s},
                result="lighter",
                basis=self._cites(fired.mitigate),
            )  # fmt: skip
            name = "lighter"
        self.out.tier = name
        self.assume(pack.rounding.assumption)
        band, inputs = _band(rng.lo, rng.hi, band_spec.lower, band_spec.upper, lower_s, upper_s, pack.rounding)
        lo_s, hi_s = inputs["band_min"], inputs["band_max"]
        self.trail.add("band", dict(inputs), result={"min": lo_s, "max": hi_s})
        return band

    def _position(self) -> tuple[Fraction, str]:
        pack, v = self.pack, self.cv.version
        start = v.start if v.start is not None else pack.factor_start
        if v.start is None:
            self.assume(pack.factor_start_assumption)
        applied: list[dict[str, str]] = []
        results = self.results
        mask = 0
        for j, ((f, cond), (weight, f_basis)) in enumerate(zip(self.cv.factors, self.cv.factor_texts, strict=True)):
            holds = cond.holds(results)
            basis = list(f_basis)
            self.trail.add(
                "factor",
                {"factor": f.id, "effect": f.effect, "weight": weight, "clauses": self._clauses(cond),
                 "result_text": "applies" if holds else "does not apply"},
                result=holds,
                basis=basis,
            )  # fmt: skip
            if holds:
                self.out.factors.append({"id": f.id, "effect": f.effect, "basis": list(f_basis)})
                applied.append({"id": f.id, "effect": f.effect, "weight": weight})
                mask |= 1 << j
        if self.cv.positions:  # every set of factors was computed once, at compile time
            position, start_s, plus_s, minus_s, raw_s, pos_s = self.cv.positions[mask]
        else:
            factors = [f for f, _ in self.cv.factors]
            position, start_s, plus_s, minus_s, raw_s, pos_s = position_of(start, factors, mask)
        self.trail.add(
            "position",
            {"start": start_s, "plus": plus_s, "minus": minus_s, "applied": applied, "raw": raw_s,
             "position": pos_s},
            result=pos_s,
        )  # fmt: skip
        return position, pos_s

    def _amount(self, band: Interval, position: Fraction, position_s: str, rng: Interval) -> Decimal:
        rounding_spec, currency = self.pack.rounding, self.pack.currency
        result, amount, raw_s, rounding = _amount(band, position, position_s, rng, rounding_spec, currency)
        self.trail.add("amount", dict(amount), result=raw_s.split(" ")[0])
        self.trail.add("round", dict(rounding), result=dec_str(result))
        return result

    # ---------------------------------------------------------------- penalties and duties

    def _other_penalties(self, branch: Branch, branch_basis: list[str]) -> None:
        out = self.out
        for name in branch.confiscate:
            amount = self.ev.facts[name]
            if amount == 0:
                continue  # nothing to confiscate; the facts step shows the zero
            out.penalties.append({"kind": "confiscation", "amount": amount})
            text = dec_str(amount)
            self.trail.add("penalty", {"kind": "confiscation", "fact": name, "amount_text": f" {text} ({name})"},
                           result=text, basis=[*branch_basis, ART28])  # fmt: skip
        for other in branch.also:
            out.penalties.append({"kind": other.kind.value, "amount": None})
            self.trail.add("penalty", {"kind": other.kind.value, "amount_text": ""}, result=other.kind.value,
                           basis=branch_basis)  # fmt: skip

    def _duty(self, kind: str, basis: list[str], why: str = "") -> None:
        if kind in self.out.duty_kinds:
            return
        self.out.duty_kinds.add(kind)
        self.out.duties.append({"kind": kind, "basis": list(basis)})
        self.trail.add("duty", {"kind": kind, "why": why}, result=kind, basis=basis)

    def _duties(self) -> None:
        out, general = self.out, self.pack.general
        self._duty("order_correction", [ART28], "with every penalty")
        cited = self.rule.cites
        hearing = list(cited["hearing"])
        threshold = hearing_threshold(general, self.ev.case.party.kind, self.ev.decided_on)
        if threshold is not None:
            for p in out.penalties:
                if p["kind"] in ("fine", "confiscation") and reaches(threshold, p["amount"]):
                    self.assume(threshold.assumption)
                    sign = ">=" if threshold.inclusive else ">"
                    self._duty("hearing_notice", hearing,
                               f"{p['kind']} {dec_str(p['amount'])} {sign} {dec_str(threshold.amount)}")  # fmt: skip
        for p in out.penalties:
            if p["kind"] in HEARING_KINDS:
                self._duty("hearing_notice", hearing, p["kind"])
        if out.tier == "below_minimum":
            self._duty("collective_discussion", list(cited["collective_discussion"]), "below the minimum")
        review = general.legal_review_with_hearing
        if review is not None and review.value is True and "hearing_notice" in out.duty_kinds:
            self.assume(review.assumption)
            self._duty("legal_review", list(cited["legal_review"]), "with the hearing notice")


#: Memo of ``_band`` and ``_amount``: pure functions of amounts that repeat across cases (a fixed
#: statutory range gives the same band for every case of a tier). Bounded: cleared when full.
_MEMO: dict[tuple[Any, ...], Any] = {}
_MEMO_MAX = 8192
_T = TypeVar("_T")


def _band(lo: Decimal, hi: Decimal, lower: Fraction, upper: Fraction, lower_s: str, upper_s: str,
          rounding: RoundingSpec) -> tuple[Interval, dict[str, Any]]:  # fmt: skip
    """The band of a tier in the statutory range ``lo``–``hi`` and its trail inputs (never changed: copy them)."""
    # amounts by their text: equal Decimals with other exponents ("100" and "100.00") stay apart
    # ratio texts are exact; str() of the mode (a StrEnum) is its value, hashed without a Python call
    key = ("band", str(lo), str(hi), lower_s, upper_s, str(rounding.unit), str(rounding.mode))
    hit = _MEMO.get(key)
    if hit is not None:
        return hit  # type: ignore[no-any-return]
    unit, mode = rounding.unit, rounding.mode
    width = CTX.subtract(hi, lo)
    b_lo = band_edge(lo, hi, lower, unit, mode)
    b_hi = band_edge(lo, hi, upper, unit, mode)
    inputs = {"range_min": dec_str(lo), "range_max": dec_str(hi), "lower": lower_s, "upper": upper_s,
              "unit": dec_str(unit), "mode": mode.value, "width": dec_str(width),
              "lower_raw": show_sum(lo, width, lower), "upper_raw": show_sum(lo, width, upper),
              "band_min": dec_str(b_lo), "band_max": dec_str(b_hi)}  # fmt: skip
    return _remember(key, (Interval(b_lo, b_hi, True, True), inputs))


def _amount(band: Interval, position: Fraction, position_s: str, rng: Interval, rounding: RoundingSpec,
            currency: str) -> tuple[Decimal, dict[str, Any], str, dict[str, Any]]:  # fmt: skip
    """The fine at ``position`` in the band, rounded inside band and range, with the inputs of the
    amount and round steps (never changed: copy them)."""
    key = ("amount", str(band.lo), str(band.hi), position_s, str(rng.lo), str(rng.hi), rng.lo_incl, rng.hi_incl,
           str(rounding.unit), str(rounding.mode), currency)  # fmt: skip
    hit = _MEMO.get(key)
    if hit is not None:
        return hit  # type: ignore[no-any-return]
    width = CTX.subtract(band.hi, band.lo)
    raw = CTX.add(band.lo, scale(width, position))
    raw_s = show_sum(band.lo, width, position)
    band_lo, band_hi = dec_str(band.lo), dec_str(band.hi)
    amount = {"band_min": band_lo, "band_max": band_hi, "position": position_s, "raw": raw_s}
    unit, mode = rounding.unit, rounding.mode
    rounded, result, used = round_inside(raw, unit, mode, [rng, band])
    round_inputs = {"raw": raw_s, "unit": dec_str(used), "mode": mode.value, "rounded": dec_str(rounded),
                    "band_min": band_lo, "band_max": band_hi, "range_min": dec_str(rng.lo),
                    "range_max": dec_str(rng.hi), "range_min_inclusive": rng.lo_incl,
                    "range_max_inclusive": rng.hi_incl, "currency": currency}  # fmt: skip
    return _remember(key, (result, amount, raw_s, round_inputs))


def _remember(key: tuple[Any, ...], value: _T) -> _T:
    if len(_MEMO) >= _MEMO_MAX:
        _MEMO.clear()
    _MEMO[key] = value
    return value


_js = json.encoder.encode_basestring  # a JSON string as canonical_json writes it (ensure_ascii=False)
#: ``canonical_json``'s encoder without its per-call set-up (compact, ensure_ascii=False, ``default=str``)
#: for a dict whose keys are already sorted; called with a value and 0 it gives the text's chunks
_canonical_chunks = json.encoder.c_make_encoder(  # type: ignore[attr-defined]
    None, str, _js, None, ":", ",", False, False, True
)
_ENGINE_JSON = _js(ENGINE)


def _range(edges: dict[str, Decimal] | None) -> Range | None:
    return None if edges is None else built(Range, {"min": edges["min"], "max": edges["max"]})


def _below_reason(en: str, zh: str, minimum: Decimal, lower: Fraction, upper: Fraction, texts: tuple[str, str]) -> str:
    """The reason of the below-minimum option (memoised: minimums repeat across cases); ``texts`` are
    the exact texts of ``lower`` and ``upper`` (the key: hashing a Fraction is slow)."""
    key = ("below", en, zh, str(minimum), *texts)
    hit = _MEMO.get(key)
    if hit is not None:
        return hit  # type: ignore[no-any-return]
    lo, hi = scale(minimum, lower), scale(minimum, upper)
    return _remember(
        key,
        f"{en} ({zh}): a fine below the statutory minimum {dec_str(minimum)}, "
        f"{dec_str(lo)} up to (not including) {dec_str(hi)}, with collective discussion",
    )


def _party(case: Case) -> dict[str, Any]:
    """The party as CEL sees it; an individual without an age is taken as an adult (18)."""
    p = case.party
    if p.kind == "organization":
        return {"kind": p.kind}
    return {"kind": p.kind, "age": p.age if p.age is not None else 18, "age_given": p.age is not None}
