"""The comparison set of ADR 0026: the compiled evaluator against the interpreter, byte for byte.

A script, not a test (``tests/unit/test_compiled.py`` runs a small set of the same)::

    .venv/bin/python bench/compare_evaluators.py              # golden + 20000 generated + 5000 with errors
    .venv/bin/python bench/compare_evaluators.py --n 50000 --broken 20000 --seed 7

Every golden case (``cases/**``, with its own dates and again with an ``as_of``), ``--n`` cases
generated from each rule's fact schema (``bench_evaluate.make_case``, with and without ``as_of``)
and ``--broken`` of them with errors injected (``tests/fuzz/mutate.mutate_case``: hostile values,
keys dropped or added, rule ids broken) are evaluated by ``Engine.load()`` (compiled) and
``Engine.load(evaluator="interpreter")`` (the reference). For each, the two must agree on:

- the error, if any: its class, code and message (``str``), which names the place;
- otherwise the fields the compiled evaluator decides, read first, before anything else (their
  ``repr``: ``100`` and ``100.00`` differ), then what replay reads of a decision without expanding
  it (the kinds of its duties and of its penalties in order, and the similar-case parts of a decision
  with a band, which
  a lazy decision gives from the compiled evaluator's record: ``core/record.py``), then the decision
  JSON (``model_dump_json``) and the plain-text rendering in Chinese and in English (every trail
  message).

It prints how many cases each side decided, how many the compiled evaluator decided itself (the
others went to the interpreter), and each difference (exit 1 if any).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # bench.bench_evaluate and tests.fuzz, however this runs

import penalty_engine as pe  # noqa: E402
from bench.bench_evaluate import make_case  # noqa: E402
from penalty_engine.core import (  # noqa: E402
    duty_kinds,
    penalty_kinds,
    read_case_file,
)
from penalty_engine.core.lazy import DECIDED, LazyDecision  # noqa: E402
from penalty_engine.models import Decisions  # noqa: E402
from penalty_engine.render import render_any  # noqa: E402
from penalty_engine.replay.classify import similarity  # noqa: E402
from tests.fuzz.mutate import mutate_case  # noqa: E402

AS_OF = dt.date(2026, 4, 10)
Item = tuple[str, Any, dt.date | None, Any]  # (label, case, as_of, source)


def golden_items() -> Iterator[Item]:
    """Every shipped golden case, with its own dates and with an ``as_of``."""
    for path in sorted((ROOT / "cases").rglob("*.yaml")):
        try:
            located = read_case_file(str(path))
        except pe.PenaltyEngineError:
            continue
        data = located.data
        yield f"{path.relative_to(ROOT)}", data, None, located
        yield f"{path.relative_to(ROOT)} as_of", data, AS_OF, located


def generated_items(engine: pe.Engine, n: int, broken: int, seed: int) -> Iterator[Item]:
    """``n`` cases over every rule (a third without ``as_of``), then ``broken`` of them mutated."""
    rules = engine.rules()
    rnd = random.Random(seed)
    made = []
    for i in range(n):
        rule = rules[i % len(rules)]
        case, as_of = make_case(rnd, rule, i)
        made.append(case)
        yield f"{case['case_id']} {rule.id}", case, as_of if rnd.random() < 0.67 else None, None
    for i in range(broken):
        case, as_of = mutate_case(rnd, rnd.choice(made))
        yield f"broken {i}", case, as_of, None


def outcome(engine: pe.Engine, case: Any, as_of: Any, source: Any) -> tuple[Any, ...]:
    """What the comparison compares, and whether the compiled evaluator decided the case itself."""
    try:
        result = engine.evaluate_any(case, as_of=as_of, source=source)
    except Exception as exc:  # every error is compared, whatever its class
        return ("error", type(exc).__name__, getattr(exc, "code", None), str(exc)), False
    lazy = type(result) is LazyDecision
    if isinstance(result, Decisions):
        lazy = any(type(d) is LazyDecision for d in result.decisions)
        decided: list[str] = []
    else:
        decided = [repr(getattr(result, name)) for name in DECIDED]  # read first: no expansion
        decided += [repr(duty_kinds(result)), repr(penalty_kinds(result))]
        decided += [repr(similarity(result) if result.band is not None else None)]
        if lazy and type(result) is not LazyDecision:
            raise AssertionError(
                "reading the decided fields, duty or penalty kinds or alike parts expanded the decision"
            )
    try:
        texts = [render_any(result, "text", lang) for lang in ("zh", "en")]
        return ("decision", decided, result.model_dump_json(), *texts), lazy
    except Exception as exc:  # expanding failed: a difference, shown as such
        return ("expanding failed", type(exc).__name__, str(exc)), lazy


def compare(items: Iterator[Item], compiled: pe.Engine, reference: pe.Engine) -> tuple[dict[str, int], list[str]]:
    """Counts (cases, decisions, errors, decided by the compiled evaluator) and the differences."""
    counts = {"cases": 0, "decisions": 0, "errors": 0, "compiled": 0}
    differences: list[str] = []
    for label, case, as_of, source in items:
        mine, lazy = outcome(compiled, case, as_of, source)
        theirs, _ = outcome(reference, case, as_of, source)
        counts["cases"] += 1
        counts["decisions" if theirs[0] == "decision" else "errors"] += 1
        counts["compiled"] += lazy
        if mine != theirs:
            first = next((i for i, (a, b) in enumerate(zip(mine, theirs, strict=False)) if a != b), 0)
            differences.append(f"{label} (as_of {as_of}): part {first}: {mine[first]!r:.300} != {theirs[first]!r:.300}")
    return counts, differences


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--n", type=int, default=20000, help="generated cases (default 20000)")
    ap.add_argument("--broken", type=int, default=5000, help="generated cases with errors injected (default 5000)")
    ap.add_argument("--seed", type=int, default=20260410)
    args = ap.parse_args(argv)
    compiled, reference = pe.Engine.load(evaluator="compiled"), pe.Engine.load(evaluator="interpreter")
    covered = sum(c for versions in compiled.coverage().values() for _, c in versions)
    total = sum(len(versions) for versions in compiled.coverage().values())
    print(f"compiled evaluator covers {covered} of {total} rule versions")
    failed = 0
    for name, items in (
        ("golden", golden_items()),
        ("generated", generated_items(compiled, args.n, args.broken, args.seed)),
    ):
        counts, differences = compare(items, compiled, reference)
        print(
            f"{name}: {counts['cases']} cases, {counts['decisions']} decisions ({counts['compiled']} by the compiled "
            f"evaluator), {counts['errors']} errors; {len(differences)} differences"
        )
        for d in differences[:20]:
            print("  " + d)
        failed += len(differences)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
