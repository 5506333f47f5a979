"""Compiling loaded packs: conditions to CEL programs, references checked, content hashed.

A compiled rule is immutable: evaluation reads it and never writes, so one ``Engine`` can be
shared between threads.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from typing import Any

from ..cel import PARTY, CelPath, ClauseTable, CompiledCondition, cel_value
from ..errors import RuleError, RuleErrors, collect, joined, msg, suggest
from ..models import (
    Basis,
    Branch,
    FactExclusion,
    Factor,
    FactSpec,
    FactType,
    Level,
    Pack,
    Prose,
    Provision,
    Rule,
    RuleVersion,
    Tier,
    ViolationInfo,
    coerce,
    to_json,
)
from ..money import frac_str
from ..text import words as catalog
from ..yamlio import Located
from .adjustments import CompiledAdjustments, check_adjustments, compile_adjustments
from .banded import CompiledBandFactors, CompiledHeavier, compile_banded
from .compile_checks import (
    check_branch,
    check_exclusions,
    check_fact,
    check_level,
    check_touches,
    where_at,
)
from .cond_words import condition_words
from .loader import LoadedPack, LoadedRule
from .perday import check_per_day
from .weighted import CompiledWeights, compile_weighted


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


@dataclass(frozen=True)
class CompiledVersion:
    version: RuleVersion
    index: int
    table: ClauseTable
    branches: tuple[tuple[Branch, CompiledCondition | None], ...]
    tiers: tuple[tuple[Tier, CompiledCondition | None], ...]
    factors: tuple[tuple[Factor, CompiledCondition], ...]
    provisions: tuple[tuple[Provision, CompiledCondition], ...]
    assumptions: tuple[tuple[str, CompiledCondition | None], ...]
    content_hash: str
    # Case-independent texts of the trail, computed once (evaluation copies the lists it hands out).
    key: str = ""  # the version's key (its effective_from as ISO text)
    basis: tuple[str, ...] = ()  # citations of the version
    branch_basis: tuple[tuple[str, ...], ...] = ()  # per branch: its citations, else the version's
    tier_basis: tuple[tuple[str, ...], ...] = ()  # per tier: its own citations (may be empty)
    factor_texts: tuple[tuple[str, tuple[str, ...]], ...] = ()  # per factor: weight text, citations
    provision_basis: tuple[tuple[str, ...], ...] = ()  # per provision: its citations
    #: per provision: the id, effect, English and Chinese label of its trail step
    provision_texts: tuple[tuple[str, str, str, str], ...] = ()
    #: per set of holding factors (bit j: factor j holds): position and the texts of start, plus,
    #: minus, raw and position; empty when a version has too many factors to list every set
    positions: tuple[tuple[Fraction, str, str, str, str, str], ...] = ()
    #: the decision's ``violation`` block for this version (immutable: every decision can share it)
    violation: ViolationInfo | None = None
    hash_json: str = ""  # content_hash as a JSON string, as the fingerprint writes it
    #: the version's own 'lighter' tier, when it has one (mandatory mitigation caps the tier to it)
    lighter: Tier | None = None
    #: the version's named levels (ADR 0010) with their conditions; empty for a version with tiers
    levels: tuple[tuple[Level, CompiledCondition | None], ...] = ()
    level_basis: tuple[tuple[str, ...], ...] = ()  # per level: its own citations (may be empty)
    #: provenance (ADR 0011): the pack id that set each part, pack parts and this version's
    #: (``frame``, ``tiers``, ``rounding``, ``hearing``, ``settings.<name>``, …)
    origin: dict[str, str] = field(default_factory=dict)
    #: under a layer (some part set by another pack than the rule's), the parts a decision's
    #: numbers come from and the pack that set each (the decision's ``set_by``); else None
    set_by: dict[str, str] | None = None
    #: the pack's fact exclusions that apply to this rule (it has all their facts), with conditions
    exclusions: tuple[tuple[FactExclusion, CompiledCondition], ...] = ()
    #: the weighted mode's factors with each level's condition (ADR 0020); empty for other versions
    weighted: CompiledWeights = ()
    #: the pack's post-amount adjustments with their conditions and this version's exclusions (ADR 0025)
    adjustments: CompiledAdjustments = ()
    #: the band mode's factors with each level's condition, and its 从重 circumstances (ADR 0024)
    banded: CompiledBandFactors = ()
    heavier: CompiledHeavier = ()


@dataclass(frozen=True)
class CompiledRule:
    """A rule ready to evaluate. ``id`` is ``pack/rule``."""

    id: str
    pack: Pack
    rule: Rule
    facts: dict[str, FactSpec]  # the pack's common facts, then the rule's own
    versions: tuple[CompiledVersion, ...]
    source: Located
    defaults: dict[str, Any]  # typed default of every fact that has one
    defaults_json: dict[str, Any]  # the same as canonical JSON values
    defaults_cel: dict[str, Any]  # the same as CEL sees them
    required: tuple[str, ...]  # facts without a default
    kinds: dict[str, tuple[FactSpec, int]] = field(default_factory=dict)  # fact → (spec, FACT_* kind)
    cites: dict[str, tuple[str, ...]] = field(default_factory=dict)  # citations of the pack's general part
    band_texts: dict[str, tuple[str, str]] = field(default_factory=dict)  # tier scheme band → (lower, upper) text
    set_aside: frozenset[str] = frozenset()  # what the rule's special provisions set aside
    provision_cites: dict[str, tuple[str, ...]] = field(default_factory=dict)  # general provision → citations
    #: every fact, names in sorted order, with its default's JSON (``None`` for a required fact, which a
    #: case must give): a case's facts as JSON start from it, so they are already in canonical order
    sorted_json: dict[str, Any] = field(default_factory=dict)
    below_texts: tuple[str, str] = ("", "")  # the pack's below-minimum ratios as exact texts
    #: per fact, in declared order: name, spec, FACT_* kind, the type a value is taken as it is in
    #: (``bool`` for a bool fact) and the values an enum fact takes as they are
    fact_rows: tuple[tuple[str, FactSpec, int, type | None, frozenset[str] | None], ...] = ()
    #: (effective_from, effective_to or the last day there is, version) of each version
    spans: tuple[tuple[dt.date, dt.date, CompiledVersion], ...] = field(init=False, repr=False, compare=False)
    #: provenance (ADR 0011): the pack id that set each pack part and ``rule``/``facts``
    origin: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        spans = tuple((v.version.effective_from, v.version.effective_to or dt.date.max, v) for v in self.versions)
        object.__setattr__(self, "spans", spans)

    @property
    def title(self) -> str:
        return self.rule.title.zh

    @cached_property
    def branch_names(self) -> dict[tuple[int, str], dict[str, str]]:
        """Each statutory branch's name for the trail, by (version index, branch id): its label, else
        its condition in words, else (the last branch, or a condition too complex for words)
        "the other cases" (``branch_zh``/``branch_en``)."""
        out: dict[tuple[int, str], dict[str, str]] = {}
        currency = self.pack.currency
        for cv in self.versions:
            for b, _ in cv.branches:
                if b.label is not None:
                    out[(cv.index, b.id)] = {"branch_zh": b.label.zh, "branch_en": b.label.en}
                    continue
                said = {
                    lang: (condition_words(b.when, self.facts, lang, currency) if b.when is not None else None)
                    or catalog(lang)("trail_part.other_cases")
                    for lang in ("zh", "en")
                }
                out[(cv.index, b.id)] = {"branch_zh": said["zh"], "branch_en": said["en"]}
        return out

    @cached_property
    def fact_labels(self) -> dict[str, tuple[str, str]]:
        """Each fact's label, (zh, en), for the texts people read (ids stay in the JSON)."""
        return {n: (s.label.zh, s.label.en) for n, s in self.facts.items()}

    def version_on(self, day: Any) -> CompiledVersion | None:
        for start, end, v in self.spans:
            if start <= day <= end:
                return v
        return None


