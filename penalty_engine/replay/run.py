"""The replay pipeline: read rows → evaluate each with the rules in force at its dates → classify →
group and aggregate, streaming.

Rows are read in the parent and sent in batches to worker processes, each of which loads the engine
once (``--workers``; 1 = in process). At most a few batches are in flight, so memory stays flat as
the input grows. The parent writes each result line as it arrives, spills flagged cases (with their
trails) and rejects to files, and keeps only counters, group extremes and aggregates in memory.

``evaluate_rows`` is the pure per-partition function: a Dask or Spark job can map it over partitions
of rows and reduce the outcomes with ``Replay.absorb`` (see docs/replay.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import multiprocessing as mp
import os
import shutil
import signal
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from ..core import Engine, to_case
from ..core import Evaluator as EvaluatorKind
from ..errors import CaseError, Msg, PenaltyEngineError, field_name, kind_of, msg, pair, text_zh, word
from ..models import Case, Decision, Decisions
from .aggregate import Aggregates
from .classify import NOT_FLAGGED, classify, digest, money, tolerance, view_of
from .groups import Groups
from .lexicon import Names, rule_names
from .mapping import Mapping
from .readers import Row, bad_row, read_rows

BATCH = 500
#: what a grouped case carries to the report, in this order (``Evaluated.member``)
MEMBER_FIELDS = ("case_id", "source", "status", "actual_fine", "unit", "officer", "decided_on", "deviation_pct")
DATA_ERROR = msg("a data error of the export, not evaluated")


@dataclass(frozen=True)
class Settings:
    """What every worker needs to evaluate a row."""

    packs: tuple[str, ...] = ()
    mapping: Mapping | None = None
    as_of: dt.date | None = None
    tolerance_pct: Decimal | None = None  # None: each rule's pack says (similar_case_tolerance)
    redact: bool = False
    #: the day the replay is run (the shell gives it: ``--as-of`` or today); a row dated after it is a
    #: data error of the export, rejected, never evaluated silently
    replay_date: dt.date | None = None
    #: how decisions are made: the compiled evaluator (decisions expanded only for the flagged rows
    #: the report shows) or the interpreter (the reference); the output is the same byte for byte
    evaluator: EvaluatorKind = "compiled"


@dataclass(slots=True)
class Evaluated:
    case_id: str
    source: str
    status: str
    line: str  # the results.jsonl line
    names: dict[str, str]
    deviation: Decimal | None
    deviation_pct: Decimal | None
    fine: Decimal | None
    group: tuple[bytes, str, Decimal] | None  # key digest, what makes cases alike (JSON), tolerance
    flagged: str | None  # the flagged entry as a JSON line, with its decision (trail) under "decision"
    lines: int = 1  # physical lines of its input row
    #: the names of the rules this outcome is the first of its evaluator to name (``lexicon.rule_names``)
    names_of: dict[str, Names] | None = None
    #: a grouped case's line for the report's side-by-side view (``MEMBER_FIELDS`` as a JSON list)
    member: str | None = None


@dataclass(slots=True)
class Rejected:
    source: str
    case_id: str | None
    error: str  # ``CODE where: message`` in English
    lines: int = 1
    #: a date the export cannot have: ``future`` (after the replay date) or ``before_act``
    date_error: str | None = None
    #: the error in Chinese (``None``: as ``error``)
    error_zh: str | None = None


def rejected(
    source: str, case_id: str | None, error: str | PenaltyEngineError, lines: int = 1, date_error: str | None = None
) -> Rejected:
    """A rejected row, its error in both languages (an engine error's, or a row's ``Msg``)."""
    if isinstance(error, PenaltyEngineError):
        return Rejected(source, case_id, error.text("en"), lines, date_error, error.text("zh"))
    return Rejected(source, case_id, str(error), lines, date_error, text_zh(error, error[:7]))


Outcome = Evaluated | Rejected


def pseudonym(name: str, prefix: str) -> str:
    """A stable pseudonym: the same name always gives the same one."""
    return f"{prefix}-{hashlib.sha256(('penalty-engine:' + name).encode('utf-8')).hexdigest()[:8]}"


class Evaluator:
    """Evaluates rows with one loaded engine (one per worker process)."""

    def __init__(self, settings: Settings, engine: Engine | None = None) -> None:
        self.settings = settings
        self.engine = engine if engine is not None else Engine.load(*settings.packs, evaluator=settings.evaluator)
        self.mapping = settings.mapping or Mapping()
        self._units: dict[str, tuple[Decimal, Decimal]] = {}
        self._named: set[str] = set()

    def unit(self, rule_id: str) -> Decimal:
        return self._pack_numbers(rule_id)[0]

    def tolerance_pct(self, rule_id: str) -> Decimal:
        if self.settings.tolerance_pct is not None:
            return self.settings.tolerance_pct
        return self._pack_numbers(rule_id)[1]

    def _pack_numbers(self, rule_id: str) -> tuple[Decimal, Decimal]:
        found = self._units.get(rule_id)
        if found is None:
            pack = self.engine.rule(rule_id).pack
            share = pack.similar_case_tolerance * 100
            pct = Decimal(share.numerator) / Decimal(share.denominator)
            found = self._units[rule_id] = (Decimal(pack.rounding.unit), pct)
        return found

    def row(self, row: Row) -> Outcome:
        if row.error is not None or row.data is None:
            return rejected(row.source, None, row.error or bad_row(msg("empty row")), row.lines)
        case_id: str | None = None
        try:
            data = self._data(row.data)
            cid = data.get("case_id")
            case_id = str(cid) if cid is not None else None
            if self.settings.redact:
                _redact(data)
            done = self._evaluate(row.source, data)
            done.lines = row.lines
            return done
        except _DateError as exc:
            return rejected(row.source, case_id, exc, row.lines, date_error=exc.kind)
        except PenaltyEngineError as exc:
            return rejected(row.source, case_id, exc, row.lines)
        except Exception as exc:  # a bad row must never stop the replay
            return rejected(row.source, case_id, unexpected(exc), row.lines)

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

    def _evaluate(self, source: str, data: dict[str, Any]) -> Evaluated:
        _before_the_act(data)
        case = to_case(data)
        latest = self.settings.replay_date
        for name, day in dates_after(case, latest) if latest is not None else ():
            message = msg(
                "{field}: {day} is after the replay date {latest}: {data_error}",
                field=field_name(name),
                day=day,
                latest=latest,
                data_error=DATA_ERROR,
            )
            raise _DateError("future", "PE-C005", message, msg("case {case_id}", case_id=case.case_id))
        result = self.engine.evaluate_any(case, self.settings.as_of)
        view = view_of(result)
        actual = case.actual
        verdict = classify(view, actual)
        decisions = result.decisions if hasattr(result, "decisions") else [result]
        first = decisions[0]
        fine = Decimal(actual.fine) if actual is not None and actual.fine is not None else None
        entry: dict[str, Any] = {
            "case_id": case.case_id,
            "source": source,
            "status": verdict.status,
            "recommended_fine": money(view.recommended_fine),
            "band": None if view.band is None else {"min": money(view.band.min), "max": money(view.band.max)},
            "actual_fine": money(fine),
            "deviation": money(verdict.deviation),
            "deviation_pct": None if verdict.deviation_pct is None else str(verdict.deviation_pct),
            "violation": case.violation or "+".join(d.violation.id for d in decisions),
            "decided_on": first.dates.decided_on.isoformat(),
            "tier": view.tier,
            **_level(result),
            "actual_tier": actual.tier if actual else None,
            "officer": actual.officer if actual else None,
            "unit": actual.unit if actual else None,
        }
        group = None
        member = None
        fined = actual is not None and actual.outcome == "penalty" and fine is not None
        if view.key is not None and view.band is not None and fined:
            tol = tolerance(view.band, self.unit(first.violation.id), self.tolerance_pct(first.violation.id))
            group = (digest(view.key), json.dumps(view.alike, ensure_ascii=False, separators=(",", ":")), tol)
            member = json.dumps([entry.get(k) for k in MEMBER_FIELDS], ensure_ascii=False)
        names = {
            "violation": str(entry["violation"]),
            "unit": entry["unit"] or "",
            "officer": entry["officer"] or "",
            "month": first.dates.decided_on.isoformat()[:7],
        }
        line = json.dumps(entry, ensure_ascii=False)
        flagged = None
        if verdict.status not in NOT_FLAGGED:
            flagged = json.dumps(dict(entry, decision=result.model_dump(mode="json")), ensure_ascii=False)
        return Evaluated(
            case.case_id,
            source,
            verdict.status,
            line,
            names,
            verdict.deviation,
            verdict.deviation_pct,
            fine,
            group,
            flagged,
            names_of=self._names_of(d.violation.id for d in decisions),
            member=member,
        )

    def _names_of(self, ids: Iterable[str]) -> dict[str, Names] | None:
        new = [i for i in ids if i not in self._named]
        if not new:
            return None
        self._named.update(new)
        return {i: rule_names(self.engine.rule(i)) for i in new}

    def rows(self, rows: Iterable[Row]) -> list[Outcome]:
        return [self.row(r) for r in rows]


def unexpected(exc: Exception) -> Msg:
    """A row that failed with an exception the engine does not raise on purpose (a defect)."""
    return msg(
        "PE-C001 {kind}: {detail}", kind=pair(type(exc).__name__, ""), detail=word("details", str(exc), "(unexpected)")
    )


def json_error(exc: json.JSONDecodeError) -> Msg:
    """A JSON line that does not parse: what the reader says and where."""
    return msg("JSON error: {detail} at column {n}", detail=word("details", exc.msg, "(other)"), n=exc.colno)


def duplicate_id(case_id: str | None) -> Msg:
    """A case id given by an earlier row too."""
    return msg("PE-C003 {field}: duplicate case id '{case_id}'", field=field_name("case_id"), case_id=case_id)


class _DateError(CaseError):
    """A date the export cannot have: ``future`` (after the replay date) or ``before_act``."""

    def __init__(self, kind: str, code: str, message: Msg, where: str = "") -> None:
        super().__init__(code, message, where)
        self.kind = kind


def dates_after(case: Case, latest: dt.date) -> list[tuple[str, dt.date]]:
    """The case's dates (act, discovery, decision) later than ``latest``, the day of a replay or an
    impact run: an export cannot have them (a data error, not a case to decide)."""
    days = (("occurred_on", case.occurred_on), ("discovered_on", case.discovered_on), ("decided_on", case.decided_on))
    return [(name, day) for name, day in days if day is not None and day > latest]


def _before_the_act(data: dict[str, Any]) -> None:
    """A decision (or discovery) dated before the act is a data error of the export, said so plainly
    (the case's own check would refuse it too, in the words of a validation error)."""
    occurred = _day(data.get("occurred_on"))
    if occurred is None:
        return
    for name in ("discovered_on", "decided_on"):
        day = _day(data.get(name))
        if day is not None and day < occurred:
            message = msg(
                "{field}: {day} is before the act (occurred_on {occurred}): {data_error}",
                field=field_name(name),
                day=day,
                occurred=occurred,
                data_error=DATA_ERROR,
            )
            raise _DateError("before_act", "PE-C004", message, msg("case {case_id}", case_id=data.get("case_id")))


def _day(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _level(result: Decision | Decisions) -> dict[str, Any]:
    """``{"level": {id, name}}`` for a decision with a named level (ADR 0010); nothing otherwise, so
    the entries of packs without levels stay as they were."""
    if isinstance(result, Decision) and result.level is not None:
        return {"level": result.level.model_dump(mode="json")}
    return {}


def _redact(data: dict[str, Any]) -> None:
    party = data.get("party")
    if isinstance(party, dict) and isinstance(party.get("name"), str):
        party["name"] = pseudonym(party["name"], "当事人")
    actual = data.get("actual")
    if isinstance(actual, dict) and isinstance(actual.get("officer"), str):
        actual["officer"] = pseudonym(actual["officer"], "执法人员")


_WORKER: Evaluator | None = None


def _init_worker(settings: Settings) -> None:
    global _WORKER
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a forked worker must not run the parent's handler
    _WORKER = Evaluator(settings)


def _work(batch: list[Row]) -> list[Outcome]:
    assert _WORKER is not None
    return _WORKER.rows(batch)


def evaluate_rows(rows: Iterable[Row], settings: Settings, engine: Engine | None = None) -> list[Outcome]:
    """Evaluate a partition of rows (for Dask/Spark: map this over partitions)."""
    return Evaluator(settings, engine).rows(rows)


@dataclass
class Replay:
    """The running totals of a replay; flagged cases and rejects are spilled to files."""

    spill: IO[str]
    rejects_out: IO[str]
    results_out: IO[str] | None = None
    groups: Groups = field(default_factory=Groups)
    aggregates: Aggregates = field(default_factory=Aggregates)
    counts: dict[str, int] = field(
        default_factory=lambda: {
            "input": 0,
            "evaluated": 0,
            "rejected": 0,
            "consistent": 0,
            "flagged": 0,
            "no_actual": 0,
        }
    )
    seen: set[int] = field(default_factory=set)
    lines: int = 0  # physical lines of the rows absorbed (more than ``input`` when records span lines)
    spill_path: Path | None = None
    rejects_path: Path | None = None
    members_out: IO[str] | None = None
    members_path: Path | None = None
    #: the names of every rule an outcome named, by rule id (``lexicon.rule_names``)
    names: dict[str, Names] = field(default_factory=dict)
    date_errors: int = 0  # rejected rows whose dates the export cannot have (among ``rejected``)

    @classmethod
    def create(cls, workdir: Path, *, results: Path | None = None, rejects: Path | None = None) -> Replay:
        """A fresh state spilling to ``workdir``; call ``close()`` when every outcome is absorbed."""
        workdir.mkdir(parents=True, exist_ok=True)
        spill_path = workdir / "flagged.jsonl"
        rej_path = rejects or workdir / "rejects.jsonl"
        members = workdir / "members.jsonl"
        return cls(
            spill=spill_path.open("w", encoding="utf-8"),
            rejects_out=rej_path.open("w", encoding="utf-8"),
            results_out=results.open("w", encoding="utf-8") if results else None,
            spill_path=spill_path,
            rejects_path=rej_path,
            members_out=members.open("w", encoding="utf-8"),
            members_path=members,
        )

    def close(self) -> None:
        for fh in (self.spill, self.rejects_out, self.results_out, self.members_out):
            if fh is not None:
                fh.close()

    def absorb(self, out: Outcome) -> None:
        self.counts["input"] += 1
        self.lines += out.lines
        if isinstance(out, Evaluated):
            if out.names_of:
                self.names.update(out.names_of)
            h = hash(out.case_id)
            if h in self.seen:
                out = rejected(out.source, out.case_id, duplicate_id(out.case_id), out.lines)
            else:
                self.seen.add(h)
        if isinstance(out, Rejected):
            self.counts["rejected"] += 1
            reject: dict[str, Any] = {"source": out.source, "case_id": out.case_id, "error": out.error}
            reject["error_zh"] = out.error_zh or out.error
            if out.date_error:
                self.date_errors += 1
                reject["data_error"] = out.date_error
            self.rejects_out.write(json.dumps(reject, ensure_ascii=False) + "\n")
            return
        self.counts["evaluated"] += 1
        self.counts["flagged" if out.status not in NOT_FLAGGED else out.status] += 1
        if self.results_out is not None:
            self.results_out.write(out.line + "\n")
        if out.flagged is not None:
            self.spill.write(out.flagged + "\n")
        self.aggregates.add(out.names, out.status, out.case_id, out.deviation, out.deviation_pct)
        if out.group is not None and out.fine is not None:
            key, label, tol = out.group
            self.groups.add(key, label, out.case_id, out.fine, tol)
            if out.member is not None and self.members_out is not None:
                self.members_out.write(out.member + "\n")


def iter_inputs(
    inputs: Iterable[str | Path], mapping: Mapping | None, encoding: str | None, sheet: str | None = None
) -> Iterator[Row]:
    """The rows of every input in turn; ``sheet`` (else the mapping's ``sheet``, when it has one)
    names the XLSX sheet. Raises ``CaseError`` for a file no row of which can be read safely."""
    enc = encoding or (mapping.encoding if mapping else None)
    cols = {h: c.encoding for h, c in mapping.columns.items()} if mapping else {}
    named = sheet or (mapping.sheet if mapping else None)
    mapped = mapping.columns.__contains__ if mapping is not None and mapping.columns else None
    for path in inputs:
        yield from read_rows(path, encoding=enc, column_encodings=cols, sheet=named, mapped=mapped)


def batches(rows: Iterator[Row], size: int) -> Iterator[list[Row]]:
    """``rows`` in lists of ``size`` (the last may be shorter): the unit of work of a pool."""
    batch: list[Row] = []
    for r in rows:
        batch.append(r)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def run_replay(
    inputs: Iterable[str | Path],
    settings: Settings,
    *,
    workdir: Path,
    results: Path | None = None,
    rejects: Path | None = None,
    workers: int = 1,
    encoding: str | None = None,
    progress: Callable[[int], None] | None = None,
    sheet: str | None = None,
) -> Replay:
    """Replay every row of ``inputs``; flagged cases spill to ``workdir/flagged.jsonl``."""
    rows = iter_inputs(inputs, settings.mapping, encoding, sheet)
    state = Replay.create(workdir, results=results, rejects=rejects)
    try:
        pooled(
            rows,
            state.absorb,
            workers=workers,
            local=lambda: Evaluator(settings).rows,
            initializer=(_init_worker, (settings,)),
            work=_work,
            progress=progress,
        )
    finally:
        state.close()
    return state


def pooled(
    rows: Iterator[Row],
    absorb: Callable[[Any], None],
    *,
    workers: int,
    local: Callable[[], Callable[[list[Row]], list[Any]]],
    initializer: tuple[Callable[..., None], tuple[Any, ...]],
    work: Callable[[list[Row]], list[Any]],
    progress: Callable[[int], None] | None = None,
) -> None:
    """Run ``rows`` in batches and ``absorb`` each outcome in input order: in this process with the
    function ``local()`` makes (``workers`` ≤ 1), else on a pool of ``workers`` processes, each set up
    by ``initializer`` (function, arguments) and running ``work``, at most a few batches in flight so
    memory stays flat. Replay and impact both run this way."""
    if workers <= 1:
        run = local()
        for batch in batches(rows, BATCH):
            for out in run(batch):
                absorb(out)
            if progress:
                progress(len(batch))
        return
    init, initargs = initializer
    ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    with ctx.Pool(workers, initializer=init, initargs=initargs) as pool:
        pending: deque[tuple[int, Any]] = deque()
        for batch in batches(rows, BATCH):
            pending.append((len(batch), pool.apply_async(work, (batch,))))
            while len(pending) > workers * 3:
                _drain(pending.popleft(), absorb, progress)
        while pending:
            _drain(pending.popleft(), absorb, progress)


def _drain(item: tuple[int, Any], absorb: Callable[[Any], None], progress: Callable[[int], None] | None) -> None:
    n, handle = item
    for out in handle.get():
        absorb(out)
    if progress:
        progress(n)


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


WORKDIR_PREFIX = "penalty-replay-"


def temp_workdir() -> Path:
    """A fresh spill folder ``penalty-replay-<pid>-…`` in the system's temporary folder, after
    removing those a killed run left behind (their process is gone)."""
    remove_stale_workdirs()
    return Path(tempfile.mkdtemp(prefix=f"{WORKDIR_PREFIX}{os.getpid()}-"))


def remove_stale_workdirs(root: Path | None = None, prefix: str = WORKDIR_PREFIX) -> list[Path]:
    """Remove the spill folders ``<prefix><pid>-…`` (replay's, or impact's) of runs whose process no
    longer runs; returns them."""
    removed = []
    for path in (root or Path(tempfile.gettempdir())).glob(f"{prefix}*-*"):
        pid = path.name[len(prefix) :].split("-", 1)[0]
        if path.is_dir() and pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid() or os.name == "nt":  # Windows: os.kill would end the process
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # someone else's process, or no way to tell: leave its folder alone
    return True
