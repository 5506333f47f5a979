"""The error-code reference lists exactly the codes the library raises."""

from __future__ import annotations

import re

from penalty_engine.errors import CODES
from tests.conftest import ROOT


def test_error_code_reference_matches_the_codes() -> None:
    text = (ROOT / "docs" / "error-codes.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\|\s*(PE-[A-Z]\d{3})\b", text, flags=re.MULTILINE))
    assert documented == set(CODES)
