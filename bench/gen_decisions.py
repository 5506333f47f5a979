"""Synthetic past decisions for ``penalty replay``, with a known share of injected deviations and
similar-case inconsistencies, and a truth file naming them.

    .venv/bin/python bench/gen_decisions.py --n 100000 --out /tmp/past.jsonl   # or .csv
    .venv/bin/python bench/gen_decisions.py --n 5000 --seed 7 --deviation-share 0.05 --out past.csv

Each case is drawn over every shipped rule (as in bench_evaluate.py), evaluated, and given the
decision the engine recommends as its ``actual`` (outcome, fine, and often tier and duties), with an
officer and a unit from small pools. Then:

- a ``--deviation-share`` of the fined cases get a fine outside the band (above or below);
- an ``--inconsistency-share`` of the fined cases get a twin: the same facts and dates under another
  case id, fined inside the band but further from the original than the similar-case tolerance;
- a ``--no-actual-share`` of the cases carry no ``actual``.

``OUT.truth.json`` lists the injected ids: ``{"deviations": [...], "inconsistencies": [[a, b], ...]}``.
Everything else is consistent by construction.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import random
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import penalty_engine as pe
from bench.bench_evaluate import make_case
from penalty_engine.money import dec_str

#: the day the synthetic export was taken: no decision in it is dated later
EXPORT_DATE = dt.date(2026, 4, 10)
OFFICERS = [f"{s}{g}" for s in "王李张刘陈杨黄赵" for g in ("伟", "芳", "敏", "静", "强", "磊")]
UNITS = [f"{c}交通运输综合行政执法支队" for c in ("杭州", "宁波", "温州", "嘉兴", "湖州", "绍兴", "金华", "衢州")]


def generate(
    n: int, seed: int, deviation_share: float, inconsistency_share: float, no_actual_share: float
) -> Iterator[tuple[dict[str, Any], str | None]]:
    """Yield ``(case, injected)`` where injected is None, "deviation" or "twin:<original id>"."""
    engine = pe.Engine.load()
    rules = engine.rules()
    rnd = random.Random(seed)
    made = 0
    i = 0
    while made < n:
        rule = rules[i % len(rules)]
        i += 1
        case, decided = make_case(rnd, rule, i)
        if decided > EXPORT_DATE:
            continue  # past decisions are in the past: replay rejects a row dated after its run
        if "correction" in case:
            continue  # a per-day fine's order and re-inspections are no column of a flat export
        case["case_id"] = f"GEN-{seed}-{i:07d}"
        case["decided_on"] = decided.isoformat()
        try:
            d = engine.evaluate(case, as_of=decided)
        except pe.PenaltyEngineError:
            continue
        if d.recommended_fine is not None and d.recommended_fine != d.recommended_fine.quantize(Decimal("0.01")):
            continue  # an exact amount below a fen (a tiny base, round.exact) is no fine an officer wrote down
        if rnd.random() < no_actual_share:
            made += 1
            yield case, None
            continue
        actual: dict[str, Any] = {"outcome": d.outcome, "officer": rnd.choice(OFFICERS), "unit": rnd.choice(UNITS)}
        if d.recommended_fine is not None:
            actual["fine"] = dec_str(d.recommended_fine)
        if rnd.random() < 0.5 and d.tier is not None:
            actual["tier"] = d.tier
        if rnd.random() < 0.5:
            actual["duties"] = sorted({x.kind for x in d.duties})
        case["actual"] = actual
        band, unit = d.band, Decimal(rule.pack.rounding.unit)
        if band is None or d.recommended_fine is None:
            made += 1
            yield case, None
            continue
        roll = rnd.random()
        if roll < deviation_share:
            step = unit * rnd.randint(1, 40)
            if rnd.random() < 0.5 and band.min - step >= unit:
                actual["fine"] = dec_str(band.min - step)
            else:
                actual["fine"] = dec_str(band.max + step)
            made += 1
            yield case, "deviation"
            continue
        made += 1
        yield case, None
        if roll < deviation_share + inconsistency_share and made < n:
            tol = max((band.max - band.min) / 10, unit)
            rec = d.recommended_fine
            other = band.min if rec - band.min > tol else band.max if band.max - rec > tol else None
            if other is None:
                continue
            twin = json.loads(json.dumps(case))
            twin["case_id"] = case["case_id"] + "-T"
            twin["actual"]["fine"] = dec_str(other)
            twin["actual"]["officer"] = rnd.choice(OFFICERS)
            made += 1
            yield twin, "twin:" + case["case_id"]


def flat(case: dict[str, Any]) -> dict[str, str]:
    """A case as one CSV row with dotted headers (the replay's mapping-free convention)."""
    row: dict[str, str] = {}
    for k, v in case.items():
        if isinstance(v, dict):
            for k2, v2 in v.items():
                row[f"{k}.{k2}"] = (
                    ";".join(v2) if isinstance(v2, list) else json.dumps(v2) if isinstance(v2, bool) else str(v2)
                )
        else:
            row[k] = str(v)
    return row


def write(out: Path, n: int, seed: int, dev: float, inc: float, none: float) -> dict[str, Any]:
    truth: dict[str, Any] = {"n": n, "seed": seed, "deviations": [], "inconsistencies": []}
    rows = generate(n, seed, dev, inc, none)
    if out.suffix == ".csv":
        engine = pe.Engine.load()
        facts = sorted({f for r in engine.rules() for f in r.facts})
        headers = [
            "case_id",
            "violation",
            "occurred_on",
            "decided_on",
            "party.kind",
            "party.age",
            *[f"facts.{f}" for f in facts],
            "actual.outcome",
            "actual.fine",
            "actual.tier",
            "actual.duties",
            "actual.officer",
            "actual.unit",
        ]
        with out.open("w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, headers)
            w.writeheader()
            for case, injected in rows:
                _note(truth, case, injected)
                w.writerow(flat(case))
    else:
        with out.open("w", encoding="utf-8") as fh:
            for case, injected in rows:
                _note(truth, case, injected)
                fh.write(json.dumps(case, ensure_ascii=False) + "\n")
    Path(str(out) + ".truth.json").write_text(json.dumps(truth, ensure_ascii=False), encoding="utf-8")
    return truth


def _note(truth: dict[str, Any], case: dict[str, Any], injected: str | None) -> None:
    if injected == "deviation":
        truth["deviations"].append(case["case_id"])
    elif injected is not None:
        truth["inconsistencies"].append([injected.split(":", 1)[1], case["case_id"]])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--n", type=int, default=10000, help="rows to write (default 10000)")
    ap.add_argument("--seed", type=int, default=20260410)
    ap.add_argument("--out", type=Path, required=True, help="file.jsonl or file.csv")
    ap.add_argument("--deviation-share", type=float, default=0.05, help="share of fined cases outside the band")
    ap.add_argument("--inconsistency-share", type=float, default=0.02, help="share of fined cases given a twin")
    ap.add_argument("--no-actual-share", type=float, default=0.02, help="share of cases without actual")
    args = ap.parse_args(argv)
    truth = write(args.out, args.n, args.seed, args.deviation_share, args.inconsistency_share, args.no_actual_share)
    print(
        f"wrote {args.n} rows to {args.out}: {len(truth['deviations'])} deviations, "
        f"{len(truth['inconsistencies'])} inconsistent pairs; truth in {args.out}.truth.json"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
