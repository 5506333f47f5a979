"""The driver of a replay on a Dask cluster: plan the partitions, submit the tasks, concatenate the
partitions' output files in partition order (streaming), and assemble the ``Replay`` the report
writers take, as a local run would have left it.

The task graph (``tasks``): plan each file → evaluate each partition → split its case ids into
buckets by hash → find the duplicates per bucket → absorb each partition (its earlier duplicates
known) → reduce the groups per bucket by hash of their key, merge the aggregates in a tree. The
driver receives counts, names, the merged aggregates and the flagged groups only: never the rows,
the outcomes, nor the groups that are not flagged. Not pure: talks to the cluster, writes files.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..replay import Group, Groups, Mapping, Replay, Settings
from . import parts, tasks

FAN_IN = 8  # aggregates merged per task in the tree


@dataclass
class Stats:
    """What a run on the cluster did (for tests and the benchmark)."""

    partitions: int = 0
    buckets: int = 0
    groups: int = 0  # similar-case groups on the cluster
    groups_received: int = 0  # flagged groups the driver received
    rows_by_partition: list[int] = field(default_factory=list)


def read_options(mapping: Mapping | None, encoding: str | None, sheet: str | None) -> parts.ReadOptions:
    """``replay.run.iter_inputs``'s reading arguments, once for every partition."""
    cols = tuple((h, c.encoding) for h, c in mapping.columns.items()) if mapping else ()
    mapped = frozenset(mapping.columns) if mapping is not None and mapping.columns else None
    return parts.ReadOptions(
        encoding=encoding or (mapping.encoding if mapping else None),
        column_encodings=cols,
        sheet=sheet or (mapping.sheet if mapping else None),
        mapped=mapped,
    )


@contextlib.contextmanager
def connect(dask: Any, *, processes: bool = True) -> Iterator[Any]:
    """A ``distributed.Client``: ``local:N`` starts a ``LocalCluster`` of N workers with one thread
    each (closed on exit), any other text is a scheduler's address; a ``Client`` is used as it is."""
    from distributed import Client, LocalCluster

    if not isinstance(dask, str):
        yield dask
        return
    if dask.startswith("local:"):
        n = int(dask.removeprefix("local:"))
        if n < 1:
            raise ValueError("local:N takes N ≥ 1 workers")
        with (
            LocalCluster(  # type: ignore[no-untyped-call]
                n_workers=n,
                threads_per_worker=1,
                processes=processes,
                dashboard_address=":0",
                silence_logs=logging.CRITICAL,  # a task's error is raised again here, once
            ) as cluster,
            Client(cluster) as client,  # type: ignore[no-untyped-call]
        ):
            yield client
        return
    with Client(dask) as client:  # type: ignore[no-untyped-call]
        yield client


def runner(
    dask: Any,
    *,
    shared: Path | None = None,
    chunk: int = parts.CHUNK,
    processes: bool = True,
    stats: Stats | None = None,
) -> Callable[..., Replay]:
    """A ``runner`` for ``replay.job.replay`` that runs on the cluster ``dask`` (see ``connect``);
    ``shared``: a folder the driver and every worker can read and write (default: the run's
    temporary folder, right for ``local:N`` and for workers on the driver's machine)."""

    def run(inputs: Iterable[str | Path], settings: Settings, **kwargs: Any) -> Replay:
        kwargs.pop("workers", None)
        with connect(dask, processes=processes) as client:
            return run_on_dask(client, inputs, settings, shared=shared, chunk=chunk, stats=stats, **kwargs)

    return run


