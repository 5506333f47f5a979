"""A fast path for simple CEL clauses: the library's results without its activation cost.

Why: ``cel.Program.execute`` converts the whole Python activation into CEL values on every call
(about 1 µs per string fact and 0.75 µs per double), so one call costs ~13 µs for a typical rule
version, while most clauses compare one fact with a literal. :func:`compile_tree` turns the tree
of a clause (``cel.tree``, the one parser) into Python closures that read only the facts they
need (~0.03–0.3 µs per clause). No ``eval``/``exec``: closures only. Pure; compiling is linear in
the tree.

The subset is the tree's (``cel.tree``), minus ordering of strings and bools (not verified here).
What the library does, and this module copies (tests/unit/test_celfast.py pins each point):

* int vs double compare as ``double(int) OP double``: lossy above 2**53, as in the library;
* ``==`` between other different types is false (``true == 1``, ``"a" == 1``);
* ordering with a NaN is an error; ordering strings or bools is refused here (not needed);
* int arithmetic raises on 64-bit overflow, but ``-x`` leaves INT64_MIN as it is;
* ``&&`` / ``||`` absorb an error or a non-bool operand on either side when the other side decides
  (``error && false`` is false, ``error || true`` is true); otherwise the result is an error.

The library stays the reference. Anything outside the subset (other syntax, undeclared names,
ill-typed shapes, syntax errors) gives ``None``, and the callable raises wherever the library
raises: the caller then runs the library for its result or its exact error. Activations must be
what the library converts: ints within int64 and strings without lone surrogates (validated facts
always are). tests/property/test_celfast_equivalence.py checks the agreement with Hypothesis.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NoReturn

from .tree import (
    INT_MAX,
    INT_MIN,
    Arithmetic,
    Compare,
    Fact,
    In,
    Literal,
    Logical,
    Negate,
    Node,
    Not,
    PartyMember,
    Ternary,
    parse,
)

__all__ = ["FastPathError", "compile_clause", "compile_parts", "compile_tree", "tree_parts"]

Activation = Mapping[str, Any]
Fn = Callable[[Activation], Any]
#: ``(get, test, operand)``: the clause's result is ``test(get(activation), operand)``
Parts = tuple[Fn, Callable[[Any, Any], bool], Any]

NUMERIC = frozenset({"int", "double"})
EQUALITY = {"==": operator.eq, "!=": operator.ne}
ORDERING = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
MIRROR = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}
ARITHMETIC = {"+": operator.add, "-": operator.sub, "*": operator.mul}


class FastPathError(Exception):
    """The clause fails here; run the CEL library to get its exact result or error."""


class _Refuse(Exception):
    """Outside the verified subset: compiling gives None."""


def compile_clause(source: str, types: Mapping[str, str]) -> Callable[[Mapping[str, Any]], bool] | None:
    """A callable returning what ``cel.compile(source).execute(activation)`` returns, or ``None``.

    ``types`` maps each declared fact to "bool", "int", "double" or "string"; ``party`` is the
    party map. The callable raises (``FastPathError`` or another exception) wherever the library
    raises or gives a non-bool. ``None`` means: outside the subset, use the library."""
    tree = parse(source, types)
    return compile_tree(tree) if tree is not None else None


def compile_parts(source: str, types: Mapping[str, str], finite: bool = False) -> Parts | None:
    """The clause as ``(get, test, operand)`` (see :func:`tree_parts`), or ``None``."""
    tree = parse(source, types)
    return tree_parts(tree, finite) if tree is not None else None


def compile_tree(tree: Node) -> Callable[[Mapping[str, Any]], bool] | None:
    """The callable of :func:`compile_clause` for a parsed clause, or ``None`` (not verified)."""
    closure = _closure(tree, finite=False)
    return closure.fn if closure is not None else None


def tree_parts(tree: Node, finite: bool = False) -> Parts | None:
    """A parsed clause as ``(get, test, operand)``: ``test(get(activation), operand)`` is what the
    callable of :func:`compile_tree` gives (and raises where it raises), or ``None``.

    For the common shapes (``fact OP literal``, ``fact``, ``!fact``) ``get`` is an item getter and
    ``test`` an operator: evaluated in one comprehension, a clause costs no Python call. Any other
    clause is ``(callable, operator.is_, True)``. With ``finite``, the activation's doubles are
    never NaN (validated facts are finite decimals), so ``fact < literal`` needs no NaN check."""
    closure = _closure(tree, finite)
    if closure is None:
        return None
    return closure.parts if closure.parts is not None else (closure.fn, operator.is_, True)


def _closure(tree: Node, finite: bool) -> _Node | None:
    try:
        node = _compile(tree, finite)
    except (_Refuse, RecursionError):
        return None
    return node if node.type == "bool" else None


@dataclass(frozen=True)
class _Node:
    """A compiled node: its closure and what the builders of its parents need to know."""

    type: str  # "bool" | "int" | "double" | "string"
    fn: Fn
    const: bool = False  # a literal: fn ignores the activation
    value: Any = None  # the literal's value
    fact: str | None = None  # a bare fact read: fn is itemgetter(fact)
    member: str | None = None  # a party member read: fn is act["party"][member]
    parts: Parts | None = None  # a bool node as (get, test, operand) without a Python call, when it has one


def _literal(type_: str, value: Any) -> _Node:
    return _Node(type_, lambda _act: value, const=True, value=value)


def _fail(_act: Activation) -> NoReturn:
    raise FastPathError("operand is not a bool")


def _compile(node: Node, finite: bool) -> _Node:
    """The closure of one tree node, its children first."""
    if isinstance(node, Literal):
        return _literal(node.type, node.value)
    if isinstance(node, Fact):
        get = operator.itemgetter(node.name)
        if node.type == "bool":  # a bool is itself when it ``is True``
            return _Node("bool", get, fact=node.name, parts=(get, operator.is_, True))
        return _Node(node.type, get, fact=node.name)
    if isinstance(node, PartyMember):
        member = node.name
        return _Node(node.type, lambda act: act["party"][member], member=member)
    if isinstance(node, Not):
        return _not(_compile(node.operand, finite))
    if isinstance(node, Negate):
        return _negate(_compile(node.operand, finite))
    if isinstance(node, Compare):
        return _compare(node.op, _compile(node.left, finite), _compile(node.right, finite), finite)
    if isinstance(node, In):
        return _member_of(_compile(node.operand, finite), node.items)
    if isinstance(node, Logical):
        return _logic(node.op, _compile(node.left, finite), _compile(node.right, finite))
    if isinstance(node, Arithmetic):
        return _arithmetic(node.op, _compile(node.left, finite), _compile(node.right, finite))
    assert isinstance(node, Ternary)
    return _ternary(_compile(node.cond, finite), _compile(node.then, finite), _compile(node.other, finite))


def _as_double(node: _Node) -> _Node:
    """An int operand in an int/double comparison: the library compares ``double(int)``."""
    if node.type == "double":
        return node
    if node.const:
        return _literal("double", float(node.value))
    fn = node.fn
    return _Node("double", lambda act: float(fn(act)))


def _compare(op: str, left: _Node, right: _Node, finite: bool) -> _Node:
    types = {left.type, right.type}
    if op in EQUALITY and len(types) == 2 and types != NUMERIC:
        lf, rf, result = left.fn, right.fn, op == "!="  # different types are never equal

        def differ(act: Activation) -> bool:
            lf(act)  # for their errors (party.age of an organization, an overflow…)
            rf(act)
            return result

        return _Node("bool", differ)
    if op in ORDERING and not types <= NUMERIC:
        raise _Refuse  # string and bool ordering, mixed types: not verified, left to the library
    if types == NUMERIC:
        left, right = _as_double(left), _as_double(right)
    if left.const and not right.const:
        op, left, right = MIRROR.get(op, op), right, left
    fn = EQUALITY.get(op) or ORDERING[op]
    nan_check = op in ORDERING and "double" in types
    if right.const and (left.fact or left.member):
        # with ``finite``, a fact read is never NaN (nor is a literal): nothing to check
        check = nan_check and not finite
        parts = (operator.itemgetter(left.fact), fn, right.value) if left.fact and not check else None
        return _Node("bool", _read_vs_literal(fn, left, right.value, check), parts=parts)
    lf, rf = left.fn, right.fn
    if not nan_check:
        return _Node("bool", lambda act: fn(lf(act), rf(act)))

    def ordered(act: Activation) -> bool:
        a, b = lf(act), rf(act)
        if a == a and b == b:
            return fn(a, b)  # type: ignore[no-any-return]
        raise FastPathError("ordering with NaN")

    return _Node("bool", ordered)


def _read_vs_literal(fn: Callable[[Any, Any], bool], node: _Node, literal: Any, nan_check: bool) -> Fn:
    """The most common shape, in one closure: ``fact OP literal`` or ``party.member OP literal``."""
    if (member := node.member) is not None:
        return lambda act: fn(act["party"][member], literal)
    name = node.fact or ""
    if not nan_check:
        return lambda act: fn(act[name], literal)

    def ordered(act: Activation) -> bool:
        value = act[name]
        if value == value:
            return fn(value, literal)
        raise FastPathError("ordering with NaN")

    return ordered


def _member_of(node: _Node, items: tuple[Literal, ...]) -> _Node:
    """``x in [literals]``: any element equal to x by the rules of ``==``."""
    same = frozenset(i.value for i in items if i.type == node.type)
    if node.type == "double":
        same |= {float(i.value) for i in items if i.type == "int"}
    doubles = frozenset(i.value for i in items if i.type == "double") if node.type == "int" else frozenset()
    fn = node.fn
    if node.fact is not None and not doubles:
        name = node.fact
        return _Node("bool", lambda act: act[name] in same)
    if not doubles:
        return _Node("bool", lambda act: fn(act) in same)

    def member(act: Activation) -> bool:
        value = fn(act)
        return value in same or float(value) in doubles

    return _Node("bool", member)


def _logic(op: str, left: _Node, right: _Node) -> _Node:
    lf = left.fn if left.type == "bool" else _fail
    rf = right.fn if right.type == "bool" else _fail
    decisive = op == "||"  # the value that decides whatever the other side is (errors included)

    def logic(act: Activation) -> bool:
        try:
            value: bool = lf(act)
        except Exception:
            other: bool = rf(act)  # an error here propagates: both sides failed
            if other is decisive:
                return other
            raise
        if value is decisive:
            return value
        result: bool = rf(act)
        return result

    return _Node("bool", logic)


def _not(node: _Node) -> _Node:
    if node.type != "bool":
        raise _Refuse
    if node.fact is not None:
        name = node.fact
        return _Node("bool", lambda act: not act[name], parts=(operator.itemgetter(name), operator.is_, False))
    fn = node.fn
    return _Node("bool", lambda act: not fn(act))


def _wrapping_negate(value: int) -> int:
    return value if value == INT_MIN else -value


def _negate(node: _Node) -> _Node:
    if node.type not in NUMERIC:
        raise _Refuse
    if node.const:
        return _literal(node.type, _wrapping_negate(node.value) if node.type == "int" else -node.value)
    fn = node.fn
    if node.type == "int":
        return _Node("int", lambda act: _wrapping_negate(fn(act)))
    return _Node("double", lambda act: -fn(act))


def _arithmetic(op: str, left: _Node, right: _Node) -> _Node:
    if left.type != right.type or left.type not in NUMERIC:
        raise _Refuse  # CEL has no int/double mixing; string + string is not in the subset
    lf, rf, fn = left.fn, right.fn, ARITHMETIC[op]
    if left.type == "double":
        return _Node("double", lambda act: fn(lf(act), rf(act)))

    def checked(act: Activation) -> int:
        value: int = fn(lf(act), rf(act))
        if INT_MIN <= value <= INT_MAX:
            return value
        raise FastPathError("int overflow")

    return _Node("int", checked)


def _ternary(cond: _Node, then: _Node, other: _Node) -> _Node:
    if cond.type != "bool" or then.type != other.type:
        raise _Refuse
    cf, tf, of = cond.fn, then.fn, other.fn
    return _Node(then.type, lambda act: tf(act) if cf(act) else of(act))
