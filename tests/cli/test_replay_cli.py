"""``penalty replay``: accounting (nothing lost), contract JSON, encodings and mapping, workers, exports."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.cli.test_cli import run

FREIGHT = "cn-transport/unlicensed-freight"
BASE: dict[str, Any] = {
    "violation": FREIGHT,
    "occurred_on": "2026-03-02",
    "decided_on": "2026-04-10",
    "party": {"kind": "organization", "name": "杭州某运输有限公司"},
    "facts": {"illegal_gain": "15600", "prior_12m": 1, "several_vehicles": True},
}


def jcase(cid: str, fine: str | None = "52000", **kw: Any) -> str:
    c: dict[str, Any] = {**BASE, "case_id": cid, **kw}
    if fine is not None:
        c["actual"] = {"outcome": "penalty", "fine": fine, "officer": "张三", "unit": "杭州支队"}
    return json.dumps(c, ensure_ascii=False)


def write_jsonl(path: Path) -> Path:
    lines = [
        jcase("A1"),
        jcase("A2", "60000"),
        jcase("A3", "30000"),
        jcase("A4", None),
        "{not json",
        "[1, 2]",
        jcase("A5", facts={"unknown_fact": 1}),
        jcase("A1"),
        jcase("A6", occurred_on="2026/13/01"),
        jcase("A7", "52000", decided_on=None),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def replay(tmp_path: Path, *args: str) -> tuple[int, dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    proc = run(
        "replay",
        *args,
        "--json",
        str(out / "s.json"),
        "--results",
        str(out / "r.jsonl"),
        "--rejects",
        str(out / "x.jsonl"),
    )
    summary = json.loads((out / "s.json").read_text(encoding="utf-8"))
    results = [json.loads(x) for x in (out / "r.jsonl").read_text(encoding="utf-8").splitlines()]
    rejects = [json.loads(x) for x in (out / "x.jsonl").read_text(encoding="utf-8").splitlines()]
    return proc.returncode, summary, results, rejects


def test_every_row_ends_in_results_or_rejects(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "in.jsonl")
    code, summary, results, rejects = replay(tmp_path, str(path), "--workers", "1")
    assert code == 1  # some rows rejected
    s = summary["summary"]
    assert s == {"input": 10, "evaluated": 4, "rejected": 6, "consistent": 1, "flagged": 2, "no_actual": 1}
    assert s["evaluated"] == s["consistent"] + s["flagged"] + s["no_actual"] == len(results)
    assert s["rejected"] == len(rejects) == len(summary["rejects"])
    sources = sorted([r["source"] for r in results] + [r["source"] for r in rejects], key=lambda x: int(x[9:]))
    assert sources == [f"in.jsonl:{i}" for i in range(1, 11)]
    by_source = {r["source"]: r for r in rejects}
    assert by_source["in.jsonl:5"]["error"].startswith("PE-C001")
    assert by_source["in.jsonl:7"]["error"].startswith("PE-C003") and by_source["in.jsonl:7"]["case_id"] == "A5"
    assert "duplicate" in by_source["in.jsonl:8"]["error"]
    assert by_source["in.jsonl:10"]["error"].startswith("PE-C009")  # no decided_on and no --as-of
    flagged = {f["case_id"]: f for f in summary["flagged"]}
    assert {
        k: flagged["A2"][k] for k in ("status", "recommended_fine", "band", "actual_fine", "deviation", "deviation_pct")
    } == {
        "status": "above_band",
        "recommended_fine": "52000",
        "band": {"min": "36400", "max": "57200"},
        "actual_fine": "60000",
        "deviation": "2800",
        "deviation_pct": "4.90",
    }
    assert flagged["A3"]["status"] == "below_band"
    assert summary["schema"] == "penalty-engine/replay@1"
    (group,) = summary["similar_groups"]
    assert set(group["case_ids"]) == {"A1", "A2", "A3"} and group["spread"] == "30000"


def test_as_of_and_exit_zero_when_all_evaluated(tmp_path: Path) -> None:
    path = tmp_path / "ok.jsonl"
    path.write_text(jcase("B1") + "\n" + jcase("B2", decided_on=None) + "\n", encoding="utf-8")
    code, summary, _, rejects = replay(tmp_path, str(path), "--as-of", "2026-04-10", "--workers", "1")
    assert code == 0 and rejects == [] and summary["summary"]["consistent"] == 2


MAPPING = """\
columns:
  案件编号: case_id
  违法行为: {field: violation, values: {无证货运: cn-transport/unlicensed-freight}}
  当事人类型: party.kind
  当事人: party.name
  违法所得: {field: facts.illegal_gain, type: amount}
  一年内次数: {field: facts.prior_12m, type: int}
  多车: {field: facts.several_vehicles, type: bool}
  发生日期: occurred_on
  决定日期: decided_on
  处罚结果: actual.outcome
  罚款金额: actual.fine
  经办人: actual.officer
  执法单位: actual.unit
