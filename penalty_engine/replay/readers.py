"""Streaming readers for replay inputs: JSONL, CSV and XLSX, in UTF-8 (with or without BOM), GBK or
GB18030, detected per cell or named per file or per column.

Every row comes out as a ``Row`` with its source (``file:line``): either its data (a JSON line's
text, or a header → cell mapping) or the error that makes it a reject. Nothing raises for a bad row;
a file whose structure makes every row unreadable (several non-empty sheets and none named, a mapped
header twice, an unclosed quote in the header) raises ``CaseError`` (PE-C001) before its first row.

Rows are counted as they are read, before they are parsed (docs/replay.md "How rows are counted"):
every non-blank physical line after the header (CSV, JSONL) and every non-empty sheet row after the
header (XLSX) ends in exactly one ``Row``. A CSV record spans several lines only when a quoted field
legitimately holds line breaks: at most ``MAX_RECORD_LINES`` lines, closed before the end of the
file, with the header's number of cells and fewer separators inside the field than a row has.
Otherwise its first line is rejected ("an unclosed quote swallowed lines N–M") and reading resumes
on the next line, so a stray ``"`` costs one row.

CSV is split on raw bytes (read as latin-1, which maps bytes one to one), then each cell is decoded
on its own: the separators, quotes and line ends are ASCII and never occur inside a GBK, GB18030 or
UTF-8 multi-byte character. Without a named encoding the file's encoding is detected once, over
the whole file (``detect_encoding``); a column in another encoding is named per column.

XLSX: cells are read as their cached values (a formula without one rejects its row); merged ranges
within one column give every cell the anchor's value, other merged ranges reject the rows they
cover. Not pure: reads files. Cost: one pass over a CSV/JSONL, three streamed passes over an XLSX.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from ..errors import CaseError, Msg, joined, msg, word

ENCODINGS = ("utf-8", "utf-8-sig", "gbk", "gb18030")
BOM = b"\xef\xbb\xbf"
MAX_RECORD_LINES = 50  # a quoted CSV field may hold line breaks, over at most this many lines

Mapped = Callable[[str], bool]
#: a part of one file, read on its own (``penalty_engine.distributed``): ``(start, first, stop)`` = the
#: byte offset of a line start (a row group for Parquet), its line (row) number, and the line number
#: at which the part ends (None: the end of the file). CSV parts start only where a whole-file read
#: holds no line back (``distributed.parts``), so the rows of the parts are those of the file.
Part = tuple[int, int, int | None]


@dataclass(frozen=True, slots=True)
class Row:
    """One input row: ``data`` (JSON text or header → value) or ``error``; ``lines`` it spans."""

    source: str
    data: str | dict[str, Any] | None
    error: str | None = None  # ``PE-C001 …``, a ``Msg`` (both languages)
    lines: int = 1


def bad_row(problem: Msg) -> Msg:
    """The error of a row that cannot be read: ``PE-C001 problem``."""
    return msg("PE-C001 {problem}", problem=problem)


class DecodeError(ValueError):
    """Bytes that do not decode; ``message`` says so in both languages."""

    def __init__(self, message: Msg) -> None:
        super().__init__(message)
        self.message = message


def _reason(exc: UnicodeDecodeError) -> Msg:
    return msg("{reason} at byte {n}", reason=word("details", exc.reason, default="(decode)"), n=exc.start)


def decode(raw: bytes, encoding: str | None) -> str:
    """Decode with the named encoding, else UTF-8 then GB18030 (a superset of GBK)."""
    if encoding:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError as exc:
            raise DecodeError(msg("not valid {encoding} ({reason})", encoding=encoding, reason=_reason(exc))) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError as exc:
        message = msg("neither {a} nor {b} ({reason})", a="UTF-8", b="GBK/GB18030", reason=_reason(exc))
        raise DecodeError(message) from None


def detect_encoding(path: Path, chunk: int = 1 << 20) -> str:
    """The encoding of a whole file: UTF-8 when every byte of it decodes as UTF-8, else GB18030.

    Decided once per file, not cell by cell: a GBK cell such as ``16700元`` happens to be valid
    UTF-8 too (and reads ``16700Ԫ``), so only the file as a whole tells the two apart. A column in
    another encoding is named with ``column_encodings`` (the mapping's ``encoding`` per column).
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as fh:
            while block := fh.read(chunk):
                decoder.decode(block)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


class _BadEncoding(ValueError):
    def __init__(self, message: Msg) -> None:
        super().__init__(message)
        self.message = message


def check_encoding(encoding: str | None) -> str | None:
    if encoding is None:
        return None
    name = encoding.lower().replace("_", "-")
    if name in ("utf8", "utf-8"):
        return "utf-8"
    if name in ("utf-8-sig", "utf8-sig"):
        return "utf-8-sig"
    if name in ("gbk", "cp936", "gb2312"):
        return "gbk"
    if name == "gb18030":
        return "gb18030"
    raise _BadEncoding(msg("unsupported encoding {name!r}: use one of {names}", name=encoding, names=joined(ENCODINGS)))


def read_rows(
    path: str | Path,
    *,
    encoding: str | None = None,
    column_encodings: dict[str, str | None] | None = None,
    sheet: str | None = None,
    mapped: Mapped | None = None,
    part: Part | None = None,
) -> Iterator[Row]:
    """Rows of one input file, by its extension (.jsonl/.ndjson/.json, .csv/.tsv, .xlsx, .parquet);
    only those of ``part`` when given (JSONL, CSV, Parquet).

    ``sheet`` names the XLSX sheet (else the only non-empty one); ``mapped(header)`` says whether a
    header fills a case field (default: every header does): such a header given twice is an error.
    Raises ``CaseError`` for a file whose structure makes every row unreadable.
    """
    p = Path(path)
    name = p.name
    suffix = p.suffix.lower()
    is_mapped = mapped or bool
    try:
        enc = check_encoding(encoding)
        cols = {k: check_encoding(v) for k, v in (column_encodings or {}).items()}
    except _BadEncoding as exc:
        yield Row(f"{name}:0", None, bad_row(exc.message))
        return
    if not p.is_file():
        yield Row(f"{name}:0", None, bad_row(msg("cannot read {path}: no such file", path=path)))
        return
    if suffix in (".jsonl", ".ndjson", ".json"):
        yield from _jsonl(p, enc, part)
    elif suffix in (".csv", ".tsv", ".txt"):
        yield from _csv(p, enc or detect_encoding(p), cols, "\t" if suffix == ".tsv" else ",", is_mapped, part)
    elif suffix in (".xlsx", ".xlsm"):
        yield from _xlsx(p, sheet, is_mapped)  # cells of a workbook are Unicode already
    elif suffix == ".parquet":
        yield from _parquet(p, part)
    else:
        problem = msg(
            "{name}: unknown input format (use {a}, {b}, {c} or {d})",
            name=name,
            a=".jsonl",
            b=".csv",
            c=".xlsx",
            d=".parquet",
        )
        yield Row(f"{name}:0", None, bad_row(problem))


def _jsonl(p: Path, enc: str | None, part: Part | None = None) -> Iterator[Row]:
    start, first, stop = part or (0, 1, None)
    with p.open("rb") as fh:
        fh.seek(start)
        for n, raw in enumerate(fh, start=first):
            if stop is not None and n >= stop:
                return
            if n == 1 and raw.startswith(BOM):
                raw = raw[3:]
            if not raw.strip():
                continue
            try:
                text = decode(raw, None if enc == "utf-8-sig" else enc)
            except DecodeError as exc:
                yield Row(f"{p.name}:{n}", None, bad_row(msg("line {n}: {problem}", n=n, problem=exc.message)))
                continue
            yield Row(f"{p.name}:{n}", text)


def _cell(raw: str, header: str, enc: str | None, cols: dict[str, str | None]) -> str:
    data = raw.encode("latin-1")
    col = cols.get(header) or enc
    return decode(data, None if col == "utf-8-sig" else col)


def _duplicates(p: Path, headers: list[str], mapped: Mapped, column: Callable[[int], Msg]) -> None:
    """A mapped header given twice would let one column silently win: an error for the file."""
    seen: dict[str, int] = {}
    for i, h in enumerate(headers):
        if not h or not mapped(h):
            continue
        if h in seen:
            message = msg(
                "{name}: column {header!r} appears twice in the header ({a} and {b}); rename or remove one",
                name=p.name,
                header=h,
                a=column(seen[h]),
                b=column(i),
            )
            raise CaseError("PE-C001", message, str(p))
        seen[h] = i


class _TooLong(Exception):
    pass


class _Lines:
    """The physical lines of a CSV file with their numbers, taken one by one by ``csv.reader``
    (which reads no further than the record it is in); lines can be put back to be read again."""

    def __init__(self, source: Iterator[str]) -> None:
        self.source = source
        self.number = 0
        self.back: deque[tuple[int, str]] = deque()
        self.taken: list[tuple[int, str]] = []
        self.exhausted = False
        self.limit = 1

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if len(self.taken) >= self.limit:
            raise _TooLong
        if self.back:
            item = self.back.popleft()
        else:
            line = next(self.source, None)
            if line is None:
                self.exhausted = True
                raise StopIteration
            self.number += 1
            item = (self.number, line)
        self.taken.append(item)
        return item[1]

    def start(self, limit: int) -> None:
        self.taken = []
        self.exhausted = False
        self.limit = limit

    def put_back_all_but_first(self) -> None:
        self.back.extendleft(reversed(self.taken[1:]))


def _csv(
    p: Path, enc: str | None, cols: dict[str, str | None], delimiter: str, mapped: Mapped, part: Part | None = None
) -> Iterator[Row]:
    with p.open("rb") as fh, p.open("rb") as rest:
        lines = _Lines(iter(io.TextIOWrapper(fh, encoding="latin-1", newline="")))
        reader = csv.reader(lines, delimiter=delimiter)
        lines.start(1)
        try:
            header_raw = next(reader)
        except StopIteration:
            return
        except _TooLong:
            raise CaseError("PE-C001", _unclosed_header(p), str(p)) from None
        except csv.Error as exc:
            yield Row(f"{p.name}:1", None, bad_row(msg("header: {problem}", problem=_csv_detail(exc))))
            return
        if lines.exhausted:
            raise CaseError("PE-C001", _unclosed_header(p), str(p))
        if header_raw and header_raw[0].encode("latin-1").startswith(BOM):
            header_raw[0] = header_raw[0][3:]
        try:
            headers = [_cell(h, "", enc, {}).strip() for h in header_raw]
        except DecodeError as exc:
            yield Row(f"{p.name}:1", None, bad_row(msg("header: {problem}", problem=exc.message)))
            return
        _duplicates(p, headers, mapped, lambda i: msg("column {n}", n=i + 1))
        stop = None
        if part is not None:  # the header is the file's; the rows start at the part's first line
            rest.seek(part[0])
            lines.source, lines.number, stop = iter(io.TextIOWrapper(rest, "latin-1", newline="")), part[1] - 1, part[2]
            reader = csv.reader(lines, delimiter=delimiter)
        while True:
            lines.start(MAX_RECORD_LINES)
            problem: Msg | None = None
            try:
                cells = next(reader)
            except StopIteration:
                return
            except _TooLong:
                problem = msg("not closed within {n} lines", n=MAX_RECORD_LINES)
            except csv.Error as exc:
                problem = _csv_detail(exc)
            first, last = lines.taken[0][0], lines.taken[-1][0]
            if stop is not None and first >= stop:
                return
            if problem is None and lines.exhausted:
                problem = msg("open at the end of the file")
            elif problem is None and last > first and len(cells) != len(headers):
                problem = _cells(len(cells), len(headers))
            elif problem is None and last > first and _holds_a_row(cells, delimiter, len(headers)):
                problem = msg("the quoted text holds a row's worth of separators")
            source = f"{p.name}:{first}"
            if problem is not None:
                span = msg("line {n}", n=first) if last == first else msg("lines {a}–{b}", a=first, b=last)
                swallowed = msg(
                    "row {n}: an unclosed quote swallowed {span} ({problem})", n=first, span=span, problem=problem
                )
                yield Row(source, None, bad_row(swallowed))
                lines.put_back_all_but_first()  # read them again: the quote was likely stray
                reader = csv.reader(lines, delimiter=delimiter)
                continue
            if not any(c.strip() for c in cells):
                continue
            span_lines = last - first + 1
            if len(cells) != len(headers):
                yield Row(source, None, bad_row(_cells(len(cells), len(headers))), span_lines)
                continue
            try:
                row = {h: _cell(c, h, enc, cols) for h, c in zip(headers, cells, strict=True)}
            except DecodeError as exc:
                yield Row(source, None, bad_row(exc.message), span_lines)
                continue
            yield Row(source, row, None, span_lines)


def _unclosed_header(p: Path) -> Msg:
    return msg("{name}: header: an unclosed quote on line 1", name=p.name)


def _cells(n: int, columns: int) -> Msg:
    return msg("{n} cells for {columns} columns", n=n, columns=columns)


def _csv_detail(exc: Exception) -> Msg:
    """What the CSV reader says (English), with its Chinese from the catalog's ``details``."""
    return word("details", str(exc), default="(csv)")


def _parquet(p: Path, part: Part | None) -> Iterator[Row]:
    """The records of a Parquet file (of one row group with ``part``), numbered from 1 as its rows;
    an all-empty record is skipped as a blank line is. Decimals come as their plain text."""
    import pyarrow.parquet as pq  # imported here: only Parquet inputs need it

    try:
        pf = pq.ParquetFile(p)
    except Exception as exc:  # pyarrow raises several kinds for a damaged file
        yield Row(f"{p.name}:0", None, bad_row(msg("cannot open the Parquet file: {problem}", problem=str(exc))))
        return
    with pf:
        groups = list(range(pf.metadata.num_row_groups)) if part is None else [part[0]]
        n = 0 if part is None else part[1] - 1
        for batch in pf.iter_batches(row_groups=groups):
            for record in batch.to_pylist():
                n += 1
                if _blank(tuple(record.values())):
                    continue
                data = {str(k): format(v, "f") if isinstance(v, Decimal) else v for k, v in record.items()}
                yield Row(f"{p.name}:{n}", data)


def _holds_a_row(cells: list[str], delimiter: str, width: int) -> bool:
    """A field running over lines with a whole row's worth of separators swallowed rows: the cell
    counts of the two torn rows add up to the header's, so the record's shape cannot tell."""
    return any("\n" in c and c.count(delimiter) >= max(1, width - 1) for c in cells)


def _blank(values: tuple[Any, ...]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _is_formula(value: Any) -> bool:
    if isinstance(value, str):
        return value.startswith("=")
    return type(value).__name__ in ("ArrayFormula", "DataTableFormula")


def _merged_ranges(p: Path, sheet_path: str) -> list[tuple[str, int, int, int, int]]:
    """``(ref, min_col, min_row, max_col, max_row)`` of each merged range (read-only mode has none)."""
    from openpyxl.utils.cell import range_boundaries

    found: list[tuple[str, int, int, int, int]] = []
    with zipfile.ZipFile(p) as zf, zf.open(sheet_path.lstrip("/")) as fh:
        for _, el in ElementTree.iterparse(fh):
            tag = el.tag.rsplit("}", 1)[-1]
            if tag == "mergeCell" and el.get("ref"):
                ref = str(el.get("ref"))
                c0, r0, c1, r1 = range_boundaries(ref)
                if None not in (c0, r0, c1, r1):
                    found.append((ref, int(c0 or 0), int(r0 or 0), int(c1 or 0), int(r1 or 0)))
            elif tag in ("row", "c", "v", "f", "is", "t"):
                el.clear()
    return found


def _pick_sheet(p: Path, wb: Any, sheet: str | None) -> str | None:
    names = list(wb.sheetnames)
    listed = joined(repr(n) for n in names)
    if sheet is not None:
        if sheet not in names:
            message = msg(
                "{name}: no sheet {sheet!r}; the sheets are {listed}", name=p.name, sheet=sheet, listed=listed
            )
            raise CaseError("PE-C001", message, str(p))
        return sheet
    full = [n for n in names if any(not _blank(v) for v in wb[n].iter_rows(values_only=True))]
    if len(full) > 1:
        message = msg(
            "{name}: several sheets hold data ({sheets}): name one with {option}",
            name=p.name,
            sheets=joined(repr(n) for n in full),
            option="--sheet",
        )
        raise CaseError("PE-C001", message, str(p))
    return full[0] if full else None


def _xlsx(p: Path, sheet: str | None, mapped: Mapped) -> Iterator[Row]:
    import openpyxl  # imported here: only XLSX inputs need it

    try:
        wb = openpyxl.load_workbook(p, read_only=True, data_only=True)  # cached values
        wf = openpyxl.load_workbook(p, read_only=True, data_only=False)  # formulas
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        problem = msg("cannot open workbook: {detail}", detail=word("details", str(exc), default="(xlsx)"))
        yield Row(f"{p.name}:0", None, bad_row(problem))
        return
    try:
        name = _pick_sheet(p, wf, sheet)
        if name is None:
            return
        ws, fs = wb[name], wf[name]
        try:
            merges = _merged_ranges(p, str(getattr(ws, "_worksheet_path", "")))
        except (KeyError, zipfile.BadZipFile, ElementTree.ParseError) as exc:
            detail = word("details", str(exc), default="(xlsx)")
            yield Row(
                f"{p.name}:0", None, bad_row(msg("cannot read sheet {name!r}: {detail}", name=name, detail=detail))
            )
            return
        yield from _sheet_rows(p, ws.iter_rows(values_only=True), fs.iter_rows(values_only=True), merges, mapped)
    finally:
        wb.close()
        wf.close()


def _sheet_rows(
    p: Path,
    rows: Iterator[tuple[Any, ...]],
    formulas: Iterator[tuple[Any, ...]],
    merges: list[tuple[str, int, int, int, int]],
    mapped: Mapped,
) -> Iterator[Row]:
    from openpyxl.utils.cell import get_column_letter

    first = next(rows, None)
    next(formulas, None)
    if first is None:
        return
    headers = [str(h).strip() if h is not None else "" for h in first]
    _duplicates(p, headers, mapped, lambda i: msg("column {n}", n=get_column_letter(i + 1)))
    down = {(c0, r0): r1 for ref, c0, r0, c1, r1 in merges if c0 == c1 and r0 >= 2}  # anchor → last row
    across = [(ref, r0, r1) for ref, c0, r0, c1, r1 in merges if (c0 != c1 or r0 < 2) and r1 >= 2]
    fill: dict[int, tuple[int, Any]] = {}  # column → (last row of its merged range, anchor value)
    for n, (values, raw) in enumerate(zip(rows, formulas, strict=False), start=2):
        cells = list(values)
        for col in [c for c, (last, _) in fill.items() if last < n]:
            del fill[col]
        for col, (_, value) in fill.items():
            while len(cells) < col:
                cells.append(None)
            cells[col - 1] = value
        for i, value in enumerate(cells, start=1):
            if (i, n) in down:
                fill[i] = (down[(i, n)], value)
        if _blank(tuple(cells)):
            continue
        source = f"{p.name}:{n}"
        bad = next((ref for ref, r0, r1 in across if r0 <= n <= r1), None)
        if bad is not None:
            problem = msg("row {n}: merged cells {ref} span several columns or the header", n=n, ref=bad)
            yield Row(source, None, bad_row(problem))
            continue
        missing = [
            h for h, v, f in zip(headers, cells, raw, strict=False) if h and mapped(h) and v is None and _is_formula(f)
        ]
        if missing:
            problem = msg("row {n}: formula without a value in {columns}", n=n, columns=joined(missing))
            yield Row(source, None, bad_row(problem))
            continue
        yield Row(source, {h: v for h, v in zip(headers, cells, strict=False) if h})


def estimate_rows(paths: Iterable[str | Path], chunk: int = 1 << 20) -> int | None:
    """About how many rows the inputs hold, for a progress bar's total (never for accounting): the
    line ends of text files (less the CSV header), the largest sheet's size recorded in a workbook.
    None when a file cannot tell (a workbook without a recorded size, an unreadable file)."""
    total = 0
    for path in paths:
        p = Path(path)
        suffix = p.suffix.lower()
        try:
            if suffix in (".xlsx", ".xlsm"):
                import openpyxl

                wb = openpyxl.load_workbook(p, read_only=True)
                try:
                    sizes = [ws.max_row for ws in wb.worksheets]
                finally:
                    wb.close()
                if any(s is None for s in sizes):
                    return None
                total += max([int(s or 0) - 1 for s in sizes] + [0])
                continue
            if suffix == ".parquet":
                import pyarrow.parquet as pq

                total += int(pq.read_metadata(p).num_rows)
                continue
            lines, last = 0, b"\n"
            with p.open("rb") as fh:
                while block := fh.read(chunk):
                    lines += block.count(b"\n")
                    last = block[-1:]
            lines += last != b"\n"  # a last line without its line end
            total += max(lines - (suffix in (".csv", ".tsv", ".txt")), 0)
        except Exception:  # a file that cannot be read is the replay's to report, not the bar's
            return None
    return total
