"""``penalty rules check``: find the defects of a pack before it is published.

Two passes:

* **load findings**: what stops a pack from loading (CEL type errors, undeclared facts,
  overlapping versions) becomes a finding with its file:line instead of an exception;
* **static analysis** of every rule version on *witness cases*: for every fact a condition
  reads, the values at each edge its conditions compare it with (found by walking each clause's
  tree, ``cel.edges``: ``fact OP literal``, ``literal OP fact``, ``fact in [...]``), just inside
  and just outside each edge, and between consecutive edges, at the fact's precision (int 1,
  money one fen, number unlimited: between 10 and 10.01 lies 10.005), so 以上/以下 boundaries are
  hit exactly and no value slips between two branches; both booleans, every enum value, both
  party kinds and the ages around 14, 18 and every ``party.age`` edge.
  When their product is small every combination is tried, otherwise a seeded sample. Each
  witness runs through the rule's compiled conditions, which finds gaps, overlaps, unreachable
  branches, tiers and factors, weights that never matter or get clamped. Band geometry, unused
  facts and version gaps are checked from the rule data.

Property search over the engine's invariants lives in ``penalty_engine.check.invariants``.
Findings follow the check contract (DESIGN.md "Check output").
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import random
from collections.abc import Iterable, Iterator
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..cel import PARTY, Node, cel_value, edges
from ..errors import RuleError, RuleErrors
from ..models import FactSpec, FactType, MultipleFine, PerUnitFine, to_json
from ..pack import CompiledRule, CompiledVersion, LoadedPack, compile_rule, load_pack_files
from .banded import banded_findings
from .findings import KINDS, Finding, Report, Severity, at, split_where
from .levels import LevelTally, layer_of
from .prose import prose_problems
from .quote import discrepancies
from .weights import LevelReach, table_findings

__all__ = ["KINDS", "Finding", "Report", "Severity", "check_pack", "load_findings"]

_LOAD_KINDS = {
    "PE-R006": "type_error",
    "PE-R007": "undeclared_fact",
    "PE-R008": "version_overlap",
    "PE-R005": "type_error",
}

MAX_WITNESSES = 4096


_split_where = split_where


def load_findings(exc: RuleError, rule: str | None = None) -> list[Finding]:
    errors = exc.errors if isinstance(exc, RuleErrors) else [exc]
    out = []
    for e in errors:
        kind = _LOAD_KINDS.get(e.code, "load_error")  # YAML, schema, references: the file does not load
        path, line = _split_where(e.where)
        out.append(Finding(kind, rule, path, line, f"{e.code} {e.message}"))
    return out


def check_pack(ref: str | Path, *, seed: int = 0, progress: Any = None) -> Report:
    """Run the load and static checks on a pack (invariants: see ``invariants.search``).

    A rule file or pack.yaml that does not load (YAML, schema, references) is a ``load_error``
    finding; the rules that load are still checked.

    Raises:
        RuleError: PE-R009 when there is no pack at ``ref``.
    """
    try:
        loaded = load_pack_files(ref)
    except RuleError as exc:
        if exc.code == "PE-R009":
            raise
        report = Report(str(ref))
        report.findings.extend(load_findings(exc))
        return report
    report = Report(loaded.pack.id)
    for error in loaded.errors:
        report.findings.extend(load_findings(error))
    report.findings.extend(_unmarked(loaded))
    report.findings.extend(_missing_zh(loaded))
    for lr in loaded.rules:
        rule_id = f"{loaded.pack.id}/{lr.rule.id}"
        try:
            compiled = compile_rule(loaded, lr)
        except RuleError as exc:
            report.findings.extend(load_findings(exc, rule_id))
            continue
        report.rules += 1
        report.findings.extend(_versions(compiled))
        report.findings.extend(_bands(loaded, compiled))
        report.findings.extend(_unused(compiled))
        report.findings.extend(Finding("quote_mismatch", *d) for d in discrepancies(compiled))
        for cv in compiled.versions:
            findings, n = _witness_analysis(compiled, cv, seed)
            report.witnesses += n
            report.findings.extend(findings)
        if progress is not None:
            progress()
    return report


# ------------------------------------------------------------------ data checks


def _unmarked(loaded: LoadedPack) -> Iterator[Finding]:
    """Pack choices the law does not make, left without the assumption that says so."""
    pack, src = loaded.pack, loaded.source
    general = pack.general
    choices: list[tuple[tuple[str | int, ...], str, bool]] = [
        (("rounding",), "the rounding unit and mode", pack.rounding.assumption is None),
        (("boundaries",), "the reading of 以上/以下", pack.boundaries.assumption is None),
        (("tier_scheme",), "the split of the range into tier bands", pack.tier_scheme.assumption is None),
    ]
    no_start = (v.weighted or v.per_day or v.banded for lr in loaded.rules for v in lr.rule.versions)
    if not all(lr.rule.versions for lr in loaded.rules) or not all(no_start):
        start = (("factor_start",), "the start position in the band", pack.factor_start_assumption is None)
        choices.append(start)  # weighted (ADR 0020) and per-day (ADR 0023) versions have no start position
    if general.below_minimum is not None:
        choices.append(
            (("general", "below_minimum"), "the below-minimum amount", general.below_minimum.assumption is None)
        )
    if general.limitation is not None:
        choices.append(
            (("general", "limitation"), "the counting of the limitation period", general.limitation.assumption is None)
        )
    for j, t in enumerate(general.hearing):
        choices.append((("general", "hearing", j), f"the 较大数额 for {t.party}", t.assumption is None))
    for loc, what, missing in choices:
        if missing:
            yield Finding(
                "unmarked_assumption",
                None,
                *at(src, loc),
                f"{what} is the pack's choice, not law: say so in its 'assumption'",
            )


def _missing_zh(loaded: LoadedPack) -> Iterator[Finding]:
    """Prose with no Chinese text, in the pack file and each rule file (each place once)."""
    seen: set[tuple[str, int]] = set()
    sources = [(None, loaded.source)] + [(f"{loaded.pack.id}/{lr.rule.id}", lr.source) for lr in loaded.rules]
    if loaded.shared is not None:  # the shared general part the pack uses (ADR 0022)
        sources.append((None, loaded.shared.source))
    for rule, src in sources:
        for loc, message in prose_problems(src):
            place = at(src, loc)
            if place not in seen:
                seen.add(place)
                yield Finding("missing_zh", rule, *place, f"{'.'.join(map(str, loc))} {message}")


def _where(rule: CompiledRule, loc: tuple[str | int, ...]) -> tuple[str, int]:
    return at(rule.source, loc)


def _versions(rule: CompiledRule) -> Iterator[Finding]:
    ordered = sorted(rule.versions, key=lambda v: v.version.effective_from)
    for a, b in itertools.pairwise(ordered):
        end = a.version.effective_to
        if end is not None and end + dt.timedelta(days=1) < b.version.effective_from:
            path, line = _where(rule, ("versions", a.index, "effective_to"))
            yield Finding(
                "version_gap",
                rule.id,
                path,
                line,
                f"no version is in force from {end + dt.timedelta(days=1)} to "
                f"{b.version.effective_from - dt.timedelta(days=1)}",
                {"occurred_on": (end + dt.timedelta(days=1)).isoformat()},
            )


def _bands(loaded: LoadedPack, rule: CompiledRule) -> Iterator[Finding]:
    scheme = rule.pack.tier_scheme
    for cv in rule.versions:
        bands: dict[str, tuple[Fraction, Fraction, tuple[str, int]]] = {}
        setters: dict[str, str | None] = {}
        for name in ("lighter", "standard", "heavier"):
            b = scheme.band(name)
            bands[name] = (b.lower, b.upper, at(loaded.source, ("tier_scheme", name)))
            setters[name] = rule.origin.get("tier_scheme")
        for j, (t, _) in enumerate(cv.tiers):
            if t.band is not None:
                bands[t.tier] = (t.band.lower, t.band.upper, _where(rule, ("versions", cv.index, "tiers", j, "band")))
                setters[t.tier] = cv.origin.get("tiers")
        for name, (lo, hi, (path, line)) in bands.items():
            if lo < 0 or hi > 1:
                message = f"band of '{name}' ({lo}–{hi}) leaves the statutory range (0–1)"
                base = cv.origin.get("frame")
                layer = layer_of(setters[name], base)
                if layer is None:
                    yield Finding("band_outside_range", rule.id, path, line, message)
                else:
                    message += f"; the band is set by layer pack '{layer}' over base pack '{base}'"
                    yield Finding("layer_widens_base", rule.id, path, line, message)
        order = ["lighter", "standard", "heavier"]
        for low, high in itertools.pairwise(order):
            (_, a_hi, _), (b_lo, _, (path, line)) = bands[low], bands[high]
            if a_hi > b_lo:
                yield Finding(
                    "band_overlap",
                    rule.id,
                    path,
                    line,
                    f"bands of '{low}' (up to {a_hi}) and '{high}' (from {b_lo}) overlap: a heavier "
                    f"tier could give a lower fine",
                )
            elif a_hi < b_lo:
                message = f"no tier covers the part {a_hi}–{b_lo} of the range between '{low}' and '{high}'"
                yield Finding("band_hole", rule.id, path, line, message)
        if bands["lighter"][0] > 0 or bands["heavier"][1] < 1:
            path, line = bands["lighter"][2] if bands["lighter"][0] > 0 else bands["heavier"][2]
            yield Finding(
                "band_hole",
                rule.id,
                path,
                line,
                f"the tiers cover only {bands['lighter'][0]}–{bands['heavier'][1]} of the range",
            )


def _reads(rule: CompiledRule) -> set[str]:
    names: set[str] = set()
    for cv in rule.versions:
        for reads in cv.table.reads:
            names.update(reads)
        for b, _ in cv.branches:
            if isinstance(b.fine, MultipleFine):
                names.add(b.fine.times)
            if isinstance(b.fine, PerUnitFine):
                names.add(b.fine.per)
            names.update(b.confiscate)
        if cv.version.per_day is not None:  # the original fine of a per-day fine (ADR 0023)
            names.add(cv.version.per_day.daily)
    return names


def _unused(rule: CompiledRule) -> Iterator[Finding]:
    read = _reads(rule)
    for name in rule.rule.facts:
        if name not in read:
            path, line = _where(rule, ("facts", name))
            yield Finding(
                "unused_fact",
                rule.id,
                path,
                line,
                f"fact '{name}' is declared but no condition, fine or confiscation reads it",
            )


# ------------------------------------------------------------------ witness analysis


def _constants(trees: Iterable[Node | None], name: str) -> set[Decimal]:
    """The exact edges of ``name`` (a fact, or ``party.age``) in the clauses' trees: every literal
    it is compared with or listed against. A clause outside the subset (no tree) has none."""
    out: set[Decimal] = set()
    for tree in trees:
        if tree is not None:
            out |= edges(tree).get(name, set())
    return out


#: The precision of a fact's values: int facts step 1, money is stated in fen; number facts have
#: none (``None``): any decimal is a valid value.
_GRID = {FactType.int: Decimal(1), FactType.money: Decimal("0.01")}
#: Just inside / outside an edge of a number fact, as a person would write a value.
_NEAR = Decimal("0.01")


def _on_grid(value: Decimal, grid: Decimal, rounding: str) -> Decimal:
    return (value / grid).to_integral_value(rounding) * grid


def _boundary_values(constants: set[Decimal], grid: Decimal | None) -> set[Decimal]:
    """Each edge, the values just inside and just outside it, and a value between consecutive
    edges, at the precision ``grid`` (``None``: unlimited). Off-grid values are left to the caller."""
    values: set[Decimal] = set()
    near = grid if grid is not None else _NEAR
    for c in constants:
        values.update({c - near, c, c + near})
        if grid is None or grid < 1:
            values.update({c - 1, c + 1})
        if grid is not None:  # an edge between two grid points: the points on either side
            values.update({_on_grid(c, grid, ROUND_FLOOR), _on_grid(c, grid, ROUND_CEILING)})
    ordered = sorted(constants)
    for a, b in itertools.pairwise(ordered):
        mid = (a + b) / 2
        if grid is not None:
            mid = _on_grid(mid, grid, ROUND_FLOOR)
        if a < mid < b:
            values.add(mid)
    return values


def _candidates(spec: FactSpec, constants: set[Decimal]) -> list[Any]:
    """The witness values of one fact: both booleans, every enum value, or the numbers at, around
    and between the edges ``constants``, and the fact's bounds."""
    if spec.type is FactType.bool:
        return [False, True]
    if spec.type is FactType.enum:
        assert spec.values
        return list(spec.values)
    grid = _GRID.get(spec.type)
    lo = spec.min if spec.min is not None else Decimal(0)
    hi = spec.max if spec.max is not None else max([lo, *constants]) * 2 + 1000
    values = {lo, hi} | _boundary_values(constants, grid)
    kept = sorted(v for v in values if lo <= v <= hi and (grid is None or v % grid == 0 or v in (lo, hi)))
    if spec.type is FactType.int:
        return [int(v) for v in kept if v == v.to_integral_value()]
    return kept


