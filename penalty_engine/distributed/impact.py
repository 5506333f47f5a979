"""``penalty impact --dask``: the comparison of each partition runs on the Dask workers; the driver
streams their outcomes, partition by partition in input order, into the same ``Impact`` totals a
local run makes, so every output is identical (docs/replay.md "Impact on a Dask cluster").

Each worker loads both sides' engines once, compares the rows of a partition and writes its outcomes
to the shared folder as JSON lines (plain data, amounts as their Decimal text: nothing there runs
when read). The driver never compares a row: it reads each partition's file once, in order, through
``Impact.absorb`` (counters, a bounded heap of the largest changes, and the lists a local run keeps),
then reads again only the few input rows of the largest changes to give them their trails. Not pure:
talks to the cluster, reads the inputs, writes files.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..core import Engine
from ..impact import LARGEST, Compared, Comparer, Impact, OneSided, Outcome, Pair, Rejected, Settings, Side
from . import parts, tasks
from .driver import connect, read_options
from .parts import FilePart, ReadOptions, read_part

_COMPARERS: dict[tuple[tuple[str, ...], tuple[str, ...], str, int], tuple[Engine, Engine]] = {}
_LOCK = threading.Lock()


def _comparer(settings: Settings) -> Comparer:
    """A comparer for this worker thread; both sides' engines are loaded once per worker and packs."""
    key = (settings.before, settings.after, settings.evaluator, threading.get_ident())
    with _LOCK:
        engines = _COMPARERS.get(key)
    if engines is None:
        engines = (
            Engine.load(*settings.before, evaluator=settings.evaluator),
            Engine.load(*settings.after, evaluator=settings.evaluator),
        )
        with _LOCK:
            while len(_COMPARERS) >= 4:
                _COMPARERS.pop(next(iter(_COMPARERS)))
            _COMPARERS[key] = engines
    return Comparer(settings, *engines)


def compare_part(index: int, fp: FilePart, opts: ReadOptions, settings: Settings, folder: str) -> int:
    """Compare the rows of partition ``index``; its outcomes go to a file of the shared folder (a
    changed row by its place in the partition, not its data). Returns its number of rows."""
    with tasks._sent_back():  # a file no row of which can be read, packs that do not load
        rows = read_part(fp, opts)
        outcomes = _comparer(settings).rows(rows)  # type: ignore[arg-type]
    place = {id(r): n for n, r in enumerate(rows)}
    path = tasks.part_file(folder, index, "impact")
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for out in outcomes:
            fh.write(json.dumps(encode(out, place), ensure_ascii=False) + "\n")
    os.replace(tmp, path)  # a task run again (a lost worker) writes the same file whole
    return len(outcomes)


