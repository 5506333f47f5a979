"""The checks a rule and its pack get while they compile: facts and the references to them,
branches, levels, fact exclusions and the facts the limitation period is touched by. Each raises
``RuleError`` with the file and line (``pack.compiled`` calls them; split from it by size)."""

from __future__ import annotations

from typing import Any

from ..cel import RESERVED
from ..errors import Msg, RuleError, joined, msg, suggest, word
from ..models import (
    EVERY_BRANCH,
    Branch,
    EdgeMultiple,
    FactProblem,
    FactSpec,
    FactType,
    Level,
    MultipleBand,
    MultipleFine,
    Pack,
    PartialCount,
    PerUnitFine,
    RangeFine,
    RuleVersion,
    SettingRef,
    TrancheFine,
    coerce,
)
from ..yamlio import Located
from .loader import LoadedPack


def where_at(src: Located, loc: tuple[str | int, ...]) -> str:
    return src.where(loc)


def check_fact(name: str, spec: FactSpec, where: str) -> None:
    if not name.isidentifier() or name in RESERVED:
        raise RuleError(
            "PE-R004", msg("fact name '{name}' must be a CEL identifier and not a reserved word", name=name), where
        )
    if spec.default is not None:
        try:
            coerce(spec, spec.default)
        except FactProblem as exc:
            raise RuleError(
                "PE-R004", msg("facts.{name}.default: {problem}", name=name, problem=exc.message), where
            ) from None


def fact_ref(facts: dict[str, FactSpec], name: str, types: set[FactType], what: str, where: str) -> None:
    spec = facts.get(name)
    if spec is None:
        message = msg("{what} names fact '{name}', which is not declared", what=what, name=name)
        raise RuleError("PE-R010", message + suggest(name, facts), where)
    if spec.type not in types:
        kinds = joined((fact_kind(t) for t in sorted(types, key=lambda t: t.value)), " or ", "或")
        message = msg(
            "{what} needs a {kinds} fact; '{name}' is {kind}",
            what=what,
            kinds=kinds,
            name=name,
            kind=fact_kind(spec.type),
        )
        raise RuleError("PE-R010", message, where)


def fact_kind(t: FactType) -> Msg:
    return word("fact_types", t.value)


def check_branch(pack: Pack, facts: dict[str, FactSpec], b: Branch, src: Located, loc: tuple[Any, ...]) -> None:
    where = where_at(src, (*loc, "fine"))
    if isinstance(b.fine, MultipleFine):
        fact_ref(facts, b.fine.times, {FactType.money}, "fine.times", where)
    numeric = {FactType.int, FactType.number, FactType.money}
    if isinstance(b.fine, TrancheFine):
        fact_ref(facts, b.fine.parts_of, numeric, "fine.parts_of", where)
        for j, t in enumerate(b.fine.tranches):
            for key, edge in (("above", t.above), ("up_to", t.up_to)):
                if isinstance(edge, EdgeMultiple):
                    at = where_at(src, (*loc, "fine", "tranches", j, key))
                    fact_ref(facts, edge.of, numeric, f"fine.tranches[{j + 1}].{key}.of", at)
    if isinstance(b.fine, PerUnitFine | TrancheFine):
        if isinstance(b.fine, PerUnitFine):
            fact_ref(facts, b.fine.per, numeric, "fine.per", where)
        if isinstance(b.fine.partial, SettingRef):
            name = b.fine.partial.setting
            setting = pack.settings.get(name)
            if setting is None:
                message = msg("fine.partial names setting '{name}', not in pack.yaml", name=name)
                raise RuleError("PE-R010", message + suggest(name, pack.settings), where)
            if setting.value not in {p.value for p in PartialCount}:
                counts = joined(p.value for p in PartialCount)
                message = msg("setting '{name}' must be one of {counts} to count parts", name=name, counts=counts)
                raise RuleError("PE-R010", message, where)
    for i, name in enumerate(b.confiscate):
        fact_ref(facts, name, {FactType.money}, "confiscate", where_at(src, (*loc, "confiscate", i)))


def check_level(v: RuleVersion, lv: Level, src: Located, loc: tuple[Any, ...]) -> None:
    """A level's bands name branches of the frame, fit their kind of fine, and cover every branch with
    a fine range (a per-unit fine fixes its amount: levels name it, they give it no band)."""
    frame = {b.id: b for b in v.frame}
    for name, band in lv.bands.items():
        where = where_at(src, (*loc, "bands", name))
        if name != EVERY_BRANCH and name not in frame:
            message = msg("level '{level}': bands names branch '{name}', not in the frame", level=lv.id, name=name)
            raise RuleError("PE-R010", message + suggest(name, frame), where)
        branch = frame.get(name)
        if branch is not None and not isinstance(branch.fine, RangeFine | MultipleFine):
            message = msg(
                "level '{level}': branch '{name}' has no fine range to give a band in", level=lv.id, name=name
            )
            raise RuleError("PE-R010", message, where)
        if isinstance(band, MultipleBand) and branch is not None and not isinstance(branch.fine, MultipleFine):
            message = msg(
                "level '{level}': a multiple band needs a branch whose fine is a multiple ('times')", level=lv.id
            )
            raise RuleError("PE-R010", message, where)
    for b in v.frame:
        if isinstance(b.fine, RangeFine | MultipleFine):
            given = lv.band_for(b.id)
            if given is None:
                missing = msg(
                    "level '{level}' has no band for branch '{name}' (name it, or give '*')", level=lv.id, name=b.id
                )
                raise RuleError("PE-R010", missing, where_at(src, loc))
            if isinstance(given, MultipleBand) and not isinstance(b.fine, MultipleFine):
                message = msg(
                    "level '{level}': the '*' band is a multiple, but branch '{name}' has no 'times' fine",
                    level=lv.id,
                    name=b.id,
                )
                raise RuleError("PE-R010", message, where_at(src, (*loc, "bands", EVERY_BRANCH)))


def check_exclusions(loaded: LoadedPack) -> None:
    """Each fact exclusion names facts some rule (or the pack) declares, and its condition reads
    only the facts it names (they are what the error names)."""
    pack = loaded.pack
    declared = set(pack.common_facts) | {n for lr in loaded.rules for n in lr.rule.facts}
    for j, ex in enumerate(pack.fact_exclusions):
        where = loaded.source.where(("fact_exclusions", j))
        for name in ex.facts:
            if name not in declared:
                message = msg("fact exclusion '{id}' names fact '{name}', which no rule declares", id=ex.id, name=name)
                raise RuleError("PE-R010", message + suggest(name, declared), where)


def check_touches(loaded: LoadedPack) -> None:
    """The facts ``general.limitation.touches`` names are yes/no common facts (every rule has them)."""
    pack = loaded.pack
    limitation = pack.general.limitation
    for name in limitation.touches if limitation is not None else ():
        spec = pack.common_facts.get(name)
        if spec is None or spec.type is not FactType.bool:
            where = loaded.source.where(("general", "limitation", "touches"))
            what = (
                msg("not a common fact") if spec is None else msg("a {kind} fact, not bool", kind=fact_kind(spec.type))
            )
            message = msg("limitation.touches names '{name}': {what}", name=name, what=what)
            raise RuleError("PE-R010", message + suggest(name, pack.common_facts), where)
