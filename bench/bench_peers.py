"""The engine beside its peers, deciding the same unlicensed-freight cases (issue #15, ADR 0026).

A script, not a test::

    .venv/bin/python bench/bench_peers.py                 # 2000 cases, 7 interleaved rounds
    .venv/bin/python bench/bench_peers.py --n 5000 --rounds 9

The cases are ``cn-transport/unlicensed-freight`` under the version in force from 2023-07-20
(道路运输条例 Art. 63 item 1): an organisation, acts in 2024–2025 decided a month later, the gain,
情节严重, findings within a year, several vehicles, serious harm and correction drawn with a seeded
``random.Random``; none of the general part's provisions holds. The contenders, each timed in CPU
time over all the cases, in every round, in a shuffled order (interleaved, so the machine's drift
and the other processes on it weigh on each alike; the median round is shown):

- ``engine compiled``: ``Engine.evaluate`` (the compiled evaluator, ADR 0026) + reading outcome,
  recommended fine, band and level;
- ``engine compiled + JSON``: the same + ``model_dump_json()`` (the whole decision: 14–18 trail
  steps with the general part, the fingerprint);
- ``engine interpreter``: ``Engine.load(evaluator="interpreter")`` + reading the same fields;
- ``hand-written``: a Python function deciding the same thing for these cases (range, tier by
  findings, thirds of the range rounded to 100 yuan, factors ±1/4 from 1/2, amount rounded half
  up to 100 inside the band) — no trail, no checks, no general part;
- ``zen-engine, trace on``: the same decision as a JDM graph (an expression node for the range, a
  decision table for the tier, an expression node for band, position and amount; 5 nodes with
  input and output) evaluated with ``{"trace": True}``, when the package is installed (the
  optional extra ``bench``: ``pip install -e '.[bench]'``).

Each contender's fines are compared with the engine's first: the ratios are between deciders that
agree. It prints µs per decision and the ratios.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # bench.bench_evaluate, however this runs

import penalty_engine as pe  # noqa: E402
from bench.bench_evaluate import pin_one_core  # noqa: E402

RULE = "cn-transport/unlicensed-freight"
HUNDRED = Decimal(100)


def make_cases(n: int, seed: int) -> list[tuple[dict[str, Any], dt.date]]:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        occurred = dt.date(2024, 1, 1) + dt.timedelta(days=rnd.randint(0, 700))
        gain = 0 if rnd.random() < 0.3 else int(10 ** (rnd.random() * 5.5))
        facts = {
            "illegal_gain": str(gain),
            "serious": rnd.random() < 0.3,
            "prior_12m": rnd.choice((0, 0, 1, 2, 3)),
            "several_vehicles": rnd.random() < 0.3,
            "harm": rnd.choice(("none", "none", "serious")),
            "corrected_in_time": rnd.random() < 0.3,
        }
        case = {
            "case_id": f"PEER-{i:05d}",
            "violation": RULE,
            "occurred_on": occurred.isoformat(),
            "party": {"kind": "organization"},
            "facts": facts,
        }
        out.append((case, occurred + dt.timedelta(days=30)))
    return out


def _round(x: Decimal) -> Decimal:
    return (x / HUNDRED).quantize(Decimal(1), ROUND_HALF_UP) * HUNDRED


def hand_written(facts: dict[str, Any]) -> tuple[str, Decimal, Decimal, Decimal]:
    """The decision for these cases, written by hand: tier, band minimum and maximum, fine."""
    gain = Decimal(facts["illegal_gain"])
    if gain > 10000:
        lo, hi = gain, gain * 5
    elif facts["serious"]:
        lo, hi = Decimal(10000), Decimal(50000)
    else:
        lo, hi = Decimal(3000), Decimal(10000)
    prior = facts["prior_12m"]
    tier, lower, upper = ("heavier", 2, 3) if prior >= 2 else ("standard", 1, 2) if prior == 1 else ("lighter", 0, 1)
    width = hi - lo
    b_lo = lo if lower == 0 else _round(lo + width * lower / 3)
    b_hi = hi if upper == 3 else _round(lo + width * upper / 3)
    quarters = 2 + facts["several_vehicles"] + (facts["harm"] == "serious") - facts["corrected_in_time"]
    position = Decimal(min(max(quarters, 0), 4)) / 4
    fine = _round(b_lo + (b_hi - b_lo) * position)
    if fine < b_lo:
        fine += HUNDRED
    elif fine > b_hi:
        fine -= HUNDRED
    return tier, b_lo, b_hi, fine


ZEN_GRAPH: dict[str, Any] = {
    "nodes": [
        {"id": "in", "type": "inputNode", "name": "request", "position": {"x": 0, "y": 0}},
        {
            "id": "range",
            "type": "expressionNode",
            "name": "range",
            "position": {"x": 1, "y": 0},
            "content": {
                "passThrough": True,
                "inputField": None,
                "outputPath": None,
                "expressions": [
                    {"id": "lo", "key": "lo", "value": "gain > 10000 ? gain : (serious ? 10000 : 3000)"},
                    {"id": "hi", "key": "hi", "value": "gain > 10000 ? gain * 5 : (serious ? 50000 : 10000)"},
                ],
            },
        },
        {
            "id": "tier",
            "type": "decisionTableNode",
            "name": "tier",
            "position": {"x": 2, "y": 0},
            "content": {
                "hitPolicy": "first",
                "passThrough": True,
                "inputField": None,
                "outputPath": None,
                "inputs": [{"id": "prior", "name": "prior", "field": "prior_12m"}],
                "outputs": [
                    {"id": "tier", "name": "tier", "field": "tier"},
                    {"id": "lower", "name": "lower", "field": "lower"},
                    {"id": "upper", "name": "upper", "field": "upper"},
                ],
                "rules": [
                    {"_id": "r1", "prior": ">= 2", "tier": "'heavier'", "lower": "2", "upper": "3"},
                    {"_id": "r2", "prior": "1", "tier": "'standard'", "lower": "1", "upper": "2"},
                    {"_id": "r3", "prior": "", "tier": "'lighter'", "lower": "0", "upper": "1"},
                ],
            },
        },
        {
            "id": "amount",
            "type": "expressionNode",
            "name": "amount",
            "position": {"x": 3, "y": 0},
            "content": {
                "passThrough": True,
                "inputField": None,
                "outputPath": None,
                "expressions": [
                    {
                        "id": "b_lo",
                        "key": "band_lo",
                        "value": "lower == 0 ? lo : round((lo + (hi - lo) * lower / 3) / 100) * 100",
                    },
                    {
                        "id": "b_hi",
                        "key": "band_hi",
                        "value": "upper == 3 ? hi : round((lo + (hi - lo) * upper / 3) / 100) * 100",
                    },
                    {
                        "id": "q",
                        "key": "quarters",
                        "value": "max([0, min([4, 2 + (several_vehicles ? 1 : 0) + (harm == 'serious' ? 1 : 0)"
                        " - (corrected_in_time ? 1 : 0)])])",
                    },
                    {
                        "id": "raw",
                        "key": "raw",
                        "value": "round(($.band_lo + ($.band_hi - $.band_lo) * $.quarters / 4) / 100) * 100",
                    },
                    {
                        "id": "fine",
                        "key": "fine",
                        "value": "$.raw < $.band_lo ? $.raw + 100 : ($.raw > $.band_hi ? $.raw - 100 : $.raw)",
                    },
                ],
            },
        },
        {"id": "out", "type": "outputNode", "name": "response", "position": {"x": 4, "y": 0}},
    ],
    "edges": [
        {"id": f"e{i}", "sourceId": a, "targetId": b, "type": "edge"}
        for i, (a, b) in enumerate([("in", "range"), ("range", "tier"), ("tier", "amount"), ("amount", "out")])
    ],
}


def zen_decider() -> Callable[[dict[str, Any]], Any] | None:
    """zen-engine's decision for these cases (trace on), or ``None`` when it is not installed."""
    try:
        import zen  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
    decision = zen.ZenEngine().create_decision(json.dumps(ZEN_GRAPH))
    options = {"trace": True}

    def decide(facts: dict[str, Any]) -> Any:
        return decision.evaluate(facts, options)

    return decide


