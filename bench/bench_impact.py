"""Throughput and peak memory of ``penalty impact``: the national transport pack against the Gansu
layer over generated cases of unlicensed passenger transport decided under the 2019 text (every
case is decided twice, and most change: the worst case for the spill and the largest-change heap).

    .venv/bin/python bench/bench_impact.py                  # 20000 cases, workers = CPUs
    .venv/bin/python bench/bench_impact.py --n 200000 --workers 2

Prints cases/s and the peak resident memory of the parent and of the largest worker
(``resource.getrusage``). Writes the JSON, HTML and XLSX outputs into a temporary folder (or
``--keep``).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from penalty_engine.impact import Outputs, Settings, impact
from penalty_engine.replay import default_workers

ROOT = Path(__file__).resolve().parent.parent


def case(i: int, rnd: random.Random) -> dict[str, object]:
    gain = rnd.choice([0, 0, rnd.randint(1, 19999), rnd.randint(20000, 400000)])
    return {
        "case_id": f"B-{i}",
        "violation": "cn-transport/unlicensed-passenger",
        "occurred_on": f"2021-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}",
        "decided_on": "2022-03-15",
        "party": {"kind": rnd.choice(["organization", "individual"])},
        "facts": {
            "illegal_gain": str(gain),
            "prior_12m": rnd.choice([0, 0, 0, 1, 2]),
            "several_vehicles": rnd.random() < 0.2,
            "operation_months": rnd.randint(0, 12),
            "refused_to_correct": rnd.random() < 0.4,
            "at_hub_long_term": rnd.random() < 0.1,
        },
    }


def mib(kib: int) -> str:
    return f"{kib / 1024:.0f} MiB"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--n", type=int, default=20000, help="cases (default 20000)")
    ap.add_argument("--seed", type=int, default=20261202)
    ap.add_argument("--workers", type=int, default=0, help="worker processes (default: CPUs)")
    ap.add_argument("--keep", type=Path, help="write the outputs to this folder")
    ap.add_argument(
        "--evaluator",
        choices=["compiled", "interpreter"],
        default="compiled",
        help="how each side decides (default compiled, as impact does; the output is the same)",
    )
    args = ap.parse_args(argv)
    workers = args.workers or default_workers()
    rnd = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="bench-impact-") as tmp:
        out = args.keep or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        data = Path(tmp) / "cases.jsonl"
        with data.open("w", encoding="utf-8") as fh:
            for i in range(args.n):
                fh.write(json.dumps(case(i, rnd)) + "\n")
        settings = Settings(
            before=("cn-transport",), after=(str(ROOT / "rules" / "cn-gs-transport"),), evaluator=args.evaluator
        )
        outputs = Outputs(json=out / "impact.json", html=out / "impact.html", xlsx=out / "impact.xlsx")
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        t0 = time.perf_counter()
        state = impact([data], settings, outputs, workers=workers)
        took = time.perf_counter() - t0
        c, d = state.counts, state.decisions
        print(
            f"impact: {c['input']} cases in {took:.1f} s ({c['input'] / took:,.0f} cases/s, {workers} workers); "
            f"{d['changed']} of {d['compared']} decisions changed, {c['rejected']} rejected"
        )
        parent = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        print(f"peak memory: parent {mib(parent)} (before the run {mib(base)}), largest worker {mib(children)}")
        sizes = ", ".join(f"{p.name} {p.stat().st_size / 1e6:.1f} MB" for p in sorted(out.glob("impact.*")))
        print(f"outputs: {sizes}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
