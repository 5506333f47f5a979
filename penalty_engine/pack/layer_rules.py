"""The rule half of merging a layer (ADR 0011): rules not applied, overridden, inherited, added.

Reads the layer's rule files (``loader.rule_paths``), then is pure. A file with a top-level
``overrides:`` is a ``RuleOverride`` of a base rule; any other is a new ``Rule``, whose id the base
must not have. An override replaces, per version named by ``effective_from``, the parts it gives
(``models.BENCHMARK_PARTS``) and adds assumptions and facts; everything else of the base rule,
the frame above all, is kept as it is. Defects are collected, as for the rule files of any pack.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from ..errors import RuleError, RuleErrors, collect, joined, msg, suggest
from ..models import LayerPack, NotApplied, Rule, RuleOverride, RuleVersion, VersionOverride
from ..text import pydantic_text
from ..yamlio import Located
from .layered import Redirect, forbidden, wrap
from .loader import VERSION_ORIGIN_PARTS, LoadedPack, LoadedRule, read_located, rule_paths, validate_model


def merge_rules(
    base: LoadedPack, layer: LayerPack, src: Located, root: Any
) -> tuple[list[LoadedRule], dict[str, NotApplied], list[RuleError]]:
    """The layer's rules: the base's in their order (less those not applied, overrides applied),
    then the layer's new ones; the rules not applied (with the bases'); the defects found."""
    errors: list[RuleError] = []
    by_id = {lr.rule.id: lr for lr in base.rules}
    for name in layer.not_applied:
        if name not in by_id:
            message = msg("not_applied.{name}: base pack '{base}' has no rule '{name}'", name=name, base=base.pack.id)
            errors.append(RuleError("PE-R015", message + suggest(name, by_id), src.where(("not_applied", name))))
    gone = set(layer.not_applied)
    overridden: dict[str, tuple[LoadedRule, str]] = {}
    added: list[LoadedRule] = []
    for path in rule_paths(root):
        fsrc = collect(errors, lambda path=path: read_located(path))  # type: ignore[misc]
        if fsrc is None:
            continue
        if isinstance(fsrc.data, dict) and "overrides" in fsrc.data:
            merged = collect(errors, lambda fsrc=fsrc: _override(base, layer.id, by_id, gone, fsrc))  # type: ignore[misc]
            if merged is None:
                continue
            rid = merged.rule.id
            if rid in overridden:
                message = msg(
                    "overrides: rule '{rule}' is overridden in {path} already; merge the two files",
                    rule=rid,
                    path=overridden[rid][1],
                )
                errors.append(RuleError("PE-R011", message, fsrc.where(("overrides",))))
                continue
            overridden[rid] = (merged, fsrc.path)
            continue
        rule = collect(errors, lambda fsrc=fsrc: validate_model(Rule, fsrc))  # type: ignore[misc]
        if rule is None:
            continue
        if rule.id in by_id:
            message = msg(
                "rule id '{id}' is a rule of base pack '{base}' ({path}): a layer changes its benchmark with "
                "'overrides: {id}' or sets it aside under not_applied",
                id=rule.id,
                base=base.pack.id,
                path=by_id[rule.id].source.path,
            )
            errors.append(RuleError("PE-R011", message, fsrc.where(("id",))))
            continue
        added.append(LoadedRule(rule, fsrc))
    rules = [
        overridden[lr.rule.id][0] if lr.rule.id in overridden else inherited(lr, base.pack.id)
        for lr in base.rules
        if lr.rule.id not in gone
    ]
    new_ids = {lr.rule.id for lr in added}
    not_applied = {k: v for k, v in base.not_applied.items() if k not in new_ids}
    not_applied.update({k: v for k, v in layer.not_applied.items() if k in by_id})
    return [*rules, *added], not_applied, errors


def inherited(lr: LoadedRule, base_id: str) -> LoadedRule:
    """A base rule as the layer inherits it: unchanged, its origins spelled out (the base's id for
    every part the base set itself)."""
    versions = tuple(_version_origin(lr, base_id, i) for i in range(len(lr.rule.versions)))
    return LoadedRule(lr.rule, lr.source, lr.origin_of(base_id), versions)


def _version_origin(lr: LoadedRule, base_id: str, index: int) -> dict[str, str]:
    full = lr.origin_of(base_id, index)
    return {part: full[part] for part in VERSION_ORIGIN_PARTS}


def _refuse_rule_fields(fsrc: Located) -> None:
    errors = forbidden(fsrc.data, Rule, RuleOverride, fsrc)
    versions = fsrc.data.get("versions")
    if isinstance(versions, list):
        for k, item in enumerate(versions):
            errors += forbidden(item, RuleVersion, VersionOverride, fsrc, ("versions", k))
    if errors:
        raise RuleErrors(errors)


def _override(
    base: LoadedPack, layer_id: str, by_id: dict[str, LoadedRule], gone: set[str], fsrc: Located
) -> LoadedRule:
    """The base rule named by the override file ``fsrc``, with the override applied.

    Raises:
        RuleErrors: PE-R017 (a part a layer cannot change), PE-R004 (schema), PE-R015 (no such
            base rule, or one not applied), PE-R016 (no such version), PE-R011 (a fact the base
            rule has, or a version overridden twice).
    """
    _refuse_rule_fields(fsrc)
    ov: RuleOverride = validate_model(RuleOverride, fsrc)
    target = by_id.get(ov.overrides)
    if target is None or ov.overrides in gone:
        why = (
            msg("is listed under not_applied in pack.yaml: a rule not applied cannot be overridden")
            if target is not None
            else msg("is not a rule of base pack '{base}'", base=base.pack.id) + suggest(ov.overrides, by_id)
        )
        message = msg("overrides: '{name}' {why}", name=ov.overrides, why=why)
        raise RuleError("PE-R015", message, fsrc.where(("overrides",)))
    rule, errors = target.rule, []
    origin = target.origin_of(base.pack.id)
    origins = [_version_origin(target, base.pack.id, i) for i in range(len(rule.versions))]
    keys = {v.key: i for i, v in enumerate(rule.versions)}
    versions = list(rule.versions)
    redirects: list[Redirect] = []
    done: dict[int, int] = {}
    for k, vo in enumerate(ov.versions):
        vloc = ("versions", k)
        i = keys.get(vo.effective_from.isoformat())
        if i is None:
            message = msg(
                "versions.{k}.effective_from: base rule '{rule}' has no version from {day}; "
                "its versions are from {days}",
                k=k,
                rule=rule.id,
                day=vo.effective_from,
                days=joined(sorted(keys)),
            )
            errors.append(RuleError("PE-R016", message, fsrc.where((*vloc, "effective_from"))))
            continue
        if i in done:
            message = msg(
                "versions.{k}: the version from {day} is overridden twice (also versions.{other})",
                k=k,
                day=vo.effective_from,
                other=done[i],
            )
            errors.append(RuleError("PE-R011", message, fsrc.where(vloc)))
            continue
        done[i] = k
        before = len(versions[i].assumptions)
        try:
            versions[i] = merge_version(versions[i], vo)
        except ValidationError as exc:
            errors += [
                RuleError("PE-R004", msg("versions.{k}: {problem}", k=k, problem=pydantic_text(e)), fsrc.where(vloc))
                for e in exc.errors()
            ]
            continue
        for part in vo.given():
            redirects.append((("versions", i, part), fsrc, (*vloc, part)))
            origins[i][part] = layer_id
        for j in range(len(vo.assumptions)):
            redirects.append((("versions", i, "assumptions", before + j), fsrc, (*vloc, "assumptions", j)))
            origins[i]["assumptions"] = layer_id
    for name in ov.facts:
        if name in rule.facts:
            message = msg("facts.{name}: '{name}' is already a fact of base rule '{rule}'", name=name, rule=rule.id)
            errors.append(RuleError("PE-R011", message, fsrc.where(("facts", name))))
        redirects.append((("facts", name), fsrc, ("facts", name)))
        origin["facts"] = layer_id
    if errors:
        raise RuleErrors(errors)
    try:
        merged = merge_rule(rule, ov, tuple(versions))
    except ValidationError as exc:
        raise RuleErrors([RuleError("PE-R004", pydantic_text(e), fsrc.where()) for e in exc.errors()]) from None
    return LoadedRule(merged, wrap(target.source, redirects), origin, tuple(origins))


def merge_version(version: RuleVersion, override: VersionOverride) -> RuleVersion:
    """``version`` with the benchmark parts ``override`` gives, and its assumptions added (validated)."""
    update: dict[str, Any] = override.given()
    if update.get("levels") and "tiers" not in update:
        update["tiers"] = ()  # a table's levels take the place of the base's tiers
    if update.get("tiers") and "levels" not in update:
        update["levels"] = ()
    if override.assumptions:
        update["assumptions"] = (*version.assumptions, *override.assumptions)
    return RuleVersion.model_validate({**dict(version), **update})


def merge_rule(rule: Rule, override: RuleOverride, versions: tuple[RuleVersion, ...]) -> Rule:
    """``rule`` with the override's facts added and ``versions`` in place of its own (validated)."""
    return Rule.model_validate({**dict(rule), "facts": {**rule.facts, **override.facts}, "versions": versions})