#: How evaluation treats a fact (``CompiledRule.kinds``): the value itself is its JSON and CEL
#: form (bool, int, enum), or a Decimal shown as text and seen by CEL as a double.
FACT_BOOL, FACT_INT, FACT_ENUM, FACT_DECIMAL = 0, 1, 2, 3
_KINDS = {
    FactType.bool: FACT_BOOL,
    FactType.int: FACT_INT,
    FactType.enum: FACT_ENUM,
    FactType.money: FACT_DECIMAL,
    FactType.number: FACT_DECIMAL,
}


def cites(basis: Iterable[Basis]) -> tuple[str, ...]:
    return tuple(b.cite() for b in basis)


def _general_cites(pack: Pack) -> dict[str, tuple[str, ...]]:
    g = pack.general
    return {
        "lenient_law": cites(g.lenient_law_basis),
        "limitation": cites(g.limitation.basis) if g.limitation is not None else (),
        "hearing": cites(g.hearing_basis),
        "education": cites(g.education_basis),
        "collective_discussion": cites(g.collective_discussion_basis),
        "legal_review": cites(g.legal_review_basis),
        "below_minimum": cites(g.below_minimum.basis) if g.below_minimum is not None else (),
        "tier_scheme": cites(pack.tier_scheme.basis),
    }


