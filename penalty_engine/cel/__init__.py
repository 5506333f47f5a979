"""CEL: conditions of rule files, compiled once and evaluated purely (ADR 0001, ADR 0009).

``conditions`` compiles a rule version's conditions into one table of clauses run by the CEL library
or, where verified equal, by the fast path in ``fast``.
"""

from __future__ import annotations

from .conditions import PARTY, RESERVED, ClauseTable, CompiledCondition, cel_value

__all__ = ["PARTY", "RESERVED", "ClauseTable", "CompiledCondition", "cel_value"]
