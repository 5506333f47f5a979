"""The running totals of an impact run: every row counted once, every decision pair tallied by rule,
level and outcome, the amounts binned on both sides, the duty thresholds crossed, the largest changes
kept with both trails. Changed decisions are spilled to a file (one JSON line each) so memory does not
grow with them; everything else is counters and short lists.

Pure apart from the spill file; the order of ``absorb`` calls (the input order) fixes every output.
"""

from __future__ import annotations

import heapq
import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from ..money import dec_str
from ..replay import Row, duplicate_id
from .compare import THRESHOLD_DUTIES, Compared, Comparer, OneSided, Outcome, Pair, Rejected, Side

#: Lower edges (yuan) of the amount bins; the last bin is open above.
AMOUNT_EDGES = tuple(Decimal(x) for x in (0, 1000, 5000, 10000, 20000, 50000, 100000, 200000, 500000, 1000000, 5000000))
#: Edges (%) of the bins of a change relative to the amount before; "0" is its own bin.
CHANGE_EDGES = (Decimal(-50), Decimal(-20), Decimal(0), Decimal(20), Decimal(50))
LARGEST = 50


def money(value: Decimal | None) -> str | None:
    return None if value is None else dec_str(value)


def amount_bin(value: Decimal) -> int:
    """The index of the bin of ``value`` (edges inclusive below)."""
    i = 0
    for j, edge in enumerate(AMOUNT_EDGES):
        if value >= edge:
            i = j
    return i


def amount_bin_label(i: int) -> str:
    lo = dec_str(AMOUNT_EDGES[i])
    return f"≥ {lo}" if i == len(AMOUNT_EDGES) - 1 else f"{lo} – {dec_str(AMOUNT_EDGES[i + 1])}"


def change_bin(before: Decimal, delta: Decimal) -> str:
    """The bin of a change: ``0``, or its percentage of the amount before between the edges
    (``+20%…+50%``); from nothing (a before amount of 0) it is ``new``."""
    if delta == 0:
        return "0"
    if before == 0:
        return "new"
    pct = delta / before * 100
    if pct < CHANGE_EDGES[0]:
        return "<-50%"
    if pct < CHANGE_EDGES[1]:
        return "-50%…-20%"
    if pct < CHANGE_EDGES[2]:
        return "-20%…0"
    if pct <= CHANGE_EDGES[3]:
        return "0…+20%"
    if pct <= CHANGE_EDGES[4]:
        return "+20%…+50%"
    return ">+50%"


CHANGE_BINS = ("<-50%", "-50%…-20%", "-20%…0", "0", "0…+20%", "+20%…+50%", ">+50%", "new")


def side_json(s: Side, with_trail: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "rule": s.rule,
        "version": s.version,
        "outcome": s.outcome,
        "tier": s.tier,
        "level": None if s.level is None else {"id": s.level[0], "name": {"zh": s.level[1], "en": s.level[2]}},
        "band": None if s.band is None else {"min": money(s.band[0]), "max": money(s.band[1])},
        "amount": money(s.amount),
        "duties": list(s.duties),
        "penalties": list(s.penalties),
    }
    if with_trail:
        out["trail"] = list(s.trail)
    return out


def level_key(s: Side) -> tuple[str, str, str, str]:
    """(kind, id, zh, en) of what a decision's band came from: the level of a table, else the tier."""
    if s.level is not None:
        return ("level", *s.level)
    return ("tier", s.tier or "none", s.tier or "none", s.tier or "none")


@dataclass(slots=True)
class Amounts:
    """The recommended amounts of one side: binned, summed, and the smallest and largest."""

    bins: list[int] = field(default_factory=lambda: [0] * len(AMOUNT_EDGES))
    count: int = 0
    none: int = 0  # no amount: no penalty, or a level that gives a range only
    total: Decimal = Decimal(0)
    low: Decimal | None = None
    high: Decimal | None = None

    def add(self, value: Decimal | None) -> None:
        if value is None:
            self.none += 1
            return
        self.count += 1
        self.total += value
        self.bins[amount_bin(value)] += 1
        self.low = value if self.low is None or value < self.low else self.low
        self.high = value if self.high is None or value > self.high else self.high

    def as_json(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "without_amount": self.none,
            "total": dec_str(self.total),
            "min": money(self.low),
            "max": money(self.high),
        }


