"""``penalty evaluate``: cases in, recommendations with their explanation out.

Not pure: reads case files (or stdin) and the clock (``--as-of`` defaults to today).
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
from functools import partial
from typing import Annotated, Any

import typer

from ..core import Engine, read_case_file
from ..errors import PenaltyEngineError
from ..ledger import Entry, Ledger
from ..models import Decision, Decisions
from ..render import render_any
from .common import DateOpt, Fmt, Lang, PackOpt, fail, guarded, load_engine, print_text, say
from .ledger import open_or_exit


def _json_value(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def _caller() -> str:
    """``cli:<login name>`` (the CLI may read who runs it; the core may not)."""
    try:
        return f"cli:{getpass.getuser()}"
    except (OSError, KeyError):
        return "cli:unknown"


def _entry(engine: Engine, data: Any, decision: Decision | Decisions, caller: str) -> Entry:
    """The ledger entry of one decision: the case as read (dates as ISO text) and the decision JSON."""
    first = decision.decisions[0] if isinstance(decision, Decisions) else decision
    pack = engine.rule(first.violation.id).pack
    case = json.loads(json.dumps(data, default=_json_value, ensure_ascii=False))
    return Entry(case, decision.model_dump(mode="json"), first.fingerprint, pack.id, pack.version, first.engine, caller)


def evaluate(
    cases: Annotated[list[str], typer.Argument(help="Case files (YAML or JSON); '-' reads standard input.")],
    pack: PackOpt = None,
    fmt: Annotated[Fmt, typer.Option("--format", "-f", help="Output format.")] = Fmt.text,
    lang: Annotated[
        Lang | None,
        typer.Option("--lang", help="Language of the explanation (default: zh for text and markdown, en for json)."),
    ] = None,
    as_of: DateOpt = None,
    record: Annotated[
        str | None,
        typer.Option("--record", metavar="LEDGER_URL", help="Record each decision in this ledger (file path or URL)."),
    ] = None,
) -> None:
    """Evaluate cases and print the recommendation with its explanation.

    One case in JSON prints one object; several print one object per line (JSON Lines). With
    --record, each decision is also appended to the ledger and its record id printed on stderr.
    """
    engine = load_engine(pack)
    ledger: Ledger | None = open_or_exit(record) if record else None
    caller = _caller()
    language = (lang or (Lang.en if fmt is Fmt.json else Lang.zh)).value
    day = as_of.date() if as_of else dt.date.today()
    source = "--as-of" if as_of else "today"
    failed = 0
    for i, path in enumerate(cases):
        try:
            located = read_case_file(path)
            decision = engine.evaluate_any(located.data, as_of=day, source=located, as_of_label=source)
        except PenaltyEngineError as exc:
            fail(exc)
            failed += 1
            continue
        if ledger is not None:
            rec = guarded(partial(ledger.append, _entry(engine, located.data, decision, caller)))
            say(f"recorded {rec.id} (seq {rec.seq})")
        if fmt is Fmt.json:
            out = render_any(decision, "json", language)
            print_text(out if len(cases) == 1 else json.dumps(json.loads(out), ensure_ascii=False))
        else:
            if i:
                print_text("\n" + ("-" * 72 if fmt is Fmt.text else "---") + "\n")
            print_text(render_any(decision, fmt.value, language))
    if ledger is not None:
        ledger.close()
    if failed:
        raise typer.Exit(1)
