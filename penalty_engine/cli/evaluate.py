"""``penalty evaluate``: cases in, recommendations with their explanation out.

Not pure: reads case files (or stdin) and the clock (``--as-of`` defaults to today).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

import typer

from ..core import read_case_file
from ..errors import PenaltyEngineError
from ..render import render_any
from .common import DateOpt, Fmt, Lang, PackOpt, fail, load_engine, print_text


def evaluate(
    cases: Annotated[list[str], typer.Argument(help="Case files (YAML or JSON); '-' reads standard input.")],
    pack: PackOpt = None,
    fmt: Annotated[Fmt, typer.Option("--format", "-f", help="Output format.")] = Fmt.text,
    lang: Annotated[
        Lang | None,
        typer.Option("--lang", help="Language of the explanation (default: zh for text and markdown, en for json)."),
    ] = None,
    as_of: DateOpt = None,
) -> None:
    """Evaluate cases and print the recommendation with its explanation.

    One case in JSON prints one object; several print one object per line (JSON Lines).
    """
    engine = load_engine(pack)
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
        if fmt is Fmt.json:
            out = render_any(decision, "json", language)
            print_text(out if len(cases) == 1 else json.dumps(json.loads(out), ensure_ascii=False))
        else:
            if i:
                print_text("\n" + ("-" * 72 if fmt is Fmt.text else "---") + "\n")
            print_text(render_any(decision, fmt.value, language))
    if failed:
        raise typer.Exit(1)
