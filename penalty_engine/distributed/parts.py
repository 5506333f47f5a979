"""Partitions of replay inputs, planned on a worker and read on the workers with the replay's own
reader (``replay.readers.read_rows(part=…)``), so every row keeps its ``source`` (file:line) and its
line count exactly as in a local run.

- JSONL: byte ranges starting at line starts, found in one pass over the lines (bytes only).
- CSV/TSV: a record may span lines (a quoted field with line breaks) and a stray quote makes the
  reader take up to ``MAX_RECORD_LINES`` lines and give all but the first back, so no byte offset can
  be known to start a record without reading from the top. The plan reads the file once with the
  reader itself and cuts only before a row that starts after every line a rejected row may have
  held back; a second pass over the raw lines finds those rows' byte offsets. The encoding is
  detected once over the whole file, as in a local run, and named to every part.
- XLSX: one part per file (openpyxl reads a workbook from its start; the sheet is picked as locally).
- Parquet: one part per row group.
- Anything else (a missing file, an unknown format): one part, read as locally (it becomes a reject).

Not pure: reads files.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from ..replay import MAX_RECORD_LINES, Part, check_encoding, detect_encoding, read_rows

JSONL = (".jsonl", ".ndjson", ".json")
CSV = (".csv", ".tsv", ".txt")
CHUNK = 8 << 20  # bytes of input per part, about


@dataclass(frozen=True)
class FilePart:
    """One partition: a file, the part of it (None: all of it) and the encoding to read it with."""

    path: str
    part: Part | None = None
    encoding: str | None = None


@dataclass(frozen=True)
class ReadOptions:
    """How the inputs are read (``replay.run.iter_inputs``'s arguments, resolved once)."""

    encoding: str | None = None
    column_encodings: tuple[tuple[str, str | None], ...] = ()
    sheet: str | None = None
    mapped: frozenset[str] | None = None  # the mapped headers (None: every header is mapped)


def read_part(fp: FilePart, opts: ReadOptions) -> list[object]:
    """The rows of one partition (``readers.Row``), read as a local run reads them."""
    mapped = opts.mapped.__contains__ if opts.mapped is not None else None
    return list(
        read_rows(
            fp.path,
            encoding=fp.encoding or opts.encoding,
            column_encodings=dict(opts.column_encodings),
            sheet=opts.sheet,
            mapped=mapped,
            part=fp.part,
        )
    )


def plan(path: str, opts: ReadOptions, chunk: int = CHUNK) -> list[FilePart]:
    """The partitions of one input file, in input order. Raises ``CaseError`` as a local run would for
    a file no row of which can be read (a CSV header with a mapped column twice)."""
    p = Path(path)
    suffix = p.suffix.lower()
    if not p.is_file():
        return [FilePart(path)]
    if suffix in JSONL:
        return _spans(path, _jsonl_cuts(p, chunk))
    if suffix in CSV:
        try:
            enc = check_encoding(opts.encoding) or detect_encoding(p)
        except ValueError:
            return [FilePart(path)]  # the reader rejects the encoding's name, as locally
        return _spans(path, _csv_cuts(p, enc, opts, chunk), enc)
    if suffix == ".parquet":
        return _row_groups(path)
    return [FilePart(path)]


def _spans(path: str, cuts: list[tuple[int, int]], encoding: str | None = None) -> list[FilePart]:
    """Parts from their starts ``(byte offset, line)``; one part for the whole file when one start."""
    if len(cuts) <= 1:
        return [FilePart(path, None, encoding)]
    ends: list[int | None] = [line for _, line in cuts[1:]]
    ends.append(None)
    return [FilePart(path, (off, line, end), encoding) for (off, line), end in zip(cuts, ends, strict=True)]


def _jsonl_cuts(p: Path, chunk: int) -> list[tuple[int, int]]:
    cuts = [(0, 1)]
    offset, mark = 0, chunk
    with p.open("rb") as fh:
        for n, raw in enumerate(fh, start=1):
            if offset >= mark:
                cuts.append((offset, n))
                mark = offset + chunk
            offset += len(raw)
    return cuts


def _csv_cuts(p: Path, enc: str, opts: ReadOptions, chunk: int) -> list[tuple[int, int]]:
    size = p.stat().st_size
    if size <= chunk:
        return [(0, 2)]
    with p.open("rb") as fh:
        total = sum(block.count(b"\n") for block in iter(lambda: fh.read(1 << 20), b""))
    every = max(1, total * chunk // size)  # lines per part, about
    mapped = opts.mapped.__contains__ if opts.mapped is not None else None
    starts = [2]
    horizon = 0  # the last line a rejected row may have held back to be read again
    rows = read_rows(p, encoding=enc, column_encodings=dict(opts.column_encodings), mapped=mapped)
    for row in rows:
        first = int(row.source.rsplit(":", 1)[1])
        if first > horizon and first >= starts[-1] + every:
            starts.append(first)
        if row.data is None:
            horizon = max(horizon, first + MAX_RECORD_LINES - 1)
    wanted, cuts = set(starts), []
    offset = 0
    with p.open("rb") as fh:  # the reader's lines: latin-1 maps bytes one to one, any line end counts
        for n, line in enumerate(io.TextIOWrapper(fh, "latin-1", newline=""), start=1):
            if n in wanted:
                cuts.append((offset, n))
            offset += len(line)
    return cuts


def _row_groups(path: str) -> list[FilePart]:
    import pyarrow.parquet as pq

    try:
        meta = pq.read_metadata(path)
    except Exception:  # a damaged file: read as locally, where it becomes a reject
        return [FilePart(path)]
    parts, first = [], 1
    for g in range(meta.num_row_groups):
        parts.append(FilePart(path, (g, first, None)))
        first += meta.row_group(g).num_rows
    return parts or [FilePart(path)]
