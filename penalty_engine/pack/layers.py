"""Layers: a pack that ``extends:`` another, merged at load time into one ordinary pack (ADR 0011).

A provincial benchmark over a national pack changes a few tables and keeps everything else. A
layer's folder holds a ``pack.yaml`` with ``extends: {pack, version}`` and only what it changes:
pack settings, rules the base lacks, and ``overrides:`` files that replace the benchmark parts
(``models.BENCHMARK_PARTS``) of base rule versions. The base is never mutated: the merge builds a
new, validated ``Pack`` and new ``Rule`` models under the layer's id, and compiling treats the
result as any pack (``compiled.compile_pack``).

Reads files (the layer's and, recursively, its bases'), then is pure. The stages, in order:

1. refuse fields a layer may not set (PE-R017), then validate ``LayerPack`` (PE-R004);
2. resolve the base (PE-R012), refuse cycles (PE-R014), load it, compare versions (PE-R013);
3. merge the pack settings (``merge_pack``) and the rules (``layer_rules.merge_rules``):
   ``not_applied`` rules are dropped, overrides applied, new rules added.

Every merged part keeps the source it was written in: ``LayeredSource`` sends a location inside
the merged pack or rule to the file and line that set it, so an error in an overriding tier
points at the layer's file, and one in an inherited frame at the base's. ``LoadedPack.origin`` and
``LoadedRule.origin`` record the pack id that set each part (provenance for the trail).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import RuleError, RuleErrors, joined, msg, suggest
from ..models import (
    PACK_PARTS,
    FineGroup,
    General,
    GeneralOverride,
    HearingThreshold,
    LayerPack,
    Pack,
)
from ..yamlio import Located
from .layer_rules import merge_rules
from .layered import LayeredSource, Redirect, forbidden
from .loader import (
    PACK_FILE,
    LoadedPack,
    bundled_pack_paths,
    load_pack_files,
    schema_error,
    validate_model,
)


def _refuse_pack_fields(src: Located) -> None:
    data = src.data
    errors = forbidden(data, Pack, LayerPack, src)
    if isinstance(data, dict):
        errors += forbidden(data.get("general"), General, GeneralOverride, src, ("general",))
    if errors:
        raise RuleErrors(errors)


def resolve_base(root: Path, ref: str, where: str) -> Path:
    """The base folder of a layer: ``ref`` as a folder (relative to the layer's), else a bundled id.

    Raises:
        RuleError: PE-R012 when neither exists.
    """
    folder = Path(os.path.normpath(root / ref))
    if (folder / PACK_FILE).is_file():
        return folder
    bundled = {p.name: p for p in bundled_pack_paths()}
    if ref in bundled:
        return bundled[ref]
    message = msg(
        "extends.pack: no base pack '{ref}': not a folder with {file} (looked at {folder}) "
        "nor a bundled pack id ({ids})",
        ref=ref,
        file=PACK_FILE,
        folder=folder,
        ids=joined(sorted(bundled)) if bundled else msg("none installed"),
    )
    raise RuleError("PE-R012", message + suggest(ref, bundled), where)


def load_layer(root: Path, src: Located, within: tuple[tuple[Path, str], ...]) -> LoadedPack:
    """Load the layer at ``root`` (its ``pack.yaml`` already read as ``src``) merged with its base.

    Args:
        within: the layers, as (folder, id), being loaded that extend this one.

    Raises:
        RuleErrors: the layer's ``pack.yaml`` or its base cannot be used (the rule files' defects
            are collected in ``errors`` instead, as for any pack).
    """
    _refuse_pack_fields(src)
    layer: LayerPack = validate_model(LayerPack, src)
    extends_where = src.where(("extends", "pack"))
    base_root = resolve_base(root, layer.extends.pack, extends_where)
    chain = (*within, (root.resolve(), layer.id))
    folders = [folder for folder, _ in chain]
    if base_root.resolve() in folders:
        start = folders.index(base_root.resolve())
        names = " → ".join([*(pid for _, pid in chain[start:]), chain[start][1]])
        message = msg("extends: layers extend each other in a cycle: {names}", names=names)
        raise RuleError("PE-R014", message, extends_where)
    base = load_pack_files(base_root, within=chain)
    if base.pack.version != layer.extends.version:
        message = msg(
            "extends.version: extends {base} {wanted} but the base is version {version} ({path}); check the layer "
            "against the new base, then write {line}",
            base=base.pack.id,
            wanted=layer.extends.version,
            version=base.pack.version,
            path=base.source.path,
            line=f'version: "{base.pack.version}"',
        )
        raise RuleError("PE-R013", message, src.where(("extends", "version")))
    ids = [base.pack.id, *base.bases]
    if layer.id in ids:
        message = msg(
            "id: layer '{id}' has the id of a pack it extends ({ids}); give it its own",
            id=layer.id,
            ids=" → ".join(ids),
        )
        raise RuleError("PE-R011", message, src.where(("id",)))
    pack, source, origin = merge_pack(base, layer, src)
    rules, not_applied, errors = merge_rules(base, layer, src, root)
    return LoadedPack(
        pack=pack,
        root=root,
        source=source,
        rules=tuple(rules),
        errors=(*base.errors, *errors),
        origin=origin,
        not_applied=not_applied,
        bases=tuple(ids),
        shared=base.shared,
    )


def merge_pack(base: LoadedPack, layer: LayerPack, src: Located) -> tuple[Pack, LayeredSource, dict[str, str]]:
    """The merged ``Pack`` (validated), its source and the origin of each part.

    Raises:
        RuleErrors: PE-R011 for a common fact the base has already; PE-R004 when the merged pack
            is invalid (at the file:line of the part at fault).
    """
    b, bsrc = base.pack, base.source
    origin = base.origin_of()
    gone = set(layer.not_applied)
    inherited = ("currency", "common_facts", "general", "fact_exclusions", "adjustments")
    redirects: list[Redirect] = [((name,), bsrc, (name,)) for name in inherited]
    fields: dict[str, Any] = dict(b)
    fields.update(id=layer.id, title=layer.title, jurisdiction=layer.jurisdiction, authority=layer.authority)
    fields["version"] = layer.version
    for name in PACK_PARTS:
        value = getattr(layer, name)
        if value is None:
            redirects.append(((name,), bsrc, (name,)))
            continue
        fields[name] = value
        origin[name if name != "factor_start_assumption" else "factor_start"] = layer.id
    fields["settings"] = {**b.settings, **layer.settings}
    redirects += [(("settings", n), bsrc, ("settings", n)) for n in b.settings if n not in layer.settings]
    origin.update({f"settings.{n}": layer.id for n in layer.settings})
    errors = []
    for name in layer.common_facts:
        if name in b.common_facts:
            message = msg(
                "common_facts.{name}: '{name}' is already a common fact of base pack '{base}'", name=name, base=b.id
            )
            errors.append(RuleError("PE-R011", message, src.where(("common_facts", name))))
    fields["common_facts"] = {**b.common_facts, **layer.common_facts}
    redirects += [(("common_facts", n), src, ("common_facts", n)) for n in layer.common_facts]
    fields["assumptions"] = (*b.assumptions, *layer.assumptions)
    redirects += [(("assumptions", j), bsrc, ("assumptions", j)) for j in range(len(b.assumptions))]
    shift = len(b.assumptions)
    redirects += [(("assumptions", shift + j), src, ("assumptions", j)) for j in range(len(layer.assumptions))]
    fields["general"], more = _merge_general(b.general, layer, gone, bsrc, src)
    redirects += more
    if layer.general.hearing:
        origin["hearing"] = layer.id
    origin.update({f"lists.{n}": layer.id for n in layer.general.lists})
    groups: list[FineGroup] = []
    for j, group in enumerate(b.fine_groups):
        kept = tuple(r for r in group.rules if r not in gone)
        if len(kept) >= 2:
            redirects.append((("fine_groups", len(groups)), bsrc, ("fine_groups", j)))
            groups.append(group if kept == group.rules else group.model_copy(update={"rules": kept}))
    fields["fine_groups"] = tuple(groups)
    source = LayeredSource(src.data, src.path, src.lines, tuple(redirects))
    if errors:
        raise RuleErrors(errors)
    try:
        pack = Pack.model_validate(fields)
    except ValidationError as exc:
        raise RuleErrors([schema_error(Pack, source, e) for e in exc.errors()]) from None
    return pack, source, origin


def _merge_general(
    g: General, layer: LayerPack, gone: set[str], bsrc: Located, src: Located
) -> tuple[General, list[Redirect]]:
    """The general part with the layer's hearing thresholds (per party kind) and lists (per name);
    inherited lists lose the rules the layer does not apply."""
    own = layer.general
    hearing: list[HearingThreshold] = []
    redirects: list[Redirect] = []

    def add(h: HearingThreshold, source: Located, j: int) -> None:
        redirects.append((("general", "hearing", len(hearing)), source, ("general", "hearing", j)))
        hearing.append(h)

    # the base's order of party kinds; a kind the layer gives takes the place of the base's first
    kinds = [*dict.fromkeys(h.party for h in g.hearing), *(h.party for h in own.hearing)]
    for kind in dict.fromkeys(kinds):
        mine = [(j, h) for j, h in enumerate(own.hearing) if h.party == kind]
        theirs = [(j, h) for j, h in enumerate(g.hearing) if h.party == kind]
        for j, h in mine or theirs:
            add(h, src if mine else bsrc, j)
    lists = {}
    for name, listing in g.lists.items():
        kept = tuple(r for r in listing.rules if r not in gone)
        lists[name] = listing if kept == listing.rules else listing.model_copy(update={"rules": kept})
    lists.update(own.lists)
    redirects += [(("general", "lists", n), src, ("general", "lists", n)) for n in own.lists]
    return General.model_validate({**dict(g), "hearing": tuple(hearing), "lists": lists}), redirects