#: Versions with at most this many factors get every position computed once.
MAX_LISTED_FACTORS = 8


Position = tuple[Fraction, str, str, str, str, str]


def position_of(start: Fraction, factors: Sequence[Factor], mask: int) -> Position:
    """The position in the band when the factors whose bit is set in ``mask`` hold, kept in [0, 1],
    with the texts of start, aggravating sum, mitigating sum, raw and kept position."""
    plus = minus = Fraction(0)
    for j, f in enumerate(factors):
        if mask >> j & 1:
            if f.effect == "aggravating":
                plus += f.weight
            else:
                minus += f.weight
    raw = start + plus - minus
    position = min(max(raw, Fraction(0)), Fraction(1))
    return (position, frac_str(start), frac_str(plus), frac_str(minus), frac_str(raw), frac_str(position))


def positions(start: Fraction, factors: Iterable[Factor]) -> tuple[Position, ...]:
    """Every position in the band a set of holding factors gives (``VersionRun._position``)."""
    listed = list(factors)
    if len(listed) > MAX_LISTED_FACTORS:
        return ()
    return tuple(position_of(start, listed, mask) for mask in range(1 << len(listed)))


def _set_by(v: RuleVersion, origin: dict[str, str], pack_id: str) -> dict[str, str] | None:
    """The parts a decision's numbers come from with the pack that set each, when a part was set by
    another pack than the rule's own (a layer, ADR 0011); else None (computed once, not per case)."""
    if all(by == pack_id for by in origin.values()):
        return None
    names = ["frame", "levels" if v.levels else "tiers", "tier_scheme", "factors"]
    names += ["start" if v.start is not None else "factor_start", "rounding", "hearing"]
    return {n: origin[n] for n in names if n in origin}


