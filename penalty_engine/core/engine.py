"""The engine: load packs once, then evaluate cases purely.

The stages live in ``core.evaluation`` (common stages, Art. 37, the decision), ``core.version``
(the version-dependent stages) and ``core.general_stages`` (the general part of 行政处罚法).

``evaluate`` reads no file, clock, environment or randomness: dates come from the case or from
``as_of``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from ..cel import CelPath
from ..errors import CaseError, RuleError, RuleErrors, collect, field_name, joined, kind_of, msg, pair, suggest
from ..models import (
    MAX_DATE,
    MIN_DATE,
    Case,
    Combined,
    CombinedFine,
    Decision,
    Decisions,
    NotApplied,
    Pack,
    Prose,
    in_lang,
)
from ..money import dec_str
from ..pack import CompiledRule, bundled_pack_paths, compile_pack, load_pack_files
from ..yamlio import Located
from .case_io import case_where, to_case
from .compiled import RulePlan
from .evaluation import Evaluation
from .texts import both

ART29 = "行政处罚法 第二十九条"
Evaluator = Literal["compiled", "interpreter"]


class Engine:
    """Loaded, compiled, immutable rule packs.

    Example::

        engine = Engine.load()                       # the bundled packs
        decision = engine.evaluate(case_dict, as_of=date(2026, 4, 10))
    """

    def __init__(
        self,
        rules: Iterable[CompiledRule],
        not_applied: Mapping[str, NotApplied] | None = None,
        layers: Iterable[str] = (),
        evaluator: Evaluator = "interpreter",
    ) -> None:
        """``rules`` compiled; ``not_applied``: ``pack/rule`` ids a layer does not apply; ``layers``:
        the ids of the packs that are layers (ADR 0011): a bare rule id that a base and its layers
        share names the base's rule; ``evaluator``: ``"compiled"`` decides the versions it covers
        with the compiled evaluator and gives lazy decisions, ``"interpreter"`` runs every case on
        the interpreter, the reference (ADR 0026; the output is the same byte for byte)."""
        if evaluator not in ("compiled", "interpreter"):
            raise ValueError(f"evaluator: 'compiled' or 'interpreter', got {evaluator!r}")
        self.evaluator = evaluator
        self._not_applied = dict(not_applied or {})
        self._layers = frozenset(layers)
        self._rules: dict[str, CompiledRule] = {}
        self._bare: dict[str, list[str]] = {}
        for r in rules:
            if r.id in self._rules:
                message = msg("rule '{rule}' is loaded twice (two packs with id '{pack}')", rule=r.id, pack=r.pack.id)
                raise RuleError("PE-R011", message)
            self._rules[r.id] = r
            self._bare.setdefault(r.rule.id, []).append(r.id)
        #: each rule's compiled versions (ADR 0026); none with the interpreter alone
        self._plans = {r.id: RulePlan(r) for r in self._rules.values()} if evaluator == "compiled" else {}

    @classmethod
    def load(cls, *packs: str | Path, cel: CelPath = "tree", evaluator: Evaluator = "interpreter") -> Engine:
        """Load packs by folder or bundled id; with no argument, every bundled pack.

        ``cel="library"`` runs every condition on the CEL library, without the fast path (the
        reference path; results are the same, ADR 0009). ``evaluator="compiled"`` decides the
        versions it covers with the compiled evaluator and returns lazy decisions: about three times
        faster when only the decided fields (outcome, fine, band, level, tier) are read, slower when
        the trail or the JSON is read too, which then runs the interpreter as well. The default,
        ``"interpreter"``, suits every caller that keeps the whole decision (the command line, the
        service, impact); replay loads the compiled evaluator, as it reads a decision's duty kinds
        and similar-case parts from the compiled record (``core.record``) and expands only the
        flagged ones. Same output byte for byte either way (ADR 0026).

        Raises:
            RuleError: (often ``RuleErrors``) naming file:line for every defect found.
        """
        paths: list[str | Path] = list(packs) if packs else list(bundled_pack_paths())
        compiled: list[CompiledRule] = []
        not_applied: dict[str, NotApplied] = {}
        layers: set[str] = set()
        errors: list[RuleError] = []
        for p in paths:
            loaded = collect(errors, lambda p=p: load_pack_files(p))  # type: ignore[misc]
            if loaded is None:
                continue
            compiled.extend(collect(errors, lambda loaded=loaded: compile_pack(loaded, cel=cel)) or [])  # type: ignore[misc]
            not_applied.update({f"{loaded.pack.id}/{rid}": why for rid, why in loaded.not_applied.items()})
            if loaded.bases:
                layers.add(loaded.pack.id)
        if errors:
            raise RuleErrors(errors)
        return cls(compiled, not_applied, layers, evaluator)

    @classmethod
    def load_for(cls, cases: Iterable[Any], *, evaluator: Evaluator = "interpreter") -> Engine:
        """The engine a command needs for ``cases`` (case dicts as read): only the bundled packs their
        violations name as ``pack/rule`` (a quicker start: one pack compiles in a third of the time of
        all), or every bundled pack, as ``load()``, when a case names a bare rule id, no violation, a
        pack that is not bundled or a rule its pack does not have, so that every error and its
        suggestions are the same. A pack's rules never read another pack's (its layer's base is loaded
        with it): the decisions are the same byte for byte (tested on every golden case)."""
        refs = [ref for data in cases for ref in _violations(data)]
        bundled = {p.name for p in bundled_pack_paths()}
        named = {ref.partition("/")[0] for ref in refs}
        if refs and all("/" in ref for ref in refs) and named <= bundled:
            engine = cls.load(*sorted(named), evaluator=evaluator)
            if all(ref in engine._rules for ref in refs):
                return engine
        return cls.load(evaluator=evaluator)

    def _implements(self, violation: str) -> dict[str, list[str]]:
        """The rules ``violation``'s rule implements (``pack/rule`` → citations)."""
        rule = self._rules[violation]
        return {f"{rule.pack.id}/{imp.rule}": [b.cite() for b in imp.basis] for imp in rule.rule.implements}

    def rules(self) -> list[CompiledRule]:
        """Every loaded rule, sorted by id (``pack/rule``)."""
        return [self._rules[k] for k in sorted(self._rules)]

    def packs(self) -> list[str]:
        return sorted({r.pack.id for r in self._rules.values()})

    def rule(self, ref: str, where: str = "") -> CompiledRule:
        """Find a rule by ``pack/rule`` or by a bare rule id that exactly one pack has (or, among
        several, exactly one pack that is not a layer: the base whose rule the layers inherit)."""
        if ref in self._rules:
            return self._rules[ref]
        matches = self._bare.get(ref, [])
        if len(matches) > 1:
            bases = [m for m in matches if m.partition("/")[0] not in self._layers]
            matches = bases if len(bases) == 1 else matches
        if len(matches) == 1:
            return self._rules[matches[0]]
        if len(matches) > 1:
            message = msg(
                "{field}: '{ref}' is in several packs, name one of {names}",
                field=field_name("violation"),
                ref=ref,
                names=joined(sorted(matches)),
            )
            raise CaseError("PE-C007", message, where)
        gone = [k for k in self._not_applied if ref in (k, k.partition("/")[2])]
        if len(gone) == 1:
            pack, _, rid = gone[0].partition("/")
            why = self._not_applied[gone[0]]
            message = msg(
                "{field}: {rule} 在本辖区不适用 / is not applied in the territory of pack '{pack}': {reason}; "
                "basis: {basis}",
                field=field_name("violation"),
                rule=rid,
                pack=pair(pack, ""),  # an identifier: not in the Chinese
                reason=pair(f"{why.reason.zh} ({why.reason.en})", why.reason.zh),
                basis=joined((b.cite() for b in why.basis), "; ", "；"),
            )
            raise CaseError("PE-C010", message, where)
        known = list(self._rules) + list(self._bare)
        message = msg("{field}: unknown rule '{ref}'", field=field_name("violation"), ref=ref) + suggest(ref, known)
        raise CaseError("PE-C006", message, where)

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
        _check_as_of(as_of, lambda: case_where(source, c.case_id))
        if c.violations is not None:
            message = msg(
                "{field}: a case with several violations gives several decisions; use {call}",
                field=field_name("violations"),
                call="evaluate_any()",
            )
            raise CaseError("PE-C003", message, case_where(source, c.case_id))
        if c.decided_on is not None:
            decided_on, decided_source = c.decided_on, "case.decided_on"
        else:
            decided_on, decided_source = _decision_date(c, as_of, as_of_label, lambda: case_where(source, c.case_id))
        rule = self._rules.get(c.violation or "")  # the usual case: a full ``pack/rule`` id
        if rule is None:
            rule = self.rule(c.violation or "", case_where(source, c.case_id, ("violation",)))
        plan = self._plans.get(rule.id)
        if plan is not None:  # the compiled evaluator: a lazy decision, or None for the interpreter
            lazy: Decision | None = plan.decide(c, decided_on, decided_source, source)
            if lazy is not None:
                return lazy
        return Evaluation(rule, c, decided_on, decided_source, source).run()

    def coverage(self) -> dict[str, list[tuple[str, bool]]]:
        """Per rule id, (version key, whether the compiled evaluator decides it) of each version
        (every version ``False`` with the interpreter alone)."""
        return {
            rid: self._plans[rid].versions() if rid in self._plans else [(v.key, False) for v in r.versions]
            for rid, r in sorted(self._rules.items())
        }

    def evaluate_any(
        self,
        case: Case | Mapping[str, Any],
        as_of: dt.date | None = None,
        *,
        source: Located | None = None,
        as_of_label: str = "as_of",
    ) -> Decision | Decisions:
        """Evaluate a case with one violation (a ``Decision``) or several (``Decisions``).

        With ``same_act: true`` only one fine stands (行政处罚法 Art. 29): the one under the
        provision whose statutory maximum is higher, then whose minimum is higher, then the
        first listed; other penalty kinds combine. Separate acts keep every fine.
        """
        c = to_case(case, source)
        if c.violations is None:
            return self.evaluate(c, as_of, source=source, as_of_label=as_of_label)
        decisions = []
        for i, item in enumerate(c.violations, start=1):
            sub = c.model_copy(
                update={
                    "case_id": f"{c.case_id}#{i}",
                    "violation": item.violation,
                    "facts": item.facts,
                    "violations": None,
                    "same_act": None,
                }
            )
            decisions.append(self.evaluate(sub, as_of, source=source, as_of_label=as_of_label))
        return Decisions(
            case_id=c.case_id,
            same_act=bool(c.same_act),
            decisions=decisions,
            combined=combine(
                decisions,
                c.same_act,
                [self._rules[d.violation.id].pack for d in decisions],
                {d.violation.id: self._implements(d.violation.id) for d in decisions},
            ),
        )