def zen_input(facts: dict[str, Any]) -> dict[str, Any]:
    return {**facts, "gain": int(facts["illegal_gain"])}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--n", type=int, default=2000, help="cases (default 2000)")
    ap.add_argument("--rounds", type=int, default=7, help="interleaved rounds; the median counts (default 7)")
    ap.add_argument("--seed", type=int, default=20260415)
    args = ap.parse_args(argv)
    pinned = pin_one_core()
    compiled = pe.Engine.load("cn-transport", evaluator="compiled")
    interpreter = pe.Engine.load("cn-transport", evaluator="interpreter")
    cases = make_cases(args.n, args.seed)
    zen = zen_decider()

    # the same decisions first: every contender's fine is the engine's
    disagree: dict[str, int] = {"hand-written": 0, "zen-engine, trace on": 0}
    for case, as_of in cases:
        d = compiled.evaluate(case, as_of=as_of)
        assert d.band is not None and d.recommended_fine is not None
        mine = (d.tier, d.band.min, d.band.max, d.recommended_fine)
        disagree["hand-written"] += hand_written(case["facts"]) != mine
        if zen is not None:
            got = zen(zen_input(case["facts"]))["result"]
            disagree["zen-engine, trace on"] += Decimal(str(got["fine"])) != d.recommended_fine

    facts = [c["facts"] for c, _ in cases]
    zen_facts = [zen_input(f) for f in facts]

    def engine_fields(engine: pe.Engine) -> Callable[[], None]:
        def run() -> None:
            for case, as_of in cases:
                d = engine.evaluate(case, as_of=as_of)
                d.outcome, d.recommended_fine, d.band, d.level  # noqa: B018 - what a replay reads

        return run

    def engine_json() -> None:
        for case, as_of in cases:
            compiled.evaluate(case, as_of=as_of).model_dump_json()

    def hand() -> None:
        for f in facts:
            hand_written(f)

    contenders: dict[str, Callable[[], None]] = {
        "engine compiled": engine_fields(compiled),
        "engine compiled + JSON": engine_json,
        "engine interpreter": engine_fields(interpreter),
        "hand-written": hand,
    }
    if zen is not None:
        zen_run = zen

        def zen_all() -> None:
            for f in zen_facts:
                zen_run(f)

        contenders["zen-engine, trace on"] = zen_all
    for run in contenders.values():  # warm-up
        run()
    timings: dict[str, list[float]] = {name: [] for name in contenders}
    rnd = random.Random(args.seed)
    for _ in range(args.rounds):
        order = list(contenders)
        rnd.shuffle(order)
        for name in order:
            t0 = time.process_time()
            contenders[name]()
            timings[name].append((time.process_time() - t0) / len(cases) * 1e6)
    us = {name: statistics.median(values) for name, values in timings.items()}

    print(f"penalty-engine {pe.__version__} · Python {platform.python_version()} · {platform.machine()} · {pinned}")
    print(f"{len(cases)} {RULE} cases (seed {args.seed}), {args.rounds} interleaved rounds, CPU time, median round")
    if zen is None:
        print("zen-engine is not installed (pip install -e '.[bench]'): left out")
    print()
    print(f"{'contender':<28} {'µs/decision':>12} {'decisions/s':>12} {'× hand':>8} {'× zen':>8} {'disagree':>9}")
    for name, value in us.items():
        vs_zen = f"{value / us['zen-engine, trace on']:>8.2f}" if zen is not None else f"{'-':>8}"
        dis = disagree.get(name)
        print(
            f"{name:<28} {value:>12.1f} {1e6 / value:>12,.0f} {value / us['hand-written']:>8.1f} {vs_zen} "
            f"{'' if dis is None else dis:>9}"
        )
    print("\n× hand, × zen: the contender's time per decision over the hand-written function's / zen-engine's")
    return 1 if any(disagree.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
