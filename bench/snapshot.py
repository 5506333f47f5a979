"""The comparison set: every output the engine writes, for refactoring byte for byte.

A script, not a test::

    .venv/bin/python bench/snapshot.py gen  /tmp/snapcases        # once, on the old code
    .venv/bin/python bench/snapshot.py run  /tmp/snapcases /tmp/snap-old
    ... change the code ...
    .venv/bin/python bench/snapshot.py run  /tmp/snapcases /tmp/snap-new
    diff -r /tmp/snap-old /tmp/snap-new

``gen`` writes the inputs once: ``--n`` generated cases over every shipped rule (as in
``bench_evaluate.py``), a share of them with an error injected (a fact of the wrong type, an unknown
fact, a missing required fact, a minor, a misspelt violation, no ``decided_on``), and a replay file
(``gen_decisions.py``). Keeping them as files means ``run`` needs nothing but the command line, which
every refactoring keeps.

``run`` drives the real command line in-process (``penalty_engine.cli``): ``evaluate`` in text,
markdown and JSON, zh and en, over the golden cases and the generated ones (errors included);
``rules show``/``list``/``schema``/``validate``/``test``/``check``/``publish``; ``new-case
--template``; ``replay`` with every output. Each command's stdout, stderr and exit code land in one
file under the output folder.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

AS_OF = "2026-04-10"


def _inject(rnd: random.Random, case: dict[str, Any], facts: dict[str, Any]) -> None:
    """Break ``case`` in one of several ways a careless exporter would."""
    kind = rnd.randrange(7)
    names = list(facts)
    if kind == 0 and names:
        case["facts"][rnd.choice(names)] = "not-a-value"
    elif kind == 1:
        case["facts"]["no_such_fact"] = 1
    elif kind == 2 and names:
        case["facts"].pop(rnd.choice(names), None)
    elif kind == 3:
        case["party"] = {"kind": "individual", "age": rnd.choice([13, 14, 15, 16, 17])}
    elif kind == 4:
        case["violation"] = case["violation"] + "x"
    elif kind == 5:
        case.pop("decided_on", None)
    else:
        case["occurred_on"] = "2001-01-01"


def gen(out: Path, n: int, seed: int) -> None:
    import penalty_engine as pe
    from bench.bench_evaluate import make_case

    out.mkdir(parents=True, exist_ok=True)
    (out / "cases").mkdir(exist_ok=True)
    engine = pe.Engine.load()
    rules = engine.rules()
    rnd = random.Random(seed)
    for i in range(n):
        rule = rules[i % len(rules)]
        case, _ = make_case(rnd, rule, i)
        if rnd.random() < 0.25:
            _inject(rnd, case, dict(case["facts"]))
        (out / "cases" / f"{i:05d}.json").write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    import subprocess

    subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "gen_decisions.py"),
            "--n",
            "1500",
            "--seed",
            str(seed),
            "--out",
            str(out / "past.jsonl"),
        ],
        check=True,
    )


def run(inputs: Path, out: Path) -> None:
    from typer.testing import CliRunner

    from penalty_engine.cli import app

    out.mkdir(parents=True, exist_ok=True)
    runner = CliRunner()

    def call(name: str, *args: str) -> None:
        result = runner.invoke(app, list(args), catch_exceptions=True)
        text = f"exit {result.exit_code}\n--- stdout\n{result.stdout}"
        text += f"--- stderr\n{result.stderr}"
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            text += f"--- exception\n{type(result.exception).__name__}: {result.exception}\n"
        (out / f"{name}.txt").write_text(text, encoding="utf-8")

    golden = sorted(str(p) for p in (ROOT / "cases").rglob("*.yaml"))
    generated = sorted(str(p) for p in (inputs / "cases").glob("*.json"))
    for label, files in (("golden", golden), ("generated", generated)):
        for fmt in ("text", "markdown", "json"):
            for lang in ("zh", "en"):
                call(
                    f"evaluate-{label}-{fmt}-{lang}",
                    "evaluate",
                    *files,
                    "--format",
                    fmt,
                    "--lang",
                    lang,
                    "--as-of",
                    AS_OF,
                )
    import penalty_engine as pe

    engine = pe.Engine.load()
    for lang in ("zh", "en"):
        call(f"rules-list-{lang}", "rules", "list", "--lang", lang)
        for rule in engine.rules():
            slug = rule.id.replace("/", "__")
            call(f"show-{slug}-{lang}", "rules", "show", rule.id, "--lang", lang)
            call(f"newcase-{slug}-{lang}", "new-case", rule.id, "--template", "--lang", lang)
    for rule in engine.rules():
        call(f"show-{rule.id.replace('/', '__')}-json", "rules", "show", rule.id, "--format", "json")
    call("rules-list-json", "rules", "list", "--format", "json")
    for kind in ((), ("--case",), ("--pack-file",)):
        call(f"schema{''.join(kind)}", "rules", "schema", *kind)
    for pack in engine.packs():
        call(f"validate-{pack}", "rules", "validate", pack)
        call(f"test-{pack}", "rules", "test", pack, "--format", "json")
        call(f"check-{pack}", "rules", "check", pack, "--json", "--max-examples", "30")
        for fmt in ("html", "markdown"):
            for lang in ("zh", "en"):
                call(f"publish-{pack}-{fmt}-{lang}", "rules", "publish", pack, "--format", fmt, "--lang", lang)
    rp = out / "replay"
    rp.mkdir(exist_ok=True)
    call(
        "replay",
        "replay",
        str(inputs / "past.jsonl"),
        "-j",
        "1",
        "--as-of",
        AS_OF,
        "--report",
        str(rp / "report.html"),
        "--json",
        str(rp / "summary.json"),
        "--markdown",
        str(rp / "summary.md"),
        "--results",
        str(rp / "results.jsonl"),
        "--rejects",
        str(rp / "rejects.jsonl"),
        "--flagged-csv",
        str(rp / "flagged.csv"),
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("gen", help="write the inputs once")
    g.add_argument("inputs", type=Path)
    g.add_argument("--n", type=int, default=3000)
    g.add_argument("--seed", type=int, default=20260410)
    r = sub.add_parser("run", help="write every output for the inputs")
    r.add_argument("inputs", type=Path)
    r.add_argument("out", type=Path)
    args = ap.parse_args(argv)
    if args.cmd == "gen":
        gen(args.inputs, args.n, args.seed)
    else:
        run(args.inputs, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
