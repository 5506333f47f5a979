"""A pack that uses a shared general part (``general: {use: cn-general}``), merged at load (ADR 0022).

The general part of 行政处罚法 is written once, in ``rules/<id>/general.yaml`` (a folder without a
``pack.yaml``, so never taken for a pack), with the common facts it reads. A pack names it in
``general.use`` and writes only what is its own. The merge, before anything is compiled:

- the shared part's common facts, then the pack's; a pack's fact of the same name is refused
  (PE-R022), as is any part the shared file sets that only the law sets (``SHARED_PARTS``): the
  pack may not write ``limitation`` or a ``*_basis`` again, nor a provision of the same id;
- the shared provisions in their order, then the pack's own; ``local_basis`` adds a pack's own
  basis (a provincial rule restating a provision) after the law's, to a provision it names;
- ``lists`` by name and ``legal_review_with_hearing`` whole: the pack's replace the shared defaults;
- what only the authority sets (``hearing``, ``below_minimum``, ``collective_discussion_kinds``)
  comes from the pack alone: the shared file's model has no such fields.

The result is an ordinary ``Pack``: compiling, evaluating, the fingerprint (hashed from the merged
``Pack``) and layers see no difference from a pack that wrote everything itself. Its source is a
``LayeredSource``: a location in a shared part points at the shared file's line. ``SharedUse``
records which file each part came from (for the published benchmark and ``penalty rules check``).
Reads files (the pack's and the shared one), then is pure.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import RuleError, RuleErrors, joined, msg, suggest
from ..models import (
    REPLACEABLE_PARTS,
    SHARED_FILE,
    SHARED_PARTS,
    General,
    GeneralUse,
    Pack,
    SharedGeneral,
    Text,
    UsesGeneral,
)
from ..yamlio import Located
from .layered import LayeredSource, Redirect
from .loader import bundled_packs_dir, read_located, schema_error, validate_model

#: Keys of a pack's ``general:`` that are not fields of ``General`` (read by ``GeneralUse``).
USE_KEYS = ("use", "version", "local_basis")


@dataclass(frozen=True)
class SharedUse:
    """The shared general part a pack uses, and who wrote each part of the merged general part."""

    id: str
    title: Text
    version: str
    #: the file as shown to readers: ``<id>/general.yaml`` under the bundled rules, else its path
    file: str
    source: Located
    #: ``common_facts.<name>``, ``provisions.<id>``, ``lists.<name>``, ``local_basis.<id>`` and the
    #: other general parts → the shared part's id or the pack's id
    origin: dict[str, str]


def shared_paths() -> list[Path]:
    """The shared general parts shipped with the package (folders with ``general.yaml``, no ``pack.yaml``)."""
    root = bundled_packs_dir()
    return sorted(p.parent for p in root.glob(f"*/{SHARED_FILE}")) if root.is_dir() else []


def resolve_shared(root: Path, ref: str, where: str) -> tuple[Path, str]:
    """The shared file ``ref`` names, and how to show it: a path relative to the pack folder (a file,
    or a folder with ``general.yaml``), else a bundled shared part's id.

    Raises:
        RuleError: PE-R009 when neither exists.
    """
    near = root / ref
    for candidate in (near, near / SHARED_FILE):
        if candidate.is_file():
            return candidate, str(candidate)
    bundled = {p.name: p for p in shared_paths()}
    if ref in bundled:
        return bundled[ref] / SHARED_FILE, f"{ref}/{SHARED_FILE}"
    message = msg(
        "general.use: no shared general part '{ref}': not a file or a folder with {file} (looked at {folder}) "
        "nor a bundled shared part ({ids})",
        ref=ref,
        file=SHARED_FILE,
        folder=near,
        ids=joined(sorted(bundled)) if bundled else msg("none installed"),
    )
    raise RuleError("PE-R009", message + suggest(ref, bundled), where)


def load_with_shared(root: Path, src: Located) -> tuple[Pack, LayeredSource, SharedUse]:
    """The pack at ``root`` (its ``pack.yaml`` read as ``src``) merged with the shared part it uses.

    Raises:
        RuleErrors: the pack or the shared file is invalid (PE-R004 at the file:line at fault),
            the shared file is missing (PE-R009), the pack writes what the shared part sets (PE-R022),
            the pack pins another version of the shared part than the one found (PE-R023),
            ``local_basis`` names no shared provision (PE-R010).
    """
    g = src.data["general"]
    use_src = dataclasses.replace(src, data={"general": {k: g[k] for k in USE_KEYS if k in g}})
    use: GeneralUse = validate_model(UsesGeneral, use_src).general
    own_general = {k: v for k, v in g.items() if k not in USE_KEYS}
    pack: Pack = validate_model(Pack, dataclasses.replace(src, data={**src.data, "general": own_general}))
    path, shown = resolve_shared(root, use.use, src.where(("general", "use")))
    ssrc = read_located(path)
    shared: SharedGeneral = validate_model(SharedGeneral, ssrc)
    if use.version is not None and use.version != shared.version:
        message = msg(
            "general.version: the pack is written against version '{want}' of the shared general part "
            "'{shared}', and {file} is version '{found}': review the pack against it, then change the pin",
            want=use.version,
            shared=shared.id,
            file=shown,
            found=shared.version,
        )
        raise RuleErrors([RuleError("PE-R023", message, src.where(("general", "version")))])
    _refuse(pack, own_general, use, shared, src, shown)
    return _merge(pack, own_general, use, shared, src, ssrc, shown)


def _refuse(pack: Pack, own: dict[str, Any], use: GeneralUse, shared: SharedGeneral, src: Located, shown: str) -> None:
    """PE-R022 for each part the pack writes that the shared part sets; PE-R010 for a ``local_basis``
    that names no shared provision."""
    errors = []

    def refuse(loc: tuple[str | int, ...], name: str) -> None:
        message = msg(
            "{name}: the shared general part '{shared}' ({file}) sets it: the law's general part is written "
            "once; a pack adds its own provisions, facts and local_basis, and sets hearing, below_minimum, "
            "lists and collective_discussion_kinds",
            name=name,
            shared=shared.id,
            file=shown,
        )
        errors.append(RuleError("PE-R022", message, src.where(loc)))

    for name in pack.common_facts:
        if name in shared.common_facts:
            refuse(("common_facts", name), f"common_facts.{name}")
    for part in SHARED_PARTS:
        if part != "provisions" and part in own and getattr(shared.general, part):
            refuse(("general", part), f"general.{part}")
    ids = {p.id for p in shared.general.provisions}
    for j, prov in enumerate(pack.general.provisions):
        if prov.id in ids:
            refuse(("general", "provisions", j, "id"), f"general.provisions.{j}.id '{prov.id}'")
    for pid in use.local_basis:
        if pid not in ids:
            message = msg(
                "general.local_basis.{name}: '{name}' is not a provision of the shared general part '{shared}'",
                name=pid,
                shared=shared.id,
            )
            errors.append(RuleError("PE-R010", message + suggest(pid, ids), src.where(("general", "local_basis", pid))))
    if errors:
        raise RuleErrors(errors)


def _merge(
    pack: Pack,
    own: dict[str, Any],
    use: GeneralUse,
    shared: SharedGeneral,
    src: Located,
    ssrc: Located,
    shown: str,
) -> tuple[Pack, LayeredSource, SharedUse]:
    sg, sid, pid = shared.general, shared.id, pack.id
    redirects: list[Redirect] = []
    origin: dict[str, str] = {}
    for name in shared.common_facts:
        redirects.append((("common_facts", name), ssrc, ("common_facts", name)))
    origin.update({f"common_facts.{n}": sid for n in shared.common_facts})
    origin.update({f"common_facts.{n}": pid for n in pack.common_facts})
    fields: dict[str, Any] = dict(pack.general)
    for part in SHARED_PARTS[1:]:
        if getattr(sg, part):
            fields[part] = getattr(sg, part)
            redirects.append((("general", part), ssrc, ("general", part)))
        origin[part] = sid if getattr(sg, part) else pid
    if "legal_review_with_hearing" not in own and sg.legal_review_with_hearing is not None:
        fields["legal_review_with_hearing"] = sg.legal_review_with_hearing
        redirects.append((("general", "legal_review_with_hearing"), ssrc, ("general", "legal_review_with_hearing")))
        origin["legal_review_with_hearing"] = sid
    else:
        origin["legal_review_with_hearing"] = pid
    fields["lists"] = {**sg.lists, **pack.general.lists}
    for name in sg.lists:
        if name not in pack.general.lists:
            redirects.append((("general", "lists", name), ssrc, ("general", "lists", name)))
    origin.update({f"lists.{n}": sid if n not in pack.general.lists else pid for n in fields["lists"]})
    provisions = []
    for i, prov in enumerate(sg.provisions):
        redirects.append((("general", "provisions", i), ssrc, ("general", "provisions", i)))
        origin[f"provisions.{prov.id}"] = sid
        added = use.local_basis.get(prov.id, ())
        for k in range(len(added)):
            at = ("general", "provisions", i, "basis", len(prov.basis) + k)
            redirects.append((at, src, ("general", "local_basis", prov.id, k)))
        if added:
            origin[f"local_basis.{prov.id}"] = pid
            prov = prov.model_copy(update={"basis": (*prov.basis, *added)})
        provisions.append(prov)
    n = len(provisions)
    for j, prov in enumerate(pack.general.provisions):
        redirects.append((("general", "provisions", n + j), src, ("general", "provisions", j)))
        origin[f"provisions.{prov.id}"] = pid
        provisions.append(prov)
    fields["provisions"] = tuple(provisions)
    source = LayeredSource(src.data, src.path, src.lines, tuple(redirects))
    merged = {**dict(pack), "common_facts": {**shared.common_facts, **pack.common_facts}}
    try:
        merged["general"] = General.model_validate(fields)
    except ValidationError as exc:
        errors = [schema_error(Pack, source, {**e, "loc": ("general", *e["loc"])}) for e in exc.errors()]
        raise RuleErrors(errors) from None
    try:
        result = Pack.model_validate(merged)
    except ValidationError as exc:
        raise RuleErrors([schema_error(Pack, source, e) for e in exc.errors()]) from None
    use_info = SharedUse(sid, shared.title, shared.version, shown, ssrc, origin)
    return result, source, use_info


__all__ = ["REPLACEABLE_PARTS", "SharedUse", "load_with_shared", "resolve_shared", "shared_paths"]
