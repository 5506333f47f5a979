"""Service fixtures: the app over the bundled packs, a real SQLite ledger in a tmp dir, and a keys
file with one key per kind of caller (their secrets only in memory, as a client would hold them)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import penalty_engine as pe
from penalty_engine.service import Settings, add_key, create_app

SAMPLE: dict[str, Any] = {
    "case_id": "SAMPLE-2026-0001",
    "violation": "cn-transport/unlicensed-freight",
    "occurred_on": "2026-03-02",
    "discovered_on": "2026-03-05",
    "decided_on": "2026-04-10",
    "party": {"kind": "organization"},
    "facts": {"illegal_gain": "15600", "prior_12m": 1, "several_vehicles": True},
}


@dataclass
class Keys:
    """The secrets of the test keys, by what they may do."""

    evaluate: str  # roles evaluate + read
    read: str  # role read only
    admin: str
    file: Path

    def auth(self, which: str = "evaluate") -> dict[str, str]:
        return {"Authorization": f"Bearer {getattr(self, which)}"}


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Keys:
    path = tmp_path_factory.mktemp("keys") / "keys.json"
    ev = add_key(path, "case-system", ["evaluate", "read"])[1]
    rd = add_key(path, "auditor", ["read"])[1]
    ad = add_key(path, "ops", ["admin"])[1]
    return Keys(ev, rd, ad, path)


@pytest.fixture(scope="module")
def settings(keys: Keys, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    ledger = tmp_path_factory.mktemp("ledger") / "ledger.sqlite3"
    return Settings(keys_file=keys.file, ledger_url=str(ledger), max_body=64 * 1024, max_batch=5)


@pytest.fixture(scope="module")
def client(settings: Settings, engine: pe.Engine) -> Iterator[TestClient]:
    app = create_app(settings, engine=engine)
    with TestClient(app) as c:
        yield c
