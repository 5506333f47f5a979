"""The case-file document as a Word file (.docx), drawn from ``document.CaseFile`` with python-docx.

A4, 宋体 body and 黑体 headings (the fonts Chinese government documents are written in; Word and
WPS substitute their own where a font is missing), page numbers in the footer, the recommendation in
a boxed table, a signature table, and the machine line last in small grey type. The file is the same
bytes for the same decision: fixed core properties and fixed zip entry times.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from .document import CaseFile, Row, Section

SERIF = "宋体"  # SimSun
SANS = "黑体"  # SimHei
LATIN = "Times New Roman"
GREY = RGBColor(0x55, 0x55, 0x55)
WIDTH_MM = 156  # the text width: A4's 210 mm less the 28 mm and 26 mm margins
#: a fixed time for every zip entry (the zip format's epoch), so the bytes depend on the content only
_EPOCH = (1980, 1, 1, 0, 0, 0)


def _fonts(element: Any, east_asia: str, latin: str = LATIN) -> None:
    """Set a run's or a style's fonts, East Asian included (python-docx sets only the Latin ones)."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), latin)
    fonts.set(qn("w:eastAsia"), east_asia)


def _styles(doc: Any) -> None:
    normal = doc.styles["Normal"]
    normal.font.size = Pt(11)
    _fonts(normal.element, SERIF)
    normal.paragraph_format.space_after = Pt(2)
    normal.paragraph_format.line_spacing = 1.3
    for name, size in (("Title", 20), ("Heading 1", 14), ("Heading 2", 13), ("Heading 3", 12)):
        style = doc.styles[name]
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        _fonts(style.element, SANS)
        fmt = style.paragraph_format
        fmt.space_before = Pt(10 if name != "Title" else 0)
        fmt.space_after = Pt(4)
        fmt.keep_with_next = True
    title = doc.styles["Title"].paragraph_format
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    # the Title style's blue rule underneath is a Word default, not a case-file's
    ppr = doc.styles["Title"].element.get_or_add_pPr()
    for border in ppr.findall(qn("w:pBdr")):
        ppr.remove(border)


def _page(doc: Any, page: tuple[str, str]) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(25), Mm(25)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    before, after = page
    footer.add_run(before)
    # the PAGE field, one part a run as Word writes it: begin, instruction, separate, shown value, end
    for kind in ("begin", "instr", "separate", "value", "end"):
        run = footer.add_run("1" if kind == "value" else None)
        if kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = " PAGE "
            run._r.append(instr)
        elif kind != "value":
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
    footer.add_run(after)
    for r in footer.runs:
        r.font.size = Pt(9)


def _styled(doc: Any, text: str, style_id: str) -> Any:
    """A paragraph in the style ``style_id`` (set by id: python-docx's lookup by name scans every style)."""
    para = doc.add_paragraph(text)
    para._p.style = style_id
    return para


def _table(doc: Any, cols: int) -> Any:
    """A table of ``cols`` columns in the template's bordered grid style (by id, as ``_styled``)."""
    table = doc.add_table(rows=0, cols=cols)
    table._tbl.tblPr.style = "TableGrid"
    return table


def _shade(cell: Any, fill: str = "F2F2F2") -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shd)


def _borders(table: Any, size: int) -> None:
    """Every border of ``table`` in ``size`` eighths of a point, black."""
    tblpr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), str(size if edge in ("top", "left", "bottom", "right") else 4))
        el.set(qn("w:color"), "000000")
        borders.append(el)
    # schema order (CT_TblPr): tblBorders comes before shd, tblLayout, tblCellMar and tblLook
    later = [tblpr.find(qn(f"w:{tag}")) for tag in ("shd", "tblLayout", "tblCellMar", "tblLook")]
    following = next((el for el in later if el is not None), None)
    if following is None:
        tblpr.append(borders)
    else:
        following.addprevious(borders)


def _cell_text(cell: Any, text: str, *, bold: bool = False, size: float | None = None, sans: bool = False) -> None:
    para = cell.paragraphs[0]
    para.paragraph_format.space_after = Pt(0)
    run = para.add_run(text)
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    if sans:
        _fonts(run._r, SANS)


