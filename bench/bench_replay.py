"""Throughput and peak memory of ``penalty replay`` over generated past decisions.

    .venv/bin/python bench/bench_replay.py                    # 100000 cases, JSONL, workers = CPUs
    .venv/bin/python bench/bench_replay.py --n 1000000 --format csv --workers 2

Generates ``--n`` decisions with bench/gen_decisions.py into a temporary folder (or reads
``--input``), then times the replay (reading, evaluating in worker processes, classifying,
grouping, aggregating, writing summary JSON, results JSONL and the HTML report) and prints cases/s
and peak resident memory of the parent and of the largest worker (``resource.getrusage``).
Target: 1,000,000 cases in at most 120 s with less than 1 GiB on a 2-core machine.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.gen_decisions import write
from penalty_engine.replay import Outputs, Settings, default_workers, replay


def mib(kib: int) -> str:
    return f"{kib / 1024:.0f} MiB"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--n", type=int, default=100000, help="cases (default 100000)")
    ap.add_argument("--seed", type=int, default=20260410)
    ap.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    ap.add_argument("--workers", type=int, default=0, help="worker processes (default: CPUs)")
    ap.add_argument("--input", type=Path, help="replay this file instead of generating one")
    ap.add_argument("--keep", type=Path, help="write outputs to this folder")
    ap.add_argument(
        "--evaluator",
        choices=["compiled", "interpreter"],
        default="compiled",
        help="how decisions are made (default compiled, as replay does; the output is the same)",
    )
    args = ap.parse_args(argv)
    workers = args.workers or default_workers()
    with tempfile.TemporaryDirectory(prefix="bench-replay-") as tmp:
        out = args.keep or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        data = args.input
        if data is None:
            data = Path(tmp) / f"past.{args.format}"
            t0 = time.perf_counter()
            truth = write(data, args.n, args.seed, 0.05, 0.02, 0.02)
            print(
                f"generated {args.n} cases in {time.perf_counter() - t0:.1f} s "
                f"({len(truth['deviations'])} deviations, {len(truth['inconsistencies'])} pairs)"
            )
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        t0 = time.perf_counter()
        state = replay(
            [data],
            Settings(evaluator=args.evaluator),
            Outputs(json=out / "summary.json", results=out / "results.jsonl", html=out / "report.html"),
            workers=workers,
        )
        secs = time.perf_counter() - t0
    c = state.counts
    parent = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    rate = c["input"] / secs
    print(
        f"replayed {c['input']} rows ({c['evaluated']} evaluated, {c['rejected']} rejected, "
        f"{c['flagged']} flagged, {len(state.groups)} groups) with {workers} workers "
        f"in {secs:.1f} s: {rate:,.0f} cases/s"
    )
    cpu_parent = sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
    cpu_workers = sum(resource.getrusage(resource.RUSAGE_CHILDREN)[:2])
    print(f"CPU: parent {cpu_parent:.0f} s (incl. generation), workers {cpu_workers:.0f} s")
    print(f"peak memory: parent {mib(parent)} (before replay {mib(base)}), largest worker {mib(children)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
