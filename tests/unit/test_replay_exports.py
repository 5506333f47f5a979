"""Real Chinese exports work with a header mapping alone (issue #14): a GBK CSV and an XLSX export with
Chinese headers, Chinese values and duty lists (one and several items per cell) and planted
deviations; mapped by headers only, and by the ``--init-mapping`` draft with its guesses accepted."""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

import penalty_engine as pe
from bench.gen_decisions import generate
from penalty_engine.cli import app
from penalty_engine.replay import Outputs, Settings, draft_mapping, load_mapping, replay
from penalty_engine.replay.draft import GUESS

ZH_DUTY = {
    "order_correction": ["责令改正", "责令限期改正"],
    "education": ["教育", "批评教育"],
    "hearing_notice": ["告知听证权利", "听证告知"],
    "legal_review": ["法制审核"],
    "collective_discussion": ["集体讨论"],
    "order_stop_operation": ["责令停止经营"],  # the orders the law names (ADR 0017)
    "order_stop_violation": ["责令停止违法行为"],
    "order_stop_transport": ["责令停止运输"],
    "order_stop_construction": ["责令停止建设"],
    "collect_certificates": ["收缴有关证件"],
    "order_guardian_discipline": ["责令监护人加以管教"],
    "order_guardian_care": ["责令监护人严加看管和治疗"],
    "decide_mitigation": ["决定如何从轻或者减轻处罚"],
}
ZH_TIER = {
    "none": "无",
    "fixed": "固定",
    "lighter": "从轻",
    "standard": "一般",
    "heavier": "从重",
    "below_minimum": "减轻",
    "weighted": "权重累加",
    "banded": "幅度罚款",
}
ZH_OUTCOME = {"penalty": "给予行政处罚", "no_penalty": "不予行政处罚"}
ZH_PARTY = {"individual": "个人", "organization": "单位"}
FIXED = ["案件编号", "违法行为代码", "违法行为发生日期", "决定日期", "当事人类型", "年龄"]
ACTUAL = ["处罚结果", "罚款金额", "裁量档次", "程序义务", "执法人员", "执法单位"]
HEADERS_ONLY = {
    "案件编号": "case_id",
    "违法行为代码": "violation",
    "违法行为发生日期": "occurred_on",
    "决定日期": "decided_on",
    "当事人类型": "party.kind",
    "年龄": "party.age",
    "处罚结果": "actual.outcome",
    "罚款金额": "actual.fine",
    "裁量档次": "actual.tier",
    "程序义务": "actual.duties",
    "执法人员": "actual.officer",
    "执法单位": "actual.unit",
}


def _fact_labels() -> dict[str, str]:
    labels: dict[str, str] = {}
    for rule in pe.Engine.load().rules():
        for name, spec in rule.facts.items():
            labels.setdefault(name, spec.label.zh)
    return labels


def _plant(cases: list[tuple[dict[str, Any], str | None]]) -> dict[str, str]:
    """Plant a missing duty and a wrong tier on some consistent cases; return case id → expected status."""
    planted: dict[str, str] = {}
    rnd = random.Random(5)
    for case, injected in cases:
        actual = case.get("actual")
        if injected == "deviation":
            planted[case["case_id"]] = "band"  # above_band, below_band or outside_statutory_range
            continue
        if actual is None or injected is not None:
            continue
        duties = actual.get("duties") or []
        if len(duties) >= 2 and rnd.random() < 0.3:
            duties.remove(rnd.choice(duties))
            planted[case["case_id"]] = "missing_duty"
        elif actual.get("tier") in ("lighter", "standard", "heavier") and rnd.random() < 0.1:
            actual["tier"] = "heavier" if actual["tier"] != "heavier" else "lighter"
            planted[case["case_id"]] = "wrong_tier"
    return planted


