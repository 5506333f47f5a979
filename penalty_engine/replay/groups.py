"""Similar-case inconsistency: cases the rule treats alike whose actual fines spread too wide.

A group is keyed by the similarity key (rule version, branch, tier, matched factors, values of the
facts the rule read; see ``classify.similarity_key``). Memory stays small: a group keeps its count,
its lowest and highest actual fine with their case ids, a few more case ids as a sample, and its
tolerance; what makes its cases alike (``View.alike`` as compact JSON, from which the key string is
made again) is kept only once a second case arrives.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..money import dec_str
from .classify import alike_key

SAMPLE = 20


@dataclass(slots=True)
class Group:
    count: int
    low: Decimal
    low_id: str
    high: Decimal
    high_id: str
    tolerance: Decimal
    label: str | None = None  # what makes the cases alike: ``View.alike`` as JSON
    sample: list[tuple[str, Decimal]] = field(default_factory=list)

    @property
    def spread(self) -> Decimal:
        return self.high - self.low

    @property
    def alike(self) -> dict[str, Any] | None:
        return None if self.label is None else json.loads(self.label)

    @property
    def key(self) -> str | None:
        """The similarity key (``classify.alike_key``)."""
        alike = self.alike
        return None if alike is None else alike_key(alike)


@dataclass
class Groups:
    """Every similarity group seen so far, by key digest."""

    groups: dict[bytes, Group | tuple[Decimal, str, Decimal]] = field(default_factory=dict)

    def add(self, digest: bytes, label: str, case_id: str, fine: Decimal, tol: Decimal) -> None:
        g = self.groups.get(digest)
        if g is None:  # most groups hold one case: keep them as a small tuple
            self.groups[digest] = (fine, case_id, tol)
            return
        if isinstance(g, tuple):
            f0, id0, tol0 = g
            g = Group(1, f0, id0, f0, id0, min(tol0, tol), label, [(id0, f0)])
            self.groups[digest] = g
        g.count += 1
        g.tolerance = min(g.tolerance, tol)
        if fine < g.low:
            g.low, g.low_id = fine, case_id
        if fine > g.high:
            g.high, g.high_id = fine, case_id
        if len(g.sample) < SAMPLE:
            g.sample.append((case_id, fine))

    def flagged(self) -> list[Group]:
        """Groups whose spread is wider than their tolerance, widest spread first."""
        out = [g for g in self.groups.values() if isinstance(g, Group) and g.spread > g.tolerance]
        out.sort(key=lambda g: (-g.spread, g.key or ""))
        return out

    def __len__(self) -> int:
        return len(self.groups)


def group_json(g: Group) -> dict[str, object]:
    """The contract entry: key, case_ids (the extremes first, then a sample), actual_fines, spread,
    count, tolerance, and ``alike``: what makes the cases alike, by parts (``classify.similarity``)."""
    members: list[tuple[str, Decimal]] = [(g.low_id, g.low), (g.high_id, g.high)]
    seen = {g.low_id, g.high_id}
    for cid, fine in g.sample:
        if cid not in seen:
            seen.add(cid)
            members.append((cid, fine))
    return {
        "key": g.key,
        "case_ids": [m[0] for m in members],
        "actual_fines": [dec_str(m[1]) for m in members],
        "spread": dec_str(g.spread),
        "count": g.count,
        "tolerance": dec_str(g.tolerance),
        "alike": g.alike,
    }
