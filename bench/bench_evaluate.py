"""Throughput of ``Engine.evaluate`` with its decided fields read, and with the whole decision JSON.

A script, not a test::

    .venv/bin/python bench/bench_evaluate.py            # 20000 cases over all shipped rules
    .venv/bin/python bench/bench_evaluate.py --n 5000 --seed 7
    .venv/bin/python bench/bench_evaluate.py --evaluator interpreter   # the reference (ADR 0026)

What it measures (ADR 0026): a decision from the compiled evaluator is lazy, its trail, fingerprint
and other parts made when first read. So the ``eval`` figures are ``evaluate`` **plus reading
outcome, recommended fine, band and level** (what a replay or a batch reads), and the ``json``
figures are ``evaluate`` **plus** ``model_dump_json()`` (the whole decision, every trail message
rendered): the cost of a decision that is shown.

It builds ``--n`` varied cases, spread evenly over every shipped rule, from each rule's fact schema
with a seeded ``random.Random`` (the engine itself stays pure; randomness is only here), warms up,
then times each call with ``time.perf_counter`` in one process on one core (pinned with
``sched_setaffinity`` where the OS has it), each decision dropped after use as in a replay
stream, in ``--repeat`` passes (the median pass is shown, every pass's rate printed). A last
pass times ``evaluate`` + ``model_dump_json()`` on the same cases. Figures are per decision; the
table shows them per rule and overall.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gc
import os
import platform
import random
import statistics
import sys
import time
from collections import defaultdict
from decimal import Decimal
from typing import Any

import penalty_engine as pe
from penalty_engine.models.rules import FactSpec, FactType
from penalty_engine.pack.compiled import CompiledRule

OPEN_END = dt.date(2030, 12, 31)
MONEY_MAX = Decimal(10**7)
INT_MAX = 10**6


def _numeric_value(rnd: random.Random, spec: FactSpec) -> Any:
    step = Decimal(1) if spec.type is FactType.int else Decimal("0.01")
    floor = Decimal(0) if spec.type is FactType.money else Decimal(-(10**9))
    lo = max(spec.min if spec.min is not None else Decimal(0), floor)
    default_max = Decimal(INT_MAX) if spec.type is FactType.int else MONEY_MAX
    hi = spec.max if spec.max is not None else max(default_max, lo)
    n_lo, n_hi = int(-((-lo) // step)), int(hi // step)
    # log-uniform width, so small and large values both occur
    span = n_hi - n_lo
    n = n_lo + (int(span ** rnd.random()) if span > 0 else 0)
    value = Decimal(n) * step
    if spec.type is FactType.int:
        return int(value)
    text = format(value.quantize(Decimal("0.01")), "f")
    return text.rstrip("0").rstrip(".") if rnd.random() < 0.5 and "." in text else text


def _fact_value(rnd: random.Random, spec: FactSpec) -> Any:
    if spec.type is FactType.bool:
        return rnd.random() < 0.5
    if spec.type is FactType.enum:
        assert spec.values
        return rnd.choice(spec.values)
    return _numeric_value(rnd, spec)


def make_case(rnd: random.Random, rule: CompiledRule, i: int) -> tuple[dict[str, Any], dt.date]:
    """A case inside ``rule``'s schema, and the as-of date to evaluate it with."""
    version = rnd.choice(rule.versions).version
    end = min(version.effective_to or OPEN_END, OPEN_END)
    occurred = version.effective_from + dt.timedelta(days=rnd.randint(0, (end - version.effective_from).days))
    decided = occurred + dt.timedelta(days=rnd.randint(0, 400))
    facts = {
        name: _fact_value(rnd, spec)
        for name, spec in rule.facts.items()
        if spec.required or rnd.random() >= 0.25  # a quarter left to their defaults
    }
    for ex in {ex.id: ex for cv in rule.versions for ex, _ in cv.exclusions}.values():
        if all(name in facts for name in ex.facts):  # may contradict (PE-C012): the first goes back to its default
            facts[ex.facts[0]] = rule.facts[ex.facts[0]].default
    kind = rnd.random()
    party: dict[str, Any] = (
        {"kind": "organization"}
        if kind < 0.4
        else {"kind": "individual", "age": rnd.randint(18, 90)}
        if kind < 0.8
        else {"kind": "individual"}
    )
    case: dict[str, Any] = {
        "case_id": f"BENCH-{i:06d}",
        "violation": rule.id,
        "occurred_on": occurred.isoformat(),
        "party": party,
        "facts": facts,
    }
    if any(b.per_day for b in version.frame):  # a per-day fine: the order to correct and a re-inspection
        ordered = occurred + dt.timedelta(days=rnd.randint(0, 30))
        served = ordered + dt.timedelta(days=rnd.randint(0, 5))
        again = served + dt.timedelta(days=rnd.randint(1, 60))
        decided = max(decided, again)
        case["correction"] = {
            "ordered_on": ordered.isoformat(),
            "served_on": served.isoformat(),
            "reinspections": [{"date": again.isoformat(), "continuing": rnd.random() < 0.8}],
        }
    if rnd.random() < 0.75:
        case["decided_on"] = decided.isoformat()
    return case, decided


