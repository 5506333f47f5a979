"""Quote versus frame: the amounts the quoted law states, compared with what the frame encodes.

Every rule version quotes its provisions verbatim (``basis: [{law, article, text}]``) and encodes
them as frame branches (``fine: {min, max}``, ``{times, min, max}``, ``{per, unit, rate, cap}``).
This module reads the amounts a quoted text states and reports each branch whose fine differs from
them, so that a per-unit fine whose article says 最高不得超过三万元 cannot load without its cap.

Two stages, both pure (no file, clock or environment; the texts are already loaded):

1. **Reading** (``read_amounts``): the statute text is scanned with the phrases of ``_PHRASES``
   (处X以上Y以下的罚款, 每超过X千克罚款Y元, 最高不得超过X元, 不足X元, …), whose amounts are numerals
   (Arabic ``3000``, ``1.5万``; Chinese 三万, 五千, 二十万, 一百) followed by a unit of ``_UNITS``
   (元, 千克, 公斤, 吨, 倍). Amounts are ``Decimal``, never float. Regular expressions read only the
   law's text here, never CEL. Where phrases overlap, the one starting first (then the longer)
   wins, so 超过 inside 最高不得超过 is not a boundary. A cap joins the nearest fine stated before it
   in the same sentence (sentences end at 。 or ；), else the nearest after it.
2. **Pairing** (``discrepancies``): per rule version, the branches with a fine are grouped by the
   provisions they encode (the branch's own ``basis`` when it quotes a law, else the version's).
   Within a group and one form (a range, a multiple, a per-unit amount):

   * a stated amount equal to an encoded one pairs with it, and is fine;
   * of the rest, when exactly one stated amount and one distinct encoded fine remain, they pair;
   * otherwise an encoded fine pairs with the only remaining stated amount sharing a field with it
     (the same min, max, unit or rate), when that stated amount shares one with no other fine.

   A paired branch whose fields differ is a ``quote_mismatch`` finding at the frame entry. What
   cannot be paired this way is not reported: a quoted amount the reader cannot attribute to one
   branch raises no alarm. Boundaries (违法所得不足1万元, 超过1000千克) are read but not compared
   with the conditions, which are CEL and would need their parsed tree.

Cost: a few regular-expression scans per quoted text, once per ``rules check``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, Literal, NamedTuple, TypeGuard

from ..models import FactSpec, LawRef, MultipleFine, PerUnitFine, RangeFine, TrancheFine
from ..money import dec_str, to_decimal
from ..pack import CompiledRule, CompiledVersion
from .findings import at

__all__ = [
    "Discrepancy",
    "StatedBoundary",
    "StatedCap",
    "StatedMultiple",
    "StatedPerUnit",
    "StatedRange",
    "discrepancies",
    "read_amounts",
]

# ------------------------------------------------------------------ vocabulary

Dimension = Literal["money", "mass", "times"]

#: Units an amount can carry: unit → (dimension, factor to 元, kg or 倍).
_UNITS: dict[str, tuple[Dimension, Decimal]] = {
    "元": ("money", Decimal(1)),
    "千克": ("mass", Decimal(1)),
    "公斤": ("mass", Decimal(1)),
    "吨": ("mass", Decimal(1000)),
    "倍": ("times", Decimal(1)),
}

#: Chinese numerals: digits, and the multipliers inside a section (十百千) and of sections (万亿).
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_SMALL = {"十": 10, "百": 100, "千": 1000}
_LARGE = {"万": 10**4, "亿": 10**8}

#: What a multiple is a multiple of (处违法所得2倍以上10倍以下的罚款).
_OBJECTS = ("违法所得", "非法所得", "货值金额", "违法经营额", "营业额", "所需处置费用")

#: Units of a counted fact (``FactSpec.unit``) in kg, to compare 每超1吨 with ``unit: 1000`` on kg.
_FACT_MASS_UNITS: dict[str, Decimal] = {
    "kg": Decimal(1),
    "千克": Decimal(1),
    "公斤": Decimal(1),
    "t": Decimal(1000),
    "吨": Decimal(1000),
}

Form = Literal["range", "fixed", "per_unit", "cap", "base_min", "boundary"]

#: The phrases read, in the law's words. ``{lo}``, ``{hi}``, ``{unit}``, ``{rate}``, ``{cap}`` and
#: ``{amount}`` are amounts; ``{of}`` an optional object of ``_OBJECTS``. A boundary phrase names
#: its relation after the form.
_PHRASES: tuple[tuple[Form, str, str], ...] = (
    ("range", "", "处以?{of}{lo}以上{hi}以下的?罚款"),
    ("range", "", "处以?{of}{hi}以下的?罚款"),
    ("fixed", "", "处以?{of}{hi}的?罚款"),
    ("per_unit", "", "每超过?{unit}的?[，,]?(?:处以?|并处)?罚款{rate}"),
    ("cap", "", "最[高多](?:罚款)?不得?超过{cap}"),
    ("base_min", "", "不足{lo}的?[，,]?按{hi}计算"),  # 所需处置费用不足二十万元的，按二十万元计算
    ("boundary", "不足", "不足{amount}"),
    ("boundary", "未超过", "未超过{amount}"),
    ("boundary", "超过", "超过{amount}"),
    ("boundary", "以上", "{amount}以上"),
    ("boundary", "以下", "{amount}以下"),
)

_NUMERAL = "(?:[0-9][0-9,]*(?:\\.[0-9]+)?|[" + "".join([*_DIGITS, *_SMALL, *_LARGE]) + "])+?"
_UNIT = "(?:" + "|".join(sorted(_UNITS, key=len, reverse=True)) + ")"
_AMOUNT = re.compile(f"({_NUMERAL})({_UNIT})")
_SENTENCE_END = re.compile("[。；;]")


def _compile(template: str) -> re.Pattern[str]:
    slots = {name: f"(?P<{name}>{_NUMERAL}{_UNIT})" for name in ("lo", "hi", "unit", "rate", "cap", "amount")}
    return re.compile(template.format(of="(?:" + "|".join(_OBJECTS) + ")?", **slots))


_COMPILED = tuple((form, relation, _compile(template)) for form, relation, template in _PHRASES)

# ------------------------------------------------------------------ what a text states


@dataclass(frozen=True, slots=True)
class StatedRange:
    """处3000元以上1万元以下的罚款 → ``min 3000, max 10000`` (处1万元以下: min 0; 处500元罚款: both 500)."""

    min: Decimal
    max: Decimal
    cap: Decimal | None = None
    words: str = field(default="", compare=False)


@dataclass(frozen=True, slots=True)
class StatedMultiple:
    """处违法所得1倍以上5倍以下的罚款 → ``min 1, max 5``, with a cap when 最高不得超过 follows and a floor on
    the base when 不足X元的，按X元计算 follows (所需处置费用不足二十万元的，按二十万元计算 → ``base_min 200000``)."""

    min: Decimal
    max: Decimal
    cap: Decimal | None = None
    words: str = field(default="", compare=False)
    base_min: Decimal | None = None


@dataclass(frozen=True, slots=True)
class StatedBaseMin:
    """不足二十万元的，按二十万元计算: the floor on the base of the multiple before it in its sentence."""

    amount: Decimal
    words: str = field(default="", compare=False)


@dataclass(frozen=True, slots=True)
class StatedPerUnit:
    """每超1000千克罚款500元，最高不得超过30000元 → ``unit 1000 (kg), rate 500, cap 30000``."""

    unit: Decimal
    rate: Decimal
    cap: Decimal | None = None
    words: str = field(default="", compare=False)


@dataclass(frozen=True, slots=True)
class StatedCap:
    """最高不得超过三万元 with no fine in its sentence to belong to."""

    cap: Decimal
    words: str = field(default="", compare=False)


@dataclass(frozen=True, slots=True)
class StatedBoundary:
    """A boundary between situations: 违法所得不足1万元 → ``不足, 10000, money``."""

    relation: str
    amount: Decimal
    dimension: Dimension
    words: str = field(default="", compare=False)


Stated = StatedRange | StatedMultiple | StatedPerUnit | StatedCap | StatedBaseMin | StatedBoundary


def cn_amount(numeral: str) -> Decimal:
    """The value of a numeral in Arabic or Chinese figures, or both: ``三万`` → 30000, ``1.5万`` → 15000,
    ``二十万`` → 200000, ``一百`` → 100, ``30,000`` → 30000.

    Raises:
        ValueError: the text is not a numeral.
    """
    total, section, digit = Decimal(0), Decimal(0), None
    top = 1  # the largest section multiplier seen (亿 after 万 starts a new order)
    for token in re.findall(r"[0-9][0-9,]*(?:\.[0-9]+)?|.", numeral):
        if token[0].isascii() and token[0].isdigit():
            digit = Decimal(token.replace(",", ""))
        elif token in _DIGITS:
            digit = Decimal(_DIGITS[token])
        elif token in _SMALL:
            section += (digit if digit is not None else Decimal(1)) * _SMALL[token]
            digit = None
        elif token in _LARGE:
            section += digit if digit is not None else Decimal(0)
            digit = None
            if _LARGE[token] > top:
                total, top = (total + (section or Decimal(1))) * _LARGE[token], _LARGE[token]
            else:
                total += (section or Decimal(1)) * _LARGE[token]
            section = Decimal(0)
        else:
            raise ValueError(f"not a numeral: {numeral!r}")
    return total + section + (digit if digit is not None else Decimal(0))


def _amount(text: str) -> tuple[Decimal, Dimension]:
    m = _AMOUNT.fullmatch(text)
    assert m is not None  # the phrase matched an amount
    dimension, factor = _UNITS[m.group(2)]
    return cn_amount(m.group(1)) * factor, dimension


def _read_phrase(form: Form, relation: str, m: re.Match[str]) -> Stated | None:
    """One matched phrase as what it states, or None when its units do not fit the phrase."""
    groups = {k: _amount(v) for k, v in m.groupdict().items() if v is not None}
    words = m.group(0)
    if form in ("range", "fixed"):
        hi, dim = groups["hi"]
        lo, lo_dim = groups["lo"] if "lo" in groups else (hi if form == "fixed" else Decimal(0), dim)
        if dim != lo_dim or dim == "mass" or lo > hi:
            return None
        return StatedRange(lo, hi, words=words) if dim == "money" else StatedMultiple(lo, hi, words=words)
    if form == "per_unit":
        (unit, unit_dim), (rate, rate_dim) = groups["unit"], groups["rate"]
        ok = unit_dim == "mass" and rate_dim == "money"
        return StatedPerUnit(unit, rate, words=words) if ok else None
    if form == "cap":
        cap, dim = groups["cap"]
        return StatedCap(cap, words=words) if dim == "money" else None
    if form == "base_min":
        (lo, lo_dim), (hi, hi_dim) = groups["lo"], groups["hi"]
        return StatedBaseMin(hi, words=words) if lo == hi and lo_dim == hi_dim == "money" else None
    amount, dim = groups["amount"]
    return StatedBoundary(relation, amount, dim, words=words) if dim != "times" else None


@dataclass(slots=True)
class _Read:
    """A phrase read: where it starts and ends in the text, and what it states."""

    start: int
    end: int
    stated: Stated


def read_amounts(text: str) -> list[Stated]:
    """What a quoted statute text states about fines, in the order of the text.

    ``超过1000千克的，每超1000千克罚款500元，最高不得超过三万元。`` gives a boundary
    ``StatedBoundary('超过', 1000, 'mass')`` and ``StatedPerUnit(unit=1000, rate=500, cap=30000)``.
    A cap (最高不得超过…) is folded into the fine it belongs to (see the module docstring); one with
    no fine in its sentence is a ``StatedCap``. Text the phrases do not cover is skipped.
    """
    matches = sorted(
        (
            (m.start(), -m.end(), form, relation, m)
            for form, relation, pattern in _COMPILED
            for m in pattern.finditer(text)
        ),
        key=lambda t: (t[0], t[1]),
    )
    found: list[_Read] = []
    reach = 0
    for start, neg_end, form, relation, m in matches:
        if start < reach:
            continue  # inside a phrase already read (超过 in 最高不得超过, 以上 in 处…以上…以下)
        stated = _read_phrase(form, relation, m)
        if stated is not None:
            found.append(_Read(start, -neg_end, stated))
            reach = -neg_end
    return _attach_caps(text, _attach_base_floors(text, found))


def _attach_base_floors(text: str, found: list[_Read]) -> list[_Read]:
    """Fold each floor on the base into the nearest multiple before it in its sentence (a floor with
    none is left out: nothing it could be compared with)."""
    out: list[_Read] = []
    for r in found:
        if not isinstance(r.stated, StatedBaseMin):
            out.append(r)
            continue
        same = len(_SENTENCE_END.findall(text, 0, r.start))
        owner = next((o for o in reversed(out) if isinstance(o.stated, StatedMultiple)), None)
        if owner is not None and len(_SENTENCE_END.findall(text, 0, owner.start)) == same:
            assert isinstance(owner.stated, StatedMultiple)
            owner.end = r.end
            owner.stated = replace(owner.stated, base_min=r.stated.amount, words=text[owner.start : owner.end])
    return out


def _attach_caps(text: str, found: list[_Read]) -> list[Stated]:
    """Fold each cap into the nearest fine before it in its sentence, else the nearest after it."""

    def sentence(pos: int) -> int:
        return len(_SENTENCE_END.findall(text, 0, pos))

    attached: set[int] = set()
    for k, cap in enumerate(found):
        if not isinstance(cap.stated, StatedCap):
            continue
        same = [i for i, r in enumerate(found) if _is_fine(r.stated) and sentence(r.start) == sentence(cap.start)]
        before, after = [i for i in same if i < k], [i for i in same if i > k]
        if not (before or after):
            continue
        owner = found[before[-1] if before else after[0]]
        fine = owner.stated
        assert isinstance(fine, StatedRange | StatedMultiple | StatedPerUnit)
        owner.start, owner.end = min(owner.start, cap.start), max(owner.end, cap.end)
        owner.stated = replace(fine, cap=cap.stated.cap, words=text[owner.start : owner.end])
        attached.add(k)
    return [r.stated for k, r in enumerate(found) if k not in attached]


def _is_fine(stated: Stated) -> TypeGuard[StatedRange | StatedMultiple | StatedPerUnit]:
    return isinstance(stated, StatedRange | StatedMultiple | StatedPerUnit)


# ------------------------------------------------------------------ pairing with the frame


class Discrepancy(NamedTuple):
    """A branch whose fine differs from the quoted law: the fields of a ``quote_mismatch`` finding."""

    rule: str
    file: str
    line: int
    message: str


class _Field(NamedTuple):
    """One field compared: its name in the rule file, the amount quoted, the amount encoded."""

    name: str
    quoted: Decimal | None
    encoded: Decimal | None


Fine = RangeFine | MultipleFine | PerUnitFine
FineStated = StatedRange | StatedMultiple | StatedPerUnit
Compare = Callable[[Any, Any], list[_Field]]


def _range_fields(s: StatedRange, fine: RangeFine) -> list[_Field]:
    return [_Field("min", s.min, fine.min), _Field("max", s.max, fine.max)]


def _multiple_fields(s: StatedMultiple, fine: MultipleFine) -> list[_Field]:
    # a multiple fine has no cap field: a cap the law states is missing from the frame
    fields = [_Field("min", s.min, to_decimal(fine.min)), _Field("max", s.max, to_decimal(fine.max))]
    if s.base_min is not None or fine.base_min is not None:  # the floor on the base (所需处置费用不足二十万元的…)
        fields.append(_Field("base_min", s.base_min, fine.base_min))
    return [*fields, _Field("cap", s.cap, None)] if s.cap is not None else fields


def _per_unit_fields(facts: dict[str, FactSpec]) -> Compare:
    def compare(s: StatedPerUnit, fine: PerUnitFine) -> list[_Field]:
        spec = facts.get(fine.per)
        kg = _FACT_MASS_UNITS.get(spec.unit or "") if spec is not None else None
        unit = [_Field("unit", s.unit / kg, fine.unit)] if kg is not None else []  # unknown measure: not compared
        cap = [_Field("cap", s.cap, fine.cap)] if s.cap is not None else []  # the cap may be stated elsewhere
        return [*unit, _Field("rate", s.rate, fine.rate), *cap]

    return compare


def _differing(fields: list[_Field]) -> list[_Field]:
    return [f for f in fields if f.quoted != f.encoded]


def _shares(fields: list[_Field]) -> bool:
    """The quoted amount and the fine agree on an amount other than the cap (same min, max, unit or rate)."""
    return any(f.quoted == f.encoded for f in fields if f.name != "cap")


def _pairs(
    stated: list[tuple[LawRef, FineStated]], encoded: list[Fine], compare: Compare
) -> Iterator[tuple[LawRef, FineStated, Fine, list[_Field]]]:
    """The pairing rule of the module docstring; yields the pairs that differ, with their differences."""
    quoted: dict[FineStated, LawRef] = {}
    for ref, s in stated:
        quoted.setdefault(s, ref)  # distinct amounts, each with its first citation
    rest_s = [s for s in quoted if all(_differing(compare(s, f)) for f in encoded)]
    rest_e = [f for f in encoded if all(_differing(compare(s, f)) for s in quoted)]
    if len(rest_s) == 1 and len(rest_e) == 1:
        s, f = rest_s[0], rest_e[0]
        yield quoted[s], s, f, _differing(compare(s, f))
        return
    for f in rest_e:
        close = [s for s in rest_s if _shares(compare(s, f))]
        if len(close) == 1 and sum(_shares(compare(close[0], g)) for g in rest_e) == 1:
            yield quoted[close[0]], close[0], f, _differing(compare(close[0], f))


def _texts(cv: CompiledVersion, j: int) -> tuple[LawRef, ...]:
    """The provisions branch ``j`` encodes: its own quoted basis, else the version's."""
    own = tuple(b for b in cv.branches[j][0].basis if isinstance(b, LawRef))
    return own or cv.version.basis


