"""The plain view of a pack that both templates lay out: frozen records, no logic."""

from __future__ import annotations

from dataclasses import dataclass, field

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


@dataclass
class Register:
    entries: list[AssumptionEntry] = field(default_factory=list)

    def add(self, scope: str, topic: str, text: str | None, when: Cond | None = None) -> AssumptionEntry | None:
        if not text:
            return None
        entry = AssumptionEntry(len(self.entries) + 1, scope, topic, " ".join(text.split()), when)
        self.entries.append(entry)
        return entry