def _rows(doc: Any, rows: list[Row], *, boxed: bool = False, label_mm: float = 34) -> None:
    table = _table(doc, 2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    if boxed:
        _borders(table, 12)
    widths = (Mm(label_mm), Mm(WIDTH_MM - label_mm))
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # the grid (LibreOffice lays out by it), as well as each cell (Word)
    for row in rows:
        cells = table.add_row().cells
        cells[0].width, cells[1].width = widths
        _shade(cells[0])
        _cell_text(cells[0], row.label, bold=True, sans=True, size=10.5)
        _cell_text(cells[1], row.value, bold=row.strong, size=12 if row.strong else None)
    doc.add_paragraph().paragraph_format.space_after = Pt(0)


def _section(doc: Any, s: Section, level: int, none: str) -> None:
    _styled(doc, s.title, f"Heading{level}")
    if s.box:
        _rows(doc, s.box, boxed=True)
    if s.note:
        note = doc.add_paragraph()
        note.paragraph_format.left_indent = Mm(4)
        run = note.add_run(s.note)
        run.italic = False
        run.font.size = Pt(10)
        run.font.color.rgb = GREY
    if not s.entries and not s.box:
        doc.add_paragraph(none).paragraph_format.left_indent = Mm(7)
    for i, e in enumerate(s.entries, start=1):
        para = doc.add_paragraph()
        fmt = para.paragraph_format
        fmt.left_indent, fmt.first_line_indent = Mm(7), Mm(-7)
        fmt.tab_stops.add_tab_stop(Mm(7))
        para.add_run(f"{i}.\t" if s.ordered else "•\t")
        text = para.add_run(e.text)
        if s.kind == "provisions":
            text.bold = True
            _fonts(text._r, SANS)
        if e.quote:
            quote = doc.add_paragraph(e.quote)
            quote.paragraph_format.left_indent = Mm(12)
            quote.paragraph_format.space_after = Pt(4)
            for r in quote.runs:
                r.font.size = Pt(10.5)
        if e.basis:
            basis = doc.add_paragraph()
            basis.paragraph_format.left_indent = Mm(7)
            run = basis.add_run(e.basis)
            run.font.size = Pt(9)
            run.font.color.rgb = GREY


def _signatures(doc: Any, cf: CaseFile) -> None:
    title, opinion, sign, date = cf.sign_labels
    _styled(doc, title, "Heading2")
    table = _table(doc, 3)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = (Mm(26), Mm(WIDTH_MM - 76), Mm(50))
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for who in cf.signatures:
        row = table.add_row()
        row.height = Mm(18)
        cells = row.cells
        for cell, width in zip(cells, widths, strict=True):
            cell.width = width
        _shade(cells[0])
        _cell_text(cells[0], who, bold=True, sans=True, size=10.5)
        _cell_text(cells[1], opinion, size=10.5)
        _cell_text(cells[2], sign, size=10.5)
        cells[2].add_paragraph().paragraph_format.space_after = Pt(0)
        last = cells[2].add_paragraph(date + cf.date_blank)
        last.paragraph_format.space_after = Pt(0)
        for r in last.runs:
            r.font.size = Pt(10.5)


def _fixed_zip(data: bytes) -> bytes:
    """The same package with every entry dated ``_EPOCH`` (python-docx stamps the time of writing)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_EPOCH)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def docx_bytes(cf: CaseFile) -> bytes:
    """The .docx file of a case-file view."""
    doc = Document()
    _styles(doc)
    _page(doc, cf.page)
    props = doc.core_properties
    props.title = cf.title
    props.author = props.last_modified_by = ""
    props.language = cf.html_lang

    _styled(doc, cf.title, "Title")
    sub = doc.add_paragraph()
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = sub.add_run(cf.subtitle)
    run.font.size = Pt(9.5)
    run.font.color.rgb = GREY
    if cf.head:
        _rows(doc, cf.head)
    for part in cf.parts:
        if part.heading:
            _styled(doc, part.heading, "Heading1")
        _rows(doc, part.facts)
        for s in part.sections:
            _section(doc, s, 3 if part.heading else 2, cf.none)
    for s in cf.tail:
        _section(doc, s, 2, cf.none)
    _signatures(doc, cf)
    machine = doc.add_paragraph()
    machine.paragraph_format.space_before = Pt(12)
    run = machine.add_run(cf.machine)
    run.font.size = Pt(7.5)
    run.font.color.rgb = GREY
    buf = io.BytesIO()
    doc.save(buf)
    return _fixed_zip(buf.getvalue())
