"""The ``pack.yaml`` format: what applies to every rule of a pack (frozen pydantic models).

Boundaries, rounding, the tier scheme, settings, the general part of 行政处罚法, fine groups and
the pack itself. The rule-file format is in ``rules.py``; docs/rule-authoring.md explains both.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from fractions import Fraction
from typing import Any, Literal

from pydantic import Field, model_validator

from ..errors import msg
from ..money import Rounding
from .adjustments import Adjustment
from .common import GUARDIAN_ORDERS, Order, ProseText, unique_orders
from .rules import Amount, Band, Basis, Condition, FactSpec, Frozen, LawRef, PenaltyKind, Ratio, Text


class BoundaryReading(Frozen):
    """Whether 以上/以下 (used for ranges and bands) include the number itself."""

    above: Literal["inclusive", "exclusive"] = Field(default="inclusive", description="以上")
    below: Literal["inclusive", "exclusive"] = Field(default="inclusive", description="以下")
    assumption: ProseText | None = None


class RoundingSpec(Frozen):
    unit: Amount = Field(gt=0, description="fines are multiples of this unit")
    mode: Rounding = Rounding.half_up
    assumption: ProseText | None = None


class TierScheme(Frozen):
    """How a statutory range is split into the bands of the three tiers."""

    lighter: Band
    standard: Band
    heavier: Band
    basis: tuple[Basis, ...] = ()
    assumption: ProseText | None = None

    def band(self, tier: str) -> Band:
        band: Band = getattr(self, tier)
        return band


class Setting(Frozen):
    """A named pack setting for what the sources do not settle."""

    value: Any
    label: Text | None = None
    assumption: ProseText = Field(description="one line: what is assumed and why")


class Effect(StrEnum):
    """The closed set of legal effects a general provision can have."""

    no_penalty = "no_penalty"  # 不予行政处罚 (mandatory)
    may_no_penalty = "may_no_penalty"  # 可以不予行政处罚 (an option; recommended for listed rules)
    mitigate = "mitigate"  # 应当从轻或者减轻 (tier at most lighter; below the minimum offered)
    may_mitigate = "may_mitigate"  # 可以从轻或者减轻 (offered as options)
    collective_discussion = "collective_discussion"  # 应当集体讨论决定 (a duty when a penalty is given)


class Provision(Frozen):
    """A principle of the general part (行政处罚法) bound to one effect."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    effect: Effect
    when: Condition
    label: Text
    basis: tuple[LawRef, ...] = Field(min_length=1)
    education: bool = Field(default=False, description="a no-penalty under this provision adds the education duty")
    recommend_for: str | None = Field(
        default=None, description="may_no_penalty only: name of a pack list; rules on it get no_penalty recommended"
    )
    orders: tuple[Order, ...] = Field(
        default=(),
        description="what the provision orders when it gives no penalty, e.g. 责令监护人加以管教 (ADR 0017)",
        exclude_if=lambda v: v == (),
    )

    @model_validator(mode="after")
    def _orders(self) -> Provision:
        unique_orders(self.orders, f"provision '{self.id}' orders")
        if self.orders and self.effect not in (Effect.no_penalty, Effect.may_no_penalty):
            raise ValueError(msg("provision '{id}': orders are given with a no-penalty effect only", id=self.id))
        if any(o.kind not in GUARDIAN_ORDERS for o in self.orders):
            raise ValueError(msg("provision '{id}': a general provision orders a guardian only", id=self.id))
        return self


class RuleList(Frozen):
    """A list of rule ids, e.g. a 首违不罚 list, with where it comes from."""

    rules: tuple[str, ...] = ()
    basis: tuple[Basis, ...] = ()
    assumption: ProseText | None = None


class BelowMinimum(Frozen):
    """How a fine below the statutory minimum (减轻) is set."""

    lower: Ratio = Field(ge=0, le=1, description="band lower edge as a fraction of the statutory minimum")
    upper: Ratio = Field(ge=0, le=1, description="band upper edge as a fraction of the minimum (exclusive)")
    basis: tuple[Basis, ...] = ()
    assumption: ProseText | None = None


class HearingThreshold(Frozen):
    """较大数额: a fine or confiscation at or over this amount brings the hearing notice (Art. 63)."""

    party: Literal["individual", "organization"]
    amount: Amount
    inclusive: bool = Field(default=True, description="true: 以上 (the amount itself counts)")
    effective_from: dt.date
    effective_to: dt.date | None = None
    assumption: ProseText | None = None


class Limitation(Frozen):
    """行政处罚法 Art. 36: periods, in years, counted from the day after the act."""

    years: int = Field(default=2, ge=1)
    extended_years: int = Field(default=5, ge=1)
    touches: tuple[str, ...] = Field(
        default=(),
        description="bool common facts, any of which true says the act touched 公民生命健康安全 or 金融安全: "
        "with harmful consequences (the fact 'harm' other than 'none') the period is extended_years",
        exclude_if=lambda v: v == (),
    )
    basis: tuple[LawRef, ...] = Field(min_length=1)
    assumption: ProseText | None = None


