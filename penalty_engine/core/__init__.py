"""The core: the engine and its pure evaluation of a case, and reading case input (``case_io``).

``engine`` loads packs and evaluates cases; ``evaluation`` runs one case stage by stage (dates,
facts, limitation, the version runs, Art. 37, the decision); ``version`` holds the stages that
depend on the rule version, ``general_stages`` those of the general part of 行政处罚法 (with the
pure rules of ``general``), ``amounts`` the band, position and rounding arithmetic, ``result`` the
records stages return; ``catalog`` the loaded rules as JSON-ready data (listings, one rule).
``_fast`` is private: memo and the fingerprint's JSON written directly, the same results as the
plain code (ADR 0008). ``compiled`` is the compiled evaluator (each covered rule version a closure
deciding the outcome and amounts) and ``lazy`` its ``LazyDecision``, whose other parts the
interpreter (``evaluation``, the reference) makes when first read (ADR 0026); ``record`` reads
what such a decision tells without expanding (the kinds of its duties, what makes it alike others).
"""

from __future__ import annotations

from .case_io import case_where, read_case_file, to_case
from .catalog import describe_rule, fact_row, list_rules
from .engine import Engine, Evaluator, combine
from .general import severity
from .lazy import LazyDecision, duty_kinds, penalty_kinds
from .weighted import pct

__all__ = [
    "Engine",
    "Evaluator",
    "LazyDecision",
    "case_where",
    "combine",
    "describe_rule",
    "duty_kinds",
    "fact_row",
    "list_rules",
    "pct",
    "penalty_kinds",
    "read_case_file",
    "severity",
    "to_case",
]
