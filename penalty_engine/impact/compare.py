"""One input row under two packs: evaluate the case with the engine of each side and say what differs.

Pure given the two loaded engines: no clock, no file (the day the run is made comes from the caller
as ``Settings.run_date``). A row ends in exactly one outcome:

* ``Compared``: both sides decided it; one ``Pair`` per decision (one, or one per violation of a
  case with several), matched by the case row and the violation's place in it;
* ``OneSided``: one side decided it and the other refused it (a rule a layer does not apply, a fact
  only one version knows): a finding of the comparison, reported with the error;
* ``Rejected``: the row cannot be read, or both sides refuse it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..core import Engine, Evaluator, duty_kinds, penalty_kinds, to_case
from ..errors import CaseError, PenaltyEngineError, field_name, kind_of, msg, text_zh
from ..models import Case, Decision, Decisions
from ..replay import Mapping, Row, bad_row, dates_after, json_error, unexpected

#: What a pair of decisions is compared on, in the order a change is named.
ASPECTS = ("outcome", "level", "tier", "band", "amount", "duties", "penalties")
#: The authority's duties that follow from the amount or the band: the thresholds a change may cross.
THRESHOLD_DUTIES = ("hearing_notice", "legal_review", "collective_discussion")


@dataclass(frozen=True)
class Settings:
    """What every worker needs: the packs of each side, the mapping and the dates."""

    before: tuple[str, ...]
    after: tuple[str, ...]
    mapping: Mapping | None = None
    as_of: dt.date | None = None
    #: the day the comparison is run (the shell gives it); a row dated after it is a data error
    run_date: dt.date | None = None
    #: how each side decides: the compiled evaluator (its record gives the kinds of duties and
    #: penalties compared; a row is expanded only for the trails of the largest changes) or the
    #: interpreter (the reference); the outputs are the same byte for byte (ADR 0026)
    evaluator: Evaluator = "compiled"


@dataclass(frozen=True, slots=True)
class Side:
    """One decision as one side's packs give it (what the comparison and the report need)."""

    rule: str  # pack/rule
    title: str
    version: str
    outcome: str
    tier: str | None
    level: tuple[str, str, str] | None  # id, zh name, en name
    band: tuple[Decimal, Decimal] | None
    amount: Decimal | None
    duties: tuple[str, ...]
    penalties: tuple[str, ...]
    trail: tuple[dict[str, Any], ...] = ()  # the steps without messages (kept only when asked)

    def aspect(self, name: str) -> Any:
        return self.level[0] if name == "level" and self.level is not None else getattr(self, name)


@dataclass(frozen=True, slots=True)
class Pair:
    """The same decision of a case under both sides."""

    case_id: str  # the decision's case id (``case#2`` for the second violation of a case)
    violation: str  # the rule id without its pack: the base's and a layer's rule share it
    before: Side
    after: Side
    changed: tuple[str, ...]  # the ASPECTS that differ

    @property
    def delta(self) -> Decimal | None:
        a, b = self.before.amount, self.after.amount
        return None if a is None or b is None else b - a


#: (side, fact) of each fact a side's rule does not declare and the other side's does, left out on
#: that side (a layer's added circumstances, which the base does not read)
Ignored = tuple[tuple[str, str], ...]


@dataclass(slots=True)
class Compared:
    case_id: str
    source: str
    pairs: list[Pair]
    lines: int = 1
    ignored: Ignored = ()
    row: Row | None = None  # the input row, when a decision changed: to decide it again with its trails


@dataclass(slots=True)
class OneSided:
    case_id: str
    source: str
    failed: str  # "before" or "after": the side that refused the case
    error: str
    decided: list[Side]  # what the other side decided
    lines: int = 1
    ignored: Ignored = ()
    error_zh: str | None = None  # the error in Chinese


@dataclass(slots=True)
class Rejected:
    source: str
    case_id: str | None
    error: str  # the row's error, or the before side's when both refused
    error_after: str | None = None  # set when both sides refused it (and said something else)
    lines: int = 1
    error_zh: str | None = None  # the errors in Chinese
    error_after_zh: str | None = None


def _rejected(source: str, case_id: str | None, error: str | PenaltyEngineError, lines: int) -> Rejected:
    """A rejected row with its error in both languages (an engine error's, or a row's ``Msg``)."""
    if isinstance(error, PenaltyEngineError):
        return Rejected(source, case_id, error.text("en"), lines=lines, error_zh=error.text("zh"))
    return Rejected(source, case_id, str(error), lines=lines, error_zh=text_zh(error, error[:7]))


