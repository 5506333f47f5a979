"""The real `penalty` command, end to end: output, exit codes, no tracebacks."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import MINI_RULE, ROOT

SAMPLE = ROOT / "cases" / "cn-transport" / "sample.yaml"
PENALTY = shutil.which("penalty", path=str(Path(sys.executable).parent)) or "penalty"


def run(
    *args: str, stdin: str | None = None, cwd: Path | None = None, lang: str = "en", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The real command. ``lang`` is the command line's language (PENALTY_LANG): the wording these
    tests check is the English one unless a test asks for ``zh``; what a command renders (a
    decision, a document) is in its ``--lang`` whatever this is."""
    proc = subprocess.run(
        [PENALTY, *args],
        capture_output=True,
        text=True,
        input=stdin,
        cwd=cwd or ROOT,
        timeout=120,
        check=False,
        env={**os.environ, "PENALTY_LANG": lang, **(env or {})},
    )
    assert "Traceback" not in proc.stderr + proc.stdout
    return proc


def test_evaluate_json_is_one_contract_object() -> None:
    proc = run("evaluate", str(SAMPLE), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["schema"] == "penalty-engine/decision@2"
    assert data["recommended_fine"] == "52000"
    assert all(isinstance(p.get("amount"), (str, type(None))) for p in data["penalties"])


@pytest.mark.parametrize("fmt", ["json", "text", "markdown"])
def test_yaml_and_json_with_other_key_order_give_same_output(tmp_path: Path, fmt: str) -> None:
    """The same bytes, not only equal objects: the trail lists given facts in their declared order."""
    first = run("evaluate", str(SAMPLE), "--format", fmt, "--as-of", "2026-04-10").stdout
    import yaml

    data = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    data = dict(reversed(list(data.items())))
    data["facts"] = dict(reversed(list(data["facts"].items())))
    assert len(data["facts"]) > 1, "the sample must give several facts for the order to matter"
    as_json = tmp_path / "case.json"
    as_json.write_text(json.dumps(data, default=str, ensure_ascii=False), encoding="utf-8")
    second = run("evaluate", str(as_json), "--format", fmt, "--as-of", "2026-04-10").stdout
    assert first and first == second


def test_text_and_markdown_in_both_languages() -> None:
    zh = run("evaluate", str(SAMPLE), "--lang", "zh")
    assert zh.returncode == 0 and "建议罚款: 52,000元（伍万贰仟元整）" in zh.stdout and "裁量过程" in zh.stdout
    en = run("evaluate", str(SAMPLE), "--format", "markdown", "--lang", "en")
    assert en.returncode == 0 and en.stdout.startswith("# Penalty recommendation")
    assert "**CNY 52,000**" in en.stdout and "How the result was reached" in en.stdout


def test_stdin_and_as_of_recorded_in_trail() -> None:
    case = "case_id: S1\nviolation: unqualified-driver\noccurred_on: 2026-01-05\nparty: {kind: individual}\n"
    proc = run("evaluate", "-", "--format", "json", "--as-of", "2026-02-01", stdin=case)
    data = json.loads(proc.stdout)
    assert data["dates"]["decided_on"] == "2026-02-01"
    assert data["trail"][0]["inputs"]["decided_source"] == "--as-of"
    today = json.loads(run("evaluate", "-", "--format", "json", stdin=case).stdout)
    assert today["trail"][0]["inputs"]["decided_source"] == "today"


@pytest.mark.parametrize(
    ("facts", "code", "field"),
    [
        ("illegal_gain: lots", "PE-C004", "facts.illegal_gain"),
        ("ilegal_gain: 1", "PE-C003", "facts.ilegal_gain"),
        ("prior_12m: 101", "PE-C005", "facts.prior_12m"),
    ],
)
def test_bad_case_exit_1_names_field(tmp_path: Path, facts: str, code: str, field: str) -> None:
    f = tmp_path / "bad.yaml"
    f.write_text(
        f"case_id: B1\nviolation: unlicensed-freight\noccurred_on: 2026-03-02\nparty: {{kind: individual}}\n"
        f"facts:\n  {facts}\n",
        encoding="utf-8",
    )
    proc = run("evaluate", str(f), "--as-of", "2026-04-10")
    assert proc.returncode == 1
    assert code in proc.stderr and field in proc.stderr and "B1" in proc.stderr
    assert f"{f}:6" in proc.stderr


def test_missing_field_and_unknown_violation(tmp_path: Path) -> None:
    f = tmp_path / "bad.yaml"
    f.write_text("case_id: B2\nviolation: nope\nparty: {kind: individual}\n", encoding="utf-8")
    proc = run("evaluate", str(f))
    assert proc.returncode == 1 and "PE-C002" in proc.stderr and "occurred_on" in proc.stderr
    f.write_text("case_id: B2\nviolation: nope\noccurred_on: 2026-01-01\nparty: {kind: individual}\n")
    proc = run("evaluate", str(f))
    assert proc.returncode == 1 and "PE-C006" in proc.stderr
    proc = run("evaluate", str(tmp_path / "absent.yaml"))
    assert proc.returncode == 1 and "PE-C001" in proc.stderr


def test_several_cases_one_bad_still_prints_the_good(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("case_id: [\n", encoding="utf-8")
    proc = run("evaluate", str(SAMPLE), str(bad), str(SAMPLE), "--format", "json")
    assert proc.returncode == 1 and "PE-C001" in proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(lines) == 2 and lines[0] == lines[1]


def test_usage_error_exit_2() -> None:
    assert run("evaluate", str(SAMPLE), "--format", "pdf").returncode == 2
    assert run("nonsense").returncode == 2


def test_rules_list_json_has_every_rule_with_facts() -> None:
    proc = run("rules", "list", "--format", "json")
    rules = {r["id"]: r for r in json.loads(proc.stdout)["rules"]}
    assert "cn-transport/unlicensed-freight" in rules
    fact = rules["cn-transport/unlicensed-freight"]["facts"]["illegal_gain"]
    assert fact["type"] == "money" and fact["label"]["zh"] == "违法所得"
    found = json.loads(run("rules", "list", "-p", "cn-transport", "--format", "json", "--search", "车货总质量").stdout)[
        "rules"
    ]
    assert [r["id"] for r in found] == ["cn-transport/overload-gross-mass"]
    over_limit = json.loads(run("rules", "list", "--format", "json", "--search", "超限").stdout)["rules"]
    assert len(over_limit) > 1 and all("超限" in r["title"]["zh"] or "超限" in r["id"] for r in over_limit)


def test_rules_show_and_schema() -> None:
    show = run("rules", "show", "unlicensed-freight", "--lang", "en")
    assert show.returncode == 0 and "illegal_gain" in show.stdout and "gain-over-10000" in show.stdout
    schema = json.loads(run("rules", "schema").stdout)
    assert "versions" in schema["properties"]
    case_schema = json.loads(run("rules", "schema", "--case").stdout)
    assert "case_id" in case_schema["required"]


def test_rules_validate_reports_file_and_line(write_pack: object, tmp_path: Path) -> None:
    assert run("rules", "validate", "cn-transport").returncode == 0
    root = write_pack(MINI_RULE.replace("when: n >= 2", "when: n + 1.5 > 2"))  # type: ignore[operator]
    proc = run("rules", "validate", str(root))
    assert proc.returncode == 1 and "PE-R006" in proc.stderr and "r1.yaml:13" in proc.stderr
    root = write_pack(MINI_RULE.replace("id: r1", "id: !!python/object/apply:os.system [ls]"))  # type: ignore[operator]
    proc = run("rules", "validate", str(root), "--format", "json")
    data = json.loads(proc.stdout)
    assert proc.returncode == 1 and data["errors"][0]["code"] == "PE-R003"


def test_rules_test_passes_and_fails(tmp_path: Path) -> None:
    ok = run("rules", "test", "cn-transport")
    assert ok.returncode == 0 and ok.stdout.strip().splitlines()[-1].endswith("passed, 0 failed")
    pack = tmp_path / "pack"
    shutil.copytree(ROOT / "rules" / "cn-transport", pack)
    shutil.copytree(ROOT / "cases" / "cn-transport", pack / "cases")
    sample = pack / "cases" / "sample.yaml"
    sample.write_text(sample.read_text(encoding="utf-8").replace('"52000"', '"52100"'), encoding="utf-8")
    bad = run("rules", "test", str(pack))
    assert bad.returncode == 1
    assert "FAIL" in bad.stdout and "sample.yaml" in bad.stdout and bad.stdout.strip().endswith("1 failed")


def test_works_from_any_folder(tmp_path: Path) -> None:
    proc = run("rules", "list", "--format", "json", cwd=tmp_path)
    assert proc.returncode == 0 and json.loads(proc.stdout)["rules"]


def test_rules_check_json_and_exit_codes(write_pack: object) -> None:
    root = write_pack(MINI_RULE.replace("      - id: base\n", "      - id: base\n        when: n < 5\n"))  # type: ignore[operator]
    proc = run("rules", "check", str(root), "--json", "--max-examples", "10")
    data = json.loads(proc.stdout)
    assert proc.returncode == 1 and data["schema"] == "penalty-engine/check@1"
    gap = next(f for f in data["findings"] if f["kind"] == "gap")
    assert gap["severity"] == "error" and gap["file"].endswith("r1.yaml") and gap["line"] == 9
    assert gap["witness"]["facts"] == {"n": 5} and data["summary"]["errors"] >= 1
    text = run("rules", "check", str(root), "--max-examples", "0")
    assert text.returncode == 1 and "gap" in text.stdout and "r1.yaml:9" in text.stdout
    clean = run("rules", "check", str(write_pack()), "--max-examples", "10")  # type: ignore[operator]
    assert clean.returncode == 0 and "consistent" in clean.stdout


def test_publish_refuses_a_pack_with_check_errors(write_pack: object, tmp_path: Path) -> None:
    root = write_pack(MINI_RULE.replace("      - id: base\n", "      - id: base\n        when: n < 5\n"))  # type: ignore[operator]
    refused = run("rules", "publish", str(root), "--format", "markdown")
    assert refused.returncode == 1 and "gap" in refused.stderr and refused.stdout == ""
    assert refused.stderr.endswith("not published: 1 errors from rules check (--force publishes anyway)\n")
    forced = run("rules", "publish", str(root), "--format", "markdown", "--force")
    assert forced.returncode == 0 and "r1" in forced.stdout


def test_text_says_when_an_adult_was_assumed_and_explains_art_29_in_chinese(tmp_path: Path) -> None:
    case = "case_id: S2\nviolation: unqualified-driver\noccurred_on: 2026-01-05\nparty: {kind: individual}\n"
    zh = run("evaluate", "-", "--as-of", "2026-02-01", stdin=case)
    assert "未提供当事人年龄：按成年人处理" in zh.stdout
    aged = run(
        "evaluate",
        "-",
        "--as-of",
        "2026-02-01",
        stdin=case.replace("{kind: individual}", "{kind: individual, age: 40}"),
    )
    assert "按成年人处理" not in aged.stdout
    several = tmp_path / "m.yaml"
    several.write_text(
        "case_id: M1\noccurred_on: 2026-03-02\nparty: {kind: organization}\nsame_act: true\nviolations:\n"
        "  - {violation: unlicensed-freight, facts: {illegal_gain: '5000'}}\n  - {violation: unqualified-driver}\n",
        encoding="utf-8",
    )
    out = run("evaluate", str(several), "--as-of", "2026-04-10")
    assert out.returncode == 0 and "按照罚款数额高的规定处罚" in out.stdout and "行政处罚法 第二十九条" in out.stdout


def test_rules_check_json_reports_a_pack_that_does_not_load(write_pack: object) -> None:
    root = write_pack(MINI_RULE.replace("    frame:", "    frmae: []\n    frame:"))  # type: ignore[operator]
    proc = run("rules", "check", str(root), "--json", "--max-examples", "5")
    data = json.loads(proc.stdout)
    assert proc.returncode == 1 and data["findings"][0]["kind"] == "load_error"
    assert data["findings"][0]["line"] == 9 and "frmae" in data["findings"][0]["message"]


RULES_COMMANDS = ("list", "show", "validate", "test", "check", "publish", "schema")
COMMANDS = [[], ["evaluate"], ["rules"], *(["rules", c] for c in RULES_COMMANDS), ["new-case"], ["replay"]]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "penalty")
def test_dash_h_prints_the_same_help_as_dash_dash_help(command: list[str]) -> None:
    from typer.testing import CliRunner

    from penalty_engine.cli import app
    from penalty_engine.cli.lang import typer_words

    runner = CliRunner()
    short = runner.invoke(app, [*command, "-h"], env={"COLUMNS": "100"})
    long = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "100"})
    assert short.exit_code == 0 and long.exit_code == 0
    usage = typer_words()["usage"]  # "Usage: " or "用法：", as the app was built (tests/cli/test_cli_lang.py)
    assert short.output == long.output and f"{usage}penalty" in short.output and "-h" in short.output
