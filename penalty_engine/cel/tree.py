"""One tree for every CEL condition: parsed once, walked by every reader (ADR 0009, addendum 2).

:func:`parse` reads a clause of the CEL subset this project understands and gives a typed,
immutable tree of node records, or ``None`` when the clause is outside the subset (the CEL library
alone then runs it, and no other reader sees into it). Pure, no ``eval``/``exec``: a tokenizer
(the only regular expression that reads CEL) and a precedence-climbing parser; linear in the
clause's length, at most ``MAX_TOKENS`` tokens.

Who walks the tree:

* ``cel.fast`` compiles it into closures (the fast path of ``ClauseTable``);
* ``publish.conditions`` says simple conditions in words;
* ``check.static`` and ``check.invariants`` take the edges of every number a condition compares
  (:func:`edges`) to place witness cases at, inside and outside each boundary;
* ``tests/property/strategies.py`` draws facts at those edges.

The subset: literals (int, double, ``'…'`` / ``"…"`` strings with the escapes ``\\\\ \\" \\' \\n
\\r \\t``, ``true``, ``false``), declared facts, ``party.kind`` / ``party.age`` /
``party.age_given``, ``!``, unary ``-``, ``== != < <= > >=``, ``x in [literal, …]``, ``&&``,
``||``, ``c ? a : b``, ``+ - *``, parentheses. Every node has a static type from the declared fact
types; shapes the library would reject for their types (``!`` on a number, ``1 + 2.0``, ``"a" <
1``, a ternary with two branch types) are refused. The root of a condition must be a bool.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar

from ..models import FactSpec, FactType

__all__ = [
    "ArithOp",
    "Arithmetic",
    "CelType",
    "CmpOp",
    "Compare",
    "Fact",
    "In",
    "Literal",
    "LogicOp",
    "Logical",
    "Negate",
    "Node",
    "Not",
    "PartyMember",
    "Ternary",
    "cel_types",
    "edges",
    "parse",
    "walk",
]


class CelType(StrEnum):
    """The static type of a node."""

    BOOL = "bool"
    INT = "int"
    DOUBLE = "double"
    STRING = "string"


class CmpOp(StrEnum):
    """A relation: ``== != < <= > >=``."""

    EQ = "=="
    NE = "!="
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="

    @property
    def mirrored(self) -> CmpOp:
        """The relation with its operands swapped (``a < b`` is ``b > a``)."""
        return _MIRROR.get(self, self)

    @property
    def ordering(self) -> bool:
        """``< <= > >=`` (not ``==`` / ``!=``)."""
        return self not in (CmpOp.EQ, CmpOp.NE)


_MIRROR = {CmpOp.LT: CmpOp.GT, CmpOp.LE: CmpOp.GE, CmpOp.GT: CmpOp.LT, CmpOp.GE: CmpOp.LE}


class LogicOp(StrEnum):
    """``&&`` or ``||``."""

    AND = "&&"
    OR = "||"


class ArithOp(StrEnum):
    """``+ - *`` on two ints or two doubles."""

    ADD = "+"
    SUB = "-"
    MUL = "*"


NUMERIC = frozenset({CelType.INT, CelType.DOUBLE})
PARTY_MEMBERS = {"kind": CelType.STRING, "age": CelType.INT, "age_given": CelType.BOOL}
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
MAX_TOKENS = 200  # longer clauses go to the library (keeps parser and closure nesting shallow)
_RESERVED = "as break const continue else for function if import let loop namespace null package return var void while"
RESERVED = frozenset(_RESERVED.split())  # reserved words and null: refused
ESCAPES = {"\\": "\\", '"': '"', "'": "'", "n": "\n", "r": "\r", "t": "\t"}

_TOKEN = re.compile(
    r"[ \t\r\n\f]*(?:"
    r"(?P<num>(?>(?:[0-9]+\.[0-9]+|\.[0-9]+|[0-9]+)(?:[eE][+-]?[0-9]+)?)(?![A-Za-z_0-9]))"
    r"|(?P<str>\"(?:[^\"\\\r\n]|\\.)*\"|'(?:[^'\\\r\n]|\\.)*')"
    r"|(?P<name>[A-Za-z_][A-Za-z_0-9]*)"
    r"|(?P<op>==|!=|<=|>=|&&|\|\||[-+*!<>()\[\],.?:])"
    r"|(?P<end>\Z))"
)
_ESCAPE = re.compile(r"\\(.)")
_CEL_TYPES = {
    FactType.bool: CelType.BOOL,
    FactType.int: CelType.INT,
    FactType.money: CelType.DOUBLE,
    FactType.number: CelType.DOUBLE,
    FactType.enum: CelType.STRING,
}

# ---------------------------------------------------------------- the nodes


@dataclass(frozen=True, slots=True)
class Literal:
    """A constant; ``text`` is as written (``10000``, ``4.5``, ``-5``, ``"serious"``)."""

    type: CelType
    value: Any  # int | float | str | bool
    text: str

    @property
    def number(self) -> Decimal | None:
        """The exact value of a number literal as written (``4.2``, not the double 4.2000…02)."""
        return Decimal(self.text) if self.type in NUMERIC else None


@dataclass(frozen=True, slots=True)
class Fact:
    """A declared fact, read by name."""

    type: CelType
    name: str

    @property
    def path(self) -> str:
        """The name a reader keys it by."""
        return self.name


@dataclass(frozen=True, slots=True)
class PartyMember:
    """``party.kind``, ``party.age`` or ``party.age_given``."""

    type: CelType
    name: str

    @property
    def path(self) -> str:
        """``party.<member>``."""
        return f"party.{self.name}"


@dataclass(frozen=True, slots=True)
class Not:
    """``!operand`` on a bool."""

    operand: Node
    type: ClassVar[CelType] = CelType.BOOL


@dataclass(frozen=True, slots=True)
class Negate:
    """``-operand`` on a number that is not a literal (``-5`` is a :class:`Literal`)."""

    type: CelType
    operand: Node


@dataclass(frozen=True, slots=True)
class Compare:
    """``left OP right``."""

    op: CmpOp
    left: Node
    right: Node
    type: ClassVar[CelType] = CelType.BOOL


@dataclass(frozen=True, slots=True)
class In:
    """``operand in [items]``: a list of literals."""

    operand: Node
    items: tuple[Literal, ...]
    type: ClassVar[CelType] = CelType.BOOL


@dataclass(frozen=True, slots=True)
class Logical:
    """``left && right`` or ``left || right`` (operands of any type: the library absorbs errors)."""

    op: LogicOp
    left: Node
    right: Node
    type: ClassVar[CelType] = CelType.BOOL


@dataclass(frozen=True, slots=True)
class Arithmetic:
    """``left + - * right`` on two ints or two doubles."""

    type: CelType
    op: ArithOp
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Ternary:
    """``cond ? then : other``."""

    type: CelType
    cond: Node
    then: Node
    other: Node


Node = Literal | Fact | PartyMember | Not | Negate | Compare | In | Logical | Arithmetic | Ternary
Read = Fact | PartyMember


def children(node: Node) -> tuple[Node, ...]:
    """The direct sub-nodes of a node, left to right."""
    if isinstance(node, Not | Negate):
        return (node.operand,)
    if isinstance(node, Compare | Logical | Arithmetic):
        return (node.left, node.right)
    if isinstance(node, In):
        return (node.operand, *node.items)
    if isinstance(node, Ternary):
        return (node.cond, node.then, node.other)
    return ()


def walk(node: Node) -> Iterator[Node]:
    """Every node of the tree, the root first (depth first, left to right)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(children(current)))


