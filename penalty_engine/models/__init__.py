"""Models: the typed records every phase reads and writes.

What is read from files is a frozen pydantic model (``rules``: rule packs, ``case``: case input);
what the engine writes is ``decision`` with its ``trail``; ``facts`` types and converts fact values
against a rule's fact schema. The bottom of the house: imports nothing of the package above
``errors``, ``money`` and ``yamlio``.
"""

from __future__ import annotations

from .case import Actual, Case, Party
from .decision import (
    SCHEMA,
    Combined,
    CombinedFine,
    Dates,
    Decision,
    Decisions,
    Duty,
    FactorOut,
    Option,
    PenaltyOut,
    Range,
    ViolationInfo,
    built,
)
from .facts import FactProblem, coerce, to_json
from .pack import (
    Effect,
    General,
    HearingThreshold,
    Pack,
    Provision,
    RoundingSpec,
)
from .rules import (
    AllOf,
    AnyOf,
    Basis,
    Benchmark,
    Branch,
    Condition,
    Factor,
    FactSpec,
    FactType,
    LawRef,
    MultipleFine,
    PartialCount,
    PerUnitFine,
    RangeFine,
    Rule,
    RuleVersion,
    SettingRef,
    Tier,
)
from .trail import Trail, TrailStep, localized

__all__ = [
    "SCHEMA",
    "Actual",
    "AllOf",
    "AnyOf",
    "Basis",
    "Benchmark",
    "Branch",
    "Case",
    "Combined",
    "CombinedFine",
    "Condition",
    "Dates",
    "Decision",
    "Decisions",
    "Duty",
    "Effect",
    "FactProblem",
    "FactSpec",
    "FactType",
    "Factor",
    "FactorOut",
    "General",
    "HearingThreshold",
    "LawRef",
    "MultipleFine",
    "Option",
    "Pack",
    "PartialCount",
    "Party",
    "PenaltyOut",
    "PerUnitFine",
    "Provision",
    "Range",
    "RangeFine",
    "RoundingSpec",
    "Rule",
    "RuleVersion",
    "SettingRef",
    "Tier",
    "Trail",
    "TrailStep",
    "ViolationInfo",
    "built",
    "coerce",
    "localized",
    "to_json",
]
