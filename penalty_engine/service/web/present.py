"""What the officers' page shows, computed from the engine's data: amounts in figures and in Chinese
capitals (大写), the bar of the statutory range and the band, the trail grouped by stage, the quoted
text of every provision a decision cites, and what changed between two decisions.

Pure: no I/O, no clock; money stays ``Decimal``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from ...models import LawRef

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL = ("", "拾", "佰", "仟")
_GROUPS = ("", "万", "亿", "万亿")
#: the largest amount written in capitals (the engine's own limit is 10^15)
MAX_CAPITALS = Decimal(10) ** 16


def capitals(amount: Decimal) -> str:
    """The amount in Chinese capitals as written on a decision, 元 with 角 and 分:
    ``52000`` → ``伍万贰仟元整``, ``1005`` → ``壹仟零伍元整``, ``3.07`` → ``叁元零柒分``.

    Zeros between digits are written once (零); a zero at the 万 or 亿 place is taken up by the
    unit (``101000`` → ``壹拾万壹仟元整``); an amount ending in 元 or 角 ends with 整.

    Raises:
        ValueError: the amount is negative, has more than two decimals or is 10^16 or more.
    """
    if amount < 0 or amount >= MAX_CAPITALS or amount != amount.quantize(Decimal("0.01")):
        raise ValueError(f"no capitals for {amount}: expected 0 ≤ amount < 10^16 with at most two decimals")
    fen_total = int(amount * 100)
    whole, cents = divmod(fen_total, 100)
    jiao, fen = divmod(cents, 10)
    out = _whole_capitals(whole)
    if whole:
        out += "元"
    if not jiao and not fen:
        return (out or "零元") + "整"
    if jiao:
        out += _DIGITS[jiao] + "角"
    elif whole:
        out += "零"
    return out + (_DIGITS[fen] + "分" if fen else "整")


def _whole_capitals(n: int) -> str:
    digits = str(n) if n else ""
    out: list[str] = []
    zero = False
    size = len(digits)
    for i, ch in enumerate(digits):
        place = size - 1 - i
        d = int(ch)
        if d:
            if zero:
                out.append("零")
                zero = False
            out.append(_DIGITS[d] + _SMALL[place % 4])
        else:
            zero = True
        if place % 4 == 0 and place:
            group = digits[max(0, i - 3) : i + 1]
            if group.strip("0"):
                out.append(_GROUPS[place // 4])
                zero = False
    return "".join(out)


def figures(amount: Decimal | str) -> str:
    """An amount in figures with thousands separators: ``52000`` → ``52,000``, ``10000.5`` → ``10,000.50``."""
    value = Decimal(amount)
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value.quantize(Decimal('0.01')):,}"


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
    ("amount", frozenset({"factor", "position", "amount", "round"})),
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
