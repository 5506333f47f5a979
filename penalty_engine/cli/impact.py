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
from typing import TYPE_CHECKING, Annotated

import typer

from .common import Lang, LangOpt, err, guarded, load_engine, say
from .lang import cli_help, cli_pattern, cli_text
from .replay import dask_runner

if TYPE_CHECKING:
    from .. import impact as im


def impact(
    inputs: Annotated[list[Path], typer.Argument(help=cli_help("impact.inputs"))],
    before: Annotated[list[str], typer.Option("--before", help=cli_help("impact.before"))],
    after: Annotated[list[str], typer.Option("--after", help=cli_help("impact.after"))],
    report: Annotated[Path | None, typer.Option("--report", help=cli_help("report_opt"))] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help=cli_help("impact.json"))] = None,
    xlsx: Annotated[Path | None, typer.Option("--xlsx", help=cli_help("impact.xlsx"))] = None,
    lang: LangOpt = Lang.zh,
    mapping: Annotated[Path | None, typer.Option("--mapping", "-m", help=cli_help("mapping_opt"))] = None,
    encoding: Annotated[str | None, typer.Option("--encoding", help=cli_help("encoding_opt"))] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help=cli_help("sheet_opt"))] = None,
    workers: Annotated[int, typer.Option("--workers", "-j", help=cli_help("workers_opt"))] = 0,
    as_of: Annotated[str | None, typer.Option("--as-of", help=cli_help("as_of_rows"))] = None,
    largest: Annotated[int, typer.Option("--largest", min=0, help=cli_help("impact.largest"))] = 50,
    dask: Annotated[str | None, typer.Option("--dask", help=cli_help("replay.dask"))] = None,
    dask_shared: Annotated[Path | None, typer.Option("--dask-shared", help=cli_help("replay.dask_shared"))] = None,
) -> None:
    """``penalty impact`` (help: ``cli.help.impact``): the comparison with its outputs, its summary
    line on stderr."""
    try:
        day = dt.date.fromisoformat(as_of) if as_of else None
    except ValueError:
        say(cli_text("as_of"))
        raise typer.Exit(2) from None
    if dask is not None and workers:
        say(cli_text("dask_and_workers"))
        raise typer.Exit(2)
    if report is None and json_out is None and xlsx is None:
        say(cli_text("impact_outputs"))
        raise typer.Exit(2)
    from .. import impact as im  # here, not at the top: `penalty evaluate` starts without impact's modules
    from .. import replay as rp

    # each side's packs load, or their errors; compiled, as the library's impact decides (ADR 0026)
    engines = (load_engine(before, "compiled"), load_engine(after, "compiled"))
    settings = im.Settings(
        before=tuple(before),
        after=tuple(after),
        mapping=guarded(lambda: rp.load_mapping(mapping)) if mapping else None,
        as_of=day,
        run_date=dt.date.today(),  # the shell reads the clock; the comparison never does
    )
    outputs = im.Outputs(json=json_out, html=report, xlsx=xlsx, lang=lang.value)
    n_workers = workers if workers > 0 else rp.default_workers()
    extra = {"runner": dask_runner(dask, dask_shared, impact=True)} if dask is not None else {}

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
                **extra,
            )
        )

    if sys.stderr.isatty():
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        columns = (SpinnerColumn(), TextColumn(cli_pattern("impact_progress")), TimeElapsedColumn())
        with Progress(*columns, console=err, transient=True) as bar:
            task = bar.add_task("impact", total=None)
            state = run(lambda n: bar.advance(task, n))
    else:
        state = run()
    c, d = state.counts, state.decisions
    lines = cli_text("lines", n=state.lines) if state.lines != c["input"] else ""
    hearing = state.thresholds["hearing_notice"]
    keys = ("input", "compared", "changed", "unchanged", "error_before_only", "error_after_only", "rejected")
    say(
        cli_text(
            "impact_summary",
            **{k: c[k] for k in keys},
            lines=lines,
            decisions_changed=d["changed"],
            decisions_compared=d["compared"],
            newly=hearing["newly"],
            no_longer=hearing["no_longer"],
        )
    )
    for path in (report, json_out, xlsx):
        if path is not None:
            say(cli_text("wrote", path=path))
    if c["rejected"]:
        say(cli_text("impact_rejected"))
        raise typer.Exit(1)
