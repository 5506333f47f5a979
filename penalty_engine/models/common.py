"""The building blocks of the pack and rule formats: frozen models, exact amounts and ratios, texts,
provisions quoted, facts and conditions (the rule format is ``rules.py``, the fines ``fines.py``)."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    WithJsonSchema,
    model_validator,
)

from ..errors import msg
from ..money import frac_str


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _ratio(value: Any) -> Fraction:
    if isinstance(value, bool):
        raise ValueError(msg("expected a number or a fraction like '1/3'"))
    if isinstance(value, (int, Decimal, Fraction)):
        return Fraction(value)
    if isinstance(value, str):
        try:
            return Fraction(value.strip())
        except (ValueError, ZeroDivisionError):
            pass
    raise ValueError(msg("expected a number or a fraction like '1/3', got {value!r}", value=value))


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
        raise ValueError(msg("expected an amount written as an integer, a decimal or a string"))
    try:
        d = Decimal(str(value).replace(",", "").strip()) if not isinstance(value, Decimal) else value
    except ArithmeticError:
        raise ValueError(msg("expected an amount, got {value!r}", value=value)) from None
    if not d.is_finite() or d < 0:
        raise ValueError(msg("expected a non-negative amount, got {value!r}", value=value))
    if d.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValueError(msg("amounts have at most two decimals (fen), got {value!r}", value=value))
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


class Prose(str):
    """A pack's own prose (an assumption, a benchmark's reason): its ``str`` value is the Chinese text,
    ``en`` its English twin (``None`` when the pack gives none; English output then shows the
    Chinese). Being a ``str``, it goes wherever a text goes; equal, hashed and sorted as its Chinese.
    """

    en: str | None

    def __new__(cls, zh: str, en: str | None = None) -> Prose:
        obj = super().__new__(cls, zh)
        obj.en = en
        return obj

    def __reduce__(self) -> tuple[Any, ...]:  # pickled with its English (replay workers)
        return (Prose, (str(self), self.en))

    @property
    def zh(self) -> str:
        return str(self)

    def get(self, lang: str) -> str:
        return self.en if lang == "en" and self.en is not None else str(self)

    def map(self, fn: Any) -> Prose:
        """``fn`` applied to both languages (``fn(text, lang)``)."""
        return Prose(fn(str(self), "zh"), None if self.en is None else fn(self.en, "en"))


def in_lang(text: str, lang: str) -> str:
    """``text`` in ``lang``: a ``Prose``'s English twin for ``en``, any other text as it is."""
    return text.get(lang) if isinstance(text, Prose) else text


def _prose(value: Any) -> Prose:
    if isinstance(value, Prose):
        return value
    if isinstance(value, str):
        return Prose(value)
    if isinstance(value, dict) and set(value) <= {"zh", "en"} and value:
        zh, en = value.get("zh"), value.get("en")
        if not isinstance(zh, (str, type(None))) or not isinstance(en, (str, type(None))):
            raise ValueError(msg("'zh' and 'en' are texts"))
        # {en: …} alone is loaded (showing the English) so that `penalty rules check` can say where
        # the Chinese is missing, with the rest of what it finds
        return Prose(zh if zh is not None else str(en), en)
    raise ValueError(msg("expected a text, or {shape}", shape="{zh: 中文, en: English}"))


def _prose_json(value: Prose) -> Any:
    return str(value) if value.en is None else {"zh": str(value), "en": value.en}


ProseText = Annotated[
    Prose,
    PlainValidator(_prose),
    PlainSerializer(_prose_json),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "description": "the Chinese text"},
                {
                    "type": "object",
                    "properties": {"zh": {"type": "string"}, "en": {"type": "string"}},
                    "required": ["zh"],
                    "additionalProperties": False,
                },
            ]
        }
    ),
]
"""A pack's prose: a plain text (Chinese) or ``{zh: …, en: …}``; ``zh`` is required (``penalty rules
check`` reports a text with no Chinese, with its file and line) and ``en`` optional."""


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


class OrderKind(StrEnum):
    """What an article orders besides its penalties (责令…, 收缴…): a duty of the agency, listed in the
    decision's ``duties`` under this stable kind (ADR 0017)."""

    order_correction = "order_correction"  # 责令改正 (行政处罚法 Art. 28, or the article's own words)
    order_stop_operation = "order_stop_operation"  # 责令停止经营
    order_stop_violation = "order_stop_violation"  # 责令停止违法行为
    order_stop_transport = "order_stop_transport"  # 责令停止运输
    order_stop_construction = "order_stop_construction"  # 责令停止建设
    collect_certificates = "collect_certificates"  # 收缴有关证件
    order_guardian_discipline = "order_guardian_discipline"  # 责令监护人加以管教 (Art. 30)
    order_guardian_care = "order_guardian_care"  # 责令其监护人严加看管和治疗 (Art. 31)


#: The orders that are the correction 行政处罚法 Art. 28 requires, in the form the article names: a
#: rule that declares one of them gets no separate Art. 28 责令改正 (ADR 0017).
CORRECTIONS = frozenset(
    {
        OrderKind.order_correction,
        OrderKind.order_stop_operation,
        OrderKind.order_stop_violation,
        OrderKind.order_stop_transport,
        OrderKind.order_stop_construction,
    }
)
#: The orders to a guardian: they belong to the general part (Art. 30, 31), not to a rule.
GUARDIAN_ORDERS = frozenset({OrderKind.order_guardian_discipline, OrderKind.order_guardian_care})


class Order(Frozen):
    """An order (or measure) the quoted provision names: ``{kind: order_stop_operation, basis: [...]}``."""

    kind: OrderKind
    basis: tuple[LawRef, ...] = Field(min_length=1, description="the provision that names the order, quoted verbatim")


def unique_orders(orders: tuple[Order, ...], where: str) -> None:
    """Each kind once in one list of orders."""
    kinds = [o.kind for o in orders]
    if len(set(kinds)) != len(kinds):
        raise ValueError(msg("{where}: each order kind once", where=where))


class Benchmark(Frozen):
    """A choice the authority makes in its benchmark, not in the law."""

    benchmark: ProseText = Field(description="what the authority decided and, where known, its source")

    def cite(self) -> str:
        return self.citation

    @cached_property
    def citation(self) -> Prose:
        """``裁量基准：…`` (English: ``Benchmark: …``)."""
        b = self.benchmark
        return Prose(f"裁量基准：{b}", None if b.en is None else f"Benchmark: {b.en}")


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
            raise ValueError(msg("an enum fact needs 'values'"))
        if self.type is not FactType.enum and self.values is not None:
            raise ValueError(msg("'values' is only for enum facts"))
        if self.type in (FactType.bool, FactType.enum) and (self.min is not None or self.max is not None):
            raise ValueError(msg("'min'/'max' are only for numeric facts"))
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(msg("'min' is larger than 'max'"))
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
