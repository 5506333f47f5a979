"""Post-amount adjustments (issue #17, ADR 0025): what changes a fine after the benchmark has set it.

A pack declares them in ``pack.yaml`` (``adjustments:``). The first is a reduction: when its
condition holds (e.g. 粤环发〔2021〕7号 第十四条: the party corrected before the decision, applied,
published an apology and made a pledge), the fine the benchmark gives is reduced by a share in a
range (30%–50%), never below the statutory minimum, unless one of its exclusions holds. An exclusion
holds by a condition over the pack's common facts (``when``), by a test of the decision the engine
knows (``test``: a fixed fine or the statutory minimum; an order to correct followed by a
re-inspection that found the violation continuing), or because a rule version says so
(``excluded_from`` in the rule file, optionally under a condition over its own facts). The
evaluation is in ``core/adjustments.py``; the authoring guide's "Post-amount adjustments" section
explains the format.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, model_validator

from ..errors import msg
from ..money import is_terminating
from .common import Basis, Condition, Frozen, ProseText, Ratio, SettingRef, Text

__all__ = ["Adjustment", "AdjustmentExclusion", "ExcludedFrom", "ExclusionTest", "Reduction"]

_ID = r"^[a-z0-9][a-z0-9-]*$"


class ExclusionTest(StrEnum):
    """Exclusions the engine tests on the decision itself, not on facts."""

    #: the fine is fixed (a 定额 fine, or fixed by a formula: per unit, tranches, per day), or the amount
    #: the benchmark gives is the statutory minimum (第十四条第（十）项)
    fixed_or_minimum = "fixed_or_minimum"
    #: the case's order to correct was followed by a re-inspection that found the violation continuing,
    #: which every per-day fine is (第十四条第（七）项)
    continuing_after_order = "continuing_after_order"


class AdjustmentExclusion(Frozen):
    """One case in which the adjustment does not apply, with the item that says so quoted."""

    id: str = Field(pattern=_ID)
    label: Text = Field(description="the exclusion in a few words, as the item says it")
    basis: tuple[Basis, ...] = Field(min_length=1, description="the item that excludes, quoted verbatim")
    when: Condition | None = Field(default=None, description="a condition over the pack's common facts")
    test: ExclusionTest | None = Field(default=None, description="a test of the decision the engine knows")


class Reduction(Frozen):
    """The share the fine is reduced by: a range (第十四条: 30%–50%) and the share the engine recommends
    (a number in the range, or a pack setting naming one, which carries its assumption)."""

    min: Ratio = Field(gt=0, lt=1, description="the least reduction, a share of the amount: 30% → 30/100")
    max: Ratio = Field(gt=0, lt=1, description="the largest reduction: 50% → 50/100")
    recommended: Ratio | SettingRef = Field(description="the reduction the decision recommends, in min–max")

    @model_validator(mode="after")
    def _ordered(self) -> Reduction:
        for name in ("min", "max", "recommended"):
            value = getattr(self, name)
            if not isinstance(value, SettingRef) and not is_terminating(value):
                raise ValueError(msg("reduction.{name} is a percentage such as 40/100 or 0.4", name=name))
        if self.min > self.max:
            raise ValueError(msg("reduction: 'min' is larger than 'max'"))
        if not isinstance(self.recommended, SettingRef) and not self.min <= self.recommended <= self.max:
            raise ValueError(msg("reduction: 'recommended' lies outside 'min'–'max'"))
        return self


class Adjustment(Frozen):
    """A post-amount reduction of the pack's fines (ADR 0025): when ``when`` holds and no exclusion
    does, a fine with a statutory range is reduced by ``reduction``, never below the statutory minimum."""

    id: str = Field(pattern=_ID)
    label: Text = Field(description="its name, e.g. 公开道歉承诺从轻")
    when: Condition = Field(description="when the party claims it, over the pack's common facts")
    reduction: Reduction
    basis: tuple[Basis, ...] = Field(min_length=1, description="the provision: the reduction and its floor, quoted")
    exclusions: tuple[AdjustmentExclusion, ...] = ()

    @model_validator(mode="after")
    def _unique(self) -> Adjustment:
        ids = [e.id for e in self.exclusions]
        if len(set(ids)) != len(ids):
            raise ValueError(msg("adjustment '{id}': exclusion ids must be unique", id=self.id))
        return self

    def exclusion(self, name: str) -> AdjustmentExclusion | None:
        """The exclusion named ``name``, if the adjustment has it."""
        return next((e for e in self.exclusions if e.id == name), None)


class ExcludedFrom(Frozen):
    """A rule version's declaration that an exclusion of a pack adjustment holds for it: always (the
    violation is the excluded act, e.g. 第十四条第（二）项 for hazardous waste handed to an unlicensed
    party), or when ``when`` holds over the rule's facts."""

    adjustment: str = Field(pattern=_ID, description="the id of the pack's adjustment")
    exclusion: str = Field(pattern=_ID, description="the id of its exclusion that holds")
    when: Condition | None = Field(default=None, description="absent: always; else a condition over the rule's facts")
    basis: tuple[Basis, ...] = Field(default=(), description="why this rule falls under the exclusion, quoted")
    assumption: ProseText | None = Field(
        default=None, description="the reading of the item where the sources leave it open (listed when it holds)"
    )
