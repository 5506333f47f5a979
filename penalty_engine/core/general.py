"""The general part of 行政处罚法 as pure functions: limitation, provisions, hearing, lenient law.

These read the pack's ``general:`` data; the evaluation calls them in the fixed precedence
documented in docs/rule-authoring.md ("The general part")::

    limitation → mandatory no penalty → statutory frame → benchmark tier → mandatory mitigation
    caps the tier → factor weights → clamp → round
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from ..models import General, HearingThreshold, Provision, Rule

#: Penalty kinds that always bring the hearing notice (行政处罚法 Art. 63 items 3 and 4; 停业整顿 is a
#: 责令停产停业; 暂扣许可证件 read as item 5 其他较重的行政处罚, erring towards the party: ADR 0017).
HEARING_KINDS = (
    "permit_suspension",
    "qualification_downgrade",
    "revocation",
    "suspension",
    "suspension_for_rectification",
    "closure",
    "practice_restriction",
)


@lru_cache(maxsize=8192)  # pure; dates repeat across cases
def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` later; 29 February becomes 28 February."""
    year = day.year + years
    last = calendar.monthrange(year, day.month)[1]
    return day.replace(year=year, day=min(day.day, last))


class LimitationCheck(NamedTuple):  # immutable, and cheaper to make than a frozen dataclass
    years: int
    deadline: dt.date  # last day on which discovery still counts
    discovered: dt.date
    discovered_source: str
    expired: bool


def limitation(
    general: General,
    rule: Rule,
    occurred_on: dt.date,
    discovered_on: dt.date | None,
    decided_on: dt.date,
    harmful: bool,
    touched: bool,
) -> LimitationCheck | None:
    """Art. 36: is the act past the limitation period? ``None`` when the pack has no limitation.

    The period is extended when the case's facts say the act touched 公民生命健康安全 or 金融安全
    (``touched``: one of ``limitation.touches`` holds) **and** had harmful consequences
    (``harmful``): both are facts of the case, not of the rule (ADR 0018)."""
    if general.limitation is None or (
        rule.special_provisions and any(sp.sets_aside == "limitation" for sp in rule.special_provisions)
    ):
        return None
    extended = touched and harmful
    years = general.limitation.extended_years if extended else general.limitation.years
    deadline = add_years(occurred_on, years)
    discovered, source = (discovered_on, "discovered_on") if discovered_on else (decided_on, "decided_on")
    return LimitationCheck(years, deadline, discovered, source, discovered > deadline)


class Fired(NamedTuple):
    """The provisions whose condition holds, by effect, after special provisions set some aside.

    A named tuple of lists: made for every case, and cheaper to make than a frozen dataclass."""

    no_penalty: list[Provision]
    may_no_penalty: list[Provision]
    mitigate: list[Provision]
    may_mitigate: list[Provision]
    set_aside: list[Provision]
    collective_discussion: list[Provision]


def hearing_threshold(general: General, party_kind: str, on: dt.date) -> HearingThreshold | None:
    """The 较大数额 threshold for the party kind in force on ``on``."""
    for t in general.hearing:
        if t.party == party_kind and t.effective_from <= on and (t.effective_to is None or on <= t.effective_to):
            return t
    return None


def reaches(threshold: HearingThreshold, amount: Decimal) -> bool:
    return amount >= threshold.amount if threshold.inclusive else amount > threshold.amount


def severity(outcome: str, statutory_max: Decimal | None, fine: Decimal | None) -> tuple[int, Decimal, Decimal]:
    """Order of results for Art. 37: no penalty, then the lower statutory maximum, then the lower fine.

    A penalty without a fine (a warning) counts as a maximum and a fine of zero.
    """
    if outcome == "no_penalty":
        return (0, Decimal(0), Decimal(0))
    return (1, statutory_max if statutory_max is not None else Decimal(0), fine if fine is not None else Decimal(0))
