"""``penalty rules``: list, show, validate, test, check, publish and describe rule packs.

Each command parses its options, calls one library function and renders the result. Not pure:
reads packs and writes to stdout, stderr or an output file.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ..check import run_check, run_pack
from ..core import Engine
from ..errors import PenaltyEngineError, RuleErrors
from ..publish import NotPublished, publish_checked
from . import catalog
from .common import (
    CONTEXT,
    FormatOpt,
    Lang,
    LangOpt,
    ListFmt,
    OutputOpt,
    PackArg,
    PackOpt,
    PubFmt,
    RuleArg,
    err,
    fail,
    guarded,
    load_engine,
    print_text,
    say,
    write,
)

rules_app = typer.Typer(
    help="List, show, validate, test and describe rule packs.", no_args_is_help=True, context_settings=CONTEXT
)


def _json(data: object) -> None:
    print_text(json.dumps(data, ensure_ascii=False, indent=2))


@rules_app.command("list")
def rules_list(
    pack: PackOpt = None,
    search: Annotated[
        str | None, typer.Option("--search", "-s", help="Only rules whose id or title contains WORD.")
    ] = None,
    fmt: FormatOpt = ListFmt.text,
    lang: LangOpt = Lang.zh,
) -> None:
    """List the loaded rules with their pack, id, title and fact schema."""
    rows = catalog.list_rules(load_engine(pack), search)
    if fmt is ListFmt.json:
        _json({"schema": "penalty-engine/rules@1", "rules": rows})
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
    rule: RuleArg,
    pack: PackOpt = None,
    fmt: FormatOpt = ListFmt.text,
    lang: LangOpt = Lang.zh,
) -> None:
    """Show one rule: its facts, and for each version the basis, frame, tiers and factors."""
    engine = load_engine(pack)
    compiled = guarded(lambda: engine.rule(rule))
    if fmt is ListFmt.json:
        _json(catalog.describe_rule(compiled))
        return
    Console(highlight=False).print(catalog.rich_rule(compiled, lang.value))


@rules_app.command("validate")
def rules_validate(
    packs: Annotated[list[str], typer.Argument(help="Pack ids or folders.")],
    fmt: FormatOpt = ListFmt.text,
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
        _json(
            {
                "schema": "penalty-engine/validate@1",
                "valid": not problems,
                "rules": counts,
                "errors": [{"code": e.code, "where": e.where, "message": e.message} for e in problems],
            }
        )
    else:
        for e in problems:
            say(PenaltyEngineError.__str__(e))
        for p, n in counts.items():
            print_text(f"{p}: {n} rules, valid")
    if problems:
        raise typer.Exit(1)


@rules_app.command("test")
def rules_test(pack: PackArg, fmt: FormatOpt = ListFmt.text) -> None:
    """Run a pack's golden cases: one line per failure, then 'N passed, N failed'."""
    engine = load_engine([pack])
    results = guarded(lambda: run_pack(engine, pack))
    failed = [r for r in results if not r.passed]
    if fmt is ListFmt.json:
        _json(
            {
                "schema": "penalty-engine/test@1",
                "pack": pack,
                "passed": len(results) - len(failed),
                "failed": len(failed),
                "failures": [{"file": r.path, "case_id": r.case_id, "differences": r.differences} for r in failed],
            }
        )
    else:
        for r in failed:
            for d in r.differences:
                print_text(f"FAIL {r.path} [{r.case_id}]: {d}")
        print_text(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    if failed or not results:
        if not results:
            say(f"no golden cases found for {pack}")
        raise typer.Exit(1)


@rules_app.command("check")
def rules_check(
    pack: PackArg,
    fmt: FormatOpt = ListFmt.text,
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
        print_text(json.dumps(report.as_json(), ensure_ascii=False, indent=2, default=str))
    else:
        Console(highlight=False).print(catalog.rich_findings(report))
    if report.errors:
        raise typer.Exit(1)


@rules_app.command("publish")
def rules_publish(
    pack: PackArg,
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
    try:
        document = publish_checked(pack, fmt.value, lang.value, force=force)
    except NotPublished as exc:  # told finding by finding, with the option the command line has
        for line in exc.lines():
            say(line)
        say(f"not published: {exc.errors} errors from rules check (--force publishes anyway)")
        raise typer.Exit(1) from None
    except PenaltyEngineError as exc:
        fail(exc)
        raise typer.Exit(1) from None
    write(document, output)


@rules_app.command("schema")
def rules_schema(
    case: Annotated[
        bool, typer.Option("--case", help="The case-input schema instead of the rule-file schema.")
    ] = False,
    pack_file: Annotated[bool, typer.Option("--pack-file", help="The pack.yaml schema.")] = False,
) -> None:
    """Print a JSON Schema: rule files (default), pack.yaml (--pack-file) or case input (--case)."""
    _json(catalog.json_schema("case" if case else "pack" if pack_file else "rule"))