def _row(case: dict[str, Any], labels: dict[str, str], rnd: random.Random, xlsx: bool) -> dict[str, Any]:
    occurred = dt.date.fromisoformat(case["occurred_on"])
    decided = dt.date.fromisoformat(case["decided_on"])
    row: dict[str, Any] = {
        "案件编号": case["case_id"],
        "违法行为代码": case["violation"],
        "违法行为发生日期": occurred if xlsx else f"{occurred.year}年{occurred.month}月{occurred.day}日",
        "决定日期": decided if xlsx else decided.strftime("%Y/%m/%d"),
        "当事人类型": ZH_PARTY[case["party"]["kind"]],
        "年龄": case["party"].get("age"),
    }
    for name, value in case.get("facts", {}).items():
        row[labels[name]] = ("是" if value else "否") if isinstance(value, bool) else str(value)
    actual = case.get("actual")
    if actual is not None:
        row["处罚结果"] = ZH_OUTCOME[actual["outcome"]]
        if "fine" in actual:
            fine = actual["fine"]
            row["罚款金额"] = int(fine) if xlsx and fine.isdigit() else f"{fine}元" if rnd.random() < 0.3 else fine
        if "tier" in actual:
            row["裁量档次"] = ZH_TIER[actual["tier"]]
        if "duties" in actual:
            items = [rnd.choice(ZH_DUTY[d]) for d in actual["duties"]]
            row["程序义务"] = rnd.choice(["、", "，", "；", " ", ","]).join(items)
        row["执法人员"] = actual["officer"]
        row["执法单位"] = actual["unit"]
    return row


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, str], dict[str, str]]:
    """A GBK CSV and an XLSX export of the same 400 generated decisions, and the planted statuses."""
    tmp = tmp_path_factory.mktemp("export")
    cases = list(generate(400, 23, 0.05, 0.0, 0.02))
    planted = _plant(cases)
    labels = _fact_labels()
    used = sorted({n for c, _ in cases for n in c.get("facts", {})})
    headers = FIXED + [labels[n] for n in used] + ACTUAL
    rnd = random.Random(9)
    csv_path = tmp / "处罚案件导出.csv"
    with csv_path.open("w", encoding="gbk", newline="") as fh:
        w = csv.DictWriter(fh, headers)
        w.writeheader()
        for case, _ in cases:
            w.writerow(_row(case, labels, rnd, xlsx=False))
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(headers)
    for case, _ in cases:
        row = _row(case, labels, rnd, xlsx=True)
        ws.append([row.get(h) for h in headers])
    xlsx_path = tmp / "处罚案件导出.xlsx"
    wb.save(xlsx_path)
    mapping = dict(HEADERS_ONLY, **{labels[n]: f"facts.{n}" for n in used})
    return csv_path, xlsx_path, planted, mapping


def _replayed(path: Path, mapping_file: Path, **outputs: Any) -> tuple[dict[str, Any], dict[str, str]]:
    out = path.parent / f"{path.stem}-{mapping_file.stem}{path.suffix}.json"
    state = replay([path], Settings(mapping=load_mapping(mapping_file)), Outputs(json=out, **outputs), workers=1)
    summary = json.loads(out.read_text(encoding="utf-8"))
    assert state.counts["rejected"] == 0, summary["rejects"][:3]
    return summary, {f["case_id"]: f["status"] for f in summary["flagged"]}


def _expected(status: str) -> str:
    return "band" if status in ("above_band", "below_band", "outside_statutory_range") else status


def _check(flagged: dict[str, str], planted: dict[str, str]) -> None:
    assert {k: _expected(v) for k, v in flagged.items()} == planted


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_header_only_mapping_finds_exactly_the_planted_deviations(
    export: tuple[Path, Path, dict[str, str], dict[str, str]], kind: str
) -> None:
    csv_path, xlsx_path, planted, mapping = export
    assert {"band", "missing_duty", "wrong_tier"} <= set(planted.values())
    text = csv_path.read_bytes().decode("gbk")
    duty = "(" + "|".join(n for names in ZH_DUTY.values() for n in names) + ")"
    assert re.search(rf",{duty},", text)  # one-item cells
    assert re.search(rf"{duty}[、，；, ]{duty}", text)  # several items
    mapping_file = csv_path.parent / "headers-only.yaml"
    # the file's encoding is named: detected cell by cell, a GBK "16700元" reads as UTF-8 "16700Ԫ"
    headers_only = {"encoding": "gbk", "columns": mapping}
    mapping_file.write_text(yaml.safe_dump(headers_only, allow_unicode=True), encoding="utf-8")
    exports = {"flagged_csv": csv_path.parent / f"out-{kind}.csv", "flagged_xlsx": csv_path.parent / f"out-{kind}.xlsx"}
    summary, flagged = _replayed(csv_path if kind == "csv" else xlsx_path, mapping_file, **exports)
    assert summary["summary"]["input"] == 400
    _check(flagged, planted)
    _check_exports(exports["flagged_csv"], exports["flagged_xlsx"], planted)


