"""What the Dask workers run: evaluate a partition, find duplicate case ids by hash of the id, absorb a
partition into its outputs and partial totals, reduce the similar-case groups by hash of their key.

Every reduction takes its inputs in partition order, and a partition's rows are in input order, so
the result does not depend on which task finished first: duplicates keep the first occurrence in the
input, a group's extremes keep the earlier case on a tie and its sample the first ``SAMPLE`` cases,
the aggregates merge in order (``Aggregates.merge``). Not pure: reads the inputs and writes partition
files in the shared folder (the driver removes them once it has concatenated them).
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import threading
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..core import Engine
from ..errors import CaseError, EvaluationError, LedgerError, Msg, PenaltyEngineError, RuleError, pair
from ..replay import SAMPLE, Aggregates, Evaluated, Evaluator, Group, Groups, Outcome, Rejected, Replay, Settings
from . import parts
from .parts import FilePart, ReadOptions, read_part

#: the files a partition writes, concatenated by the driver in partition order
OUTPUTS = ("results", "rejects", "flagged", "members")

_ENGINES: dict[tuple[tuple[str, ...], str, int], Engine] = {}
_EVALUATORS: dict[tuple[str, int], Evaluator] = {}
_LOCK = threading.Lock()
_KEEP = 8  # engines and evaluators kept per worker process (those of other replays go first)


def evaluator(run: str, settings: Settings) -> Evaluator:
    """The evaluator of replay ``run`` in this worker thread. Its engine is loaded once per worker and
    packs and kept for the next replays; the evaluator is the run's own, as it names each rule to the
    run once (``Evaluated.names_of``). Per thread: the workers of a ``processes=False`` cluster share
    one process."""
    thread = threading.get_ident()
    with _LOCK:
        found = _EVALUATORS.get((run, thread))
        engine = _ENGINES.get((settings.packs, settings.evaluator, thread))
    if found is None:
        if engine is None:
            engine = Engine.load(*settings.packs, evaluator=settings.evaluator)
        found = Evaluator(settings, engine)
        with _LOCK:
            _keep(_ENGINES, (settings.packs, settings.evaluator, thread), engine)
            _keep(_EVALUATORS, (run, thread), found)
    return found


def _keep(cache: dict[Any, Any], key: Any, value: Any) -> None:
    while len(cache) >= _KEEP:
        cache.pop(next(iter(cache)))
    cache[key] = value


class Failed(Exception):
    """A ``PenaltyEngineError`` raised in a task, in a form that pickles (``PenaltyEngineError``'s
    arguments do not make it again); the driver raises the error again with ``error()``."""

    def __init__(self, kind: int, code: str, message: str, where: str) -> None:
        super().__init__(kind, code, message, where)

    def error(self) -> PenaltyEngineError:
        kind, code, message, where = self.args
        error: PenaltyEngineError = _KINDS[int(kind)](str(code), str(message), str(where))
        return error


_KINDS: tuple[type[PenaltyEngineError], ...] = (CaseError, RuleError, EvaluationError, LedgerError, PenaltyEngineError)


@contextlib.contextmanager
def _sent_back() -> Iterator[None]:
    try:
        yield
    except PenaltyEngineError as exc:
        kind = next(i for i, k in enumerate(_KINDS) if isinstance(exc, k))
        raise Failed(kind, exc.code, exc.message, exc.where) from None


def plan(path: str, opts: ReadOptions, chunk: int) -> list[FilePart]:
    """``parts.plan`` in a task."""
    with _sent_back():
        return parts.plan(path, opts, chunk)


def part_file(folder: str, index: int, kind: str) -> Path:
    return Path(folder) / f"{index:07d}.{kind}"


def _bucket(text: str | bytes, k: int) -> int:
    return zlib.crc32(text.encode("utf-8") if isinstance(text, str) else text) % k


def evaluate(
    index: int, fp: FilePart, opts: ReadOptions, run: str, settings: Settings, folder: str, k: int
) -> tuple[int, list[list[str]]]:
    """Read and evaluate partition ``index``; its outcomes go to a file of the shared folder. Returns
    its number of rows and the case ids it evaluated (each once, in input order) in ``k`` buckets by
    hash of the id."""
    with _sent_back():  # a file no row of which can be read, packs that do not load
        outcomes = evaluator(run, settings).rows(read_part(fp, opts))  # type: ignore[arg-type]
    _dump(part_file(folder, index, "outcomes"), outcomes)
    buckets: list[list[str]] = [[] for _ in range(k)]
    seen: set[str] = set()
    for out in outcomes:
        if isinstance(out, Evaluated) and out.case_id not in seen:
            seen.add(out.case_id)
            buckets[_bucket(out.case_id, k)].append(out.case_id)
    return len(outcomes), buckets


def rows_of(done: tuple[int, list[list[str]]]) -> int:
    return done[0]


def ids_of(done: tuple[int, list[list[str]]], bucket: int) -> list[str]:
    return done[1][bucket]


def duplicates(*parts: list[str]) -> dict[int, list[str]]:
    """One bucket of case ids, from every partition in order → the ids each partition holds that an
    earlier partition held already (only partitions with some)."""
    seen: set[str] = set()
    found: dict[int, list[str]] = {}
    for index, ids in enumerate(parts):
        again = [i for i in ids if i in seen]
        if again:
            found[index] = again
        seen.update(ids)
    return found


@dataclass(slots=True)
class Partial:
    """A similar-case group over consecutive rows: ``Group`` plus the first two cases' labels (the
    group's label is the second case's, as ``Groups.add`` keeps it)."""

    count: int
    low: Decimal
    low_id: str
    high: Decimal
    high_id: str
    tolerance: Decimal
    labels: list[str]
    sample: list[tuple[str, Decimal]]

    def merge(self, later: Partial) -> None:
        """Add a group of rows that come after these: as ``Groups.add`` would, case by case."""
        self.count += later.count
        self.tolerance = min(self.tolerance, later.tolerance)
        if later.low < self.low:
            self.low, self.low_id = later.low, later.low_id
        if later.high > self.high:
            self.high, self.high_id = later.high, later.high_id
        if len(self.labels) < 2:
            self.labels = (self.labels + later.labels)[:2]
        if len(self.sample) < SAMPLE:
            self.sample = (self.sample + later.sample)[:SAMPLE]

    def copy(self) -> Partial:
        return Partial(
            self.count,
            self.low,
            self.low_id,
            self.high,
            self.high_id,
            self.tolerance,
            list(self.labels),
            list(self.sample),
        )

    def group(self) -> Group:
        label = self.labels[1] if len(self.labels) > 1 else None
        return Group(self.count, self.low, self.low_id, self.high, self.high_id, self.tolerance, label, self.sample)

    @property
    def flagged(self) -> bool:
        return self.count > 1 and self.high - self.low > self.tolerance


@dataclass
class PartGroups(Groups):
    """The groups of one partition, kept as ``Partial`` so that partitions merge exactly."""

    partials: dict[bytes, Partial] = field(default_factory=dict)

    def add(self, digest: bytes, label: str, case_id: str, fine: Decimal, tol: Decimal) -> None:
        one = Partial(1, fine, case_id, fine, case_id, tol, [label], [(case_id, fine)])
        found = self.partials.get(digest)
        if found is None:
            self.partials[digest] = one
        else:
            found.merge(one)

    def buckets(self, k: int) -> list[dict[bytes, Partial]]:
        out: list[dict[bytes, Partial]] = [{} for _ in range(k)]
        for key, g in self.partials.items():
            out[_bucket(key, k)][key] = g
        return out


def absorb(index: int, folder: str, results: bool, k: int, *dups: dict[int, list[str]]) -> dict[str, Any]:
    """Absorb partition ``index`` as ``Replay.absorb`` does, its earlier duplicates known: its output
    lines go to its files; returns its counts, names, aggregates and groups (in ``k`` buckets)."""
    source = part_file(folder, index, "outcomes")
    with source.open(encoding="utf-8") as fh:
        outcomes = [_decoded(line) for line in fh]
    files = {kind: part_file(folder, index, kind) for kind in OUTPUTS}
    groups = PartGroups()
    state = Replay(
        spill=files["flagged"].open("w", encoding="utf-8"),
        rejects_out=files["rejects"].open("w", encoding="utf-8"),
        results_out=files["results"].open("w", encoding="utf-8") if results else None,
        members_out=files["members"].open("w", encoding="utf-8"),
        groups=groups,
    )
    try:
        for d in dups:
            state.seen.update(hash(cid) for cid in d.get(index, ()))
        for out in outcomes:
            state.absorb(out)
    finally:
        state.close()
    return {
        "counts": state.counts,
        "lines": state.lines,
        "date_errors": state.date_errors,
        "names": state.names,
        "aggregates": state.aggregates,
        "groups": groups.buckets(k),
    }


def meta(done: dict[str, Any]) -> dict[str, Any]:
    """What the driver takes of an absorbed partition: counts and names, never groups."""
    return {key: done[key] for key in ("counts", "lines", "date_errors", "names")}


def aggregates_of(done: dict[str, Any]) -> Aggregates:
    result: Aggregates = done["aggregates"]
    return result


def groups_of(done: dict[str, Any], bucket: int) -> dict[bytes, Partial]:
    result: dict[bytes, Partial] = done["groups"][bucket]
    return result


def merge_aggregates(*parts: Aggregates) -> Aggregates:
    """Consecutive partitions' aggregates, merged in order (the inputs are left as they are)."""
    total = copy.deepcopy(parts[0])
    for later in parts[1:]:
        total.merge(later)
    return total