def combine(
    decisions: list[Decision],
    same_act: bool | None,
    packs: list[Pack] | None = None,
    implements: Mapping[str, Mapping[str, list[str]]] | None = None,
) -> Combined:
    """Art. 29: one fine per act, under the provision with the higher fine. Separate acts keep
    every fine, except that fines of a pack's fine group add up to at most the group's cap.

    For one act (ADR 0018): a provision that another one charged implements (``implements``:
    violation → implemented violation → citations) is not compared, the specific one stands; and
    the violations of one fine group are items of one provision whose own rule adds their fines up
    to the cap (62号令 Art. 43 para 2), compared under Art. 29 as one."""
    fined = [d for d in decisions if d.recommended_fine is not None and d.statutory_range is not None]
    if same_act and len(fined) >= 2 and (implements or packs):
        special = _same_act_special(fined, packs or [], implements or {})
        if special is not None:
            return special
    if not same_act or len(fined) < 2:
        fines = [CombinedFine(violation=d.violation.id, amount=d.recommended_fine) for d in fined if d.recommended_fine]
        reason = both("reason.separate_acts" if not same_act else "reason.one_fine")
        basis = [ART29] if same_act else []
        if not same_act:
            fines, reason, basis = _group_caps(fines, packs or [], reason, basis)
        return Combined.model_construct(  # the reason keeps its English twin
            fines=fines, applied=fined[0].violation.id if same_act and fined else None, basis=basis, reason=reason
        )
    best = fined[0]
    for d in fined[1:]:
        assert d.statutory_range is not None and best.statutory_range is not None
        if (d.statutory_range.max, d.statutory_range.min) > (best.statutory_range.max, best.statutory_range.min):
            best = d
    assert best.recommended_fine is not None
    return Combined.model_construct(  # the reason keeps its English twin
        fines=[CombinedFine(violation=best.violation.id, amount=best.recommended_fine)],
        applied=best.violation.id,
        basis=[ART29],
        reason=both("reason.same_act"),
    )


