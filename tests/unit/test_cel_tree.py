"""The one CEL tree: what the parser builds (precedence, literals, party members, ``in``, ternary),
what it refuses, and the edges the witness search and the strategies read from it."""

from __future__ import annotations

from decimal import Decimal

import pytest

import penalty_engine as pe
from penalty_engine.cel import (
    Arithmetic,
    ArithOp,
    CelType,
    CmpOp,
    Compare,
    Fact,
    In,
    Literal,
    Logical,
    LogicOp,
    Negate,
    Not,
    PartyMember,
    Ternary,
    edges,
    parse,
    walk,
)
from penalty_engine.check.static import _boundary_values, _candidates
from penalty_engine.models import FactSpec

TYPES = {"b": "bool", "c": "bool", "i": "int", "j": "int", "d": "double", "s": "string"}
FI, FJ = Fact(CelType.INT, "i"), Fact(CelType.INT, "j")
FB, FC = Fact(CelType.BOOL, "b"), Fact(CelType.BOOL, "c")


def lit(value: object, text: str | None = None) -> Literal:
    kinds = {bool: CelType.BOOL, int: CelType.INT, float: CelType.DOUBLE, str: CelType.STRING}
    return Literal(kinds[type(value)], value, text if text is not None else str(value))


def test_and_binds_tighter_than_or_and_both_group_to_the_left() -> None:
    assert parse("b || c && b", TYPES) == Logical(LogicOp.OR, FB, Logical(LogicOp.AND, FC, FB))
    assert parse("b && c && b", TYPES) == Logical(LogicOp.AND, Logical(LogicOp.AND, FB, FC), FB)
    assert parse("(b || c) && b", TYPES) == Logical(LogicOp.AND, Logical(LogicOp.OR, FB, FC), FB)


def test_multiplication_binds_tighter_than_addition_and_relations_bind_loosest() -> None:
    tree = parse("i + j * 2 > 7", TYPES)
    product = Arithmetic(CelType.INT, ArithOp.MUL, FJ, lit(2))
    assert tree == Compare(CmpOp.GT, Arithmetic(CelType.INT, ArithOp.ADD, FI, product), lit(7))


def test_literals_keep_their_text_and_their_typed_value() -> None:
    tree = parse('d >= 4.50 && s == "a\\"b" && i != -3 && b == true', TYPES)
    literals = [n for n in walk(tree) if isinstance(n, Literal)] if tree else []
    assert literals == [lit(4.5, "4.50"), lit('a"b', '"a\\"b"'), lit(-3, "-3"), lit(True, "true")]
    assert literals[0].number == Decimal("4.50") and literals[1].number is None


def test_not_and_negation_of_a_read() -> None:
    assert parse("!b", TYPES) == Not(FB)
    assert parse("-i < 0", TYPES) == Compare(CmpOp.LT, Negate(CelType.INT, FI), lit(0))


def test_party_members_are_typed_reads() -> None:
    tree = parse('party.kind == "individual" && party.age >= 14', TYPES)
    kind = Compare(CmpOp.EQ, PartyMember(CelType.STRING, "kind"), lit("individual", '"individual"'))
    age = Compare(CmpOp.GE, PartyMember(CelType.INT, "age"), lit(14))
    assert tree == Logical(LogicOp.AND, kind, age)
    assert age.left.path == "party.age" if isinstance(age.left, PartyMember) else False


def test_in_takes_a_list_of_literals() -> None:
    assert parse("i in [1, -2, 3.5]", TYPES) == In(FI, (lit(1), lit(-2, "-2"), lit(3.5)))
    assert parse("i in [j]", TYPES) is None


def test_ternary_needs_a_bool_condition_and_one_branch_type() -> None:
    assert parse("b ? i > 1 : c", TYPES) == Ternary(CelType.BOOL, FB, Compare(CmpOp.GT, FI, lit(1)), FC)
    assert parse("(b ? i : j) == 2", TYPES) == Compare(CmpOp.EQ, Ternary(CelType.INT, FB, FI, FJ), lit(2))
    assert parse("b ? i : d", TYPES) is None
    assert parse("i ? b : c", TYPES) is None


@pytest.mark.parametrize(
    "source",
    [
        "",
        "i >",
        "i > 1)",
        "x > 1",  # undeclared
        "null == i",  # reserved
        "i % 2 == 0",  # outside the subset
        "i + d > 1",  # no int/double arithmetic
        "!i",
        '-s == "a"',
        "s < 1",  # ordering across types
        "i + 1",  # not a condition
        "party.name == 'x'",
        "i > 1e400",
        "i > 9223372036854775808",
        "'\\q' == s",  # unknown escape
    ],
)
def test_anything_outside_the_subset_is_refused(source: str) -> None:
    assert parse(source, TYPES) is None


def test_a_tree_is_immutable() -> None:
    tree = parse("i > 1", TYPES)
    with pytest.raises(AttributeError):
        tree.op = CmpOp.LT  # type: ignore[union-attr,misc]


def test_edges_are_the_literals_a_number_is_compared_with_on_either_side() -> None:
    tree = parse("i > 10 && 2.5 <= d && i in [3, 4] && j + 1 > 99 && party.age < 14 && i > j", TYPES)
    assert tree is not None
    assert edges(tree) == {
        "i": {Decimal(10), Decimal(3), Decimal(4)},
        "d": {Decimal("2.5")},
        "party.age": {Decimal(14)},
    }


def test_edges_are_exact_decimals_as_written() -> None:
    tree = parse("d <= 4.2 || d > 0.1", TYPES)
    assert tree is not None and edges(tree) == {"d": {Decimal("4.2"), Decimal("0.1")}}


def test_values_between_two_edges_follow_the_precision() -> None:
    edges_ = {Decimal(10), Decimal("10.01")}
    assert Decimal("10.005") in _boundary_values(edges_, None)  # a number: unlimited precision
    assert not any(Decimal(10) < v < Decimal("10.01") for v in _boundary_values(edges_, Decimal("0.01")))
    assert Decimal(6) in _boundary_values({Decimal(3), Decimal(10)}, Decimal(1))


def test_candidates_of_an_int_fact_surround_an_edge_between_two_whole_numbers() -> None:
    spec = FactSpec.model_validate({"type": "int", "min": 0, "max": 10, "label": {"zh": "数", "en": "n"}})
    assert _candidates(spec, {Decimal("2.5")}) == [0, 2, 3, 10]


def test_every_shipped_clause_has_a_tree() -> None:
    engine = pe.Engine.load()
    missing = [
        source
        for rule in engine.rules()
        for cv in rule.versions
        for source, tree in zip(cv.table.sources, cv.table.trees, strict=True)
        if tree is None
    ]
    assert missing == []


def test_publish_reads_the_tree_a_comparison_written_either_way_round_has_words() -> None:
    from penalty_engine.publish.conditions import condition_view

    facts = {"x": FactSpec.model_validate({"type": "money", "default": 0, "label": {"zh": "金额", "en": "amount"}})}
    assert (view := condition_view("10000 < x", facts, "zh")) is not None and view.words == "金额超过10000元"
    assert (view := condition_view("x > 10000 && x <= 2e4", facts, "en")) is not None and view.words is None
    assert (view := condition_view("x > 1 || x < 0 && x > 5", facts, "en")) is not None and view.words is None
    assert (view := condition_view("x >= 1 && x < 5", facts, "en")) is not None
    assert view.words == "amount is at least 1 CNY and amount is under 5 CNY"
