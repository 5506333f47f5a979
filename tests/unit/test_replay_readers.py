"""Replay readers: JSONL, CSV and XLSX in UTF-8 (with/without BOM), GBK and GB18030; rows keep file:line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from penalty_engine.replay.readers import decode, read_rows

HEADER = "case_id,当事人,金额\n"
ROWS = "C1,杭州某运输有限公司,1.5万元\nC2,张三,12000\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings_are_detected(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes((HEADER + ROWS).encode(encoding))
    rows = list(read_rows(path))
    assert [r.error for r in rows] == [None, None]
    assert rows[0].data == {"case_id": "C1", "当事人": "杭州某运输有限公司", "金额": "1.5万元"}
    assert [r.source for r in rows] == ["in.csv:2", "in.csv:3"]


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8"])
def test_csv_named_encoding(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes((HEADER + ROWS).encode(encoding))
    rows = list(read_rows(path, encoding=encoding))
    assert isinstance(rows[1].data, dict) and rows[1].data["当事人"] == "张三"


def test_csv_mixed_encodings_per_column(tmp_path: Path) -> None:
    """One column exported in GBK, the others in UTF-8: the file's encoding and that column's are named
    (detection is per file: a file that is not wholly UTF-8 is read as GB18030)."""
    data = "case_id,经办人,单位\n".encode() + b"C1," + "李四".encode("gbk") + b"," + "杭州支队".encode() + b"\n"
    path = tmp_path / "mixed.csv"
    path.write_bytes(data)
    (named,) = read_rows(path, encoding="utf-8", column_encodings={"经办人": "gbk"})
    assert named.data == {"case_id": "C1", "经办人": "李四", "单位": "杭州支队"}


def test_csv_bad_bytes_and_bad_shape_become_rejects(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(b'case_id,x\nC1,ok\nC2,\xff\xfe\xff\nC3,a,b\n"C4","multi\nline"\nC5,z\n')
    rows = list(read_rows(path, encoding="utf-8"))
    assert [r.source for r in rows] == ["bad.csv:2", "bad.csv:3", "bad.csv:4", "bad.csv:5", "bad.csv:7"]
    assert rows[1].error and "not valid utf-8" in rows[1].error
    assert rows[2].error and "3 cells for 2 columns" in rows[2].error
    assert rows[3].data == {"case_id": "C4", "x": "multi\nline"}
    assert rows[4].data == {"case_id": "C5", "x": "z"}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_jsonl_encodings(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes('{"case_id": "C1", "x": "罚款"}\n\n{"case_id": "C2"}\n'.encode(encoding))
    rows = list(read_rows(path))
    assert [r.source for r in rows] == ["in.jsonl:1", "in.jsonl:3"]
    assert rows[0].data == '{"case_id": "C1", "x": "罚款"}\n'


def test_xlsx_streams_rows(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["case_id", "发生日期", "金额"])
    ws.append(["C1", dt.datetime(2026, 3, 2), 15000])
    ws.append([None, None, None])
    ws.append(["C2", "2026年3月2日", "1.5万元"])
    path = tmp_path / "in.xlsx"
    wb.save(path)
    rows = list(read_rows(path))
    assert [r.source for r in rows] == ["in.xlsx:2", "in.xlsx:4"]
    assert rows[0].data == {"case_id": "C1", "发生日期": dt.datetime(2026, 3, 2), "金额": 15000}


def test_unknown_format_and_missing_file_are_rejects(tmp_path: Path) -> None:
    (tmp_path / "x.pdf").write_text("x")
    assert next(iter(read_rows(tmp_path / "x.pdf"))).error
    assert next(iter(read_rows(tmp_path / "missing.csv"))).error
    assert next(iter(read_rows(tmp_path / "x.pdf", encoding="latin-9"))).error


def test_decode_prefers_utf8_then_gb18030() -> None:
    assert decode("罚款".encode(), None) == "罚款"
    assert decode("罚款".encode("gbk"), None) == "罚款"


def test_a_gbk_file_is_read_as_gbk_even_where_a_cell_is_also_valid_utf8(tmp_path: Path) -> None:
    # 元 in GBK is the bytes D4 AA, which UTF-8 reads as 'Ԫ': a cell-by-cell guess misread
    # '16700元' (and rejected the row); the file as a whole is not UTF-8, so it is GBK throughout
    p = tmp_path / "gbk.csv"
    p.write_bytes("案号,罚款金额,当事人\nA-1,16700元,张伟\n".encode("gbk"))
    rows = list(read_rows(p))
    assert len(rows) == 1 and rows[0].error is None
    assert rows[0].data == {"案号": "A-1", "罚款金额": "16700元", "当事人": "张伟"}
