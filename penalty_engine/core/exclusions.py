"""Contradictory facts: the pack's fact exclusions (``fact_exclusions`` in ``pack.yaml``).

A case whose facts the pack declares cannot hold together (情节严重 with 违法行为轻微; 初次违法 with
an earlier finding) is refused with PE-C012 naming both facts, never decided: a decision on
contradictory facts would rest on whichever fact the engine happened to read first. Pure.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..errors import CaseError
from ..models import FactSpec
from ..pack import CompiledVersion


def refuse_contradictions(
    cv: CompiledVersion,
    results: Sequence[bool],
    facts: Mapping[str, FactSpec],
    given: Mapping[str, Any],
    where: Callable[..., str],
) -> None:
    """Raise PE-C012 for the first exclusion whose condition holds on the case's facts."""
    for ex, cond in cv.exclusions:
        if not cond.holds(results):
            continue
        named = "; ".join(f"{n} = {_shown(given.get(n))} ({facts[n].label.zh} / {facts[n].label.en})" for n in ex.facts)
        raise CaseError(
            "PE-C012",
            f"facts.{ex.facts[0]}, facts.{ex.facts[1]}: 事实相互矛盾 / contradictory facts ({ex.id}): {named}; "
            f"{ex.reason.zh} / {ex.reason.en}",
            where("facts", ex.facts[0]),
        )


def _shown(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)
