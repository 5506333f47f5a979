"""Aggregates of a replay by violation, unit, officer and month: counts, share consistent, mean and
worst deviation; the histogram of deviations. Constant memory per bucket."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from ..money import dec_str

DIMENSIONS = ("violation", "unit", "officer", "month")
BINS: tuple[tuple[str, Decimal | None], ...] = (
    ("0", Decimal(0)),
    ("≤10%", Decimal(10)),
    ("≤25%", Decimal(25)),
    ("≤50%", Decimal(50)),
    ("≤100%", Decimal(100)),
    (">100%", None),
)
CENT = Decimal("0.01")


@dataclass(slots=True)
class Bucket:
    count: int = 0
    consistent: int = 0
    flagged: int = 0
    no_actual: int = 0
    compared: int = 0  # cases with an actual fine compared against a band
    pct_sum: Decimal = Decimal(0)
    worst_pct: Decimal = Decimal(0)
    worst: Decimal = Decimal(0)
    worst_case: str | None = None

    def merge(self, later: Bucket) -> None:
        """Add the bucket of rows that come after this one's in the input (a tie keeps our worst case)."""
        self.count += later.count
        self.consistent += later.consistent
        self.flagged += later.flagged
        self.no_actual += later.no_actual
        self.compared += later.compared
        self.pct_sum += later.pct_sum
        self.worst_pct = max(self.worst_pct, later.worst_pct)
        if later.worst > self.worst:
            self.worst, self.worst_case = later.worst, later.worst_case

    def as_json(self, name: str) -> dict[str, object]:
        judged = self.consistent + self.flagged
        share = (Decimal(self.consistent) / judged * 100).quantize(CENT, ROUND_HALF_UP) if judged else None
        mean = (self.pct_sum / self.compared).quantize(CENT, ROUND_HALF_UP) if self.compared else None
        return {
            "name": name,
            "count": self.count,
            "consistent": self.consistent,
            "flagged": self.flagged,
            "no_actual": self.no_actual,
            "share_consistent": None if share is None else str(share),
            "mean_deviation_pct": None if mean is None else str(mean),
            "worst_deviation_pct": str(self.worst_pct.quantize(CENT)),
            "worst_deviation": dec_str(self.worst),
            "worst_case": self.worst_case,
        }


@dataclass
class Aggregates:
    by: dict[str, dict[str, Bucket]] = field(default_factory=lambda: {d: {} for d in DIMENSIONS})
    histogram: list[int] = field(default_factory=lambda: [0] * len(BINS))
    statuses: dict[str, int] = field(default_factory=dict)

    def add(
        self,
        names: dict[str, str],
        status: str,
        case_id: str,
        deviation: Decimal | None,
        pct: Decimal | None,
    ) -> None:
        self.statuses[status] = self.statuses.get(status, 0) + 1
        if deviation is not None:
            self.histogram[_bin(pct)] += 1
        for dim in DIMENSIONS:
            b = self.by[dim].setdefault(names.get(dim) or "—", Bucket())
            b.count += 1
            if status == "consistent":
                b.consistent += 1
            elif status == "no_actual":
                b.no_actual += 1
            else:
                b.flagged += 1
            if deviation is not None:
                b.compared += 1
                b.pct_sum += pct or Decimal(0)
                if deviation > b.worst or (pct or 0) > b.worst_pct:
                    b.worst_pct = max(b.worst_pct, pct or Decimal(0))
                    if deviation > b.worst:
                        b.worst, b.worst_case = deviation, case_id

    def merge(self, later: Aggregates) -> Aggregates:
        """Add the aggregates of rows that come after these in the input: the same as adding those rows
        here one by one (sums, maxima, and the earlier worst case on a tie). Returns self."""
        for status, n in later.statuses.items():
            self.statuses[status] = self.statuses.get(status, 0) + n
        self.histogram = [a + b for a, b in zip(self.histogram, later.histogram, strict=True)]
        for dim in DIMENSIONS:
            mine = self.by[dim]
            for name, bucket in later.by[dim].items():
                mine.setdefault(name, Bucket()).merge(bucket)
        return self

    def as_json(self) -> dict[str, object]:
        return {
            "statuses": dict(sorted(self.statuses.items())),
            "deviation_histogram": [
                {"bin": label, "count": n} for (label, _), n in zip(BINS, self.histogram, strict=True)
            ],
            **{dim: [b.as_json(name) for name, b in sorted(self.by[dim].items())] for dim in DIMENSIONS},
        }


def _bin(pct: Decimal | None) -> int:
    if pct is None:
        return len(BINS) - 1
    for i, (_, upper) in enumerate(BINS):
        if upper is not None and pct <= upper:
            return i
    return len(BINS) - 1