def _same_act_special(
    fined: list[Decision], packs: list[Pack], implements: Mapping[str, Mapping[str, list[str]]]
) -> Combined | None:
    """One act: implemented provisions set aside, fine-group items taken together; ``None`` when
    neither applies (the plain Art. 29 comparison)."""
    ids = {d.violation.id for d in fined}
    cited: list[str] = []
    gone: set[str] = set()
    for d in fined:
        for target, basis in implements.get(d.violation.id, {}).items():
            if target in ids and target != d.violation.id:
                gone.add(target)
                cited += [c for c in basis if c not in cited]
    kept = [d for d in fined if d.violation.id not in gone]
    units: list[list[Decision]] = []
    groups: list[tuple[Decimal, list[str]] | None] = []
    placed: dict[str, int] = {}
    for d in kept:
        found = _group_of(d.violation.id, packs)
        key = found[0] if found is not None else f"rule:{d.violation.id}"
        if found is not None and key in placed:
            units[placed[key]].append(d)
            continue
        placed[key] = len(units)
        units.append([d])
        groups.append((found[1], found[2]) if found is not None else None)
    if not gone and all(len(u) == 1 for u in units):
        return None

    def edges(i: int) -> tuple[Decimal, Decimal]:
        members, cap = units[i], groups[i]
        top = sum((d.statutory_range.max for d in members if d.statutory_range), Decimal(0))
        low = sum((d.statutory_range.min for d in members if d.statutory_range), Decimal(0))
        return (min(top, cap[0]), min(low, cap[0])) if cap is not None else (top, low)

    best = max(range(len(units)), key=lambda i: (*edges(i), -i))
    unit, group = units[best], groups[best]
    fines = [CombinedFine(violation=d.violation.id, amount=d.recommended_fine) for d in unit if d.recommended_fine]
    parts = [both("reason.same_act")]
    basis = [ART29]
    if gone:
        parts.append(both("reason.implements"))
        basis += cited
    if group is not None and len(unit) > 1:
        left, capped = group[0], []
        for f in fines:
            capped.append(CombinedFine(violation=f.violation, amount=min(f.amount, left)))
            left -= capped[-1].amount
        fines = capped
        parts.append(both("reason.one_act_items", cap=dec_str(group[0])))
        basis += [c for c in group[1] if c not in basis]
    reason = Prose("；".join(parts), "; ".join(in_lang(x, "en") for x in parts))
    # constructed, not validated: the reason keeps its English twin
    return Combined.model_construct(fines=fines, applied=unit[0].violation.id, basis=basis, reason=reason)


