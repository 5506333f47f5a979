from __future__ import annotations

from decimal import Decimal

import pytest

from penalty_engine.yamlio import YamlProblem, parse_json, parse_yaml


def test_floats_become_decimals_and_lines_are_kept() -> None:
    doc = parse_yaml("a: 1\nb:\n  c: 0.1\n  d: [x, y]\n", "f.yaml")
    assert doc.data == {"a": 1, "b": {"c": Decimal("0.1"), "d": ["x", "y"]}}
    assert isinstance(doc.data["b"]["c"], Decimal)
    assert doc.line_of(("b", "c")) == 3
    assert doc.line_of(("b", "d", 1)) == 4
    assert doc.where(("b", "zzz")) == "f.yaml:2"


def test_duplicate_key_is_refused_with_line() -> None:
    with pytest.raises(YamlProblem) as info:
        parse_yaml("a: 1\nb: 2\na: 3\n")
    assert info.value.kind == "duplicate" and info.value.line == 3


@pytest.mark.parametrize(
    "text",
    [
        "a: !!python/object/apply:os.system ['echo hi']\n",
        "a: !!python/name:os.system\n",
        "a: !custom 1\n",
        "a: !!binary aGk=\n",
    ],
)
def test_object_tags_are_refused(text: str) -> None:
    with pytest.raises(YamlProblem) as info:
        parse_yaml(text)
    assert info.value.kind == "tag" and info.value.line == 1


def test_syntax_error_has_line() -> None:
    with pytest.raises(YamlProblem) as info:
        parse_yaml("a: 1\nb: [1, 2\nc: 3\n")
    assert info.value.kind == "syntax" and info.value.line >= 2


def test_json_decimals_and_duplicates() -> None:
    assert parse_json('{"a": 1.50}').data == {"a": Decimal("1.50")}
    with pytest.raises(YamlProblem):
        parse_json('{"a": 1, "a": 2}')
