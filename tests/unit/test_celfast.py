"""The CEL fast path: each supported shape, the library's semantics it copies, and refusals.

Every expected value below was first observed with ``cel`` 0.10.0; the ``library`` column of each
table is re-checked here, so a library upgrade that changes one of them fails this file.
"""

from __future__ import annotations

import operator
from typing import Any

import cel
import pytest

import penalty_engine as pe
from penalty_engine.cel.fast import FastPathError, compile_clause, compile_parts

TYPES = {"b": "bool", "f": "bool", "i": "int", "j": "int", "d": "double", "s": "string", "n": "double"}
ORG = {"kind": "organization"}
CHILD = {"kind": "individual", "age": 12, "age_given": True}
TEEN = {"kind": "individual", "age": 15, "age_given": False}
NAN = float("nan")
ERROR = "error"


def act(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"b": True, "f": False, "i": 3, "j": -2, "d": 2.5, "s": "x", "n": NAN, "party": ORG}
    return base | overrides


def run_fast(source: str, activation: dict[str, Any]) -> bool | str:
    fn = compile_clause(source, TYPES)
    assert fn is not None, f"refused: {source}"
    try:
        return fn(activation)
    except Exception:
        return ERROR


def run_library(source: str, activation: dict[str, Any]) -> bool | str:
    try:
        value = cel.compile(source).execute(activation)
    except Exception:
        return ERROR
    return value if type(value) is bool else ERROR


CASES: list[tuple[str, dict[str, Any], bool | str]] = [
    # bare facts, !, literals
    ("b", act(), True),
    ("!b", act(), False),
    ("!!b", act(), True),
    ("true", act(), True),
    ("!(false)", act(), True),
    # fact OP literal, both orders
    ("d > 2", act(), True),
    ("d <= 2.5", act(), True),
    ("2.5 >= d", act(), True),
    ("i >= 3", act(), True),
    ("i < 3", act(), False),
    ('s == "x"', act(), True),
    ("s != 'x'", act(), False),
    ('s == "a\\"b"', act(s='a"b'), True),
    ("s == 'it\\'s'", act(s="it's"), True),
    # int vs double: numeric, through double(int) — lossy above 2**53, as in the library
    ("i == 3.0", act(), True),
    ("d == 2", act(d=2.0), True),
    ("i > 9007199254740992.0", act(i=2**53 + 1), False),
    ("i == 9007199254740992.0", act(i=2**53 + 1), True),
    ("i == d", act(i=2**63 - 1, d=2.0**63), True),
    ("i in [9007199254740992.0]", act(i=2**53 + 1), True),
    ("i in [9007199254740993]", act(i=2**53), False),
    # equality across other types is false, never an error
    ("s == 1", act(), False),
    ("s != 1", act(), True),
    ("b == 1", act(), False),
    ("b != 1.0", act(), True),
    ("party.age == 'x'", act(), ERROR),  # ... but its operands still fail
    # NaN: equality false, ordering an error
    ("n == n", act(), False),
    ("n != n", act(), True),
    ("n < 1", act(), ERROR),
    ("n >= 1.0", act(), ERROR),
    ("i < n", act(), ERROR),
    ("n in [1.0, 2]", act(), False),
    ("d == 0.0", act(d=-0.0), True),
    # party
    ('party.kind == "individual" && party.age < 14', act(party=CHILD), True),
    ('party.kind == "individual" && party.age < 14', act(party=ORG), False),
    ("party.age < 14", act(party=ORG), ERROR),
    ("party.age_given", act(party=TEEN), False),
    ("party.age >= 14 && party.age < 18", act(party=TEEN), True),
    # && and || absorb an error or a non-bool on either side when the other side decides
    ("f && party.age < 14", act(), False),
    ("party.age < 14 && f", act(), False),
    ("party.age < 14 && b", act(), ERROR),
    ("b && party.age < 14", act(), ERROR),
    ("b || party.age < 14", act(), True),
    ("party.age < 14 || b", act(), True),
    ("party.age < 14 || f", act(), ERROR),
    ("i && f", act(), False),
    ("f && i", act(), False),
    ("i && b", act(), ERROR),
    ("i || b", act(), True),
    ("f || s", act(), ERROR),
    ("n < 1 || n > 1", act(), ERROR),
    # in
    ("i in [1, 3]", act(), True),
    ("i in [1, -3]", act(j=-3), False),
    ("j in [1, -2,]", act(), True),
    ("i in []", act(), False),
    ("d in [1, 2.5]", act(), True),
    ("s in ['y', 1, \"x\"]", act(), True),
    ("b in [1, true]", act(), True),
    ("b in [1]", act(), False),
    ("i in [1] == true", act(i=1), True),
    # unary minus, ternary, int and double arithmetic
    ("-i < 0", act(), True),
    ("--1 == 1", act(), True),
    ("-d == -2.5", act(), True),
    ("-i == i", act(i=-(2**63)), True),  # negation leaves INT64_MIN as it is
    ("b ? i > 0 : party.age > 0", act(), True),
    ("f ? party.age > 0 : i > 0", act(), True),
    ("(b ? 1 : 2) == 1", act(), True),
    ("i + j * 2 == -1", act(), True),
    ("1 - 1 - 1 == -1", act(), True),
    ("i * 4611686018427387904 > 0", act(), ERROR),  # int64 overflow
    ("i - 1 < 0", act(i=-(2**63)), ERROR),
    ("d * 2.0 == 5.0", act(), True),
    ("d * 1e308 > 1.0", act(), True),  # inf, not an error
    # precedence and associativity
    ("b || f && f", act(), True),
    ("!f == b", act(), True),
    ("1 == 1 == true", act(), True),
    ("f ? f : b ? b : f", act(), True),
]


