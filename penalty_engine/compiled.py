"""Compiling loaded packs: conditions to CEL programs, references checked, content hashed.

A compiled rule is immutable: evaluation reads it and never writes, so one ``Engine`` can be
shared between threads.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from .conditions import RESERVED, ClauseTable, CompiledCondition, cel_value
from .errors import RuleError, RuleErrors, collect, suggest
from .facts import FactProblem, coerce, to_json
from .loader import LoadedPack, LoadedRule
from .rules_model import (
    Branch,
    Factor,
    FactSpec,
    FactType,
    MultipleFine,
    Pack,
    PartialCount,
    PerUnitFine,
    Provision,
    Rule,
    RuleVersion,
    SettingRef,
    Tier,
)
from .yamlio import Located


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

    @property
    def title(self) -> str:
        return self.rule.title.zh

    def version_on(self, day: Any) -> CompiledVersion | None:
        for v in self.versions:
            if v.version.in_force(day):
                return v
        return None


def _where(src: Located, loc: tuple[str | int, ...]) -> str:
    return src.where(loc)


def _check_fact(name: str, spec: FactSpec, where: str) -> None:
    if not name.isidentifier() or name in RESERVED:
        raise RuleError("PE-R004", f"fact name '{name}' must be a CEL identifier and not a reserved word", where)
    if spec.default is not None:
        try:
            coerce(spec, spec.default)
        except FactProblem as exc:
            raise RuleError("PE-R004", f"facts.{name}.default: {exc}", where) from None


def _fact_ref(facts: dict[str, FactSpec], name: str, types: set[FactType], what: str, where: str) -> None:
    spec = facts.get(name)
    if spec is None:
        raise RuleError("PE-R010", f"{what} names fact '{name}', which is not declared{suggest(name, facts)}", where)
    if spec.type not in types:
        kinds = " or ".join(sorted(t.value for t in types))
        raise RuleError("PE-R010", f"{what} needs a {kinds} fact; '{name}' is {spec.type.value}", where)


def _check_branch(pack: Pack, facts: dict[str, FactSpec], b: Branch, src: Located, loc: tuple[Any, ...]) -> None:
    where = _where(src, (*loc, "fine"))
    if isinstance(b.fine, MultipleFine):
        _fact_ref(facts, b.fine.times, {FactType.money}, "fine.times", where)
    if isinstance(b.fine, PerUnitFine):
        _fact_ref(facts, b.fine.per, {FactType.int, FactType.number, FactType.money}, "fine.per", where)
        if isinstance(b.fine.partial, SettingRef):
            name = b.fine.partial.setting
            setting = pack.settings.get(name)
            if setting is None:
                raise RuleError(
                    "PE-R010",
                    f"fine.partial names setting '{name}', not in pack.yaml{suggest(name, pack.settings)}",
                    where,
                )
            if setting.value not in {p.value for p in PartialCount}:
                raise RuleError(
                    "PE-R010",
                    f"setting '{name}' must be one of {', '.join(p.value for p in PartialCount)} to count parts",
                    where,
                )
    for i, name in enumerate(b.confiscate):
        _fact_ref(facts, name, {FactType.money}, "confiscate", _where(src, (*loc, "confiscate", i)))


def compile_rule(loaded_pack: LoadedPack, loaded: LoadedRule) -> CompiledRule:
    pack, rule, src = loaded_pack.pack, loaded.rule, loaded.source
    facts: dict[str, FactSpec] = {}
    for name, spec in pack.common_facts.items():
        _check_fact(name, spec, loaded_pack.source.where(("common_facts", name)))
        facts[name] = spec
    for name, spec in rule.facts.items():
        where = _where(src, ("facts", name))
        if name in facts:
            raise RuleError("PE-R011", f"fact '{name}' is already a common fact of pack '{pack.id}'", where)
        _check_fact(name, spec, where)
        facts[name] = spec
    known = {p.id for p in pack.general.provisions} | {"limitation"}
    for j, sp in enumerate(rule.special_provisions):
        if sp.sets_aside not in known:
            raise RuleError(
                "PE-R010",
                f"special_provisions: '{sp.sets_aside}' is not a general provision of pack '{pack.id}'"
                f"{suggest(sp.sets_aside, known)}",
                _where(src, ("special_provisions", j, "sets_aside")),
            )
    pack_hash = hashlib.sha256(canonical_json(pack.model_dump(mode="json")).encode()).hexdigest()
    versions: list[CompiledVersion] = []
    ordered = sorted(enumerate(rule.versions), key=lambda iv: iv[1].effective_from)
    for (i, v), nxt in zip(ordered, [*ordered[1:], None], strict=True):
        vloc: tuple[Any, ...] = ("versions", i)
        if nxt is not None and (v.effective_to is None or v.effective_to >= nxt[1].effective_from):
            raise RuleError(
                "PE-R008",
                f"version from {v.effective_from} overlaps the version from {nxt[1].effective_from}: "
                f"give it an effective_to before {nxt[1].effective_from}",
                _where(src, (*vloc, "effective_to" if v.effective_to else "effective_from")),
            )
        table = ClauseTable(facts, f"{pack.id}/{rule.id} version {v.key}")
        branches = []
        for j, b in enumerate(v.frame):
            bloc = (*vloc, "frame", j)
            if b.when is None and j != len(v.frame) - 1:
                raise RuleError(
                    "PE-R004", f"branch '{b.id}' has no 'when' but is not the last branch", _where(src, bloc)
                )
            _check_branch(pack, facts, b, src, bloc)
            cond = table.add(b.when, _where(src, (*bloc, "when"))) if b.when is not None else None
            branches.append((b, cond))
        tiers = []
        for j, t in enumerate(v.tiers):
            cond = table.add(t.when, _where(src, (*vloc, "tiers", j, "when"))) if t.when is not None else None
            tiers.append((t, cond))
        factors = []
        for j, f in enumerate(v.factors):
            factors.append((f, table.add(f.when, _where(src, (*vloc, "factors", j, "when")))))
        assumptions: list[tuple[str, CompiledCondition | None]] = []
        for j, a in enumerate(v.assumptions):
            if isinstance(a, str):
                assumptions.append((a, None))
            else:
                assumptions.append((a.text, table.add(a.when, _where(src, (*vloc, "assumptions", j, "when")))))
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
                content_hash=hashlib.sha256(canonical_json(content).encode()).hexdigest(),
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
    )


def compile_pack(loaded: LoadedPack) -> list[CompiledRule]:
    """Compile every rule of a pack; collect every error before raising."""
    out: list[CompiledRule] = []
    errors: list[RuleError] = list(loaded.errors)
    seen: dict[str, str] = {}
    for lr in loaded.rules:
        if lr.rule.id in seen:
            errors.append(
                RuleError(
                    "PE-R011",
                    f"rule id '{lr.rule.id}' is also defined in {seen[lr.rule.id]}",
                    lr.source.where(("id",)),
                )
            )
            continue
        seen[lr.rule.id] = lr.source.path
        compiled = collect(errors, lambda lr=lr: compile_rule(loaded, lr))  # type: ignore[misc]
        if compiled is not None:
            out.append(compiled)
    for list_name, listing in loaded.pack.general.lists.items():
        for name in listing.rules:
            if name not in seen:
                where = loaded.source.where(("general", "lists", list_name, "rules"))
                message = f"list '{list_name}' names rule '{name}', not in the pack{suggest(name, seen)}"
                errors.append(RuleError("PE-R010", message, where))
    for j, group in enumerate(loaded.pack.fine_groups):
        for name in group.rules:
            if name not in seen:
                where = loaded.source.where(("fine_groups", j, "rules"))
                message = f"fine group '{group.id}' names rule '{name}', not in the pack{suggest(name, seen)}"
                errors.append(RuleError("PE-R010", message, where))
    if errors:
        raise RuleErrors(errors)
    return out