def _parties(trees: list[Node | None], reads_party: bool) -> list[dict[str, Any]]:
    """Both party kinds when a clause reads the party, with the ages around 14, 18 and each
    ``party.age`` edge; otherwise an organization alone."""
    if not reads_party:
        return [{"kind": "organization"}]
    ages = {30, 18, 17, 14, 13} | _boundary_values(_constants(trees, "party.age"), Decimal(1))
    kept = sorted(int(a) for a in ages if 0 <= a <= 150 and a == int(a))
    people = [{"kind": "individual", "age": a, "age_given": True} for a in kept]
    return [*people, {"kind": "organization"}]


def _frame_clauses(cv: CompiledVersion) -> list[int]:
    """Clause indices of the frame, tiers, levels and factors (the general part is the pack's, checked apart)."""
    conds = [c for _, c in cv.branches if c is not None] + [c for _, c in cv.tiers if c is not None]
    conds += [c for _, c in cv.levels if c is not None] + [c for _, c in cv.factors]
    conds += [c for _, levels in cv.weighted for c in levels if c is not None]
    conds += [c for _, levels in cv.banded for c in levels if c is not None] + [c for _, c in cv.heavier]
    return sorted({i for c in conds for i in c.indices})


def _level_bases(cv: CompiledVersion) -> set[str]:
    """The base facts of the multiple branches of a version with levels (an amount band there is
    checked against the range at each witness base value), and of every multiple with a floor on
    its base (``base_min``: the witnesses fall below, at and above the floor)."""
    multiples = [b.fine for b, _ in cv.branches if isinstance(b.fine, MultipleFine)]
    return {f.times for f in multiples if cv.levels or f.base_min is not None}


