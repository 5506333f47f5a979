"""A replay job: run it and write every requested output, atomically.

Not pure: reads the inputs, writes the outputs, spills to a temporary folder. Each output is written
under a temporary name in its own folder (``.NAME.partial``) and renamed over its final name
(``os.replace``) only when the whole replay and every output are done, so a killed run never leaves
a file that looks finished: the final names hold the previous complete outputs or nothing. The spill
folder and the partial files are removed on every exit, on SIGTERM and on Ctrl-C; those a ``kill -9``
left behind are removed by the next run (docs/replay.md "Atomic outputs").
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

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
    lang: str = "zh"  # the language of the report, the Markdown summary and the CSV/XLSX exports


def partial(path: Path) -> Path:
    """The temporary name an output is written under before it is renamed over ``path``."""
    return path.with_name(f".{path.name}.partial")


@contextlib.contextmanager
def _sigterm_exits() -> Iterator[None]:
    """SIGTERM raises ``SystemExit`` (as Ctrl-C raises ``KeyboardInterrupt``), so ``finally`` blocks
    clean up; only in the main thread, where Python allows handlers."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    before = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)


def replay(
    inputs: Iterable[str | Path],
    settings: Settings,
    outputs: Outputs,
    *,
    workers: int = 1,
    encoding: str | None = None,
    progress: Callable[[int], None] | None = None,
    sheet: str | None = None,
    runner: Callable[..., Replay] = run_replay,
) -> Replay:
    """Run a replay and write every requested output; returns the totals.

    ``runner`` runs it (``run.run_replay``'s signature): a process pool by default, a Dask cluster
    with ``penalty_engine.distributed.runner``; the outputs are written the same way after either.

    Raises ``CaseError`` for an input no row of which can be read safely (then no output is written).
    """
    temps: dict[Path, Path] = {}

    def temp(path: Path | None) -> Path | None:
        if path is None:
            return None
        temps[path] = partial(path)
        return temps[path]

    lang = outputs.lang
    with _sigterm_exits():
        workdir = temp_workdir()
        try:
            state = runner(
                inputs,
                settings,
                workdir=workdir,
                results=temp(outputs.results),
                rejects=temp(outputs.rejects),
                workers=workers,
                encoding=encoding,
                progress=progress,
                sheet=sheet,
            )
            writers: list[tuple[Path | None, Callable[[Replay, Path], None]]] = [
                (outputs.json, report.write_json),
                (outputs.html, lambda s, p: report.write_html(s, p, limit=outputs.report_limit, lang=lang)),
                (outputs.markdown, lambda s, p: report.write_markdown(s, p, lang=lang)),
                (outputs.flagged_csv, lambda s, p: report.write_flagged_csv(s, p, lang=lang)),
                (outputs.flagged_xlsx, lambda s, p: report.write_flagged_xlsx(s, p, lang=lang)),
            ]
            for path, write in writers:
                target = temp(path)
                if target is not None:
                    write(state, target)
            for final, tmp in temps.items():
                os.replace(tmp, final)
            if outputs.rejects is not None:
                state.rejects_path = outputs.rejects
            return state
        finally:
            for tmp in temps.values():
                tmp.unlink(missing_ok=True)
            shutil.rmtree(workdir, ignore_errors=True)
