"""Compiling a pack's post-amount adjustments for one rule version (ADR 0025), and their load checks.

Each adjustment's condition and each exclusion's condition (over the pack's common facts) go into the
version's ``ClauseTable``, with the version's own ``excluded_from`` declarations (over its facts). A
declaration names an adjustment and an exclusion of the pack; a recommended reduction given by a
pack setting names a setting whose value is a share in the reduction's range.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ..cel import ClauseTable, CompiledCondition
from ..errors import RuleError, msg, suggest
from ..models import Adjustment, AdjustmentExclusion, ExcludedFrom, Pack, RuleVersion, SettingRef
from ..money import is_terminating
from ..yamlio import Located

Where = Callable[[tuple[Any, ...]], str]


@dataclass(frozen=True)
class CompiledExclusion:
    """An exclusion with its condition (``None``: none over facts) and the version's declarations of it."""

    exclusion: AdjustmentExclusion
    when: CompiledCondition | None
    declared: tuple[tuple[ExcludedFrom, CompiledCondition | None], ...] = ()


@dataclass(frozen=True)
class CompiledAdjustment:
    """An adjustment of the pack as one version evaluates it."""

    adjustment: Adjustment
    when: CompiledCondition
    exclusions: tuple[CompiledExclusion, ...]


CompiledAdjustments = tuple[CompiledAdjustment, ...]


def compile_adjustments(
    pack: Pack, v: RuleVersion, table: ClauseTable, pack_where: Where, where: Where, vloc: tuple[Any, ...]
) -> CompiledAdjustments:
    """The pack's adjustments for ``v`` with their conditions added to ``table`` (empty when the pack
    has none); ``pack_where`` locates a key of pack.yaml, ``where`` one of the rule file.

    Raises:
        RuleError: PE-R010 for a declaration naming no adjustment or exclusion of the pack.
    """
    by_id = {a.id: a for a in pack.adjustments}
    for j, d in enumerate(v.excluded_from):
        adj = by_id.get(d.adjustment)
        if adj is None:
            message = msg("excluded_from names adjustment '{name}', not in pack.yaml", name=d.adjustment)
            raise RuleError("PE-R010", message + suggest(d.adjustment, by_id), where((*vloc, "excluded_from", j)))
        if adj.exclusion(d.exclusion) is None:
            names = [e.id for e in adj.exclusions]
            message = msg(
                "excluded_from names exclusion '{name}', not one of adjustment '{adjustment}'",
                name=d.exclusion,
                adjustment=adj.id,
            )
            raise RuleError("PE-R010", message + suggest(d.exclusion, names), where((*vloc, "excluded_from", j)))
    out = []
    for i, adj in enumerate(pack.adjustments):
        when = table.add(adj.when, pack_where(("adjustments", i, "when")))
        exclusions = []
        for k, e in enumerate(adj.exclusions):
            cond = table.add(e.when, pack_where(("adjustments", i, "exclusions", k, "when"))) if e.when else None
            declared = tuple(
                (d, table.add(d.when, where((*vloc, "excluded_from", j, "when"))) if d.when is not None else None)
                for j, d in enumerate(v.excluded_from)
                if d.adjustment == adj.id and d.exclusion == e.id
            )
            exclusions.append(CompiledExclusion(e, cond, declared))
        out.append(CompiledAdjustment(adj, when, tuple(exclusions)))
    return tuple(out)


def check_adjustments(pack: Pack, source: Located) -> None:
    """Ids are unique and a recommended reduction a setting gives is a share in the reduction's range.

    Raises:
        RuleError: PE-R011 for a duplicate id, PE-R010 for a setting that is missing or out of range.
    """
    seen: set[str] = set()
    for i, adj in enumerate(pack.adjustments):
        if adj.id in seen:
            message = msg("adjustment id '{id}' is given twice", id=adj.id)
            raise RuleError("PE-R011", message, source.where(("adjustments", i, "id")))
        seen.add(adj.id)
        rec = adj.reduction.recommended
        if not isinstance(rec, SettingRef):
            continue
        at = source.where(("adjustments", i, "reduction", "recommended"))
        setting = pack.settings.get(rec.setting)
        if setting is None:
            message = msg("reduction.recommended names setting '{name}', not in pack.yaml", name=rec.setting)
            raise RuleError("PE-R010", message + suggest(rec.setting, pack.settings), at)
        share = setting_share(setting.value)
        if share is None or not is_terminating(share) or not adj.reduction.min <= share <= adj.reduction.max:
            message = msg(
                "setting '{name}' must be a share between the reduction's min and max (e.g. 40/100)", name=rec.setting
            )
            raise RuleError("PE-R010", message, source.where(("settings", rec.setting, "value")))


def setting_share(value: Any) -> Fraction | None:
    """A setting's value read as a share (``40/100``, ``0.4``), or ``None`` when it is none."""
    if isinstance(value, bool):
        return None
    try:
        return Fraction(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None


__all__ = [
    "CompiledAdjustment",
    "CompiledAdjustments",
    "CompiledExclusion",
    "check_adjustments",
    "compile_adjustments",
    "setting_share",
]