def _base_floors(cv: CompiledVersion, name: str) -> set[Decimal]:
    """The floors on the base ``name`` of the version's multiple fines (所需处置费用不足二十万元的，按二十万元计算)."""
    return {
        b.fine.base_min
        for b, _ in cv.branches
        if isinstance(b.fine, MultipleFine) and b.fine.times == name and b.fine.base_min is not None
    }


def _witnesses(rule: CompiledRule, cv: CompiledVersion, seed: int) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """(typed facts, party) pairs covering the values the version's conditions care about."""
    clauses = _frame_clauses(cv)
    trees = [cv.table.trees[i] for i in clauses]
    read = sorted({n for i in clauses for n in cv.table.reads[i] if n != PARTY} | _level_bases(cv))
    axes = {n: _candidates(rule.facts[n], _constants(trees, n) | _base_floors(cv, n)) for n in read}
    parties = _parties(trees, any(PARTY in cv.table.reads[i] for i in clauses))
    names = list(axes)
    total = len(parties)
    for n in names:
        total *= len(axes[n])
    if total <= MAX_WITNESSES:
        for party in parties:
            for combo in itertools.product(*(axes[n] for n in names)):
                yield dict(zip(names, combo, strict=True)), party
        return
    rng = random.Random(seed)  # a fixed seed: the same pack gives the same report
    for _ in range(MAX_WITNESSES):
        yield {n: rng.choice(axes[n]) for n in names}, rng.choice(parties)


