"""`penalty new-case` and `penalty rules publish` end to end, as an officer or an author runs them."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.cli.test_cli import run


def test_new_case_template_filled_in_evaluates(tmp_path: Path) -> None:
    proc = run("new-case", "unqualified-driver", "--template")
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    assert text.startswith("#") and "violation: cn-transport/unqualified-driver" in text
    assert "# 一年内因同类违法行为被查处次数 — 整数, 次, 0–100, 默认 0" in text
    unfilled = tmp_path / "unfilled.yaml"
    unfilled.write_text(text, encoding="utf-8")
    refused = run("evaluate", str(unfilled), "--as-of", "2026-04-10")
    assert refused.returncode == 1 and "PE-C004" in refused.stderr  # empty required fields are refused
    filled = text.replace("case_id:  ", "case_id: T-9", 1).replace("occurred_on:  ", "occurred_on: 2026-03-02", 1)
    filled = filled.replace("  kind:  ", "  kind: organization", 1).replace("prior_12m: 0", "prior_12m: 2", 1)
    case = tmp_path / "case.yaml"
    case.write_text(filled, encoding="utf-8")
    proc = run("evaluate", str(case), "--format", "json", "--as-of", "2026-04-10")
    assert proc.returncode == 0, proc.stderr
    decision = json.loads(proc.stdout)
    assert decision["case_id"] == "T-9" and decision["tier"] == "heavier"


def test_new_case_interactive_on_piped_stdin(tmp_path: Path) -> None:
    answers = ["UD-7", "2026-13-01", "2026-03-02", "", "", "individual", "", "2", "maybe", "yes", "", ""] + [""] * 20
    proc = run("new-case", "cn-transport/unqualified-driver", "--lang", "en", stdin="\n".join(answers) + "\n")
    assert proc.returncode == 0, proc.stderr
    # stdout holds the case file alone; questions and refusals went to stderr
    data = yaml.safe_load(proc.stdout)
    assert data["facts"] == {"prior_12m": 2, "passenger_vehicle": True}
    assert "Date of the act" in proc.stderr and "✗ expected a date" in proc.stderr
    assert "✗ expected true or false, got 'maybe'" in proc.stderr
    out = tmp_path / "ud7.yaml"
    written = run("new-case", "unqualified-driver", "-o", str(out), stdin="\n".join(answers) + "\n")
    assert written.returncode == 0 and f"wrote {out}" in written.stderr and written.stdout == ""
    decision = json.loads(run("evaluate", str(out), "--format", "json", "--as-of", "2026-04-10").stdout)
    assert decision["case_id"] == "UD-7" and decision["tier"] == "heavier"
    again = run("new-case", "unqualified-driver", "-o", str(out), "--template")
    assert again.returncode == 1 and "--force" in again.stderr
    assert run("new-case", "unqualified-driver", "-o", str(out), "--template", "--force").returncode == 0


def test_new_case_input_ending_early_and_unknown_rule() -> None:
    proc = run("new-case", "unqualified-driver", stdin="UD-8\n2026-03-02\n")
    assert proc.returncode == 1 and "nothing written" in proc.stderr and proc.stdout == ""
    unknown = run("new-case", "unqualified-drivr", "--template")
    assert unknown.returncode == 1 and "PE-C006" in unknown.stderr and "unqualified-driver" in unknown.stderr


def test_rules_publish_formats_and_output(tmp_path: Path) -> None:
    md = run("rules", "publish", "cn-transport", "--format", "markdown", "--lang", "en")
    assert md.returncode == 0 and md.stdout.startswith("# Transport administrative-penalty discretion benchmark")
    out = tmp_path / "bench.html"
    html = run("rules", "publish", "cn-transport", "-o", str(out))
    assert html.returncode == 0 and html.stdout == "" and f"wrote {out}" in html.stderr
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    missing = run("rules", "publish", "no-such-pack")
    assert missing.returncode == 1 and "PE-R009" in missing.stderr
    assert run("rules", "publish", "cn-transport", "--format", "pdf").returncode == 2
