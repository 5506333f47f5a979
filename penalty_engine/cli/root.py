"""The ``penalty`` app: the root options, every command group joined, and the entry point.

Exit codes: 0 success; 1 a case or rule error, a failed test; 2 usage. Errors print one line each
with their code on stderr, never a traceback (set PENALTY_DEBUG=1 to see one). ADR 0004. Help and
messages are in the command line's language (``lang``: PENALTY_LANG, else the locale, else Chinese).
"""

from __future__ import annotations

import os
from typing import Annotated, Any

import typer

from ..__about__ import __version__
from .common import err, print_text
from .evaluate import evaluate
from .help import command, group
from .impact import impact
from .lang import cli_help, cli_text
from .ledger import ledger_app
from .newcase import new_case
from .replay import replay
from .rules import rules_app
from .serve import serve_app

app = group("app", name="penalty", no_args_is_help=True, pretty_exceptions_enable=False, add_completion=True)
app.command(**command("evaluate"))(evaluate)
app.add_typer(rules_app, name="rules")
app.command("new-case", **command("new_case"))(new_case)
app.command(**command("replay"))(replay)
app.command(**command("impact"))(impact)
app.add_typer(serve_app, name="serve")
app.add_typer(ledger_app, name="ledger")


def _version(value: bool) -> None:
    if value:
        print_text(f"penalty-engine {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help=cli_help("version"))
    ] = False,
) -> None:
    """The root options (``--version``); the app's help is the catalog's ``cli.help.app``."""


def main(argv: list[str] | None = None) -> Any:
    """Entry point of the ``penalty`` command."""
    try:
        return app(args=argv, standalone_mode=True)
    except SystemExit:
        raise
    except Exception as exc:  # an engine bug: say so plainly, no traceback unless asked
        if os.environ.get("PENALTY_DEBUG"):
            raise
        err.print(cli_text("internal_error", kind=type(exc).__name__, detail=exc), markup=False)
        raise SystemExit(1) from None
