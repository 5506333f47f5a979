"""The kept fuzz run of issue #16: hostile cases, case files and rule files, seeded (a script, not a test).

::

    .venv/bin/python bench/fuzz_run.py                       # 100,000 cases, 2,000 case files, 2,000 rule files
    .venv/bin/python bench/fuzz_run.py --cases 1000 --files 50 --rules 50 --seed 7

Every mutation is drawn from ``random.Random(seed)`` by the mutators of the fuzz tests
(tests/fuzz/mutate.py); the outcome of each is classified by tests/fuzz/outcome.py:

* library cases: ``Engine.evaluate_any`` on a mutated golden case; allowed a decision or a
  ``PenaltyEngineError``; a hang is more than 1 s;
* case files: a mutated YAML or JSON case file through the reader (``read_case_file``) and through
  ``penalty evaluate`` in-process (``CliRunner``; the bundled engine is loaded once, not per file);
  allowed exit 0 or 1 with no traceback; a hang is more than 30 s;
* rule files: a mutated rule file (or ``pack.yaml``) of a one-rule pack through ``Engine.load`` and
  ``penalty rules validate`` (and ``rules check`` for every tenth that loads, which is slow);
  allowed a loaded engine or a ``RuleError``, exit 0 or 1.

Prints the counts; exits 1 when any crash, traceback or hang was seen, with the first few to replay.
The figures of the last full run are in docs/robustness.md.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import penalty_engine as pe  # noqa: E402
from tests.fuzz.mutate import CEL_VALUES, case_text, mutate_case, mutate_text, rule_texts, seed_cases, write_pack  # noqa: E402
from tests.fuzz.outcome import Tally, cached_engine, case_file, library_case, rule_pack  # noqa: E402


def _line(name: str, tally: Tally, seconds: float) -> str:
    return (
        f"{name:<22} {tally.runs:>7} runs  {tally.decisions:>7} ok  {tally.errors:>7} errors  "
        f"{tally.crashes} crashes  {tally.tracebacks} tracebacks  {tally.hangs} hangs  "
        f"slowest {tally.slowest:.2f}s  ({seconds:.0f}s)"
    )


def main(argv: list[str] | None = None) -> int:
    """Run the three parts; return 1 when anything but a decision or a project error came out."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--files", type=int, default=2_000)
    ap.add_argument("--rules", type=int, default=2_000)
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--check-every", type=int, default=10, help="run `rules check` on every Nth pack that loads")
    args = ap.parse_args(argv)
    rnd = random.Random(args.seed)
    engine = pe.Engine.load()
    seeds = seed_cases()
    results: list[tuple[str, Tally, float]] = []

    library, start = Tally(), time.perf_counter()
    for _ in range(args.cases):
        case, as_of = mutate_case(rnd, rnd.choice(seeds))
        library_case(engine, case, as_of, library)
    results.append(("library cases", library, time.perf_counter() - start))
    print(_line(*results[-1]), flush=True)

    files, reader, start = Tally(), Tally(), time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp, cached_engine(engine):
        for i in range(args.files):
            text, suffix = case_text(rnd, rnd.choice(seeds))
            path = Path(tmp) / f"case-{i}{suffix}"
            path.write_text(mutate_text(rnd, text), encoding="utf-8", errors="surrogatepass")
            case_file(path, files, reader)
            path.unlink()
    seconds = time.perf_counter() - start
    results += [("case files (reader)", reader, seconds), ("case files (evaluate)", files, seconds)]
    print(_line(*results[-2]), flush=True)
    print(_line(*results[-1]), flush=True)

    rules, validate, start = Tally(), Tally(), time.perf_counter()
    starts = rule_texts()
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.rules):
            pack_text, rule_text = rnd.choice(starts)
            if rnd.random() < 0.2:
                pack_text = mutate_text(rnd, pack_text)
            else:
                rule_text = mutate_text(rnd, rule_text, CEL_VALUES)
            folder = write_pack(Path(tmp) / f"p{i}", pack_text, rule_text)
            rule_pack(folder, rules, validate, check=i % args.check_every == 0)
    seconds = time.perf_counter() - start
    results += [("rule files (load)", rules, seconds), ("rule files (validate)", validate, seconds)]
    print(_line(*results[-2]), flush=True)
    print(_line(*results[-1]), flush=True)

    bad = [b for _, t, _ in results for b in t.bad]
    for b in bad[:10]:
        print(b, file=sys.stderr)
    total = sum(t.crashes + t.tracebacks + t.hangs for _, t, _ in results)
    print(f"seed {args.seed}: {total} crashes, tracebacks and hangs in all")
    return 1 if total else 0


if __name__ == "__main__":
    raise SystemExit(main())
