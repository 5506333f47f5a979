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

from ..core import Engine
from ..errors import PenaltyEngineError, RuleErrors
from ..text import words
from . import catalog
from .common import (
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
    error_line,
    fail,
    guarded,
    load_engine,
    print_text,
    say,
    write,
)
from .help import command, group
from .lang import cli_help, cli_lang, cli_text

rules_app = group("rules", no_args_is_help=True)


def _json(data: object) -> None:
    print_text(json.dumps(data, ensure_ascii=False, indent=2))


@rules_app.command("list", **command("rules.list"))
def rules_list(
    pack: PackOpt = None,
    search: Annotated[str | None, typer.Option("--search", "-s", help=cli_help("rules.list.search"))] = None,
    fmt: FormatOpt = ListFmt.text,
    lang: LangOpt = Lang.zh,
) -> None:
    """``penalty rules list``: a table, or the rules@1 JSON."""
    rows = catalog.list_rules(load_engine(pack), search)
    if fmt is ListFmt.json:
        _json({"schema": "penalty-engine/rules@1", "rules": rows})
        return
    col = words(lang.value).scope("cli.table")
    table = Table(title=None, show_lines=False)
    table.add_column(col("rule"), no_wrap=True)
    for key in ("title", "versions", "facts"):
        table.add_column(col(key), overflow="fold")
    for r in rows:
        table.add_row(
            r["id"],
            r["title"][lang.value],
            ", ".join(v["effective_from"] for v in r["versions"]),
            ", ".join(r["facts"]),
        )
    Console(highlight=False, width=max(160, Console().width)).print(table)


@rules_app.command("show", **command("rules.show"))
def rules_show(
    rule: RuleArg,
    pack: PackOpt = None,
    fmt: FormatOpt = ListFmt.text,
    lang: LangOpt = Lang.zh,
) -> None:
    """``penalty rules show``: one rule for the terminal, or as JSON."""
    engine = load_engine(pack)
    compiled = guarded(lambda: engine.rule(rule))
    if fmt is ListFmt.json:
        _json(catalog.describe_rule(compiled))
        return
    Console(highlight=False).print(catalog.rich_rule(compiled, lang.value))


@rules_app.command("validate", **command("rules.validate"))
def rules_validate(
    packs: Annotated[list[str], typer.Argument(help=cli_help("rules.validate.packs"))],
    fmt: FormatOpt = ListFmt.text,
) -> None:
    """``penalty rules validate``: every error of every pack; exit 1 on any."""
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
        lang = cli_lang()
        for e in problems:
            say(error_line(e, lang))
        for p, n in counts.items():
            print_text(cli_text("valid", pack=p, n=n))
    if problems:
        raise typer.Exit(1)


@rules_app.command("test", **command("rules.test"))
def rules_test(pack: PackArg, fmt: FormatOpt = ListFmt.text) -> None:
    """``penalty rules test``: a pack's golden cases; exit 1 on a failure or none."""
    from ..check import run_pack  # here, not at the top: the other commands start without the checker

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
                print_text(cli_text("test_fail", path=r.path, case_id=r.case_id, difference=d))
        print_text(cli_text("test_summary", passed=len(results) - len(failed), failed=len(failed)))
    if failed or not results:
        if not results:
            say(cli_text("no_golden", pack=pack))
        raise typer.Exit(1)


@rules_app.command("check", **command("rules.check"))
def rules_check(
    pack: PackArg,
    fmt: FormatOpt = ListFmt.text,
    as_json: Annotated[bool, typer.Option("--json", help=cli_help("rules.check.json"))] = False,
    max_examples: Annotated[
        int, typer.Option("--max-examples", min=0, help=cli_help("rules.check.max_examples"))
    ] = 100,
    seed: Annotated[int, typer.Option("--seed", help=cli_help("rules.check.seed"))] = 0,
) -> None:
    """``penalty rules check``: the findings of the static checks and the property search; exit 1
    on an error finding."""
    from rich.progress import Progress

    from ..check import run_check

    with Progress(console=err, transient=True, disable=not sys.stderr.isatty()) as bar:
        task = bar.add_task(cli_text("check_progress"), total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        report = guarded(lambda: run_check(pack, max_examples=max_examples, seed=seed, progress=advance))
    if as_json or fmt is ListFmt.json:
        print_text(json.dumps(report.as_json(), ensure_ascii=False, indent=2, default=str))
    else:
        Console(highlight=False).print(catalog.rich_findings(report))
    if report.errors:
        raise typer.Exit(1)


@rules_app.command("publish", **command("rules.publish"))
def rules_publish(
    pack: PackArg,
    fmt: Annotated[PubFmt, typer.Option("--format", "-f", help=cli_help("format_opt"))] = PubFmt.html,
    output: OutputOpt = None,
    lang: Annotated[Lang, typer.Option("--lang", help=cli_help("rules.publish.lang"))] = Lang.zh,
    force: Annotated[bool, typer.Option("--force", help=cli_help("rules.publish.force"))] = False,
) -> None:
    """``penalty rules publish``: the benchmark document (Art. 34 of the Administrative Penalty Law),
    refused for a pack with check errors unless ``--force``."""
    from ..publish import NotPublished, publish_checked

    try:
        document = publish_checked(pack, fmt.value, lang.value, force=force)
    except NotPublished as exc:  # told finding by finding, with the option the command line has
        for line in exc.lines():
            say(line)
        say(cli_text("not_published", errors=exc.errors))
        raise typer.Exit(1) from None
    except PenaltyEngineError as exc:
        fail(exc)
        raise typer.Exit(1) from None
    write(document, output)


@rules_app.command("schema", **command("rules.schema"))
def rules_schema(
    case: Annotated[bool, typer.Option("--case", help=cli_help("rules.schema.case"))] = False,
    pack_file: Annotated[bool, typer.Option("--pack-file", help=cli_help("rules.schema.pack_file"))] = False,
) -> None:
    """``penalty rules schema``: the JSON Schema of rule files, pack.yaml or case input."""
    _json(catalog.json_schema("case" if case else "pack" if pack_file else "rule"))
