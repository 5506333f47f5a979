"""The publication policy lives in the library: a pack with check errors is not published unless
forced, whoever asks (the command line, a service)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import penalty_engine as pe
from penalty_engine.errors import RuleError
from penalty_engine.publish import NotPublished, publish, publish_checked
from tests.conftest import MINI_RULE

GAP_RULE = MINI_RULE.replace("      - id: base\n", "      - id: base\n        when: n < 5\n")


def test_a_pack_with_check_errors_is_refused_with_every_error_finding_listed(write_pack: Any) -> None:
    root = write_pack(GAP_RULE)
    with pytest.raises(NotPublished) as refused:
        publish_checked(root, "markdown", "en")
    exc = refused.value
    assert exc.errors == 1 and [f.kind for f in exc.findings] == ["gap"]
    assert exc.lines()[0].startswith("gap ") and "r1.yaml:9" in exc.lines()[0]
    assert str(exc).splitlines()[-1] == "not published: 1 errors from rules check (force publishes anyway)"
    # a project error like any other: callers that catch PenaltyEngineError get its code
    assert isinstance(exc, pe.PenaltyEngineError) and exc.code == "PE-R018"


def test_force_publishes_a_pack_with_check_errors(write_pack: Any) -> None:
    root = write_pack(GAP_RULE)
    assert publish_checked(root, "markdown", "en", force=True) == publish(root, "markdown", "en")


def test_a_clean_pack_is_published_as_publish_renders_it(write_pack: Any) -> None:
    root = write_pack()
    assert publish_checked(root, "html", "zh") == publish(root, "html", "zh")


def test_no_pack_at_the_path_is_a_rule_error(tmp_path: Path) -> None:
    with pytest.raises(RuleError) as missing:
        publish_checked(tmp_path / "nowhere")
    assert missing.value.code == "PE-R009"
