"""``penalty ledger``: verify a decision ledger's hash chain, export it for replay.

Each command parses its options, calls one library function (``ledger.open_ledger``, ``verify``,
``export``) and renders the result. Not pure: opens the ledger, writes the export file. docs/ledger.md.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from ..ledger import Ledger, export, open_ledger
from .common import CONTEXT, guarded, print_text, say

ledger_app = typer.Typer(
    help="Verify the decision ledger's hash chain and export it for replay.",
    no_args_is_help=True,
    context_settings=CONTEXT,
)

LedgerArg = Annotated[str, typer.Argument(help="The ledger: a file path, sqlite:///path or postgresql://…")]


def open_or_exit(url: str) -> Ledger:
    """The ledger at ``url``; a ledger error (PE-L…) prints its message and exits 1."""
    return guarded(lambda: open_ledger(url))


@ledger_app.command("verify")
def ledger_verify(
    url: LedgerArg,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Recompute every hash and link of the chain; exit 1 naming the first bad record."""
    led = open_or_exit(url)
    try:
        v = guarded(led.verify)
    finally:
        led.close()
    if as_json:
        print_text(json.dumps(v.as_json(), ensure_ascii=False))
    elif v.ok:
        print_text(f"ok: {v.checked} records, the chain is unbroken")
    if not v.ok:
        say(f"ledger broken at seq {v.first_bad}: {v.problem} ({v.checked} records checked)")
        raise typer.Exit(1)


@ledger_app.command("export")
def ledger_export(
    url: LedgerArg,
    output: Annotated[Path, typer.Option("--output", "-o", help="FILE.jsonl or FILE.csv, for penalty replay.")],
) -> None:
    """Write every record as a past decision: the case, with the engine's decision as its actual."""
    led = open_or_exit(url)
    try:
        done = guarded(lambda: export(led, output))
    except OSError as exc:
        say(f"cannot write {output}: {exc.strerror}")
        raise typer.Exit(1) from None
    finally:
        led.close()
    skipped = f"; {done.skipped} multi-violation records skipped (CSV holds one violation a row: use .jsonl)"
    say(f"wrote {done.written} records to {output}" + (skipped if done.skipped else ""))
