"""The replay report as a department head gets it, rendered by headless Chromium (issue #14): on screen
(a screenshot), printed to PDF on A4 landscape with CJK fonts, in Chinese with no English status or
header left, filters and folding working offline.

Uses the browser helpers of ``test_publish_chromium`` (Debian's chromium, the project's flags).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from penalty_engine.text import words
from tests.cli.test_cli import run
from tests.cli.test_publish_chromium import CHROMIUM, FLAGS, chromium, png_pixels
from tests.cli.test_replay_cli import jcase

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium not installed: apt-get install chromium fonts-noto-cjk poppler-utils"
)

A4_LANDSCAPE = (841.92, 594.96)  # points
MARGIN = 28.35  # 10 mm


def _case(cid: str, fine: str, unit: str, officer: str, month: str, **kw: Any) -> str:
    data = json.loads(jcase(cid, fine, decided_on=f"{month}-15", occurred_on=f"{month}-01", **kw))
    data["actual"].update(unit=unit, officer=officer)
    return json.dumps(data, ensure_ascii=False)


def _inputs(path: Path) -> Path:
    """15 months of cases (band 36,400–57,200元 for all: the same facts), two units, three officers;
    flagged above and below the band; one similar group; two date errors; one unreadable row."""
    lines = []
    for i in range(15):
        year, month = 2024 + (i // 12), i % 12 + 1
        fine = {3: "60000", 6: "30000", 11: "70000"}.get(i, "52000")
        unit, officer = ("宁波支队", "李四") if i % 2 else ("杭州支队", "张三" if i % 3 else "王五")
        lines.append(_case(f"R{i:02d}", fine, unit, officer, f"{year}-{month:02d}"))
    lines.append(jcase("D1", "52000", occurred_on="2026-03-02", decided_on="2026-01-05"))  # before the act
    lines.append(jcase("D2", "52000", decided_on="2099-01-01"))  # after the replay date
    lines.append("{bad")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("replay-chromium")
    src = _inputs(tmp / "in.jsonl")
    out = {}
    for lang in ("zh", "en"):
        out[lang] = tmp / f"report-{lang}.html"
        proc = run("replay", str(src), "-j", "1", "--lang", lang, "--report", str(out[lang]))
        assert proc.returncode == 1 and out[lang].exists(), proc.stderr  # 3 rows rejected
    return out


class _Visible(HTMLParser):
    """The text a reader sees, by the tag it is in; not the script, the style, the original reject
    messages (``td.msg``, kept as the engine wrote them) or the bodies of the trails."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, str]] = []
        self.texts: list[tuple[str, str]] = []  # (enclosing tags and classes, text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("br", "wbr", "meta", "input"):
            self.stack.append((tag, dict(attrs).get("class") or ""))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        tags = " ".join(f"{t}.{c}" for t, c in self.stack)
        if data.strip() and not re.search(r"\b(script|style|td\.msg|ol\.trail|title)\b", tags):
            self.texts.append((tags, data.strip()))


def _english_texts() -> set[str]:
    """The English words of every status, header, card and heading of the report."""
    en = words("en").texts
    areas = ("status.", "col.", "card.", "dim.", "chart.", "filter.title", "filter.all", "filter.reset")
    heads = ("title", "summary", "statuses", "groups.title", "flagged.title", "trails.title", "rejects.title")
    keys = [k for k in en if k.startswith("replay.") and k[7:].startswith(areas + heads)]
    return {en[k] for k in keys} | {en["replay.date_errors.title"]}


def test_zh_report_has_no_english_status_or_header(reports: dict[str, Path]) -> None:
    html = reports["zh"].read_text(encoding="utf-8")
    seen = _Visible()
    seen.feed(html)
    english = _english_texts()
    assert len(english) > 60  # the scan is not empty
    for tags, text in seen.texts:
        assert text not in english, (tags, text)
        if re.search(r"\b(th|h1|h2|h3|label|button)\b|td\.status|div\.card", tags):
            assert not re.search(r"[A-Za-z]{2,}", text), (tags, text)  # no Latin words in headers at all
    statuses = [t for tags, t in seen.texts if "td.status" in tags]
    assert {"高于裁量区间", "低于裁量区间", "与基准一致"} <= set(statuses)
    for raw in ("above_band", "below_band", "consistent", "no_actual", "wrong_tier"):
        assert raw not in " ".join(t for _, t in seen.texts)
    # the English report says the same in English
    en_html = reports["en"].read_text(encoding="utf-8")
    assert (
        "Above the band" in en_html and "Similar cases fined differently" in en_html and "高于裁量区间" not in en_html
    )