def run_on_dask(
    client: Any,
    inputs: Iterable[str | Path],
    settings: Settings,
    *,
    workdir: Path,
    results: Path | None = None,
    rejects: Path | None = None,
    encoding: str | None = None,
    progress: Callable[[int], None] | None = None,
    sheet: str | None = None,
    shared: Path | None = None,
    chunk: int = parts.CHUNK,
    stats: Stats | None = None,
) -> Replay:
    """Replay ``inputs`` on the cluster of ``client``: the same ``Replay`` and output files as
    ``replay.run.run_replay`` (results, rejects, the flagged and members spills in ``workdir``)."""
    from dask.base import tokenize
    from distributed import as_completed

    stats = stats if stats is not None else Stats()
    opts = read_options(settings.mapping, encoding, sheet)
    paths = [str(Path(p).resolve()) for p in inputs]
    workers = max(1, len(client.scheduler_info().get("workers", {})))
    k = max(1, min(workers, 16))
    folder = tempfile.mkdtemp(prefix="penalty-dask-", dir=shared or workdir)
    run = tokenize(paths, settings, folder)
    futures: list[Any] = []

    def submit(name: str, func: Callable[..., Any], *args: Any) -> Any:
        future = client.submit(func, *args, key=f"pe-{name}-{run}", pure=False)
        futures.append(future)
        return future

    try:
        plans = [submit(f"plan-{i}", tasks.plan, path, opts, chunk) for i, path in enumerate(paths)]
        file_parts = [fp for plan in plans for fp in _result(plan)]  # a file's CaseError, in input order
        n = stats.partitions = len(file_parts)
        stats.buckets = k
        [given] = client.scatter([settings], broadcast=True)
        futures.append(given)
        evals = [
            submit(f"evaluate-{i}", tasks.evaluate, i, fp, opts, run, given, folder, k)
            for i, fp in enumerate(file_parts)
        ]
        counted = [submit(f"rows-{i}", tasks.rows_of, e) for i, e in enumerate(evals)]
        dups = [
            submit(
                f"dups-{b}",
                tasks.duplicates,
                *[submit(f"ids-{i}-{b}", tasks.ids_of, e, b) for i, e in enumerate(evals)],
            )
            for b in range(k)
        ]
        done = [submit(f"absorb-{i}", tasks.absorb, i, folder, results is not None, k, *dups) for i in range(n)]
        metas = [submit(f"meta-{i}", tasks.meta, d) for i, d in enumerate(done)]
        grouped = [
            submit(
                f"groups-{b}",
                tasks.reduce_groups,
                *[submit(f"g-{i}-{b}", tasks.groups_of, d, b) for i, d in enumerate(done)],
            )
            for b in range(k)
        ]
        level = [submit(f"agg-{i}", tasks.aggregates_of, d) for i, d in enumerate(done)]
        depth = 0
        while len(level) > 1:
            depth += 1
            level = [
                submit(f"agg{depth}-{j}", tasks.merge_aggregates, *level[j : j + FAN_IN])
                for j in range(0, len(level), FAN_IN)
            ]
        for future in as_completed(counted):  # type: ignore[no-untyped-call]
            if future.status == "finished":
                rows = future.result()
                if progress:
                    progress(rows)
        for e in evals:  # the first partition that failed, in input order, says why
            if e.status == "error":
                _result(e)
        state = Replay.create(workdir, results=results, rejects=rejects)
        try:
            _concatenate(state, folder, metas, stats)
            state.aggregates = level[0].result()
            flagged: dict[bytes, Group | tuple[Decimal, str, Decimal]] = {}
            for future in grouped:
                total, found = future.result()
                stats.groups += total
                flagged.update(found)
            stats.groups_received = len(flagged)
            state.groups = Groups(flagged)
        finally:
            state.close()
        return state
    finally:
        client.cancel(futures)
        shutil.rmtree(folder, ignore_errors=True)


def _result(future: Any) -> Any:
    """A task's result; the engine's error it raised, raised again as it was."""
    try:
        return future.result()
    except tasks.Failed as failed:
        raise failed.error() from None


def _concatenate(state: Replay, folder: str, metas: list[Any], stats: Stats) -> None:
    """Each partition's files appended to the run's, in partition order, then removed."""
    outs = (
        ("results", state.results_out),
        ("rejects", state.rejects_out),
        ("flagged", state.spill),
        ("members", state.members_out),
    )
    for i, future in enumerate(metas):
        got = _result(future)
        for kind, out in outs:
            path = tasks.part_file(folder, i, kind)
            if out is not None:
                with path.open(encoding="utf-8") as fh:
                    shutil.copyfileobj(fh, out, 1 << 20)
            path.unlink(missing_ok=True)
        tasks.part_file(folder, i, "outcomes").unlink(missing_ok=True)
        for key, value in got["counts"].items():
            state.counts[key] += value
        state.lines += got["lines"]
        state.date_errors += got["date_errors"]
        state.names.update(got["names"])
        stats.rows_by_partition.append(got["counts"]["input"])