def pin_one_core() -> str:
    if hasattr(os, "sched_setaffinity") and hasattr(os, "sched_getaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    return "not pinned (no sched_setaffinity)"


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, max(0, round(p / 100 * (len(sorted_values) - 1))))
    return sorted_values[k]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--n", type=int, default=20000, help="cases in total, spread evenly over the rules (default 20000)")
    ap.add_argument("--seed", type=int, default=20260410, help="seed of the case generator")
    ap.add_argument("--warmup", type=int, default=1000, help="untimed evaluations first (default 1000)")
    ap.add_argument("--repeat", type=int, default=3, help="timed evaluate passes; the median one is shown (default 3)")
    ap.add_argument(
        "--evaluator", choices=("compiled", "interpreter"), default="compiled", help="the engine's evaluator (ADR 0026)"
    )
    args = ap.parse_args(argv)
    if args.n < 1 or args.repeat < 1:
        ap.error("--n and --repeat must be at least 1")

    pinned = pin_one_core()
    t0 = time.perf_counter()
    engine = pe.Engine.load(evaluator=args.evaluator)
    load_ms = (time.perf_counter() - t0) * 1000
    rules = engine.rules()
    rnd = random.Random(args.seed)
    cases = [(rules[i % len(rules)], *make_case(rnd, rules[i % len(rules)], i)) for i in range(args.n)]
    rnd.shuffle(cases)

    # warm-up: CEL programs, pydantic validators, caches
    for _rule, case, as_of in cases[: min(args.warmup, len(cases))]:
        with contextlib.suppress(pe.PenaltyEngineError):  # counted in the timed run
            engine.evaluate(case, as_of=as_of)

    dump_us: dict[str, list[float]] = defaultdict(list)
    steps: dict[str, list[int]] = defaultdict(list)
    errors: dict[str, list[str]] = defaultdict(list)
    perf = time.perf_counter
    evaluate = engine.evaluate

    # Passes over the same cases, each a stream in which every decision is dropped after use
    # (keeping 20000 decisions alive would make the collector's full passes, not the engine,
    # dominate the figures). ``--repeat`` passes time ``evaluate`` and reading the decided fields,
    # call by call, as a replay runs it; the median pass is reported (a machine's speed drifts
    # between passes; all are printed). A last pass times ``evaluate`` + ``model_dump_json()``
    # (every trail message rendered), as a service or the command line runs it.
    passes: list[tuple[float, dict[str, list[float]]]] = []
    for k in range(args.repeat):
        gc.collect()
        pass_us: dict[str, list[float]] = defaultdict(list)
        wall = 0.0
        for rule, case, as_of in cases:
            t0 = perf()
            try:
                d = evaluate(case, as_of=as_of)
                d.outcome, d.recommended_fine, d.band, d.level  # noqa: B018 - what a replay reads
            except pe.PenaltyEngineError as exc:
                if k == 0:
                    errors[rule.id].append(f"{case['case_id']}: {exc}")
                continue
            t1 = perf()
            pass_us[rule.id].append((t1 - t0) * 1e6)
            wall += t1 - t0
        passes.append((wall, pass_us))
    with contextlib.suppress(NameError):
        del d
    eval_wall, eval_us = sorted(passes, key=lambda p: p[0])[(len(passes) - 1) // 2]
    dump_wall = 0.0
    gc.collect()
    for rule, case, as_of in cases:
        t1 = perf()
        try:
            d = evaluate(case, as_of=as_of)
            d.model_dump_json()
        except pe.PenaltyEngineError:
            continue
        t2 = perf()
        dump_us[rule.id].append((t2 - t1) * 1e6)
        dump_wall += t2 - t1
        steps[rule.id].append(len(d.trail))

    print(f"penalty-engine {pe.__version__} · Python {platform.python_version()} · {platform.machine()} · {pinned}")
    print(
        f"{args.n} cases (seed {args.seed}) over {len(rules)} rules; warm-up {min(args.warmup, args.n)}; "
        f"engine load {load_ms:.0f} ms; {args.evaluator} evaluator; eval = evaluate + reading outcome, fine, "
        "band and level; json = evaluate + model_dump_json()"
    )
    done_per_pass = sum(len(v) for v in eval_us.values())
    rates = ", ".join(f"{done_per_pass / wall:,.0f}" for wall, _ in passes)
    print(f"evaluate passes: {rates} decisions/s; the table shows the median pass")
    print()
    header = (
        f"{'rule':<36} {'cases':>6} {'eval/s':>8} {'µs mean':>8} {'p50':>7} {'p99':>7} {'max':>7} "
        f"{'json/s':>8} {'json µs':>8} {'steps':>5} {'errors':>6}"
    )
    print(header)
    print("-" * len(header))

    def row(name: str, ev: list[float], du: list[float], st: list[int], err: int) -> None:
        ev_sorted = sorted(ev)
        mean = statistics.fmean(ev) if ev else float("nan")
        dmean = statistics.fmean(du) if du else float("nan")
        print(
            f"{name:<36} {len(ev):>6} {1e6 / mean:>8.0f} {mean:>8.1f} {percentile(ev_sorted, 50):>7.1f} "
            f"{percentile(ev_sorted, 99):>7.1f} {(ev_sorted[-1] if ev_sorted else 0):>7.0f} "
            f"{1e6 / dmean:>8.0f} {dmean:>8.1f} "
            f"{(statistics.fmean(st) if st else 0):>5.1f} {err:>6}"
        )

    for rule in rules:
        row(rule.id, eval_us[rule.id], dump_us[rule.id], steps[rule.id], len(errors[rule.id]))
    print("-" * len(header))
    all_ev = [x for v in eval_us.values() for x in v]
    all_du = [x for v in dump_us.values() for x in v]
    all_st = [x for v in steps.values() for x in v]
    row("all rules", all_ev, all_du, all_st, sum(len(v) for v in errors.values()))
    print()
    done = len(all_ev)
    print(
        f"overall: evaluate + reading outcome, fine, band, level {done / eval_wall:,.0f} decisions/s "
        f"({eval_wall * 1e6 / max(done, 1):.1f} µs each); evaluate + model_dump_json() {done / dump_wall:,.0f}/s "
        f"({dump_wall * 1e6 / max(done, 1):.1f} µs each)"
    )
    print("µs = microseconds per decision on one core; p50/p99/max over the timed calls; steps = trail length")
    if any(errors.values()):
        print("\nerrors (a generated case was rejected; the generator or the engine is wrong):", file=sys.stderr)
        for rule_id, msgs in errors.items():
            for m in msgs[:5]:
                print(f"  {rule_id}: {m}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
