"""Throughput of ``penalty replay`` on a Dask cluster, over rows generated on the workers.

    .venv/bin/python bench/bench_dask.py                          # 10,000,000 rows on local:CPUs
    .venv/bin/python bench/bench_dask.py --rows 200000 --dask local:2
    .venv/bin/python bench/bench_dask.py --dask tcp://scheduler:8786 --shared /mnt/shared/tmp

Each worker generates its share of the rows (``tests/distributed/data.py``: consistent and
out-of-band fines, similar cases fined apart, duplicate ids, rejected rows) as JSONL files in a
temporary folder of ``--shared`` (never in the repository; removed at the end), then the replay
runs on the cluster and writes the summary JSON and results JSONL. Prints the rows/s per worker
and the driver's peak memory (``resource.getrusage``; the scheduler of a ``local:N`` cluster runs
in the driver's process and is counted in it).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from penalty_engine.distributed import Stats, connect, run_on_dask
from penalty_engine.replay import Outputs, Settings, replay

CHUNK_ROWS = 50_000  # rows per generated file


def generate(path: str, start: int, n: int) -> int:
    """On a worker: write rows ``start`` to ``start + n`` to ``path``."""
    import penalty_engine as pe
    from tests.distributed import data

    data.write_jsonl(Path(path), data.cases(n, pe.Engine.load(), start=start))
    return n


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--rows", type=int, default=10_000_000, help="rows to generate (default 10,000,000)")
    ap.add_argument("--dask", default="local:2", help="local:N or a scheduler address (default local:2)")
    ap.add_argument("--shared", type=Path, help="a folder the driver and the workers share (default: /tmp)")
    ap.add_argument(
        "--evaluator",
        choices=["compiled", "interpreter"],
        default="compiled",
        help="how decisions are made (default compiled, as replay does; the output is the same)",
    )
    args = ap.parse_args(argv)
    from tests.distributed.data import REPLAY_DATE

    folder = Path(tempfile.mkdtemp(prefix="bench-dask-", dir=args.shared))
    try:
        with connect(args.dask) as client:
            workers = len(client.scheduler_info()["workers"])
            t0 = time.perf_counter()
            starts = range(0, args.rows, CHUNK_ROWS)
            paths = [str(folder / f"part-{i:05d}.jsonl") for i in range(len(starts))]
            sizes = [min(CHUNK_ROWS, args.rows - s) for s in starts]
            client.gather(client.map(generate, paths, list(starts), sizes))
            took = time.perf_counter() - t0
            print(f"generated {args.rows} rows in {len(paths)} files on {workers} workers in {took:.1f} s")
            stats = Stats()
            base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            t0 = time.perf_counter()

            def run(inputs: object, settings: Settings, **kwargs: object) -> object:
                kwargs.pop("workers", None)
                return run_on_dask(client, inputs, settings, shared=folder, stats=stats, **kwargs)  # type: ignore[arg-type]

            out = folder / "out"
            out.mkdir()
            state = replay(
                [Path(p) for p in paths],
                Settings(replay_date=REPLAY_DATE, evaluator=args.evaluator),
                Outputs(json=out / "summary.json", results=out / "results.jsonl"),
                runner=run,  # type: ignore[arg-type]
            )
            took = time.perf_counter() - t0
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        c = state.counts
        print(
            f"replayed {c['input']} rows ({c['evaluated']} evaluated, {c['rejected']} rejected, "
            f"{stats.groups_received} of {stats.groups} groups flagged) in {stats.partitions} partitions "
            f"in {took:.1f} s: {c['input'] / took:,.0f} rows/s, {c['input'] / took / workers:,.0f} rows/s per worker"
        )
        print(f"driver peak memory: {peak / 1024:.0f} MiB (before the replay: {base / 1024:.0f} MiB)")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
