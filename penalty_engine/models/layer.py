"""The layer format: a pack that ``extends:`` another and changes only its benchmark (ADR 0011).

A layer's ``pack.yaml`` is a ``LayerPack``: its own identity, the base it extends, and the pack
settings it overrides (every omitted one is inherited). A layer's rule file is either an ordinary
``Rule`` (a rule the base lacks) or a ``RuleOverride`` (top-level ``overrides: <base rule id>``)
that replaces, version by version, the benchmark parts of a base rule: ``BENCHMARK_PARTS``. The
statutory frame, the basis, the dates and the title are not fields here, so a layer cannot widen
the frame: ``pack/layers.py`` reports them as forbidden (PE-R017) before the schema is applied.

Frozen models with ``extra="forbid"``, like ``rules.py``; merging happens in ``pack/layers.py``.
"""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from .common import ProseText
from .pack import BoundaryReading, HearingThreshold, RoundingSpec, RuleList, Setting, TierScheme
from .rules import Assumption, Basis, Factor, FactSpec, Frozen, Level, Ratio, Text, Tier

#: The parts of a rule version a layer may replace (``VersionOverride`` fields). A new benchmark
#: part is one more optional field of ``VersionOverride`` and one more name here; merging and
#: provenance follow from this tuple. ``levels`` given replace the base's tiers, and tiers its levels.
BENCHMARK_PARTS: tuple[str, ...] = ("tiers", "levels", "factors", "start")

#: Pack settings a layer may replace as a whole (``LayerPack`` fields of the same name).
PACK_PARTS: tuple[str, ...] = (
    "boundaries",
    "rounding",
    "tier_scheme",
    "factor_start",
    "factor_start_assumption",
    "similar_case_tolerance",
)


class Extends(Frozen):
    """The base of a layer: ``{pack: cn-transport, version: "1.0"}``.

    ``pack`` is a bundled pack id or a folder (relative to the layer's folder); ``version`` must
    be the base's ``version`` exactly, so a new edition of the base is adopted on purpose."""

    pack: str = Field(description="bundled pack id, or a folder relative to the layer's folder")
    version: str = Field(description="the exact 'version' of the base pack this layer was written against")


class NotApplied(Frozen):
    """A base rule not applied in the layer's territory, with why and on what authority."""

    reason: Text
    basis: tuple[Basis, ...] = Field(min_length=1)


class GeneralOverride(Frozen):
    """What a layer may change in the general part: hearing thresholds and rule lists.

    ``hearing``: the thresholds given replace the base's for the same party kind.
    ``lists``: by name, a list replaces the base's list of that name or adds one."""

    hearing: tuple[HearingThreshold, ...] = ()
    lists: dict[str, RuleList] = Field(default_factory=dict)


class LayerPack(Frozen):
    """``pack.yaml`` of a layer: identity, base, and the pack settings it overrides."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: Text
    jurisdiction: str
    authority: Text
    version: str
    extends: Extends
    boundaries: BoundaryReading | None = None
    rounding: RoundingSpec | None = None
    tier_scheme: TierScheme | None = None
    factor_start: Ratio | None = Field(default=None, ge=0, le=1)
    factor_start_assumption: ProseText | None = None
    similar_case_tolerance: Ratio | None = Field(default=None, ge=0)
    settings: dict[str, Setting] = Field(default_factory=dict, description="by name: replaces or adds a setting")
    general: GeneralOverride = GeneralOverride()
    common_facts: dict[str, FactSpec] = Field(default_factory=dict, description="added to the base's")
    assumptions: tuple[ProseText, ...] = Field(default=(), description="added to the base's")
    not_applied: dict[str, NotApplied] = Field(
        default_factory=dict, description="base rule id → why it is not applied in this territory"
    )


class VersionOverride(Frozen):
    """The benchmark of one base version, named by its ``effective_from``: a part given replaces
    the base's; ``assumptions`` are added to the base's."""

    effective_from: dt.date = Field(description="the effective_from of the base version changed")
    tiers: tuple[Tier, ...] | None = None
    levels: tuple[Level, ...] | None = Field(default=None, description="the table's levels, in place of tiers")
    factors: tuple[Factor, ...] | None = None
    start: Ratio | None = Field(default=None, ge=0, le=1)
    assumptions: tuple[ProseText | Assumption, ...] = ()

    def given(self) -> dict[str, object]:
        """The benchmark parts this override sets (a part written, even as null, replaces)."""
        return {name: getattr(self, name) for name in BENCHMARK_PARTS if name in self.model_fields_set}


class RuleOverride(Frozen):
    """A layer's rule file that changes a base rule: ``overrides: unlicensed-freight``."""

    overrides: str = Field(description="id of the base rule changed")
    facts: dict[str, FactSpec] = Field(default_factory=dict, description="facts added to the base rule's")
    versions: tuple[VersionOverride, ...] = Field(min_length=1)
