"""What the benchmark document says about a layer (ADR 0011): the pack it extends, what it set itself.

A layer's document is its merged benchmark. ``Marks`` gives the mark ("本地设定（prov）" / "set by
prov") of each part whose origin is a layer rather than the bottom pack of the chain, read from the
provenance compiling records (``CompiledRule.origin``, ``CompiledVersion.origin``,
``LoadedPack.origin``); an ordinary pack has no marks, so its document is as it always was.
``layer_view`` gives the identity lines (base id and the exact base version the layer was written
against) and the base rules not applied in the layer's territory with their reason and basis.
Pure; reads only the loaded pack.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..models import Basis
from ..pack import LoadedPack
from ..text import Scope
from .view import NotAppliedRow, Quote


class Marks:
    """The marks of the parts a layer set (none for an ordinary pack)."""

    def __init__(self, loaded: LoadedPack | None, t: Scope) -> None:
        self.t = t
        self.root = loaded.bases[-1] if loaded is not None and loaded.bases else None
        self.pack = loaded.origin_of() if loaded is not None else {}

    def of(self, origin: dict[str, str], *parts: str) -> dict[str, str]:
        """Part → mark, for each of ``parts`` that ``origin`` attributes to a layer."""
        out = {}
        for part in parts:
            by = origin.get(part)
            if self.root is not None and by is not None and by != self.root:
                out[part] = self.t("set_by", pack=by)
        return out

    def one(self, part: str, origin: dict[str, str] | None = None) -> str | None:
        """The mark of one part (a pack part unless ``origin`` is given), or None."""
        return self.of(self.pack if origin is None else origin, part).get(part)


def layer_view(
    loaded: LoadedPack | None, t: Scope, lang: str, quotes: Callable[[Sequence[Basis]], list[Quote]]
) -> dict[str, Any] | None:
    """The layer's identity lines and its not-applied rules; None for an ordinary pack."""
    if loaded is None or not loaded.bases:
        return None
    data = loaded.source.data if isinstance(loaded.source.data, dict) else {}
    extends = data.get("extends")
    if not isinstance(extends, dict):
        extends = {}
    base, version = loaded.bases[0], str(extends.get("version", ""))
    not_applied = [
        NotAppliedRow(rule, na.reason.get(lang), quotes(na.basis)) for rule, na in sorted(loaded.not_applied.items())
    ]
    return {
        "base": base,
        "base_version": version,
        "extends": t("extends_text", pack=base, version=version),
        "notice": t("layer_notice", mark=t("set_by", pack=loaded.pack.id), pack=base),
        "chain": " → ".join([loaded.pack.id, *loaded.bases]),
        "not_applied": not_applied,
    }
