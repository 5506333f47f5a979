"""What a running service is configured with, from the ``penalty serve`` options or the environment.

Not pure: ``from_env`` reads the environment (the worker processes of ``--workers N`` are given
their settings this way). The names are the ``penalty serve`` options' environment variables.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

#: the ledger when none is named: a SQLite file in the working directory
DEFAULT_LEDGER = "penalty-ledger.sqlite3"
#: request body limit, bytes (a batch too)
DEFAULT_MAX_BODY = 1024 * 1024
#: cases in one batch request
DEFAULT_MAX_BATCH = 1000

#: environment variable of each setting (also read by the ``penalty serve`` options)
ENV = {
    "host": "PENALTY_HOST",
    "port": "PENALTY_PORT",
    "workers": "PENALTY_WORKERS",
    "packs": "PENALTY_PACKS",
    "ledger": "PENALTY_LEDGER_URL",
    "keys": "PENALTY_KEYS_FILE",
    "max_body": "PENALTY_MAX_BODY",
    "max_batch": "PENALTY_MAX_BATCH",
}


@dataclass(frozen=True, slots=True)
class Settings:
    """The service's settings: which packs, which ledger, which keys, and the request limits."""

    #: the keys file (``penalty serve keys add``); required
    keys_file: Path
    #: pack ids or folders; empty: every bundled pack
    packs: tuple[str, ...] = ()
    #: ``open_ledger`` URL: a SQLite file path, ``sqlite:///path`` or ``postgresql://…``
    ledger_url: str = DEFAULT_LEDGER
    max_body: int = DEFAULT_MAX_BODY
    max_batch: int = DEFAULT_MAX_BATCH

    def to_env(self) -> dict[str, str]:
        """These settings as the environment ``from_env`` reads."""
        return {
            ENV["keys"]: str(self.keys_file),
            ENV["packs"]: " ".join(self.packs),
            ENV["ledger"]: self.ledger_url,
            ENV["max_body"]: str(self.max_body),
            ENV["max_batch"]: str(self.max_batch),
        }


def from_env(environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from ``PENALTY_*`` variables (``os.environ`` by default).

    Raises:
        ValueError: no keys file is named, or a limit is not a positive integer.
    """
    env = os.environ if environ is None else environ
    keys = env.get(ENV["keys"], "")
    if not keys:
        raise ValueError(f"no keys file: set {ENV['keys']} or give --keys")
    return Settings(
        keys_file=Path(keys),
        packs=tuple(env.get(ENV["packs"], "").split()),
        ledger_url=env.get(ENV["ledger"]) or DEFAULT_LEDGER,
        max_body=_positive(env, "max_body", DEFAULT_MAX_BODY),
        max_batch=_positive(env, "max_batch", DEFAULT_MAX_BATCH),
    )


def _positive(env: Mapping[str, str], name: str, default: int) -> int:
    text = env.get(ENV[name], "")
    if not text:
        return default
    if not text.isdigit() or int(text) < 1:
        raise ValueError(f"{ENV[name]}: expected a positive integer, got {text!r}")
    return int(text)
