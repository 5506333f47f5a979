"""What the officers' page shows, computed from the engine's data: the bar of the statutory range
and the band, the trail grouped by stage, the quoted text of every provision a decision cites, and
what changed between two decisions. Amounts and dates are written by ``text.formats``.

Pure: no I/O, no clock; money stays ``Decimal``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from ...models import LawRef


@dataclass(frozen=True)
class Bar:
    """Where the band and the recommendation sit on the statutory range, in thousandths of its width."""

    low: Decimal
    high: Decimal
    band_from: int
    band_to: int
    mark: int | None

    @property
    def point(self) -> bool:
        """The statutory range is one amount (a fine fixed by formula)."""
        return self.low == self.high


def bar(low: Decimal, high: Decimal, band_min: Decimal, band_max: Decimal, rec: Decimal | None) -> Bar:
    """The positions (0–1000) of the band and the recommendation on the range ``low``–``high``."""

    def x(v: Decimal) -> int:
        if high == low:
            return 500
        return max(0, min(1000, int(((v - low) * 1000 / (high - low)).to_integral_value())))

    return Bar(low, high, x(band_min), x(band_max), x(rec) if rec is not None else None)


#: trail stages, in order, and the step codes each holds (a code's first part before the dot);
#: a step whose code is not listed goes to ``other``
STAGES: tuple[tuple[str, frozenset[str]], ...] = (
    ("admissible", frozenset({"dates", "facts", "limitation", "rule", "lenient_law"})),
    ("general", frozenset({"provision", "no_penalty", "mitigation"})),
    ("frame", frozenset({"branch", "range"})),
    ("tier", frozenset({"tier", "level", "band", "below_minimum"})),
    ("amount", frozenset({"factor", "position", "amount", "round", "round.exact"})),
    ("outcome", frozenset({"penalty", "duty", "option"})),
)


def stages(steps: Iterable[Any]) -> list[tuple[str, list[Any]]]:
    """The steps grouped by stage (``STAGES``), stages in order, empty ones left out; each step has
    a ``code``."""
    groups: dict[str, list[Any]] = {name: [] for name, _ in STAGES}
    groups["other"] = []
    for s in steps:
        head = s.code.split(".", 1)[0]
        name = next((n for n, codes in STAGES if head in codes), "other")
        groups[name].append(s)
    return [(n, g) for n, g in groups.items() if g]


def _walk(node: Any) -> Iterator[LawRef]:
    if isinstance(node, LawRef):
        yield node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _walk(getattr(node, name))
    elif isinstance(node, Mapping):
        for v in node.values():
            yield from _walk(v)
    elif isinstance(node, (list, tuple)):
        for v in node:
            yield from _walk(v)


def provisions(*models: Any) -> dict[str, list[str]]:
    """Every provision quoted in ``models`` (a rule, its pack): citation → its quoted texts (one,
    or several when versions quote the same article differently), in the order found."""
    out: dict[str, list[str]] = {}
    for m in models:
        for ref in _walk(m):
            texts = out.setdefault(ref.citation, [])
            if ref.text not in texts:
                texts.append(ref.text)
    return out


def changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[tuple[str, Any, Any]]:
    """(key, before, after) of every key whose value differs, keys of ``after`` first, in order."""
    keys = list(after) + [k for k in before if k not in after]
    return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


def flat_case(case: Mapping[str, Any]) -> dict[str, Any]:
    """A case's inputs as one flat mapping: ``occurred_on``…, ``party.kind``, ``facts.<name>``."""
    out: dict[str, Any] = {}
    for k in ("occurred_on", "discovered_on", "decided_on"):
        out[k] = case.get(k)
    party = case.get("party") or {}
    out["party.kind"] = party.get("kind")
    out["party.age"] = party.get("age")
    for k, v in (case.get("facts") or {}).items():
        out[f"facts.{k}"] = v
    return out


def outline(decision: Mapping[str, Any]) -> dict[str, Any]:
    """The parts of a decision JSON an officer compares between two cases."""
    band = decision.get("band")
    return {
        "outcome": decision.get("outcome"),
        "tier": decision.get("tier"),
        "level": (decision.get("level") or {}).get("id"),
        "recommended_fine": decision.get("recommended_fine"),
        "band": f"{band['min']}–{band['max']}" if band else None,
        "penalties": tuple(p["kind"] for p in decision.get("penalties", ())),
        "duties": tuple(d["kind"] for d in decision.get("duties", ())),
    }
