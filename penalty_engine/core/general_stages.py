"""A version run's machinery and the stages of the general part of 行政处罚法 (``GeneralStages``).

Pure: no file, clock, environment or randomness. ``version.VersionRun`` builds on this class and
calls these stages in its fixed order ([ADR 0005](../../docs/adr/0005-general-part.md): the general
part is pack data bound to a closed set of effects):

- the rule step and every clause's result, once per run (``start``);
- the general provisions that hold, by effect, after special provisions set some aside;
- no penalty, mandatory or on the pack's list (with the education duty where the law asks, and the
  order to a guardian of Art. 30 or 31);
- the options offered to the officer: no penalty, lighter, below the minimum;
- mitigation below a fine a formula fixes (减轻), and mandatory mitigation of a penalty that is not a
  fine, left to the officer as an option and a duty to decide (ADR 0017);
- the authority's duties: the orders the article names (else Art. 28's correction), hearing
  notice, collective discussion, legal review.

Each stage returns what it decides; the run's trail and ordered set of assumptions collect the
steps and assumptions as the stages go.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..cel import CompiledCondition
from ..models import CORRECTIONS, Basis, Branch, Order, Prose, Provision, Trail, in_lang
from ..money import CTX, dec_str, frac_str, scale, show_sum
from ..pack import CompiledVersion
from ..text import words
from . import _fast
from .amounts import Interval, NoRoundAmount, exact_inputs, exact_inside, round_inside
from .exclusions import refuse_contradictions
from .general import HEARING_KINDS, Fired, hearing_threshold, reaches
from .result import BelowMinimum
from .texts import both, provision_labels

if TYPE_CHECKING:
    from .evaluation import Evaluation

NONE_FIRED = Fired([], [], [], [], [], [])  # never changed: the fields are only read
ART28 = "行政处罚法 第二十八条"
#: Penalties mandatory mitigation cannot lessen: the lightest kind (警告; below it is no penalty,
#: which Art. 32 does not give), and the confiscation of illegal gain Art. 28 para 2 requires.
UNMITIGABLE = frozenset({"warning", "confiscation"})


def named_orders(version_orders: tuple[Order, ...], branch: Branch | None) -> list[tuple[str, list[str], str]]:
    """The orders a decision gives, as (kind, citations, why): those the article names (the
    version's, then the branch's own), each cited to the provision that names it; an order that is
    the correction (责令停止经营, 责令停止违法行为, …) is Art. 28's 责令改正 in the form the article
    gives and is cited to Art. 28 too; without one, Art. 28's 责令改正 comes first (ADR 0017)."""
    declared = (*version_orders, *branch.orders) if branch is not None and branch.orders else version_orders
    out = [] if any(o.kind in CORRECTIONS for o in declared) else [("order_correction", [ART28], "with every penalty")]
    for o in declared:
        cited = [*cites(o.basis), ART28] if o.kind in CORRECTIONS else cites(o.basis)
        out.append((o.kind.value, cited, "named by the article"))
    return out


def cites(basis: Iterable[Basis]) -> list[str]:
    """The citation texts of legal bases, in order."""
    return [b.cite() for b in basis]


