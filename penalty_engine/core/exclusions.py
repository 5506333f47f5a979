"""Contradictory facts: the pack's fact exclusions (``fact_exclusions`` in ``pack.yaml``).

A case whose facts the pack declares cannot hold together (情节严重 with 违法行为轻微; 初次违法 with
an earlier finding) is refused with PE-C012 naming both facts, never decided: a decision on
contradictory facts would rest on whichever fact the engine happened to read first. Pure.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..errors import CaseError, joined, msg, pair
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
        named = joined(
            (
                msg(  # in Chinese the fact by its label: "情节严重 = 是"
                    "{name} = {value} ({label})",
                    name=pair(n, facts[n].label.zh),
                    value=_shown(given.get(n)),
                    label=pair(f"{facts[n].label.zh} / {facts[n].label.en}", ""),
                )
                for n in ex.facts
            ),
            "; ",
            "；",
        )
        message = msg(
            "facts.{a}, facts.{b}: 事实相互矛盾 / contradictory facts ({id}): {named}; {reason}",
            a=ex.facts[0],
            b=ex.facts[1],
            id=pair(ex.id, ""),  # an identifier: not in the Chinese
            named=named,
            reason=pair(f"{ex.reason.zh} / {ex.reason.en}", ex.reason.zh),
        )
        raise CaseError("PE-C012", message, where("facts", ex.facts[0]))


def _shown(value: Any) -> str:
    if value is True:
        return msg("true")
    if value is False:
        return msg("false")
    return str(value)
