"""The verbatim texts of the provisions a decision cites, from the packs it was made with.

A decision names its provisions by citation (``道路运输条例 第六十三条第（一）项``); the text
quoted verbatim lives in the rule and pack files (``LawRef.text``). ``law_texts`` finds, for every
citation, the text the decision's own rule version quotes, then its rule's, then its pack's (a
layer's pack included), so the case-file document can quote what it applies.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from ..core import Engine
from ..errors import PenaltyEngineError
from ..models import Decision, Decisions, LawRef


def _refs(node: Any) -> Iterator[LawRef]:
    """Every ``LawRef`` inside a model, depth first, in field order."""
    if isinstance(node, LawRef):
        yield node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _refs(getattr(node, name, None))
    elif isinstance(node, (list, tuple)):
        for item in node:
            yield from _refs(item)
    elif isinstance(node, dict):
        for item in node.values():
            yield from _refs(item)


def law_texts(engine: Engine, result: Decision | Decisions) -> dict[str, str]:
    """Citation → verbatim text for the provisions of ``result``'s rules (first found wins: the
    decision's rule version, the rule, the pack). A rule the engine no longer has adds nothing."""
    out: dict[str, str] = {}
    decisions = [result] if isinstance(result, Decision) else list(result.decisions)
    for d in decisions:
        try:
            rule = engine.rule(d.violation.id)
        except PenaltyEngineError:
            continue
        versions = [v for v in rule.rule.versions if v.effective_from.isoformat() == d.violation.version]
        for source in (*versions, rule.rule, rule.pack):
            for ref in _refs(source):
                if ref.text:
                    out.setdefault(ref.citation, ref.text)
    return out
