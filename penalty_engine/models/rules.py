"""The rule-file format: frozen pydantic models of one violation rule file (``pack.yaml`` is in ``pack.py``).

Everything read from a file is a frozen model with ``extra="forbid"``, so an unknown key is an
error with its file:line, and ``penalty rules schema`` exports the JSON Schema editors use for
autocompletion. The authoring guide (docs/rule-authoring.md) explains each field with examples.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PlainSerializer,
    SerializerFunctionWrapHandler,
    Tag,
    WithJsonSchema,
    model_serializer,
    model_validator,
)

from ..money import frac_str, is_terminating


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _ratio(value: Any) -> Fraction:
    if isinstance(value, bool):
        raise ValueError("expected a number or a fraction like '1/3'")
    if isinstance(value, (int, Decimal, Fraction)):
        return Fraction(value)
    if isinstance(value, str):
        try:
            return Fraction(value.strip())
        except (ValueError, ZeroDivisionError):
            pass
    raise ValueError(f"expected a number or a fraction like '1/3', got {value!r}")


Ratio = Annotated[
    Fraction,
    BeforeValidator(_ratio),
    PlainSerializer(frac_str, return_type=str),
    WithJsonSchema(
        {"anyOf": [{"type": "number"}, {"type": "string", "pattern": r"^\s*-?\d+(\.\d+)?(\s*/\s*\d+)?\s*$"}]}
    ),
]
"""An exact ratio written as a number (``0.2``) or a fraction (``"1/3"``)."""


def _amount(value: Any) -> Decimal:
    if isinstance(value, (bool, float)):
        raise ValueError("expected an amount written as an integer, a decimal or a string")
    try:
        d = Decimal(str(value).replace(",", "").strip()) if not isinstance(value, Decimal) else value
    except ArithmeticError:
        raise ValueError(f"expected an amount, got {value!r}") from None
    if not d.is_finite() or d < 0:
        raise ValueError(f"expected a non-negative amount, got {value!r}")
    if d.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValueError(f"amounts have at most two decimals (fen), got {value!r}")
    return d


Amount = Annotated[
    Decimal,
    BeforeValidator(_amount),
    PlainSerializer(lambda d: format(d, "f"), return_type=str),
    WithJsonSchema({"anyOf": [{"type": "number", "minimum": 0}, {"type": "string"}]}),
]
"""A non-negative amount of money in the pack's currency, at most two decimals."""


class Text(Frozen):
    """A text in Chinese and English."""

    zh: str
    en: str

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class LawRef(Frozen):
    """A provision the rule rests on, with its text quoted verbatim."""

    law: str = Field(description="short name of the law, e.g. 道路运输条例")
    article: int = Field(ge=1)
    paragraph: int | None = Field(default=None, ge=1, description="款")
    item: int | None = Field(default=None, ge=1, description="项")
    text: str = Field(description="the quoted text, verbatim")

    def cite(self) -> str:
        return self.citation

    @cached_property
    def citation(self) -> str:
        """The citation, e.g. ``道路运输条例 第六十三条第（一）项`` (computed once)."""
        out = f"{self.law} 第{cn_number(self.article)}条"
        if self.paragraph:
            out += f"第{cn_number(self.paragraph)}款"
        if self.item:
            out += f"第（{cn_number(self.item)}）项"
        return out


class Benchmark(Frozen):
    """A choice the authority makes in its benchmark, not in the law."""

    benchmark: str = Field(description="what the authority decided and, where known, its source")

    def cite(self) -> str:
        return self.citation

    @cached_property
    def citation(self) -> str:
        return f"裁量基准: {self.benchmark}"


Basis = LawRef | Benchmark


