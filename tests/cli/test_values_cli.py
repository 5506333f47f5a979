"""Values as officers write them, end to end (issue #12, ADR 0016): a case file in Chinese values
evaluates to the same decision, byte for byte, as the same case in machine values; a value that
does not read names the field, what was expected, and the file:line; new-case in Chinese; -h and
shell completion."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.cli.test_cli import run

CHINESE = """\
case_id: ZH-52000
violation: cn-transport/unlicensed-passenger
occurred_on: 2026年5月10日
discovered_on: ２０２６／５／２０
party: {kind: 单位, name: 某运输有限公司}
facts:
  illegal_gain: 5.2万
  prior_12m: ２次
  several_vehicles: 是
  harm: 严重
"""

MACHINE = """\
case_id: ZH-52000
violation: cn-transport/unlicensed-passenger
occurred_on: 2026-05-10
discovered_on: 2026-05-20
party: {kind: organization, name: 某运输有限公司}
facts:
  illegal_gain: "52000"
  prior_12m: 2
  several_vehicles: true
  harm: serious
"""


def _evaluate(tmp_path: Path, name: str, text: str, *args: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    proc = run("evaluate", str(path), "--as-of", "2026-06-01", *args)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_a_case_in_chinese_values_gives_the_same_decision_as_in_machine_values(tmp_path: Path) -> None:
    zh = _evaluate(tmp_path, "zh.yaml", CHINESE, "--format", "json")
    machine = _evaluate(tmp_path, "machine.yaml", MACHINE, "--format", "json")
    assert zh == machine  # byte-identical decision JSON, so the same fingerprint
    decision = json.loads(zh)
    facts = next(step for step in decision["trail"] if step["code"] == "facts")["inputs"]["given"]
    assert facts == {"harm": "serious", "illegal_gain": "52000", "prior_12m": 2, "several_vehicles": True}
    assert decision["dates"] == {"occurred_on": "2026-05-10", "discovered_on": "2026-05-20", "decided_on": "2026-06-01"}
    # the text an officer reads is the same too
    assert _evaluate(tmp_path, "zh.yaml", CHINESE) == _evaluate(tmp_path, "machine.yaml", MACHINE)


def test_the_same_case_as_json_in_chinese_values(tmp_path: Path) -> None:
    data = yaml.safe_load(CHINESE)
    data["facts"]["illegal_gain"] = "52,000元"
    zh = _evaluate(tmp_path, "zh.json", json.dumps(data, ensure_ascii=False), "--format", "json")
    assert zh == _evaluate(tmp_path, "machine.yaml", MACHINE, "--format", "json")


def test_a_value_that_does_not_read_names_the_field_what_was_expected_and_the_line(tmp_path: Path) -> None:
    cases = {
        "occurred_on: 2026年5月10日": ("occurred_on: 2026年13月10日", "occurred_on", ":3", "a day of the calendar"),
        "party: {kind: 单位,": ("party: {kind: 单元,", "party.kind", ":5", "individual (个人) or organization (单位)"),
        "illegal_gain: 5.2万": ("illegal_gain: 5,20万", "facts.illegal_gain", ":7", "5.2万"),
        "harm: 严重": ("harm: 很严重", "facts.harm", ":10", "'serious' (严重)"),
    }
    for good, (bad, field, line, expected) in cases.items():
        path = tmp_path / "bad.yaml"
        path.write_text(CHINESE.replace(good, bad), encoding="utf-8")
        proc = run("evaluate", str(path), "--as-of", "2026-06-01")
        assert proc.returncode == 1, bad
        assert "PE-C004" in proc.stderr and f"{field}: expected" in proc.stderr, proc.stderr
        assert f"bad.yaml{line}" in proc.stderr and expected in proc.stderr, proc.stderr
        assert repr(bad.split(": ", 1)[1].removeprefix("{kind: ").rstrip(",")) in proc.stderr


def test_new_case_in_chinese_asks_the_dates_and_the_age_and_writes_a_case_that_evaluates(tmp_path: Path) -> None:
    out = tmp_path / "ud.yaml"
    answers = ["UD-9", "2026年3月2日", "2026/3/3", "2026年3月20日", "个人", "17周岁", "２", "是"] + [""] * 20
    proc = run("new-case", "unqualified-driver", "-o", str(out), stdin="\n".join(answers) + "\n")
    assert proc.returncode == 0, proc.stderr
    for question in ("违法行为发生日", "发现日（选填", "决定日（选填", "当事人年龄（违法行为发生时"):
        assert question in proc.stderr
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert data["occurred_on"].isoformat() == "2026-03-02" and data["discovered_on"].isoformat() == "2026-03-03"
    assert data["decided_on"].isoformat() == "2026-03-20" and data["party"] == {"kind": "individual", "age": 17}
    assert data["facts"] == {"prior_12m": 2, "passenger_vehicle": True}
    decision = json.loads(run("evaluate", str(out), "--format", "json").stdout)  # its own decision date
    assert decision["dates"]["decided_on"] == "2026-03-20" and decision["case_id"] == "UD-9"


def test_short_help_and_shell_completion() -> None:
    assert "Usage:" in run("evaluate", "-h").stdout and "Usage:" in run("new-case", "-h").stdout
    # the shell named, not detected from the process that runs the tests (a background job may have none)
    script = run("--show-completion", "bash", env={"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"})
    assert script.returncode == 0, script.stderr
    assert "complete" in script.stdout and "_PENALTY_COMPLETE" in script.stdout
    assert "--install-completion" in run("--help").stdout