def test_similar_group_is_explained_in_words_with_its_cases(reports: dict[str, Path]) -> None:
    html = reports["zh"].read_text(encoding="utf-8")
    group = html.split('id="group-1"', 1)[1].split("</section>", 1)[0]
    # 15 alike cases: the lowest fine 30,000元, the highest 70,000元; the band 57,200 − 36,400 = 20,800,
    # its tenth 2,080元 is the tolerance
    assert "第1组：15件同类案件，罚款从30,000元到70,000元，相差40,000元（容许差距2,080元）" in group
    assert "违法行为：未取得道路运输经营许可，擅自从事道路普通货物运输经营（规则版本自2023年7月20日起施行）" in group
    assert "法定情形：违法所得超过10000元" in group  # the branch's condition in words
    assert "适用的裁量因素：组织两台以上车辆从事经营" in group
    assert "违法所得为15,600元" in group and "组织两台以上车辆从事经营为是" in group
    rows = re.findall(r'<tr class="(low|high|)"><td class="id">(?:<a [^>]*>)?(R\d+)', group)
    assert rows[0] == ("low", "R06") and rows[1] == ("high", "R11") and len(rows) == 15


def _pdf_words(pdf: Path) -> tuple[tuple[float, float], list[tuple[float, float, float, float, str]]]:
    bbox = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    size = re.search(r'<page width="([\d.]+)" height="([\d.]+)"', bbox)
    assert size is not None
    found = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', bbox)
    return (float(size[1]), float(size[2])), [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in found]


def test_printed_on_a4_landscape_nothing_cut_off_in_chinese(reports: dict[str, Path], tmp_path: Path) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) not installed: the PDF is not read")
    pdf = tmp_path / "report.pdf"
    chromium(tmp_path, reports["zh"], "--no-pdf-header-footer", f"--print-to-pdf={pdf}")
    (width, height), placed = _pdf_words(pdf)
    assert (round(width, 0), round(height, 0)) == (round(A4_LANDSCAPE[0]), round(A4_LANDSCAPE[1]))
    # nothing beyond the right margin; and not shrunk to fit: the 16pt title is 8 glyphs of 16pt wide
    assert max(x1 for _, _, x1, _, _ in placed) <= width - MARGIN + 1
    title = next(p for p in placed if p[4] == "处罚裁量回放报告")
    assert abs((title[2] - title[0]) - 8 * 16) < 2, title
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    for shown in ("偏离案件", "同案不同罚", "日期数据错误", "高于裁量区间", "来源（文件:行）", "in.jsonl:4"):
        assert shown in flat, shown
    for english in _english_texts():
        assert "".join(english.split()) not in flat, english


def test_screenshot_shows_the_report(reports: dict[str, Path], tmp_path: Path) -> None:
    png = tmp_path / "shot.png"
    # tall enough to hold the summary, the charts, the group and the flagged cases
    chromium(tmp_path, reports["zh"], "--window-size=1280,3200", "--hide-scrollbars", f"--screenshot={png}")
    width, height, rows, bpp = png_pixels(png.read_bytes())
    assert (width, height) == (1280, 3200)
    ink = sum(1 for row in rows[::4] for x in range(0, width * bpp, bpp * 2) if min(row[x : x + 3]) < 200)
    sampled = len(rows[::4]) * len(range(0, width * bpp, bpp * 2))
    assert 0.01 < ink / sampled < 0.6, ink / sampled
    # the right edge is white margin: no table runs off the screen
    right = [row[(width - 6) * bpp : (width - 5) * bpp] for row in rows]
    assert all(min(px[:3]) > 230 for px in right)


def _dom(tmp_path: Path, url: str) -> str:
    assert CHROMIUM is not None
    proc = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'dom'}", "--dump-dom", url],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


def test_filters_and_folding_work_offline(reports: dict[str, Path], tmp_path: Path) -> None:
    url = reports["zh"].as_uri() + "?unit=" + quote("宁波支队")
    dom = _dom(tmp_path, url)
    assert 'data-sortable="ready"' in dom
    flagged = dom.split('id="flagged"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr ([^>]*)>", flagged)
    shown = [r for r in rows if "hidden" not in r]
    # flagged: R03 (60,000元) and R11 (70,000元) in 宁波支队; R06 (30,000元) in 杭州支队, hidden
    assert len(rows) == 3 and len(shown) == 2 and all('data-unit="宁波支队"' in r for r in shown)
    assert "显示2件，共3件" in dom
    # months: 15 rows, 12 shown, the other 3 folded behind a button
    months = dom.split('id="agg-month"', 1)[1].split("</table>", 1)[0]
    assert months.count("<tr") == 16 and months.count("hidden") == 3
    assert "展开其余3行" in dom


def test_date_errors_are_flagged_not_evaluated(reports: dict[str, Path]) -> None:
    html = reports["zh"].read_text(encoding="utf-8")
    section = html.split('id="date-errors"', 1)[1].split("</table>", 1)[0]
    # the zh report gives the rows' messages in Chinese (error_zh)
    assert "D1" in section and "早于违法行为发生日期" in section  # decided 2026-01-05, the act 2026-03-02
    assert "D2" in section and "晚于回溯评估之日" in section
    assert 'id="count-date-errors">2<' in html
    rejects = html.split('id="rejects"', 1)[1].split("</table>", 1)[0]
    assert "in.jsonl:18" in rejects and "D1" not in rejects
