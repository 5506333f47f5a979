"""Reading rule packs from disk: safe YAML → frozen models, with file:line on every error."""

from __future__ import annotations

import datetime as dt
import types
import typing
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import RuleError, RuleErrors, suggest
from ..models import Pack, Rule
from ..yamlio import Loc, Located, YamlProblem, parse_yaml, read_text

PACK_FILE = "pack.yaml"
SKIP_DIRS = {"cases", "docs", ".git"}


@dataclass(frozen=True)
class LoadedRule:
    rule: Rule
    source: Located


@dataclass(frozen=True)
class LoadedPack:
    pack: Pack
    root: Path
    source: Located
    rules: tuple[LoadedRule, ...]
    errors: tuple[RuleError, ...] = ()


def bundled_packs_dir() -> Path:
    """Folder of the packs shipped with the package (installed copy, else the source tree)."""
    here = Path(__file__).resolve().parents[1]
    installed = here / "rules"
    return installed if installed.is_dir() else here.parent / "rules"


def bundled_pack_paths() -> list[Path]:
    root = bundled_packs_dir()
    if not root.is_dir():
        return []
    return sorted(p.parent for p in root.glob(f"*/{PACK_FILE}"))


def resolve_pack(ref: str | Path) -> Path:
    """A pack folder from a folder path or a bundled pack id."""
    path = Path(ref)
    if (path / PACK_FILE).is_file():
        return path
    if path.is_file() and path.name == PACK_FILE:
        return path.parent
    for candidate in bundled_pack_paths():
        if candidate.name == str(ref):
            return candidate
    known = [p.name for p in bundled_pack_paths()]
    raise RuleError(
        "PE-R009",
        f"no pack at '{ref}': expected a folder with {PACK_FILE} or a bundled pack id "
        f"({', '.join(known) or 'none installed'}){suggest(str(ref), known)}",
    )


def read_located(path: Path) -> Located:
    text = read_text(path, lambda msg, where: RuleError("PE-R009", msg, where))
    try:
        return parse_yaml(text, str(path))
    except YamlProblem as exc:
        code = {"syntax": "PE-R001", "duplicate": "PE-R002", "tag": "PE-R003"}[exc.kind]
        raise RuleError(code, exc.message, f"{path}:{exc.line}") from None


def validate_model(model: type[BaseModel], located: Located) -> Any:
    """Validate parsed YAML against ``model``; every pydantic error becomes PE-R004 at file:line."""
    try:
        return model.model_validate(located.data)
    except ValidationError as exc:
        raw = exc.errors()
        locs = [tuple(e["loc"]) for e in raw]
        # a list whose item failed is also reported as "too short": keep only the item's error
        kept = [
            e
            for e, loc in zip(raw, locs, strict=True)
            if not (e["type"] == "too_short" and any(o[: len(loc)] == loc and o != loc for o in locs))
        ]
        raise RuleErrors([schema_error(model, located, err) for err in kept]) from None


def schema_error(model: type[BaseModel], located: Located, err: Any) -> RuleError:
    loc: Loc = tuple(p for p in err["loc"] if not _is_union_tag(p))
    field = ".".join(str(p) for p in loc) or "(top level)"
    if err["type"] == "extra_forbidden":
        name = str(loc[-1]) if loc else ""
        allowed = allowed_fields(model, loc[:-1])
        hint = suggest(name, allowed) or (f"; allowed: {', '.join(sorted(allowed))}" if allowed else "")
        message = f"{field}: unknown key '{name}'{hint}"
    elif err["type"] == "missing":
        message = f"{field}: required field missing"
    else:
        message = f"{field}: {err['msg']}{shown_input(err)}"
    return RuleError("PE-R004", message, located.where(loc))


def shown_input(err: Any) -> str:
    """``" (got 1.2)"`` for the value a validation error was about, unless the message has it already."""
    got = err.get("input")
    if isinstance(got, (dict, list, tuple)) or got is None:
        return ""
    text = str(got) if isinstance(got, (Decimal, Fraction, int, float, str, dt.date)) else repr(got)
    text = repr(text) if isinstance(got, str) else text
    return "" if text in str(err.get("msg", "")) else f" (got {text})"


def _is_union_tag(part: Any) -> bool:
    return isinstance(part, str) and (
        part in {"range", "multiple", "per_unit", "str", "AllOf", "AnyOf", "LawRef", "Benchmark"}
        or part.startswith("function-")
        or part.endswith("]")
    )


def allowed_fields(model: type[BaseModel], loc: Loc) -> set[str]:
    """Field names of the model(s) found at ``loc`` inside ``model`` (for suggestions)."""
    current: list[Any] = [model]
    for part in loc:
        nxt: list[Any] = []
        for ann in current:
            for cls in _models_in(ann):
                if isinstance(part, str) and part in cls.model_fields:
                    nxt.append(cls.model_fields[part].annotation)
            for inner in _containers_in(ann, part):
                nxt.append(inner)
        current = nxt
    names: set[str] = set()
    for ann in current:
        for cls in _models_in(ann):
            names.update(cls.model_fields)
    return names


def _args(ann: Any) -> tuple[Any, ...]:
    origin = typing.get_origin(ann)
    if origin is typing.Annotated:
        return (typing.get_args(ann)[0],)
    if origin in (typing.Union, types.UnionType):
        return typing.get_args(ann)
    return ()


def _models_in(ann: Any) -> list[type[BaseModel]]:
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return [ann]
    return [m for a in _args(ann) for m in _models_in(a)]


def _containers_in(ann: Any, part: Any) -> list[Any]:
    origin = typing.get_origin(ann)
    if origin in (tuple, list) and isinstance(part, int):
        return [typing.get_args(ann)[0]]
    if origin is dict and isinstance(part, str):
        return [typing.get_args(ann)[1]]
    return [c for a in _args(ann) for c in _containers_in(a, part)]


def load_pack_files(ref: str | Path) -> LoadedPack:
    """Read ``pack.yaml`` and every rule file of a pack folder (sorted, ``cases/`` skipped).

    A broken ``pack.yaml`` raises at once; broken rule files are collected in ``errors`` so that
    the valid ones can still be compiled and every defect reported in one go.
    """
    root = resolve_pack(ref)
    pack_src = read_located(root / PACK_FILE)
    errors: list[RuleError] = []
    pack: Pack | None = None
    try:
        pack = validate_model(Pack, pack_src)
    except RuleErrors as exc:
        errors.extend(exc.errors)
    rules: list[LoadedRule] = []
    for path in sorted([*root.rglob("*.yaml"), *root.rglob("*.yml")]):
        rel = path.relative_to(root)
        if path.name == PACK_FILE or any(part in SKIP_DIRS for part in rel.parts[:-1]):
            continue
        try:
            src = read_located(path)
            rules.append(LoadedRule(validate_model(Rule, src), src))
        except RuleErrors as exc:
            errors.extend(exc.errors)
        except RuleError as exc:
            errors.append(exc)
    if pack is None:
        raise RuleErrors(errors)
    return LoadedPack(pack, root, pack_src, tuple(rules), tuple(errors))
