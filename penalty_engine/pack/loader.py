"""Reading rule packs from disk: safe YAML → frozen models, with file:line on every error.

Reads files (the shell of the core: packs are read once, at load). A ``pack.yaml`` with
``extends:`` is a layer: ``layers.load_layer`` reads its base and merges the two into one
ordinary ``LoadedPack`` (ADR 0011). ``LoadedPack.origin`` and ``LoadedRule.origin`` record which
pack set each overridable part; empty means "the pack being loaded" (every ordinary pack).
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from ..errors import EMPTY, Msg, RuleError, RuleErrors, field_name, joined, kind_of, msg, pair, suggest
from ..models import BENCHMARK_PARTS, MAX_DATE, MIN_DATE, NotApplied, Pack, Rule
from ..money import number_problem
from ..text import pydantic_text, shown_input
from ..yamlio import Loc, Located, YamlProblem, parse_yaml, read_text

if TYPE_CHECKING:
    from .shared import SharedUse

PACK_FILE = "pack.yaml"
SKIP_DIRS = {"cases", "docs", ".git"}


#: Pack parts whose origin is recorded (``settings.<name>`` and ``lists.<name>`` are added per name).
PACK_ORIGIN_PARTS = ("boundaries", "rounding", "tier_scheme", "factor_start", "similar_case_tolerance", "hearing")
#: Rule parts whose origin is recorded: who defined the rule, who last added facts.
RULE_ORIGIN_PARTS = ("rule", "facts")
#: Version parts whose origin is recorded; frame and basis always come from the pack defining the rule.
VERSION_ORIGIN_PARTS = ("frame", "basis", *BENCHMARK_PARTS, "assumptions")


@dataclass(frozen=True)
class LoadedRule:
    """A rule as read (or merged from a layer), with where each part of it was written."""

    rule: Rule
    source: Located
    #: which pack set each of ``RULE_ORIGIN_PARTS``; empty: the pack being loaded
    origin: dict[str, str] = field(default_factory=dict)
    #: per version (in file order): which pack set each of ``VERSION_ORIGIN_PARTS``; empty: as ``origin``
    version_origins: tuple[dict[str, str], ...] = ()

    def origin_of(self, pack_id: str, index: int | None = None) -> dict[str, str]:
        """Which pack set each part of the rule (and of version ``index``), ``pack_id`` for unset."""
        out = dict(self.origin) or dict.fromkeys(RULE_ORIGIN_PARTS, pack_id)
        if index is not None:
            own = self.version_origins[index] if self.version_origins else {}
            out.update(own or dict.fromkeys(VERSION_ORIGIN_PARTS, pack_id))
        return out


@dataclass(frozen=True)
class LoadedPack:
    """A pack as read: ``pack.yaml`` and its rules; for a layer, merged with its bases."""

    pack: Pack
    root: Path
    source: Located
    rules: tuple[LoadedRule, ...]
    errors: tuple[RuleError, ...] = ()
    #: which pack set each pack part (``PACK_ORIGIN_PARTS``, ``settings.<n>``, ``lists.<n>``); empty: this one
    origin: dict[str, str] = field(default_factory=dict)
    #: base rules a layer does not apply in its territory, by rule id (with its bases' ones)
    not_applied: dict[str, NotApplied] = field(default_factory=dict)
    #: the packs this one extends, nearest first (empty for an ordinary pack)
    bases: tuple[str, ...] = ()
    #: the shared general part the pack (or the base of a layer) uses (``general.use``, ADR 0022)
    shared: SharedUse | None = None

    def origin_of(self) -> dict[str, str]:
        """Which pack set each pack part: ``origin``, or this pack for every part."""
        return dict(self.origin) or pack_origin(self.pack, self.pack.id)


def pack_origin(pack: Pack, by: str) -> dict[str, str]:
    """Every pack part of ``pack`` attributed to the pack ``by``."""
    out = dict.fromkeys(PACK_ORIGIN_PARTS, by)
    out.update({f"settings.{name}": by for name in pack.settings})
    out.update({f"lists.{name}": by for name in pack.general.lists})
    return out


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
    message = msg(
        "no pack at '{ref}': expected a folder with {file} or a bundled pack id ({ids})",
        ref=ref,
        file=PACK_FILE,
        ids=joined(known) if known else msg("none installed"),
    )
    raise RuleError("PE-R009", message + suggest(str(ref), known))


#: Parsed rule files by (path, text): a layer reads its base's files again, and each bundled layer
#: extends the national pack, so one process parses each file once. Shared: never modify ``data``.
_PARSED: dict[tuple[str, str], Located] = {}
_PARSED_MAX = 512


def read_located(path: Path) -> Located:
    """Read and parse one YAML file of a pack; a defect or a reading limit (``yamlio``) is a RuleError.

    The text is read every time; only the parse of a text already parsed in this process is reused."""
    try:
        text = read_text(path, lambda problem, where: RuleError("PE-R009", problem, where))
        key = (str(path), text)
        hit = _PARSED.get(key)
        if hit is None:
            hit = parse_yaml(text, str(path))
            if len(_PARSED) >= _PARSED_MAX:
                _PARSED.pop(next(iter(_PARSED)))
            _PARSED[key] = hit
        return hit
    except YamlProblem as exc:
        code = {"syntax": "PE-R001", "duplicate": "PE-R002", "tag": "PE-R003", "limit": "PE-R019"}[exc.kind]
        raise RuleError(code, exc.message, f"{path}:{exc.line}") from None


def validate_model(model: type[BaseModel], located: Located) -> Any:
    """Validate parsed YAML against ``model``; every pydantic error becomes PE-R004 at file:line,
    and every number beyond what the engine computes exactly (``money.number_problem``) PE-R020."""
    try:
        value = model.model_validate(located.data)
    except (AttributeError, TypeError, KeyError) as exc:  # a validator that expected a mapping got a scalar
        loc = _first_scalar_where_a_map_goes(located.data)
        message = msg(
            "{field}: expected a mapping of fields, got {shape} ({error})",
            field=_field(loc),
            shape=_shape(located, loc),
            error=pair(type(exc).__name__, ""),  # a Python exception: not in the Chinese
        )
        raise RuleError("PE-R004", message, located.where(loc)) from None
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
    problems = [
        RuleError(
            "PE-R020", msg("{field}: {problem}", field=".".join(map(str, loc)), problem=problem), located.where(loc)
        )
        for loc, problem in number_problems(value)
    ]
    if problems:
        raise RuleErrors(problems)
    return value


def _first_scalar_where_a_map_goes(data: Any) -> Loc:
    """Where a fine (``fine: 5``) or a level's band (``bands: {base: 5}``) is not a mapping: the
    places whose kind the rule models tell by their keys; ``()`` when none is found."""
    stack: list[tuple[Any, Loc]] = [(data, ())]
    while stack:
        value, at = stack.pop()
        if isinstance(value, dict):
            for k, v in value.items():
                if k == "fine" and not isinstance(v, dict):
                    return (*at, k)
                if k == "bands" and isinstance(v, dict):
                    bad = [b for b, band in v.items() if not isinstance(band, dict)]
                    if bad:
                        return (*at, k, bad[0])
                stack.append((v, (*at, k)))
        elif isinstance(value, list):
            stack.extend((v, (*at, i)) for i, v in enumerate(value))
    return ()


def _shape(located: Located, loc: Loc) -> Msg:
    value: Any = located.data
    for part in loc:
        value = value[part]
    text = f"{type(value).__name__} {value!r}"[:80]
    return msg("{kind} {value}", kind=kind_of(value), value=text[len(type(value).__name__) + 1 :])


def _field(loc: Loc) -> Msg:
    return field_name(".".join(str(p) for p in loc)) if loc else msg("(top level)")


def number_problems(value: Any, loc: Loc = ()) -> list[tuple[Loc, Msg]]:
    """Every number or date of a validated model beyond what the engine computes exactly, with its
    path: an amount or number larger than 10^15 or with too many digits, a ratio whose numerator
    or denominator is (``money.number_problem``), a whole number beyond 10^15, a date outside
    ``MIN_DATE``–``MAX_DATE`` (near 9999-12-31 the date arithmetic of checks overflows). Walks
    fields, tuples and maps; the depth is that of the file (``yamlio.MAX_DEPTH``)."""
    out: list[tuple[Loc, Msg]] = []
    if isinstance(value, Decimal):
        problem = number_problem(value) if value.is_finite() else None
        if problem:
            out.append((loc, msg("{value} is {problem}", value=value, problem=problem)))
    elif isinstance(value, Fraction):
        for part in (value.numerator, value.denominator):
            problem = number_problem(Decimal(part)) if abs(part) > 10**15 else None
            if problem:
                out.append((loc, msg("the ratio {value} has a part {problem}", value=value, problem=problem)))
                break
    elif isinstance(value, dt.date) and not MIN_DATE <= value <= MAX_DATE:
        message = msg(
            "{value} is outside the dates the engine counts with ({min} to {max})",
            value=value,
            min=MIN_DATE,
            max=MAX_DATE,
        )
        out.append((loc, message))
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**15:
        out.append((loc, msg("a whole number beyond the engine's limit of 10^15")))
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            out.extend(number_problems(getattr(value, name), (*loc, name)))
    elif isinstance(value, (tuple, list)):
        for i, item in enumerate(value):
            out.extend(number_problems(item, (*loc, i)))
    elif isinstance(value, dict):
        for k, item in value.items():
            out.extend(number_problems(item, (*loc, str(k))))
    return out


def schema_error(model: type[BaseModel], located: Located, err: Any) -> RuleError:
    loc: Loc = tuple(p for p in err["loc"] if not _is_union_tag(p))
    field = _field(loc)
    if err["type"] == "extra_forbidden":
        name = str(loc[-1]) if loc else ""
        allowed = allowed_fields(model, loc[:-1])
        hint = suggest(name, allowed) or (
            msg("; allowed: {names}", names=joined(sorted(allowed))) if allowed else EMPTY
        )
        message = msg("{field}: unknown key '{name}'", field=field, name=name) + hint
    elif err["type"] == "missing":
        message = msg("{field}: required field missing", field=field)
    else:
        message = msg("{field}: {problem}", field=field, problem=pydantic_text(err)) + shown_input(err)
    return RuleError("PE-R004", message, located.where(loc))


def _is_union_tag(part: Any) -> bool:
    return isinstance(part, str) and (
        part
        in {
            "range",
            "multiple",
            "per_unit",
            "tranche_fine",
            "edge_number",
            "edge_multiple",
            "str",
            "AllOf",
            "AnyOf",
            "LawRef",
            "Benchmark",
        }
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


def rule_paths(root: Path) -> list[Path]:
    """Every rule file of a pack folder, sorted: ``*.yaml``/``*.yml`` but ``pack.yaml`` and skipped folders."""
    out = []
    for path in sorted([*root.rglob("*.yaml"), *root.rglob("*.yml")]):
        rel = path.relative_to(root)
        if path.name == PACK_FILE or any(part in SKIP_DIRS for part in rel.parts[:-1]):
            continue
        out.append(path)
    return out


def load_pack_files(ref: str | Path, *, within: tuple[tuple[Path, str], ...] = ()) -> LoadedPack:
    """Read ``pack.yaml`` and every rule file of a pack folder (sorted, ``cases/`` skipped).

    A broken ``pack.yaml`` raises at once; broken rule files are collected in ``errors`` so that
    the valid ones can still be compiled and every defect reported in one go. A layer (a
    ``pack.yaml`` with ``extends:``) comes back merged with its base (``layers.load_layer``).

    Args:
        ref: a pack folder or a bundled pack id.
        within: the layers, as (folder, id), being loaded that extend this pack (cycle detection).
    """
    root = resolve_pack(ref)
    pack_src = read_located(root / PACK_FILE)
    if isinstance(pack_src.data, dict) and "extends" in pack_src.data:
        from .layers import load_layer  # layers builds on this module: imported when needed

        return load_layer(root, pack_src, within)
    errors: list[RuleError] = []
    pack: Pack | None = None
    shared: SharedUse | None = None
    try:
        if uses_shared(pack_src.data):
            from .shared import load_with_shared  # shared builds on this module: imported when needed

            pack, pack_src, shared = load_with_shared(root, pack_src)
        else:
            pack = validate_model(Pack, pack_src)
    except RuleErrors as exc:
        errors.extend(exc.errors)
    except RuleError as exc:
        errors.append(exc)
    rules: list[LoadedRule] = []
    for path in rule_paths(root):
        try:
            src = read_located(path)
            if isinstance(src.data, dict) and "overrides" in src.data:
                message = msg("overrides: only a layer (a pack.yaml with 'extends:') can override a rule of its base")
                raise RuleError("PE-R017", message, src.where(("overrides",)))
            rules.append(LoadedRule(validate_model(Rule, src), src))
        except RuleErrors as exc:
            errors.extend(exc.errors)
        except RuleError as exc:
            errors.append(exc)
    if pack is None:
        raise RuleErrors(errors)
    return LoadedPack(pack, root, pack_src, tuple(rules), tuple(errors), shared=shared)


def uses_shared(data: Any) -> bool:
    """Whether a parsed ``pack.yaml`` names a shared general part (``general: {use: …}``)."""
    return isinstance(data, dict) and isinstance(data.get("general"), dict) and "use" in data["general"]
