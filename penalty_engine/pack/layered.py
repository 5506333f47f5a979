"""Sources and refusals for layers (ADR 0011): where merged data was written, what a layer may not set.

Pure. ``LayeredSource`` sends a location inside a merged pack or rule to the file and line that
wrote it; ``forbidden`` names the fields a layer's model lacks but the full model has (PE-R017).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from ..errors import RuleError, joined, msg
from ..yamlio import Loc, Located

Redirect = tuple[Loc, Located, Loc]
"""A location prefix inside merged data, the source that wrote it, and its prefix there."""


@dataclass(frozen=True)
class LayeredSource(Located):
    """The source of merged data: a location goes to the file and line that set it.

    ``where(loc)`` follows the longest matching prefix of ``redirects`` (itself possibly a
    ``LayeredSource``), else ``inner`` (the base file a rule was merged from), else this file.
    ``path`` and ``line_of`` stay those of the file itself."""

    redirects: tuple[Redirect, ...] = ()
    inner: Located | None = None

    def where(self, loc: Loc = ()) -> str:
        """``file:line`` of the file that wrote ``loc``."""
        best: Redirect | None = None
        for redirect in self.redirects:
            prefix = redirect[0]
            if loc[: len(prefix)] == prefix and (best is None or len(prefix) > len(best[0])):
                best = redirect
        if best is not None:
            return best[1].where((*best[2], *loc[len(best[0]) :]))
        if self.inner is not None:
            return self.inner.where(loc)
        return super().where(loc)


def wrap(inner: Located, redirects: list[Redirect]) -> LayeredSource:
    """A source that reads as ``inner`` except where ``redirects`` say otherwise."""
    return LayeredSource(inner.data, inner.path, inner.lines, tuple(redirects), inner)


_WHY = {
    "currency": msg("the currency is the base's"),
    "fine_groups": msg("fine groups (62号令 Art. 43) follow the base's rules"),
    "general": msg("the general part of 行政处罚法 is the law's; a layer changes only hearing and lists"),
    "provisions": msg("the general part of 行政处罚法 is the law's"),
    "limitation": msg("the limitation periods of 行政处罚法 are the law's"),
    "below_minimum": msg("减轻 below the minimum is the base's reading of the law"),
    "id": msg("a rule keeps its base id"),
    "title": msg("the rule's title is the base's"),
    "frame": msg("the statutory frame is the law's and cannot be widened or narrowed"),
    "basis": msg("the legal basis of a version is the law's"),
    "effective_to": msg("a version's dates are the law's"),
    "special_provisions": msg("special provisions are the law's"),
    "life_health_or_financial_safety": msg("the limitation period is the law's"),
}


def forbidden(
    data: Any, full: type[BaseModel], allowed: type[BaseModel], src: Located, loc: Loc = ()
) -> list[RuleError]:
    """PE-R017 for every key of ``data`` that ``full`` has but a layer's ``allowed`` model lacks."""
    if not isinstance(data, dict):
        return []
    out = []
    permitted = sorted(allowed.model_fields)
    for key in data:
        if key in full.model_fields and key not in allowed.model_fields:
            name = ".".join(str(p) for p in (*loc, key))
            why = _WHY.get(str(key)) or msg("only the base sets it")
            message = msg(
                "{name}: a layer cannot change '{key}' ({why}); here it may set: {permitted}",
                name=name,
                key=key,
                why=why,
                permitted=joined(permitted),
            )
            out.append(RuleError("PE-R017", message, src.where((*loc, key))))
    return out
