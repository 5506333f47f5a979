"""What a loaded engine holds, as JSON-ready data: the rule listing and one rule in full.

Pure: reads only the compiled rules it is given. Shared by the CLI (``rules list``/``rules show``
with ``--format json``) and the HTTP service (``/v1/rules``), which builds input forms from it.
"""

from __future__ import annotations

from typing import Any

from ..models import FactSpec
from ..pack import CompiledRule
from .engine import Engine


def fact_row(name: str, spec: FactSpec) -> dict[str, Any]:
    """One fact of a fact schema as JSON: ``name``, its spec as written (label, type, unit, bounds,
    values, default, direction, help; absent keys left out) and ``required``."""
    row: dict[str, Any] = {"name": name, **spec.model_dump(mode="json", exclude_none=True)}
    row["required"] = spec.required
    return row


def list_rules(engine: Engine, search: str | None = None) -> list[dict[str, Any]]:
    """Every rule with its pack, id, title, versions and fact schema (``rules list --format json``)."""
    out = []
    word = (search or "").lower()
    for r in engine.rules():
        hay = f"{r.id} {r.rule.title.zh} {r.rule.title.en}".lower()
        if word and word not in hay:
            continue
        out.append(
            {
                "id": r.id,
                "pack": r.pack.id,
                "rule": r.rule.id,
                "title": r.rule.title.model_dump(),
                "versions": [
                    {
                        "effective_from": v.version.effective_from.isoformat(),
                        "effective_to": v.version.effective_to.isoformat() if v.version.effective_to else None,
                    }
                    for v in r.versions
                ],
                "facts": {n: fact_row(n, s) for n, s in r.rule.facts.items()},
                "common_facts": sorted(r.pack.common_facts),
            }
        )
    return out


def describe_rule(rule: CompiledRule) -> dict[str, Any]:
    """The full rule as JSON (``rules show --format json``); ``id`` is ``pack/rule``."""
    data = rule.rule.model_dump(mode="json")
    return {**data, "id": rule.id, "rule": rule.rule.id, "pack": rule.pack.id, "source": rule.source.path}