class GeneralStages:
    """A version run's machinery (its trail, assumptions, clause records and rule step) and its stages
    of the general part; ``version.VersionRun`` adds the procedure and the frame and amounts."""

    __slots__ = ("assumptions", "cv", "ev", "pack", "results", "rule", "trail")

    def __init__(self, ev: Evaluation, cv: CompiledVersion) -> None:
        self.ev = ev
        self.rule = ev.rule
        self.pack = ev.pack
        self.cv = cv
        self.trail = Trail(len(ev.trail.steps) + 1)  # its steps follow the evaluation's
        self.assumptions: dict[str, None] = {}  # an ordered set: first occurrence keeps its place
        self.results: list[bool] = []  # each clause's result, set by ``start``

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
            {
                "rule": rule.id,
                "title": rule.rule.title.en,
                "title_zh": rule.rule.title.zh,
                "on": on,
                "version": cv.key,
            },
            basis=list(cv.basis),
        )
        self.results = results = cv.table.run(ev.activation, ev.where)
        if cv.exclusions:
            refuse_contradictions(cv, results, self.rule.facts, ev.facts_json, ev.where)
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
                fired = Fired([], [], [], [], [], [])
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
            add(
                "provision.set_aside",
                {"provision": p.id, "label": p.label.en, "label_zh": p.label.zh},
                basis=cites(sp.basis),
            )
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
                **provision_labels(provisions),
                "mandatory": mandatory,
                "how": "the law requires it" if mandatory else "the pack's list recommends using the law's option",
            },
            result="no_penalty",
            basis=self._cites(provisions),
        )
        duties: dict[str, dict[str, Any]] = {}
        for p in provisions:  # Art. 30, 31: 不予行政处罚，责令监护人… — the order comes with the no-penalty
            for order in p.orders:
                self._duty(duties, order.kind.value, cites(order.basis), "named by the provision")
        if any(p.education for p in provisions):
            self._duty(duties, "education", list(self.rule.cites["education"]), "not punished by law")
        return list(duties.values())

    def _option(self, options: dict[str, dict[str, Any]], kind: str, cited: list[str], reason: str) -> None:
        """Offer an option to the officer (each kind once)."""
        if kind in options:
            return
        options[kind] = {"kind": kind, "basis": list(cited), "reason": reason}
        self.trail.add(
            "option",
            {"kind": kind, "reason": reason, "reason_zh": in_lang(reason, "zh"), "reason_en": in_lang(reason, "en")},
            result=kind,
            basis=cited,
        )

    def _no_penalty_options(self, provisions: list[Provision]) -> list[dict[str, Any]]:
        """Optional no-penalty provisions that hold (and are not recommended) are offered as options."""
        if not provisions:
            return []
        options: dict[str, dict[str, Any]] = {}
        for p in provisions:
            self._option(options, "no_penalty", self._cites([p]), both("reason.no_penalty", label=p.label))
        return list(options.values())

    def _mitigation_options(self, rng: Interval, fired: Fired, tier: str | None) -> list[dict[str, Any]]:
        """Mandatory mitigation offers below-minimum; optional mitigation offers lighter and below-minimum."""
        if not fired.mitigate and not fired.may_mitigate:
            return []
        below = self.pack.general.below_minimum
        options: dict[str, dict[str, Any]] = {}
        mandatory = len(fired.mitigate)  # the mandatory ones come first (no model comparisons: they are slow)
        for k, p in enumerate([*fired.mitigate, *fired.may_mitigate]):
            if k >= mandatory and tier not in ("lighter", None):
                reason = both("reason.lighter", label=p.label)
                self._option(options, "lighter", self._cites([p]), reason)
            if below is not None and rng.lo > 0:
                self.assume(below.assumption)
                reason = _fast.below_reason(
                    p.label.en, p.label.zh, rng.lo, below.lower, below.upper, self.rule.below_texts
                )
                self._option(options, "below_minimum", [*self._cites([p]), *self.rule.cites["below_minimum"]], reason)
        return list(options.values())

    def _mitigation_without_fine(self, fired: Fired, branch: Branch) -> list[dict[str, Any]]:
        """Mitigation with no fine to lessen (the branch has none). With a penalty that can be lessened
        (a revocation, a 停业整顿, …) the engine cannot say how: it offers the option, and for a
        mandatory mitigation (应当从轻或者减轻, which still binds) ``_mitigation_duty`` adds the duty to
        decide (ADR 0017). With only a warning (the lightest kind) nothing can be lessened: noted, the
        penalty stands."""
        provisions = [p.id for p in fired.mitigate]
        cited = self._cites(fired.mitigate)
        kinds = [o.kind.value for o in branch.also if o.kind.value not in UNMITIGABLE]
        if not kinds:
            if fired.mitigate:
                self.trail.add(
                    "mitigation.lightest",
                    {"provisions": provisions, **provision_labels(fired.mitigate)},
                    basis=cited,
                )
            return []
        if fired.mitigate:
            self.trail.add(
                "mitigation.decide",
                {"provisions": provisions, **provision_labels(fired.mitigate), "kinds": kinds},
                basis=cited,
            )
        options: dict[str, dict[str, Any]] = {}
        what = Prose(
            "、".join(words("zh")(f"decision.{k}") for k in kinds),
            ", ".join(words("en")(f"decision.{k}") for k in kinds),
        )
        for k, p in enumerate([*fired.mitigate, *fired.may_mitigate]):
            key = "reason.mitigate_penalty_must" if k < len(fired.mitigate) else "reason.mitigate_penalty_may"
            self._option(options, "mitigate_penalty", self._cites([p]), both(key, label=p.label, what=what))
        return list(options.values())

    def _mitigation_duty(self, fired: Fired, duties: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The duty to decide how mandatory mitigation applies to a penalty that is not a fine (the
        option ``mitigate_penalty`` was offered): never silence (ADR 0017)."""
        given = {d["kind"]: d for d in duties}
        self._duty(given, "decide_mitigation", self._cites(fired.mitigate), "mandatory mitigation, no fine")
        return list(given.values())

    def _below_minimum_fixed(self, fixed: Decimal, fired: Fired) -> BelowMinimum | None:
        """A formula fixes the fine, so mandatory mitigation can only be met below it (减轻).

        ``None`` when the pack has no below-minimum rule (or the fixed fine is zero): the fine stays."""
        below = self.pack.general.below_minimum
        basis = self._cites(fired.mitigate)
        if below is None or fixed <= 0:
            self.trail.add(
                "mitigation.no_rule",
                {"provisions": [p.id for p in fired.mitigate], **provision_labels(fired.mitigate)},
                basis=basis,
            )
            return None
        self.assume(below.assumption)
        band = Interval(scale(fixed, below.lower), scale(fixed, below.upper), True, False)
        start = self.pack.factor_start
        raw = CTX.add(band.lo, scale(CTX.subtract(band.hi, band.lo), start))
        unit, mode = self.pack.rounding.unit, self.pack.rounding.mode
        exact = False
        try:
            rounded, result, used = round_inside(raw, unit, mode, [band])
            used_s = dec_str(used)
        except NoRoundAmount:  # a band narrower than one fen: the exact amount stands (next step)
            rounded, result, used_s, exact = raw, exact_inside(raw, [band]), "none", True
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
                "unit": used_s,
                "mode": mode.value,
                "rounded": dec_str(rounded),
                "provisions": [p.id for p in fired.mitigate],
                **provision_labels(fired.mitigate),
            },
            result=dec_str(result),
            basis=basis + list(self.rule.cites["below_minimum"]),
        )
        if exact:
            self.trail.add("round.exact", exact_inputs(raw, [band], self.pack.currency), result=dec_str(result))
        return BelowMinimum(band, result)

    # ---------------------------------------------------------------- duties

    def _duty(
        self, duties: dict[str, dict[str, Any]], kind: str, basis: list[str], why: str = "", **detail: str
    ) -> None:
        """A duty of the authority (each kind once); ``why`` is a phrase of the catalog's ``trail_value``
        (it may name fields of ``detail``)."""
        if kind in duties:
            return
        duties[kind] = {"kind": kind, "basis": list(basis)}
        self.trail.add("duty", {"kind": kind, "why": why, **detail}, result=kind, basis=basis)

    def _orders(self, duties: dict[str, dict[str, Any]], branch: Branch | None) -> None:
        """The orders the decision gives, as duties (``named_orders``)."""
        for kind, cited, why in named_orders(self.cv.version.orders, branch):
            self._duty(duties, kind, cited, why)

    def _duties(
        self,
        penalties: list[dict[str, Any]],
        tier: str | None,
        up_to: Decimal | None = None,
        branch: Branch | None = None,
    ) -> list[dict[str, Any]]:
        """The authority's duties that follow the penalties: the orders of the article (else
        correction), hearing, collective discussion, legal review. A fine the officer sets within a
        range (``up_to`` its top) brings the hearing notice when the top reaches the threshold: a
        notice too many harms nobody."""
        general = self.pack.general
        duties: dict[str, dict[str, Any]] = {}
        self._orders(duties, branch)
        cited = self.rule.cites
        hearing = list(cited["hearing"])
        threshold = hearing_threshold(general, self.ev.case.party.kind, self.ev.decided_on)
        if threshold is not None:
            limit = {"threshold": dec_str(threshold.amount)}
            for p in penalties:
                amount = p["amount"]
                if p["kind"] in ("fine", "confiscation") and amount is not None and reaches(threshold, amount):
                    self.assume(threshold.assumption)
                    sign = ">=" if threshold.inclusive else ">"
                    detail = {"of": p["kind"], "amount": dec_str(p["amount"]), "sign": sign}
                    self._duty(duties, "hearing_notice", hearing, "amount reaches", **detail, **limit)
            if up_to is not None and reaches(threshold, up_to):
                self.assume(threshold.assumption)
                sign = ">=" if threshold.inclusive else ">"
                detail = {"of": "fine", "amount": dec_str(up_to), "sign": sign}
                self._duty(duties, "hearing_notice", hearing, "fine up to reaches", **detail, **limit)
        for p in penalties:
            if p["kind"] in HEARING_KINDS:
                self._duty(duties, "hearing_notice", hearing, "penalty of this kind", of=p["kind"])
        if tier == "below_minimum":
            self._duty(duties, "collective_discussion", list(cited["collective_discussion"]), "below the minimum")
        review = general.legal_review_with_hearing
        if review is not None and review.value is True and "hearing_notice" in duties:
            self.assume(review.assumption)
            self._duty(duties, "legal_review", list(cited["legal_review"]), "with the hearing notice")
        return list(duties.values())

    def _collective_discussion(
        self, duties: list[dict[str, Any]], penalties: list[dict[str, Any]], fired: Fired
    ) -> list[dict[str, Any]]:
        """行政处罚法 Art. 57 para 2: 对情节复杂或者重大违法行为给予行政处罚，行政机关负责人应当集体讨论决定.

        The duty when a penalty is given and a provision of effect ``collective_discussion`` holds
        (the case's finding of 情节复杂或者重大违法行为), or a penalty of a kind the pack treats as
        重大 (``general.collective_discussion_kinds``, an assumption); once, whatever brought it."""
        if not penalties or any(d["kind"] == "collective_discussion" for d in duties):
            return duties
        out = {d["kind"]: d for d in duties}
        if fired.collective_discussion:
            why = "complex or major violation"
            self._duty(out, "collective_discussion", self._cites(fired.collective_discussion), why)
            return list(out.values())
        kinds = self.pack.general.collective_discussion_kinds
        grave = [p["kind"] for p in penalties if kinds is not None and p["kind"] in kinds.value]
        if grave:
            assert kinds is not None
            self.assume(kinds.assumption)
            self._duty(out, "collective_discussion", list(self.rule.cites["collective_discussion"]), grave[0])
        return list(out.values())
