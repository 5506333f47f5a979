"""The HTTP service (issue #13): ``penalty serve`` for case-handling systems, on FastAPI/uvicorn.

``create_app(settings)`` gives the FastAPI app: ``POST /v1/evaluate`` and ``/v1/evaluate/batch``
(every decision recorded in the ledger), the catalog (``/v1/packs``, ``/v1/rules``), recorded
decisions (``/v1/decisions/{id}``), ``/healthz`` and ``/readyz``; errors as problem+json; API keys
with roles (``keys``). The service imports the core, never the reverse: ``import penalty_engine``
does not import FastAPI. docs/service.md tells how to run and call it.
"""

from __future__ import annotations

from .app import app_from_env, create_app
from .keys import ROLES, ApiKey, KeyRing, KeysFileError, add_key, read_keys, revoke_key
from .problems import Problem
from .settings import ENV, Settings, from_env

__all__ = [
    "ENV",
    "ROLES",
    "ApiKey",
    "KeyRing",
    "KeysFileError",
    "Problem",
    "Settings",
    "add_key",
    "app_from_env",
    "create_app",
    "from_env",
    "read_keys",
    "revoke_key",
]
