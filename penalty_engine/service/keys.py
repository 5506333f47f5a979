"""API keys: the keys file, and checking the key a request presents.

A key is shown once, when made: ``pek_<id>_<secret>``. The keys file (JSON) keeps, per key, its id,
name, roles, when it was made and revoked, and a salted scrypt hash of the secret, never the secret.
A request's key is checked by its id and the hash; a key once checked is remembered in memory (by
the sha256 of the whole key) so that the slow hash runs once per key and process, not per request.
The file is read again when it changes, so ``keys revoke`` takes effect within a second without a
restart.

Not pure: reads and writes the keys file, reads the clock. No key material is ever logged.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

#: the roles a key may have; ``admin`` holds every role
ROLES = ("evaluate", "read", "admin")
FORMAT = "penalty-engine/keys@1"
PREFIX = "pek"
#: scrypt cost: about 16 MiB and a few tens of milliseconds per check (once per key and process)
_N, _R, _P = 2**14, 8, 1


class KeysFileError(ValueError):
    """The keys file is missing, unreadable or not a keys file; the message says which and where."""


@dataclass(frozen=True, slots=True)
class ApiKey:
    """One key as the keys file stores it (no secret)."""

    id: str
    name: str
    roles: tuple[str, ...]
    created_at: str
    #: when it was revoked (ISO 8601, UTC), or None
    revoked_at: str | None
    #: ``scrypt$n$r$p$<salt>$<hash>``, base64 parts
    hash: str

    def allows(self, role: str) -> bool:
        """Whether this key may act in ``role`` (``admin`` may act in every role)."""
        return self.revoked_at is None and (role in self.roles or "admin" in self.roles)


def _hash(secret: str, salt: bytes, n: int = _N, r: int = _R, p: int = _P) -> bytes:
    return hashlib.scrypt(secret.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=32, maxmem=64 * 1024 * 1024)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_secret(secret: str) -> str:
    """The stored form of ``secret``: scrypt with a fresh 16-byte salt."""
    salt = secrets.token_bytes(16)
    return f"scrypt${_N}${_R}${_P}${_b64(salt)}${_b64(_hash(secret, salt))}"


def check_secret(secret: str, stored: str) -> bool:
    """Whether ``secret`` matches the stored hash (constant-time comparison)."""
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        got = _hash(secret, base64.b64decode(salt), int(n), int(r), int(p))
        return hmac.compare_digest(got, base64.b64decode(digest))
    except (ValueError, TypeError):
        return False


def read_keys(path: Path) -> list[ApiKey]:
    """Every key of the keys file at ``path`` (an absent file has none).

    Raises:
        KeysFileError: the file cannot be read or is not a keys file.
    """
    if not path.exists():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise KeysFileError(f'{path}: not a keys file (expected "format": "{FORMAT}")')
        return [
            ApiKey(
                id=k["id"],
                name=k["name"],
                roles=tuple(k["roles"]),
                created_at=k["created_at"],
                revoked_at=k.get("revoked_at"),
                hash=k["hash"],
            )
            for k in data["keys"]
        ]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        if isinstance(exc, KeysFileError):
            raise
        raise KeysFileError(f"{path}: cannot read the keys file ({type(exc).__name__}: {exc})") from None


def write_keys(path: Path, keys: list[ApiKey]) -> None:
    """Write the keys file atomically, readable by its owner only."""
    data: dict[str, Any] = {"format": FORMAT, "keys": [{**asdict(k), "roles": list(k.roles)} for k in keys]}
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=2)
        fh.write("\n")
    os.replace(tmp, path)


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def add_key(path: Path, name: str, roles: list[str]) -> tuple[ApiKey, str]:
    """Make a key named ``name`` with ``roles``, store its hash in ``path``; return it and its secret.

    The secret is returned once and stored nowhere. Raises ``ValueError`` for an unknown role or
    no role, ``KeysFileError`` for an unreadable keys file.
    """
    wrong = [r for r in roles if r not in ROLES]
    if wrong or not roles:
        raise ValueError(f"roles: expected one or more of {', '.join(ROLES)}, got {', '.join(roles) or 'none'}")
    keys = read_keys(path)
    taken = {k.id for k in keys}
    key_id = secrets.token_hex(6)
    while key_id in taken:  # pragma: no cover - 48 random bits
        key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    key = ApiKey(key_id, name, tuple(dict.fromkeys(roles)), _now(), None, hash_secret(secret))
    write_keys(path, [*keys, key])
    return key, f"{PREFIX}_{key_id}_{secret}"


def revoke_key(path: Path, ref: str) -> ApiKey:
    """Revoke the key whose id or name is ``ref``; return it. ``LookupError`` when none or several match."""
    keys = read_keys(path)
    found = [k for k in keys if ref in (k.id, k.name) and k.revoked_at is None]
    if len(found) != 1:
        names = ", ".join(f"{k.id} ({k.name})" for k in found)
        raise LookupError(f"no active key '{ref}'" if not found else f"several keys match '{ref}': {names}")
    gone = ApiKey(**{**asdict(found[0]), "roles": found[0].roles, "revoked_at": _now()})
    write_keys(path, [gone if k.id == gone.id else k for k in keys])
    return gone


class KeyRing:
    """The keys of a keys file, for checking requests; reloaded when the file changes (thread-safe)."""

    def __init__(self, path: Path, recheck_seconds: float = 1.0) -> None:
        self.path = path
        self._recheck = recheck_seconds
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._checked_at = 0.0
        self._keys: dict[str, ApiKey] = {}
        #: sha256 of a whole presented key → key id, for keys already checked against their hash
        self._known: dict[bytes, str] = {}
        self._reload()

    def _reload(self) -> None:
        try:
            st = self.path.stat()
            stamp: tuple[int, int] | None = (st.st_mtime_ns, st.st_size)
        except FileNotFoundError:
            stamp = None
        if stamp != self._stamp or not self._checked_at:
            self._keys = {k.id: k for k in read_keys(self.path)}
            self._known = {}
            self._stamp = stamp
        self._checked_at = time.monotonic()

    def keys(self) -> list[ApiKey]:
        """The keys as last read."""
        return list(self._keys.values())

    def authenticate(self, presented: str) -> ApiKey | None:
        """The active key ``presented`` is, or None (unknown, malformed, wrong secret, revoked)."""
        with self._lock:
            if time.monotonic() - self._checked_at > self._recheck:
                self._reload()
            digest = hashlib.sha256(presented.encode("utf-8", "replace")).digest()
            known = self._known.get(digest)
            if known is not None:
                key = self._keys.get(known)
                return key if key is not None and key.revoked_at is None else None
            prefix, _, rest = presented.partition("_")
            key_id, _, secret = rest.partition("_")
            key = self._keys.get(key_id)
            if prefix != PREFIX or key is None or key.revoked_at is not None or not secret:
                return None
        if not check_secret(secret, key.hash):  # slow: outside the lock
            return None
        with self._lock:
            self._known[digest] = key.id
        return key
