"""The command line speaks its language (issue #12): PENALTY_LANG, else the locale, else Chinese; its
help (every command, argument and option, and typer's own words) and its own messages come from the
catalog area ``cli`` in that language, whole (no help text cropped by the terminal's width).

The help of every command and group is rendered by one process per language (the language is
chosen when the app is built), at three widths.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from penalty_engine.cli.lang import cli_lang
from penalty_engine.errors import CaseError
from tests.cli.test_cli import PENALTY, run
from tests.conftest import ROOT

WIDTHS = (80, 100, 140)

# Renders `--help` of every command and group at each width, and lists each one's help texts and
# the names of its parameters, as JSON on stdout.
_HELP_SCRIPT = """
import json, sys
import typer
from typer.testing import CliRunner
from penalty_engine.cli import app

found = {}
def walk(command, path):
    params = [p for p in command.params if p.name not in ("install_completion", "show_completion")]
    found[" ".join(path)] = {
        "help": command.help or "",
        "params": {p.name: getattr(p, "help", None) or "" for p in params},
        "render": {
            w: CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": str(w)}).output
            for w in json.loads(sys.argv[1])
        },
    }
    for name, sub in getattr(command, "commands", {}).items():
        walk(sub, [*path, name])
walk(typer.main.get_command(app), [])
print(json.dumps(found, ensure_ascii=False))
"""

_CJK = re.compile(r"[\u2e80-\u2fff\u3000-\u303f\u3040-\u9fff\uf900-\ufaff\uff00-\uffef]")
#: a run of text between spaces and Chinese (the help's box lines and type descriptors removed)
_TOKEN = re.compile(r"[^\s\u2e80-\u2fff\u3000-\u303f\u3040-\u9fff\uf900-\ufaff\uff00-\uffef\u2018-\u201d\u2026]+")
_BOX = re.compile(r"[\u2500-\u257f]")
_TYPE = re.compile(r"<[^<>]*>")
#: names of formats and products, kept in Latin in Chinese technical writing
_NAMES = {"Word", "Markdown", "Lines", "Schema", "SQLite", "Dask"}
#: values an option takes, shown as they are typed
_VALUES = {"zh", "en", "text", "json", "markdown", "html", "gbk", "read", "admin", "evaluate", "penalty"}
#: the law cited by its Chinese name in English text
_LAW = ("行政处罚法",)


def english_words(text: str, ids: set[str]) -> list[str]:
    """The English words of ``text``: runs of letters that are no option, metavar, value, file,
    path, code or name (an id has a digit or one of ``-./_@{}:%=``, or is in capitals, or is in
    ``ids``)."""
    found = []
    for token in _TOKEN.findall(_TYPE.sub(" ", _BOX.sub(" ", text))):
        token = token.strip("'\"()[],;!?*").rstrip(".")
        if not token or re.search(r"[\d\-./_@{}:%=<>]", token) or token.isupper():
            continue
        if token not in ids and token not in _NAMES and token not in _VALUES:
            found.append(token)
    return found


def chinese(text: str) -> list[str]:
    """The Chinese characters of ``text`` outside the law's names."""
    for name in _LAW:
        text = text.replace(name, "")
    return _CJK.findall(text)


def test_the_detectors_can_fail() -> None:
    assert english_words("│ --format -f <text|json> 输出格式。 [默认：text] │", set()) == []
    assert english_words("规则包 FILE.jsonl、PENALTY_HOST、{case_id}、Word 文档", set()) == []
    assert english_words("输出 the format。", set()) == ["the", "format"]
    assert english_words("Show this message and exit.", {"this"}) == ["Show", "message", "and", "exit"]
    assert chinese("Publish (行政处罚法 Art. 34).") == [] and chinese("Output 格式") == ["格", "式"]


@pytest.fixture(scope="module")
def helps() -> dict[str, dict[str, Any]]:
    """Every command's help, by language, as the command line shows it."""
    out = {}
    for lang in ("zh", "en"):
        proc = subprocess.run(
            [sys.executable, "-c", _HELP_SCRIPT, json.dumps(WIDTHS)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**os.environ, "PENALTY_LANG": lang},
            timeout=120,
            check=True,
        )
        out[lang] = json.loads(proc.stdout)
    return out


def _ids(found: dict[str, Any]) -> set[str]:
    """The names of commands and parameters: shown as they are typed."""
    names = {word for path in found for word in path.split()}
    return names | {name for command in found.values() for name in command["params"]}


def test_every_command_and_group_has_help(helps: dict[str, dict[str, Any]]) -> None:
    zh = helps["zh"]
    assert {"", "evaluate", "new-case", "rules", "rules check", "serve keys add", "ledger export"} <= set(zh)
    assert set(zh) == set(helps["en"]) and len(zh) >= 21
    for path, command in zh.items():
        assert command["help"], f"penalty {path}: no help"
        missing = [name for name, text in command["params"].items() if not text]
        assert not missing, f"penalty {path}: parameters without help: {missing}"


