"""The ``penalty`` command line: thin over the library.

Each command parses its options, calls one library function and renders the result. Exit
codes: 0 success; 1 a case or rule error, a failed test; 2 usage. Errors print one line each
with their code on stderr, never a traceback (set PENALTY_DEBUG=1 to see one).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from .. import newcase
from ..__about__ import __version__
from ..check import check_pack, run_check, run_pack
from ..core import Engine, read_case_file
from ..errors import PenaltyEngineError, RuleErrors
from ..publish import publish
from ..render import render_any
from . import catalog

app = typer.Typer(
    name="penalty",
    help="Quantified administrative-penalty discretion: evaluate cases against published rule packs.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
rules_app = typer.Typer(help="List, show, validate, test and describe rule packs.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")

err = Console(stderr=True, highlight=False, soft_wrap=True)
T = TypeVar("T")


class Fmt(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


class ListFmt(StrEnum):
    text = "text"
    json = "json"


class Lang(StrEnum):
    zh = "zh"
    en = "en"


class PubFmt(StrEnum):
    html = "html"
    markdown = "markdown"


PackOpt = Annotated[
    list[str] | None,
    typer.Option("--pack", "-p", help="Pack id or folder (repeatable); default: every bundled pack."),
]


def _fail(exc: PenaltyEngineError) -> None:
    errors = exc.errors if isinstance(exc, RuleErrors) else [exc]
    for e in errors:
        err.print(PenaltyEngineError.__str__(e), markup=False)


def guarded(fn: Callable[[], T]) -> T:
    """Run ``fn``; a project error becomes its message on stderr and exit 1."""
    try:
        return fn()
    except PenaltyEngineError as exc:
        _fail(exc)
        raise typer.Exit(1) from None


def _engine(packs: list[str] | None) -> Engine:
    return guarded(lambda: Engine.load(*(packs or [])))


def _print(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


OutputOpt = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write to this file (default: standard output).")
]


def _write(text: str, output: Path | None) -> None:
    """Print ``text``, or write it to ``output`` (UTF-8) and say so on stderr."""
    if output is None:
        _print(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        err.print(f"cannot write {output}: {exc.strerror}", markup=False)
        raise typer.Exit(1) from None
    err.print(f"wrote {output}", markup=False)


@app.command()
def evaluate(
    cases: Annotated[list[str], typer.Argument(help="Case files (YAML or JSON); '-' reads standard input.")],
    pack: PackOpt = None,
    fmt: Annotated[Fmt, typer.Option("--format", "-f", help="Output format.")] = Fmt.text,
    lang: Annotated[
        Lang | None,
        typer.Option("--lang", help="Language of the explanation (default: zh for text and markdown, en for json)."),
    ] = None,
    as_of: Annotated[
        dt.datetime | None,
        typer.Option(
            "--as-of",
            formats=["%Y-%m-%d"],
            help="Decision date for cases without decided_on (default: today).",
        ),
    ] = None,
) -> None:
    """Evaluate cases and print the recommendation with its explanation.

    One case in JSON prints one object; several print one object per line (JSON Lines).
    """
    engine = _engine(pack)
    language = (lang or (Lang.en if fmt is Fmt.json else Lang.zh)).value
    day = as_of.date() if as_of else dt.date.today()
    source = "--as-of" if as_of else "today"
    failed = 0
    for i, path in enumerate(cases):
        try:
            located = read_case_file(path)
            decision = engine.evaluate_any(located.data, as_of=day, source=located, as_of_label=source)
        except PenaltyEngineError as exc:
            _fail(exc)
            failed += 1
            continue
        if fmt is Fmt.json:
            out = render_any(decision, "json", language)
            _print(out if len(cases) == 1 else json.dumps(json.loads(out), ensure_ascii=False))
        else:
            if i:
                _print("\n" + ("-" * 72 if fmt is Fmt.text else "---") + "\n")
            _print(render_any(decision, fmt.value, language))
    if failed:
        raise typer.Exit(1)


@rules_app.command("list")
def rules_list(
    pack: PackOpt = None,
    search: Annotated[
        str | None, typer.Option("--search", "-s", help="Only rules whose id or title contains WORD.")
    ] = None,
    fmt: Annotated[ListFmt, typer.Option("--format", "-f")] = ListFmt.text,
    lang: Annotated[Lang, typer.Option("--lang")] = Lang.zh,
) -> None:
    """List the loaded rules with their pack, id, title and fact schema."""
    engine = _engine(pack)
    rows = catalog.list_rules(engine, search)
    if fmt is ListFmt.json:
        _print(json.dumps({"schema": "penalty-engine/rules@1", "rules": rows}, ensure_ascii=False, indent=2))
        return
    table = Table(title=None, show_lines=False)
    table.add_column("rule", no_wrap=True)
    for col in ("title", "versions", "facts"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(
            r["id"],
            r["title"][lang.value],
            ", ".join(v["effective_from"] for v in r["versions"]),
            ", ".join(r["facts"]),
        )
    Console(highlight=False, width=max(160, Console().width)).print(table)


@rules_app.command("show")
def rules_show(
    rule: Annotated[str, typer.Argument(help="Rule id: pack/rule, or a rule id only one pack has.")],
    pack: PackOpt = None,
    fmt: Annotated[ListFmt, typer.Option("--format", "-f")] = ListFmt.text,
    lang: Annotated[Lang, typer.Option("--lang")] = Lang.zh,
) -> None:
    """Show one rule: its facts, and for each version the basis, frame, tiers and factors."""
    engine = _engine(pack)
    compiled = guarded(lambda: engine.rule(rule))
    if fmt is ListFmt.json:
        _print(json.dumps(catalog.describe_rule(compiled), ensure_ascii=False, indent=2))
        return
    Console(highlight=False).print(catalog.rich_rule(compiled, lang.value))


@rules_app.command("validate")
def rules_validate(
    packs: Annotated[list[str], typer.Argument(help="Pack ids or folders.")],
    fmt: Annotated[ListFmt, typer.Option("--format", "-f")] = ListFmt.text,
) -> None:
    """Load and compile packs; report every error with file:line. Exit 1 on any error."""
    problems: list[PenaltyEngineError] = []
    counts: dict[str, int] = {}
    for p in packs:
        try:
            counts[p] = len(Engine.load(p).rules())
        except RuleErrors as exc:
            problems.extend(exc.errors)
        except PenaltyEngineError as exc:
            problems.append(exc)
    if fmt is ListFmt.json:
        _print(
            json.dumps(
                {
                    "schema": "penalty-engine/validate@1",
                    "valid": not problems,
                    "rules": counts,
                    "errors": [{"code": e.code, "where": e.where, "message": e.message} for e in problems],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for e in problems:
            err.print(PenaltyEngineError.__str__(e), markup=False)
        for p, n in counts.items():
            _print(f"{p}: {n} rules, valid")
    if problems:
        raise typer.Exit(1)


@rules_app.command("test")
def rules_test(
    pack: Annotated[str, typer.Argument(help="Pack id or folder.")],
    fmt: Annotated[ListFmt, typer.Option("--format", "-f")] = ListFmt.text,
) -> None:
    """Run a pack's golden cases: one line per failure, then 'N passed, N failed'."""
    engine = _engine([pack])
    results = guarded(lambda: run_pack(engine, pack))
    failed = [r for r in results if not r.passed]
    if fmt is ListFmt.json:
        _print(
            json.dumps(
                {
                    "schema": "penalty-engine/test@1",
                    "pack": pack,
                    "passed": len(results) - len(failed),
                    "failed": len(failed),
                    "failures": [{"file": r.path, "case_id": r.case_id, "differences": r.differences} for r in failed],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for r in failed:
            for d in r.differences:
                _print(f"FAIL {r.path} [{r.case_id}]: {d}")
        _print(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    if failed or not results:
        if not results:
            err.print(f"no golden cases found for {pack}", markup=False)
        raise typer.Exit(1)


@rules_app.command("check")
def rules_check(
    pack: Annotated[str, typer.Argument(help="Pack id or folder.")],
    fmt: Annotated[ListFmt, typer.Option("--format", "-f")] = ListFmt.text,
    as_json: Annotated[bool, typer.Option("--json", help="Same as --format json.")] = False,
    max_examples: Annotated[int, typer.Option("--max-examples", min=0, help="Cases per invariant and rule.")] = 100,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the search; the same seed gives the same report.")] = 0,
) -> None:
    """Prove a pack consistent: gaps, overlaps, unreachable entries, bands, weights, facts, versions,
    and a property search of the invariants. Exit 1 on any error finding."""
    from rich.progress import Progress

    with Progress(console=err, transient=True, disable=not sys.stderr.isatty()) as bar:
        task = bar.add_task("invariants", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        report = guarded(lambda: run_check(pack, max_examples=max_examples, seed=seed, progress=advance))
    if as_json or fmt is ListFmt.json:
        _print(json.dumps(report.as_json(), ensure_ascii=False, indent=2, default=str))
    else:
        Console(highlight=False).print(catalog.rich_findings(report))
    if report.errors:
        raise typer.Exit(1)


@rules_app.command("publish")
def rules_publish(
    pack: Annotated[str, typer.Argument(help="Pack id or folder.")],
    fmt: Annotated[PubFmt, typer.Option("--format", "-f", help="Output format.")] = PubFmt.html,
    output: OutputOpt = None,
    lang: Annotated[Lang, typer.Option("--lang", help="Language of the document.")] = Lang.zh,
    force: Annotated[bool, typer.Option("--force", help="Publish even when rules check finds errors.")] = False,
) -> None:
    """Write the public benchmark document (行政处罚法 Art. 34): general part, tiers, every rule and
    version with its quoted provisions, and a register of every assumption.

    HTML is one self-contained printable file; Markdown has the same content. A pack with errors
    from the static part of `rules check` (gaps, overlapping bands, ...) is not published unless
    --force is given.
    """
    report = guarded(lambda: check_pack(pack))
    if report.errors and not force:
        for f in report.findings:
            if f.severity == "error":
                err.print(f"{f.kind} {f.file}:{f.line} {f.rule or ''}: {f.message}", markup=False)
        err.print(f"not published: {report.errors} errors from rules check (--force publishes anyway)", markup=False)
        raise typer.Exit(1)
    _write(guarded(lambda: publish(pack, fmt.value, lang.value)), output)


@rules_app.command("schema")
def rules_schema(
    case: Annotated[
        bool, typer.Option("--case", help="The case-input schema instead of the rule-file schema.")
    ] = False,
    pack_file: Annotated[bool, typer.Option("--pack-file", help="The pack.yaml schema.")] = False,
) -> None:
    """Print a JSON Schema: rule files (default), pack.yaml (--pack-file) or case input (--case)."""
    _print(
        json.dumps(
            catalog.json_schema("case" if case else "pack" if pack_file else "rule"),
            ensure_ascii=False,
            indent=2,
        )
    )


@app.command("new-case")
def new_case(
    rule: Annotated[str, typer.Argument(help="Rule id: pack/rule, or a rule id only one pack has.")],
    output: OutputOpt = None,
    template: Annotated[
        bool, typer.Option("--template", help="Write a commented case file to fill in by hand instead of asking.")
    ] = False,
    pack: PackOpt = None,
    lang: Annotated[Lang, typer.Option("--lang", help="Language of the questions and comments.")] = Lang.zh,
    force: Annotated[bool, typer.Option("--force", help="Overwrite the output file if it exists.")] = False,
) -> None:
    """Write a case file for RULE_ID: answer the questions (case, date, party, each fact), or use --template.

    Questions go to stderr, so without -o the case file alone is printed on stdout.
    """
    engine = _engine(pack)
    compiled = guarded(lambda: engine.rule(rule))
    if output is not None and output.exists() and not force:
        err.print(f"{output} exists; use --force to overwrite it", markup=False)
        raise typer.Exit(1)
    if template:
        _write(newcase.template_yaml(compiled, lang.value), output)
        return

    def ask(prompt: str) -> str:
        # Not typer.prompt: it writes a space of every prompt on stdout, where the case file may go.
        sys.stderr.write(f"{prompt}: ")
        sys.stderr.flush()
        line = sys.stdin.readline()
        if not line:
            raise EOFError
        answer = line.rstrip("\r\n")
        if not sys.stdin.isatty():  # piped answers are not echoed by a terminal: show them
            typer.echo(answer, err=True)
        return answer

    def say(message: str) -> None:
        typer.echo(message, err=True)

    try:
        data = guarded(lambda: newcase.build_case(compiled, ask, say, lang.value))
    except EOFError:
        err.print("\ninput ended before the case was complete; nothing written", markup=False)
        raise typer.Exit(1) from None
    _write(newcase.case_yaml(compiled, data, lang.value), output)


def _version(value: bool) -> None:
    if value:
        _print(f"penalty-engine {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Quantified administrative-penalty discretion: evaluate cases against published rule packs."""


@app.command()
def replay(
    inputs: Annotated[list[Path], typer.Argument(help="JSONL, CSV or XLSX files of past decisions.")],
    report: Annotated[Path | None, typer.Option("--report", help="Self-contained HTML report.")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Summary JSON (replay@1).")] = None,
    markdown: Annotated[Path | None, typer.Option("--markdown", help="Short Markdown summary.")] = None,
    results: Annotated[Path | None, typer.Option("--results", help="One JSON line per evaluated case.")] = None,
    rejects: Annotated[Path | None, typer.Option("--rejects", help="One JSON line per rejected row.")] = None,
    flagged_csv: Annotated[Path | None, typer.Option("--flagged-csv", help="Flagged cases as CSV.")] = None,
    flagged_xlsx: Annotated[Path | None, typer.Option("--flagged-xlsx", help="Flagged cases as XLSX.")] = None,
    mapping: Annotated[Path | None, typer.Option("--mapping", "-m", help="Column mapping YAML.")] = None,
    encoding: Annotated[
        str | None, typer.Option("--encoding", help="utf-8, utf-8-sig, gbk or gb18030 (default: detected).")
    ] = None,
    workers: Annotated[int, typer.Option("--workers", "-j", help="Worker processes (default: CPUs).")] = 0,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Decision date for rows without decided_on (YYYY-MM-DD).")
    ] = None,
    tolerance: Annotated[
        str | None,
        typer.Option("--tolerance", help="Similar-case tolerance, % of the band width (default: the pack's, 10%)."),
    ] = None,
    redact: Annotated[bool, typer.Option("--redact", help="Pseudonyms for party and officer names.")] = False,
    pack: PackOpt = None,
) -> None:
    """Replay past decisions: recompute each with the rules in force at its dates and compare."""
    from decimal import Decimal, InvalidOperation

    from .. import replay as rp

    try:
        day = dt.date.fromisoformat(as_of) if as_of else None
        tol = Decimal(tolerance) if tolerance is not None else None
    except (ValueError, InvalidOperation):
        err.print("--as-of takes YYYY-MM-DD and --tolerance a number", markup=False)
        raise typer.Exit(2) from None
    _engine(pack)  # the packs load: fail early with their errors
    settings = rp.Settings(
        packs=tuple(pack or ()),
        mapping=guarded(lambda: rp.load_mapping(mapping)) if mapping else None,
        as_of=day,
        tolerance_pct=tol,
        redact=redact,
    )
    outputs = rp.Outputs(json=json_out, html=report, markdown=markdown, results=results, rejects=rejects,
                         flagged_csv=flagged_csv, flagged_xlsx=flagged_xlsx)  # fmt: skip
    n_workers = workers if workers > 0 else rp.default_workers()
    if sys.stderr.isatty():
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        with Progress(SpinnerColumn(), TextColumn("replay: {task.completed} rows"), TimeElapsedColumn(),
                      console=err, transient=True) as bar:  # fmt: skip
            task = bar.add_task("replay", total=None)
            state = rp.replay(inputs, settings, outputs, workers=n_workers, encoding=encoding,
                              progress=lambda n: bar.advance(task, n))  # fmt: skip
    else:
        state = rp.replay(inputs, settings, outputs, workers=n_workers, encoding=encoding)
    c = state.counts
    err.print(
        f"replay: {c['input']} rows, {c['evaluated']} evaluated, {c['rejected']} rejected; "
        f"{c['consistent']} consistent, {c['flagged']} flagged, {c['no_actual']} without actual; "
        f"{len(state.groups.flagged())} similar groups flagged",
        markup=False,
    )
    if c["rejected"]:
        err.print("PE-C001 some rows were rejected (see --rejects or the report)", markup=False)
        raise typer.Exit(1)


def main(argv: list[str] | None = None) -> Any:
    """Entry point of the ``penalty`` command."""
    try:
        return app(args=argv, standalone_mode=True)
    except SystemExit:
        raise
    except Exception as exc:  # an engine bug: say so plainly, no traceback unless asked
        if os.environ.get("PENALTY_DEBUG"):
            raise
        err.print(
            f"internal error ({type(exc).__name__}: {exc}); please report it with the input that caused it",
            markup=False,
        )
        raise SystemExit(1) from None


if __name__ == "__main__":  # pragma: no cover
    main()
