"""What a compiled decision tells without its trail: similar-case parts and duty kinds (#15, ADR 0026).

The compiled evaluator (``core.compiled``) keeps, for each case it decides, a small record: the
version, the clause results, which provisions, branch and tier held and the mask of the factors
weighed. Replay needs two things of a decision besides its decided fields — what makes the case
alike others (the trail's branch, factor and tier steps: ``classify.similarity``) and the kinds of
the authority's duties (compared with an export's 程序 column) — and reading them from the trail
would expand the decision, i.e. run the interpreter again. ``Explainer`` gives both from the record,
as the interpreter's stages would (``general_stages.VersionStages._duties``, ``_collective_discussion``,
``_no_penalty``, ``_mitigation_duty``; ``version.VersionRun._branch_no_penalty``, ``_penalties``).

Each answer is compared with the interpreter's on every golden case and thousands of generated ones
(``tests/unit/test_compiled.py``, ``bench/compare_evaluators.py``): the duty kinds in the decision's
order, the similar-case parts equal. Pure: no file, clock, environment or randomness.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from ..cel import PARTY
from ..models import Branch, Case
from ..pack import CompiledRule, CompiledVersion
from .evaluation import _party, fact_json
from .general import HEARING_KINDS, hearing_threshold, reaches
from .general_stages import UNMITIGABLE, named_orders
from .lazy import Alike

#: What the compiled evaluator records of a case: the index of the branch that held (-1: a general
#: provision decided no penalty), of the tier chosen (the number of tiers: the standard tier; -1: no
#: tier), the mask of the factors weighed and every clause's result.
Why = tuple[int, int, int, list[bool]]


def read_names(conds: Iterable[Any]) -> tuple[str, ...]:
    """The names of the facts the clauses of ``conds`` read, each once, in the trail's order."""
    names: dict[str, None] = {}
    for cond in conds:
        for _source, _i, reads in cond.clauses if cond is not None else ():
            names.update(dict.fromkeys(reads))
    return tuple(names)


