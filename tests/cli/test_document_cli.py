"""``penalty evaluate CASE -o FILE``, end to end: the document by the file's suffix, read back; the HTML
printed to PDF and screenshot by headless Chromium (helpers of test_publish_chromium.py)."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import docx
import pytest

from tests.cli.test_cli import SAMPLE, run
from tests.cli.test_publish_chromium import CHROMIUM, chromium, png_pixels
from tests.conftest import ROOT

SEPARATE = ROOT / "cases" / "cn-transport" / "combined" / "02-separate-acts.yaml"
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium not installed: apt-get install chromium fonts-noto-cjk poppler-utils"
)


def test_docx_opens_as_a_word_document_with_the_fine_in_figures_and_capitals(tmp_path: Path) -> None:
    out = tmp_path / "out.docx"
    proc = run("evaluate", str(SAMPLE), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "" and f"wrote {out}" in proc.stderr
    document = docx.Document(io.BytesIO(out.read_bytes()))
    cells = {row.cells[0].text: row.cells[1].text for t in document.tables for row in t.rows if len(row.cells) == 2}
    # the sample's hand computation (cases/cn-transport/sample.yaml): 52000 = 伍万贰仟元整
    assert cells["建议罚款"] == "52,000元（大写：人民币伍万贰仟元整）"
    assert cells["当事人"] == "＿＿＿＿＿＿＿＿＿＿（单位）"  # the sample names no party: a line to fill in
    assert document.paragraphs[0].text == "行政处罚裁量说明"
    assert document.core_properties.title == "行政处罚裁量说明"
    quoted = "\n".join(p.text for p in document.paragraphs)
    # 道路运输条例 Art. 63 item 1 as the 2023 version applied quotes it (not the 2019 version's wording)
    assert "擅自从事道路普通货物运输经营，违法所得超过1万元的" in quoted
    assert "违反本条例的规定，未取得道路运输经营许可" not in quoted  # the 2019 wording


def test_html_and_md_by_the_suffix(tmp_path: Path) -> None:
    html, md = tmp_path / "out.html", tmp_path / "out.md"
    assert run("evaluate", str(SAMPLE), "-o", str(html)).returncode == 0
    page = html.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="zh-CN">' in page
    assert "52,000元（大写：人民币伍万贰仟元整）" in page
    assert "size: A4" in page and "Noto Serif CJK SC" in page
    assert not any(tag in page for tag in ("<link", "<script", "src=", "@import", "url("))  # self-contained
    assert run("evaluate", str(SAMPLE), "-o", str(md)).returncode == 0
    assert md.read_text(encoding="utf-8") == run("evaluate", str(SAMPLE), "-f", "markdown").stdout


def test_english_on_request(tmp_path: Path) -> None:
    out = tmp_path / "out.html"
    assert run("evaluate", str(SAMPLE), "-o", str(out), "--lang", "en").returncode == 0
    page = out.read_text(encoding="utf-8")
    assert '<html lang="en">' in page and "Recommended fine" in page and "CNY 52,000" in page


def test_an_unknown_suffix_is_a_usage_error(tmp_path: Path) -> None:
    for name in ("out.pdf", "out"):
        proc = run("evaluate", str(SAMPLE), "-o", str(tmp_path / name))
        assert proc.returncode == 2
        assert ".docx, .htm, .html, .md" in proc.stderr, proc.stderr
        assert not (tmp_path / name).exists()


def test_an_existing_file_is_kept_unless_forced(tmp_path: Path) -> None:
    out = tmp_path / "out.docx"
    out.write_bytes(b"officer's own file")
    proc = run("evaluate", str(SAMPLE), "-o", str(out))
    assert proc.returncode == 1 and "exists; use --force" in proc.stderr
    assert out.read_bytes() == b"officer's own file"
    assert run("evaluate", str(SAMPLE), "-o", str(out), "--force").returncode == 0
    assert out.read_bytes().startswith(b"PK")


def test_several_cases_need_one_file_each(tmp_path: Path) -> None:
    proc = run("evaluate", str(SAMPLE), str(SEPARATE), "-o", str(tmp_path / "out.docx"))
    assert proc.returncode == 2 and "{case_id}" in proc.stderr
    assert list(tmp_path.iterdir()) == []
    pattern = str(tmp_path / "{case_id}.docx")
    proc = run("evaluate", str(SAMPLE), str(SEPARATE), str(SAMPLE), "-o", pattern)
    # the sample twice: one id, one file; the second is refused and counted (exit 1)
    assert proc.returncode == 1 and "already written for another case" in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["GOLD-ART29-02.docx", "SAMPLE-2026-0001.docx"]


def test_a_case_id_is_made_safe_as_a_file_name(tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(SAMPLE.read_text(encoding="utf-8").replace("SAMPLE-2026-0001", "浙交罚/2026:7号"), "utf-8")
    proc = run("evaluate", str(case), "-o", str(tmp_path / "{case_id}.html"))
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "浙交罚_2026_7号.html").is_file()


# ------------------------------------------------------------------------------------------- Chromium


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("casefile") / "casefile.html"
    proc = run("evaluate", str(SAMPLE), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    return out


@needs_chromium
def test_the_page_prints_on_a4_with_every_part(page: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "casefile.pdf"
    chromium(tmp_path, page, "--no-pdf-header-footer", f"--print-to-pdf={pdf}")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("poppler-utils (pdftotext) not installed: PDF text not checked")
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo is not None:
        info = subprocess.run([pdfinfo, str(pdf)], capture_output=True, text=True, check=True).stdout
        assert "(A4)" in info, info
    text = subprocess.run([pdftotext, "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    for part in (
        "行政处罚裁量说明",
        "建议罚款52,000元（大写：人民币伍万贰仟元整）",
        "裁量区间36,400元至57,200元",
        "一、裁量结果",
        "裁量基准的取舍",
        "适用的法律条文",
        "裁量过程",
        "承办人",
        "审核人",
        "负责人",
        "第1页",
    ):
        assert part in flat, part


@needs_chromium
def test_the_page_renders_chinese_on_white(page: Path, tmp_path: Path) -> None:
    png = tmp_path / "shot.png"
    chromium(tmp_path, page, "--window-size=900,1300", "--hide-scrollbars", f"--screenshot={png}")
    width, height, rows, bpp = png_pixels(png.read_bytes())
    assert (width, height) == (900, 1300)
    ink = sum(1 for row in rows[::4] for x in range(0, width * bpp, bpp * 2) if min(row[x : x + 3]) < 200)
    sampled = len(rows[::4]) * len(range(0, width * bpp, bpp * 2))
    assert 0.005 < ink / sampled < 0.5, ink / sampled  # text and rules on a white page, neither blank nor solid