class General(Frozen):
    """The general part: principles of 行政处罚法 that apply to every rule of the pack."""

    provisions: tuple[Provision, ...] = ()
    lists: dict[str, RuleList] = Field(default_factory=dict)
    below_minimum: BelowMinimum | None = None
    limitation: Limitation | None = None
    hearing: tuple[HearingThreshold, ...] = ()
    hearing_basis: tuple[LawRef, ...] = ()
    collective_discussion_basis: tuple[LawRef, ...] = ()
    collective_discussion_kinds: Setting | None = Field(
        default=None,
        description="value: penalty kinds whose imposition the pack treats as 重大 (Art. 57 para 2), bringing "
        "collective discussion; with its assumption",
        exclude_if=lambda v: v is None,
    )
    education_basis: tuple[LawRef, ...] = ()
    legal_review_with_hearing: Setting | None = Field(
        default=None, description="value true: every decision that brings a hearing notice also brings legal review"
    )
    legal_review_basis: tuple[LawRef, ...] = ()
    lenient_law_basis: tuple[LawRef, ...] = ()

    @model_validator(mode="after")
    def _references(self) -> General:
        ids = [p.id for p in self.provisions]
        if len(set(ids)) != len(ids):
            raise ValueError(msg("provision ids must be unique"))
        for p in self.provisions:
            if p.recommend_for is not None and p.recommend_for not in self.lists:
                raise ValueError(
                    msg("provision '{id}': recommend_for names '{name}', not in 'lists'", id=p.id, name=p.recommend_for)
                )
            if p.recommend_for is not None and p.effect is not Effect.may_no_penalty:
                raise ValueError(msg("provision '{id}': recommend_for is only for may_no_penalty", id=p.id))
        kinds = self.collective_discussion_kinds
        if kinds is not None and (
            not isinstance(kinds.value, list) or not all(k in PenaltyKind.__members__ for k in kinds.value)
        ):
            known = ", ".join(PenaltyKind)
            raise ValueError(
                msg("collective_discussion_kinds: value is a list of penalty kinds ({known})", known=known)
            )
        if self.below_minimum is not None and self.below_minimum.lower >= self.below_minimum.upper:
            raise ValueError(msg("below_minimum: 'lower' must be below 'upper'"))
        return self


class FactExclusion(Frozen):
    """Facts that cannot hold together: a case where ``when`` holds is refused (PE-C012), naming
    the facts, rather than decided on contradictory facts. It applies to every rule that has all
    the ``facts`` (a pack's common facts, or facts several rules declare under one name)."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    facts: tuple[str, ...] = Field(min_length=2, description="the facts ``when`` reads, named in the error")
    when: Condition = Field(description="the contradiction: a case where it holds is refused")
    reason: Text = Field(description="why they cannot both hold, and what is expected instead")
    basis: tuple[Basis, ...] = ()


class FineGroup(Frozen):
    """Rules whose fines for several acts decided together add up under one cap (62号令 Art. 43 para 2)."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    rules: tuple[str, ...] = Field(min_length=2, description="rule ids of the pack")
    cap: Amount
    basis: tuple[LawRef, ...] = Field(min_length=1)


class Pack(Frozen):
    """``pack.yaml``: what applies to every rule of the pack."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: Text
    jurisdiction: str
    authority: Text
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    version: str
    boundaries: BoundaryReading = BoundaryReading()
    rounding: RoundingSpec
    tier_scheme: TierScheme
    factor_start: Ratio = Field(default=Fraction(1, 2), ge=0, le=1)
    factor_start_assumption: ProseText | None = None
    weighted_clamp_assumption: ProseText | None = Field(
        default=None,
        description="weighted mode (ADR 0020): what the pack assumes when a table's sum × the statutory maximum "
        "falls below the statutory minimum (the sources are silent): the amount is raised to the minimum",
        exclude_if=lambda v: v is None,
    )
    common_facts: dict[str, FactSpec] = Field(default_factory=dict)
    settings: dict[str, Setting] = Field(default_factory=dict)
    general: General = General()
    fine_groups: tuple[FineGroup, ...] = ()
    fact_exclusions: tuple[FactExclusion, ...] = Field(
        default=(),
        description="facts that cannot hold together: a case where one holds is refused (PE-C012)",
        exclude_if=lambda v: v == (),
    )
    adjustments: tuple[Adjustment, ...] = Field(
        default=(),
        description="post-amount adjustments (ADR 0025), e.g. a reduction for a public apology and pledge, "
        "with their exclusions; never below the statutory minimum",
        exclude_if=lambda v: v == (),
    )
    similar_case_tolerance: Ratio = Field(
        default=Fraction(1, 10),
        ge=0,
        description="replay: similar cases whose actual fines spread wider than this fraction of the band's "
        "width (at least one rounding unit) are flagged as treated differently",
    )
    assumptions: tuple[ProseText, ...] = ()
