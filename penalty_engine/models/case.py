"""The case input contract (DESIGN.md "Case input"): what an officer or a system submits.

Dates run from ``MIN_DATE`` to ``MAX_DATE``: the engine counts limitation periods (years) and
deadlines from them, and a date near 9999-12-31 would overflow ``datetime.date``; one outside is a
bounds error (PE-C005, docs/error-codes.md "Limits").
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from ..errors import msg
from .rules import Amount

#: The earliest and latest dates a case may give.
MIN_DATE = dt.date(1000, 1, 1)
MAX_DATE = dt.date(9899, 12, 31)


def _in_range(value: dt.date) -> dt.date:
    if value > MAX_DATE:
        raise PydanticCustomError("less_than_equal", "dates run up to {bound}", {"bound": MAX_DATE.isoformat()})
    if value < MIN_DATE:
        raise PydanticCustomError("greater_than_equal", "dates run from {bound}", {"bound": MIN_DATE.isoformat()})
    return value


CaseDate = Annotated[dt.date, AfterValidator(_in_range)]
"""A date of a case, from ``MIN_DATE`` to ``MAX_DATE``."""


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Party(_Model):
    """The party punished."""

    kind: Literal["individual", "organization"]
    age: int | None = Field(
        default=None,
        ge=0,
        le=150,
        description="individuals: age in whole years (周岁) on the date of the act (occurred_on), the age 行政处罚法 "
        "Art. 30 reads (不满十四周岁的未成年人有违法行为的); absent = adult",
    )
    name: str | None = None


class Actual(_Model):
    """What was actually decided (for replay)."""

    outcome: Literal["penalty", "no_penalty"]
    fine: Amount | None = None
    tier: Literal["none", "fixed", "lighter", "standard", "heavier", "below_minimum", "weighted", "banded"] | None = (
        None
    )
    duties: tuple[str, ...] | None = None
    officer: str | None = None
    unit: str | None = None


class ViolationItem(_Model):
    """One violation of a multi-violation case."""

    violation: str
    facts: dict[str, Any] = Field(default_factory=dict)


#: at most this many re-inspections in one case (a case is a small record)
MAX_REINSPECTIONS = 100


class Reinspection(_Model):
    """One re-inspection (复查): its date and whether it found the violation continuing."""

    date: CaseDate
    continuing: bool = Field(description="true: found still discharging (or obstructed, 第十三条)")


class Correction(_Model):
    """The order to correct (责令改正违法行为决定书) and the re-inspections after it, for a per-day fine."""

    ordered_on: CaseDate = Field(description="the day the order to correct was made (责令改正之日)")
    served_on: CaseDate | None = Field(default=None, description="the day it was served on the party (送达之日)")
    reinspections: tuple[Reinspection, ...] = Field(min_length=1, max_length=MAX_REINSPECTIONS)

    @model_validator(mode="after")
    def _ordered(self) -> Correction:
        if self.served_on is not None and self.served_on < self.ordered_on:
            raise ValueError(msg("'correction.served_on' is before 'correction.ordered_on'"))
        start = self.served_on or self.ordered_on
        last = None
        for r in self.reinspections:
            if r.date <= start:
                raise ValueError(msg("a re-inspection is on or before the day the order was made or served"))
            if last is not None and r.date <= last:
                raise ValueError(msg("re-inspections are listed in date order, one per day"))
            last = r.date
        return self


class Case(_Model):
    """A case to evaluate.

    Give either ``violation`` + ``facts`` or ``violations`` (+ ``same_act``).
    ``expect`` is for golden cases and is never read by the engine.
    """

    case_id: str = Field(min_length=1)
    violation: str | None = None
    occurred_on: CaseDate
    discovered_on: CaseDate | None = None
    decided_on: CaseDate | None = None
    party: Party
    facts: dict[str, Any] = Field(default_factory=dict)
    violations: tuple[ViolationItem, ...] | None = None
    same_act: bool | None = None
    correction: Correction | None = Field(
        default=None, description="the order to correct and the re-inspections: a per-day fine's days (ADR 0023)"
    )
    actual: Actual | None = None
    expect: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _one_form(self) -> Case:
        if self.violations is None and self.violation is None:
            raise ValueError(msg("give 'violation' (with 'facts') or 'violations'"))
        if self.violations is not None and (self.violation is not None or self.facts):
            raise ValueError(msg("give either 'violation'/'facts' or 'violations', not both"))
        if self.discovered_on is not None and self.discovered_on < self.occurred_on:
            raise ValueError(msg("'discovered_on' is before 'occurred_on'"))
        if self.decided_on is not None and self.decided_on < self.occurred_on:
            raise ValueError(msg("'decided_on' is before 'occurred_on'"))
        if self.decided_on is not None and self.discovered_on is not None and self.decided_on < self.discovered_on:
            raise ValueError(msg("'decided_on' is before 'discovered_on'"))
        if self.correction is not None and self.correction.ordered_on < self.occurred_on:
            raise ValueError(msg("'correction.ordered_on' is before 'occurred_on'"))
        return self


__all__ = ["Actual", "Case", "Correction", "Decimal", "Party", "Reinspection", "ViolationItem"]
