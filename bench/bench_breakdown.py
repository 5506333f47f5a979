"""Where the time of ``Engine.evaluate`` goes: the cost of each part of the output contract.

A script, not a test::

    .venv/bin/python bench/bench_breakdown.py            # 6000 cases, best of 7 passes each
    .venv/bin/python bench/bench_breakdown.py --n 3000 --repeat 5

It times a warm loop over the same generated cases as ``bench_evaluate.py`` (one process, one
core, best of ``--repeat`` passes), first as shipped, then with one part of the contract switched
off at a time, then with all of them off. What is left then is the engine's own work: facts, the
CEL clauses, the general part, branch, tier, band, factors, amounts, duties and the steps' inputs.

The switched-off runs are for measuring only: they patch the engine in this process, and the
decisions they make are incomplete. Nothing here changes the engine for anyone else.
"""

from __future__ import annotations

import argparse
import contextlib
import platform
import random
import sys
import timeit
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the sibling bench_evaluate, however this runs
from bench_evaluate import make_case, pin_one_core  # type: ignore[import-not-found,unused-ignore]

import penalty_engine as pe
from penalty_engine.core import evaluation, version
from penalty_engine.core.case_io import to_case
from penalty_engine.models.trail import Trail

#: name → (what switching it off leaves out, how)
SWITCHES: dict[str, tuple[str, Callable[[], contextlib.AbstractContextManager[Any]]]] = {
    "case": ("validating the case dict (pydantic): cases given as Case objects", contextlib.nullcontext),
    "fingerprint": (
        "the fingerprint (sha256 over the canonical JSON of case, rule versions, engine)",
        lambda: mock.patch.object(evaluation.Evaluation, "_fingerprint", lambda self, versions: ""),
    ),
    "decision": (
        "the Decision and its sub-models (left as plain dicts)",
        lambda: mock.patch.object(evaluation, "built", lambda cls, values: values),
    ),
    "steps": (
        "the TrailStep objects (their inputs are still computed)",
        lambda: mock.patch.object(Trail, "add", lambda self, *args, **kwargs: None),
    ),
    "clauses": (
        "the clause records of the trail (each clause, its result, the facts it read)",
        lambda: mock.patch.object(version.VersionRun, "_clauses", lambda self, cond: []),
    ),
}


@contextlib.contextmanager
def switched_off(names: list[str]) -> Iterator[None]:
    with contextlib.ExitStack() as stack:
        for name in names:
            stack.enter_context(SWITCHES[name][1]())
        yield


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--n", type=int, default=6000, help="cases, spread evenly over the rules (default 6000)")
    ap.add_argument("--seed", type=int, default=20260410, help="seed of the case generator")
    ap.add_argument("--repeat", type=int, default=7, help="timed passes per configuration; the best counts")
    args = ap.parse_args(argv)
    if args.n < 1 or args.repeat < 1:
        ap.error("--n and --repeat must be at least 1")

    pinned = pin_one_core()
    engine = pe.Engine.load(evaluator="interpreter")  # the parts of the interpreter (the reference)
    rules = engine.rules()
    rnd = random.Random(args.seed)
    cases = [make_case(rnd, rules[i % len(rules)], i) for i in range(args.n)]
    validated = [(to_case(case), as_of) for case, as_of in cases]
    evaluate = engine.evaluate

    def per_decision(off: list[str]) -> float:
        work = validated if "case" in off else cases

        def run() -> None:
            for case, as_of in work:
                evaluate(case, as_of=as_of)

        with switched_off(off):
            run()  # warm-up: caches, memo, specialised bytecode
            return min(timeit.repeat(run, number=1, repeat=args.repeat)) / len(work) * 1e6

    print(f"penalty-engine {pe.__version__} · Python {platform.python_version()} · {platform.machine()} · {pinned}")
    print(f"{args.n} cases (seed {args.seed}) over {len(rules)} rules; best of {args.repeat} warm passes each")
    print()
    full = per_decision([])
    header = f"{'evaluate':<90} {'µs':>6} {'saved':>6}"
    print(header)
    print("-" * len(header))
    print(f"{'as shipped (the whole output contract)':<90} {full:>6.1f}")
    for name, (what, _) in SWITCHES.items():
        us = per_decision([name])
        print(f"{'  without ' + what:<90} {us:>6.1f} {full - us:>6.1f}")
    floor = per_decision(list(SWITCHES))
    rest = "  without all of these: the engine's own work"
    print(f"{rest:<90} {floor:>6.1f} {full - floor:>6.1f}")
    print("-" * len(header))
    print(f"{'20,000 decisions/s would be':<90} {1e6 / 20000:>6.1f}")
    print()
    print("µs = microseconds per decision on one core, in a warm loop (bench_evaluate.py times each call")
    print("over more cases and reads a few µs higher); the switched-off runs patch this process only.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
