"""Compiling the band mode of a rule version (幅度罚款模式, ADR 0024): each level's and each 从重
circumstance's condition into the version's ``ClauseTable``.

A banded version needs a branch with a fine range (a row's band lies inside it, and the amount is
clamped to it). Rows that overlap or leave a hole, and bands outside the statutory range, are
``rules check`` findings (``check/banded.py``), not load errors: the engine takes the first row
that covers a case, and a case no row covers is an evaluation error naming the levels.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..cel import ClauseTable, CompiledCondition
from ..errors import RuleError, msg
from ..models import BandCircumstance, BandFactor, MultipleFine, RangeFine, RuleVersion

#: per factor: the factor and each level's condition (``None``: the level has no condition)
CompiledBandFactors = tuple[tuple[BandFactor, tuple[CompiledCondition | None, ...]], ...]
#: the 从重 circumstances of the table with their conditions
CompiledHeavier = tuple[tuple[BandCircumstance, CompiledCondition], ...]


def compile_banded(
    v: RuleVersion, table: ClauseTable, where: Callable[[tuple[Any, ...]], str], vloc: tuple[Any, ...]
) -> tuple[CompiledBandFactors, CompiledHeavier]:
    """The factors of ``v``'s band table and its 从重 circumstances, their conditions added to
    ``table`` (empty when the version is not banded); ``where`` locates a key of the rule file."""
    spec = v.banded
    if spec is None:
        return (), ()
    if not any(isinstance(b.fine, RangeFine | MultipleFine) for b in v.frame):
        raise RuleError(
            "PE-R010", msg("a banded version needs a branch with a fine range (min–max or a multiple)"), where(vloc)
        )
    factors = []
    for i, f in enumerate(spec.factors):
        conds = []
        for j, lv in enumerate(f.levels):
            at = where((*vloc, "banded", "factors", i, "levels", j, "when"))
            conds.append(table.add(lv.when, at) if lv.when is not None else None)
        factors.append((f, tuple(conds)))
    heavier = []
    for k, c in enumerate(spec.heavier):
        heavier.append((c, table.add(c.when, where((*vloc, "banded", "heavier", k, "when")))))
    return tuple(factors), tuple(heavier)
