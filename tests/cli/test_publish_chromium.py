"""The published HTML rendered by a real browser: headless Chromium prints it to PDF and screenshots it.

DESIGN.md ("Reliability"): HTML output is one self-contained file that renders Chinese; tests
render it in Debian's headless ``chromium`` with ``fonts-noto-cjk``, which ``.ci/run`` installs.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from pathlib import Path
from typing import Any

import pytest

from penalty_engine.pack.compiled import compile_pack
from penalty_engine.pack.loader import load_pack_files
from tests.cli.test_cli import run

CHROMIUM = shutil.which("chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium not installed: apt-get install chromium fonts-noto-cjk poppler-utils"
)


def chromium(tmp_path: Path, page: Path, *args: str) -> None:
    assert CHROMIUM is not None
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    proc = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]


def png_pixels(data: bytes) -> tuple[int, int, list[bytes], int]:
    """Decode an 8-bit, non-interlaced RGB or RGBA PNG: (width, height, rows, bytes per pixel)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and color in (2, 6) and interlace == 0, (depth, color, interlace)
    bpp = 4 if color == 6 else 3
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows: list[bytes] = []
    prev = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up = prev[i]
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                corner = prev[i - bpp] if i >= bpp else 0
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                pred = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + pred) & 0xFF
        rows.append(bytes(line))
        prev = line
    return width, height, rows, bpp


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("publish") / "benchmark.html"
    proc = run("rules", "publish", "cn-transport", "--format", "html", "--lang", "zh", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    return out


def test_chinese_font_installed() -> None:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        pytest.skip("fontconfig (fc-list) not installed: cannot list fonts")
    fonts = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True, check=False).stdout
    assert fonts.strip(), "no Chinese font installed: apt-get install fonts-noto-cjk"
    assert any(name in fonts for name in ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi"))


def test_print_to_pdf_has_every_rule_title(published: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "out.pdf"
    chromium(tmp_path, published, "--no-pdf-header-footer", f"--print-to-pdf={pdf}")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 10_000
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("poppler-utils (pdftotext) not installed: PDF text not checked")
    text = subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    loaded = load_pack_files("cn-transport")
    for rule in compile_pack(loaded):
        assert "".join(rule.rule.title.zh.split()) in flat, rule.rule.title.zh
    assert "假设清单" in flat and "行政处罚法》第三十四条" in flat


def test_screenshot_is_not_blank(published: Path, tmp_path: Path) -> None:
    png = tmp_path / "shot.png"
    chromium(tmp_path, published, "--window-size=1200,1600", "--hide-scrollbars", f"--screenshot={png}")
    width, height, rows, bpp = png_pixels(png.read_bytes())
    assert (width, height) == (1200, 1600)
    ink = 0
    colours: set[bytes] = set()
    for row in rows[::4]:
        for x in range(0, width * bpp, bpp * 2):
            pixel = row[x : x + 3]
            colours.add(pixel)
            if min(pixel) < 200:
                ink += 1
    sampled = len(rows[::4]) * len(range(0, width * bpp, bpp * 2))
    assert 0.005 < ink / sampled < 0.6, ink / sampled  # text on a white page, neither blank nor a solid block
    assert len(colours) > 20  # anti-aliased glyphs, the accent colour, the assumption boxes


def test_a_levels_table_prints_each_band_as_the_table_gives_it(write_pack: Any, tmp_path: Path) -> None:
    from tests.unit.test_levels import PACK
    from tests.unit.test_publish_levels import levels_rule

    root = write_pack(levels_rule(), PACK, name="op.yaml")
    page = tmp_path / "levels.html"
    proc = run("rules", "publish", str(root), "--format", "html", "--lang", "zh", "-o", str(page))
    assert proc.returncode == 0, proc.stderr
    png = tmp_path / "levels.png"
    chromium(tmp_path, page, "--window-size=1200,1600", "--hide-scrollbars", f"--screenshot={png}")
    width, height, rows, bpp = png_pixels(png.read_bytes())
    assert (width, height) == (1200, 1600)
    ink = sum(1 for row in rows[::4] for x in range(0, width * bpp, bpp * 2) if min(row[x : x + 3]) < 200)
    assert ink > 1000  # the page renders (text on white), not blank
    pdf = tmp_path / "levels.pdf"
    chromium(tmp_path, page, "--no-pdf-header-footer", f"--print-to-pdf={pdf}")
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("poppler-utils (pdftotext) not installed: PDF text not checked")
    # -raw: the text in the order it was laid down, cell by cell (a wrapped table cell would
    # otherwise be read across the neighbouring columns' lines)
    text = subprocess.run([pdftotext, "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    for band in (
        "处3万元以上5万元以下罚款",
        "处违法所得2倍以上4倍以下的罚款",
        "处3万元罚款",
        "处违法所得2倍的罚款",
        "只规定区间",
    ):
        assert band in flat, band
