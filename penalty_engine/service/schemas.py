"""The response models the service declares in its OpenAPI document (besides ``Decision``,
``Decisions``, ``Case`` and ``Problem``), so that clients can generate types from it.

Pure: pydantic models and the functions that fill them from the engine's catalog data.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..core import Engine, fact_row
from ..models import Decision, Decisions, FactType
from ..pack import CompiledRule
from .problems import Problem


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Text(_Out):
    """A text in Chinese and English."""

    zh: str
    en: str


class PackOut(_Out):
    """One loaded pack."""

    id: str
    title: Text
    version: str
    jurisdiction: str
    authority: Text
    currency: str
    rules: int = Field(description="how many rules of this pack are loaded")


class VersionOut(_Out):
    """When a rule version is in force (``effective_to`` None: still in force)."""

    effective_from: str
    effective_to: str | None


class FactOut(_Out):
    """One fact a case gives for a rule: enough to build an input field for it."""

    name: str
    label: Text
    type: FactType
    unit: str | None = None
    min: str | None = Field(default=None, description="lowest allowed value (a decimal as a string)")
    max: str | None = Field(default=None, description="highest allowed value (a decimal as a string)")
    values: list[str] | None = Field(default=None, description="allowed values of an enum fact, in order")
    default: Any = Field(default=None, description="the value used when the case leaves the fact out")
    required: bool = Field(description="true when the fact has no default: a case must give it")
    direction: str | None = Field(default=None, description="aggravating or mitigating as the value grows")
    help: Text | None = None
    common: bool = Field(description="a fact every rule of the pack has (the pack's common facts)")


class RuleSummary(_Out):
    """One rule in the listing."""

    id: str = Field(description="pack/rule: the value of a case's 'violation'")
    pack: str
    rule: str
    title: Text
    versions: list[VersionOut]


class RuleOut(RuleSummary):
    """One rule with its facts (the pack's common facts first, then the rule's own)."""

    facts: list[FactOut]
    #: the full rule as written in its pack (``penalty rules show --format json``)
    definition: dict[str, Any]


class RecordOut(_Out):
    """A ledger record: the case, its decision JSON as returned, and where it sits in the chain."""

    id: str
    seq: int
    recorded_at: str
    case: dict[str, Any]
    decision: Decision | Decisions
    fingerprint: str
    pack_id: str
    pack_version: str
    engine: str
    caller: str
    prev_hash: str
    hash: str


class BatchLine(_Out):
    """One line of a batch answer: the case's decision with its ledger id, or its problem."""

    index: int = Field(description="the case's place in the request, from 0")
    ledger_id: str | None = None
    decision: Decision | Decisions | None = None
    problem: Problem | None = None


class Health(_Out):
    """``/healthz`` and ``/readyz``."""

    status: str
    packs: list[str] = []
    ledger: bool | None = None


def pack_out(engine: Engine) -> list[PackOut]:
    """Every loaded pack, by id."""
    counts: dict[str, int] = {}
    packs = {}
    for r in engine.rules():
        counts[r.pack.id] = counts.get(r.pack.id, 0) + 1
        packs[r.pack.id] = r.pack
    return [
        PackOut(
            id=p.id,
            title=Text(**p.title.model_dump()),
            version=p.version,
            jurisdiction=p.jurisdiction,
            authority=Text(**p.authority.model_dump()),
            currency=p.currency,
            rules=counts[p.id],
        )
        for p in (packs[k] for k in sorted(packs))
    ]


def rule_summary(rule: CompiledRule) -> RuleSummary:
    """A rule's id, title and versions."""
    return RuleSummary(**_summary(rule))


def _summary(rule: CompiledRule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "pack": rule.pack.id,
        "rule": rule.rule.id,
        "title": Text(**rule.rule.title.model_dump()),
        "versions": [
            VersionOut(
                effective_from=v.version.effective_from.isoformat(),
                effective_to=v.version.effective_to.isoformat() if v.version.effective_to else None,
            )
            for v in rule.versions
        ],
    }


def rule_out(rule: CompiledRule, definition: dict[str, Any]) -> RuleOut:
    """A rule with every fact a case gives for it, and its full definition."""
    facts = [
        FactOut(**{**fact_row(name, spec), "common": name in rule.pack.common_facts})
        for name, spec in rule.facts.items()
    ]
    return RuleOut(**_summary(rule), facts=facts, definition=definition)