#: the Chinese finding of each status the planted deviations are checked as
_ZH_KIND = {"超出法定罚款幅度": "band", "高于裁量区间": "band", "低于裁量区间": "band", "缺少程序义务": "missing_duty"}
_ZH_KIND["裁量档次不符"] = "wrong_tier"


def _check_exports(csv_out: Path, xlsx_out: Path, planted: dict[str, str]) -> None:
    """The CSV (BOM, Chinese headers) and the XLSX (a sheet per finding) hold exactly the planted cases."""
    import openpyxl

    assert csv_out.read_bytes()[:3] == b"\xef\xbb\xbf"
    with csv_out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["案件编号"]: _ZH_KIND[r["结论"]] for r in rows} == planted
    wb = openpyxl.load_workbook(xlsx_out, read_only=True)
    by_sheet: dict[str, str] = {}
    for name in _ZH_KIND:
        table = list(wb[name].iter_rows(values_only=True))
        assert table[0][:3] == ("案件编号", "结论", "违法行为")
        by_sheet.update({str(r[0]): _ZH_KIND[name] for r in table[1:]})
    assert by_sheet == planted


def _accept_guesses(text: str) -> str:
    """What an auditor does with a right draft: confirm each guess (drop its marker)."""
    assert GUESS in text
    return text.replace(f"  {GUESS}", "")


def test_the_init_mapping_draft_with_its_guesses_confirmed_reads_the_same_file(
    export: tuple[Path, Path, dict[str, str], dict[str, str]],
) -> None:
    csv_path, xlsx_path, planted, mapping = export
    draft = draft_mapping([csv_path], pe.Engine.load())
    assert draft.fields == mapping  # every header guessed, facts by their labels
    assert draft.unguessed == []
    assert f"encoding: gbk  {GUESS}" in draft.text  # sniffed from the whole file
    lines = draft.text.splitlines()
    assert sum(GUESS in line for line in lines) > len(mapping)  # each column and each value recognised
    # the duties column's table: each Chinese item seen, guessed to its duty
    assert any(line.strip() == f"听证告知: hearing_notice  {GUESS}" for line in lines)
    confirmed = csv_path.parent / "drafted.yaml"
    confirmed.write_text(_accept_guesses(draft.text), encoding="utf-8")
    for path in (csv_path, xlsx_path):
        _, flagged = _replayed(path, confirmed)
        _check(flagged, planted)


def test_init_mapping_on_the_command_line_writes_yaml_and_lists_what_it_could_not_guess(tmp_path: Path) -> None:
    export = tmp_path / "导出.csv"
    export.write_text(
        "案号,案由,当事人类型,备注,程序义务,是否多车\n"
        "A1,未取得道路运输经营许可擅自从事道路普通货物运输,个人,x,责令改正、听证告之,有\n",
        encoding="gbk",
    )
    out = tmp_path / "map.yaml"
    english = {"PENALTY_LANG": "en"}  # the command line's words checked below are the English ones
    result = CliRunner().invoke(app, ["replay", "--init-mapping", str(export), "--mapping", str(out)], env=english)
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert f"案号: case_id  {GUESS}" in text
    assert "  # 备注: ?" in text  # unknown header, commented out
    assert f"责令改正: order_correction  {GUESS}" in text and "# 听证告之: ?" in text
    assert "not guessed: column '备注'" in result.output and "听证告之" in result.output
    # a rule title is guessed to its rule id (from the loaded rules)
    assert re.search(rf"未取得道路运输经营许可擅自从事道路普通货物运输: cn-transport/[a-z-]+  {GUESS}", text)
    data = yaml.safe_load(text)
    assert data["columns"]["程序义务"]["field"] == "actual.duties"
    again = CliRunner().invoke(app, ["replay", "--init-mapping", str(export), "--mapping", str(out)], env=english)
    assert again.exit_code == 2 and "exists" in again.output  # never over an existing file
