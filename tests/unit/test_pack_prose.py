"""Pack prose is Chinese first (issue #12): every text a pack writes for people has a Chinese text, and
`rules check` reports one that has none (``missing_zh``) with its file and line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import penalty_engine as pe
from penalty_engine.check.prose import is_chinese
from penalty_engine.check.static import check_pack
from penalty_engine.models import Prose
from tests.conftest import AS_OF, MINI_PACK, MINI_RULE, ROOT, case

SHIPPED = sorted(p.parent for p in (ROOT / "rules").glob("*/pack.yaml"))

# MINI_PACK has 14 lines: these are lines 15 to 18 of pack.yaml
PACK_PROSE = MINI_PACK + (
    "assumptions:\n"
    "  - Fines are rounded to 100 yuan.\n"  # line 16: English only
    "  - {en: Only the English is given.}\n"  # line 17: no zh
    "  - {zh: 罚款取整至百元。, en: Fines are rounded to 100 yuan.}\n"  # line 18: right
)

# MINI_RULE: lines 1-8 up to its basis; these are lines 9 to 17 of r1.yaml, the frame and tiers follow
RULE_PROSE = MINI_RULE.replace(
    "    frame:\n",
    "    assumptions:\n"
    "      - 以下 is read as including the number\n"  # line 10: an English sentence quoting Chinese
    "      - when: n >= 3\n"
    "        text: {en: From the third finding on.}\n"  # line 12: no zh
    "      - when: n >= 4\n"
    "        text:\n"
    "          zh: 自第四次起。\n"  # line 15: right
    "          en: From the fourth finding on.\n"
    "      - 罚款数额按次数确定\n"  # line 17: right, a plain text is the Chinese
    "    frame:\n",
).replace(
    "      - {tier: heavier, when: n >= 2}\n",
    "      - tier: heavier\n"
    "        when: n >= 2\n"
    "        basis:\n"
    "          - benchmark: {zh: 第三次起从重, en: From the third finding on}\n"
    "          - benchmark: Repeated findings are heavier\n",  # English only
)


@pytest.mark.parametrize("pack", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_pack_has_its_chinese(pack: Path) -> None:
    assert {"cn-transport", "cn-gs-transport", "cn-zj-transport"} <= {p.name for p in SHIPPED}
    missing = [(f.file, f.line, f.message) for f in check_pack(pack).findings if f.kind == "missing_zh"]
    assert missing == []


def test_the_pack_file_reports_an_english_text_and_a_missing_zh_with_their_lines(write_pack: Any) -> None:
    report = check_pack(write_pack(pack=PACK_PROSE))
    found = [f for f in report.findings if f.kind == "missing_zh"]
    assert [(Path(f.file or "").name, f.line, f.rule, f.severity) for f in found] == [
        ("pack.yaml", 16, None, "error"),
        ("pack.yaml", 17, None, "error"),
    ]
    assert "assumptions.0 is not in Chinese ('Fines are rounded to 100 yuan.')" in found[0].message
    assert found[1].message.startswith("assumptions.1 has no Chinese text")
    assert [f.kind for f in report.findings] == ["missing_zh", "missing_zh"] and report.errors == 2


def test_a_rule_file_reports_its_assumptions_and_benchmark_reasons_and_never_the_quoted_law(
    write_pack: Any,
) -> None:
    rule = RULE_PROSE.replace("text: 处1000元以上4000元以下的罚款", "text: a fine of 1000 to 4000 yuan")
    found = [f for f in check_pack(write_pack(rule)).findings if f.kind == "missing_zh"]
    assert [(Path(f.file or "").name, f.line, f.rule) for f in found] == [
        ("r1.yaml", 10, "mini/r1"),
        ("r1.yaml", 12, "mini/r1"),
        ("r1.yaml", 26, "mini/r1"),
    ]
    assert [f.message.split(" ")[0] for f in found] == [
        "versions.0.assumptions.0",
        "versions.0.assumptions.1.text",
        "versions.0.tiers.0.basis.1.benchmark",
    ]


def test_a_pack_with_its_chinese_is_clean_and_decides_in_both_languages(write_pack: Any) -> None:
    fixed = PACK_PROSE.replace(
        "  - Fines are rounded to 100 yuan.\n", "  - {zh: 罚款按一百元取整。, en: Fines are rounded to 100 yuan.}\n"
    ).replace("{en: Only the English is given.}", "只有中文。")
    rule = RULE_PROSE.replace("以下 is read as including the number", "“以下”包括本数").replace(
        "{en: From the third finding on.}", "{zh: 自第三次起。, en: From the third finding on.}"
    )
    rule = rule.replace("benchmark: Repeated findings are heavier", "benchmark: 多次被查处的从重")
    root = write_pack(rule, pack=fixed)
    assert check_pack(root).findings == []
    d = pe.Engine.load(root).evaluate(case("r1", facts={"n": 4}), as_of=AS_OF)
    assert "自第四次起。" in d.assumptions and "自第三次起。" in d.assumptions
    fourth = next(a for a in d.assumptions if a == "自第四次起。")
    assert isinstance(fourth, Prose) and fourth.get("en") == "From the fourth finding on."
    plain = next(a for a in d.assumptions if a == "罚款数额按次数确定")
    assert isinstance(plain, Prose) and plain.get("en") == "罚款数额按次数确定"  # English shows the Chinese


def test_rules_check_prints_the_file_and_line_of_a_missing_chinese_text(write_pack: Any) -> None:
    root = write_pack(pack=PACK_PROSE)
    cmd = [sys.executable, str(ROOT / "cli.py"), "rules", "check", str(root), "--max-examples", "0"]
    proc = subprocess.run([*cmd, "--json"], capture_output=True, text=True, cwd=ROOT, timeout=120, check=False)
    assert proc.returncode == 1 and "Traceback" not in proc.stdout + proc.stderr
    findings = json.loads(proc.stdout)["findings"]
    found = [(Path(f["file"]).name, f["line"]) for f in findings if f["kind"] == "missing_zh"]
    assert found == [("pack.yaml", 16), ("pack.yaml", 17)]
    text = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=120, check=False)
    assert text.returncode == 1 and "missing_zh" in text.stdout
    assert "pack.yaml:16" in text.stdout and "pack.yaml:17" in text.stdout and "pack.yaml:18" not in text.stdout


@pytest.mark.parametrize(
    ("text", "chinese"),
    [
        ("罚款取整至百元。", True),
        ("资料来源为《道路运输条例》第六十三条的转载件（https://example.org）", True),  # a link in Chinese prose
        ("以上/以下 include the stated number", False),  # English quoting Chinese terms
        ("Fines are rounded to 100 yuan.", False),
        ("100–200", False),  # no Chinese at all
    ],
)
def test_what_counts_as_chinese(text: str, chinese: bool) -> None:
    assert is_chinese(text) is chinese