def _witness_json(rule: CompiledRule, facts: dict[str, Any], party: dict[str, Any]) -> dict[str, Any]:
    """A witness as the facts and party of a case (facts at their default are left out)."""
    shown = {n: to_json(rule.facts[n], v) for n, v in facts.items() if v != rule.defaults.get(n, object())}
    person = {k: v for k, v in party.items() if k != "age_given"}
    return {"facts": shown, "party": person}


def _witness_analysis(rule: CompiledRule, cv: CompiledVersion, seed: int) -> tuple[list[Finding], int]:
    v = cv.version
    base = dict(rule.defaults_cel)
    branch_first: dict[int, dict[str, Any]] = {}
    tier_first: dict[int, dict[str, Any]] = {}
    factor_holds: dict[int, dict[str, Any]] = {}
    overlaps: dict[tuple[str, int, int], dict[str, Any]] = {}
    gap: dict[str, Any] | None = None
    clamped: dict[str, Any] | None = None
    start = v.start if v.start is not None else rule.pack.factor_start
    levels = LevelTally(rule, cv) if cv.levels else None
    reach = LevelReach(rule, cv) if cv.weighted else None
    n = 0
    for facts, party in _witnesses(rule, cv, seed):
        n += 1
        activation = {**base, **{k: cel_value(rule.facts[k], x) for k, x in facts.items()}, PARTY: party}
        try:
            results = cv.table.run(activation, "check")
        except Exception:  # a runtime failure on a valid case is a type error in the rule
            return [
                Finding(
                    "type_error",
                    rule.id,
                    *_where(rule, ("versions", cv.index)),
                    f"a condition of version {v.key} fails on a valid case",
                    _witness_json(rule, facts, party),
                )
            ], n
        holding = [i for i, (_, c) in enumerate(cv.branches) if c is None or c.holds(results)]
        if not holding:
            gap = gap or _witness_json(rule, facts, party)
            continue
        branch_first.setdefault(holding[0], _witness_json(rule, facts, party))
        if levels is not None:
            levels.see(holding[0], results, facts, functools.partial(_witness_json, rule, facts, party))
        if reach is not None:
            reach.see(results)
        conditional = [i for i in holding if cv.branches[i][1] is not None]
        for a, b in itertools.pairwise(conditional[:2]):
            overlaps.setdefault(("frame", a, b), _witness_json(rule, facts, party))
        if cv.branches[holding[0]][0].fine is None or isinstance(cv.branches[holding[0]][0].fine, PerUnitFine):
            continue
        tiers = [i for i, (_, c) in enumerate(cv.tiers) if c is None or c.holds(results)]
        if tiers:
            tier_first.setdefault(tiers[0], _witness_json(rule, facts, party))
            cond_tiers = [i for i in tiers if cv.tiers[i][1] is not None]
            for a, b in itertools.pairwise(cond_tiers[:2]):
                if cv.tiers[a][0].tier != cv.tiers[b][0].tier:
                    overlaps.setdefault(("tiers", a, b), _witness_json(rule, facts, party))
        raw = start
        for j, (f, c) in enumerate(cv.factors):
            if c.holds(results):
                factor_holds.setdefault(j, _witness_json(rule, facts, party))
                raw += f.weight if f.effect == "aggravating" else -f.weight
        if (raw > 1 or raw < 0) and clamped is None:
            clamped = {**_witness_json(rule, facts, party), "position": str(raw)}
    found = _witness_findings(rule, cv, branch_first, tier_first, factor_holds, overlaps, gap, clamped)
    found += levels.findings() if levels is not None else []
    found += reach.findings() + table_findings(rule, cv) if reach is not None else []
    found += banded_findings(rule, cv)
    return found, n


