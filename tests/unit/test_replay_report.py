"""The replay's words for people (issue #14): amounts and dates, statuses and headers from the
catalog, similar groups explained in words, dates the export cannot have, the row estimate and the
terminal progress with a total and the time left."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

import penalty_engine as pe
from penalty_engine.replay import Outputs, Settings, estimate_rows, replay
from penalty_engine.replay.classify import STATUSES
from penalty_engine.replay.lexicon import amount_text, date_text, rule_names
from penalty_engine.replay.present import Presenter
from penalty_engine.text import words
from tests.cli.test_replay_cli import jcase

FREIGHT = "cn-transport/unlicensed-freight"


def test_amounts_and_dates_for_people() -> None:
    assert amount_text("52000", "zh") == "52,000元" and amount_text("52000", "en") == "CNY 52,000"
    assert amount_text("1200.50", "zh") == "1,200.50元"  # cents as given
    assert amount_text(Decimal("2080.00"), "zh") == "2,080元"  # a whole amount kept to the cent
    assert amount_text(None, "zh") == "" and amount_text("abc", "zh") == "abc"
    assert date_text("2026-04-10", "zh") == "2026年4月10日" and date_text("2026-04", "zh") == "2026年4月"
    assert date_text("2026-04-10", "en") == "2026-04-10" and date_text("—", "zh") == "—"


@given(st.decimals(min_value=0, max_value=Decimal("1e12"), places=2))
def test_an_amount_reads_back_to_its_value(value: Decimal) -> None:
    shown = amount_text(value, "zh")
    assert shown.endswith("元") and Decimal(shown[:-1].replace(",", "")) == value
    whole = shown[:-1].split(".")[0]
    assert all(len(g) == 3 for g in whole.split(",")[1:])  # groups of three digits


def test_every_status_and_header_has_words_in_both_languages() -> None:
    for lang in ("zh", "en"):
        p = Presenter(lang)
        for s in STATUSES:
            assert p.status(s) and p.status(s) != s
    zh = words("zh").area("replay")
    en = words("en").area("replay")
    assert zh.keys() == en.keys()
    for key, text in zh.items():  # the Chinese texts hold no English words (fields and codes aside)
        plain = text.replace("PE-C", "").replace("CSV", "").replace("XLSX", "").replace("JSON", "")
        plain = re.sub(r"\{\w+\}|--rejects", "", plain)
        assert not re.search(r"[A-Za-z]{2,}", plain), (key, text)


def _names() -> dict[str, Any]:
    return {FREIGHT: rule_names(pe.Engine.load().rule(FREIGHT))}


def test_a_group_is_explained_in_words() -> None:
    alike: dict[str, Any] = {
        "parts": [
            {
                "rule": FREIGHT,
                "version": "2023-07-20",
                "branch": "gain-over-10000",
                "tier": "standard",
                "level": None,
                "factors": ["several-vehicles"],
                "facts": {"corrected_in_time": False, "illegal_gain": "15600", "prior_12m": 1, "harm": "none"},
            }
        ],
        "same_act": None,
    }
    zh = Presenter("zh", _names()).alike(alike)
    assert zh == [
        "违法行为：未取得道路运输经营许可，擅自从事道路普通货物运输经营（规则版本自2023年7月20日起施行）",
        "法定情形：违法所得超过10000元",
        "裁量档次：一般",
        "适用的裁量因素：组织两台以上车辆从事经营",
        "规则比较的事实：及时改正为否、违法所得为15,600元、一年内因同类违法行为被查处次数为1次、危害后果为「无」",
    ]
    en = Presenter("en", _names()).alike(alike)
    assert en[2].startswith("Tier: standard") and en[4].startswith("Facts compared: ")
    # the last branch (no condition) is the rule's other cases; several violations are numbered
    other = dict(alike["parts"][0], branch="base", factors=[], facts={})
    two = Presenter("zh", _names()).alike({"parts": [other, other], "same_act": True})
    assert len(two) == 1 and two[0].startswith("数个违法行为系同一违法行为（行政处罚法第二十九条）：〔1〕")
    assert "法定情形：不属于本规则前列各项情形的其他情形" in two[0] and "〔2〕" in two[0]
    assert "适用的裁量因素：无" in two[0] and "规则比较的事实：无" in two[0]
    # an unknown rule is named by its id, never an error
    assert Presenter("zh").violation("x/y") == "x/y"


def _run(tmp_path: Path, lines: list[str], **out: Any) -> dict[str, Any]:
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    state = replay(
        [src],
        Settings(replay_date=dt.date(2026, 12, 1)),
        Outputs(json=tmp_path / "s.json", **out),
        workers=1,
    )
    assert state.counts["input"] == len(lines)
    found: dict[str, Any] = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    return found


def test_dates_the_export_cannot_have_are_data_errors(tmp_path: Path) -> None:
    summary = _run(
        tmp_path,
        [
            jcase("OK"),
            jcase("BEFORE", occurred_on="2026-03-02", decided_on="2026-03-01"),
            jcase("DISC", occurred_on="2026-03-02", discovered_on="2026-02-01"),
            jcase("FUTURE", decided_on="2026-12-02"),  # a day after the replay date
        ],
    )
    rejects = {r["case_id"]: r for r in summary["rejects"]}
    assert summary["summary"]["evaluated"] == 1 and set(rejects) == {"BEFORE", "DISC", "FUTURE"}
    assert rejects["BEFORE"]["data_error"] == "before_act" and rejects["DISC"]["data_error"] == "before_act"
    assert rejects["FUTURE"]["data_error"] == "future"
    assert rejects["BEFORE"]["error"] == (
        "PE-C004 case BEFORE: decided_on: 2026-03-01 is before the act (occurred_on 2026-03-02): "
        "a data error of the export, not evaluated"
    )
    assert rejects["FUTURE"]["error"].startswith("PE-C005 case FUTURE: decided_on: 2026-12-02 is after the replay date")


def test_markdown_and_english_exports(tmp_path: Path) -> None:
    import openpyxl

    lines = [jcase("A1"), jcase("A2", "60000"), jcase("A3", "30000")]
    _run(tmp_path, lines, markdown=tmp_path / "s.md", flagged_xlsx=tmp_path / "f.xlsx")
    md = (tmp_path / "s.md").read_text(encoding="utf-8")
    assert "# 处罚裁量回放报告" in md and "| 3 | 3 | 0 | 1 | 2 | 0 | 1 | 0 |" in md
    assert "第1组：3件同类案件，罚款从30,000元到60,000元，相差30,000元（容许差距2,080元）" in md
    (tmp_path / "en").mkdir()
    _run(tmp_path / "en", lines, flagged_xlsx=tmp_path / "en" / "f.xlsx", lang="en")
    wb = openpyxl.load_workbook(tmp_path / "en" / "f.xlsx", read_only=True)
    assert wb.sheetnames[0] == "Summary" and "Above the band" in wb.sheetnames and "Similar groups" in wb.sheetnames
    head = next(wb["Above the band"].iter_rows(values_only=True))
    assert head[:3] == ("Case", "Finding", "Violation")


def test_row_estimate(tmp_path: Path) -> None:
    import openpyxl

    (tmp_path / "a.jsonl").write_text("{}\n{}\n{}", encoding="utf-8")  # the last line has no line end
    (tmp_path / "b.csv").write_text("h\n1\n2\n", encoding="utf-8")
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for i in range(5):
        ws.append([i])
    wb.save(tmp_path / "c.xlsx")
    assert estimate_rows([tmp_path / "a.jsonl", tmp_path / "b.csv", tmp_path / "c.xlsx"]) == 3 + 2 + 4
    assert estimate_rows([tmp_path / "missing.csv"]) is None


def test_progress_on_a_terminal_shows_the_total_and_the_time_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from penalty_engine.cli import replay as cli_replay

    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(jcase(f"P{i}") for i in range(1200)) + "\n", encoding="utf-8")
    screen = io.StringIO()
    monkeypatch.setattr(cli_replay, "err", Console(file=screen, force_terminal=True, width=120))
    monkeypatch.setenv("PENALTY_LANG", "en")  # the command line's words checked below are the English ones

    def run(progress: Any) -> Any:
        for _ in range(3):
            progress(500)  # 1500 > 1200: the estimate grows rather than overflow
        return "done"

    assert cli_replay._with_progress([src], run) == "done"  # type: ignore[comparison-overlap]
    out = screen.getvalue()
    assert "/1200" in out and "rows" in out and "left" in out  # done of the total, and the time left
    assert "1500/1500" in out
    # in a pipe (stderr not a terminal) the CLI shows nothing but its summary line
    from tests.cli.test_cli import run as cli

    proc = cli("replay", str(src), "-j", "1")
    assert proc.returncode == 0 and proc.stderr.strip().splitlines() == [
        "replay: 1200 rows, 1200 evaluated, 0 rejected; 1200 consistent, 0 flagged, 0 without actual; "
        "0 similar groups flagged"
    ]


def test_the_report_assets_can_be_inlined_by_another_report() -> None:
    from penalty_engine.replay.html import assets

    found = assets()
    assert "@page{size:A4 landscape" in found["css"] and "data-top" in found["js"]
    assert "</script" not in found["js"] and "</style" not in found["css"]  # safe to inline