@dataclass(slots=True)
class Tally:
    """Counts of a group of decision pairs (a rule, a level transition)."""

    decisions: int = 0
    changed: int = 0
    up: int = 0
    down: int = 0
    total_before: Decimal = Decimal(0)
    total_after: Decimal = Decimal(0)

    def add(self, p: Pair) -> None:
        self.decisions += 1
        self.changed += bool(p.changed)
        d = p.delta
        if d is not None:
            self.up += d > 0
            self.down += d < 0
        self.total_before += p.before.amount or 0
        self.total_after += p.after.amount or 0

    def as_json(self) -> dict[str, Any]:
        return {
            "decisions": self.decisions,
            "changed": self.changed,
            "increased": self.up,
            "decreased": self.down,
            "total_before": dec_str(self.total_before),
            "total_after": dec_str(self.total_after),
        }


@dataclass
class Impact:
    """The totals of an impact run; changed decisions are spilled to ``changes_path``."""

    changes_out: IO[str] | None = None
    changes_path: Path | None = None
    largest_n: int = LARGEST
    counts: dict[str, int] = field(
        default_factory=lambda: {
            "input": 0,
            "compared": 0,
            "changed": 0,
            "unchanged": 0,
            "error_before_only": 0,
            "error_after_only": 0,
            "rejected": 0,
        }
    )
    decisions: dict[str, int] = field(default_factory=lambda: {"compared": 0, "changed": 0})
    aspects: dict[str, int] = field(default_factory=dict)
    by_rule: dict[str, Tally] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)  # bare rule id → title (zh), as the decisions give it
    by_level: dict[tuple[str, tuple[str, ...], tuple[str, ...]], Tally] = field(default_factory=dict)
    by_outcome: dict[tuple[str, str], int] = field(default_factory=dict)
    before: Amounts = field(default_factory=Amounts)
    after: Amounts = field(default_factory=Amounts)
    change_bins: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CHANGE_BINS, 0))
    increase: Decimal = Decimal(0)
    decrease: Decimal = Decimal(0)
    thresholds: dict[str, dict[str, int]] = field(
        default_factory=lambda: {d: {"newly": 0, "no_longer": 0} for d in THRESHOLD_DUTIES}
    )
    crossings: list[dict[str, Any]] = field(default_factory=list)
    one_sided: list[dict[str, Any]] = field(default_factory=list)
    rejects: list[dict[str, Any]] = field(default_factory=list)
    ignored: dict[tuple[str, str], int] = field(default_factory=dict)  # (side, fact) → rows
    seen: set[str] = field(default_factory=set)
    lines: int = 0
    #: the largest changes: (size, -place, entry, input row, index of the decision in the row)
    _heap: list[tuple[Decimal, int, dict[str, Any], Row | None, int]] = field(default_factory=list)

    @classmethod
    def create(cls, workdir: Path, largest: int = LARGEST) -> Impact:
        workdir.mkdir(parents=True, exist_ok=True)
        path = workdir / "changes.jsonl"
        return cls(changes_out=path.open("w", encoding="utf-8"), changes_path=path, largest_n=largest)

    def close(self) -> None:
        if self.changes_out is not None:
            self.changes_out.close()

    def absorb(self, out: Outcome) -> None:
        self.counts["input"] += 1
        self.lines += out.lines
        if not isinstance(out, Rejected):
            if out.case_id in self.seen:
                dup = duplicate_id(out.case_id)
                out = Rejected(out.source, out.case_id, str(dup), error_zh=dup.zh)
            else:
                self.seen.add(out.case_id)
        if isinstance(out, Rejected):
            self.counts["rejected"] += 1
            reject: dict[str, Any] = {"source": out.source, "case_id": out.case_id, "error": out.error}
            reject["error_zh"] = out.error_zh or out.error
            if out.error_after is not None:
                reject["error_after"] = out.error_after
                reject["error_after_zh"] = out.error_after_zh or out.error_after
            self.rejects.append(reject)
            return
        for key in out.ignored:
            self.ignored[key] = self.ignored.get(key, 0) + 1
        if isinstance(out, OneSided):
            self.counts[f"error_{out.failed}_only"] += 1
            self.one_sided.append(
                {
                    "source": out.source,
                    "case_id": out.case_id,
                    "failed": out.failed,
                    "error": out.error,
                    "error_zh": out.error_zh or out.error,
                    "decided": [side_json(s) for s in out.decided],
                }
            )
            return
        self.counts["compared"] += 1
        changed = any(p.changed for p in out.pairs)
        self.counts["changed" if changed else "unchanged"] += 1
        for i, p in enumerate(out.pairs):
            self._pair(p, out.source, out.row, i)

    def _pair(self, p: Pair, source: str, row: Row | None = None, index: int = 0) -> None:
        seq = self.decisions["compared"]  # the pair's place in the input order
        self.decisions["compared"] += 1
        self.titles.setdefault(p.violation, p.before.title)
        self.by_rule.setdefault(p.violation, Tally()).add(p)
        key = (p.violation, level_key(p.before), level_key(p.after))
        self.by_level.setdefault(key, Tally()).add(p)
        oc = (p.before.outcome, p.after.outcome)
        self.by_outcome[oc] = self.by_outcome.get(oc, 0) + 1
        self.before.add(p.before.amount)
        self.after.add(p.after.amount)
        delta = p.delta
        if delta is not None and p.before.amount is not None:
            self.change_bins[change_bin(p.before.amount, delta)] += 1
            if delta > 0:
                self.increase += delta
            else:
                self.decrease -= delta
        if not p.changed:
            return
        self.decisions["changed"] += 1
        for a in p.changed:
            self.aspects[a] = self.aspects.get(a, 0) + 1
        entry = self._entry(p, source)
        for duty in THRESHOLD_DUTIES:
            had, has = duty in p.before.duties, duty in p.after.duties
            if had != has:
                way = "newly" if has else "no_longer"
                self.thresholds[duty][way] += 1
                self.crossings.append(dict(entry, duty=duty, direction=way))
        if self.changes_out is not None:
            self.changes_out.write(json.dumps(entry, ensure_ascii=False) + "\n")
        size = abs(delta) if delta is not None else Decimal(-1)  # an outcome change without amounts sorts last
        item = (size, -seq, entry, row, index)
        if len(self._heap) < self.largest_n:
            heapq.heappush(self._heap, item)
        elif self.largest_n and item[:2] > self._heap[0][:2]:
            heapq.heapreplace(self._heap, item)

    @staticmethod
    def _entry(p: Pair, source: str) -> dict[str, Any]:
        return {
            "case_id": p.case_id,
            "source": source,
            "violation": p.violation,
            "changed": list(p.changed),
            "change": money(p.delta),
            "before": side_json(p.before),
            "after": side_json(p.after),
        }

    def largest(self) -> list[dict[str, Any]]:
        """The largest changes of the amount, largest first (earlier rows first among equals); then
        changes without an amount on both sides. Their sides carry ``trail`` after ``add_trails``."""
        return [e for _, _, e, _, _ in sorted(self._heap, key=lambda x: (-x[0], -x[1]))]

    def add_trails(self, comparer: Comparer) -> None:
        """Decide the rows of the largest changes again, with their trails (a few rows: the workers
        never send trails back)."""
        for _, _, entry, row, index in self._heap:
            out = comparer.row(row, keep_trail=True) if row is not None else None
            if isinstance(out, Compared) and index < len(out.pairs):
                pair = out.pairs[index]
                entry["before"], entry["after"] = side_json(pair.before, True), side_json(pair.after, True)

    def changes(self) -> list[dict[str, Any]]:
        return list(self.iter_changes())

    def iter_changes(self) -> Any:
        if self.changes_path is None or not self.changes_path.exists():
            return
        with self.changes_path.open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    yield json.loads(line)
