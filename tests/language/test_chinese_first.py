"""Chinese first (issue #12): every golden case rendered in zh has no English word and no
identifier outside the machine line; rendered in en, no line of Chinese prose outside quoted law.

Renders every shipped golden case as text and Markdown in both languages, and as the case-file
documents (.html and .docx, read back) in Chinese. A finding names the case, the format and the line, so a
missing translation is found where it is.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import penalty_engine as pe
from penalty_engine.check.golden import cases_dir, golden_files
from penalty_engine.render import render_any
from penalty_engine.yamlio import parse_yaml
from tests.unit.test_document import document_text

CASES = cases_dir("cn-transport").parent
FILES = golden_files(CASES)

_WORD = re.compile(r"[A-Za-z][A-Za-z_\-]+")
_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")
_MACHINE = ("编号", "Reference", "---")
_URL = re.compile(r"https?://\S+")  # a source's address is cited as it is
#: citations of the law and of benchmark choices: quoted law keeps its Chinese names in English
_BASIS_EN = re.compile(r"\s*(\[basis: .*\]|\*\(basis: .*\)\*|— [^—]*第[^—]*条.*)$")


def _decision(engine: pe.Engine, path: Path) -> tuple[str, pe.Decision | pe.Decisions]:
    data = dict(parse_yaml(path.read_text(encoding="utf-8"), str(path)).data)
    data.pop("expect", None)
    data.pop("expect_error", None)
    return str(data.get("case_id", "")), engine.evaluate_any(data)


def english_in_zh(text: str, case_id: str) -> list[str]:
    """Lines of a zh render with an English word or identifier (the machine line and the case's own
    number aside)."""
    bad = []
    for line in text.splitlines():
        if line.startswith(_MACHINE):
            continue
        words = _WORD.findall(_URL.sub("", line.replace(case_id, "")))
        if words:
            bad.append(f"{words}: {line.strip()[:160]}")
    return bad


def chinese_in_en(text: str) -> list[str]:
    """Lines of an en render that are Chinese prose (more Chinese characters than Latin letters),
    citations of the law aside."""
    bad = []
    for line in text.splitlines():
        if line.startswith(_MACHINE):
            continue
        body = _BASIS_EN.sub("", line)
        cjk = len(_CJK.findall(body))
        if cjk and cjk > len(_LATIN.findall(body)):
            bad.append(line.strip()[:160])
    return bad


@pytest.fixture(scope="module")
def decisions(engine: pe.Engine) -> list[tuple[str, str, pe.Decision | pe.Decisions]]:
    out = []
    for path in FILES:
        try:
            case_id, result = _decision(engine, path)
        except pe.PenaltyEngineError:
            continue  # a golden case that expects an error renders nothing
        out.append((str(path.relative_to(CASES)), case_id, result))
    assert len(out) > 100
    return out


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_zh_has_no_english(decisions: list[tuple[str, str, pe.Decision | pe.Decisions]], fmt: str) -> None:
    problems = []
    for name, case_id, result in decisions:
        problems += [f"{name} [{fmt}] {p}" for p in english_in_zh(render_any(result, fmt, "zh"), case_id)]
    assert not problems, f"{len(problems)} lines with English in zh output:\n" + "\n".join(problems[:40])


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_en_has_no_chinese_prose(decisions: list[tuple[str, str, pe.Decision | pe.Decisions]], fmt: str) -> None:
    problems = []
    for name, _, result in decisions:
        problems += [f"{name} [{fmt}] {p}" for p in chinese_in_en(render_any(result, fmt, "en"))]
    assert not problems, f"{len(problems)} lines of Chinese prose in en output:\n" + "\n".join(problems[:40])


@pytest.mark.parametrize("fmt", ["html", "docx"])
def test_case_file_documents_in_zh_have_no_english(
    decisions: list[tuple[str, str, pe.Decision | pe.Decisions]], fmt: str
) -> None:
    problems = []
    for name, case_id, result in decisions:
        problems += [f"{name} [{fmt}] {p}" for p in english_in_zh(document_text(result, fmt, "zh"), case_id)]
    assert not problems, f"{len(problems)} lines with English in zh documents:\n" + "\n".join(problems[:40])


def test_the_checks_can_fail() -> None:
    assert english_in_zh("建议罚款: 52000 CNY", "X-1") == ["['CNY']: 建议罚款: 52000 CNY"]
    assert english_in_zh("案件 GOLD-UF-01：罚款", "GOLD-UF-01") == []
    assert english_in_zh("编号: cn-transport/x@2023", "") == []
    assert chinese_in_en("  - 本结果依赖的假设：罚款取整") != []
    assert chinese_in_en("  1. Rule «Freight».  [basis: 道路运输条例 第六十三条第（一）项]") == []