@pytest.mark.parametrize(("source", "activation", "expected"), CASES)
def test_fast_path_matches_the_library(source: str, activation: dict[str, Any], expected: bool | str) -> None:
    assert run_library(source, activation) == expected, "the library changed: re-verify celfast"
    assert run_fast(source, activation) == expected


def test_errors_raise_fast_path_error() -> None:
    fn = compile_clause("n < 1", TYPES)
    assert fn is not None
    with pytest.raises(FastPathError):
        fn(act())


def test_bare_fact_is_an_item_getter() -> None:
    fn = compile_clause(" b ", TYPES)
    assert fn is not None
    assert fn(act()) is True
    assert fn(act(b=False)) is False


REFUSED = [
    # not in the subset
    "size(s) > 0",
    's.matches("a")',
    "has(party.age)",
    '{"a": 1}["a"] == 1',
    "[1, 2] == [1, 2]",
    "i / 2 > 0",
    "i % 2 == 0",
    "i + d > 0",  # int + double: the library fails; left to it
    's + "a" == "xa"',
    '"a" < "b"',
    "f < b",
    "i < s",
    "1u == i",
    "i == 0x10",
    "b == null",
    "-9223372036854775808 < i",
    "9223372036854775808 > i",
    "1e400 > d",
    "r'x' == s",
    "'''x''' == s",
    '"\\u00e9" == s',
    "i > 0 // comment",
    # names and members
    "undeclared",
    "party",
    "party.x == 1",
    "party.kind.size() == 1",
    "s.kind == 1",
    "if",
    # not a bool
    "i",
    "d + 1.0",
    's == "x" ? 1 : 2',
    "b ? 1 : 'a'",
    "1 ? b : f",
    "!i",
    "-b",
    # syntax errors
    "a &&",
    "b &&",
    "(((",
    '"unterminated',
    "'unterminated",
    "",
    "   ",
    "b b",
    "b ? b ? b : b : b",
    "i in [i]",
    "i in [,]",
    "1.",
    "1.e3 > d",
    "1e > d",
    "!",
    ")",
    "party.",
    "((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((b",
    "!" * 300 + "b",
    " && ".join(["b"] * 150),
    "b\x00",
    "b ＝＝ b",
]


@pytest.mark.parametrize("source", REFUSED)
def test_refused(source: str) -> None:
    assert compile_clause(source, TYPES) is None


def test_undeclared_types_are_refused() -> None:
    assert compile_clause("x", {"x": "bytes"}) is None
    assert compile_clause("x > 1", {}) is None


def test_every_shipped_clause_is_on_the_fast_path(engine: pe.Engine) -> None:
    kinds = {"bool": "bool", "int": "int", "money": "double", "number": "double", "enum": "string"}
    for rule in engine.rules():
        types = {name: kinds[spec.type.value] for name, spec in rule.facts.items()}
        for version in rule.versions:
            for source in version.table.sources:
                assert compile_clause(source, types) is not None, source


@pytest.mark.parametrize(
    ("source", "test", "operand"),
    [
        ("i > 2", operator.gt, 2),
        ("2 < i", operator.gt, 2),
        ("d >= 2.5", operator.ge, 2.5),
        ("s == 'x'", operator.eq, "x"),
        ("b", operator.is_, True),
        ("!f", operator.is_, False),
        ("d != 1", operator.ne, 1.0),
    ],
)
def test_common_shapes_become_an_item_getter_and_an_operator(source: str, test: Any, operand: Any) -> None:
    parts = compile_parts(source, TYPES, finite=True)
    assert parts is not None
    get, got_test, got_operand = parts
    assert isinstance(get, operator.itemgetter) and got_test is test and got_operand == operand
    assert type(got_operand) is type(operand)
    assert got_test(get(act()), got_operand) == run_library(source, act())


def test_other_shapes_are_the_callable_itself() -> None:
    parts = compile_parts("i > 2 && s in ['x', 'y']", TYPES)
    fn = compile_clause("i > 2 && s in ['x', 'y']", TYPES)
    assert parts is not None and fn is not None and parts[1:] == (operator.is_, True)
    assert parts[0](act()) is fn(act()) is True


def test_ordering_a_double_fact_checks_for_nan_unless_facts_are_finite() -> None:
    assert run_library("n < 1.0", act()) == ERROR
    checked = compile_parts("n < 1.0", TYPES)
    assert checked is not None and checked[1] is operator.is_  # the closure that raises on NaN
    with pytest.raises(FastPathError):
        checked[0](act())
    finite = compile_parts("n < 1.0", TYPES, finite=True)  # validated facts are never NaN
    assert finite is not None and finite[1] is operator.lt and finite[1](finite[0](act(n=0.5)), finite[2]) is True
    assert compile_parts("i > 'x'", TYPES) is None and compile_parts("i + 1", TYPES) is None
