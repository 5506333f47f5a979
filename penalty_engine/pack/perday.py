"""Checking the per-day fine of a rule version at load time (按日连续处罚, ADR 0023).

The daily amount is a money fact of the rule (the original decision's fine), and the day the count
runs from is ``ordered`` or ``served``, written in the version or in a pack setting that carries its
assumption (the statute and the 办法 word it differently).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..errors import RuleError, msg, suggest
from ..models import CountFrom, FactSpec, FactType, Pack, RuleVersion, SettingRef


def check_per_day(
    pack: Pack,
    facts: dict[str, FactSpec],
    v: RuleVersion,
    where: Callable[[tuple[Any, ...]], str],
    vloc: tuple[Any, ...],
) -> None:
    """Raise a ``RuleError`` when the per-day fine of ``v`` names no money fact or no valid setting."""
    spec = v.per_day
    if spec is None:
        return
    fact = facts.get(spec.daily)
    if fact is None or fact.type is not FactType.money:
        message = msg("per_day.daily names '{name}', which is no money fact of the rule", name=spec.daily)
        raise RuleError("PE-R010", message + suggest(spec.daily, facts), where((*vloc, "per_day", "daily")))
    if isinstance(spec.count_from, SettingRef):
        name = spec.count_from.setting
        at = where((*vloc, "per_day", "count_from"))
        setting = pack.settings.get(name)
        if setting is None:
            message = msg("per_day.count_from names setting '{name}', not in pack.yaml", name=name)
            raise RuleError("PE-R010", message + suggest(name, pack.settings), at)
        if setting.value not in {c.value for c in CountFrom}:
            values = ", ".join(c.value for c in CountFrom)
            message = msg("setting '{name}' must be one of {values} to count per-day fines", name=name, values=values)
            raise RuleError("PE-R010", message, at)


__all__ = ["check_per_day"]