def reduce_groups(*parts: dict[bytes, Partial]) -> tuple[int, list[tuple[bytes, Group]]]:
    """One bucket of groups from every partition in order → how many groups it holds, and the
    flagged ones (spread wider than the tolerance): only these go to the driver."""
    merged: dict[bytes, Partial] = {}
    for part in parts:
        for key, g in part.items():
            found = merged.get(key)
            if found is None:
                merged[key] = g.copy()
            else:
                found.merge(g)
    return len(merged), [(key, g.group()) for key, g in merged.items() if g.flagged]


def _dump(path: Path, outcomes: list[Outcome]) -> None:
    """A partition's outcomes as JSON lines: plain data, so the shared folder never holds anything that
    runs when it is read (no pickle), and every amount goes as the text of its Decimal."""
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for out in outcomes:
            fh.write(json.dumps(_encoded(out), ensure_ascii=False) + "\n")
    os.replace(tmp, path)  # a task run again (a lost worker) writes the same file whole


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _undec(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _encoded(out: Outcome) -> dict[str, Any]:
    if isinstance(out, Rejected):
        zh = out.error.zh if isinstance(out.error, Msg) else None
        return {"rejected": [out.source, out.case_id, str(out.error), zh, out.lines, out.date_error, out.error_zh]}
    g = out.group
    group = None if g is None else [g[0].hex(), g[1], str(g[2])]
    return {
        "evaluated": [
            out.case_id,
            out.source,
            out.status,
            out.line,
            out.names,
            _dec(out.deviation),
            _dec(out.deviation_pct),
            _dec(out.fine),
            group,
            out.flagged,
            out.lines,
            out.names_of,
            out.member,
        ]
    }


def _decoded(line: str) -> Outcome:
    data = json.loads(line)
    if "rejected" in data:
        source, case_id, error, zh, lines, date_error, error_zh = data["rejected"]
        return Rejected(source, case_id, error if zh is None else pair(error, zh), lines, date_error, error_zh)
    case_id, source, status, text, names, dev, dev_pct, fine, group, flagged, lines, names_of, member = data[
        "evaluated"
    ]
    kept = None if group is None else (bytes.fromhex(group[0]), group[1], Decimal(group[2]))
    return Evaluated(
        case_id,
        source,
        status,
        text,
        names,
        _undec(dev),
        _undec(dev_pct),
        _undec(fine),
        kept,
        flagged,
        lines=lines,
        names_of=names_of,
        member=member,
    )
