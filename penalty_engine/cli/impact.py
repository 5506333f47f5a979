"""``penalty impact``: decide an archive of cases under two packs (or two versions of a pack) and
report what changes. docs/replay.md "Impact", ADR 0015.

Not pure: reads the inputs, writes the reports asked for, runs worker processes; the day of the run
is read here (the engine never reads a clock).
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from .. import impact as im
from .. import replay as rp
from .common import Lang, LangOpt, err, guarded, load_engine, say


def impact(
    inputs: Annotated[
        list[Path], typer.Argument(help="JSONL, CSV or XLSX files of cases (replay inputs, a ledger export).")
    ],
    before: Annotated[list[str], typer.Option("--before", help="Pack id or folder before (repeatable).")],
    after: Annotated[list[str], typer.Option("--after", help="Pack id or folder after (repeatable).")],
    report: Annotated[Path | None, typer.Option("--report", help="Self-contained HTML report.")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="The impact JSON (impact@1).")] = None,
    xlsx: Annotated[Path | None, typer.Option("--xlsx", help="XLSX workbook, one sheet per table.")] = None,
    lang: LangOpt = Lang.zh,
    mapping: Annotated[Path | None, typer.Option("--mapping", "-m", help="Column mapping YAML.")] = None,
    encoding: Annotated[
        str | None, typer.Option("--encoding", help="utf-8, utf-8-sig, gbk or gb18030 (default: detected).")
    ] = None,
    sheet: Annotated[
        str | None, typer.Option("--sheet", help="XLSX sheet to read (default: the only one holding data).")
    ] = None,
    workers: Annotated[int, typer.Option("--workers", "-j", help="Worker processes (default: CPUs).")] = 0,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Decision date for rows without decided_on (YYYY-MM-DD).")
    ] = None,
    largest: Annotated[
        int, typer.Option("--largest", min=0, help="How many of the largest changes to show with both trails.")
    ] = 50,
) -> None:
    """Compare two packs or pack versions on an archive of cases: what changes, by how much."""
    try:
        day = dt.date.fromisoformat(as_of) if as_of else None
    except ValueError:
        say("--as-of takes YYYY-MM-DD")
        raise typer.Exit(2) from None
    if report is None and json_out is None and xlsx is None:
        say("say where the result goes: --report FILE.html, --json FILE or --xlsx FILE")
        raise typer.Exit(2)
    engines = (load_engine(before), load_engine(after))  # each side's packs load, or their errors
    settings = im.Settings(
        before=tuple(before),
        after=tuple(after),
        mapping=guarded(lambda: rp.load_mapping(mapping)) if mapping else None,
        as_of=day,
        run_date=dt.date.today(),  # the shell reads the clock; the comparison never does
    )
    outputs = im.Outputs(json=json_out, html=report, xlsx=xlsx, lang=lang.value)
    n_workers = workers if workers > 0 else rp.default_workers()

    def run(progress: Callable[[int], None] | None = None) -> im.Impact:
        return guarded(
            lambda: im.impact(
                inputs,
                settings,
                outputs,
                workers=n_workers,
                encoding=encoding,
                sheet=sheet,
                progress=progress,
                largest=largest,
                engines=engines,
            )
        )

    if sys.stderr.isatty():
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        columns = (SpinnerColumn(), TextColumn("impact: {task.completed} rows"), TimeElapsedColumn())
        with Progress(*columns, console=err, transient=True) as bar:
            task = bar.add_task("impact", total=None)
            state = run(lambda n: bar.advance(task, n))
    else:
        state = run()
    c, d = state.counts, state.decisions
    lines = f" ({state.lines} lines)" if state.lines != c["input"] else ""
    t = state.thresholds
    say(
        f"impact: {c['input']} rows{lines}, {c['compared']} decided on both sides "
        f"({c['changed']} changed, {c['unchanged']} unchanged), {c['error_before_only']} error before only, "
        f"{c['error_after_only']} error after only, {c['rejected']} rejected; "
        f"{d['changed']} of {d['compared']} decisions changed; hearing notice "
        f"+{t['hearing_notice']['newly']}/-{t['hearing_notice']['no_longer']}"
    )
    for path in (report, json_out, xlsx):
        if path is not None:
            say(f"wrote {path}")
    if c["rejected"]:
        say("PE-C001 some rows were rejected on both sides (see the report)")
        raise typer.Exit(1)