_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """Chinese numeral for article numbers: 63 → 六十三, 10 → 十, 105 → 一百零五."""
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _DIGITS[n // 10] + "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        head = _DIGITS[n // 100] + "百"
        if rest == 0:
            return head
        if rest < 10:
            return head + "零" + _DIGITS[rest]
        tail = cn_number(rest)
        return head + (tail if rest >= 20 else "一" + tail)
    return str(n)


class FactType(StrEnum):
    bool = "bool"
    int = "int"
    money = "money"
    number = "number"
    enum = "enum"


class FactSpec(Frozen):
    """One typed fact of a rule's fact schema (or of the pack's common facts)."""

    type: FactType
    label: Text
    unit: str | None = Field(default=None, description="unit shown to officers, e.g. kg, 元, 次")
    min: Decimal | None = None
    max: Decimal | None = None
    values: tuple[str, ...] | None = Field(default=None, description="allowed values, for type enum, in order")
    default: Any = Field(default=None, description="neutral default; a fact without one is required")
    direction: Literal["aggravating", "mitigating"] | None = Field(
        default=None,
        description="raising this fact (false→true, larger number, later enum value) aggravates or mitigates; "
        "the property checks hold the rule to it",
    )
    help: Text | None = None

    @model_validator(mode="after")
    def _consistent(self) -> FactSpec:
        if self.type is FactType.enum and not self.values:
            raise ValueError("an enum fact needs 'values'")
        if self.type is not FactType.enum and self.values is not None:
            raise ValueError("'values' is only for enum facts")
        if self.type in (FactType.bool, FactType.enum) and (self.min is not None or self.max is not None):
            raise ValueError("'min'/'max' are only for numeric facts")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("'min' is larger than 'max'")
        return self

    @property
    def required(self) -> bool:
        return self.default is None


class AllOf(Frozen):
    all: tuple[Condition, ...] = Field(min_length=1)


class AnyOf(Frozen):
    any: tuple[Condition, ...] = Field(min_length=1)


Condition = str | AllOf | AnyOf
"""A CEL expression, or an ``all:`` / ``any:`` list of conditions."""

AllOf.model_rebuild()
AnyOf.model_rebuild()


class SettingRef(Frozen):
    """Use the value of a named pack setting (which carries its own assumption)."""

    setting: str


class RangeFine(Frozen):
    """A fixed range: 处3000元以上1万元以下罚款 → ``{min: 3000, max: 10000}``."""

    min: Amount = Decimal(0)
    max: Amount

    @model_validator(mode="after")
    def _ordered(self) -> RangeFine:
        if self.min > self.max:
            raise ValueError("'min' is larger than 'max'")
        return self


class MultipleFine(Frozen):
    """A multiple of a money fact: 处违法所得1倍以上5倍以下 → ``{times: illegal_gain, min: 1, max: 5}``."""

    times: str = Field(description="the money fact multiplied")
    min: Ratio
    max: Ratio

    @model_validator(mode="after")
    def _ordered(self) -> MultipleFine:
        if self.min > self.max or self.min < 0:
            raise ValueError("need 0 <= 'min' <= 'max'")
        if not (is_terminating(self.min) and is_terminating(self.max)):
            raise ValueError("multiples are decimal numbers such as 1, 2 or 0.5 (a statutory range must be exact)")
        return self


class PartialCount(StrEnum):
    """How a part of a unit counts in a per-unit formula."""

    up = "up"  # a started unit counts as a whole unit
    down = "down"  # only whole units count
    half_up = "half_up"  # half a unit or more counts as a unit
    exact = "exact"  # pro rata


class PerUnitFine(Frozen):
    """A per-unit formula with a cap: 每超1000千克罚款500元，最高不得超过30000元 →
    ``{per: excess_mass_kg, unit: 1000, rate: 500, cap: 30000, partial: ...}``."""

    per: str = Field(description="the numeric fact counted")
    unit: Decimal = Field(gt=0)
    rate: Amount
    cap: Amount | None = None
    partial: PartialCount | SettingRef = Field(description="how a part of a unit counts, or a pack setting")


class EdgeMultiple(Frozen):
    """A tranche edge that is a multiple of a numeric fact: 最高限值的百分之一百二十 →
    ``{times: 1.2, of: mass_limit_kg}`` (exact: the multiple is a finite decimal)."""

    times: Ratio = Field(ge=0)
    of: str = Field(description="the numeric fact multiplied")

    @model_validator(mode="after")
    def _finite(self) -> EdgeMultiple:
        if not is_terminating(self.times):
            raise ValueError("an edge multiple is a decimal number such as 1.2 or 1.5")
        return self


def _edge_kind(value: Any) -> str:
    return "edge_multiple" if isinstance(value, (dict, EdgeMultiple)) else "edge_number"


Edge = Annotated[
    Annotated[Decimal, Field(ge=0), Tag("edge_number")] | Annotated[EdgeMultiple, Tag("edge_multiple")],
    Discriminator(_edge_kind),
]
"""A tranche edge: a number in the counted fact's unit, or a multiple of a fact."""


def _edge_key(edge: Edge) -> tuple[str, Fraction]:
    """The edge as (the fact it multiplies, or "" for a number; the number or multiple)."""
    if isinstance(edge, EdgeMultiple):
        return edge.of, edge.times
    return "", Fraction(edge)


class Tranche(Frozen):
    """One tranche: the part of the counted fact above ``above`` and up to ``up_to`` (no upper
    edge when absent), at ``rate`` per unit: 对百分之二十以上百分之五十以下的部分，处每吨三百元罚款 →
    ``{above: {times: 1.2, of: limit}, up_to: {times: 1.5, of: limit}, rate: 300}``."""

    above: Edge
    up_to: Edge | None = None
    rate: Amount


class TrancheFine(Frozen):
    """A fine summed over tranches of a numeric fact, each part counted per unit at its own rate,
    with an optional cap (浙江省公路条例 Art. 53: 对百分之二十以上百分之五十以下的部分，处每吨三百元罚款；
    对超过百分之五十的部分，处每吨五百元罚款。最高不得超过三万元) →
    ``{parts_of: gross_mass_kg, unit: 1000, tranches: [...], cap: 30000, partial: ...}``.

    The edges of one fine are all numbers or all multiples of one fact, so that their order is
    known at load: each tranche ends above where it starts, and none starts below the end of the
    one before it (gaps are allowed; a part in a gap is not fined)."""

    parts_of: str = Field(description="the numeric fact whose parts the tranches count")
    unit: Decimal = Field(gt=0, description="the unit each rate is per, in the fact's unit (每吨 of kg: 1000)")
    tranches: tuple[Tranche, ...] = Field(min_length=1)
    cap: Amount | None = None
    partial: PartialCount | SettingRef = Field(description="how a part of a unit counts, or a pack setting")

    @model_validator(mode="after")
    def _ordered(self) -> TrancheFine:
        edges = [e for t in self.tranches for e in (t.above, t.up_to) if e is not None]
        if len({_edge_key(e)[0] for e in edges}) > 1:
            raise ValueError(
                "tranche edges must be all numbers or all multiples of one fact, so that their order is known"
            )
        previous: Fraction | None = None
        for n, t in enumerate(self.tranches, start=1):
            lo = _edge_key(t.above)[1]
            if previous is not None and lo < previous:
                raise ValueError(f"tranche {n} starts below the end of tranche {n - 1}: tranches overlap")
            if t.up_to is None:
                if n != len(self.tranches):
                    raise ValueError(f"tranche {n} has no 'up_to' but is not the last tranche")
                continue
            previous = _edge_key(t.up_to)[1]
            if previous <= lo:
                raise ValueError(f"tranche {n} ends at or below where it starts ('up_to' <= 'above')")
        return self


def _fine_kind(value: Any) -> str:
    keys = set(value) if isinstance(value, dict) else set(type(value).model_fields)
    if "tranches" in keys:
        return "tranche_fine"
    if "times" in keys:
        return "multiple"
    if "per" in keys:
        return "per_unit"
    return "range"


FineSpec = Annotated[
    Annotated[RangeFine, Tag("range")]
    | Annotated[MultipleFine, Tag("multiple")]
    | Annotated[PerUnitFine, Tag("per_unit")]
    | Annotated[TrancheFine, Tag("tranche_fine")],
    Discriminator(_fine_kind),
]


class PenaltyKind(StrEnum):
    """Kinds of penalty of 行政处罚法 Art. 9."""

    warning = "warning"
    fine = "fine"
    confiscation = "confiscation"
    confiscation_property = "confiscation_property"
    suspension = "suspension"
    revocation = "revocation"
    qualification_downgrade = "qualification_downgrade"
    closure = "closure"
    practice_restriction = "practice_restriction"
    detention = "detention"


class OtherPenalty(Frozen):
    """A penalty without an amount computed by the engine (warning, revocation, …)."""

    kind: PenaltyKind
    object: Text | None = Field(default=None, description="what is suspended or revoked, e.g. 车辆营运证")


class BranchNoPenalty(Frozen):
    """A statutory branch that gives no penalty: 给予批评教育，可以不予处罚 →
    ``{optional: true, education: true}``. The engine decides no penalty, with the education duty
    when asked; ``optional`` says the law's words are 可以不予处罚 (the branch still sets no penalty
    to give) rather than 不予处罚."""

    optional: bool = Field(description="true: 可以不予处罚 (the law's option); false: 不予处罚")
    education: bool = Field(default=False, description="the branch asks for education (批评教育)")


class Branch(Frozen):
    """One statutory branch of the frame; the first whose condition holds applies."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    when: Condition | None = Field(default=None, description="absent: always (the last branch)")
    label: Text | None = None
    fine: FineSpec | None = None
    confiscate: tuple[str, ...] = Field(default=(), description="money facts confiscated in full (没收违法所得)")
    also: tuple[OtherPenalty, ...] = Field(default=(), description="other penalty kinds, e.g. warning")
    basis: tuple[Basis, ...] = Field(default=(), description="the item of the article this branch encodes")
    no_penalty: BranchNoPenalty | None = Field(
        default=None, description="the branch gives no penalty (e.g. 给予批评教育，可以不予处罚); no other penalty key"
    )

    @model_serializer(mode="wrap")
    def _dump(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """Without ``no_penalty`` when absent: the dump (and so the fingerprint) of every branch
        written before the field existed stays as it was."""
        data: dict[str, Any] = handler(self)
        if self.no_penalty is None:
            data.pop("no_penalty", None)
        return data

    @model_validator(mode="after")
    def _some_penalty(self) -> Branch:
        if self.no_penalty is not None:
            if self.fine is not None or self.confiscate or self.also:
                raise ValueError("a branch with 'no_penalty' has no 'fine', 'confiscate' or 'also'")
            return self
        if self.fine is None and not self.confiscate and not self.also:
            raise ValueError("a branch needs a 'fine', 'confiscate' or 'also' penalty (or 'no_penalty')")
        if any(p.kind in (PenaltyKind.fine, PenaltyKind.confiscation) for p in self.also):
            raise ValueError("fines and confiscation are given with 'fine' and 'confiscate', not 'also'")
        return self


TierName = Literal["lighter", "standard", "heavier"]


class Band(Frozen):
    """Fractions of the statutory range that bound a tier, lower and upper.

    Fractions above 1 load (evaluation keeps every band inside the range) but ``rules check``
    reports them as ``band_outside_range``.
    """

    lower: Ratio = Field(ge=0)
    upper: Ratio = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Band:
        if self.lower > self.upper:
            raise ValueError("'lower' is larger than 'upper'")
        return self


class Tier(Frozen):
    """A benchmark tier; the first whose condition holds applies."""

    tier: TierName
    when: Condition | None = None
    label: Text | None = None
    band: Band | None = Field(default=None, description="override of the pack's tier scheme for this tier")
    basis: tuple[Basis, ...] = ()


class AmountBand(Frozen):
    """A band of amounts exactly as a published table prints it: 处3万元以上5万元以下罚款 →
    ``{min: 30000, max: 50000}``; 处3万元罚款 → ``{fixed: 30000}``. The edges are never rounded."""

    min: Amount | None = None
    max: Amount | None = None
    fixed: Amount | None = None

    @model_validator(mode="after")
    def _one_form(self) -> AmountBand:
        if self.fixed is not None:
            if self.min is not None or self.max is not None:
                raise ValueError("give either 'fixed' or 'min' and 'max', not both")
            return self
        if self.min is None or self.max is None:
            raise ValueError("an amount band needs 'min' and 'max' (or 'fixed')")
        if self.min > self.max:
            raise ValueError(f"'min' ({self.min}) is larger than 'max' ({self.max})")
        return self

    @property
    def edges(self) -> tuple[Decimal, Decimal]:
        """The lower and upper edge (equal for a fixed amount)."""
        if self.fixed is not None:
            return self.fixed, self.fixed
        assert self.min is not None and self.max is not None
        return self.min, self.max


class MultipleBand(Frozen):
    """Multiples of the branch's base (the fact its ``times`` fine multiplies), exactly as a table
    prints them: 处违法所得2倍以上4倍以下的罚款 → ``{min_times: 2, max_times: 4}``; 处违法所得2倍的罚款 →
    ``{times: 2}``. The edges (base × multiple) are exact and never rounded."""

    min_times: Ratio | None = None
    max_times: Ratio | None = None
    times: Ratio | None = None

    @model_validator(mode="after")
    def _one_form(self) -> MultipleBand:
        given = [r for r in (self.min_times, self.max_times, self.times) if r is not None]
        if not all(is_terminating(r) and r >= 0 for r in given):
            raise ValueError("multiples are non-negative decimal numbers such as 2 or 0.5")
        if self.times is not None:
            if self.min_times is not None or self.max_times is not None:
                raise ValueError("give either 'times' or 'min_times' and 'max_times', not both")
            return self
        if self.min_times is None or self.max_times is None:
            raise ValueError("a multiple band needs 'min_times' and 'max_times' (or 'times')")
        if self.min_times > self.max_times:
            raise ValueError(f"'min_times' ({self.min_times}) is larger than 'max_times' ({self.max_times})")
        return self

    @property
    def multiples(self) -> tuple[Fraction, Fraction]:
        """The lower and upper multiple (equal for a fixed multiple)."""
        if self.times is not None:
            return self.times, self.times
        assert self.min_times is not None and self.max_times is not None
        return self.min_times, self.max_times


def _band_kind(value: Any) -> str:
    keys = set(value) if isinstance(value, dict) else set(type(value).model_fields)
    if keys & {"min_times", "max_times", "times"}:
        return "multiple"
    if keys & {"lower", "upper"}:
        return "fraction"
    return "amount"


LevelBand = Annotated[
    Annotated[Band, Tag("fraction")] | Annotated[AmountBand, Tag("amount")] | Annotated[MultipleBand, Tag("multiple")],
    Discriminator(_band_kind),
]
"""The band of a level for one statutory branch: fractions of the statutory range (``{lower, upper}``,
as the tier scheme; inner edges rounded, ADR 0002), amounts, or multiples of the branch's base."""

EVERY_BRANCH = "*"


class Level(Frozen):
    """A named level (阶次) of a published benchmark table: its circumstances, the machine tier it
    maps to, and its band for each statutory branch (ADR 0010).

    ``bands`` is keyed by branch id; ``"*"`` stands for every branch not named. The first level
    whose ``when`` holds applies; only the last level may omit ``when``. ``point: false`` says the
    table gives a range and no amount: the decision then reports the band with no recommended fine.
    """

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: Text = Field(description="the level's name as the table prints it, e.g. 一般 / 较重 / 严重")
    tier: TierName = Field(description="the machine tier the level counts as (mandatory mitigation, check, replay)")
    when: Condition | None = None
    bands: dict[str, LevelBand] = Field(default_factory=dict, description="per branch id, or '*' for every other")
    start: Ratio | None = Field(default=None, ge=0, le=1, description="start position inside the band")
    point: bool = Field(default=True, description="false: the table gives a range only, no recommended amount")
    basis: tuple[Basis, ...] = ()

    def band_for(self, branch: str) -> Band | AmountBand | MultipleBand | None:
        """The level's band for the statutory branch ``branch`` (its own entry, else ``"*"``)."""
        return self.bands.get(branch) or self.bands.get(EVERY_BRANCH)


class Factor(Frozen):
    """An aggravating or mitigating circumstance that moves the fine inside the band."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    effect: Literal["aggravating", "mitigating"]
    when: Condition
    weight: Ratio = Field(gt=0, le=1, description="fraction of the band's width")
    label: Text
    basis: tuple[Basis, ...] = Field(min_length=1)


class Assumption(Frozen):
    """An assumption that matters only for some cases: listed in a decision when ``when`` holds."""

    text: str
    when: Condition


class RuleVersion(Frozen):
    """The rule as in force between two dates (both inclusive; ``effective_to`` open when absent)."""

    effective_from: dt.date
    effective_to: dt.date | None = None
    basis: tuple[LawRef, ...] = Field(min_length=1)
    assumptions: tuple[str | Assumption, ...] = Field(
        default=(), description="what the sources do not settle; a plain text applies to every case of the version"
    )
    frame: tuple[Branch, ...] = Field(min_length=1)
    tiers: tuple[Tier, ...] = ()
    levels: tuple[Level, ...] = Field(default=(), description="named levels of a published table (instead of tiers)")
    factors: tuple[Factor, ...] = ()
    start: Ratio | None = Field(default=None, ge=0, le=1, description="start position inside the band")

    @model_validator(mode="after")
    def _check(self) -> RuleVersion:
        if self.effective_to is not None and self.effective_to < self.effective_from:
            raise ValueError("'effective_to' is before 'effective_from'")
        ids = [b.id for b in self.frame]
        if len(set(ids)) != len(ids):
            raise ValueError("frame branch ids must be unique")
        fids = [f.id for f in self.factors]
        if len(set(fids)) != len(fids):
            raise ValueError("factor ids must be unique")
        if self.levels and self.tiers:
            raise ValueError("give 'levels' or 'tiers', not both")
        lids = [lv.id for lv in self.levels]
        if len(set(lids)) != len(lids):
            raise ValueError("level ids must be unique")
        for lv in self.levels[:-1]:
            if lv.when is None:
                raise ValueError(f"level '{lv.id}' has no 'when' but is not the last level")
        return self

    @property
    def key(self) -> str:
        return self.effective_from.isoformat()

    def in_force(self, day: dt.date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)


class SpecialProvision(Frozen):
    """A law that sets a general-part provision aside for this violation (法律另有规定的除外)."""

    sets_aside: str = Field(description="id of the general provision, or 'limitation'")
    basis: tuple[LawRef, ...] = Field(min_length=1)


class Rule(Frozen):
    """One violation type: its fact schema and its versions over time."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: Text
    facts: dict[str, FactSpec] = Field(default_factory=dict)
    versions: tuple[RuleVersion, ...] = Field(min_length=1)
    life_health_or_financial_safety: bool = Field(
        default=False,
        description="the violation touches life-and-health or financial security (行政处罚法 Art. 36: five years "
        "of limitation when it had harmful consequences)",
    )
    special_provisions: tuple[SpecialProvision, ...] = ()
    notes: Text | None = None
