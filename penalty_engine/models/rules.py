"""The rule-file format: frozen pydantic models of one violation rule file (``pack.yaml`` is in ``pack.py``).

Everything read from a file is a frozen model with ``extra="forbid"``, so an unknown key is an
error with its file:line, and ``penalty rules schema`` exports the JSON Schema editors use for
autocompletion. The authoring guide (docs/rule-authoring.md) explains each field with examples.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Annotated, Any, Literal

from pydantic import (
    Discriminator,
    Field,
    Tag,
    model_validator,
)

from ..errors import msg
from ..money import is_terminating
from .adjustments import ExcludedFrom
from .banded import Banded
from .common import (
    GUARDIAN_ORDERS,
    AllOf,
    Amount,
    AnyOf,
    Basis,
    Benchmark,
    Condition,
    FactSpec,
    FactType,
    Frozen,
    LawRef,
    Order,
    OrderKind,
    ProseText,
    Ratio,
    SettingRef,
    Text,
    cn_number,
    unique_orders,
)
from .fines import (
    Edge,
    EdgeMultiple,
    FineSpec,
    MultipleFine,
    PartialCount,
    PerUnitFine,
    RangeFine,
    Tranche,
    TrancheFine,
)
from .perday import PerDay
from .weighted import Staged, Weighted

# The rule format as one import: its building blocks and fines are defined in ``common`` and ``fines``.
__all__ = [
    "EVERY_BRANCH",
    "AllOf",
    "Amount",
    "AmountBand",
    "AnyOf",
    "Assumption",
    "Band",
    "Basis",
    "Benchmark",
    "Branch",
    "BranchNoPenalty",
    "Condition",
    "Edge",
    "EdgeMultiple",
    "FactSpec",
    "FactType",
    "Factor",
    "FineSpec",
    "Frozen",
    "Implements",
    "LawRef",
    "Level",
    "LevelBand",
    "MultipleBand",
    "MultipleFine",
    "Order",
    "OrderKind",
    "OtherPenalty",
    "PartialCount",
    "PenaltyKind",
    "PerUnitFine",
    "RangeFine",
    "Ratio",
    "Rule",
    "RuleVersion",
    "SettingRef",
    "SpecialProvision",
    "Text",
    "Tier",
    "TierName",
    "Tranche",
    "TrancheFine",
    "Weighted",
    "cn_number",
]


def _weighted_kind(value: Any) -> str:
    """A weighted table with ``stages`` is the two-stage form (附件1 §1.6), else one column."""
    staged = isinstance(value, Staged) or (isinstance(value, dict) and "stages" in value)
    return "staged" if staged else "single"


def _unset(value: Any) -> bool:
    """A flag added after the first contract is left out of a dump while false (as ``_absent``)."""
    return value is False


def _absent(value: Any) -> bool:
    """A field added to the format after its first contract is left out of a dump while it is
    unset, so the dump (and the fingerprint hashed from it) of a rule written before the field
    existed stays as it was."""
    return value is None or value == ()


class PenaltyKind(StrEnum):
    """Kinds of penalty of 行政处罚法 Art. 9, and the named forms the transport statutes use; each kind
    is one name (the catalog's ``decision.<kind>``)."""

    warning = "warning"  # 警告
    fine = "fine"  # 罚款
    confiscation = "confiscation"  # 没收违法所得
    confiscation_property = "confiscation_property"  # 没收非法财物
    permit_suspension = "permit_suspension"  # 暂扣许可证件 (Art. 9 item 3)
    suspension = "suspension"  # 责令停产停业 (Art. 9 item 4)
    suspension_for_rectification = "suspension_for_rectification"  # 停业整顿 (a 责令停产停业 the statute names so)
    revocation = "revocation"  # 吊销许可证件
    qualification_downgrade = "qualification_downgrade"
    closure = "closure"
    practice_restriction = "practice_restriction"
    detention = "detention"


class OtherPenalty(Frozen):
    """A penalty without an amount computed by the engine (warning, revocation, …)."""

    kind: PenaltyKind
    object: Text | None = Field(default=None, description="what is suspended or revoked, e.g. 车辆营运证")


class BranchNoPenalty(Frozen):
    """A statutory branch that gives no penalty: 给予批评教育，可以不予处罚 →
    ``{optional: true, education: true}``. The engine decides no penalty, with the education duty
    when asked; ``optional`` says the law's words are 可以不予处罚 (the branch still sets no penalty
    to give) rather than 不予处罚."""

    optional: bool = Field(description="true: 可以不予处罚 (the law's option); false: 不予处罚")
    education: bool = Field(default=False, description="the branch asks for education (批评教育)")


class Branch(Frozen):
    """One statutory branch of the frame; the first whose condition holds applies."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    when: Condition | None = Field(default=None, description="absent: always (the last branch)")
    label: Text | None = None
    fine: FineSpec | None = None
    confiscate: tuple[str, ...] = Field(default=(), description="money facts confiscated in full (没收违法所得)")
    also: tuple[OtherPenalty, ...] = Field(default=(), description="other penalty kinds, e.g. warning")
    basis: tuple[Basis, ...] = Field(default=(), description="the item of the article this branch encodes")
    no_penalty: BranchNoPenalty | None = Field(
        default=None,
        description="the branch gives no penalty (e.g. 给予批评教育，可以不予处罚); no other penalty key",
        exclude_if=_absent,
    )
    orders: tuple[Order, ...] = Field(
        default=(),
        description="orders only this branch's item names, added to the version's (ADR 0017)",
        exclude_if=_absent,
    )
    per_day: bool = Field(
        default=False, description="the fine is the version's per-day fine (按日连续处罚, ADR 0023)", exclude_if=_unset
    )

    @model_validator(mode="after")
    def _some_penalty(self) -> Branch:
        unique_orders(self.orders, f"branch '{self.id}' orders")
        if any(o.kind in GUARDIAN_ORDERS for o in self.orders):
            raise ValueError(msg("orders to a guardian belong to the general part (pack.yaml), not to a branch"))
        if self.no_penalty is not None:
            if self.fine is not None or self.confiscate or self.also or self.per_day:
                raise ValueError(msg("a branch with 'no_penalty' has no 'fine', 'confiscate' or 'also'"))
            return self
        if self.per_day and self.fine is not None:
            raise ValueError(msg("a 'per_day' branch has no 'fine': its fine is the version's per-day fine"))
        if self.fine is None and not self.confiscate and not self.also and not self.per_day:
            raise ValueError(msg("a branch needs a 'fine', 'confiscate' or 'also' penalty (or 'no_penalty')"))
        if any(p.kind in (PenaltyKind.fine, PenaltyKind.confiscation) for p in self.also):
            raise ValueError(msg("fines and confiscation are given with 'fine' and 'confiscate', not 'also'"))
        return self


TierName = Literal["lighter", "standard", "heavier"]


class Band(Frozen):
    """Fractions of the statutory range that bound a tier, lower and upper.

    Fractions above 1 load (evaluation keeps every band inside the range) but ``rules check``
    reports them as ``band_outside_range``.
    """

    lower: Ratio = Field(ge=0)
    upper: Ratio = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Band:
        if self.lower > self.upper:
            raise ValueError(msg("'lower' is larger than 'upper'"))
        return self


class Tier(Frozen):
    """A benchmark tier; the first whose condition holds applies."""

    tier: TierName
    when: Condition | None = None
    label: Text | None = None
    band: Band | None = Field(default=None, description="override of the pack's tier scheme for this tier")
    basis: tuple[Basis, ...] = ()


class AmountBand(Frozen):
    """A band of amounts exactly as a published table prints it: 处3万元以上5万元以下罚款 →
    ``{min: 30000, max: 50000}``; 处3万元罚款 → ``{fixed: 30000}``. The edges are never rounded."""

    min: Amount | None = None
    max: Amount | None = None
    fixed: Amount | None = None

    @model_validator(mode="after")
    def _one_form(self) -> AmountBand:
        if self.fixed is not None:
            if self.min is not None or self.max is not None:
                raise ValueError(msg("give either 'fixed' or 'min' and 'max', not both"))
            return self
        if self.min is None or self.max is None:
            raise ValueError(msg("an amount band needs 'min' and 'max' (or 'fixed')"))
        if self.min > self.max:
            raise ValueError(msg("'min' ({min}) is larger than 'max' ({max})", min=self.min, max=self.max))
        return self

    @property
    def edges(self) -> tuple[Decimal, Decimal]:
        """The lower and upper edge (equal for a fixed amount)."""
        if self.fixed is not None:
            return self.fixed, self.fixed
        assert self.min is not None and self.max is not None
        return self.min, self.max


class MultipleBand(Frozen):
    """Multiples of the branch's base (the fact its ``times`` fine multiplies), exactly as a table
    prints them: 处违法所得2倍以上4倍以下的罚款 → ``{min_times: 2, max_times: 4}``; 处违法所得2倍的罚款 →
    ``{times: 2}``. The edges (base × multiple) are exact and never rounded."""

    min_times: Ratio | None = None
    max_times: Ratio | None = None
    times: Ratio | None = None

    @model_validator(mode="after")
    def _one_form(self) -> MultipleBand:
        given = [r for r in (self.min_times, self.max_times, self.times) if r is not None]
        if not all(is_terminating(r) and r >= 0 for r in given):
            raise ValueError(msg("multiples are non-negative decimal numbers such as 2 or 0.5"))
        if self.times is not None:
            if self.min_times is not None or self.max_times is not None:
                raise ValueError(msg("give either 'times' or 'min_times' and 'max_times', not both"))
            return self
        if self.min_times is None or self.max_times is None:
            raise ValueError(msg("a multiple band needs 'min_times' and 'max_times' (or 'times')"))
        if self.min_times > self.max_times:
            raise ValueError(
                msg("'min_times' ({min}) is larger than 'max_times' ({max})", min=self.min_times, max=self.max_times)
            )
        return self

    @property
    def multiples(self) -> tuple[Fraction, Fraction]:
        """The lower and upper multiple (equal for a fixed multiple)."""
        if self.times is not None:
            return self.times, self.times
        assert self.min_times is not None and self.max_times is not None
        return self.min_times, self.max_times


def _band_kind(value: Any) -> str:
    keys = set(value) if isinstance(value, dict) else set(getattr(type(value), "model_fields", ()))
    if keys & {"min_times", "max_times", "times"}:
        return "multiple"
    if keys & {"lower", "upper"}:
        return "fraction"
    return "amount"


LevelBand = Annotated[
    Annotated[Band, Tag("fraction")] | Annotated[AmountBand, Tag("amount")] | Annotated[MultipleBand, Tag("multiple")],
    Discriminator(_band_kind),
]
"""The band of a level for one statutory branch: fractions of the statutory range (``{lower, upper}``,
as the tier scheme; inner edges rounded, ADR 0002), amounts, or multiples of the branch's base."""

EVERY_BRANCH = "*"


class Level(Frozen):
    """A named level (阶次) of a published benchmark table: its circumstances, the machine tier it
    maps to, and its band for each statutory branch (ADR 0010).

    ``bands`` is keyed by branch id; ``"*"`` stands for every branch not named. The first level
    whose ``when`` holds applies; only the last level may omit ``when``. ``point: false`` says the
    table gives a range and no amount: the decision then reports the band with no recommended fine.
    """

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: Text = Field(description="the level's name as the table prints it, e.g. 一般 / 较重 / 严重")
    tier: TierName = Field(description="the machine tier the level counts as (mandatory mitigation, check, replay)")
    when: Condition | None = None
    bands: dict[str, LevelBand] = Field(default_factory=dict, description="per branch id, or '*' for every other")
    start: Ratio | None = Field(default=None, ge=0, le=1, description="start position inside the band")
    point: bool = Field(default=True, description="false: the table gives a range only, no recommended amount")
    basis: tuple[Basis, ...] = ()

    def band_for(self, branch: str) -> Band | AmountBand | MultipleBand | None:
        """The level's band for the statutory branch ``branch`` (its own entry, else ``"*"``)."""
        return self.bands.get(branch) or self.bands.get(EVERY_BRANCH)


class Factor(Frozen):
    """An aggravating or mitigating circumstance that moves the fine inside the band."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    effect: Literal["aggravating", "mitigating"]
    when: Condition
    weight: Ratio = Field(gt=0, le=1, description="fraction of the band's width")
    label: Text
    basis: tuple[Basis, ...] = Field(min_length=1)
    not_in_tiers: tuple[str, ...] = Field(
        default=(),
        description="tiers (or levels) the benchmark chose for this circumstance: inside their bands it is "
        "not weighed again (counted once); in any other tier, as when a mandatory mitigation lowered the tier, it is",
    )


class Assumption(Frozen):
    """An assumption that matters only for some cases: listed in a decision when ``when`` holds."""

    text: ProseText
    when: Condition


class RuleVersion(Frozen):
    """The rule as in force between two dates (both inclusive; ``effective_to`` open when absent)."""

    effective_from: dt.date
    effective_to: dt.date | None = None
    basis: tuple[LawRef, ...] = Field(min_length=1)
    assumptions: tuple[ProseText | Assumption, ...] = Field(
        default=(), description="what the sources do not settle; a plain text applies to every case of the version"
    )
    frame: tuple[Branch, ...] = Field(min_length=1)
    tiers: tuple[Tier, ...] = ()
    levels: tuple[Level, ...] = Field(
        default=(), description="named levels of a published table (instead of tiers)", exclude_if=_absent
    )
    factors: tuple[Factor, ...] = ()
    start: Ratio | None = Field(default=None, ge=0, le=1, description="start position inside the band")
    orders: tuple[Order, ...] = Field(
        default=(),
        description="what the quoted article orders besides its penalties (责令停止经营, 收缴有关证件, …), "
        "each with the provision that names it; none: 行政处罚法 Art. 28's 责令改正 (ADR 0017)",
        exclude_if=_absent,
    )
    weighted: (
        Annotated[Annotated[Weighted, Tag("single")] | Annotated[Staged, Tag("staged")], Discriminator(_weighted_kind)]
        | None
    ) = Field(
        default=None,
        description="the weighted-factor mode (权重累加模式, ADR 0020) instead of tiers, levels and factors",
        exclude_if=_absent,
    )
    per_day: PerDay | None = Field(
        default=None,
        description="a per-day continuous fine (按日连续处罚, ADR 0023): the original fine × the days counted",
        exclude_if=_absent,
    )
    banded: Banded | None = Field(
        default=None,
        description="the band mode (幅度罚款模式, ADR 0024): factor levels crossed into rows of bands",
        exclude_if=_absent,
    )

    excluded_from: tuple[ExcludedFrom, ...] = Field(
        default=(),
        description="exclusions of the pack's post-amount adjustments that hold for this version (ADR 0025)",
        exclude_if=_absent,
    )

    @model_validator(mode="after")
    def _check(self) -> RuleVersion:
        unique_orders(self.orders, "orders")
        if any(o.kind in GUARDIAN_ORDERS for o in self.orders):
            raise ValueError(msg("orders to a guardian belong to the general part (pack.yaml), not to a rule"))
        if self.effective_to is not None and self.effective_to < self.effective_from:
            raise ValueError(msg("'effective_to' is before 'effective_from'"))
        ids = [b.id for b in self.frame]
        if len(set(ids)) != len(ids):
            raise ValueError(msg("frame branch ids must be unique"))
        fids = [f.id for f in self.factors]
        if len(set(fids)) != len(fids):
            raise ValueError(msg("factor ids must be unique"))
        if self.levels and self.tiers:
            raise ValueError(msg("give 'levels' or 'tiers', not both"))
        if self.weighted is not None and (self.levels or self.tiers or self.factors or self.start is not None):
            raise ValueError(msg("a 'weighted' version has no 'tiers', 'levels', 'factors' or 'start'"))
        if self.per_day is not None and (self.weighted or self.levels or self.tiers or self.factors):
            raise ValueError(msg("a 'per_day' version has no 'weighted', 'tiers', 'levels' or 'factors'"))
        if self.banded is not None and (self.weighted or self.per_day or self.levels or self.tiers or self.factors):
            raise ValueError(msg("a 'banded' version has no 'weighted', 'per_day', 'tiers', 'levels' or 'factors'"))
        if self.banded is not None and self.start is not None:
            raise ValueError(msg("a 'banded' version has no 'start': the amount is the band's average"))
        if (self.per_day is not None) != any(b.per_day for b in self.frame):
            raise ValueError(msg("a 'per_day' version has a branch with 'per_day: true', and only such a version"))
        lids = [lv.id for lv in self.levels]
        if len(set(lids)) != len(lids):
            raise ValueError(msg("level ids must be unique"))
        for lv in self.levels[:-1]:
            if lv.when is None:
                raise ValueError(msg("level '{id}' has no 'when' but is not the last level", id=lv.id))
        return self

    @property
    def key(self) -> str:
        return self.effective_from.isoformat()

    def in_force(self, day: dt.date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)


class SpecialProvision(Frozen):
    """A law that sets a general-part provision aside for this violation (法律另有规定的除外)."""

    sets_aside: str = Field(description="id of the general provision, or 'limitation'")
    basis: tuple[LawRef, ...] = Field(min_length=1)


class Implements(Frozen):
    """Another rule of the pack whose frame this rule's provision implements (a ministry rule fixing
    amounts within a law's range): for one act under both, 行政处罚法 Art. 29 does not compare them,
    and this rule's fine stands (ADR 0018)."""

    rule: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="id of the implemented rule, same pack")
    basis: tuple[Basis, ...] = Field(min_length=1, description="why this provision implements that one")


class Rule(Frozen):
    """One violation type: its fact schema and its versions over time."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: Text
    facts: dict[str, FactSpec] = Field(default_factory=dict)
    versions: tuple[RuleVersion, ...] = Field(min_length=1)
    life_health_or_financial_safety: bool = Field(
        default=False,
        description="a declaration, shown in the published benchmark, that violations of this kind can touch "
        "life-and-health or financial security; the limitation period does not read it: the case's facts decide "
        "(general.limitation.touches, 行政处罚法 Art. 36; ADR 0018)",
    )
    special_provisions: tuple[SpecialProvision, ...] = ()
    implements: tuple[Implements, ...] = Field(
        default=(),
        description="rules of the pack whose frame this rule implements: one act under both keeps this rule's fine",
        exclude_if=_absent,
    )
    notes: Text | None = None