Outcome = Compared | OneSided | Rejected


def bare(rule_id: str) -> str:
    """``cn-gs-transport/unlicensed-passenger`` → ``unlicensed-passenger``."""
    return rule_id.rpartition("/")[2]


def side_of(d: Decision, keep_trail: bool = False) -> Side:
    level = None if d.level is None else (d.level.id, d.level.name.zh, d.level.name.en)
    return Side(
        rule=d.violation.id,
        title=d.violation.title,
        version=d.violation.version,
        outcome=d.outcome,
        tier=d.tier,
        level=level,
        band=None if d.band is None else (d.band.min, d.band.max),
        amount=d.recommended_fine,
        duties=tuple(sorted(set(duty_kinds(d)))),
        penalties=tuple(sorted(set(penalty_kinds(d)))),
        trail=tuple(_raw_steps(d)) if keep_trail else (),
    )


def _raw_steps(d: Decision) -> list[dict[str, Any]]:
    return [{"step": s.step, "code": s.code, "basis": s.basis, "inputs": s.inputs, "result": s.result} for s in d.trail]


def compare(before: Decision, after: Decision, keep_trail: bool = False) -> Pair:
    """The pair of two decisions of the same case and violation, with what differs; with
    ``keep_trail``, each side keeps its trail's steps."""
    b, a = side_of(before, keep_trail), side_of(after, keep_trail)
    changed = tuple(x for x in ASPECTS if b.aspect(x) != a.aspect(x))
    return Pair(before.case_id, bare(before.violation.id), b, a, changed)


def _decisions(result: Decision | Decisions) -> list[Decision]:
    return list(result.decisions) if isinstance(result, Decisions) else [result]


class Comparer:
    """Evaluates rows under both sides (one per worker process)."""

    def __init__(self, settings: Settings, before: Engine | None = None, after: Engine | None = None) -> None:
        self.settings = settings
        self.mapping = settings.mapping or Mapping()
        self.engines = (
            before if before is not None else Engine.load(*settings.before, evaluator=settings.evaluator),
            after if after is not None else Engine.load(*settings.after, evaluator=settings.evaluator),
        )
        self._packs = tuple(frozenset(e.packs()) for e in self.engines)

    def row(self, row: Row, keep_trail: bool = False) -> Outcome:
        """The outcome of one row. Trails are not kept (a worker sends back only what is counted);
        ``keep_trail`` decides the row again with them, for the few changes a report shows."""
        if row.error is not None or row.data is None:
            return _rejected(row.source, None, row.error or bad_row(msg("empty row")), row.lines)
        case_id: str | None = None
        try:
            data = self._data(row.data)
            cid = data.get("case_id")
            case_id = str(cid) if cid is not None else None
            case = self._case(data)
        except PenaltyEngineError as exc:
            return _rejected(row.source, case_id, exc, row.lines)
        except Exception as exc:  # a bad row must never stop the run
            return _rejected(row.source, case_id, unexpected(exc), row.lines)
        cases = [retarget(case, packs) for packs in self._packs]
        ignored: Ignored = ()
        with contextlib.suppress(PenaltyEngineError):  # a rule a side does not have: its evaluation says so
            cases, ignored = shared_facts(self.engines, cases)
        results: list[list[Decision] | str] = []
        zh: list[str] = []  # each side's error in Chinese
        for engine, side_case in zip(self.engines, cases, strict=True):
            try:
                results.append(_decisions(engine.evaluate_any(side_case, self.settings.as_of)))
                zh.append("")
            except PenaltyEngineError as exc:
                results.append(exc.text("en"))
                zh.append(exc.text("zh"))
            except Exception as exc:  # an engine defect on one row is that row's error
                results.append(str(unexpected(exc)))
                zh.append(text_zh(unexpected(exc)))
        b, a = results
        if isinstance(b, str) and isinstance(a, str):
            same = a == b
            return Rejected(row.source, case.case_id, b, None if same else a, row.lines, zh[0], None if same else zh[1])
        if isinstance(b, str) or isinstance(a, str):
            failed, error, decided = ("before", b, a) if isinstance(b, str) else ("after", a, b)
            assert isinstance(error, str) and not isinstance(decided, str)
            decided_sides = [side_of(d) for d in decided]
            error_zh = zh[0] if failed == "before" else zh[1]
            return OneSided(case.case_id, row.source, failed, error, decided_sides, row.lines, ignored, error_zh)
        if len(b) != len(a):  # the case fixes the violations, so this is an engine defect
            sides = msg("PE-C001 the sides gave {before} and {after} decisions", before=len(b), after=len(a))
            return _rejected(row.source, case.case_id, sides, row.lines)
        pairs = [compare(x, y, keep_trail) for x, y in zip(b, a, strict=True)]
        changed = any(p.changed for p in pairs)
        return Compared(case.case_id, row.source, pairs, row.lines, ignored, row if changed else None)

    def _data(self, data: str | dict[str, Any]) -> dict[str, Any]:
        if isinstance(data, str):
            try:
                parsed = json.loads(data)
            except json.JSONDecodeError as exc:
                raise PenaltyEngineError("PE-C001", json_error(exc)) from None
            if not isinstance(parsed, dict):
                raise PenaltyEngineError("PE-C001", msg("a case is a JSON object, got {kind}", kind=kind_of(parsed)))
            return parsed
        return self.mapping.to_case(data)

    def _case(self, data: dict[str, Any]) -> Case:
        case = to_case(data)
        latest = self.settings.run_date
        for name, day in dates_after(case, latest) if latest is not None else ():
            message = msg(
                "{field}: {day} is after the day of the comparison {latest}: a data error, not evaluated",
                field=field_name(name),
                day=day,
                latest=latest,
            )
            raise CaseError("PE-C005", message, msg("case {case_id}", case_id=case.case_id))
        return case

    def rows(self, rows: Iterable[Row]) -> list[Outcome]:
        return [self.row(r) for r in rows]


