"""Fuzz replay rows (issue #16): corrupted CSV, JSONL and XLSX rows built in a temporary folder —
stray quotes, wrong encodings, truncated lines, stray bytes, formula cells, merged cells. The
accounting always balances, every written row is evaluated or rejected with a reason, nothing crashes.

A small fixed budget by default (derandomized); ``HYPOTHESIS_PROFILE=thorough`` searches longer.
"""

from __future__ import annotations

import os
import random
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import penalty_engine as pe
from bench.fuzz_replay import KINDS, account, write_text_file, write_xlsx

THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"
BUDGET = settings(
    max_examples=500 if THOROUGH else 25,
    deadline=None,
    derandomize=not THOROUGH,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def check(path: Path, engine: pe.Engine, starts: list[int] | None = None) -> None:
    with tempfile.TemporaryDirectory() as work:
        lost, state = account(path, engine, Path(work), starts)
    c = state.counts
    assert c["input"] == c["evaluated"] + c["rejected"]
    assert lost == 0  # every line in one record, no row swallowed into another


@BUDGET
@given(
    fmt=st.sampled_from(["csv", "jsonl"]),
    seed=st.integers(0, 2**32),
    n=st.integers(0, 40),
    share=st.floats(0, 1),
)
def test_corrupted_text_rows_are_all_accounted_for(
    engine: pe.Engine, fmt: str, seed: int, n: int, share: float
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"in.{fmt}"
        check(path, engine, write_text_file(path, n, share, random.Random(seed)))


@BUDGET
@given(data=st.binary(max_size=400), fmt=st.sampled_from(["csv", "jsonl"]))
def test_arbitrary_bytes_after_a_header_never_lose_a_line(engine: pe.Engine, data: bytes, fmt: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"in.{fmt}"
        path.write_bytes((b"case_id,actual.fine\n" if fmt == "csv" else b"") + data)
        check(path, engine)


@settings(BUDGET, max_examples=50 if THOROUGH else 6)
@given(seed=st.integers(0, 2**32), n=st.integers(1, 30), share=st.floats(0, 1))
def test_corrupted_xlsx_rows_are_all_accounted_for(engine: pe.Engine, seed: int, n: int, share: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "in.xlsx"
        write_xlsx(path, n, share, random.Random(seed))
        check(path, engine)


def test_every_corruption_kind_is_exercised() -> None:
    assert set(KINDS) == {"quote", "gbk", "truncate", "bytes", "newline", "delimiter"}
