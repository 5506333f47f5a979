"""The ``penalty`` app: the root options, every command group joined, and the entry point.

Exit codes: 0 success; 1 a case or rule error, a failed test; 2 usage. Errors print one line each
with their code on stderr, never a traceback (set PENALTY_DEBUG=1 to see one). ADR 0004.
"""

from __future__ import annotations

import os
from typing import Annotated, Any

import typer

from ..__about__ import __version__
from .common import CONTEXT, err, print_text
from .evaluate import evaluate
from .impact import impact
from .ledger import ledger_app
from .newcase import new_case
from .replay import replay
from .rules import rules_app
from .serve import serve_app

app = typer.Typer(
    name="penalty",
    help="Quantified administrative-penalty discretion: evaluate cases against published rule packs.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=True,
    context_settings=CONTEXT,
)
app.command()(evaluate)
app.add_typer(rules_app, name="rules")
app.command("new-case")(new_case)
app.command()(replay)
app.command()(impact)
app.add_typer(serve_app, name="serve")
app.add_typer(ledger_app, name="ledger")


def _version(value: bool) -> None:
    if value:
        print_text(f"penalty-engine {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Quantified administrative-penalty discretion: evaluate cases against published rule packs."""


def main(argv: list[str] | None = None) -> Any:
    """Entry point of the ``penalty`` command."""
    try:
        return app(args=argv, standalone_mode=True)
    except SystemExit:
        raise
    except Exception as exc:  # an engine bug: say so plainly, no traceback unless asked
        if os.environ.get("PENALTY_DEBUG"):
            raise
        err.print(
            f"internal error ({type(exc).__name__}: {exc}); please report it with the input that caused it",
            markup=False,
        )
        raise SystemExit(1) from None
