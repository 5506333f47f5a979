"""The decision output contract (DESIGN.md "Decision output"), as pydantic models.

``Decision.model_dump(mode="json")`` is exactly the decision JSON: money is a decimal string.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    SerializerFunctionWrapHandler,
    model_serializer,
)

from ..money import dec_str
from .common import Text
from .trail import TrailStep, step_from_json, steps_json

Money = Annotated[Decimal, PlainSerializer(dec_str, return_type=str, when_used="json")]
"""An amount; in JSON a canonical decimal string ("20000", "10000.01"), however it was written."""

SCHEMA: Literal["penalty-engine/decision@2"] = "penalty-engine/decision@2"
"""The decision JSON's schema: ``@2`` added ``level`` (ADR 0010) and ``set_by`` (ADR 0011); ``@1`` output
(without them) is still read."""
DECISIONS_SCHEMA: Literal["penalty-engine/decisions@2"] = "penalty-engine/decisions@2"


_STEP = {TrailStep}


def _steps(value: Any) -> Any:
    """Trail steps from steps or their JSON form (a list of steps passes as it is; pydantic copies the list)."""
    if type(value) is list and set(map(type, value)) <= _STEP:  # TrailStep has no subclasses here
        return value
    return [step_from_json(s) for s in value]


Trail = Annotated[
    list[TrailStep],
    BeforeValidator(_steps),
    PlainSerializer(steps_json, return_type=list[dict[str, Any]]),
]
"""The explanation trail; each step's ``message`` is made from its code and inputs when it is read or
serialised, so a decision that is never shown costs no text formatting."""


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ViolationInfo(_Out):
    id: str
    title: str
    pack: str
    version: str


class Dates(_Out):
    occurred_on: dt.date
    discovered_on: dt.date | None
    decided_on: dt.date


class LevelName(_Out):
    zh: str
    en: str


class LevelOut(_Out):
    """The level (阶次) of a published table that the case falls in, with its name as published."""

    id: str
    name: LevelName


class Range(_Out):
    min: Money
    max: Money


class PenaltyOut(_Out):
    """A penalty; a per-day fine (ADR 0023) also gives its ``days`` and its ``daily`` amount, which are
    left out of the JSON of every other penalty (the contract of those is unchanged)."""

    kind: str
    amount: Money | None = None
    days: int | None = None
    daily: Money | None = None

    @model_serializer(mode="wrap")
    def _dump(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        if self.days is None:
            data.pop("days", None)
        if self.daily is None:
            data.pop("daily", None)
        return data


class FactorOut(_Out):
    id: str
    effect: Literal["aggravating", "mitigating"]
    basis: list[str]
    label: Text | None = None
    """the factor's label as the pack writes it (zh, en); absent in decisions written before it"""


class Duty(_Out):
    kind: str
    basis: list[str]


class Option(_Out):
    kind: str
    basis: list[str]
    reason: str


Outcome = Literal["penalty", "no_penalty"]
TierOut = Literal["none", "fixed", "lighter", "standard", "heavier", "below_minimum", "weighted", "banded"]


class Decision(_Out):
    """One decision; field order is the contract's."""

    schema_: Literal["penalty-engine/decision@2", "penalty-engine/decision@1"] = Field(SCHEMA, alias="schema")
    case_id: str
    violation: ViolationInfo
    dates: Dates
    outcome: Outcome
    tier: TierOut | None
    level: LevelOut | None = None
    statutory_range: Range | None
    band: Range | None
    recommended_fine: Money | None
    currency: str
    penalties: list[PenaltyOut]
    factors: list[FactorOut]
    duties: list[Duty]
    options: list[Option]
    assumptions: list[str]
    set_by: dict[str, str] | None = None
    trail: Trail
    fingerprint: str
    engine: str

    model_config = ConfigDict(
        frozen=True, extra="forbid", validate_by_name=True, validate_by_alias=True, serialize_by_alias=True
    )


class CombinedFine(_Out):
    violation: str
    amount: Money


class Combined(_Out):
    """How the fines of several violations stand together (行政处罚法 Art. 29)."""

    fines: list[CombinedFine]
    applied: str | None
    basis: list[str]
    reason: str


_M = TypeVar("_M", bound=BaseModel)
_set = object.__setattr__


def built(cls: type[_M], values: dict[str, Any]) -> _M:
    """An instance of an output model from values the engine made and typed itself, unvalidated.

    What ``model_construct`` does for these models (no defaults to fill, no aliases to map, no
    private attributes, no post-init), without its per-field loop: ``values`` has every field,
    in declaration order, each of its declared type, and becomes the instance's own ``__dict__``
    (give a fresh dict). Decisions are assembled this way on the hot path; the tests check that
    every decision equals its own re-validation (``tests/property/test_decision_built.py``).
    """
    obj = cls.__new__(cls)
    _set(obj, "__dict__", values)
    _set(obj, "__pydantic_fields_set__", set(values))
    _set(obj, "__pydantic_extra__", None)
    _set(obj, "__pydantic_private__", None)
    return obj


class Decisions(_Out):
    """The decisions of a case with several violations, and how their fines combine."""

    schema_: Literal["penalty-engine/decisions@2", "penalty-engine/decisions@1"] = Field(
        DECISIONS_SCHEMA, alias="schema"
    )
    case_id: str
    same_act: bool
    decisions: list[Decision]
    combined: Combined

    model_config = ConfigDict(
        frozen=True, extra="forbid", validate_by_name=True, validate_by_alias=True, serialize_by_alias=True
    )


#: the models ``built`` makes; each must stay a plain model for it to be right (checked on import)
BUILT = (Decision, ViolationInfo, Dates, LevelOut, LevelName, Range, PenaltyOut, FactorOut, Duty, Option)
for _cls in BUILT:
    if _cls.__pydantic_post_init__ or _cls.__private_attributes__ or _cls.__pydantic_root_model__:  # pragma: no cover
        raise RuntimeError(f"{_cls.__name__}: decision_model.built() cannot make this model; use model_validate")