# ---------------------------------------------------------------- outcomes as plain data


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _undec(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _side(s: Side) -> list[Any]:
    band = None if s.band is None else [str(s.band[0]), str(s.band[1])]
    level = None if s.level is None else list(s.level)
    return [s.rule, s.title, s.version, s.outcome, s.tier, level, band, _dec(s.amount), s.duties, s.penalties]


def _unside(v: list[Any]) -> Side:
    rule, title, version, outcome, tier, level, band, amount, duties, penalties = v
    return Side(
        rule,
        title,
        version,
        outcome,
        tier,
        None if level is None else (level[0], level[1], level[2]),
        None if band is None else (Decimal(band[0]), Decimal(band[1])),
        _undec(amount),
        tuple(duties),
        tuple(penalties),
    )


def encode(out: Outcome, place: dict[int, int]) -> dict[str, Any]:
    """An outcome as JSON: every field a local run's ``Impact.absorb`` reads; a changed row's input by
    its place in the partition (``place``: ``id`` of a row → its index)."""
    if isinstance(out, Rejected):
        return {
            "rejected": [
                out.source,
                out.case_id,
                out.error,
                out.error_after,
                out.lines,
                out.error_zh,
                out.error_after_zh,
            ]
        }
    ignored = [list(i) for i in out.ignored]
    if isinstance(out, OneSided):
        decided = [_side(s) for s in out.decided]
        return {
            "one_sided": [out.case_id, out.source, out.failed, out.error, decided, out.lines, ignored, out.error_zh]
        }
    pairs = [[p.case_id, p.violation, _side(p.before), _side(p.after), list(p.changed)] for p in out.pairs]
    at = None if out.row is None else place[id(out.row)]
    return {"compared": [out.case_id, out.source, pairs, out.lines, ignored, at]}


def decode(line: str, part: int) -> Outcome:
    """An outcome from its JSON line; a changed row's input is a ``RowAt`` (partition, place)."""
    data = json.loads(line)
    if "rejected" in data:
        return Rejected(*data["rejected"])
    if "one_sided" in data:
        case_id, source, failed, error, decided, lines, ignored, error_zh = data["one_sided"]
        sides = [_unside(s) for s in decided]
        return OneSided(case_id, source, failed, error, sides, lines, _ignored(ignored), error_zh)
    case_id, source, pairs, lines, ignored, at = data["compared"]
    made = [Pair(c, v, _unside(b), _unside(a), tuple(ch)) for c, v, b, a, ch in pairs]
    row = None if at is None else RowAt(part, at)
    return Compared(case_id, source, made, lines, _ignored(ignored), row)  # type: ignore[arg-type]


def _ignored(v: list[list[str]]) -> tuple[tuple[str, str], ...]:
    return tuple((a, b) for a, b in v)


class RowAt(tuple[int, int]):
    """Where a changed row is: (partition, place in it). Read again for the largest changes only."""

    def __new__(cls, part: int, place: int) -> RowAt:
        return super().__new__(cls, (part, place))


# ---------------------------------------------------------------- the driver


def runner(dask: Any, *, shared: Path | None = None, chunk: int = parts.CHUNK) -> Callable[..., Impact]:
    """A ``runner`` for ``impact.job.impact`` (``run_impact``'s signature) on the cluster ``dask``
    (``local:N``, a scheduler's address or a ``Client``); ``shared``: a folder the driver and every
    worker can read and write (default: the run's temporary folder)."""

    def run(inputs: Iterable[str | Path], settings: Settings, **kwargs: Any) -> Impact:
        kwargs.pop("workers", None)  # the cluster's workers compare
        kwargs.pop("engines", None)  # each worker loads both sides itself
        with connect(dask) as client:
            return run_on_dask(client, inputs, settings, shared=shared, chunk=chunk, **kwargs)

    return run


def run_on_dask(
    client: Any,
    inputs: Iterable[str | Path],
    settings: Settings,
    *,
    workdir: Path,
    encoding: str | None = None,
    sheet: str | None = None,
    progress: Callable[[int], None] | None = None,
    largest: int = LARGEST,
    shared: Path | None = None,
    chunk: int = parts.CHUNK,
) -> Impact:
    """Compare ``inputs`` on the cluster of ``client``: the same ``Impact`` as ``job.run_impact``
    (changed decisions spilled to ``workdir/changes.jsonl``)."""
    from dask.base import tokenize

    opts = read_options(settings.mapping, encoding, sheet)
    paths = [str(Path(p).resolve()) for p in inputs]
    folder = tempfile.mkdtemp(prefix="penalty-dask-impact-", dir=shared or workdir)
    run = tokenize(paths, settings, folder)
    futures: list[Any] = []

    def submit(name: str, func: Callable[..., Any], *args: Any) -> Any:
        future = client.submit(func, *args, key=f"pe-impact-{name}-{run}", pure=False)
        futures.append(future)
        return future

    try:
        plans = [submit(f"plan-{i}", tasks.plan, path, opts, chunk) for i, path in enumerate(paths)]
        file_parts = [fp for plan in plans for fp in _result(plan)]  # a file's CaseError, in input order
        [given] = client.scatter([settings], broadcast=True)
        futures.append(given)
        compared = [submit(f"compare-{i}", compare_part, i, fp, opts, given, folder) for i, fp in enumerate(file_parts)]
        state = Impact.create(workdir, largest)
        try:
            for i, future in enumerate(compared):  # in input order: the first failure says why
                rows = _result(future)
                path = tasks.part_file(folder, i, "impact")
                with path.open(encoding="utf-8") as fh:
                    for line in fh:
                        state.absorb(decode(line, i))
                path.unlink(missing_ok=True)
                if progress:
                    progress(rows)
        finally:
            state.close()
        _read_again(state, file_parts, opts)
        return state
    finally:
        client.cancel(futures)
        shutil.rmtree(folder, ignore_errors=True)


def _result(future: Any) -> Any:
    try:
        return future.result()
    except tasks.Failed as failed:
        raise failed.error() from None


def _read_again(state: Impact, file_parts: list[FilePart], opts: ReadOptions) -> None:
    """Put the input rows of the largest changes back in place of their ``RowAt`` (each partition
    holding one is read once more, on the driver), so ``Impact.add_trails`` decides them again."""
    wanted: dict[int, list[int]] = {}
    for n, item in enumerate(state._heap):
        if isinstance(item[3], RowAt):
            wanted.setdefault(item[3][0], []).append(n)
    for part, items in wanted.items():
        rows = read_part(file_parts[part], opts)
        for n in items:
            size, seq, entry, at, index = state._heap[n]
            state._heap[n] = (size, seq, entry, rows[at[1]], index)  # type: ignore[assignment, index]
