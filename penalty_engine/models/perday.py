"""Per-day continuous fines (按日连续处罚; issue #17, ADR 0023): the rule's part and the case's part.

A rule version with ``per_day`` fines the party, who was fined and ordered to correct and did not
(拒不改正), the original decision's fine for every day counted (环境保护法 第五十九条; 按日连续处罚办法
第十七条, 第十九条). The case gives the order to correct (``correction``: when it was made and served)
and the re-inspections (复查) with whether the violation continued. The evaluation is in
``core/perday.py``; the authoring guide's "Per-day fines" section explains the format.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from .common import Basis, Frozen, SettingRef

__all__ = ["CountFrom", "PerDay"]


class CountFrom(StrEnum):
    """The day the count runs from (the day after it): the statute and the 办法 word it differently."""

    ordered = "ordered"  # 环境保护法 第五十九条: 自责令改正之日的次日起
    served = "served"  # 按日连续处罚办法 第十七条: 责令改正违法行为决定书送达排污者之日的次日起


class PerDay(Frozen):
    """The per-day fine of a version: the money fact that holds the original fine (第十九条: 每日的罚款
    数额，为原处罚决定书确定的罚款数额) and from which day the count runs (a pack setting: the
    statute and the 办法 differ)."""

    daily: str = Field(description="the money fact giving the original decision's fine (原处罚数额)")
    count_from: CountFrom | SettingRef = Field(description="'ordered', 'served', or a pack setting naming one")
    basis: tuple[Basis, ...] = Field(min_length=1, description="the article that allows the per-day fine")
    counting_basis: tuple[Basis, ...] = Field(min_length=1, description="how the days are counted (第十七条)")
    amount_basis: tuple[Basis, ...] = Field(min_length=1, description="daily amount × days (第十九条)")
    none_basis: tuple[Basis, ...] = Field(
        default=(), description="corrected at the re-inspection: no per-day fine (第十二条第二款)"
    )
    optional: bool = Field(
        default=False,
        description="the article says the authority 可以 (may) fine per day: the decision offers not to",
        exclude_if=lambda v: v is False,  # left out of a dump while false: older rules keep their hash
    )
