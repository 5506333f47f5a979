"""What ``rules check`` says about a band table (幅度罚款模式, ADR 0024; issue #17).

The rows of a band table name levels of its factors, so whether they cover every combination once
is decided exactly, from the table alone (no witness cases):

``banded_overlap``  (error) a combination of levels is covered by several rows: the table is not
                    mutually exclusive; the engine would take the first;
``banded_hole``     (error) a combination is covered by no row: a case there cannot be decided;
``banded_outside_range`` (error) a row's band passes the statutory range of a branch with a range
                    (``{min, max}``): the engine would clamp it;
``banded_order``    (warning) a later level of a factor gives a lower band than an earlier one, the
                    other factors the same: the first level is where a factor not established counts
                    (第五条 最低档次), so the levels should run lowest first.

Pure: the compiled rule in, findings out.
"""

from __future__ import annotations

from ..models import Banded, RangeFine
from ..pack import CompiledRule, CompiledVersion
from .findings import Finding, at

BANDED_KINDS = ("banded_overlap", "banded_hole", "banded_outside_range", "banded_order")


def _named(spec: Banded, combo: tuple[str, ...]) -> str:
    return ", ".join(f"{f.id}={level}" for f, level in zip(spec.factors, combo, strict=True))


def banded_findings(rule: CompiledRule, cv: CompiledVersion) -> list[Finding]:
    """The findings of ``cv``'s band table (none when the version is not banded)."""
    spec = cv.version.banded
    if spec is None:
        return []
    key, loc = cv.version.key, ("versions", cv.index, "banded")
    out: list[Finding] = []
    first: dict[tuple[str, ...], int] = {}
    for combo in spec.combinations():
        rows = spec.rows_for(combo)
        if not rows:
            message = f"version {key}: no row covers {_named(spec, combo)}: a case there cannot be decided"
            out.append(Finding("banded_hole", rule.id, *at(rule.source, (*loc, "rows")), message))
            continue
        first[combo] = rows[0]
        if len(rows) > 1:
            numbers = ", ".join(str(k + 1) for k in rows)
            message = f"version {key}: rows {numbers} all cover {_named(spec, combo)}: the first is taken"
            out.append(Finding("banded_overlap", rule.id, *at(rule.source, (*loc, "rows", rows[1])), message))
    for b in cv.version.frame:
        if not isinstance(b.fine, RangeFine):
            continue
        for k, row in enumerate(spec.rows):
            lo, hi = row.band.edges
            if lo < b.fine.min or hi > b.fine.max:
                message = (
                    f"version {key}: row {k + 1}'s band {lo}–{hi} passes the statutory range {b.fine.min}–"
                    f"{b.fine.max} of branch '{b.id}': the amount is kept inside the range"
                )
                out.append(Finding("banded_outside_range", rule.id, *at(rule.source, (*loc, "rows", k)), message))
    out += _order(rule, cv, spec, first)
    return out


def _below(spec: Banded, r: int, k: int) -> bool:
    """Whether row ``r``'s band lies lower than row ``k``'s: neither end higher, one end lower."""
    (lo_r, hi_r), (lo_k, hi_k) = spec.rows[r].band.edges, spec.rows[k].band.edges
    return lo_r <= lo_k and hi_r <= hi_k and (lo_r, hi_r) != (lo_k, hi_k)


def _order(rule: CompiledRule, cv: CompiledVersion, spec: Banded, first: dict[tuple[str, ...], int]) -> list[Finding]:
    """A factor whose later level gives a lower band (both ends) than an earlier one, once per factor."""
    out: list[Finding] = []
    for i, factor in enumerate(spec.factors):
        ids = [lv.id for lv in factor.levels]
        for combo, k in first.items():
            j = ids.index(combo[i])
            later = [(m, first.get((*combo[:i], ids[m], *combo[i + 1 :]))) for m in range(j + 1, len(ids))]
            lower = [(m, r) for m, r in later if r is not None and _below(spec, r, k)]
            if lower:
                m, r = lower[0]
                message = (
                    f"version {cv.version.key}: level '{ids[m]}' of factor '{factor.id}' gives a lower band (row "
                    f"{r + 1}) than the earlier level '{ids[j]}' (row {k + 1}); a factor not established counts at "
                    "its first level, so the levels should run lowest first"
                )
                loc = ("versions", cv.index, "banded", "factors", i, "levels", m)
                out.append(Finding("banded_order", rule.id, *at(rule.source, loc), message))
                break
    return out
