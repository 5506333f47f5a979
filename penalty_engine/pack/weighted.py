"""Compiling the weighted mode of a rule version (ADR 0020): each level's condition into the version's
``ClauseTable``, and the checks a table must pass to load.

A weighted version needs a branch with a fine range (the amount is a share of its maximum); a
branch whose fine a formula fixes (per unit, tranches) or that has no fine keeps its own way. When
the lowest sum the table gives, times the statutory maximum, can fall below the statutory minimum,
the pack must say what it assumes (``weighted_clamp_assumption``): the sources are silent.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

from ..cel import ClauseTable, CompiledCondition
from ..errors import RuleError, msg, suggest
from ..models import MultipleFine, Pack, RangeFine, RuleVersion, Staged, WeightFactor, tables

#: per factor: the factor and each level's condition (``None``: the level has no condition)
CompiledWeights = tuple[tuple[WeightFactor, tuple[CompiledCondition | None, ...]], ...]


def _ratio_of_range(fine: RangeFine | MultipleFine) -> Fraction | None:
    """The statutory minimum as a share of the maximum (``None`` when the maximum is zero)."""
    lo, hi = (Fraction(fine.min), Fraction(fine.max))
    return lo / hi if hi else None


def compile_weighted(
    pack: Pack, v: RuleVersion, table: ClauseTable, where: Callable[[tuple[Any, ...]], str], vloc: tuple[Any, ...]
) -> CompiledWeights:
    """The weighted factors of ``v`` with their levels' conditions added to ``table`` (empty when the
    version is not weighted); ``where`` locates a key of the rule file."""
    if v.weighted is None:
        return ()
    ranged = [b for b in v.frame if isinstance(b.fine, RangeFine | MultipleFine)]
    if not ranged:
        raise RuleError(
            "PE-R010", msg("a weighted version needs a branch with a fine range (min–max or a multiple)"), where(vloc)
        )
    columns = tables(v.weighted)
    pairs = [(b, spec) for b in ranged for _, spec in columns]  # one column: it serves every branch
    if isinstance(v.weighted, Staged):  # the two-stage form: each stage has its own branch (ADR 0023)
        by_id = {b.id: b for b in ranged}
        for j, (stage, _table) in enumerate(columns):
            assert stage is not None
            if stage.branch not in by_id:
                message = msg(
                    "stage '{stage}' names branch '{branch}', no branch with a fine range of this version",
                    stage=stage.id,
                    branch=stage.branch,
                )
                raise RuleError(
                    "PE-R010",
                    message + suggest(stage.branch, by_id),
                    where((*vloc, "weighted", "stages", j, "branch")),
                )
        missing = sorted(set(by_id) - {s.branch for s, _ in columns if s is not None})
        if missing:
            message = msg("branch '{branch}' has a fine range but no stage of the weighted table", branch=missing[0])
            raise RuleError("PE-R010", message, where((*vloc, "weighted", "stages")))
        pairs = [(by_id[s.branch], spec) for s, spec in columns if s is not None]
    for b, spec in pairs:
        assert isinstance(b.fine, RangeFine | MultipleFine)
        lowest = spec.lowest_sum
        share = _ratio_of_range(b.fine)
        if share is not None and lowest < share and pack.weighted_clamp_assumption is None:
            raise RuleError(
                "PE-R010",
                msg(
                    "the weighted table's lowest sum ({lowest}) × the maximum of branch '{branch}' falls below its "
                    "minimum: the pack needs a 'weighted_clamp_assumption' saying the amount is raised to the minimum",
                    lowest=lowest,
                    branch=b.id,
                ),
                where((*vloc, "weighted")),
            )
    out = []
    for i, f in enumerate(columns[0][1].factors):  # the levels' conditions are the same in every column
        conds = []
        for j, lv in enumerate(f.levels):
            at = where((*vloc, "weighted", "factors", i, "levels", j, "when"))
            conds.append(table.add(lv.when, at) if lv.when is not None else None)
        out.append((f, tuple(conds)))
    return tuple(out)
