"""The impact report rendered by a real browser (headless Chromium, CJK fonts): on screen and printed
to PDF on A4 landscape, with no English header or label left in the Chinese report."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from penalty_engine.impact import Outputs, Settings, impact
from penalty_engine.text import words
from tests.cli.test_publish_chromium import CHROMIUM, FLAGS, chromium, png_pixels
from tests.unit.test_impact import CASES, GRAVE_BASE, GRAVE_GAIN, copy_layer, write_cases

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium not installed: apt-get install chromium fonts-noto-cjk poppler-utils"
)

NOT_APPLIED = """
not_applied:
  unlicensed-freight:
    reason: {zh: 测试用：本省不适用, en: test only}
    basis:
      - benchmark: 测试用
"""


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("impact-html")
    before = copy_layer(root / "before")
    after = copy_layer(
        root / "after",
        {
            GRAVE_GAIN: "gain-20000-or-more: {min_times: 4, max_times: 9}",
            GRAVE_BASE: "base: {min: 60000, max: 100000}",
        },
    )
    with (after / "pack.yaml").open("a", encoding="utf-8") as fh:
        fh.write(NOT_APPLIED)  # the freight case: an error on the after side only
    src = write_cases(root / "cases.jsonl", CASES, extra="{not json\n")
    settings = Settings(before=(str(before),), after=(str(after),))
    out = {}
    for lang in ("zh", "en"):
        out[lang] = root / f"impact-{lang}.html"
        impact([src], settings, Outputs(html=out[lang], lang=lang))
    return out


class _Labels(HTMLParser):
    """The text of every header and label: h1–h3, th, the summary cards' labels, the legend."""

    LABELS = ("h1", "h2", "h3", "th", "span", "text", "title")

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.labels: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        while self.stack and self.stack.pop() != tag:
            pass

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1] in self.LABELS and data.strip():
            self.labels.append(data.strip())


def dom(tmp_path: Path, page: Path) -> str:
    assert CHROMIUM is not None
    proc = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile-dom'}", "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


def test_no_english_header_is_left_in_the_chinese_report(reports: dict[str, Path], tmp_path: Path) -> None:
    parser = _Labels()
    parser.feed(dom(tmp_path, reports["zh"]))
    labels = parser.labels
    assert "裁量基准修订影响分析" in labels and "变化最大的决定" in labels and "仅一侧出错的案件" in labels
    # a label is Chinese, a number or an amount bin: never a Latin word
    latin = [x for x in labels if re.search(r"[A-Za-z]{2,}", x)]
    assert latin == []
    english = {v for k, v in words("en").texts.items() if k.startswith("impact.") and len(v) > 3}
    page = reports["zh"].read_text(encoding="utf-8")
    assert [e for e in english if f">{e}<" in page] == []
    # and the English report is English where the Chinese one is Chinese
    parser = _Labels()
    parser.feed(dom(tmp_path, reports["en"]))
    assert "Impact of a benchmark revision" in parser.labels and "Largest changes" in parser.labels


def test_screen_and_print(reports: dict[str, Path], tmp_path: Path) -> None:
    png = tmp_path / "impact.png"
    chromium(tmp_path, reports["zh"], "--window-size=1280,1800", "--hide-scrollbars", f"--screenshot={png}")
    width, height, rows, bpp = png_pixels(png.read_bytes())
    assert (width, height) == (1280, 1800)
    ink = sum(1 for row in rows[::4] for x in range(0, width * bpp, bpp * 2) if min(row[x : x + 3]) < 200)
    sampled = len(rows[::4]) * len(range(0, width * bpp, bpp * 2))
    assert 0.005 < ink / sampled < 0.6, ink / sampled  # text and bars on white: neither blank nor a block
    pdf = tmp_path / "impact.pdf"
    chromium(tmp_path, reports["zh"], "--no-pdf-header-footer", f"--print-to-pdf={pdf}")
    assert pdf.read_bytes().startswith(b"%PDF")
    pdfinfo, pdftotext = shutil.which("pdfinfo"), shutil.which("pdftotext")
    if pdfinfo is None or pdftotext is None:
        pytest.skip("poppler-utils (pdfinfo, pdftotext) not installed: PDF not checked")
    info = subprocess.run([pdfinfo, str(pdf)], capture_output=True, text=True, check=True).stdout
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert size and float(size.group(1)) > float(size.group(2)), info  # A4 landscape
    text = subprocess.run([pdftotext, "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    for seen in ("裁量基准修订影响分析", "较重", "告知听证权利", "100000", "162500", "PE-C010"):
        assert seen in flat, seen
