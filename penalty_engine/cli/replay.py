"""``penalty replay``: recompute past decisions with the rules in force at their dates and compare.

Not pure: reads the decision files, writes the reports asked for, runs worker processes.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated

import typer

from .. import replay as rp
from .common import PackOpt, err, guarded, load_engine, say, write


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
    sheet: Annotated[
        str | None, typer.Option("--sheet", help="XLSX sheet to read (default: the only one holding data).")
    ] = None,
    workers: Annotated[int, typer.Option("--workers", "-j", help="Worker processes (default: CPUs).")] = 0,
    dask: Annotated[
        str | None,
        typer.Option(
            "--dask",
            help="Run on a Dask cluster: local:N starts N local workers, else a scheduler address "
            "(tcp://host:8786). Excludes --workers.",
        ),
    ] = None,
    dask_shared: Annotated[
        Path | None,
        typer.Option(
            "--dask-shared", help="With --dask: a folder the workers and this machine share (default: a temporary one)."
        ),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Decision date for rows without decided_on (YYYY-MM-DD).")
    ] = None,
    tolerance: Annotated[
        str | None,
        typer.Option("--tolerance", help="Similar-case tolerance, % of the band width (default: the pack's, 10%)."),
    ] = None,
    redact: Annotated[bool, typer.Option("--redact", help="Pseudonyms for party and officer names.")] = False,
    init_mapping: Annotated[
        bool,
        typer.Option(
            "--init-mapping",
            help="Draft a mapping file from the inputs' headers and values (to --mapping FILE, else stdout).",
        ),
    ] = False,
    lang: Annotated[
        str, typer.Option("--lang", help="Language of the report, summary and exports: zh (default) or en.")
    ] = "zh",
    pack: PackOpt = None,
) -> None:
    """Replay past decisions: recompute each with the rules in force at its dates and compare."""
    if init_mapping:
        _init_mapping(inputs, mapping, encoding, pack)
        return
    if lang not in ("zh", "en"):
        say(f"--lang takes zh or en, not {lang!r}")
        raise typer.Exit(2)
    try:
        day = dt.date.fromisoformat(as_of) if as_of else None
        tol = Decimal(tolerance) if tolerance is not None else None
    except (ValueError, InvalidOperation):
        say("--as-of takes YYYY-MM-DD and --tolerance a number")
        raise typer.Exit(2) from None
    if dask is not None and workers:
        say("--dask and --workers exclude each other: the cluster's workers do the work")
        raise typer.Exit(2)
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
    extra = {"runner": _dask_runner(dask, dask_shared)} if dask is not None else {}

    def run(progress: Callable[[int], None] | None) -> rp.Replay:
        return guarded(
            lambda: rp.replay(
                inputs, settings, outputs, workers=n_workers, encoding=encoding, progress=progress, sheet=sheet, **extra
            )
        )

    state = _with_progress(inputs, run) if sys.stderr.isatty() else run(None)
    c = state.counts
    lines = f" ({state.lines} lines)" if state.lines != c["input"] else ""
    say(
        f"replay: {c['input']} rows{lines}, {c['evaluated']} evaluated, {c['rejected']} rejected; "
        f"{c['consistent']} consistent, {c['flagged']} flagged, {c['no_actual']} without actual; "
        f"{len(state.groups.flagged())} similar groups flagged"
    )
    if c["rejected"]:
        say("PE-C001 some rows were rejected (see --rejects or the report)")
        raise typer.Exit(1)


def _dask_runner(dask: str, shared: Path | None) -> Callable[..., rp.Replay]:
    """The runner of ``--dask`` (the ``distributed`` extra: ``pip install penalty-engine[distributed]``)."""
    if dask.startswith("local:") and not (dask.removeprefix("local:").isdigit() and int(dask[6:]) > 0):
        say(f"--dask takes local:N (N workers) or a scheduler address, not {dask!r}")
        raise typer.Exit(2)
    try:
        from ..distributed import runner
    except ImportError:
        say("--dask needs Dask: pip install 'penalty-engine[distributed]'")
        raise typer.Exit(2) from None
    return runner(dask, shared=shared)


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

    total = rp.estimate_rows(inputs)
    columns = (
        SpinnerColumn(),
        TextColumn("replay"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("rows"),
        TimeElapsedColumn(),
        TextColumn("left"),
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
        say(f"--init-mapping: {out} exists; name a new file with --mapping (or none for stdout)")
        raise typer.Exit(2)
    engine = load_engine(pack)
    draft = guarded(lambda: rp.draft_mapping(inputs, engine, encoding=encoding))
    write(draft.text, out)
    sys.stdout.flush()  # the draft before the notes, when both go to one terminal
    for line in draft.unguessed:
        say(f"not guessed: {line}")
    say(f"--init-mapping: {len(draft.fields)} columns guessed, {len(draft.unguessed)} things not guessed")
