"""What the stages of one rule version decide: the ``Result`` of a version and the records stages return.

Plain records, no logic beyond reading them: ``Result`` is what one version gives for the case
before it becomes a ``Decision``; ``Art. 37`` compares two of them by ``severity``
([ADR 0006](../../docs/adr/0006-lenient-law-comparison.md)).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any, NamedTuple

from ..models import Level, Trail
from ..money import dec_str
from ..pack import CompiledVersion
from ..text import words
from .amounts import Interval
from .general import severity

PENALTY = "penalty"
NO_PENALTY = "no_penalty"


class Position(NamedTuple):
    """Where the fine lies in the band (0 = its minimum, 1 = its maximum), its exact text, and the
    factors that apply (as the decision lists them)."""

    value: Fraction
    text: str
    factors: list[dict[str, Any]]


class BelowMinimum(NamedTuple):
    """A fine below a fixed amount (减轻, mandatory mitigation of a formula fine): its band and amount."""

    band: Interval
    fine: Decimal


@dataclass(slots=True)
class Result:
    """What one rule version gives for the case, before it becomes a ``Decision``.

    ``statutory`` and ``band`` are the statutory range and the tier's or level's band (``None``
    without a fine range); ``level`` is the named level of a version with levels (ADR 0010);
    ``penalties``, ``factors``, ``duties`` and ``options`` are as the decision lists them;
    ``assumptions`` is an ordered set (first occurrence keeps its place)."""

    version: CompiledVersion
    trail: Trail
    assumptions: dict[str, None]
    outcome: str = PENALTY
    tier: str | None = None
    statutory: Interval | None = None
    band: Interval | None = None
    fine: Decimal | None = None
    penalties: list[dict[str, Any]] = field(default_factory=list)
    factors: list[dict[str, Any]] = field(default_factory=list)
    duties: list[dict[str, Any]] = field(default_factory=list)
    options: list[dict[str, Any]] = field(default_factory=list)
    level: Level | None = None

    def severity(self) -> tuple[int, Decimal, Decimal]:
        """The order of Art. 37: no penalty, then the lower statutory maximum, then the lower fine."""
        return severity(self.outcome, self.statutory.hi if self.statutory else None, self.fine)

    def text(self, lang: str = "en") -> str:
        """One line for the trail: outcome, statutory maximum and fine (in ``lang``)."""
        say = words(lang).scope("trail_part")
        if self.outcome == NO_PENALTY:
            return say("no_penalty")
        top = say("statutory_max", max=dec_str(self.statutory.hi)) if self.statutory else say("no_range")
        fine = say("fine", fine=dec_str(self.fine)) if self.fine is not None else ""
        return f"{top}{fine}"

    def summary(self) -> dict[str, Any]:
        """The result as the lenient-law step shows it."""
        return {
            "version": self.version.key,
            "outcome": self.outcome,
            "tier": self.tier,
            **({"level": self.level.id} if self.level is not None else {}),
            "statutory_max": dec_str(self.statutory.hi) if self.statutory else None,
            "recommended_fine": dec_str(self.fine) if self.fine is not None else None,
        }