"""
CSV = """\
案件编号,违法行为,当事人类型,当事人,违法所得,一年内次数,多车,发生日期,决定日期,处罚结果,罚款金额,经办人,执法单位
ZJ-1,无证货运,单位,某公司,1.56万元,1,是,2026/3/2,2026年4月10日,处罚,5.2万元,张三,杭州支队
ZJ-2,无证货运,单位,某公司,15600,1,是,2026-03-02,2026/4/10,处罚,60000,李四,宁波支队
ZJ-3,无证货运,法人?,某公司,15600,1,是,2026-03-02,2026/4/10,处罚,60000,李四,宁波支队
ZJ-4,无证客运,单位,某公司,15600,1,是,2026-03-02,2026/4/10,处罚,60000,李四,宁波支队
ZJ-5,无证货运,个人,王五,8000,0,否,2026年3月2日,2026年4月1日,不予处罚,,王五,宁波支队
"""


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_with_chinese_headers_and_mapping(tmp_path: Path, encoding: str) -> None:
    (tmp_path / "map.yaml").write_text(MAPPING, encoding="utf-8")
    path = tmp_path / "export.csv"
    path.write_bytes(CSV.encode(encoding))
    code, summary, results, rejects = replay(
        tmp_path, str(path), "--mapping", str(tmp_path / "map.yaml"), "--workers", "1"
    )
    assert code == 1
    assert summary["summary"]["input"] == 5 and summary["summary"]["rejected"] == 2
    assert [r["source"] for r in rejects] == ["export.csv:4", "export.csv:5"]
    assert "当事人类型" in rejects[0]["error"] and "违法行为" in rejects[1]["error"]
    status = {r["case_id"]: r["status"] for r in results}
    assert status == {"ZJ-1": "consistent", "ZJ-2": "above_band", "ZJ-5": "wrong_outcome"}


def test_xlsx_with_mapping(tmp_path: Path) -> None:
    (tmp_path / "map.yaml").write_text(MAPPING, encoding="utf-8")
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for line in CSV.splitlines():
        ws.append(line.split(","))
    ws["K2"] = 52000  # a number cell, as spreadsheets store amounts
    wb.save(tmp_path / "export.xlsx")
    code, summary, results, _ = replay(
        tmp_path, str(tmp_path / "export.xlsx"), "--mapping", str(tmp_path / "map.yaml"), "--workers", "1"
    )
    assert code == 1 and summary["summary"]["evaluated"] == 3
    assert results[0]["source"] == "export.xlsx:2" and results[0]["status"] == "consistent"


def test_workers_give_the_same_outputs(tmp_path: Path) -> None:
    lines = [jcase(f"W{i}", str(36400 + (i % 7) * 5000)) for i in range(1200)] + ["{bad"]
    path = tmp_path / "many.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    one = replay(tmp_path / "a", str(path), "--workers", "1")
    two = replay(tmp_path / "b", str(path), "--workers", "2")
    assert one[1]["summary"] == two[1]["summary"] and one[1]["summary"]["input"] == 1201
    assert one[2] == two[2] and one[3] == two[3]
    assert one[1]["similar_groups"] == two[1]["similar_groups"]


def test_unreadable_mapping_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "map.yaml").write_text("- nope", encoding="utf-8")
    proc = run("replay", str(tmp_path / "x.csv"), "--mapping", str(tmp_path / "map.yaml"))
    assert proc.returncode == 1 and "PE-C001" in proc.stderr


# ---------------------------------------------------------------------- HTML report in real Chromium


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("replay-report")
    fines = ["52000", "60000", "30000", "58000", "70000", "45000", "36400"]
    lines = [jcase(f"R{i}", f) for i, f in enumerate(fines)] + ["{bad"]
    (tmp / "in.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp / "report.html"
    proc = run("replay", str(tmp / "in.jsonl"), "--report", str(out), "--markdown", str(tmp / "s.md"), "--workers", "1")
    assert proc.returncode == 1 and out.exists()
    return out


def test_report_is_self_contained(report: Path) -> None:
    html = report.read_text(encoding="utf-8")
    assert "<link" not in html and 'src="http' not in html and "cdn" not in html.lower()
    assert html.count("<svg") == 3 and "<script>" in html
    # each flagged case links to its full trail
    anchors = set(re.findall(r'href="#(case-\d+)"', html))
    assert anchors and all(f'id="{a}"' in html for a in anchors)
    assert "违法所得超过10000元" in html and "行政处罚法" in html  # the branch in words
    md = (report.parent / "s.md").read_text(encoding="utf-8")
    assert "| 8 | 7 | 1 |" in md


CHROMIUM = shutil.which("chromium")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium not installed: apt-get install chromium fonts-noto-cjk"
)


def _chromium(tmp_path: Path, *args: str) -> str:
    assert CHROMIUM is not None
    proc = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-sync",
            "--disable-background-networking",
            "--disable-component-update",
            f"--user-data-dir={tmp_path / 'p'}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


@needs_chromium
def test_report_sorts_in_chromium(report: Path, tmp_path: Path) -> None:
    dom = _chromium(tmp_path, "--dump-dom", report.as_uri() + "?sort=flagged:6:desc")  # the deviation
    assert 'data-sortable="ready"' in dom  # the inline script ran
    body = dom.split('id="flagged"', 1)[1].split("</table>", 1)[0]
    # each row's sort values: recommended, band, actual, deviation, decision date
    rows = [re.findall(r'data-sort="([^"]*)"', row) for row in body.split("<tr")[2:]]
    deviations = [Decimal(r[3]) for r in rows]
    assert len(deviations) >= 4 and deviations == sorted(deviations, reverse=True)
    assert deviations[0] == 70000 - 57200  # R4: 70000 over the band's top 57200


@needs_chromium
def test_report_screenshot_is_not_blank(report: Path, tmp_path: Path) -> None:
    from tests.cli.test_publish_chromium import png_pixels

    png = tmp_path / "shot.png"
    _chromium(tmp_path, "--window-size=1000,1400", "--hide-scrollbars", f"--screenshot={png}", report.as_uri())
    width, _, rows, bpp = png_pixels(png.read_bytes())
    ink = sum(1 for row in rows[::4] for x in range(0, width * bpp, bpp * 2) if min(row[x : x + 3]) < 200)
    assert ink > 500


# ---------------------------------------------------------------------- exports and redaction


def test_flagged_export_csv_and_xlsx_and_redact(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join([jcase("E1"), jcase("E2", "60000"), jcase("E3", "30000")]) + "\n", encoding="utf-8")
    outs = {name: tmp_path / name for name in ("s.json", "r.jsonl", "f.csv", "f.xlsx", "r.html", "s.md")}
    proc = run(
        "replay",
        str(path),
        "--workers",
        "1",
        "--redact",
        "--json",
        str(outs["s.json"]),
        "--results",
        str(outs["r.jsonl"]),
        "--flagged-csv",
        str(outs["f.csv"]),
        "--flagged-xlsx",
        str(outs["f.xlsx"]),
        "--report",
        str(outs["r.html"]),
        "--markdown",
        str(outs["s.md"]),
    )
    assert proc.returncode == 0, proc.stderr
    assert outs["f.csv"].read_bytes().startswith(b"\xef\xbb\xbf")  # a BOM: Excel reads UTF-8
    with outs["f.csv"].open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    # Chinese headers and findings by default; band 36400–57200: 60000 is 2800 above, 30000 is 6400 below
    assert [(r["案件编号"], r["结论"], r["偏离金额"]) for r in rows] == [
        ("E2", "高于裁量区间", "2800"),
        ("E3", "低于裁量区间", "6400"),
    ]
    assert rows[0]["违法行为"] == "未取得道路运输经营许可，擅自从事道路普通货物运输经营"
    wb = openpyxl.load_workbook(outs["f.xlsx"], read_only=True)
    assert wb.sheetnames[:4] == ["概况", "处理结果不符", "超出法定罚款幅度", "高于裁量区间"]
    assert wb.sheetnames[-3:] == ["同案不同罚", "日期数据错误", "拒收行"]
    above = [list(r) for r in wb["高于裁量区间"].iter_rows(values_only=True)]
    assert above[0][0] == "案件编号" and [r[0] for r in above[1:]] == ["E2"]
    assert above[1][above[0].index("实际罚款")] == "60000"  # exact text, never a float
    assert str(above[1][above[0].index("执法人员")]).startswith("执法人员-")  # the XLSX is zipped: read it
    assert [r[0] for r in wb["低于裁量区间"].iter_rows(values_only=True)] == ["案件编号", "E3"]
    # the three cases are alike; 60000 − 30000 = 30000 > the tolerance 2080 (10% of 57200 − 36400)
    groups = [list(r) for r in wb["同案不同罚"].iter_rows(values_only=True)]
    head = groups[0]
    assert sorted(str(r[head.index("案件编号")]) for r in groups[1:]) == ["E1", "E2", "E3"]
    assert {(r[head.index("罚款差距")], r[head.index("容许差距")]) for r in groups[1:]} == {("30000", "2080")}
    # --redact: no real officer or party name in any output; the pseudonym is stable
    for out in outs.values():
        data = out.read_bytes()
        assert "张三".encode() not in data and "杭州某运输有限公司".encode() not in data, out
    officers = {r["执法人员"] for r in rows}
    assert len(officers) == 1 and next(iter(officers)).startswith("执法人员-")
    again = tmp_path / "again.csv"
    run("replay", str(path), "--workers", "1", "--redact", "--flagged-csv", str(again))
    assert again.read_text(encoding="utf-8-sig") == outs["f.csv"].read_text(encoding="utf-8-sig")


def test_sheet_option_picks_the_sheet_and_several_data_sheets_stop_the_run(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    first = wb.active
    assert first is not None
    first.append(["case_id"])
    first.append(["X1"])
    data = wb.create_sheet("数据")
    data.append(["case_id", "violation", "occurred_on", "decided_on", "party.kind", "facts.illegal_gain"])
    data.append(["S1", FREIGHT, "2026-03-02", "2026-04-10", "单位", "15600"])
    path = tmp_path / "two.xlsx"
    wb.save(path)
    stopped = run("replay", str(path), "-j", "1", "--json", str(tmp_path / "s.json"))
    assert stopped.returncode == 1 and "name one with --sheet" in stopped.stderr
    assert not (tmp_path / "s.json").exists()
    picked = run("replay", str(path), "-j", "1", "--sheet", "数据", "--json", str(tmp_path / "s.json"))
    assert json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))["summary"]["input"] == 1, picked.stderr
