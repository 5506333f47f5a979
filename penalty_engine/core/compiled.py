"""The compiled evaluator: each rule version as a specialised function, decisions made lazily (#15).

At load (``Engine.load``), ``compile_rule`` turns each rule version that it covers into a closure
over the values that do not depend on the case: the general provisions with their effects and
whether the pack's lists recommend no penalty for this rule, the statutory branches with their
fixed ranges as ``Interval`` values, the benchmark tiers with their bands and the exact texts of
their ratios, the lighter band mandatory mitigation caps at, the factors with the tiers they are
not weighed in, the table of positions, the rounding and the currency. Conditions are the
version's compiled clause table (CEL on the verified fast path of ADR 0009, else the library).
Nothing is generated as text and nothing from a rule file becomes code: the closures are ordinary
Python that reads these values (ADR 0026).

For a case, ``RulePlan.decide`` runs the stages that decide the outcome and the amounts — facts,
limitation (Art. 36), provisions, branch, range, tier, band, mandatory mitigation, factors,
position, amount, Art. 37 — and nothing else: no trail step, clause record, text, fingerprint or
sub-model but the decided ones. It returns a ``LazyDecision`` (``core.lazy``) whose other fields
the reference interpreter makes when first read, or ``None`` whenever anything is not covered or
not plain: a form it does not know (levels, weighted factors, per-day and formula fines, a field
of the models it was not written for), a condition that fails, a fact that does not read, a
contradiction, no branch. ``None`` sends the case to the interpreter, which gives the decision or
the exact error. The interpreter stays the reference: ``bench/compare_evaluators.py`` and
``tests/unit/test_compiled.py`` compare the two byte for byte.

Pure: no file, clock, environment or randomness.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from ..cel import PARTY, cel_value
from ..models import SCHEMA, Band, Case, Dates, MultipleFine, RangeFine, built, coerce
from ..money import frac_str, scale
from ..pack import FACT_DECIMAL, CompiledRule, CompiledVersion, position_of
from ..yamlio import Located
from . import _fast
from .amounts import Interval
from .case_io import case_where
from .evaluation import ENGINE, Evaluation, _party, _range
from .general import limitation, severity
from .lazy import LazyDecision, Pending
from .record import Explainer, Record, Why

PENALTY = "penalty"
NO_PENALTY = "no_penalty"
#: What a version decides: outcome, tier, statutory range, band, fine, and the record of why
#: (``record.Why``; ``None`` when the limitation period ran out).
Decided = tuple[str, str | None, Interval | None, Interval | None, Decimal | None, Why | None]
VersionFn = Callable[[list[bool], dict[str, Any]], Decided | None]
Compiled = tuple[VersionFn, Explainer]
Holds = Callable[[Sequence[bool]], bool]  # a compiled condition's test of the clause results
TierRow = tuple[Holds | None, str, Band, str, str]  # (holds, tier, band, lower text, upper text)

#: The fields of the models this evaluator was written for. A field not listed here that a pack,
#: rule or version sets (another value than its default) is a form it does not know: the version
#: runs on the interpreter (a new band mode or adjustment added later is never decided wrongly).
KNOWN: dict[str, frozenset[str]] = {
    "RuleVersion": frozenset(
        (
            "effective_from",
            "effective_to",
            "basis",
            "assumptions",
            "frame",
            "tiers",
            "levels",
            "factors",
            "start",
            "orders",
            "weighted",
            "per_day",
        )
    ),
    "Branch": frozenset(
        ("id", "when", "label", "fine", "confiscate", "also", "basis", "no_penalty", "orders", "per_day")
    ),
    "Tier": frozenset(("tier", "when", "label", "band", "basis")),
    "Factor": frozenset(("id", "effect", "when", "weight", "label", "basis", "not_in_tiers")),
    "Band": frozenset(("lower", "upper")),
    "RangeFine": frozenset(("min", "max")),
    "MultipleFine": frozenset(("times", "min", "max")),
    "Pack": frozenset(
        (
            "id",
            "title",
            "jurisdiction",
            "authority",
            "currency",
            "version",
            "boundaries",
            "rounding",
            "tier_scheme",
            "factor_start",
            "factor_start_assumption",
            "weighted_clamp_assumption",
            "common_facts",
            "settings",
            "general",
            "fine_groups",
            "fact_exclusions",
            "similar_case_tolerance",
            "assumptions",
        )
    ),
    "General": frozenset(
        (
            "provisions",
            "lists",
            "below_minimum",
            "limitation",
            "hearing",
            "hearing_basis",
            "collective_discussion_basis",
            "collective_discussion_kinds",
            "education_basis",
            "legal_review_with_hearing",
            "legal_review_basis",
            "lenient_law_basis",
        )
    ),
    "Rule": frozenset(
        (
            "id",
            "title",
            "facts",
            "versions",
            "life_health_or_financial_safety",
            "special_provisions",
            "implements",
            "notes",
        )
    ),
}


def _unknown(model: BaseModel) -> bool:
    """Whether ``model`` sets a field this evaluator was not written for (see ``KNOWN``)."""
    known = KNOWN.get(type(model).__name__)
    if known is None:
        return True
    for name, info in type(model).model_fields.items():
        if name in known:
            continue
        if getattr(model, name) != info.get_default(call_default_factory=True):
            return True
    return False


def compile_version(rule: CompiledRule, cv: CompiledVersion) -> Compiled | None:
    """``cv`` as a specialised function of the clause results and the typed facts, with the tables
    that read its records (``record.Explainer``), or ``None`` when its form is not covered (it then
    runs on the interpreter)."""
    pack, v = rule.pack, cv.version
    if cv.levels or cv.weighted or v.per_day is not None or v.levels or v.weighted is not None:
        return None
    models: list[BaseModel] = [v, *v.frame, *v.tiers, *v.factors]
    models += [t.band for t in v.tiers if t.band is not None]
    models += [b.fine for b in v.frame if isinstance(b.fine, RangeFine | MultipleFine)]
    if any(_unknown(m) for m in models):
        return None
    rounding, currency = pack.rounding, pack.currency
    lo_incl, hi_incl = pack.boundaries.above == "inclusive", pack.boundaries.below == "inclusive"
    lists = pack.general.lists

    def listed(name: str) -> bool:
        listing = lists[name]
        return rule.rule.id in listing.rules or rule.id in listing.rules

    # provisions: (holds, effect) of each, in order; a set-aside provision has no effect here
    provisions: list[tuple[Holds, str]] = []
    recommended: set[int] = set()  # indices of optional no-penalty provisions this rule's list recommends
    for j, ((p, p_cond), texts) in enumerate(zip(cv.provisions, cv.provision_texts, strict=True)):
        pid, effect = texts[0], texts[1]
        if pid in rule.set_aside:
            effect = "set_aside"
        provisions.append((p_cond.holds, effect))
        if effect == "may_no_penalty" and p.recommend_for:
            if p.recommend_for not in lists:
                return None
            if listed(p.recommend_for):
                recommended.add(j)

    # branches: (holds or None, kind, data); kind 0 no penalty, 1 fixed range, 2 multiples, 3 no fine
    branches: list[tuple[Holds | None, int, Any]] = []
    for b, b_cond in cv.branches:
        b_holds = b_cond.holds if b_cond is not None else None
        if b.per_day and v.per_day is not None:
            return None
        if b.no_penalty is not None:
            branches.append((b_holds, 0, None))
        elif isinstance(b.fine, RangeFine):
            branches.append((b_holds, 1, Interval(b.fine.min, b.fine.max, lo_incl, hi_incl)))
        elif isinstance(b.fine, MultipleFine):
            branches.append((b_holds, 2, (b.fine.times, b.fine.min, b.fine.max)))
        elif b.fine is None:
            branches.append((b_holds, 3, None))
        else:
            branches.append((b_holds, -1, None))  # a formula fine: the interpreter decides this case

    # tiers: (holds or None, name, band, lower text, upper text); the scheme's texts are the rule's
    scheme = pack.tier_scheme
    if not all(name in rule.band_texts for name in ("lighter", "standard", *(t.tier for t, _ in cv.tiers))):
        return None
    tiers: list[TierRow] = []
    for t, t_cond in cv.tiers:
        t_holds = t_cond.holds if t_cond is not None else None
        if t.band:
            tiers.append((t_holds, t.tier, t.band, frac_str(t.band.lower), frac_str(t.band.upper)))
        else:
            lower_s, upper_s = rule.band_texts[t.tier]
            tiers.append((t_holds, t.tier, scheme.band(t.tier), lower_s, upper_s))
    standard: TierRow = (None, "standard", scheme.band("standard"), *rule.band_texts["standard"])
    lighter = cv.lighter
    capped: tuple[Band, str, str]
    if lighter is not None and lighter.band:
        capped = (lighter.band, frac_str(lighter.band.lower), frac_str(lighter.band.upper))
    else:
        capped = (scheme.band("lighter"), *rule.band_texts["lighter"])

    factors = [(cond.holds, f.not_in_tiers) for f, cond in cv.factors]
    factor_models = [f for f, _ in cv.factors]
    table = cv.positions
    start = v.start if v.start is not None else pack.factor_start
    band_of = _fast.band
    amount_of = _fast.amount

    def run(results: list[bool], facts: dict[str, Any]) -> Decided | None:
        mitigate = False
        for j, (holds, effect) in enumerate(provisions):
            if holds(results):
                if effect == "no_penalty" or j in recommended:
                    return (NO_PENALTY, "none", None, None, None, (-1, -1, 0, results))
                if effect == "mitigate":
                    mitigate = True
        for b, row in enumerate(branches):  # noqa: B007 (b is the branch chosen, read after the loop)
            if row[0] is None or row[0](results):
                break
        else:
            return None  # no branch holds: the interpreter's error (PE-E001)
        kind, data = row[1], row[2]
        if kind == 0:
            return (NO_PENALTY, "none", None, None, None, (b, -1, 0, results))
        if kind == 3:
            return (PENALTY, None, None, None, None, (b, -1, 0, results))
        if kind == 1:
            statutory: Interval = data
        elif kind == 2:
            value = facts[data[0]]
            statutory = Interval(scale(value, data[1]), scale(value, data[2]), lo_incl, hi_incl)
        else:
            return None
        chosen, k = standard, len(tiers)  # k: the index of the tier chosen (len(tiers): standard)
        for j, t_row in enumerate(tiers):
            if t_row[0] is None or t_row[0](results):
                chosen, k = t_row, j
                break
        name, spec, lower_s, upper_s = chosen[1], chosen[2], chosen[3], chosen[4]
        if mitigate and name != "lighter":
            spec, lower_s, upper_s = capped
            name = "lighter"
        band = band_of(statutory.lo, statutory.hi, spec.lower, spec.upper, lower_s, upper_s, rounding)[0]
        mask = 0
        for j, (holds, not_in) in enumerate(factors):
            if holds(results) and name not in not_in:
                mask |= 1 << j
        position = table[mask] if table else position_of(start, factor_models, mask)
        fine = amount_of(band, position[0], position[5], statutory, rounding, currency)[0]
        return (PENALTY, name, statutory, band, fine, (b, k, mask, results))

    effects = tuple(effect for _holds, effect in provisions)
    return run, Explainer(rule, cv, effects, frozenset(recommended))


class RulePlan:
    """A rule's compiled versions and the stages common to them (facts, limitation, Art. 37)."""

    __slots__ = ("covered", "fns", "rule")

    def __init__(self, rule: CompiledRule) -> None:
        self.rule = rule
        #: each version's function, by its index in ``rule.versions`` (``None``: the interpreter)
        self.fns: tuple[Compiled | None, ...] = tuple(compile_version(rule, cv) for cv in rule.versions)
        self.covered = _unknown(rule.pack) is False and _unknown(rule.pack.general) is False
        self.covered = self.covered and not _unknown(rule.rule)

    def versions(self) -> list[tuple[str, bool]]:
        """(version key, covered) of each version: what this evaluator decides itself."""
        return [(cv.key, self.covered and fn is not None) for cv, fn in zip(self.rule.versions, self.fns, strict=True)]

    def decide(self, case: Case, decided_on: dt.date, decided_source: str, source: Located | None) -> Any:
        """A ``LazyDecision``, or ``None``: the interpreter decides (or gives the exact error)."""
        if not self.covered or case.correction is not None:
            return None
        try:
            return self._decide(case, decided_on, decided_source, source)
        except Exception:  # anything unusual: the interpreter gives the result or the error
            return None

    def _decide(self, case: Case, decided_on: dt.date, decided_source: str, source: Located | None) -> Any:
        rule = self.rule
        occurred = case.occurred_on
        cv = rule.version_on(occurred)
        if cv is None:
            return None
        fn = self.fns[cv.index]
        if fn is None:
            return None
        explainer = fn[1]
        facts, activation = self._facts(case)
        if facts is None:
            return None
        general = rule.pack.general
        check = None
        if general.limitation is not None:
            harmful = facts.get("harm", "none") != "none"
            touched = any(facts.get(name) is True for name in general.limitation.touches)
            check = limitation(general, rule.rule, occurred, case.discovered_on, decided_on, harmful, touched)
        where = _where(source, case)
        if check is not None and check.expired:  # the interpreter still runs the version's clauses
            if self._results(cv, activation, where) is None:
                return None
            expired: Decided = (NO_PENALTY, "none", None, None, None, None)
            chosen, version = expired, cv
        else:
            first = self._run(cv, fn[0], activation, facts, where)
            if first is None:
                return None
            chosen, version = first, cv
            later = cv if cv.version.in_force(decided_on) else rule.version_on(decided_on)
            if later is not None and later is not cv:
                fn2 = self.fns[later.index]
                second = self._run(later, fn2[0], activation, facts, where) if fn2 is not None else None
                if second is None or fn2 is None:
                    return None
                if _severity(second) < _severity(first):
                    chosen, version, explainer = second, later, fn2[1]
        outcome, tier, statutory, band, fine, why = chosen
        values = {
            "schema_": SCHEMA,
            "case_id": case.case_id,
            "violation": version.violation,
            "dates": built(
                Dates, {"occurred_on": occurred, "discovered_on": case.discovered_on, "decided_on": decided_on}
            ),
            "outcome": outcome,
            "tier": tier,
            "level": None,
            "statutory_range": _range(statutory),
            "band": _range(band),
            "recommended_fine": fine,
            "currency": rule.pack.currency,
            "engine": ENGINE,
        }

        def make() -> Any:
            return Evaluation(rule, case, decided_on, decided_source, source).run()

        record = Record(explainer, why, facts, case, decided_on, tier, fine, band is not None)
        return LazyDecision.made(values, Pending(make, record))

    @staticmethod
    def _results(cv: CompiledVersion, activation: dict[str, Any], where: Any) -> list[bool] | None:
        """Each clause's result; ``None`` for contradictory facts (the interpreter's PE-C012)."""
        results = cv.table.run(activation, where)
        for _ex, cond in cv.exclusions:
            if cond.holds(results):
                return None
        return results

    def _run(
        self, cv: CompiledVersion, fn: VersionFn, activation: dict[str, Any], facts: dict[str, Any], where: Any
    ) -> Decided | None:
        results = self._results(cv, activation, where)
        return None if results is None else fn(results, facts)

    def _facts(self, case: Case) -> tuple[dict[str, Any] | None, dict[str, Any]]:
        """Typed facts and the CEL activation, as ``Evaluation._facts`` makes them (without the facts
        as JSON and the trail); ``(None, {})`` when a fact does not read, is unknown or missing."""
        rule, given = self.rule, case.facts
        if not given.keys() <= rule.kinds.keys():
            return None, {}
        typed: dict[str, Any] = {}
        cel: dict[str, Any] = {}
        for name, spec, kind, as_is, values in rule.fact_rows:
            raw = given.get(name)
            if raw is None:
                continue
            t = type(raw)
            if t is as_is or (values is not None and t is str and raw in values):
                typed[name] = cel[name] = raw
                continue
            value = coerce(spec, raw)  # a FactProblem: the interpreter's error
            typed[name] = value
            cel[name] = cel_value(spec, value) if kind == FACT_DECIMAL else value
        for name in rule.required:
            if name not in typed:
                return None, {}
        facts = {**rule.defaults, **typed}
        activation = {**rule.defaults_cel, **cel}
        activation[PARTY] = _party(case)
        return facts, activation


def _severity(d: Decided) -> tuple[int, Decimal, Decimal]:
    statutory, fine = d[2], d[4]
    return severity(d[0], statutory.hi if statutory else None, fine)


def _where(source: Located | None, case: Case) -> Callable[..., str]:
    return lambda *loc: case_where(source, case.case_id, tuple(loc))
