"""CEL: conditions of rule files, compiled once and evaluated purely (ADR 0001, ADR 0009).

``tree`` parses each clause once into a typed tree (the one parser; publish, check and the test
strategies walk it). ``conditions`` compiles a rule version's conditions into one table of clauses
run by the CEL library or, where verified equal, by the fast path ``fast`` compiles from the trees.
"""

from __future__ import annotations

from .conditions import PARTY, RESERVED, CelPath, ClauseTable, CompiledCondition, cel_value
from .tree import (
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
    Node,
    Not,
    PartyMember,
    Ternary,
    cel_types,
    edges,
    parse,
    walk,
)

__all__ = [
    "PARTY",
    "RESERVED",
    "ArithOp",
    "Arithmetic",
    "CelPath",
    "CelType",
    "ClauseTable",
    "CmpOp",
    "Compare",
    "CompiledCondition",
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
    "cel_value",
    "edges",
    "parse",
    "walk",
]
