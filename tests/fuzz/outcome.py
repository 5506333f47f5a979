"""Run one mutated input and classify what happened (the fuzz tests and bench/fuzz_run.py, issue #16).

Allowed: a decision or a ``PenaltyEngineError`` from the library; exit 0 or 1 from the command line
with no traceback and no "internal error". Anything else is a crash (the library) or a traceback
(the command line); taking longer than the bound is a hang.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

import penalty_engine.cli.evaluate as cli_evaluate
from penalty_engine import Decision, Decisions, Engine
from penalty_engine.cli import app
from penalty_engine.core import read_case_file
from penalty_engine.errors import PenaltyEngineError

_LOAD = "load_engine"  # the name ``penalty evaluate`` loads its engine by
CASE_SECONDS = 1.0
FILE_SECONDS = 30.0


@dataclass
class Tally:
    """Counts of outcomes, with the first few bad ones kept to reproduce."""

    runs: int = 0
    decisions: int = 0
    errors: int = 0
    crashes: int = 0
    tracebacks: int = 0
    hangs: int = 0
    slowest: float = 0.0
    bad: list[str] = field(default_factory=list)

    def add(self, kind: str, seconds: float, bound: float, what: str) -> None:
        """Count one run: ``kind`` is decision, error, crash or traceback."""
        self.runs += 1
        setattr(self, _attr(kind), getattr(self, _attr(kind)) + 1)
        self.slowest = max(self.slowest, seconds)
        if seconds > bound:
            self.hangs += 1
            self._keep(f"hang {seconds:.1f}s: {what}")
        if kind in ("crash", "traceback"):
            self._keep(f"{kind}: {what}")

    def _keep(self, text: str) -> None:
        if len(self.bad) < 20:
            self.bad.append(ascii(text)[:2000])

    @property
    def clean(self) -> bool:
        """No crash, traceback or hang."""
        return self.crashes == self.tracebacks == self.hangs == 0


def _attr(kind: str) -> str:
    return {"decision": "decisions", "error": "errors", "crash": "crashes", "traceback": "tracebacks"}[kind]


def library_case(engine: Engine, case: Any, as_of: Any, tally: Tally) -> None:
    """``Engine.evaluate_any`` on one case dict."""
    start = time.perf_counter()
    try:
        result = engine.evaluate_any(case, as_of=as_of)
        kind = "decision" if isinstance(result, (Decision, Decisions)) else "crash"
        what = ""
    except PenaltyEngineError as exc:
        try:
            str(exc).encode("utf-8")  # an error message must be printable
            kind, what = "error", ""
        except UnicodeEncodeError:
            kind, what = "crash", f"unprintable message {str(exc)!a:.300}"
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt):
            raise
        kind, what = "crash", f"{type(exc).__name__}: {_shown(exc)} for {_shown(case)} as_of={_shown(as_of)}"
        what += " " + "".join(traceback.format_exception(exc)[-3:])
    tally.add(kind, time.perf_counter() - start, CASE_SECONDS, what)


def _shown(value: Any) -> str:
    """A bounded text of anything (a repr can fail: 10**5000, a cycle is fine)."""
    try:
        return repr(value)[:1500]
    except Exception as exc:
        return f"<{type(value).__name__}, repr failed: {type(exc).__name__}>"


@contextlib.contextmanager
def cached_engine(engine: Engine) -> Iterator[None]:
    """``penalty evaluate`` with ``engine`` instead of loading the bundled packs on every call."""
    saved: Callable[..., Engine] = getattr(cli_evaluate, _LOAD)
    setattr(cli_evaluate, _LOAD, lambda packs: engine)
    try:
        yield
    finally:
        setattr(cli_evaluate, _LOAD, saved)


def cli_run(args: list[str], tally: Tally, what: str) -> None:
    """One command in-process: exit 0 or 1, no traceback, no internal error."""
    start = time.perf_counter()
    result = CliRunner().invoke(app, args)
    out = result.output
    ok_exit = result.exit_code in (0, 1)
    raised = result.exception is not None and not isinstance(result.exception, SystemExit)
    if raised or not ok_exit or "Traceback" in out or "internal error" in out or "内部错误" in out:
        detail = f"exit {result.exit_code} {result.exception!r:.300} {out[-600:]!r}"
        tally.add("traceback", time.perf_counter() - start, FILE_SECONDS, f"{what}: {detail}")
        return
    kind = "decision" if result.exit_code == 0 else "error"
    tally.add(kind, time.perf_counter() - start, FILE_SECONDS, what)


def case_file(path: Path, tally: Tally, reader: Tally | None = None) -> None:
    """The case file through the reader (``read_case_file``) and through ``penalty evaluate``."""
    if reader is not None:
        start = time.perf_counter()
        try:
            read_case_file(str(path))
            kind, what = "decision", ""
        except PenaltyEngineError:
            kind, what = "error", ""
        except Exception as exc:
            kind, what = "crash", f"{type(exc).__name__}: {exc!s:.300} reading {path}"
        reader.add(kind, time.perf_counter() - start, FILE_SECONDS, what)
    cli_run(["evaluate", str(path), "--as-of", dt.date(2026, 4, 10).isoformat()], tally, str(path))


def rule_pack(folder: Path, tally: Tally, cli: Tally | None = None, check: bool = False) -> None:
    """``Engine.load`` of a pack folder (a RuleError is allowed); given ``cli``, ``rules validate``
    and, with ``check`` and a pack that loads, ``rules check`` (its invariant search runs the
    conditions many times: the CEL cost bound is what keeps it short)."""
    start = time.perf_counter()
    try:
        Engine.load(folder)
        kind, what = "decision", ""
    except PenaltyEngineError:
        kind, what = "error", ""
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt):
            raise
        text = (folder / "r1.yaml").read_text(encoding="utf-8", errors="replace")
        kind, what = "crash", f"{type(exc).__name__}: {exc!s:.300} loading {text!r:.1500}"
    tally.add(kind, time.perf_counter() - start, FILE_SECONDS, what)
    if cli is not None:
        cli_run(["rules", "validate", str(folder)], cli, str(folder))
        if check and kind == "decision":
            cli_run(["rules", "check", str(folder)], cli, f"rules check {folder}")