def edges(node: Node) -> dict[str, set[Decimal]]:
    """For each number read (a fact by name, or ``party.age``), the literals it is compared with.

    ``read OP literal``, ``literal OP read`` and ``read in [literals]`` count; a number inside
    arithmetic or compared with another read does not. Values are exact, as written."""
    out: dict[str, set[Decimal]] = {}
    for n in walk(node):
        if isinstance(n, Compare):
            read, lit = (n.left, n.right) if isinstance(n.right, Literal) else (n.right, n.left)
            pairs = [(read, lit)]
        elif isinstance(n, In):
            pairs = [(n.operand, item) for item in n.items]
        else:
            continue
        for read, lit in pairs:
            if isinstance(read, Fact | PartyMember) and read.type in NUMERIC and isinstance(lit, Literal):
                number = lit.number
                if number is not None:
                    out.setdefault(read.path, set()).add(number)
    return out


def cel_types(facts: Mapping[str, FactSpec]) -> dict[str, CelType]:
    """The CEL type of each declared fact (money and numbers reach CEL as doubles)."""
    return {name: _CEL_TYPES[spec.type] for name, spec in facts.items()}


# ---------------------------------------------------------------- the parser


class _Refuse(Exception):
    """Outside the subset: parse returns None."""


def parse(source: str, types: Mapping[str, str]) -> Node | None:
    """The bool-typed tree of a clause, or ``None`` when it is outside the subset.

    ``types`` maps each declared fact to "bool", "int", "double" or "string" (a :class:`CelType`
    or its value); ``party`` is the party map. Syntax errors, undeclared names, ill-typed shapes
    and non-bool results all give ``None``."""
    try:
        parser = _Parser(_tokenize(source), types)
        node = parser.expr()
        if parser.peek()[0] != "end":
            return None
    except (_Refuse, RecursionError, ValueError):
        return None
    return node if node.type is CelType.BOOL else None


