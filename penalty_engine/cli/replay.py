"""``penalty replay``: recompute past decisions with the rules in force at their dates and compare.

Not pure: reads the decision files, writes the reports asked for, runs worker processes.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .common import PackOpt, err, guarded, load_engine, say, write
from .lang import cli_help, cli_text

if TYPE_CHECKING:
    from .. import replay as rp


def replay(
    inputs: Annotated[list[Path], typer.Argument(help=cli_help("replay.inputs"))],
    report: Annotated[Path | None, typer.Option("--report", help=cli_help("report_opt"))] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help=cli_help("replay.json"))] = None,
    markdown: Annotated[Path | None, typer.Option("--markdown", help=cli_help("replay.markdown"))] = None,
    results: Annotated[Path | None, typer.Option("--results", help=cli_help("replay.results"))] = None,
    rejects: Annotated[Path | None, typer.Option("--rejects", help=cli_help("replay.rejects"))] = None,
    flagged_csv: Annotated[Path | None, typer.Option("--flagged-csv", help=cli_help("replay.flagged_csv"))] = None,
    flagged_xlsx: Annotated[Path | None, typer.Option("--flagged-xlsx", help=cli_help("replay.flagged_xlsx"))] = None,
    mapping: Annotated[Path | None, typer.Option("--mapping", "-m", help=cli_help("mapping_opt"))] = None,
    encoding: Annotated[str | None, typer.Option("--encoding", help=cli_help("encoding_opt"))] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help=cli_help("sheet_opt"))] = None,
    workers: Annotated[int, typer.Option("--workers", "-j", help=cli_help("workers_opt"))] = 0,
    dask: Annotated[str | None, typer.Option("--dask", help=cli_help("replay.dask"))] = None,
    dask_shared: Annotated[Path | None, typer.Option("--dask-shared", help=cli_help("replay.dask_shared"))] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help=cli_help("as_of_rows"))] = None,
    tolerance: Annotated[str | None, typer.Option("--tolerance", help=cli_help("replay.tolerance"))] = None,
    redact: Annotated[bool, typer.Option("--redact", help=cli_help("replay.redact"))] = False,
    init_mapping: Annotated[bool, typer.Option("--init-mapping", help=cli_help("replay.init_mapping"))] = False,
    lang: Annotated[str, typer.Option("--lang", help=cli_help("replay.lang"))] = "zh",
    pack: PackOpt = None,
) -> None:
    """``penalty replay`` (help: ``cli.help.replay``): the replay run with its outputs, its summary
    line on stderr; ``--init-mapping`` drafts a mapping instead."""
    if init_mapping:
        _init_mapping(inputs, mapping, encoding, pack)
        return
    if lang not in ("zh", "en"):
        say(cli_text("lang_value", value=repr(lang)))
        raise typer.Exit(2)
    try:
        day = dt.date.fromisoformat(as_of) if as_of else None
        tol = Decimal(tolerance) if tolerance is not None else None
    except (ValueError, InvalidOperation):
        say(cli_text("as_of_tolerance"))
        raise typer.Exit(2) from None
    if dask is not None and workers:
        say(cli_text("dask_and_workers"))
        raise typer.Exit(2)
    from .. import replay as rp  # here, not at the top: `penalty evaluate` starts without replay's modules

    load_engine(pack)  # the packs load: fail early with their errors
    settings = rp.Settings(
        packs=tuple(pack or ()),
        mapping=guarded(lambda: rp.load_mapping(mapping)) if mapping else None,
        as_of=day,
        tolerance_pct=tol,
        redact=redact,
        replay_date=dt.date.today(),  # the shell reads the clock; the engine never does
    )
    outputs = rp.Outputs(
        json=json_out,
        html=report,
        markdown=markdown,
        results=results,
        rejects=rejects,
        flagged_csv=flagged_csv,
        flagged_xlsx=flagged_xlsx,
        lang=lang,
    )
    n_workers = workers if workers > 0 else rp.default_workers()
    extra = {"runner": dask_runner(dask, dask_shared)} if dask is not None else {}

    def run(progress: Callable[[int], None] | None) -> rp.Replay:
        return guarded(
            lambda: rp.replay(
                inputs, settings, outputs, workers=n_workers, encoding=encoding, progress=progress, sheet=sheet, **extra
            )
        )

    state = _with_progress(inputs, run) if sys.stderr.isatty() else run(None)
    c = state.counts
    lines = cli_text("lines", n=state.lines) if state.lines != c["input"] else ""
    keys = ("input", "evaluated", "rejected", "consistent", "flagged", "no_actual")
    say(cli_text("replay_summary", **{k: c[k] for k in keys}, lines=lines, groups=len(state.groups.flagged())))
    if c["rejected"]:
        say(cli_text("replay_rejected"))
        raise typer.Exit(1)


def dask_runner(dask: str, shared: Path | None, impact: bool = False) -> Callable[..., Any]:
    """The runner of ``--dask`` for replay (or ``impact``), from the ``distributed`` extra
    (``pip install penalty-engine[distributed]``)."""
    if dask.startswith("local:") and not (dask.removeprefix("local:").isdigit() and int(dask[6:]) > 0):
        say(cli_text("dask_address", got=dask))
        raise typer.Exit(2)
    try:
        from ..distributed import impact_runner, runner
    except ImportError:
        say(cli_text("dask_missing"))
        raise typer.Exit(2) from None
    return impact_runner(dask, shared=shared) if impact else runner(dask, shared=shared)


def _with_progress(inputs: list[Path], run: Callable[[Callable[[int], None] | None], rp.Replay]) -> rp.Replay:
    """Run with a progress bar on the terminal (stderr): rows done of about how many, the rate and
    the time left. The clock is the bar's (here, in the shell); the replay itself reads none."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from ..replay import estimate_rows

    total = estimate_rows(inputs)
    columns = (
        SpinnerColumn(),
        TextColumn(cli_text("replay_progress")),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(cli_text("replay_rows")),
        TimeElapsedColumn(),
        TextColumn(cli_text("replay_left")),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("replay", total=total)

        def advance(n: int) -> None:
            bar.advance(task, n)
            done = bar.tasks[0].completed
            if total is not None and done > (bar.tasks[0].total or 0):  # the estimate was short
                bar.update(task, total=done)

        return run(advance)


def _init_mapping(inputs: list[Path], out: Path | None, encoding: str | None, pack: list[str] | None) -> None:
    """``--init-mapping``: draft a mapping (never over an existing file); say what was not guessed."""
    if out is not None and out.exists():
        say(cli_text("init_exists", path=out))
        raise typer.Exit(2)
    from ..replay import draft_mapping

    engine = load_engine(pack)
    draft = guarded(lambda: draft_mapping(inputs, engine, encoding=encoding))
    write(draft.text, out)
    sys.stdout.flush()  # the draft before the notes, when both go to one terminal
    for line in draft.unguessed:
        say(cli_text("not_guessed", what=line))
    say(cli_text("init_summary", fields=len(draft.fields), unguessed=len(draft.unguessed)))
