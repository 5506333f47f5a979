"""``penalty evaluate --record``, ``penalty ledger verify`` and ``penalty ledger export``, end to end
with the real command: a ledger of golden cases exports to rows that ``penalty replay`` reads as
they are and finds nothing to flag."""

from __future__ import annotations

import csv
import getpass
import json
from pathlib import Path

import pytest

from penalty_engine.ledger import open_ledger
from tests.cli.test_cli import run
from tests.conftest import ROOT

from .conftest import run_sql

CASES = ROOT / "cases" / "cn-transport"
GOLDEN = [
    CASES / "sample.yaml",
    *sorted((CASES / "unlicensed-freight").glob("0[1-4]*.yaml")),
    *sorted((CASES / "general").glob("*.yaml"))[:3],
    *sorted((CASES / "combined").glob("*.yaml")),  # several violations: decisions@2
]


def _record(url: str) -> list[str]:
    proc = run("evaluate", *map(str, GOLDEN), "--format", "json", "--record", url)
    assert proc.returncode == 0, proc.stderr
    ids = [line.split()[1] for line in proc.stderr.splitlines() if line.startswith("recorded dec_")]
    assert len(ids) == len(GOLDEN)
    return ids


def _replay(tmp_path: Path, rows: Path) -> dict[str, int]:
    out = tmp_path / "summary.json"
    proc = run("replay", str(rows), "--json", str(out), "--workers", "1")
    assert proc.returncode == 0, proc.stderr
    summary: dict[str, int] = json.loads(out.read_text(encoding="utf-8"))["summary"]
    return summary


def test_a_replay_of_an_unchanged_ledger_flags_nothing(ledger_url: str, tmp_path: Path) -> None:
    ids = _record(ledger_url)
    led = open_ledger(ledger_url)
    records = list(led.records())
    assert [r.id for r in records] == ids
    assert {r.entry.caller for r in records} == {f"cli:{getpass.getuser()}"}
    assert records[0].entry.pack_id == "cn-transport" and records[0].entry.fingerprint.startswith("sha256:")
    verified = run("ledger", "verify", ledger_url)
    assert verified.returncode == 0 and f"ok: {len(GOLDEN)} records" in verified.stdout

    rows = tmp_path / "ledger.jsonl"
    exported = run("ledger", "export", ledger_url, "-o", str(rows))
    assert exported.returncode == 0 and f"wrote {len(GOLDEN)} records" in exported.stderr
    first = json.loads(rows.read_text(encoding="utf-8").splitlines()[0])
    # the sample: 52000 in the standard tier, with Art. 63's order to stop operating, and (52000 ≥ 20000, the
    # pack's 较大数额 for organizations, ADR 0018) the hearing notice with its legal review; the export sorts
    # the duties (cases/cn-transport/sample.yaml)
    assert first["actual"] == {
        "outcome": "penalty",
        "fine": "52000",
        "tier": "standard",
        "duties": ["hearing_notice", "legal_review", "order_stop_operation"],
    }
    summary = _replay(tmp_path, rows)
    assert summary["evaluated"] == len(GOLDEN) and summary["consistent"] == len(GOLDEN) and summary["flagged"] == 0


def test_a_csv_export_replays_too_without_the_multi_violation_cases(tmp_path: Path) -> None:
    url = str(tmp_path / "l.db")
    _record(url)
    rows = tmp_path / "ledger.csv"
    exported = run("ledger", "export", url, "--output", str(rows))
    n_multi = len(list((CASES / "combined").glob("*.yaml")))
    assert exported.returncode == 0 and f"{n_multi} multi-violation records skipped" in exported.stderr
    header = next(csv.reader(rows.open(encoding="utf-8")))
    assert {"case_id", "party.kind", "facts.illegal_gain", "actual.outcome", "actual.fine"} <= set(header)
    summary = _replay(tmp_path, rows)
    assert summary["evaluated"] == len(GOLDEN) - n_multi and summary["flagged"] == 0


def test_a_replay_flags_a_ledger_whose_fine_was_changed_and_verify_names_the_record(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'l.db'}"
    ids = _record(url)
    # someone lowers the sample's recorded fine from 52000 to 5200, below its band 36400–57200
    decision = json.dumps(dict(next(open_ledger(url).records()).entry.decision, recommended_fine="5200"))
    run_sql(url, "UPDATE ledger_records SET decision = ? WHERE seq = 1", (decision,))
    verified = run("ledger", "verify", url)
    assert verified.returncode == 1
    assert f"ledger broken at seq 1: record {ids[0]}" in verified.stderr and "edited" in verified.stderr
    as_json = json.loads(run("ledger", "verify", url, "--json").stdout)
    assert as_json["ok"] is False and as_json["first_bad"] == 1
    rows = tmp_path / "l.jsonl"
    assert run("ledger", "export", url, "-o", str(rows)).returncode == 0
    assert _replay(tmp_path, rows)["flagged"] == 1


def test_recording_does_not_change_what_evaluate_prints(tmp_path: Path) -> None:
    plain = run("evaluate", str(GOLDEN[0]), "--format", "json")
    recorded = run("evaluate", str(GOLDEN[0]), "--format", "json", "--record", str(tmp_path / "l.db"))
    assert plain.stdout == recorded.stdout and plain.stderr == ""
    assert recorded.stderr.startswith("recorded dec_") and "(seq 1)" in recorded.stderr


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["ledger", "verify", "mysql://host/db"], "PE-L001"),
        (["evaluate", str(GOLDEN[0]), "--record", "mysql://host/db"], "PE-L001"),
        (["ledger", "export", "{tmp}/l.db", "-o", "{tmp}/out.txt"], "PE-L005"),
        (["ledger", "verify", "{tmp}/not-a-db.txt"], "PE-L002"),
    ],
)
def test_ledger_errors_exit_1_with_their_code(args: list[str], code: str, tmp_path: Path) -> None:
    (tmp_path / "not-a-db.txt").write_text("plain text, not a database\n" * 40, encoding="utf-8")
    proc = run(*(a.format(tmp=tmp_path) for a in args))
    assert proc.returncode == 1 and proc.stderr.startswith(code) and proc.stdout == ""