Token = tuple[str, Any, str]  # (kind, value, text)


def _unescape(match: re.Match[str]) -> str:
    if match.group(1) not in ESCAPES:
        raise _Refuse
    return ESCAPES[match.group(1)]


def _tokenize(source: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while (m := _TOKEN.match(source, pos)) is not None and m.lastgroup != "end":
        if len(tokens) >= MAX_TOKENS:
            raise _Refuse
        kind, text, pos = m.lastgroup, m.group(m.lastgroup or 0), m.end()
        if kind == "num" and any(c in text for c in ".eE"):
            value = float(text)
            if value in (float("inf"), float("-inf")):
                raise _Refuse  # the library rejects 1e400
            tokens.append((CelType.DOUBLE, value, text))
        elif kind == "num":
            tokens.append((CelType.INT, int(text), text))  # ValueError above 4300 digits: refused
        elif kind == "str":
            tokens.append((CelType.STRING, _ESCAPE.sub(_unescape, text[1:-1]), text))
        elif text in ("true", "false"):
            tokens.append((CelType.BOOL, text == "true", text))
        elif text == "in" or kind == "op":
            tokens.append(("op", text, text))
        elif text in RESERVED:
            raise _Refuse
        else:
            tokens.append(("name", text, text))
    if m is None:
        raise _Refuse  # a character outside the subset: '/', '{', '%', a raw string, an unclosed quote…
    tokens.append(("end", None, ""))
    return tokens


class _Parser:
    """Precedence climbing over CEL's grammar: ?: < || < && < relations < + - < * < unary."""

    def __init__(self, tokens: list[Token], types: Mapping[str, str]) -> None:
        self.tokens, self.pos, self.types = tokens, 0, types

    def peek(self) -> Token:
        return self.tokens[self.pos]

    def next(self) -> Token:
        self.pos += 1
        return self.tokens[self.pos - 1]

    def peek_op(self) -> str | None:
        kind, value, _ = self.tokens[self.pos]
        return str(value) if kind == "op" else None

    def accept(self, op: str) -> bool:
        if self.peek_op() == op:
            self.pos += 1
            return True
        return False

    def expect(self, op: str) -> None:
        if not self.accept(op):
            raise _Refuse

    def expr(self) -> Node:
        cond = self.logic(LogicOp.OR)
        if not self.accept("?"):
            return cond
        then = self.logic(LogicOp.OR)  # as in CEL's grammar, a nested ?: needs parentheses here
        self.expect(":")
        other = self.expr()
        if cond.type is not CelType.BOOL or then.type is not other.type:
            raise _Refuse
        return Ternary(then.type, cond, then, other)

    def logic(self, op: LogicOp) -> Node:
        node = self.logic(LogicOp.AND) if op is LogicOp.OR else self.relation()
        while self.accept(op):
            node = Logical(op, node, self.logic(LogicOp.AND) if op is LogicOp.OR else self.relation())
        return node

    def relation(self) -> Node:
        node = self.additive()
        while True:
            op = self.peek_op()
            if op in _CMP_OPS:
                self.pos += 1
                right = self.additive()
                cmp = CmpOp(op)
                types = {node.type, right.type}
                if cmp.ordering and len(types) == 2 and types != NUMERIC:
                    raise _Refuse  # ordering across types: no overload in the library
                node = Compare(cmp, node, right)
            elif self.accept("in"):
                node = In(node, self.list_literal())
            else:
                return node

    def additive(self) -> Node:
        node = self.multiplicative()
        while (op := self.peek_op()) in ("+", "-"):
            self.pos += 1
            node = _arithmetic(ArithOp(op), node, self.multiplicative())
        return node

    def multiplicative(self) -> Node:
        node = self.unary()
        while self.accept("*"):
            node = _arithmetic(ArithOp.MUL, node, self.unary())
        return node

    def unary(self) -> Node:
        if self.accept("!"):
            operand = self.unary()
            if operand.type is not CelType.BOOL:
                raise _Refuse
            return Not(operand)
        if self.accept("-"):
            if self.peek()[0] in NUMERIC:
                return self.number(negate=True)
            operand = self.unary()
            if operand.type not in NUMERIC:
                raise _Refuse
            return Negate(operand.type, operand)
        return self.primary()

    def number(self, negate: bool) -> Literal:
        kind, value, text = self.next()
        if kind is CelType.INT and value > INT_MAX:  # the library rejects it; -2**63 is left to it too
            raise _Refuse
        type_ = CelType(kind)
        return Literal(type_, -value, f"-{text}") if negate else Literal(type_, value, text)

    def primary(self) -> Node:
        kind, value, text = self.peek()
        if kind in NUMERIC:
            return self.number(negate=False)
        self.pos += 1
        if kind in (CelType.BOOL, CelType.STRING):
            return Literal(CelType(kind), value, text)
        if kind == "op" and value == "(":
            node = self.expr()
            self.expect(")")
            return node
        if kind == "name" and value == "party":
            self.expect(".")
            kind, member, _ = self.next()
            if kind != "name" or member not in PARTY_MEMBERS:
                raise _Refuse
            return PartyMember(PARTY_MEMBERS[member], member)
        if kind == "name" and self.types.get(value) in _FACT_TYPES:
            return Fact(CelType(self.types[value]), value)
        raise _Refuse  # undeclared name, operator in the wrong place, '[', end of input…

    def list_literal(self) -> tuple[Literal, ...]:
        self.expect("[")
        items: list[Literal] = []
        while not self.accept("]"):
            negate = self.accept("-")
            kind, value, text = self.peek()
            if kind in NUMERIC:
                items.append(self.number(negate))
            elif kind in (CelType.BOOL, CelType.STRING) and not negate:
                self.pos += 1
                items.append(Literal(CelType(kind), value, text))
            else:
                raise _Refuse
            if not self.accept(","):
                self.expect("]")
                break
        return tuple(items)


_FACT_TYPES = frozenset(CelType)
_CMP_OPS = frozenset(CmpOp)


def _arithmetic(op: ArithOp, left: Node, right: Node) -> Arithmetic:
    if left.type is not right.type or left.type not in NUMERIC:
        raise _Refuse  # CEL has no int/double mixing; string + string is not in the subset
    return Arithmetic(left.type, op, left, right)
