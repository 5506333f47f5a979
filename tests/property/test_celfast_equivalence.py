"""The CEL fast path agrees with the CEL library: the same bool, or both fail.

(a) every clause of every shipped rule version, on activations drawn from the rule's fact schema
    (and a little beyond it: other strings, values next to every literal the clauses use);
(b) random expressions from a small grammar over typed variables, ill-typed ones included: whenever
    ``compile_clause`` accepts one, it must agree with the library on random activations.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from functools import cache
from typing import Any

import cel
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from penalty_engine.cel import cel_types as tree_types
from penalty_engine.cel import edges
from penalty_engine.cel.fast import Parts, compile_clause, compile_parts
from penalty_engine.models.rules import FactType
from penalty_engine.pack.compiled import CompiledRule

from .strategies import all_rules, rule_by_id

ERROR = "error"
INT_MIN, INT_MAX = -(2**63), 2**63 - 1

PARTIES = st.one_of(
    st.just({"kind": "organization"}),
    st.builds(
        lambda age, given: {"kind": "individual", "age": age, "age_given": given},
        st.integers(0, 100),
        st.booleans(),
    ),
)


@cache
def library(source: str) -> Any:
    return cel.compile(source)


def library_outcome(source: str, activation: Mapping[str, Any]) -> bool | str:
    try:
        value = library(source).execute(activation)
    except Exception:
        return ERROR
    return value if type(value) is bool else ERROR


def fast_outcome(fn: Callable[[Mapping[str, Any]], bool], activation: Mapping[str, Any]) -> bool | str:
    try:
        value = fn(activation)
    except Exception:
        return ERROR
    assert type(value) is bool, f"fast path returned {value!r}"
    return value


def parts_outcome(parts: Parts, activation: Mapping[str, Any]) -> bool | str:
    get, test, operand = parts
    return fast_outcome(lambda act: test(get(act), operand), activation)


def has_nan(activation: Mapping[str, Any]) -> bool:
    return any(type(v) is float and v != v for v in activation.values())


# ------------------------------------------------------------------ (a) shipped clauses


def cel_types(rule: CompiledRule) -> dict[str, str]:
    return {name: str(t) for name, t in tree_types(rule.facts).items()}


def fact_values(rule: CompiledRule, name: str) -> st.SearchStrategy[Any]:
    spec = rule.facts[name]
    if spec.type is FactType.bool:
        return st.booleans()
    if spec.type is FactType.enum:
        return st.sampled_from(spec.values or ("",)) | st.text(max_size=3)
    # the numbers the rule's clauses compare ``name`` with: the edges in each clause's tree
    literals = {lit for v in rule.versions for t in v.table.trees if t is not None for lit in edges(t).get(name, ())}
    literals = literals or {Decimal(0)}
    if spec.type is FactType.int:
        near = sorted({int(float(lit)) + d for lit in literals for d in (-1, 0, 1)})
        return st.sampled_from(near) | st.integers(-5, 1000)
    # money and number: at most two decimals, as validated facts reach CEL (float of the decimal)
    cents = sorted({round(float(lit) * 100) + d for lit in literals for d in (-1, 0, 1)})
    return (st.sampled_from(cents) | st.integers(-(10**9), 10**9)).map(lambda c: c / 100)


def activations(rule: CompiledRule) -> st.SearchStrategy[dict[str, Any]]:
    facts = {name: fact_values(rule, name) for name in rule.facts}
    return st.fixed_dictionaries({**facts, "party": PARTIES})


@pytest.mark.parametrize("rule_id", [r.id for r in all_rules()])
@given(data=st.data())
def test_shipped_clauses_agree_with_the_library(rule_id: str, data: st.DataObject) -> None:
    rule = rule_by_id(rule_id)
    types = cel_types(rule)
    version = data.draw(st.sampled_from(rule.versions), label="version")
    activation = data.draw(activations(rule), label="activation")
    for source in version.table.sources:
        fn = compile_clause(source, types)
        assert fn is not None, f"shipped clause outside the fast path: {source}"
        expected = library_outcome(source, activation)
        assert fast_outcome(fn, activation) == expected, source
        parts = compile_parts(source, types, finite=True)  # as ClauseTable runs them (facts are finite)
        assert parts is not None and parts_outcome(parts, activation) == expected, source


# ------------------------------------------------------------------ (b) random expressions

TYPES = {
    "b1": "bool",
    "b2": "bool",
    "i1": "int",
    "i2": "int",
    "d1": "double",
    "d2": "double",
    "s1": "string",
    "s2": "string",
}
BIG = [2**53, 2**53 + 1, 3037000500, 4611686018427387904, INT_MAX, INT_MIN]
INT_LITERALS = st.sampled_from([*map(str, [0, 1, 2, 3, 14, 18, 10000, *BIG[:-1]]), "9223372036854775808", "007"])
DOUBLE_LITERALS = st.sampled_from(["0.0", "2.5", "4.2", "3.75", "1e3", ".5", "9007199254740992.0", "1.5e+2", "1e400"])
STRING_LITERALS = st.sampled_from(["'x'", '"x"', '""', "'é'", '"a\\"b"', "'it\\'s'", '"\\n"', '"\\x41"', "'\\u00e9'"])
LITERALS = st.one_of(
    INT_LITERALS,
    DOUBLE_LITERALS,
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    STRING_LITERALS,
    st.sampled_from(["true", "false", "null"]),
)
NAMES = st.sampled_from([*TYPES, "party.kind", "party.age", "party.age_given", "party.x", "party", "undeclared"])
BINARY = st.sampled_from(["&&", "||", "==", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "%"])


def _extend(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    def wrap(text: str, parens: bool) -> str:
        return f"({text})" if parens else text

    return st.one_of(
        st.builds(
            lambda a, op, b, p, q: f"{wrap(a, p)} {op} {wrap(b, q)}", children, BINARY, children, *[st.booleans()] * 2
        ),
        st.builds(
            lambda op, a, p: f"{op}{wrap(a, p)}", st.sampled_from(["!", "-", "! ", "- "]), children, st.booleans()
        ),
        st.builds(lambda a, b, c, p: wrap(f"{a} ? {b} : {c}", p), children, children, children, st.booleans()),
        st.builds(lambda a, items: f"{a} in [{', '.join(items)}]", children, st.lists(LITERALS, max_size=4)),
        st.builds(lambda a: f"size({a})", children),
    )


UNTYPED = st.recursive(NAMES | LITERALS, _extend, max_leaves=6)
TYPED_LEAVES = {
    "bool": st.sampled_from(["b1", "b2", "true", "false", "party.age_given"]),
    "int": st.sampled_from(["i1", "i2", "party.age"]) | INT_LITERALS,
    "double": st.sampled_from(["d1", "d2"]) | DOUBLE_LITERALS,
    "string": st.sampled_from(["s1", "s2", "party.kind"]) | STRING_LITERALS,
}
OPERATORS = {"bool": ["&&", "||"], "int": ["+", "-", "*"], "double": ["+", "-", "*"], "string": []}


@st.composite
def typed(draw: st.DrawFn, want: str, depth: int) -> str:
    """Mostly well-typed expressions of type ``want``; sometimes an operand of another type."""

    def sub(t: str) -> str:
        if draw(st.integers(0, 9)) == 0:
            t = draw(st.sampled_from(list(TYPED_LEAVES)))
        text = draw(typed(t, depth - 1))
        return f"({text})" if draw(st.booleans()) else text

    shapes = ["leaf"] if depth <= 0 else ["leaf", "ternary", *(["binary"] if OPERATORS[want] else [])]
    if want in ("int", "double") and depth > 0:
        shapes.append("negate")
    if want == "bool" and depth > 0:
        shapes += ["not", "compare", "compare", "in"]
    shape = draw(st.sampled_from(shapes))
    if shape == "leaf":
        return draw(TYPED_LEAVES[want])
    if shape == "ternary":
        return f"{sub('bool')} ? {sub(want)} : {sub(want)}"
    if shape == "binary":
        return f"{sub(want)} {draw(st.sampled_from(OPERATORS[want]))} {sub(want)}"
    if shape == "negate":
        return f"-{sub(want)}"
    if shape == "not":
        return f"!{sub('bool')}"
    t = draw(st.sampled_from(list(TYPED_LEAVES)))
    if shape == "in":
        items = draw(st.lists(LITERALS, max_size=4))
        return f"{sub(t)} in [{', '.join(items)}]"
    other = draw(st.sampled_from(["int", "double"])) if t in ("int", "double") else t
    return f"{sub(t)} {draw(st.sampled_from(['==', '!=', '<', '<=', '>', '>=']))} {sub(other)}"


EXPRESSIONS = typed("bool", 3) | UNTYPED
RANDOM_ACTIVATIONS = st.fixed_dictionaries(
    {
        "b1": st.booleans(),
        "b2": st.booleans(),
        "i1": st.sampled_from([0, 1, -1, 14, 10000, *BIG]) | st.integers(INT_MIN, INT_MAX),
        "i2": st.integers(-20, 20),
        "d1": st.sampled_from([0.0, -0.0, 2.5, 4.2, 1000.0, 2.0**53, float("nan"), float("inf")]) | st.floats(),
        "d2": st.floats(-20, 20),
        "s1": st.sampled_from(["x", "", "é", 'a"b', "it's", "\n", "A"]),
        "s2": st.text(max_size=2),
        "party": PARTIES,
    }
)


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(source=EXPRESSIONS, activations=st.lists(RANDOM_ACTIVATIONS, min_size=1, max_size=6))
def test_random_expressions_agree_with_the_library(source: str, activations: list[dict[str, Any]]) -> None:
    fn = compile_clause(source, TYPES)  # must never raise, whatever the text
    event("fast path" if fn is not None else "left to the library")
    if fn is None:
        return
    try:
        library(source)
    except Exception:
        raise AssertionError(f"accepted a clause the library rejects: {source}") from None
    parts, finite_parts = compile_parts(source, TYPES), compile_parts(source, TYPES, finite=True)
    assert parts is not None and finite_parts is not None  # the same subset as compile_clause
    for activation in activations:
        expected = library_outcome(source, activation)
        assert fast_outcome(fn, activation) == expected, (source, activation)
        assert parts_outcome(parts, activation) == expected, (source, activation)
        if not has_nan(activation):  # ``finite`` promises no NaN in the activation
            assert parts_outcome(finite_parts, activation) == expected, (source, activation, "finite")


@given(st.text(alphabet="ab1.5 ()!&|=<>-+*?:[],'\"\\xpartykind", max_size=20))
def test_compile_never_raises_on_garbage(source: str) -> None:
    fn = compile_clause(source, {"a": "bool", "b": "int"})
    if fn is not None:
        library(source)  # whatever compiles here is valid CEL