def compile_rule(loaded_pack: LoadedPack, loaded: LoadedRule, *, cel: CelPath = "tree") -> CompiledRule:
    """Compile one rule of a loaded pack; ``cel="library"`` runs every clause on the CEL library."""
    pack, rule, src = loaded_pack.pack, loaded.rule, loaded.source
    facts: dict[str, FactSpec] = {}
    for name, spec in pack.common_facts.items():
        check_fact(name, spec, loaded_pack.source.where(("common_facts", name)))
        facts[name] = spec
    for name, spec in rule.facts.items():
        where = where_at(src, ("facts", name))
        if name in facts:
            raise RuleError(
                "PE-R011",
                msg("fact '{name}' is already a common fact of pack '{pack}'", name=name, pack=pack.id),
                where,
            )
        check_fact(name, spec, where)
        facts[name] = spec
    known = {p.id for p in pack.general.provisions} | {"limitation"}
    for j, sp in enumerate(rule.special_provisions):
        if sp.sets_aside not in known:
            message = msg(
                "special_provisions: '{name}' is not a general provision of pack '{pack}'",
                name=sp.sets_aside,
                pack=pack.id,
            )
            raise RuleError(
                "PE-R010",
                message + suggest(sp.sets_aside, known),
                where_at(src, ("special_provisions", j, "sets_aside")),
            )
    pack_origin = loaded_pack.origin_of()
    pack_hash = hashlib.sha256(canonical_json(pack.model_dump(mode="json")).encode()).hexdigest()
    versions: list[CompiledVersion] = []
    ordered = sorted(enumerate(rule.versions), key=lambda iv: iv[1].effective_from)
    for (i, v), nxt in zip(ordered, [*ordered[1:], None], strict=True):
        vloc: tuple[Any, ...] = ("versions", i)
        if nxt is not None and (v.effective_to is None or v.effective_to >= nxt[1].effective_from):
            message = msg(
                "version from {day} overlaps the version from {next}: give it an effective_to before {next}",
                day=v.effective_from,
                next=nxt[1].effective_from,
            )
            raise RuleError(
                "PE-R008", message, where_at(src, (*vloc, "effective_to" if v.effective_to else "effective_from"))
            )
        table = ClauseTable(facts, f"{pack.id}/{rule.id} version {v.key}", fast=cel == "tree")
        branches = []
        for j, b in enumerate(v.frame):
            bloc = (*vloc, "frame", j)
            if b.when is None and j != len(v.frame) - 1:
                message = msg("branch '{name}' has no 'when' but is not the last branch", name=b.id)
                raise RuleError("PE-R004", message, where_at(src, bloc))
            check_branch(pack, facts, b, src, bloc)
            cond = table.add(b.when, where_at(src, (*bloc, "when"))) if b.when is not None else None
            branches.append((b, cond))
        tiers = []
        for j, t in enumerate(v.tiers):
            cond = table.add(t.when, where_at(src, (*vloc, "tiers", j, "when"))) if t.when is not None else None
            tiers.append((t, cond))
        levels = []
        for j, lv in enumerate(v.levels):
            check_level(v, lv, src, (*vloc, "levels", j))
            cond = table.add(lv.when, where_at(src, (*vloc, "levels", j, "when"))) if lv.when is not None else None
            levels.append((lv, cond))
        factors = []
        tier_names = {"lighter", "standard", "heavier"} | {lv.id for lv in v.levels}
        for j, f in enumerate(v.factors):
            factors.append((f, table.add(f.when, where_at(src, (*vloc, "factors", j, "when")))))
            for name in f.not_in_tiers:
                if name not in tier_names:
                    where = where_at(src, (*vloc, "factors", j, "not_in_tiers"))
                    tiers_known = sorted(tier_names)
                    message = msg(
                        "factor '{factor}': not_in_tiers names '{name}', which is no tier or level of this version",
                        factor=f.id,
                        name=name,
                    )
                    raise RuleError("PE-R010", message + suggest(name, tiers_known), where)
        weighted = compile_weighted(pack, v, table, lambda loc: where_at(src, loc), vloc)
        check_per_day(pack, facts, v, lambda loc: where_at(src, loc), vloc)
        adjustments = compile_adjustments(
            pack, v, table, loaded_pack.source.where, lambda loc: where_at(src, loc), vloc
        )
        banded, heavier = compile_banded(v, table, lambda loc: where_at(src, loc), vloc)
        assumptions: list[tuple[str, CompiledCondition | None]] = []
        for j, a in enumerate(v.assumptions):
            if isinstance(a, str):
                assumptions.append((a, None))
            else:
                assumptions.append((a.text, table.add(a.when, where_at(src, (*vloc, "assumptions", j, "when")))))
        exclusions = []
        for j, ex in enumerate(pack.fact_exclusions):
            if all(name in facts for name in ex.facts):
                ewhere = loaded_pack.source.where(("fact_exclusions", j, "when"))
                econd = table.add(ex.when, ewhere)
                other = sorted({n for _, _, reads in econd.clauses for n in reads} - {*ex.facts, PARTY})
                if other:
                    message = msg(
                        "fact exclusion '{id}' reads {names}, not among its facts", id=ex.id, names=joined(other)
                    )
                    raise RuleError("PE-R007", message, ewhere)
                exclusions.append((ex, econd))
        provisions = []
        for j, prov in enumerate(pack.general.provisions):
            ploc = ("general", "provisions", j, "when")
            provisions.append((prov, table.add(prov.when, loaded_pack.source.where(ploc))))
        table.seal()
        content = {
            "pack": pack_hash,
            "rule": rule.id,
            "facts": {k: s.model_dump(mode="json") for k, s in facts.items()},
            "version": v.model_dump(mode="json"),
        }
        versions.append(
            CompiledVersion(
                version=v,
                index=i,
                table=table,
                branches=tuple(branches),
                tiers=tuple(tiers),
                factors=tuple(factors),
                provisions=tuple(provisions),
                assumptions=tuple(assumptions),
                content_hash=(content_hash := hashlib.sha256(canonical_json(content).encode()).hexdigest()),
                hash_json=json.dumps(content_hash),
                key=v.key,
                basis=cites(v.basis),
                branch_basis=tuple(cites(b.basis) or cites(v.basis) for b, _ in branches),
                tier_basis=tuple(cites(t.basis) for t, _ in tiers),
                factor_texts=tuple((frac_str(f.weight), cites(f.basis)) for f, _ in factors),
                provision_basis=tuple(cites(p.basis) for p, _ in provisions),
                provision_texts=tuple((p.id, p.effect.value, p.label.en, p.label.zh) for p, _ in provisions),
                # constructed, not validated: the title keeps its English twin (a Prose is a str)
                violation=ViolationInfo.model_construct(
                    id=f"{pack.id}/{rule.id}", title=Prose(rule.title.zh, rule.title.en), pack=pack.id, version=v.key
                ),
                positions=positions(v.start if v.start is not None else pack.factor_start, [f for f, _ in factors]),
                lighter=next((t for t, _ in tiers if t.tier == "lighter" and t.band), None),
                levels=tuple(levels),
                level_basis=tuple(cites(lv.basis) for lv, _ in levels),
                origin=(origin := {**pack_origin, **loaded.origin_of(pack.id, i)}),
                set_by=_set_by(v, origin, pack.id),
                exclusions=tuple(exclusions),
                weighted=weighted,
                adjustments=adjustments,
                banded=banded,
                heavier=heavier,
            )
        )
    defaults = {n: coerce(s, s.default) for n, s in facts.items() if not s.required}
    return CompiledRule(
        id=f"{pack.id}/{rule.id}",
        pack=pack,
        rule=rule,
        facts=facts,
        versions=tuple(versions),
        source=src,
        defaults=defaults,
        defaults_json={n: to_json(facts[n], v) for n, v in defaults.items()},
        defaults_cel={n: cel_value(facts[n], v) for n, v in defaults.items()},
        required=tuple(n for n, s in facts.items() if s.required),
        kinds={n: (s, _KINDS[s.type]) for n, s in facts.items()},
        cites=_general_cites(pack),
        set_aside=frozenset(sp.sets_aside for sp in rule.special_provisions),
        provision_cites={p.id: cites(p.basis) for p in pack.general.provisions},
        fact_rows=tuple(
            (
                n,
                s,
                _KINDS[s.type],
                bool if s.type is FactType.bool else None,
                frozenset(s.values or ()) if s.type is FactType.enum else None,
            )
            for n, s in facts.items()
        ),
        below_texts=(frac_str(below.lower), frac_str(below.upper))
        if (below := pack.general.below_minimum)
        else ("", ""),
        sorted_json={n: to_json(facts[n], defaults[n]) if n in defaults else None for n in sorted(facts)},
        band_texts={
            name: (frac_str(b.lower), frac_str(b.upper))
            for name in ("lighter", "standard", "heavier")
            for b in (pack.tier_scheme.band(name),)
        },
        origin={**pack_origin, **loaded.origin_of(pack.id)},
    )


