"""The real server: ``penalty serve`` as a process on a free loopback port, with a keys file and a
tmp SQLite ledger; cases/cn-transport/sample.yaml evaluated over HTTP, then the server stopped."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import yaml

from tests.conftest import ROOT

CLI = [sys.executable, str(ROOT / "cli.py")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_without_a_keys_file_serve_says_how_to_make_one_and_exits_2(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PENALTY_KEYS_FILE"}
    proc = subprocess.run([*CLI, "serve"], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    assert proc.returncode == 2 and "penalty serve keys add" in proc.stderr


def test_penalty_serve_evaluates_the_sample_over_http(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    keys = tmp_path / "keys.json"
    add = [*CLI, "serve", "keys", "add", "it", "--role", "evaluate", "--role", "read", "--keys", str(keys)]
    made = subprocess.run(add, capture_output=True, text=True, env=env, timeout=120, check=True)
    secret = made.stdout.strip()
    assert secret.startswith("pek_") and secret not in keys.read_text(encoding="utf-8")
    listed = subprocess.run([*CLI, "serve", "keys", "list", "--keys", str(keys)], capture_output=True, text=True)
    assert "it" in listed.stdout and secret not in listed.stdout
    port = _free_port()
    ledger = tmp_path / "ledger.sqlite3"
    cmd = [*CLI, "serve", "--keys", str(keys), "--port", str(port), "--ledger", str(ledger), "-p", "cn-transport"]
    server = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
        case = yaml.safe_load((ROOT / "cases" / "cn-transport" / "sample.yaml").read_text(encoding="utf-8"))
        case.pop("expect")
        for k in ("occurred_on", "discovered_on", "decided_on"):
            case[k] = case[k].isoformat()
        auth = {"Authorization": f"Bearer {secret}"}
        resp = httpx.post(f"{base}/v1/evaluate", json=case, headers=auth, timeout=30)
        assert resp.status_code == 200, resp.text
        assert resp.json()["recommended_fine"] == "52000"  # the sample's hand computation
        rec = httpx.get(f"{base}/v1/decisions/{resp.headers['Ledger-Id']}", headers=auth, timeout=30).json()
        assert rec["decision"] == resp.json()
    finally:
        server.send_signal(signal.SIGINT)
        out, _ = server.communicate(timeout=60)
    assert server.returncode == 0, out
    assert secret not in out and secret.split("_", 2)[2] not in out  # no key material in the log
    assert ledger.exists()