def _witness_findings(
    rule: CompiledRule,
    cv: CompiledVersion,
    branch_first: dict[int, Any],
    tier_first: dict[int, Any],
    factor_holds: dict[int, Any],
    overlaps: dict[tuple[str, int, int], Any],
    gap: Any,
    clamped: Any,
) -> list[Finding]:
    v, i = cv.version, cv.index
    out: list[Finding] = []
    if gap is not None:
        path, line = _where(rule, ("versions", i, "frame"))
        out.append(
            Finding(
                "gap",
                rule.id,
                path,
                line,
                f"version {v.key}: no statutory branch matches these facts (add a branch without 'when' "
                f"or widen a condition)",
                gap,
            )
        )
    for (part, a, b), witness in sorted(overlaps.items()):
        if part == "frame":
            first_id, second_id = cv.branches[a][0].id, cv.branches[b][0].id
        else:
            first_id, second_id = cv.tiers[a][0].tier, cv.tiers[b][0].tier
        path, line = _where(rule, ("versions", i, part, b, "when"))
        out.append(
            Finding(
                "overlap",
                rule.id,
                path,
                line,
                f"version {v.key}: {part} entries '{first_id}' and '{second_id}' both match; the order "
                f"decides ('{first_id}' wins). Make the conditions exclusive if that is not meant.",
                witness,
            )
        )
    for j, (br, _) in enumerate(cv.branches):
        if j not in branch_first and gap is None:
            path, line = _where(rule, ("versions", i, "frame", j))
            message = f"version {v.key}: branch '{br.id}' never applies (earlier branches take every case)"
            out.append(Finding("unreachable", rule.id, path, line, message))
    ranged = any(br.fine is not None and not isinstance(br.fine, PerUnitFine) for br, _ in cv.branches)
    for j, (t, _) in enumerate(cv.tiers):
        if ranged and j not in tier_first:
            path, line = _where(rule, ("versions", i, "tiers", j))
            out.append(
                Finding(
                    "unreachable",
                    rule.id,
                    path,
                    line,
                    f"version {v.key}: tier '{t.tier}' (entry {j + 1}) is never chosen",
                )
            )
    for j, (f, _) in enumerate(cv.factors):
        if j not in factor_holds:
            path, line = _where(rule, ("versions", i, "factors", j))
            out.append(
                Finding(
                    "inert_weight",
                    rule.id,
                    path,
                    line,
                    f"version {v.key}: factor '{f.id}' never applies, so its weight {f.weight} never matters",
                )
            )
    if clamped is not None:
        path, line = _where(rule, ("versions", i, "factors"))
        out.append(
            Finding(
                "always_clamped",
                rule.id,
                path,
                line,
                f"version {v.key}: the factors can move the position past the band's edge "
                f"({clamped['position']}), so part of their weight is lost",
                clamped,
            )
        )
    return out