def test_chinese_help_has_no_english_outside_names(helps: dict[str, dict[str, Any]]) -> None:
    found = helps["zh"]
    ids = _ids(found)
    problems = []
    for path, command in found.items():
        for line in command["render"]["100"].splitlines():
            if english_words(line, ids):
                problems.append(f"penalty {path}: {english_words(line, ids)} in {line.strip()!r}")
    assert not problems, "\n".join(problems)
    assert "用法：penalty evaluate [选项]" in found["evaluate"]["render"]["100"]
    assert "─ 选项 ─" in found["evaluate"]["render"]["100"] and "─ 命令 ─" in found["rules"]["render"]["100"]


def test_english_help_has_no_chinese_outside_the_law(helps: dict[str, dict[str, Any]]) -> None:
    problems = [
        f"penalty {path}: {line.strip()!r}"
        for path, command in helps["en"].items()
        for line in command["render"]["100"].splitlines()
        if chinese(line)
    ]
    assert not problems, "\n".join(problems)
    assert "Usage: penalty evaluate [OPTIONS]" in helps["en"]["evaluate"]["render"]["100"]


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", _BOX.sub("", text))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_help_text_is_shown_whole_at_every_width(helps: dict[str, dict[str, Any]], lang: str) -> None:
    """Chinese has no spaces to break lines at: a help text must wrap between its characters, never be
    cropped with "…" (each text is found whole, the boxes' borders and the line breaks aside)."""
    problems = []
    for path, command in helps[lang].items():
        texts = [command["help"].split("\n\n")[0], *command["params"].values()]
        for width, shown in command["render"].items():
            problems += [f"penalty {path} at {width}: {t!r}" for t in texts if _flat(t) not in _flat(shown)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("env", "lang"),
    [
        ({}, "zh"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "C.UTF-8"}, "zh"),
        ({"LANG": "POSIX"}, "zh"),
        ({"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),  # the first set of LC_ALL, LC_MESSAGES, LANG
        ({"LC_MESSAGES": "en_GB.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
        ({"LC_ALL": "", "LANG": "en_US.UTF-8"}, "en"),  # an empty one is not set
        ({"PENALTY_LANG": "en", "LANG": "zh_CN.UTF-8"}, "en"),  # PENALTY_LANG wins
        ({"PENALTY_LANG": "zh", "LC_ALL": "en_US.UTF-8"}, "zh"),
        ({"PENALTY_LANG": "EN"}, "en"),
        ({"PENALTY_LANG": "fr", "LANG": "en_US.UTF-8"}, "en"),  # not a language of ours: the locale decides
    ],
)
def test_the_language_is_penalty_lang_else_the_locale_else_chinese(env: dict[str, str], lang: str) -> None:
    assert cli_lang(env) == lang


def _bare_env(**settings: str) -> dict[str, str]:
    """The process's environment without any language setting, then ``settings``."""
    names = ("PENALTY_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")
    return {**{k: v for k, v in os.environ.items() if k not in names}, **settings}


@pytest.mark.parametrize(
    ("env", "usage"),
    [
        (_bare_env(LANG="en_US.UTF-8"), "Usage: penalty [OPTIONS] COMMAND [ARGS]..."),
        (_bare_env(LANG="zh_CN.UTF-8"), "用法：penalty [选项] 命令 [参数]..."),
        (_bare_env(), "用法：penalty [选项] 命令 [参数]..."),
        (_bare_env(LANG="zh_CN.UTF-8", PENALTY_LANG="en"), "Usage: penalty [OPTIONS] COMMAND [ARGS]..."),
    ],
    ids=["en_US", "zh_CN", "unset", "PENALTY_LANG"],
)
def test_the_real_command_follows_the_locale(env: dict[str, str], usage: str) -> None:
    proc = subprocess.run([PENALTY, "-h"], capture_output=True, text=True, env=env, cwd=ROOT, timeout=60, check=False)
    assert proc.returncode == 0 and usage in proc.stdout


@pytest.mark.parametrize(
    ("lang", "wrote", "cannot"),
    [
        ("zh", "已写入 {path}\n", "无法写入 {path}：路径中的文件夹不存在\n"),
        ("en", "wrote {path}\n", "cannot write {path}: No such file or directory\n"),
    ],
)
def test_wrote_file_and_cannot_write_in_both_languages(tmp_path: Path, lang: str, wrote: str, cannot: str) -> None:
    out = tmp_path / "case.yaml"
    done = run("new-case", "unqualified-driver", "--template", "-o", str(out), lang=lang)
    assert done.returncode == 0 and done.stderr == wrote.format(path=out) and out.exists()
    absent = tmp_path / "no-such-folder" / "case.yaml"
    refused = run("new-case", "unqualified-driver", "--template", "-o", str(absent), lang=lang)
    assert refused.returncode == 1 and refused.stderr == cannot.format(path=absent)
    again = run("new-case", "unqualified-driver", "--template", "-o", str(out), lang=lang)
    assert again.returncode == 1 and str(out) in again.stderr
    assert ("已存在" in again.stderr) == (lang == "zh") and ("exists" in again.stderr) == (lang == "en")


def test_a_usage_error_in_chinese(tmp_path: Path) -> None:
    sample = str(ROOT / "cases" / "cn-transport" / "sample.yaml")
    zh = run("evaluate", sample, "-o", str(tmp_path / "x.pdf"), lang="zh")
    assert zh.returncode == 2 and "用法：penalty evaluate [选项] {cases}..." in zh.stderr
    assert "运行 'penalty evaluate --help' 查看帮助。" in zh.stderr and "─ 错误 ─" in zh.stderr
    assert "文件后缀决定文书的格式，须为" in _flat(zh.stderr) and "实为'.pdf'" in _flat(zh.stderr)
    en = run("evaluate", sample, "-o", str(tmp_path / "x.pdf"), lang="en")
    assert en.returncode == 2 and "Usage: penalty evaluate [OPTIONS] {cases}..." in en.stderr
    assert "Try 'penalty evaluate --help' for help." in en.stderr and "the file's suffix names" in en.stderr


class _Bilingual(CaseError):
    """An error with its Chinese message (as the library's errors have theirs)."""

    message_zh = "应为整数，实为 'x'"


def test_library_errors_print_in_the_command_lines_language(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``fail`` prints an error's Chinese in Chinese, its English in English, one line each."""
    from penalty_engine.cli.common import fail

    error = _Bilingual("PE-C004", "expected a whole number, got 'x'", "case.yaml:3")
    monkeypatch.setenv("PENALTY_LANG", "zh")
    fail(error)
    assert capsys.readouterr().err == "PE-C004 case.yaml:3: 应为整数，实为 'x'\n"
    monkeypatch.setenv("PENALTY_LANG", "en")
    fail(error)
    assert capsys.readouterr().err == "PE-C004 case.yaml:3: expected a whole number, got 'x'\n"
    fail(error, "zh")  # the language may be given
    assert capsys.readouterr().err == "PE-C004 case.yaml:3: 应为整数，实为 'x'\n"
    monkeypatch.setenv("PENALTY_LANG", "zh")
    fail(CaseError("PE-C004", "expected a whole number, got 'x'", "case.yaml:3"))  # none given: not lost
    shown = capsys.readouterr().err
    assert shown.startswith("PE-C004 case.yaml:3: ") and "expected a whole number, got 'x'" in shown


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("zh", "内部错误（RuntimeError：boom）；请连同引起错误的输入一并报告\n"),
        ("en", "internal error (RuntimeError: boom); please report it with the input that caused it\n"),
    ],
)
def test_an_internal_error_is_said_in_the_command_lines_language(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, lang: str, line: str
) -> None:
    from penalty_engine.cli import root

    def broken(**_: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(root, "app", broken)
    monkeypatch.setenv("PENALTY_LANG", lang)
    monkeypatch.delenv("PENALTY_DEBUG", raising=False)
    with pytest.raises(SystemExit) as exited:
        root.main([])
    assert exited.value.code == 1 and capsys.readouterr().err == line


def test_every_message_of_the_catalog_is_said_by_the_command_line() -> None:
    """No message is left in the catalog that no command says (the reasons of the system, os.*, are
    looked up by the error's name)."""
    from penalty_engine.text import words

    code = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "penalty_engine" / "cli").glob("*.py"))
    said = set(re.findall(r"\bcli_(?:text|pattern)\(\s*\"([\w.]+)\"", code))
    helped = set(re.findall(r"(?<![\w.])(?:cli_help|command|group)\(\s*\"([\w.]+)\"", code))
    texts = words("zh").texts
    messages = {k.removeprefix("cli.msg.") for k in texts if k.startswith("cli.msg.")}
    assert {m for m in messages - said if not m.startswith("os.")} == set()
    assert {k.removeprefix("cli.help.") for k in texts if k.startswith("cli.help.")} - helped == set()


def test_the_help_boxes_of_the_reference_are_the_real_chinese_help(helps: dict[str, dict[str, Any]]) -> None:
    """docs/cli.md shows each command's help as `penalty … -h` prints it in Chinese at 100 columns."""
    doc = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8").splitlines()
    shown = 0
    for i, line in enumerate(doc):
        found = re.match(r"^ 用法：penalty((?: [a-z-]+)*) \[选项\]", line)
        if not found:
            continue
        end = i
        while not (doc[end].startswith("╰") and not doc[end + 1].startswith(("╭", "│", "╰"))):
            end += 1
        real = [row.rstrip() for row in helps["zh"][found.group(1).strip()]["render"]["100"].splitlines()]
        assert doc[i : end + 1] == "\n".join(real).strip("\n").splitlines(), f"docs/cli.md:{i + 1}"
        shown += 1
    assert shown >= 10
