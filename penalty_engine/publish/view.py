"""The plain view of a pack that both templates lay out: frozen records, no logic."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# ---------------------------------------------------------------- view model


@dataclass(frozen=True)
class Cond:
    """A condition: in words where it is simple, always with its CEL text."""

    words: str | None
    cel: str


@dataclass(frozen=True)
class Quote:
    """A basis item: a provision with its quoted text, or a benchmark choice (``text`` is None)."""

    citation: str
    text: str | None
    benchmark: str | None = None


@dataclass(frozen=True)
class AssumptionEntry:
    number: int
    scope: str
    topic: str
    text: str
    when: Cond | None = None

    @property
    def anchor(self) -> str:
        return f"a{self.number}"

    @property
    def tag(self) -> str:
        return f"A{self.number}"


@dataclass(frozen=True)
class FactRow:
    name: str
    label: str
    type: str
    unit: str
    bounds: str
    default: str
    direction: str


@dataclass(frozen=True)
class BandAmounts:
    branch: str
    min: str
    max: str


@dataclass(frozen=True)
class TierRow:
    tier: str
    label: str | None
    when: Cond | None
    lower: str
    upper: str
    own_band: bool
    basis: list[Quote]
    amounts: list[BandAmounts]


@dataclass(frozen=True)
class LevelColumn:
    """A statutory branch some level gives a band for: a column of the level table."""

    id: str
    label: str | None


@dataclass(frozen=True)
class LevelBand:
    """A level's band for one branch, as the table gives it (``text`` None: no band)."""

    branch: str
    text: str | None
    amounts: str | None  # for fractions of a fixed range: the amounts they come to


@dataclass(frozen=True)
class LevelRow:
    """A named level (阶次) of a published table (ADR 0010)."""

    id: str
    name: str
    tier: str
    when: Cond | None
    bands: list[LevelBand]
    point: str  # where the amount lies in the band, or that the table gives a range only
    range_only: bool
    basis: list[Quote]


@dataclass(frozen=True)
class NotAppliedRow:
    """A base rule a layer does not apply in its territory (ADR 0011)."""

    rule: str
    reason: str
    basis: list[Quote]


@dataclass(frozen=True)
class BranchRow:
    id: str
    kind: str | None  # range | multiple | per_unit | None (no fine)
    label: str | None
    when: Cond | None
    fine: str | None
    note: str | None
    confiscate: list[str]
    also: list[str]
    basis: list[Quote]


@dataclass(frozen=True)
class FactorRow:
    id: str
    label: str
    effect: str
    weight: str
    when: Cond
    basis: list[Quote]
    #: the tiers (levels) in which it is not weighed again, in words; empty: every tier
    not_in: str = ""


@dataclass(frozen=True)
class VersionView:
    key: str
    span: str
    basis: list[Quote]
    branches: list[BranchRow]
    tiers: list[TierRow]
    implied_tier: bool
    tiers_apply: bool  # some branch has a range or a multiple (per-unit fines are fixed)
    factors: list[FactorRow]
    start: str
    assumptions: list[AssumptionEntry]
    levels: list[LevelRow] = field(default_factory=list)
    level_columns: list[LevelColumn] = field(default_factory=list)
    #: for a layer: part (``tiers``, ``levels``, ``factors``, ``start``, ``assumptions``) → its mark
    marks: dict[str, str] = field(default_factory=dict)
    #: the weighted table (ADR 0020; a ``publish.weighted.WeightedView``), else None
    weighted: Any = None
    #: the exclusions of the pack's adjustments the version declares (ADR 0025; ``publish.adjustments.ExcludedRow``)
    excluded: list[Any] = field(default_factory=list)
    #: the band table (ADR 0024; a ``publish.banded.BandedView``), else None
    banded: Any = None


@dataclass(frozen=True)
class RuleView:
    id: str
    full_id: str
    title: str
    other_title: str
    anchor: str
    facts: list[FactRow]
    notes: str | None
    life_health: bool
    special_provisions: list[tuple[str, list[Quote]]]
    versions: list[VersionView]
    #: for a layer: part (``rule``, ``facts``) → its mark
    marks: dict[str, str] = field(default_factory=dict)


@dataclass
class Register:
    entries: list[AssumptionEntry] = field(default_factory=list)

    def add(self, scope: str, topic: str, text: str | None, when: Cond | None = None) -> AssumptionEntry | None:
        if not text:
            return None
        entry = AssumptionEntry(len(self.entries) + 1, scope, topic, " ".join(text.split()), when)
        self.entries.append(entry)
        return entry
