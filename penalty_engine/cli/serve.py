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

from .common import print_text, say
from .help import command, group
from .lang import cli_help, cli_text

KEYS_ENV = "PENALTY_KEYS_FILE"
KeysOpt = Annotated[Path | None, typer.Option("--keys", envvar=KEYS_ENV, help=cli_help("serve.keys_file"))]

serve_app = group("serve", invoke_without_command=True)
keys_app = group("serve.keys", no_args_is_help=True)
serve_app.add_typer(keys_app, name="keys")


def _how() -> str:
    """How to make a keys file and start the service with it."""
    return cli_text("no_keys", env=KEYS_ENV)


def _keys_path(keys: Path | None) -> Path:
    if keys is None:
        say(_how())
        raise typer.Exit(2)
    return keys


@serve_app.callback()
def serve(
    ctx: typer.Context,
    keys: KeysOpt = None,
    host: Annotated[str, typer.Option(envvar="PENALTY_HOST", help=cli_help("serve.host"))] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="PENALTY_PORT", min=0, max=65535, help=cli_help("serve.port"))] = 8000,
    workers: Annotated[int, typer.Option(envvar="PENALTY_WORKERS", min=1, help=cli_help("serve.workers"))] = 1,
    pack: Annotated[
        list[str] | None, typer.Option("--pack", "-p", envvar="PENALTY_PACKS", help=cli_help("serve.pack"))
    ] = None,
    ledger: Annotated[
        str, typer.Option(envvar="PENALTY_LEDGER_URL", help=cli_help("serve.ledger"))
    ] = "penalty-ledger.sqlite3",
    max_body: Annotated[int, typer.Option(envvar="PENALTY_MAX_BODY", min=1, help=cli_help("serve.max_body"))] = 1024
    * 1024,
    max_batch: Annotated[int, typer.Option(envvar="PENALTY_MAX_BATCH", min=1, help=cli_help("serve.max_batch"))] = 1000,
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
            say(cli_text("no_active_key", path=path) + "\n" + _how())
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


@keys_app.command("add", **command("serve.keys.add"))
def keys_add(
    name: Annotated[str, typer.Argument(help=cli_help("serve.keys.add.name"))],
    role: Annotated[list[str], typer.Option("--role", "-r", help=cli_help("serve.keys.add.role"))],
    keys: KeysOpt = None,
) -> None:
    """``penalty serve keys add``: a new key; its secret printed once on stdout."""
    from ..service import KeysFileError, add_key

    try:
        key, secret = add_key(_keys_path(keys), name, role)
    except (ValueError, KeysFileError) as exc:
        say(str(exc))
        raise typer.Exit(2) from None
    say(cli_text("key_added", id=key.id, name=key.name, roles=", ".join(key.roles), path=keys))
    print_text(secret)


@keys_app.command("list", **command("serve.keys.list"))
def keys_list(keys: KeysOpt = None) -> None:
    """``penalty serve keys list``: one line a key, never a secret."""
    from ..service import KeysFileError, read_keys

    try:
        found = read_keys(_keys_path(keys))
    except KeysFileError as exc:
        say(str(exc))
        raise typer.Exit(2) from None
    for k in found:
        state = cli_text("key_revoked_on", at=k.revoked_at) if k.revoked_at else cli_text("key_active")
        print_text(cli_text("key_line", id=k.id, name=k.name, roles=",".join(k.roles), made=k.created_at, state=state))


@keys_app.command("revoke", **command("serve.keys.revoke"))
def keys_revoke(
    ref: Annotated[str, typer.Argument(help=cli_help("serve.keys.revoke.ref"))],
    keys: KeysOpt = None,
) -> None:
    """``penalty serve keys revoke``: the key revoked in the keys file."""
    from ..service import KeysFileError, revoke_key

    try:
        key = revoke_key(_keys_path(keys), ref)
    except (LookupError, KeysFileError) as exc:
        say(str(exc))
        raise typer.Exit(1) from None
    say(cli_text("key_revoked", id=key.id, name=key.name))