def retarget(case: Case, packs: frozenset[str]) -> Case:
    """The case as a side reads it: a violation named ``pack/rule`` whose pack that side does not
    load is looked up by its rule id (the national pack's rule and its layer's share the id)."""

    def name(v: str | None) -> str | None:
        if v is None or "/" not in v:
            return v
        pack, _, rule = v.rpartition("/")
        return v if pack in packs else rule

    if case.violations is None:
        found = name(case.violation)
        return case if found == case.violation else case.model_copy(update={"violation": found})
    items = tuple(
        i if name(i.violation) == i.violation else i.model_copy(update={"violation": name(i.violation)})
        for i in case.violations
    )
    return case if items == case.violations else case.model_copy(update={"violations": items})


SIDES = ("before", "after")


def shared_facts(engines: tuple[Engine, Engine], cases: list[Case]) -> tuple[list[Case], Ignored]:
    """The cases each side reads: a fact that one side's rule declares and the other's does not (a
    circumstance a layer adds to the base's rule, or a revision drops) is left out on the side that
    does not know it, and named; a fact neither side knows stays, for both to refuse.

    Raises ``PenaltyEngineError`` when a side has no rule of that name (its evaluation reports it).
    """
    items = [_items(c) for c in cases]
    known = [[engines[i].rule(v).facts for v, _ in items[i]] for i in range(2)]
    ignored: list[tuple[str, str]] = []
    out: list[Case] = []
    for i, case in enumerate(cases):
        kept: list[dict[str, Any]] = []
        for j, (_, facts) in enumerate(items[i]):
            mine, theirs = known[i][j], known[1 - i][j]
            drop = [f for f in facts if f not in mine and f in theirs]
            ignored.extend((SIDES[i], f) for f in drop)
            kept.append({k: v for k, v in facts.items() if k not in drop} if drop else facts)
        out.append(_with_facts(case, kept))
    return out, tuple(ignored)


def _items(case: Case) -> list[tuple[str, dict[str, Any]]]:
    if case.violations is None:
        return [(case.violation or "", case.facts)]
    return [(i.violation, i.facts) for i in case.violations]


def _with_facts(case: Case, facts: list[dict[str, Any]]) -> Case:
    if case.violations is None:
        return case if facts[0] is case.facts else case.model_copy(update={"facts": facts[0]})
    items = tuple(
        i if f is i.facts else i.model_copy(update={"facts": f}) for i, f in zip(case.violations, facts, strict=True)
    )
    return case.model_copy(update={"violations": items})
