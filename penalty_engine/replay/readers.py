"""Streaming readers for replay inputs: JSONL, CSV and XLSX, in UTF-8 (with or without BOM), GBK or
GB18030, detected per cell or named per file or per column.

Every row comes out as a ``Row`` with its source (``file:line``): either its data (a JSON line's
text, or a header → cell mapping) or the error that makes it a reject. Nothing raises for a bad row.

CSV is split on raw bytes (read as latin-1, which maps bytes one to one), then each cell is decoded
on its own: the separators, quotes and line ends are ASCII and never occur inside a GBK, GB18030 or
UTF-8 multi-byte character, so one file can even mix encodings column by column.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ENCODINGS = ("utf-8", "utf-8-sig", "gbk", "gb18030")
BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True, slots=True)
class Row:
    """One input row: ``data`` (JSON text or header → value) or ``error``."""

    source: str
    data: str | dict[str, Any] | None
    error: str | None = None


class DecodeError(ValueError):
    pass


def decode(raw: bytes, encoding: str | None) -> str:
    """Decode with the named encoding, else UTF-8 then GB18030 (a superset of GBK)."""
    if encoding:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError as exc:
            raise DecodeError(f"not valid {encoding} ({exc.reason} at byte {exc.start})") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise DecodeError(f"neither UTF-8 nor GBK/GB18030 ({exc.reason} at byte {exc.start})") from None


def _check_encoding(encoding: str | None) -> str | None:
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
    raise ValueError(f"unsupported encoding {encoding!r}: use one of {', '.join(ENCODINGS)}")


def read_rows(
    path: str | Path,
    *,
    encoding: str | None = None,
    column_encodings: dict[str, str | None] | None = None,
) -> Iterator[Row]:
    """Rows of one input file, by its extension (.jsonl/.ndjson/.json, .csv/.tsv, .xlsx)."""
    p = Path(path)
    name = p.name
    suffix = p.suffix.lower()
    try:
        enc = _check_encoding(encoding)
        cols = {k: _check_encoding(v) for k, v in (column_encodings or {}).items()}
    except ValueError as exc:
        yield Row(f"{name}:0", None, f"PE-C001 {exc}")
        return
    if not p.is_file():
        yield Row(f"{name}:0", None, f"PE-C001 cannot read {path}: no such file")
        return
    if suffix in (".jsonl", ".ndjson", ".json"):
        yield from _jsonl(p, enc)
    elif suffix in (".csv", ".tsv", ".txt"):
        yield from _csv(p, enc, cols, "\t" if suffix == ".tsv" else ",")
    elif suffix in (".xlsx", ".xlsm"):
        yield from _xlsx(p)  # cells of a workbook are Unicode already
    else:
        yield Row(f"{name}:0", None, f"PE-C001 {name}: unknown input format (use .jsonl, .csv or .xlsx)")


def _jsonl(p: Path, enc: str | None) -> Iterator[Row]:
    with p.open("rb") as fh:
        for n, raw in enumerate(fh, start=1):
            if n == 1 and raw.startswith(BOM):
                raw = raw[3:]
            if not raw.strip():
                continue
            try:
                text = decode(raw, None if enc == "utf-8-sig" else enc)
            except DecodeError as exc:
                yield Row(f"{p.name}:{n}", None, f"PE-C001 line {n}: {exc}")
                continue
            yield Row(f"{p.name}:{n}", text)


def _cell(raw: str, header: str, enc: str | None, cols: dict[str, str | None]) -> str:
    data = raw.encode("latin-1")
    col = cols.get(header) or enc
    return decode(data, None if col == "utf-8-sig" else col)


def _csv(p: Path, enc: str | None, cols: dict[str, str | None], delimiter: str) -> Iterator[Row]:
    with p.open("rb") as fh:
        text = io.TextIOWrapper(fh, encoding="latin-1", newline="")
        reader = csv.reader(text, delimiter=delimiter)
        try:
            header_raw = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Row(f"{p.name}:1", None, f"PE-C001 header: {exc}")
            return
        if header_raw and header_raw[0].encode("latin-1").startswith(BOM):
            header_raw[0] = header_raw[0][3:]
        try:
            headers = [_cell(h, "", enc, {}).strip() for h in header_raw]
        except DecodeError as exc:
            yield Row(f"{p.name}:1", None, f"PE-C001 header: {exc}")
            return
        line = reader.line_num + 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield Row(f"{p.name}:{line}", None, f"PE-C001 {exc}")
                line = reader.line_num + 1
                continue
            source = f"{p.name}:{line}"
            line = reader.line_num + 1
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(headers):
                yield Row(source, None, f"PE-C001 {len(cells)} cells for {len(headers)} columns")
                continue
            try:
                row = {h: _cell(c, h, enc, cols) for h, c in zip(headers, cells, strict=True)}
            except DecodeError as exc:
                yield Row(source, None, f"PE-C001 {exc}")
                continue
            yield Row(source, row)


def _xlsx(p: Path) -> Iterator[Row]:
    import openpyxl  # imported here: only XLSX inputs need it

    try:
        wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        yield Row(f"{p.name}:0", None, f"PE-C001 cannot open workbook: {exc}")
        return
    try:
        ws = wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        first = next(rows, None)
        if first is None:
            return
        headers = [str(h).strip() if h is not None else "" for h in first]
        for n, values in enumerate(rows, start=2):
            if values is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            row = {h: v for h, v in zip(headers, values, strict=False) if h}
            yield Row(f"{p.name}:{n}", row)
    finally:
        wb.close()
