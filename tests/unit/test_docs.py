"""The error-code reference lists exactly the codes the library raises."""

from __future__ import annotations

import re

from penalty_engine.errors import CODES
from tests.conftest import ROOT


def test_error_code_reference_matches_the_codes() -> None:
    text = (ROOT / "docs" / "error-codes.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\|\s*(PE-[A-Z]\d{3})\b", text, flags=re.MULTILINE))
    assert documented == set(CODES)


def test_cli_reference_lists_every_check_finding_kind() -> None:
    from penalty_engine.check.static import KINDS

    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("| `kind` |"))
    assert set(re.findall(r"`([a-z_]+)`", row)) - {"kind"} == set(KINDS)
