"""``penalty serve``: run the HTTP service (uvicorn), and ``penalty serve keys …`` for its API keys.

Every option has an environment variable (``PENALTY_*``, ``service.ENV``). Without a keys file the
command says how to make one and exits 2. A key's secret is printed once, by ``keys add``, and is
stored nowhere (the keys file holds a salted scrypt hash). docs/service.md.

Not pure: starts a server, reads and writes the keys file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from .common import CONTEXT, print_text, say

KEYS_ENV = "PENALTY_KEYS_FILE"
KeysOpt = Annotated[
    Path | None,
    typer.Option("--keys", envvar=KEYS_ENV, help="The keys file (penalty serve keys add makes it)."),
]

serve_app = typer.Typer(
    help="Run the HTTP service for case-handling systems (docs/service.md).",
    invoke_without_command=True,
    context_settings=CONTEXT,
)
keys_app = typer.Typer(
    help="Make, list and revoke the service's API keys.", no_args_is_help=True, context_settings=CONTEXT
)
serve_app.add_typer(keys_app, name="keys")

_HOW = (
    "no keys file: make one with a first key, then start the service with it:\n"
    "  penalty serve keys add my-system --role evaluate --role read --keys penalty-keys.json\n"
    "  penalty serve --keys penalty-keys.json\n"
    f"(or set {KEYS_ENV})"
)


def _keys_path(keys: Path | None) -> Path:
    if keys is None:
        say(_HOW)
        raise typer.Exit(2)
    return keys


@serve_app.callback()
def serve(
    ctx: typer.Context,
    keys: KeysOpt = None,
    host: Annotated[str, typer.Option(envvar="PENALTY_HOST", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="PENALTY_PORT", min=0, max=65535, help="Port.")] = 8000,
    workers: Annotated[int, typer.Option(envvar="PENALTY_WORKERS", min=1, help="Worker processes.")] = 1,
    pack: Annotated[
        list[str] | None,
        typer.Option("--pack", "-p", envvar="PENALTY_PACKS", help="Pack id or folder (repeatable); default: all."),
    ] = None,
    ledger: Annotated[
        str,
        typer.Option(envvar="PENALTY_LEDGER_URL", help="Ledger: a SQLite file, sqlite:///path or postgresql://…"),
    ] = "penalty-ledger.sqlite3",
    max_body: Annotated[int, typer.Option(envvar="PENALTY_MAX_BODY", min=1, help="Request body limit in bytes.")] = 1024
    * 1024,
    max_batch: Annotated[int, typer.Option(envvar="PENALTY_MAX_BATCH", min=1, help="Cases per batch request.")] = 1000,
) -> None:
    """Run the HTTP service: POST /v1/evaluate, /v1/evaluate/batch, /v1/rules, /v1/decisions/{id}."""
    if ctx.invoked_subcommand is not None:
        return
    path = _keys_path(keys)
    import uvicorn  # the server loads only when it runs

    from ..errors import PenaltyEngineError
    from ..service import KeysFileError, Settings, create_app, read_keys
    from .common import fail

    try:
        if not [k for k in read_keys(path) if k.revoked_at is None]:
            say(f"{path}: no active key\n" + _HOW)
            raise typer.Exit(2)
    except KeysFileError as exc:
        say(str(exc))
        raise typer.Exit(2) from None
    settings = Settings(
        keys_file=path, packs=tuple(pack or ()), ledger_url=ledger, max_body=max_body, max_batch=max_batch
    )
    try:
        app = create_app(settings)  # load and open once here: errors are told before the port opens
    except PenaltyEngineError as exc:
        fail(exc)
        raise typer.Exit(1) from None
    if workers == 1:
        uvicorn.run(app, host=host, port=port, log_level="info", server_header=False)
        return
    os.environ.update(settings.to_env())  # the worker processes read their settings from here
    uvicorn.run(
        "penalty_engine.service:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        server_header=False,
    )


@keys_app.command("add")
def keys_add(
    name: Annotated[str, typer.Argument(help="Who uses the key (a system's name).")],
    role: Annotated[list[str], typer.Option("--role", "-r", help="evaluate, read or admin (repeatable).")],
    keys: KeysOpt = None,
) -> None:
    """Make a key; its secret is printed once, here, and stored nowhere."""
    from ..service import KeysFileError, add_key

    try:
        key, secret = add_key(_keys_path(keys), name, role)
    except (ValueError, KeysFileError) as exc:
        say(str(exc))
        raise typer.Exit(2) from None
    say(f"key {key.id} ({key.name}; roles: {', '.join(key.roles)}) added to {keys}; its secret, shown once:")
    print_text(secret)


@keys_app.command("list")
def keys_list(keys: KeysOpt = None) -> None:
    """List the keys: id, name, roles, made, revoked (never a secret)."""
    from ..service import KeysFileError, read_keys

    try:
        found = read_keys(_keys_path(keys))
    except KeysFileError as exc:
        say(str(exc))
        raise typer.Exit(2) from None
    for k in found:
        state = f"revoked {k.revoked_at}" if k.revoked_at else "active"
        print_text(f"{k.id}  {k.name}  {','.join(k.roles)}  made {k.created_at}  {state}")


@keys_app.command("revoke")
def keys_revoke(
    ref: Annotated[str, typer.Argument(help="The key's id or name.")],
    keys: KeysOpt = None,
) -> None:
    """Revoke a key: a running service refuses it within a second."""
    from ..service import KeysFileError, revoke_key

    try:
        key = revoke_key(_keys_path(keys), ref)
    except (LookupError, KeysFileError) as exc:
        say(str(exc))
        raise typer.Exit(1) from None
    say(f"key {key.id} ({key.name}) revoked")
