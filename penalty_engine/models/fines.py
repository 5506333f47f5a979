"""The fines a statutory branch gives: a fixed range, a multiple of a fact, a per-unit formula, or
per-unit tranches (each reads like the statute it encodes; docs/rule-authoring.md §5)."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Annotated, Any

from pydantic import (
    Discriminator,
    Field,
    Tag,
    model_validator,
)

from ..errors import msg
from ..money import is_terminating
from .common import Amount, Frozen, Ratio, SettingRef


class RangeFine(Frozen):
    """A fixed range: 处3000元以上1万元以下罚款 → ``{min: 3000, max: 10000}``."""

    min: Amount = Decimal(0)
    max: Amount

    @model_validator(mode="after")
    def _ordered(self) -> RangeFine:
        if self.min > self.max:
            raise ValueError(msg("'min' is larger than 'max'"))
        return self


class MultipleFine(Frozen):
    """A multiple of a money fact: 处违法所得1倍以上5倍以下 → ``{times: illegal_gain, min: 1, max: 5}``.

    ``base_min`` is the statute's floor on the base, where it sets one: 处所需处置费用三倍以上五倍以下的
    罚款，所需处置费用不足二十万元的，按二十万元计算 (固体废物污染环境防治法 第一百一十二条第二款) →
    ``{times: disposal_cost, min: 3, max: 5, base_min: 200000}``: a base below it counts as it."""

    times: str = Field(description="the money fact multiplied")
    min: Ratio
    max: Ratio
    base_min: Amount | None = Field(
        default=None,
        gt=0,
        description="the statute's floor on the base (所需处置费用不足二十万元的，按二十万元计算 → 200000)",
        exclude_if=lambda v: v is None,
    )

    @model_validator(mode="after")
    def _ordered(self) -> MultipleFine:
        if self.min > self.max or self.min < 0:
            raise ValueError(msg("need 0 <= 'min' <= 'max'"))
        if not (is_terminating(self.min) and is_terminating(self.max)):
            raise ValueError(msg("multiples are decimal numbers such as 1, 2 or 0.5 (a statutory range must be exact)"))
        return self

    def base(self, value: Decimal) -> Decimal:
        """The amount the multiples apply to: the fact's ``value``, raised to ``base_min`` when below it."""
        if self.base_min is not None and value < self.base_min:
            return self.base_min
        return value


class PartialCount(StrEnum):
    """How a part of a unit counts in a per-unit formula."""

    up = "up"  # a started unit counts as a whole unit
    down = "down"  # only whole units count
    half_up = "half_up"  # half a unit or more counts as a unit
    exact = "exact"  # pro rata


class PerUnitFine(Frozen):
    """A per-unit formula with a cap: 每超1000千克罚款500元，最高不得超过30000元 →
    ``{per: excess_mass_kg, unit: 1000, rate: 500, cap: 30000, partial: ...}``."""

    per: str = Field(description="the numeric fact counted")
    unit: Decimal = Field(gt=0)
    rate: Amount
    cap: Amount | None = None
    partial: PartialCount | SettingRef = Field(description="how a part of a unit counts, or a pack setting")


class EdgeMultiple(Frozen):
    """A tranche edge that is a multiple of a numeric fact: 最高限值的百分之一百二十 →
    ``{times: 1.2, of: mass_limit_kg}`` (exact: the multiple is a finite decimal)."""

    times: Ratio = Field(ge=0)
    of: str = Field(description="the numeric fact multiplied")

    @model_validator(mode="after")
    def _finite(self) -> EdgeMultiple:
        if not is_terminating(self.times):
            raise ValueError(msg("an edge multiple is a decimal number such as 1.2 or 1.5"))
        return self


def _edge_kind(value: Any) -> str:
    return "edge_multiple" if isinstance(value, (dict, EdgeMultiple)) else "edge_number"


Edge = Annotated[
    Annotated[Decimal, Field(ge=0), Tag("edge_number")] | Annotated[EdgeMultiple, Tag("edge_multiple")],
    Discriminator(_edge_kind),
]
"""A tranche edge: a number in the counted fact's unit, or a multiple of a fact."""


def _edge_key(edge: Edge) -> tuple[str, Fraction]:
    """The edge as (the fact it multiplies, or "" for a number; the number or multiple)."""
    if isinstance(edge, EdgeMultiple):
        return edge.of, edge.times
    return "", Fraction(edge)


class Tranche(Frozen):
    """One tranche: the part of the counted fact above ``above`` and up to ``up_to`` (no upper
    edge when absent), at ``rate`` per unit: 对百分之二十以上百分之五十以下的部分，处每吨三百元罚款 →
    ``{above: {times: 1.2, of: limit}, up_to: {times: 1.5, of: limit}, rate: 300}``."""

    above: Edge
    up_to: Edge | None = None
    rate: Amount


class TrancheFine(Frozen):
    """A fine summed over tranches of a numeric fact, each part counted per unit at its own rate,
    with an optional cap (浙江省公路条例 Art. 53: 对百分之二十以上百分之五十以下的部分，处每吨三百元罚款；
    对超过百分之五十的部分，处每吨五百元罚款。最高不得超过三万元) →
    ``{parts_of: gross_mass_kg, unit: 1000, tranches: [...], cap: 30000, partial: ...}``.

    The edges of one fine are all numbers or all multiples of one fact, so that their order is
    known at load: each tranche ends above where it starts, and none starts below the end of the
    one before it (gaps are allowed; a part in a gap is not fined)."""

    parts_of: str = Field(description="the numeric fact whose parts the tranches count")
    unit: Decimal = Field(gt=0, description="the unit each rate is per, in the fact's unit (每吨 of kg: 1000)")
    tranches: tuple[Tranche, ...] = Field(min_length=1)
    cap: Amount | None = None
    partial: PartialCount | SettingRef = Field(description="how a part of a unit counts, or a pack setting")

    @model_validator(mode="after")
    def _ordered(self) -> TrancheFine:
        edges = [e for t in self.tranches for e in (t.above, t.up_to) if e is not None]
        if len({_edge_key(e)[0] for e in edges}) > 1:
            raise ValueError(
                msg("tranche edges must be all numbers or all multiples of one fact, so that their order is known")
            )
        previous: Fraction | None = None
        for n, t in enumerate(self.tranches, start=1):
            lo = _edge_key(t.above)[1]
            if previous is not None and lo < previous:
                raise ValueError(
                    msg("tranche {n} starts below the end of tranche {previous}: tranches overlap", n=n, previous=n - 1)
                )
            if t.up_to is None:
                if n != len(self.tranches):
                    raise ValueError(msg("tranche {n} has no 'up_to' but is not the last tranche", n=n))
                continue
            previous = _edge_key(t.up_to)[1]
            if previous <= lo:
                raise ValueError(msg("tranche {n} ends at or below where it starts ('up_to' <= 'above')", n=n))
        return self


def _fine_kind(value: Any) -> str:
    keys = set(value) if isinstance(value, dict) else set(getattr(type(value), "model_fields", ()))
    if "tranches" in keys:
        return "tranche_fine"
    if "times" in keys:
        return "multiple"
    if "per" in keys:
        return "per_unit"
    return "range"


FineSpec = Annotated[
    Annotated[RangeFine, Tag("range")]
    | Annotated[MultipleFine, Tag("multiple")]
    | Annotated[PerUnitFine, Tag("per_unit")]
    | Annotated[TrancheFine, Tag("tranche_fine")],
    Discriminator(_fine_kind),
]
