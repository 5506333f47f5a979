"""A fast path for simple CEL clauses: the library's results without its activation cost.

Why: ``cel.Program.execute`` converts the whole Python activation into CEL values on every call
(about 1 µs per string fact and 0.75 µs per double), so one call costs ~13 µs for a typical rule
version, while most clauses compare one fact with a literal. :func:`compile_clause` parses a clause
of a small subset of CEL itself and builds Python closures that read only the facts they need
(~0.03–0.3 µs per clause). No ``eval``/``exec``: a tokenizer, a precedence-climbing parser, closures.

The subset: literals (int, double, ``'…'`` / ``"…"`` strings with the escapes ``\\\\ \\" \\' \\n \\r
\\t``, ``true``, ``false``), declared facts, ``party.kind`` / ``party.age`` / ``party.age_given``,
``!``, unary ``-``, ``== != < <= > >=``, ``x in [literal, …]``, ``&&``, ``||``, ``c ? a : b``,
``+ - *`` on two ints or two doubles, parentheses. Every sub-expression gets a static type from the
declared fact types, and only type combinations checked against the library are compiled. What the
library does, and this module copies (tests/unit/test_celfast.py pins each point):

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
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NoReturn

__all__ = ["FastPathError", "compile_clause", "compile_parts"]

Activation = Mapping[str, Any]
Fn = Callable[[Activation], Any]
#: ``(get, test, operand)``: the clause's result is ``test(get(activation), operand)``
Parts = tuple[Fn, Callable[[Any, Any], bool], Any]

INT_MIN, INT_MAX = -(2**63), 2**63 - 1
MAX_TOKENS = 200  # longer clauses go to the library (keeps parser and closure nesting shallow)
FACT_TYPES = frozenset({"bool", "int", "double", "string"})
NUMERIC = frozenset({"int", "double"})
PARTY_MEMBERS = {"kind": "string", "age": "int", "age_given": "bool"}
_RESERVED = "as break const continue else for function if import let loop namespace null package return var void while"
RESERVED = frozenset(_RESERVED.split())  # reserved words and null: refused
ESCAPES = {"\\": "\\", '"': '"', "'": "'", "n": "\n", "r": "\r", "t": "\t"}
EQUALITY = {"==": operator.eq, "!=": operator.ne}
ORDERING = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
MIRROR = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}
ARITHMETIC = {"+": operator.add, "-": operator.sub, "*": operator.mul}

_TOKEN = re.compile(
    r"[ \t\r\n\f]*(?:"
    r"(?P<num>(?>(?:[0-9]+\.[0-9]+|\.[0-9]+|[0-9]+)(?:[eE][+-]?[0-9]+)?)(?![A-Za-z_0-9]))"
    r"|(?P<str>\"(?:[^\"\\\r\n]|\\.)*\"|'(?:[^'\\\r\n]|\\.)*')"
    r"|(?P<name>[A-Za-z_][A-Za-z_0-9]*)"
    r"|(?P<op>==|!=|<=|>=|&&|\|\||[-+*!<>()\[\],.?:])"
    r"|(?P<end>\Z))"
)
_ESCAPE = re.compile(r"\\(.)")


class FastPathError(Exception):
    """The clause fails here; run the CEL library to get its exact result or error."""


class _Refuse(Exception):
    """Outside the subset: compile_clause returns None."""


def compile_clause(source: str, types: Mapping[str, str]) -> Callable[[Mapping[str, Any]], bool] | None:
    """A callable returning what ``cel.compile(source).execute(activation)`` returns, or ``None``.

    ``types`` maps each declared fact to "bool", "int", "double" or "string"; ``party`` is the
    party map. The callable raises (``FastPathError`` or another exception) wherever the library
    raises or gives a non-bool. ``None`` means: outside the subset, use the library."""
    node = _parse(source, types, finite=False)
    return node.fn if node is not None else None


def compile_parts(source: str, types: Mapping[str, str], finite: bool = False) -> Parts | None:
    """The clause as ``(get, test, operand)``: ``test(get(activation), operand)`` is what the
    callable of :func:`compile_clause` gives (and raises where it raises), or ``None``.

    For the common shapes (``fact OP literal``, ``fact``, ``!fact``) ``get`` is an item getter and
    ``test`` an operator: evaluated in one comprehension, a clause costs no Python call. Any other
    clause is ``(callable, operator.is_, True)``. With ``finite``, the activation's doubles are
    never NaN (validated facts are finite decimals), so ``fact < literal`` needs no NaN check."""
    node = _parse(source, types, finite)
    if node is None:
        return None
    return node.parts if node.parts is not None else (node.fn, operator.is_, True)


def _parse(source: str, types: Mapping[str, str], finite: bool) -> _Node | None:
    """The bool-typed node of a clause, or ``None`` outside the subset."""
    try:
        parser = _Parser(_tokenize(source), types, finite)
        node = parser.expr()
        if parser.peek()[0] != "end":
            return None
    except (_Refuse, RecursionError, ValueError):
        return None
    return node if node.type == "bool" else None


@dataclass(frozen=True)
class _Node:
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


def _unescape(match: re.Match[str]) -> str:
    if match.group(1) not in ESCAPES:
        raise _Refuse
    return ESCAPES[match.group(1)]


def _tokenize(source: str) -> list[tuple[str, Any]]:
    tokens: list[tuple[str, Any]] = []
    pos = 0
    while (m := _TOKEN.match(source, pos)) is not None and m.lastgroup != "end":
        if len(tokens) >= MAX_TOKENS:
            raise _Refuse
        kind, text, pos = m.lastgroup, m.group(m.lastgroup or 0), m.end()
        if kind == "num" and any(c in text for c in ".eE"):
            value = float(text)
            if value in (float("inf"), float("-inf")):
                raise _Refuse  # the library rejects 1e400
            tokens.append(("double", value))
        elif kind == "num":
            tokens.append(("int", int(text)))  # ValueError above 4300 digits: refused
        elif kind == "str":
            tokens.append(("string", _ESCAPE.sub(_unescape, text[1:-1])))
        elif text in ("true", "false"):
            tokens.append(("bool", text == "true"))
        elif text == "in" or kind == "op":
            tokens.append(("op", text))
        elif text in RESERVED:
            raise _Refuse
        else:
            tokens.append(("name", text))
    if m is None:
        raise _Refuse  # a character outside the subset: '/', '{', '%', a raw string, an unclosed quote…
    tokens.append(("end", None))
    return tokens


class _Parser:
    """Precedence climbing over CEL's grammar: ?: < || < && < relations < + - < * < unary."""

    def __init__(self, tokens: list[tuple[str, Any]], types: Mapping[str, str], finite: bool) -> None:
        self.tokens, self.pos, self.types, self.finite = tokens, 0, types, finite

    def peek(self) -> tuple[str, Any]:
        return self.tokens[self.pos]

    def next(self) -> tuple[str, Any]:
        self.pos += 1
        return self.tokens[self.pos - 1]

    def peek_op(self) -> str | None:
        kind, value = self.tokens[self.pos]
        return str(value) if kind == "op" else None

    def accept(self, op: str) -> bool:
        if self.peek_op() == op:
            self.pos += 1
            return True
        return False

    def expect(self, op: str) -> None:
        if not self.accept(op):
            raise _Refuse

    def expr(self) -> _Node:
        cond = self.logic("||")
        if not self.accept("?"):
            return cond
        then = self.logic("||")  # as in CEL's grammar, a nested ?: needs parentheses here
        self.expect(":")
        return _ternary(cond, then, self.expr())

    def logic(self, op: str) -> _Node:
        node = self.logic("&&") if op == "||" else self.relation()
        while self.accept(op):
            node = _logic(op, node, self.logic("&&") if op == "||" else self.relation())
        return node

    def relation(self) -> _Node:
        node = self.additive()
        while True:
            op = self.peek_op()
            if op in EQUALITY or op in ORDERING:
                self.pos += 1
                node = _compare(op, node, self.additive(), self.finite)
            elif self.accept("in"):
                node = _member_of(node, self.list_literal())
            else:
                return node

    def additive(self) -> _Node:
        node = self.multiplicative()
        while (op := self.peek_op()) in ("+", "-"):
            self.pos += 1
            node = _arithmetic(op, node, self.multiplicative())
        return node

    def multiplicative(self) -> _Node:
        node = self.unary()
        while self.accept("*"):
            node = _arithmetic("*", node, self.unary())
        return node

    def unary(self) -> _Node:
        if self.accept("!"):
            return _not(self.unary())
        if self.accept("-"):
            if self.peek()[0] in NUMERIC:
                return self.number(negate=True)
            return _negate(self.unary())
        return self.primary()

    def number(self, negate: bool) -> _Node:
        kind, value = self.next()
        if kind == "int" and value > INT_MAX:  # the library rejects it; -2**63 is left to it too
            raise _Refuse
        return _literal(kind, -value if negate else value)

    def primary(self) -> _Node:
        kind, value = self.peek()
        if kind in NUMERIC:
            return self.number(negate=False)
        self.pos += 1
        if kind in ("bool", "string"):
            return _literal(kind, value)
        if kind == "op" and value == "(":
            node = self.expr()
            self.expect(")")
            return node
        if kind == "name" and value == "party":
            self.expect(".")
            kind, member = self.next()
            if kind != "name" or member not in PARTY_MEMBERS:
                raise _Refuse
            return _Node(PARTY_MEMBERS[member], lambda act: act["party"][member], member=member)
        if kind == "name" and self.types.get(value) in FACT_TYPES:
            get = operator.itemgetter(value)
            if self.types[value] == "bool":  # a bool is itself when it ``is True``
                return _Node("bool", get, fact=value, parts=(get, operator.is_, True))
            return _Node(self.types[value], get, fact=value)
        raise _Refuse  # undeclared name, operator in the wrong place, '[', end of input…

    def list_literal(self) -> list[_Node]:
        self.expect("[")
        items: list[_Node] = []
        while not self.accept("]"):
            negate = self.accept("-")
            kind = self.peek()[0]
            if kind in NUMERIC:
                items.append(self.number(negate))
            elif kind in ("bool", "string") and not negate:
                items.append(_literal(kind, self.next()[1]))
            else:
                raise _Refuse
            if not self.accept(","):
                self.expect("]")
                break
        return items


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


def _member_of(node: _Node, items: list[_Node]) -> _Node:
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
