"""The built-in names (penalty_engine/values/words.yaml, shared with case files and new-case since
ADR 0016, and the headers of penalty_engine/replay/names.yaml): every value of the contracts has a
Chinese name, and no name belongs to two values."""

from __future__ import annotations

import typing
from importlib import resources

import yaml

from penalty_engine.models import rules as rules_model
from penalty_engine.models.case import Actual, Party
from penalty_engine.replay.names import names, normalise
from penalty_engine.values import KINDS


def _data() -> dict[str, typing.Any]:
    text = resources.files("penalty_engine.values").joinpath("words.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert isinstance(data, dict)
    return data


def _literal(annotation: typing.Any) -> set[str]:
    out: set[str] = set()
    for arg in typing.get_args(annotation):
        out |= _literal(arg) if typing.get_args(arg) else {arg} if isinstance(arg, str) else set()
    return out


def test_every_name_is_text_and_names_one_value_only() -> None:
    values = _data()["values"]
    for kind in KINDS:
        seen: dict[str, str] = {}
        for value, listed in values[kind].items():
            for name in listed:
                assert isinstance(name, str), (kind, value, name)  # YAML would turn a bare yes into True
                key = normalise(name)
                assert seen.setdefault(key, str(value)) == str(value), f"{kind}: {name} names {seen[key]} and {value}"


def test_every_value_of_the_contracts_has_a_chinese_name() -> None:
    values = _data()["values"]
    expected = {
        "outcome": _literal(Actual.model_fields["outcome"].annotation),
        "tier": _literal(Actual.model_fields["tier"].annotation),
        "party_kind": _literal(Party.model_fields["kind"].annotation),
        "penalty_kind": {k.value for k in rules_model.PenaltyKind},
        "duty": {"order_correction", "education", "hearing_notice", "legal_review", "collective_discussion"},
        "bool": {"true", "false"},
    }
    for kind, contract in expected.items():
        assert {str(v) for v in values[kind]} == contract, kind
        for value, listed in values[kind].items():
            assert any("\u4e00" <= ch <= "\u9fff" for n in listed for ch in n), (kind, value)


def test_the_duties_the_engine_finds_all_have_names() -> None:
    # the kinds the general stages emit (penalty_engine/core/general_stages.py, text catalogs "decision.*")
    import re
    from pathlib import Path

    import penalty_engine

    stages = Path(penalty_engine.__file__).parent / "core" / "general_stages.py"
    emitted = set(re.findall(r'_duty\(\s*duties,\s*"([a-z_]+)"', stages.read_text(encoding="utf-8")))
    assert emitted and emitted <= set(_data()["values"]["duty"])


def test_header_names_guess_fields() -> None:
    table = names()
    assert table.field("案号") == "case_id" and table.field(" 案件编号 ") == "case_id"
    assert table.field("程序义务") == "actual.duties" and table.field("实际罚款") == "actual.fine"
    assert table.field("罚款金额（元）") == "actual.fine"  # full-width brackets normalised
    assert table.field("备注") is None