def _group_of(violation: str, packs: list[Pack]) -> tuple[str, Decimal, list[str]] | None:
    """The fine group (pack/id, cap, citations) of a violation, if any."""
    for pack in {p.id: p for p in packs}.values():
        for group in pack.fine_groups:
            if violation in {f"{pack.id}/{r}" for r in group.rules}:
                return f"{pack.id}/{group.id}", group.cap, [b.cite() for b in group.basis]
    return None


def _group_caps(
    fines: list[CombinedFine], packs: list[Pack], reason: Prose, basis: list[str]
) -> tuple[list[CombinedFine], Prose, list[str]]:
    """Fines of one fine group add up to at most its cap; in the order listed, the fine that
    reaches the cap is cut to what is left and later ones in the group to zero."""
    for pack in {p.id: p for p in packs}.values():
        for group in pack.fine_groups:
            members = {f"{pack.id}/{r}" for r in group.rules}
            if sum(f.amount for f in fines if f.violation in members) <= group.cap:
                continue
            left = group.cap
            capped = []
            for f in fines:
                if f.violation in members:
                    f = CombinedFine(violation=f.violation, amount=min(f.amount, left))
                    left -= f.amount
                capped.append(f)
            fines = capped
            more = both("reason.group_cap", group=group.id, cap=dec_str(group.cap))
            reason = Prose(f"{reason}；{more}", f"{in_lang(reason, 'en')}; {in_lang(more, 'en')}")
            basis = [*basis, *(b.cite() for b in group.basis)]
    return fines, reason, basis


