"""Which pack set each number of a decision under a layer (ADR 0011): the ``set_by`` marks.

Pure. A rule of a layer mixes parts of its bases (the statutory frame, the national rounding, …)
and parts the layer set (its levels, its hearing thresholds, …); ``CompiledVersion.origin`` names
the pack of each part. After a version's stages have run, ``mark`` adds ``set_by`` (a pack id) to
the inputs of every trail step that computes a number from a part of the pack: the statutory
branch and range (``frame``), the tier or level and its band (``tiers`` / ``levels`` /
``tier_scheme``), the factors (``factors``), the start position (``start`` / ``factor_start``), the
rounding (``rounding``) and the hearing notice (``hearing``). ``set_by`` of the decision lists the
same parts (``CompiledVersion.set_by``, computed when the pack is compiled). For a pack that is not
a layer every part is its own and nothing is marked.
"""

from __future__ import annotations

from ..models import TrailStep
from ..pack import CompiledVersion
from .general import HEARING_KINDS

#: The part of the pack each trail step's number comes from (``None``: decided by the step's inputs).
STEP_PARTS: dict[str, str] = {
    "branch": "frame",
    "range.range": "frame",
    "range.base_min": "frame",
    "range.multiple": "frame",
    "range.per_unit": "frame",
    "penalty": "frame",
    "tier": "tiers",
    "level": "levels",
    "level.band.amount": "levels",
    "level.band.multiple": "levels",
    "level.range_only": "levels",
    "factor": "factors",
    "round": "rounding",
    "round.exact": "rounding",
}


def mark(cv: CompiledVersion, steps: list[TrailStep]) -> None:
    """Add ``set_by`` to the inputs of the steps whose number comes from a part of the pack (only
    under a layer: ``cv.set_by``, computed at compile time, is None otherwise)."""
    if cv.set_by is None:
        return
    origin = cv.origin
    own = cv.violation.pack if cv.violation is not None else ""
    own_band = {t.tier for t, _ in cv.tiers if t.band is not None}
    tier = ""
    for step in steps:
        part: str | None = STEP_PARTS.get(step.code)
        if step.code == "tier":
            tier = str(step.result)
        elif step.code == "band":
            part = "levels" if cv.version.levels else "tiers" if tier in own_band else "tier_scheme"
        elif step.code == "position":
            part = "start" if cv.version.start is not None else "factor_start"
        elif step.code == "duty" and step.inputs.get("kind") == "hearing_notice":
            # a threshold reached is the pack's figure; a hearing for a kind of penalty is the law's
            part = None if step.inputs.get("of") in HEARING_KINDS else "hearing"
        if part is not None and part in origin:
            by = origin[part]
            step.inputs = {**step.inputs, "set_by": by, "set_by_own": by == own}
