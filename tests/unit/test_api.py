"""The public API is named once in penalty_engine.__init__."""

from __future__ import annotations

import penalty_engine as pe


def test_all_matches_exports() -> None:
    public = {n for n in dir(pe) if not n.startswith("_") and not isinstance(getattr(pe, n), type(pe))}
    assert set(pe.__all__) - {"__version__"} == public - {"annotations"}


def test_contract_names_exist() -> None:
    for name in ("Engine", "Case", "Decision", "PenaltyEngineError"):
        assert name in pe.__all__
    assert issubclass(pe.CaseError, pe.PenaltyEngineError)
    assert issubclass(pe.RuleError, pe.PenaltyEngineError)
