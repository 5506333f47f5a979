"""``penalty impact`` end to end: a GBK CSV export with Chinese headers and a mapping file, two
versions of the Gansu layer, worker processes, and the three outputs; errors without tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_cli import run
from tests.unit.test_impact import GRAVE_BASE, GRAVE_GAIN, copy_layer

MAPPING = """\
columns:
  案件编号: case_id
  违法行为: {field: violation, values: {非法从事道路客运: cn-transport/unlicensed-passenger}}
  当事人类型: party.kind
  发生日期: occurred_on
  决定日期: decided_on
  经营月数: {field: facts.operation_months, type: int}
  拒不改正: {field: facts.refused_to_correct, type: bool}
  违法所得: {field: facts.illegal_gain, type: amount}
"""
HEADER = "案件编号,违法行为,当事人类型,发生日期,决定日期,经营月数,拒不改正,违法所得\n"
ROWS = [
    # 一般: unchanged (base 30000–50000 → 40000)
    "甘-1,非法从事道路客运,单位,2022年6月1日,2022年7月15日,2,否,",
    # 较重, base: before 50000 + 1/2 × 20000 = 60000; after 60000 + 1/2 × 40000 = 80000
    "甘-2,非法从事道路客运,单位,2022年6月1日,2022年7月15日,5,是,",
    # 较重, gain 2.5万 = 25000: before 100000 + 1/2 × 75000 = 137500; after 100000 + 1/2 × 125000 = 162500
    "甘-3,非法从事道路客运,单位,2022年6月1日,2022年7月15日,6,是,2.5万元",
]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("impact-cli")
    csv = root / "导出.csv"
    csv.write_bytes((HEADER + "\n".join(ROWS) + "\n").encode("gbk"))
    mapping = root / "mapping.yaml"
    mapping.write_text(MAPPING, encoding="utf-8")
    before = copy_layer(root / "before")
    after = copy_layer(
        root / "after",
        {
            GRAVE_GAIN: "gain-20000-or-more: {min_times: 4, max_times: 9}",
            GRAVE_BASE: "base: {min: 60000, max: 100000}",
        },
    )
    return {"root": root, "csv": csv, "mapping": mapping, "before": before, "after": after}


def impact(a: dict[str, Path], out: Path, *extra: str) -> tuple[int, str]:
    proc = run(
        "impact",
        str(a["csv"]),
        "--mapping",
        str(a["mapping"]),
        "--before",
        str(a["before"]),
        "--after",
        str(a["after"]),
        "--json",
        str(out / "impact.json"),
        "--report",
        str(out / "impact.html"),
        "--xlsx",
        str(out / "impact.xlsx"),
        *extra,
    )
    return proc.returncode, proc.stderr


def test_a_gbk_export_with_a_mapping_gives_all_three_outputs(archive: dict[str, Path], tmp_path: Path) -> None:
    code, err = impact(archive, tmp_path, "--workers", "2")
    assert code == 0, err
    assert "impact: 3 rows, 3 decided on both sides (2 changed, 1 unchanged)" in err
    assert "hearing notice +0/-0" in err
    data = json.loads((tmp_path / "impact.json").read_text(encoding="utf-8"))
    got = {c["case_id"]: (c["before"]["amount"], c["after"]["amount"]) for c in data["changes"]}
    assert got == {"甘-2": ("60000", "80000"), "甘-3": ("137500", "162500")}
    assert [r["source"] for r in data["changes"]] == ["导出.csv:3", "导出.csv:4"]
    html = (tmp_path / "impact.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html and "裁量基准修订影响分析" in html and "较重" in html
    assert "<script" not in html and "http" not in html.split("</style>")[0]  # self-contained

    import openpyxl

    wb = openpyxl.load_workbook(tmp_path / "impact.xlsx", read_only=True)
    assert wb.sheetnames == [
        "概况",
        "有变化的决定",
        "按违法行为",
        "按裁量阶次",
        "按处理结果",
        "建议罚款分布",
        "程序义务门槛",
        "仅一侧出错",
        "仅一侧认识的事实",
        "两侧均出错",
    ]
    rows = list(wb["有变化的决定"].iter_rows(values_only=True))
    assert rows[0][:4] == ("案件", "来源", "违法行为", "变化内容")
    assert [r[0] for r in rows[1:]] == ["甘-2", "甘-3"]
    header = list(rows[0])
    assert rows[1][header.index("修订前建议罚款")] == 60000 and rows[1][header.index("修订后建议罚款")] == 80000
    assert rows[1][header.index("修订前阶次或档次")] == "较重"
    assert rows[1][header.index("变化内容")] == "裁量区间、建议罚款"
    for ws in wb.worksheets:  # no English header anywhere in zh mode
        first = next(ws.iter_rows(max_row=1, values_only=True))
        assert not any(isinstance(c, str) and c.isascii() and c.strip() for c in first), (ws.title, first)
    wb.close()


def test_english_on_request(archive: dict[str, Path], tmp_path: Path) -> None:
    code, err = impact(archive, tmp_path, "--lang", "en", "-j", "1")
    assert code == 0, err
    html = (tmp_path / "impact.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in html and "Impact of a benchmark revision" in html and "Grave" in html
    import openpyxl

    wb = openpyxl.load_workbook(tmp_path / "impact.xlsx", read_only=True)
    assert wb.sheetnames[1] == "Changed decisions"
    assert next(wb["Changed decisions"].iter_rows(max_row=1, values_only=True))[:2] == ("Case", "Source")
    wb.close()


def test_errors_are_one_line_without_traceback(archive: dict[str, Path], tmp_path: Path) -> None:
    proc = run("impact", str(archive["csv"]), "--before", "cn-transport", "--after", "cn-transport")
    assert proc.returncode == 2 and "--report" in proc.stderr  # no output named
    broken = copy_layer(tmp_path / "broken", {"when: at_hub_long_term": "when: at_hub_long_termm"})
    proc = run(
        "impact", str(archive["csv"]), "--before", str(broken), "--after", "cn-transport", "--json", str(tmp_path / "x")
    )
    assert proc.returncode == 1 and "PE-R007" in proc.stderr and "at_hub_long_term" in proc.stderr
    assert not (tmp_path / "x").exists()


def test_a_rejected_row_is_exit_1_and_reported(archive: dict[str, Path], tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes(
        (HEADER + ROWS[1] + "\n" + "甘-9,非法从事道路客运,单位,2022年13月1日,2022年7月15日,2,否,\n").encode("gbk")
    )
    out = tmp_path / "o.json"
    proc = run(
        "impact",
        str(bad),
        "-m",
        str(archive["mapping"]),
        "--before",
        str(archive["before"]),
        "--after",
        str(archive["after"]),
        "--json",
        str(out),
    )
    assert proc.returncode == 1 and "1 rejected" in proc.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    (rej,) = data["rejects"]
    assert rej["source"] == "bad.csv:3" and "发生日期" in rej["error"]
    assert data["summary"]["compared"] == 1 and data["summary"]["input"] == 2


def test_a_ledger_export_is_an_archive(tmp_path: Path) -> None:
    """Decisions recorded with ``evaluate --record`` (one, several violations, the general part) and
    exported with ``ledger export``, decided again under the national pack and under the Gansu layer:
    the layer changes only the 2019 text of unlicensed passenger transport, which none of these
    cases is decided under, so nothing changes; every row is compared (the layer reads the national
    rule ids under its own pack)."""
    from tests.ledger.test_cli_ledger import GOLDEN

    db = tmp_path / "l.db"
    recorded = run("evaluate", *map(str, GOLDEN), "--format", "json", "--record", str(db))
    assert recorded.returncode == 0, recorded.stderr
    rows = tmp_path / "ledger.jsonl"
    assert run("ledger", "export", str(db), "-o", str(rows)).returncode == 0
    out = tmp_path / "impact.json"
    proc = run("impact", str(rows), "--before", "cn-transport", "--after", "rules/cn-gs-transport", "--json", str(out))
    assert proc.returncode == 0, proc.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    s = data["summary"]
    assert s["input"] == s["compared"] == s["unchanged"] == len(GOLDEN)
    assert data["decisions"]["compared"] > len(GOLDEN)  # the combined cases give several decisions each
    assert data["changes"] == []
