"""A replay job: run it and write every requested output."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from . import report
from .run import Replay, Settings, run_replay, temp_workdir


@dataclass(frozen=True)
class Outputs:
    """Where each output goes (None = not written)."""

    json: Path | None = None
    html: Path | None = None
    markdown: Path | None = None
    results: Path | None = None
    rejects: Path | None = None
    flagged_csv: Path | None = None
    flagged_xlsx: Path | None = None
    report_limit: int = 5000


def replay(
    inputs: Iterable[str | Path],
    settings: Settings,
    outputs: Outputs,
    *,
    workers: int = 1,
    encoding: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> Replay:
    """Run a replay and write every requested output; returns the totals."""
    workdir = temp_workdir()
    try:
        state = run_replay(
            inputs,
            settings,
            workdir=workdir,
            results=outputs.results,
            rejects=outputs.rejects,
            workers=workers,
            encoding=encoding,
            progress=progress,
        )
        if outputs.json:
            report.write_json(state, outputs.json)
        if outputs.html:
            report.write_html(state, outputs.html, limit=outputs.report_limit)
        if outputs.markdown:
            report.write_markdown(state, outputs.markdown)
        if outputs.flagged_csv:
            report.write_flagged_csv(state, outputs.flagged_csv)
        if outputs.flagged_xlsx:
            report.write_flagged_xlsx(state, outputs.flagged_xlsx)
        return state
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
