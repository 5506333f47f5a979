"""An impact job: read the rows, compare them under both sides (in worker processes, as replay does),
and write every requested output atomically.

Not pure: reads the inputs, writes the outputs, spills changed decisions to a temporary folder.
Rows are read in the parent and sent in batches to workers, each of which loads both sides' engines
once; results come back in input order, so the outputs do not depend on ``workers``. Each output is
written under ``.NAME.partial`` and renamed over its final name only when all are done; the spill
folder and partial files are removed on every exit (docs/replay.md "Impact").
"""

from __future__ import annotations

import multiprocessing as mp
import os
import shutil
import signal
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ..core import Engine
from ..replay import Row, iter_inputs, pooled
from ..replay import remove_stale_workdirs as replay_remove_stale
from . import report
from .compare import Comparer, Outcome, Settings
from .tally import LARGEST, Impact


@dataclass(frozen=True)
class Outputs:
    """Where each output goes (None = not written), and the language of the HTML and XLSX."""

    json: Path | None = None
    html: Path | None = None
    xlsx: Path | None = None
    lang: str = "zh"
    html_limit: int = 2000  # changed decisions listed in the HTML (the JSON and XLSX list all)


_WORKER: Comparer | None = None
#: the parent's engines, which a forked worker inherits instead of loading both sides again
_PRELOADED: tuple[Engine, Engine] | None = None


def _init_worker(settings: Settings) -> None:
    global _WORKER
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a forked worker must not run the parent's handler
    _WORKER = Comparer(settings, *(_PRELOADED or (None, None)))


def _work(batch: list[Row]) -> list[Outcome]:
    assert _WORKER is not None
    return _WORKER.rows(batch)


def run_impact(
    inputs: Iterable[str | Path],
    settings: Settings,
    *,
    workdir: Path,
    workers: int = 1,
    encoding: str | None = None,
    sheet: str | None = None,
    progress: Callable[[int], None] | None = None,
    largest: int = LARGEST,
    engines: tuple[Engine, Engine] | None = None,
) -> Impact:
    """Compare every row of ``inputs``; changed decisions spill to ``workdir/changes.jsonl``."""
    global _PRELOADED
    rows = iter_inputs(inputs, settings.mapping, encoding, sheet)
    state = Impact.create(workdir, largest)
    try:
        if workers > 1 and "fork" in mp.get_all_start_methods():
            _PRELOADED = engines  # forked workers inherit the loaded engines
        pooled(
            rows,
            state.absorb,
            workers=workers,
            local=lambda: Comparer(settings, *(engines or (None, None))).rows,
            initializer=(_init_worker, (settings,)),
            work=_work,
            progress=progress,
        )
    finally:
        _PRELOADED = None
        state.close()
    return state


def partial(path: Path) -> Path:
    return path.with_name(f".{path.name}.partial")


def impact(
    inputs: Iterable[str | Path],
    settings: Settings,
    outputs: Outputs,
    *,
    workers: int = 1,
    encoding: str | None = None,
    sheet: str | None = None,
    progress: Callable[[int], None] | None = None,
    largest: int = LARGEST,
    engines: tuple[Engine, Engine] | None = None,
    runner: Callable[..., Impact] = run_impact,
) -> Impact:
    """Run a comparison and write every requested output; returns the totals. ``engines``: the two
    sides already loaded from ``settings.before`` and ``settings.after`` (else they are loaded here).
    ``runner`` compares the rows (``run_impact``'s signature): a process pool by default, a Dask
    cluster with ``penalty_engine.distributed.impact_runner``; the outputs are written the same way.

    Raises ``RuleError`` when a side's packs do not load and ``CaseError`` for an input no row of
    which can be read safely (then no output is written).
    """
    if engines is None:
        engines = (
            Engine.load(*settings.before, evaluator=settings.evaluator),
            Engine.load(*settings.after, evaluator=settings.evaluator),
        )
    context = report.Context.of(settings, *engines)
    temps: dict[Path, Path] = {}
    remove_stale_workdirs()
    workdir = Path(tempfile.mkdtemp(prefix=f"{WORKDIR_PREFIX}{os.getpid()}-"))
    before = signal.getsignal(signal.SIGTERM)
    main = _in_main_thread()
    if main:
        signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        state = runner(
            inputs,
            settings,
            workdir=workdir,
            workers=workers,
            encoding=encoding,
            sheet=sheet,
            progress=progress,
            largest=largest,
            engines=engines,
        )
        state.add_trails(Comparer(settings, *engines))
        writers: list[tuple[Path | None, Callable[[Impact, Path], None]]] = [
            (outputs.json, lambda s, p: report.write_json(s, context, p, lang=outputs.lang)),
            (outputs.html, lambda s, p: report.write_html(s, context, p, outputs.lang, outputs.html_limit)),
            (outputs.xlsx, lambda s, p: report.write_xlsx(s, context, p, outputs.lang)),
        ]
        for path, write in writers:
            if path is not None:
                temps[path] = partial(path)
                write(state, temps[path])
        for final, tmp in temps.items():
            os.replace(tmp, final)
        return state
    finally:
        if main:
            signal.signal(signal.SIGTERM, before)
        for tmp in temps.values():
            tmp.unlink(missing_ok=True)
        shutil.rmtree(workdir, ignore_errors=True)


WORKDIR_PREFIX = "penalty-impact-"


def remove_stale_workdirs(root: Path | None = None) -> list[Path]:
    """Remove the spill folders that killed runs (``kill -9``) left behind: those whose process is
    gone (``replay.remove_stale_workdirs`` with impact's prefix). Returns them."""
    return replay_remove_stale(root, WORKDIR_PREFIX)


def _in_main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)
