"""``penalty ledger``: verify a decision ledger's hash chain, export it for replay.

Each command parses its options, calls one library function (``ledger.open_ledger``, ``verify``,
``export``) and renders the result. Not pure: opens the ledger, writes the export file. docs/ledger.md.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:  # imported where used: the ledger's modules (sqlite3, psycopg) are not a quick start's
    from ..ledger import Ledger
from .common import guarded, print_text, say
from .help import command, group
from .lang import cli_help, cli_text, os_reason

ledger_app = group("ledger", no_args_is_help=True)

LedgerArg = Annotated[str, typer.Argument(help=cli_help("ledger.url"))]


def open_or_exit(url: str) -> Ledger:
    """The ledger at ``url``; a ledger error (PE-L…) prints its message and exits 1."""
    from ..ledger import open_ledger

    return guarded(lambda: open_ledger(url))


@ledger_app.command("verify", **command("ledger.verify"))
def ledger_verify(
    url: LedgerArg,
    as_json: Annotated[bool, typer.Option("--json", help=cli_help("ledger.verify.json"))] = False,
) -> None:
    """``penalty ledger verify``: the chain checked; exit 1 naming the first bad record."""
    led = open_or_exit(url)
    try:
        v = guarded(led.verify)
    finally:
        led.close()
    if as_json:
        print_text(json.dumps(v.as_json(), ensure_ascii=False))
    elif v.ok:
        print_text(cli_text("ledger_ok", n=v.checked))
    if not v.ok:
        say(cli_text("ledger_broken", seq=v.first_bad, problem=v.problem, n=v.checked))
        raise typer.Exit(1)


@ledger_app.command("export", **command("ledger.export"))
def ledger_export(
    url: LedgerArg,
    output: Annotated[Path, typer.Option("--output", "-o", help=cli_help("ledger.export.output"))],
) -> None:
    """``penalty ledger export``: every record as a past decision, for replay."""
    from ..ledger import export

    led = open_or_exit(url)
    try:
        done = guarded(lambda: export(led, output))
    except OSError as exc:
        say(cli_text("cannot_write", path=output, reason=os_reason(exc)))
        raise typer.Exit(1) from None
    finally:
        led.close()
    skipped = cli_text("export_skipped", n=done.skipped) if done.skipped else ""
    say(cli_text("exported", n=done.written, path=output) + skipped)