def _check_as_of(as_of: Any, where: Callable[[], str]) -> None:
    """``as_of`` is None or a ``datetime.date`` (not a datetime, whose time would be dropped) within
    the dates a case may give; ``where`` names the case (called on an error only)."""
    if as_of is not None and type(as_of) is not dt.date:
        small = isinstance(as_of, (str, dt.date)) and len(str(as_of)) <= 40  # repr of anything may fail
        shown = repr(as_of) if small else msg("a {kind}", kind=kind_of(as_of))
        message = msg(
            "{field}: expected a {type}, got {shown}", field=field_name("as_of"), type="datetime.date", shown=shown
        )
        raise CaseError("PE-C004", message, where())
    if as_of is not None and not MIN_DATE <= as_of <= MAX_DATE:
        message = msg(
            "{field}: dates run from {min} to {max}, got {as_of}",
            field=field_name("as_of"),
            min=MIN_DATE,
            max=MAX_DATE,
            as_of=as_of,
        )
        raise CaseError("PE-C005", message, where())


def _decision_date(case: Case, as_of: dt.date | None, label: str, where: Callable[[], str]) -> tuple[dt.date, str]:
    """The decision date and where it came from; ``where`` names the case (called on an error only)."""
    if case.decided_on is not None:
        return case.decided_on, "case.decided_on"
    if as_of is None:
        message = msg("{field}: the case has no decided_on and no as_of date was given", field=field_name("decided_on"))
        raise CaseError("PE-C009", message, where())
    if as_of < case.occurred_on:
        message = msg(
            "{field}: the as-of date {as_of} is before occurred_on {occurred_on}",
            field=field_name("decided_on"),
            as_of=as_of,
            occurred_on=case.occurred_on,
        )
        raise CaseError("PE-C004", message, where())
    return as_of, label


def _violations(data: Any) -> list[str]:
    """The violation ids a case dict names (``violation``, or each of ``violations``); ``[""]`` when it
    names none in the usual way (the caller then loads every pack)."""
    if not isinstance(data, Mapping):
        return [""]
    items = data.get("violations")
    if items is None:
        items = [data]
    if not isinstance(items, list):
        return [""]
    refs = [item.get("violation") if isinstance(item, Mapping) else None for item in items]
    return [ref if isinstance(ref, str) else "" for ref in refs] or [""]
