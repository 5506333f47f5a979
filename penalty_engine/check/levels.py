"""Findings on named levels (阶次, ADR 0010) and on the bands a layer sets (ADR 0011).

Pure; the cost is linear in levels × branches for the data checks, constant per witness case for
the tally. Per statutory branch with a fine range (a ``RangeFine`` or a ``MultipleFine``):

* from the rule data alone (``level_findings``): ``level_band_outside_range`` (an amount band
  outside a fixed range, multiples outside the multiple fine's, fractions above 1),
  ``level_band_overlap`` (two levels' bands share more than an edge) and ``level_order`` (a level
  of a heavier tier has a band below a lighter tier's). Bands of one branch are compared on one
  scale: amounts for a fixed range, multiples of the base for a multiple fine (a fraction band
  becomes the part of the range it names; an amount band in a multiple branch is compared only
  with amount bands);
* from the witness cases of ``static`` (``LevelTally``): ``level_gap`` (a case reaches the branch
  and no level holds: evaluation stops with PE-E003), ``level_unreachable`` (a level no case
  chooses) and an amount band of a multiple branch outside the range at a witness's base value.

A band outside the statutory range that a layer set (the part's origin is not the pack that
defines the rule) is reported as ``layer_widens_base``, naming the layer: a layer cannot widen the
frame. Evaluation cuts such a band to the range (the law wins); the table is still wrong.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from ..models import AmountBand, Band, Branch, Level, MultipleBand, MultipleFine, RangeFine
from ..money import dec_str, frac_str, scale
from ..pack import CompiledRule, CompiledVersion
from .findings import Finding, at

_RANK = {"lighter": 0, "standard": 1, "heavier": 2}

Spec = Band | AmountBand | MultipleBand


@dataclass(frozen=True)
class _Span:
    """A band on one scale: ``amount`` (money) or ``times`` (multiples of the branch's base)."""

    scale: str
    lo: Fraction
    hi: Fraction

    def text(self) -> str:
        edges = f"{frac_str(self.lo)}–{frac_str(self.hi)}" if self.lo != self.hi else frac_str(self.lo)
        return edges + (" ×" if self.scale == "times" else "")


def _span(spec: Spec, fine: RangeFine | MultipleFine) -> _Span:
    """``spec`` on the scale of ``fine``: amounts for a fixed range, multiples for a multiple fine."""
    if isinstance(spec, AmountBand):
        lo, hi = spec.edges
        return _Span("amount", Fraction(lo), Fraction(hi))
    if isinstance(spec, MultipleBand):
        return _Span("times", *spec.multiples)
    f_lo, f_hi = (Fraction(fine.min), Fraction(fine.max))
    unit = "amount" if isinstance(fine, RangeFine) else "times"
    return _Span(unit, f_lo + spec.lower * (f_hi - f_lo), f_lo + spec.upper * (f_hi - f_lo))


def ranged(cv: CompiledVersion) -> list[Branch]:
    """The branches of ``cv`` with a fine range (the ones levels give a band in)."""
    return [b for b, _ in cv.branches if isinstance(b.fine, RangeFine | MultipleFine)]


def _key(level: Level, branch: str) -> str:
    """The key of ``level.bands`` that gives its band for ``branch`` (its own, else ``"*"``)."""
    return branch if branch in level.bands else "*"


def layer_of(by: str | None, base: str | None) -> str | None:
    """The layer that set a part (``by``), when it is not the pack that defines the rule (``base``)."""
    return by if by and base and by != base else None


def outside(
    rule: CompiledRule, cv: CompiledVersion, kind: str, by: str | None, loc: tuple[Any, ...], message: str
) -> Finding:
    """An outside-range finding of ``kind``; ``layer_widens_base`` instead when a layer set the band."""
    base = cv.origin.get("frame")
    layer = layer_of(by, base)
    if layer is not None:
        kind = "layer_widens_base"
        message += (
            f"; the band is set by layer pack '{layer}' over base pack '{base}', and a layer cannot widen "
            f"the statutory frame"
        )
    return Finding(kind, rule.id, *at(rule.source, loc), message)


def _outside_range(spec: Spec, fine: RangeFine | MultipleFine) -> str | None:
    """Why ``spec`` leaves the statutory range of ``fine`` (``None`` when it stays inside or when
    only a base value can tell: an amount band in a multiple branch)."""
    if isinstance(spec, Band):
        return f"fractions {frac_str(spec.lower)}–{frac_str(spec.upper)} go above 1" if spec.upper > 1 else None
    if isinstance(spec, AmountBand) and isinstance(fine, RangeFine):
        lo, hi = spec.edges
        if lo < fine.min or hi > fine.max:
            return f"amounts {dec_str(lo)}–{dec_str(hi)} leave the range {dec_str(fine.min)}–{dec_str(fine.max)}"
    if isinstance(spec, MultipleBand) and isinstance(fine, MultipleFine):
        m_lo, m_hi = spec.multiples
        if m_lo < fine.min or m_hi > fine.max:
            return (
                f"multiples {frac_str(m_lo)}–{frac_str(m_hi)} leave the range "
                f"{frac_str(fine.min)}–{frac_str(fine.max)} × {fine.times}"
            )
    return None


def _overlap(a: _Span, b: _Span) -> bool:
    """More than a shared edge: a common stretch, or a single amount strictly inside the other band."""
    lo, hi = max(a.lo, b.lo), min(a.hi, b.hi)
    if lo < hi:
        return True
    return lo == hi and (a.lo < lo < a.hi or b.lo < lo < b.hi or a == b)


def level_findings(
    rule: CompiledRule, cv: CompiledVersion, cases: dict[tuple[str, int], dict[str, Any]] | None = None
) -> Iterator[Finding]:
    """Band geometry of ``cv``'s levels, per statutory branch with a fine range (see the module).
    ``cases`` gives, per (branch id, level index), a witness case that reaches the branch and
    chooses the level; a finding about a level's band carries it when there is one."""
    v, i = cv.version, cv.index
    cases = cases or {}
    by = cv.origin.get("levels")
    seen: set[tuple[Any, ...]] = set()
    for branch in ranged(cv):
        fine = branch.fine
        assert isinstance(fine, RangeFine | MultipleFine)
        bands: list[tuple[int, Level, str, _Span]] = []
        for j, (lv, _) in enumerate(cv.levels):
            spec = lv.band_for(branch.id)
            if spec is None:  # pragma: no cover - refused at load (PE-R010)
                continue
            key = _key(lv, branch.id)
            bands.append((j, lv, key, _span(spec, fine)))
            why = _outside_range(spec, fine)
            if why is not None and ("outside", j, key) not in seen:
                seen.add(("outside", j, key))
                loc = ("versions", i, "levels", j, "bands", key)
                message = f"version {v.key}: the band of level '{lv.id}' for branch '{branch.id}': {why}"
                finding = outside(rule, cv, "level_band_outside_range", by, loc, message)
                finding.witness = cases.get((branch.id, j))
                yield finding
        for (ja, a, ka, sa), (jb, b, kb, sb) in itertools.combinations(bands, 2):
            if sa.scale != sb.scale:
                continue
            loc = ("versions", i, "levels", jb, "bands", kb)
            if _overlap(sa, sb) and ("overlap", ja, ka, jb, kb) not in seen:
                seen.add(("overlap", ja, ka, jb, kb))
                yield Finding(
                    "level_band_overlap",
                    rule.id,
                    *at(rule.source, loc),
                    f"version {v.key}, branch '{branch.id}': the bands of levels '{a.id}' ({sa.text()}) and "
                    f"'{b.id}' ({sb.text()}) overlap beyond a shared edge: one amount falls in two levels",
                    cases.get((branch.id, jb)),
                )
            light, heavy = (a, b) if _RANK[a.tier] < _RANK[b.tier] else (b, a)
            s_light, s_heavy = (sa, sb) if light is a else (sb, sa)
            if _RANK[light.tier] == _RANK[heavy.tier] or not (s_heavy.lo < s_light.lo or s_heavy.hi < s_light.hi):
                continue
            jh, kh = (ja, ka) if heavy is a else (jb, kb)
            if ("order", ja, ka, jb, kb) in seen:
                continue
            seen.add(("order", ja, ka, jb, kb))
            yield Finding(
                "level_order",
                rule.id,
                *at(rule.source, ("versions", i, "levels", jh, "bands", kh)),
                f"version {v.key}, branch '{branch.id}': level '{heavy.id}' (tier {heavy.tier}, {s_heavy.text()}) "
                f"lies below level '{light.id}' (tier {light.tier}, {s_light.text()}): a heavier level could "
                f"give a lower fine",
                cases.get((branch.id, jh)),
            )


class LevelTally:
    """What the witness cases of one version with levels show: the first level each case reaching
    a branch with a fine range chooses, the branches some case reaches with no level holding, and
    amount bands of multiple branches outside the range at a case's base value."""

    def __init__(self, rule: CompiledRule, cv: CompiledVersion) -> None:
        self.rule, self.cv = rule, cv
        self.first: dict[int, dict[str, Any]] = {}
        self.cases: dict[tuple[str, int], dict[str, Any]] = {}
        self.gaps: dict[int, dict[str, Any]] = {}
        self.outside: dict[tuple[int, str], tuple[dict[str, Any], str, str]] = {}
        self.reached = False

    def see(self, j: int, results: Any, facts: dict[str, Any], witness: Callable[[], dict[str, Any]]) -> None:
        """One witness case that reaches branch ``j`` (``results``: its clause results)."""
        cv = self.cv
        branch = cv.branches[j][0]
        fine = branch.fine
        if not isinstance(fine, RangeFine | MultipleFine):
            return
        self.reached = True
        chosen = next((k for k, (_, c) in enumerate(cv.levels) if c is None or c.holds(results)), None)
        if chosen is None:
            if j not in self.gaps:
                self.gaps[j] = witness()
        elif (branch.id, chosen) not in self.cases:
            self.cases[(branch.id, chosen)] = witness()
            self.first.setdefault(chosen, self.cases[(branch.id, chosen)])
        if not isinstance(fine, MultipleFine):
            return
        base = facts.get(fine.times, self.rule.defaults.get(fine.times))
        if not isinstance(base, Decimal):
            return
        base = fine.base(base)  # the statute's floor on the base (base_min), as the engine applies it
        r_lo, r_hi = scale(base, fine.min), scale(base, fine.max)
        for k, (lv, _) in enumerate(cv.levels):
            spec = lv.band_for(branch.id)
            key = _key(lv, branch.id)
            if not isinstance(spec, AmountBand) or (k, key) in self.outside:
                continue
            lo, hi = spec.edges
            if lo < r_lo or hi > r_hi:
                why = (
                    f"amounts {dec_str(lo)}–{dec_str(hi)} leave the range {dec_str(r_lo)}–{dec_str(r_hi)} "
                    f"when {fine.times} is {dec_str(base)}"
                )
                self.outside[(k, key)] = (witness(), why, branch.id)

    def findings(self) -> list[Finding]:
        """Every level finding of the version: the band geometry (``level_findings``, with witness
        cases), then ``level_gap``, ``level_unreachable`` and the witnessed outside-range findings."""
        rule, cv = self.rule, self.cv
        v, i = cv.version, cv.index
        out: list[Finding] = list(level_findings(rule, cv, self.cases))
        for j, witness in sorted(self.gaps.items()):
            out.append(
                Finding(
                    "level_gap",
                    rule.id,
                    *at(rule.source, ("versions", i, "levels")),
                    f"version {v.key}: these facts reach branch '{cv.branches[j][0].id}' but no level's condition "
                    f"holds, so evaluation stops (PE-E003): give the last level no 'when', or widen a condition",
                    witness,
                )
            )
        for k, (lv, _) in enumerate(cv.levels):
            if self.reached and k not in self.first:
                out.append(
                    Finding(
                        "level_unreachable",
                        rule.id,
                        *at(rule.source, ("versions", i, "levels", k)),
                        f"version {v.key}: level '{lv.id}' ({lv.name.zh}) is never chosen: an earlier level takes "
                        f"every case",
                    )
                )
        for (k, key), (witness, why, branch) in sorted(self.outside.items()):
            lv = cv.levels[k][0]
            loc = ("versions", i, "levels", k, "bands", key)
            message = f"version {v.key}: the band of level '{lv.id}' for branch '{branch}': {why}"
            finding = outside(rule, cv, "level_band_outside_range", cv.origin.get("levels"), loc, message)
            finding.witness = witness
            out.append(finding)
        return out
