"""penalty-engine: quantified administrative-penalty discretion.

The public API (DESIGN.md, "Library")::

    import penalty_engine as pe
    engine = pe.Engine.load()
    decision = engine.evaluate(case, as_of=date(2026, 4, 10))
"""

from __future__ import annotations

from .__about__ import __version__
from .core import Engine
from .errors import CaseError, EvaluationError, PenaltyEngineError, RuleError
from .models import Case, Decision, Decisions, Party

__all__ = [
    "Case",
    "CaseError",
    "Decision",
    "Decisions",
    "Engine",
    "EvaluationError",
    "Party",
    "PenaltyEngineError",
    "RuleError",
    "__version__",
]