class Explainer:
    """One compiled version's tables for reading a record: the facts each tier choice reads, the
    factor ids, the orders of each branch and the effect of each general provision."""

    __slots__ = ("cv", "effects", "factor_ids", "orders", "reads_by", "recommended", "rows", "rule")

    def __init__(self, rule: CompiledRule, cv: CompiledVersion, effects: tuple[str, ...], recommended: frozenset[int]):
        self.rule, self.cv = rule, cv
        self.rows = {row[0]: row for row in rule.fact_rows}
        #: each provision's effect (``set_aside`` when a special provision sets it aside)
        self.effects = effects
        self.recommended = recommended  # optional no-penalty provisions this rule's list recommends
        # the trail's branch and tier steps list the branches and tiers tried (up to the one chosen; all
        # tiers for the standard tier), then every factor has its step: the facts their clauses read,
        # by the index of the branch and of the tier chosen
        factor_reads = read_names(cond for _, cond in cv.factors)
        branch_conds = [cond for _, cond in cv.branches]
        tier_conds = [cond for _, cond in cv.tiers]
        self.reads_by = {
            (b, k): tuple(
                dict.fromkeys((*read_names(branch_conds[: b + 1]), *read_names(tier_conds[: k + 1]), *factor_reads))
            )
            for b in range(len(branch_conds))
            for k in range(len(tier_conds) + 1)
        }
        self.factor_ids = tuple(f.id for f, _ in cv.factors)
        #: the kinds of the orders each branch's decision gives (the interpreter's ``named_orders``)
        self.orders = tuple(
            tuple(dict.fromkeys(kind for kind, _, _ in named_orders(cv.version.orders, b))) for b, _ in cv.branches
        )

    def alike(self, why: Why, case: Case) -> Alike:
        """The branch, the factors weighed and the JSON values of the facts the trail's tier and
        factor steps read (a case with a band: ``why`` has a branch and a tier)."""
        b, k, mask, _results = why
        weighed = tuple(f for j, f in enumerate(self.factor_ids) if mask >> j & 1)
        return Alike(self.cv.branches[b][0].id, weighed, self._json(case, self.reads_by[b, k]))

    def _json(self, case: Case, names: tuple[str, ...]) -> dict[str, Any]:
        """The facts ``names`` as JSON values, as ``Evaluation._facts`` gives them (given, else the default)."""
        given = case.facts
        out: dict[str, Any] = {}
        for name in names:
            raw = given.get(name)
            if name == PARTY:
                out[name] = _party(case)
            elif raw is None:
                out[name] = self.rule.sorted_json[name]
            else:
                out[name] = fact_json(self.rows[name], raw)[0]
        return out

    def _held(self, results: list[bool]) -> tuple[list[int], list[int]]:
        """The provisions that hold, and those of them that decide no penalty (the mandatory ones,
        else the optional ones this rule's list recommends), as ``VersionRun.run`` takes them."""
        cv, effects = self.cv, self.effects
        held = [j for j, (_p, cond) in enumerate(cv.provisions) if cond.holds(results)]
        chosen = [j for j in held if effects[j] == "no_penalty"]
        return held, chosen or [j for j in held if effects[j] == "may_no_penalty" and j in self.recommended]

    def penalties(self, why: Why | None, facts: dict[str, Any], fine: Any) -> list[tuple[str, Decimal | None]]:
        """The decision's penalties as (kind, amount), in its order (``VersionRun._penalties``): the
        fine, the confiscations of a non-zero amount, the branch's other penalties; none when no
        penalty is given (the limitation period, a provision or the branch)."""
        if why is None or why[0] < 0:
            return []
        branch = self.cv.branches[why[0]][0]
        if branch.no_penalty is not None or self._held(why[3])[1]:
            return []
        return _penalties(branch, facts, fine)

    def duty_kinds(
        self, why: Why | None, facts: dict[str, Any], case: Case, decided_on: dt.date, tier: str | None, fine: Any
    ) -> tuple[str, ...]:
        """The kinds of the decision's duties, in its order (``why`` ``None``: the limitation period
        ran out, no duty)."""
        if why is None:
            return ()
        b, _k, _mask, results = why
        cv, effects = self.cv, self.effects
        held, chosen = self._held(results)
        if chosen:  # not punished by a provision (Art. 30, 31, 33): its orders, then education
            provisions = [cv.provisions[j][0] for j in chosen]
            kinds = dict.fromkeys(o.kind.value for p in provisions for o in p.orders)
            if any(p.education for p in provisions):
                kinds["education"] = None
            return tuple(kinds)
        branch = cv.branches[b][0]
        if branch.no_penalty is not None:
            return ("education",) if branch.no_penalty.education else ()
        penalties = _penalties(branch, facts, fine)
        kinds = dict.fromkeys(self.orders[b])
        general = self.rule.pack.general
        threshold = hearing_threshold(general, case.party.kind, decided_on)
        if threshold is not None:
            for kind, amount in penalties:
                if kind in ("fine", "confiscation") and amount is not None and reaches(threshold, amount):
                    kinds["hearing_notice"] = None
        if any(kind in HEARING_KINDS for kind, _ in penalties):
            kinds["hearing_notice"] = None
        if tier == "below_minimum":
            kinds["collective_discussion"] = None
        review = general.legal_review_with_hearing
        if review is not None and review.value is True and "hearing_notice" in kinds:
            kinds["legal_review"] = None
        if penalties and "collective_discussion" not in kinds:
            grave = general.collective_discussion_kinds
            if any(effects[j] == "collective_discussion" for j in held) or (
                grave is not None and any(kind in grave.value for kind, _ in penalties)
            ):
                kinds["collective_discussion"] = None
        mitigate = any(effects[j] == "mitigate" for j in held)
        if mitigate and fine is None and any(o.kind.value not in UNMITIGABLE for o in branch.also):
            kinds["decide_mitigation"] = None  # mandatory mitigation of a penalty that is not a fine
        return tuple(kinds)


def _penalties(branch: Branch, facts: dict[str, Any], fine: Decimal | None) -> list[tuple[str, Decimal | None]]:
    """A branch's penalties when it punishes: the fine, the confiscations of a non-zero amount, the
    other penalties."""
    penalties: list[tuple[str, Decimal | None]] = [] if fine is None else [("fine", fine)]
    penalties += [("confiscation", facts[n]) for n in branch.confiscate if facts[n] != 0]
    return penalties + [(o.kind.value, None) for o in branch.also]


class Record:
    """The compiled evaluator's record of one case, read without the interpreter (``lazy.Reads``):
    the version's ``Explainer``, what it recorded (``why``), the typed facts and what was decided."""

    __slots__ = ("case", "decided_on", "explainer", "facts", "fine", "has_band", "tier", "why")

    def __init__(
        self,
        explainer: Explainer,
        why: Why | None,
        facts: dict[str, Any],
        case: Case,
        decided_on: dt.date,
        tier: str | None,
        fine: Decimal | None,
        has_band: bool,
    ) -> None:
        self.explainer, self.why, self.facts, self.case = explainer, why, facts, case
        self.decided_on, self.tier, self.fine, self.has_band = decided_on, tier, fine, has_band

    def alike(self) -> Alike | None:
        """``None`` for a decision without a band (nothing to compare within)."""
        return None if not self.has_band or self.why is None else self.explainer.alike(self.why, self.case)

    def duty_kinds(self) -> tuple[str, ...]:
        return self.explainer.duty_kinds(self.why, self.facts, self.case, self.decided_on, self.tier, self.fine)

    def penalty_kinds(self) -> tuple[str, ...]:
        return tuple(kind for kind, _ in self.explainer.penalties(self.why, self.facts, self.fine))


__all__ = ["Explainer", "Record", "Why", "read_names"]