def compile_pack(loaded: LoadedPack, *, cel: CelPath = "tree") -> list[CompiledRule]:
    """Compile every rule of a pack; collect every error before raising.

    ``cel="library"`` compiles for the reference path: every clause runs on the CEL library."""
    out: list[CompiledRule] = []
    errors: list[RuleError] = list(loaded.errors)
    seen: dict[str, str] = {}
    for lr in loaded.rules:
        if lr.rule.id in seen:
            errors.append(
                RuleError(
                    "PE-R011",
                    msg("rule id '{id}' is also defined in {path}", id=lr.rule.id, path=seen[lr.rule.id]),
                    lr.source.where(("id",)),
                )
            )
            continue
        seen[lr.rule.id] = lr.source.path
        compiled = collect(errors, lambda lr=lr: compile_rule(loaded, lr, cel=cel))  # type: ignore[misc]
        if compiled is not None:
            out.append(compiled)
    for lr in loaded.rules:
        for j, imp in enumerate(lr.rule.implements):
            if imp.rule in loaded.not_applied:
                continue  # a layer does not apply the implemented rule: nothing to compare it with
            if imp.rule not in seen or imp.rule == lr.rule.id:
                where = lr.source.where(("implements", j, "rule"))
                message = msg("implements names rule '{name}', not another rule of the pack", name=imp.rule)
                errors.append(RuleError("PE-R010", message + suggest(imp.rule, seen), where))
    for list_name, listing in loaded.pack.general.lists.items():
        for name in listing.rules:
            if name not in seen:
                where = loaded.source.where(("general", "lists", list_name, "rules"))
                message = msg("list '{list}' names rule '{name}', not in the pack", list=list_name, name=name)
                errors.append(RuleError("PE-R010", message + suggest(name, seen), where))
    check_exclusions(loaded)
    check_touches(loaded)
    check_adjustments(loaded.pack, loaded.source)
    for j, group in enumerate(loaded.pack.fine_groups):
        for name in group.rules:
            if name not in seen:
                where = loaded.source.where(("fine_groups", j, "rules"))
                message = msg("fine group '{group}' names rule '{name}', not in the pack", group=group.id, name=name)
                errors.append(RuleError("PE-R010", message + suggest(name, seen), where))
    if errors:
        raise RuleErrors(errors)
    return out