def discrepancies(rule: CompiledRule) -> list[Discrepancy]:
    """Each frame branch of each version whose fine differs from the amounts its quoted law states.

    Pure: reads the loaded rule only. One discrepancy per branch, at the line of its ``fine`` (of
    the field that differs, when the file has it). See the module docstring for the pairing rule.
    """
    out: list[Discrepancy] = []
    for cv in rule.versions:
        groups: dict[tuple[LawRef, ...], list[int]] = {}
        for j, (branch, _) in enumerate(cv.branches):
            if branch.fine is not None:
                groups.setdefault(_texts(cv, j), []).append(j)
        for refs, branches in groups.items():
            said = [(ref, s) for ref in refs for s in read_amounts(ref.text) if _is_fine(s)]
            # a tranche fine's "每吨…元" are rates of parts, not a per-unit fine: not paired (no false mismatch)
            fines = [
                f for j in branches if (f := cv.branches[j][0].fine) is not None and not isinstance(f, TrancheFine)
            ]
            forms: tuple[tuple[type, type, Compare], ...] = (
                (StatedRange, RangeFine, _range_fields),
                (StatedMultiple, MultipleFine, _multiple_fields),
                (StatedPerUnit, PerUnitFine, _per_unit_fields(rule.facts)),
            )
            for stated_type, fine_type, compare in forms:
                stated = [(ref, s) for ref, s in said if isinstance(s, stated_type)]
                encoded = list(dict.fromkeys(f for f in fines if isinstance(f, fine_type)))
                for ref, s, fine, diffs in _pairs(stated, encoded, compare):
                    for j in branches:
                        if cv.branches[j][0].fine == fine:
                            out.append(_discrepancy(rule, cv, j, ref, s, diffs))
    return out


def _show(value: Decimal | None) -> str:
    return "none" if value is None else dec_str(value)


def _discrepancy(
    rule: CompiledRule, cv: CompiledVersion, j: int, ref: LawRef, s: FineStated, diffs: list[_Field]
) -> Discrepancy:
    branch = cv.branches[j][0]
    parts = []
    for d in diffs:
        if d.name == "cap" and d.encoded is None and isinstance(branch.fine, MultipleFine):
            parts.append(f"the law caps the fine at {_show(d.quoted)}, which a multiple fine cannot encode")
        elif d.name == "cap" and d.encoded is None:
            parts.append(f"the law caps the fine at {_show(d.quoted)} but the frame has no 'cap'")
        else:
            parts.append(f"'{d.name}' is {_show(d.encoded)} where the law says {_show(d.quoted)}")
    message = (
        f"version {cv.version.key}: branch '{branch.id}' does not match {ref.citation} "
        f"('{s.words}'): {'; '.join(parts)}"
    )
    named = next((d.name for d in diffs if d.encoded is not None), None)
    loc: tuple[str | int, ...] = ("versions", cv.index, "frame", j, "fine", *((named,) if named else ()))
    return Discrepancy(rule.id, *at(rule.source, loc), message)
