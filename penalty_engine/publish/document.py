"""Publishing a rule pack as the public benchmark document (行政处罚法 Art. 34).

``publish(pack, fmt, lang)`` loads and compiles a pack (a pack with errors is not published),
builds a plain view of it here, and lays that view out with one of two jinja2 templates:
``publish.html.j2`` (one self-contained, printable HTML file: inline CSS, no external resource,
autoescaped) or ``publish.md.j2`` (the same content in Markdown).

The document gives the pack's identity, the general part with every provision quoted, the tier
scheme and rounding, then each rule and version: provisions quoted, dates, statutory branches,
tiers (with band amounts for fixed ranges, computed exactly as the engine does), factors; and at
the end a register of every assumption of the pack, each marked as an assumption, not law.
Output is deterministic: no date or clock is read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..__about__ import __version__
from ..models import (
    AllOf,
    AnyOf,
    Basis,
    Benchmark,
    Branch,
    Condition,
    Effect,
    FactSpec,
    FactType,
    LawRef,
    MultipleFine,
    Pack,
    PartialCount,
    PerUnitFine,
    RangeFine,
    RuleVersion,
    SettingRef,
    Tier,
)
from ..money import band_edge, dec_str, frac_str
from ..pack import CompiledRule, compile_pack, load_pack_files
from ..render import LABELS as DECISION_LABELS
from ..render import environment

FORMATS = ("html", "markdown")

_env = environment("penalty_engine.publish")

LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "doc": "行政处罚裁量基准",
        "published_under": "依据《中华人民共和国行政处罚法》第三十四条向社会公开",
        "notice": "标有“假设”的内容，是本基准就法律、法规、规章未作明确规定的事项所作的假定，不是法律规定；"
        "全部假设在文末“假设清单”中逐条列出。",
        "contents": "目录",
        "identity": "基准信息",
        "pack_id": "基准编号",
        "version": "基准版本",
        "jurisdiction": "适用地域",
        "authority": "实施机关",
        "currency": "货币",
        "rule_count": "违法行为数",
        "engine": "生成工具",
        "general": "总则：行政处罚法的一般规定",
        "precedence": "适用顺序",
        "precedence_text": "追责时效 → 依法不予处罚 → 法定处罚情形 → 裁量档次 → 应当从轻或者减轻的，档次至多为从轻"
        " → 裁量因素 → 限定在区间内 → 取整",
        "provisions": "一般规定",
        "effect": "效果",
        "condition": "条件",
        "basis": "依据",
        "education": "不予处罚时应当对当事人进行教育",
        "recommend_for": "对名单“{name}”所列违法行为建议不予处罚",
        "lists": "名单",
        "list_rules": "所列违法行为",
        "list_empty": "（空）",
        "below_minimum": "减轻处罚（低于法定最低罚款）",
        "below_minimum_text": "罚款在法定最低罚款的 {lower} 至 {upper}（不含）之间确定，取该区间内的裁量起点；"
        "减轻处罚须经集体讨论。",
        "limitation": "追责时效",
        "limitation_text": "违法行为在 {years} 年内未被发现的，不再给予行政处罚；"
        "涉及公民生命健康安全、金融安全且有危害后果的，期限为 {extended} 年。",
        "hearing": "听证：较大数额",
        "party": "当事人",
        "individual": "个人",
        "organization": "单位",
        "threshold": "较大数额",
        "inclusive_yes": "本数以上（含本数）",
        "inclusive_no": "超过本数",
        "effective": "施行期间",
        "hearing_kinds": "降低资质等级、吊销许可证件、责令停产停业、责令关闭、限制从业，一律告知听证权利。",
        "legal_review_with_hearing": "法制审核与听证",
        "legal_review_yes": "凡应告知听证权利的决定，均进行法制审核。",
        "legal_review_no": "告知听证权利的决定不当然进行法制审核。",
        "other_bases": "其他程序依据",
        "hearing_basis": "听证",
        "collective_discussion_basis": "集体讨论",
        "education_basis": "教育",
        "legal_review_basis": "法制审核",
        "lenient_law_basis": "从旧兼从轻",
        "scheme": "裁量档次、起点与取整",
        "tier_scheme": "档次区间（法定幅度的比例，0 = 最低额，1 = 最高额）",
        "tier": "档次",
        "band": "区间",
        "band_amounts": "区间金额",
        "boundaries": "“以上”“以下”的含义",
        "above": "以上",
        "below": "以下",
        "inclusive": "含本数",
        "exclusive": "不含本数",
        "rounding": "罚款取整",
        "rounding_text": "罚款取 {unit} {currency} 的整数倍，方式：{mode}；取整不超出区间和法定幅度；没收金额不取整。",
        "factor_start": "裁量起点",
        "factor_start_text": "无裁量因素时，建议罚款位于区间的 {start} 处；"
        "从重因素加上其权重，从轻因素减去其权重（均为区间宽度的比例），结果限定在 0 至 1 之间。",
        "settings": "设定",
        "setting_value": "取值",
        "common_facts": "各违法行为通用的事实",
        "facts": "事实",
        "fact": "事实",
        "label": "名称",
        "type": "类型",
        "unit": "单位",
        "bounds": "范围／取值",
        "default": "默认值",
        "required": "必填",
        "rules": "各违法行为的裁量基准",
        "rule_id": "编号",
        "notes": "说明",
        "life_health": "涉及公民生命健康安全、金融安全（有危害后果的，追责时效为五年）",
        "special_provisions": "特别规定（排除一般规定）",
        "sets_aside": "排除",
        "versions": "版本",
        "version_from": "自 {start} 起施行",
        "version_span": "{start} 至 {end}",
        "version_open": "{start} 起，现行有效",
        "provision_quoted": "法律依据",
        "frame": "法定处罚情形（依次判断，适用第一个条件成立的情形）",
        "branch": "情形",
        "always": "其他情形",
        "fine": "罚款",
        "other_penalties": "其他处罚",
        "own_basis": "本情形依据",
        "fixed_note": "罚款由公式确定，裁量档次和裁量因素不适用。",
        "no_range": "本版本各情形均无罚款幅度，裁量档次和裁量因素不适用。",
        "multiple_note": "区间金额随{label}确定。",
        "tiers": "裁量档次（依次判断，适用第一个条件成立的档次）",
        "no_tiers": "本版本未设档次：一律适用一般档次。",
        "pack_band": "基准默认",
        "own_band": "本规则特别规定",
        "factors": "裁量因素",
        "factor": "因素",
        "weight": "权重",
        "start": "裁量起点",
        "start_rule": "本版本的裁量起点：区间的 {start} 处。",
        "start_pack": "裁量起点：区间的 {start} 处（基准默认）。",
        "no_factors": "本版本未设裁量因素。",
        "assumption": "假设",
        "assumption_long": "假设（非法律规定）",
        "assumptions": "本版本的假设",
        "register": "假设清单",
        "register_intro": "以下每一项都是本基准的假设，不是法律规定。有适用条件的假设，仅在条件成立的案件中适用。",
        "where": "所属",
        "applies_when": "适用条件",
        "every_case": "适用于所有案件",
        "scope_pack": "基准",
        "scope_rule": "违法行为 {rule}，版本 {version}",
        "benchmark": "裁量基准（本机关的选择，非法律规定）",
        "cel": "条件表达式",
        "none": "无",
        "until_now": "至今",
        "of_minimum": "法定最低罚款的",
        "aggravating": "从重",
        "mitigating": "从轻",
        "lighter": "从轻",
        "standard": "一般",
        "heavier": "从重",
        "no_penalty_effect": "不予行政处罚（法定）",
        "may_no_penalty_effect": "可以不予行政处罚（作为可选处理提示）",
        "mitigate_effect": "应当从轻或者减轻：档次至多为从轻，并提示减轻处罚",
        "may_mitigate_effect": "可以从轻或者减轻（作为可选处理提示）",
        "half_up": "四舍五入",
        "half_even": "四舍六入五成双",
        "down": "向下取整",
        "up": "向上取整",
        "yes": "是",
        "no": "否",
    },
    "en": {
        "doc": "Administrative-penalty discretion benchmark",
        "published_under": "Published under Art. 34 of the Administrative Penalty Law of the PRC",
        "notice": "Items marked “Assumption” are this benchmark's own readings where laws, regulations and rules "
        "do not settle a point; they are not law. The register at the end lists every one of them.",
        "contents": "Contents",
        "identity": "Identity",
        "pack_id": "Pack id",
        "version": "Version",
        "jurisdiction": "Jurisdiction",
        "authority": "Authority",
        "currency": "Currency",
        "rule_count": "Violations covered",
        "engine": "Produced with",
        "general": "General part: principles of the Administrative Penalty Law",
        "precedence": "Order of application",
        "precedence_text": "limitation → mandatory no penalty → statutory branch → benchmark tier → mandatory "
        "mitigation caps the tier at lighter → factors → kept inside the band → rounding",
        "provisions": "General provisions",
        "effect": "Effect",
        "condition": "Condition",
        "basis": "Basis",
        "education": "a no-penalty decision under it brings the duty to educate the party",
        "recommend_for": "no penalty is recommended for the rules on the list “{name}”",
        "lists": "Lists",
        "list_rules": "Rules listed",
        "list_empty": "(empty)",
        "below_minimum": "Fines below the statutory minimum (减轻)",
        "below_minimum_text": "The fine is set between {lower} and {upper} (exclusive) of the statutory minimum, "
        "at the start position of that band; a fine below the minimum always needs collective discussion.",
        "limitation": "Limitation",
        "limitation_text": "An act not discovered within {years} years is no longer punished; {extended} years "
        "where it touches life-and-health or financial security and had harmful consequences.",
        "hearing": "Hearing: large amounts (较大数额)",
        "party": "Party",
        "individual": "individual",
        "organization": "organization",
        "threshold": "Threshold",
        "inclusive_yes": "this amount or more",
        "inclusive_no": "more than this amount",
        "effective": "In force",
        "hearing_kinds": "Qualification downgrade, revocation, suspension, closure and practice restriction always "
        "bring the notice of the right to a hearing.",
        "legal_review_with_hearing": "Legal review with a hearing notice",
        "legal_review_yes": "Every decision that brings a hearing notice also goes to legal review.",
        "legal_review_no": "A hearing notice does not by itself bring legal review.",
        "other_bases": "Other procedural provisions",
        "hearing_basis": "Hearing",
        "collective_discussion_basis": "Collective discussion",
        "education_basis": "Education",
        "legal_review_basis": "Legal review",
        "lenient_law_basis": "Lenient new law",
        "scheme": "Tiers, start position and rounding",
        "tier_scheme": "Tier bands (fractions of the statutory range: 0 = minimum, 1 = maximum)",
        "tier": "Tier",
        "band": "Band",
        "band_amounts": "Band amounts",
        "boundaries": "Reading of 以上 and 以下",
        "above": "以上 (the minimum)",
        "below": "以下 (the maximum)",
        "inclusive": "includes the number",
        "exclusive": "excludes the number",
        "rounding": "Rounding of fines",
        "rounding_text": "Fines are multiples of {unit} {currency}, rounded {mode}, never out of the band or "
        "the statutory range; confiscated amounts are exact.",
        "factor_start": "Start position",
        "factor_start_text": "With no factor the recommendation sits at {start} of the band; aggravating factors "
        "add their weight, mitigating ones subtract it (fractions of the band's width), kept within 0 to 1.",
        "settings": "Settings",
        "setting_value": "value",
        "common_facts": "Facts common to every rule",
        "facts": "Facts",
        "fact": "Fact",
        "label": "Label",
        "type": "Type",
        "unit": "Unit",
        "bounds": "Bounds / values",
        "default": "Default",
        "required": "required",
        "rules": "Rules",
        "rule_id": "Id",
        "notes": "Notes",
        "life_health": "touches life-and-health or financial security (five years of limitation with harmful "
        "consequences)",
        "special_provisions": "Special provisions (setting the general part aside)",
        "sets_aside": "sets aside",
        "versions": "Versions",
        "version_from": "in force from {start}",
        "version_span": "{start} to {end}",
        "version_open": "from {start}, in force",
        "provision_quoted": "Provisions",
        "frame": "Statutory branches (tried in order; the first whose condition holds applies)",
        "branch": "Branch",
        "always": "all other cases",
        "fine": "Fine",
        "other_penalties": "Other penalties",
        "own_basis": "Basis of this branch",
        "fixed_note": "The formula fixes the fine: tiers and factors do not apply.",
        "no_range": "No branch of this version has a range of fines: tiers and factors do not apply.",
        "multiple_note": "Band amounts follow from the {label}.",
        "tiers": "Tiers (tried in order; the first whose condition holds applies)",
        "no_tiers": "This version has no tiers: every case is in the standard tier.",
        "pack_band": "pack default",
        "own_band": "set by this rule",
        "factors": "Factors",
        "factor": "Factor",
        "weight": "Weight",
        "start": "Start position",
        "start_rule": "Start position of this version: {start} of the band.",
        "start_pack": "Start position: {start} of the band (pack default).",
        "no_factors": "This version has no factors.",
        "assumption": "Assumption",
        "assumption_long": "Assumption (not law)",
        "assumptions": "Assumptions of this version",
        "register": "Register of assumptions",
        "register_intro": "Every item below is an assumption of this benchmark, not law. An assumption with a "
        "condition applies only to the cases where the condition holds.",
        "where": "Where",
        "applies_when": "Applies when",
        "every_case": "every case",
        "scope_pack": "Pack",
        "scope_rule": "Rule {rule}, version {version}",
        "benchmark": "Benchmark (the authority's own choice, not law)",
        "cel": "expression",
        "none": "none",
        "until_now": "until further notice",
        "of_minimum": "of the statutory minimum",
        "aggravating": "aggravating",
        "mitigating": "mitigating",
        "lighter": "lighter (从轻)",
        "standard": "standard (一般)",
        "heavier": "heavier (从重)",
        "no_penalty_effect": "no penalty (mandatory)",
        "may_no_penalty_effect": "may be exempted (offered as an option)",
        "mitigate_effect": "must be lighter or below the minimum: tier at most lighter; a fine below the minimum "
        "is offered",
        "may_mitigate_effect": "may be lighter or below the minimum (offered as options)",
        "half_up": "half up",
        "half_even": "half to even",
        "down": "down",
        "up": "up",
        "yes": "yes",
        "no": "no",
    },
}

_PARTIAL = {
    "zh": {
        PartialCount.up: "不足一个计量单位的部分按一个单位计",
        PartialCount.down: "不足一个计量单位的部分不计",
        PartialCount.half_up: "不足一个计量单位的部分，达到半个单位的按一个单位计",
        PartialCount.exact: "不足一个计量单位的部分按比例计",
    },
    "en": {
        PartialCount.up: "a started unit counts as a whole unit",
        PartialCount.down: "only whole units count",
        PartialCount.half_up: "half a unit or more counts as a unit",
        PartialCount.exact: "a part of a unit counts pro rata",
    },
}


def labels(lang: str) -> Callable[[str], str]:
    """A lookup of this module's labels, then the decision labels (penalty kinds), then the key itself."""
    own = LABELS["zh" if lang == "zh" else "en"]
    decision = DECISION_LABELS["zh" if lang == "zh" else "en"]
    return lambda key: own.get(key) or decision.get(key) or key


# ---------------------------------------------------------------- view model


@dataclass(frozen=True)
class Cond:
    """A condition: in words where it is simple, always with its CEL text."""

    words: str | None
    cel: str


@dataclass(frozen=True)
class Quote:
    """A basis item: a provision with its quoted text, or a benchmark choice (``text`` is None)."""

    citation: str
    text: str | None
    benchmark: str | None = None


@dataclass(frozen=True)
class AssumptionEntry:
    number: int
    scope: str
    topic: str
    text: str
    when: Cond | None = None

    @property
    def anchor(self) -> str:
        return f"a{self.number}"

    @property
    def tag(self) -> str:
        return f"A{self.number}"


@dataclass(frozen=True)
class FactRow:
    name: str
    label: str
    type: str
    unit: str
    bounds: str
    default: str
    direction: str


@dataclass(frozen=True)
class BandAmounts:
    branch: str
    min: str
    max: str


@dataclass(frozen=True)
class TierRow:
    tier: str
    label: str | None
    when: Cond | None
    lower: str
    upper: str
    own_band: bool
    basis: list[Quote]
    amounts: list[BandAmounts]


@dataclass(frozen=True)
class BranchRow:
    id: str
    kind: str | None  # range | multiple | per_unit | None (no fine)
    label: str | None
    when: Cond | None
    fine: str | None
    note: str | None
    confiscate: list[str]
    also: list[str]
    basis: list[Quote]


@dataclass(frozen=True)
class FactorRow:
    id: str
    label: str
    effect: str
    weight: str
    when: Cond
    basis: list[Quote]


@dataclass(frozen=True)
class VersionView:
    key: str
    span: str
    basis: list[Quote]
    branches: list[BranchRow]
    tiers: list[TierRow]
    implied_tier: bool
    tiers_apply: bool  # some branch has a range or a multiple (per-unit fines are fixed)
    factors: list[FactorRow]
    start: str
    assumptions: list[AssumptionEntry]


@dataclass(frozen=True)
class RuleView:
    id: str
    full_id: str
    title: str
    other_title: str
    anchor: str
    facts: list[FactRow]
    notes: str | None
    life_health: bool
    special_provisions: list[tuple[str, list[Quote]]]
    versions: list[VersionView]


@dataclass
class _Register:
    entries: list[AssumptionEntry] = field(default_factory=list)

    def add(self, scope: str, topic: str, text: str | None, when: Cond | None = None) -> AssumptionEntry | None:
        if not text:
            return None
        entry = AssumptionEntry(len(self.entries) + 1, scope, topic, " ".join(text.split()), when)
        self.entries.append(entry)
        return entry


# ---------------------------------------------------------------- conditions in words

_IDENT = r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?"
_LITERAL = r'-?\d+(?:\.\d+)?|"[^"\\]*"|true|false'
_RE_BOOL = re.compile(rf"^\s*(!?)\s*({_IDENT})\s*$")
_RE_CMP = re.compile(rf"^\s*({_IDENT})\s*(==|!=|>=|<=|>|<)\s*({_LITERAL})\s*$")
_RE_IN = re.compile(rf"^\s*({_IDENT})\s+in\s+\[\s*((?:{_LITERAL})(?:\s*,\s*(?:{_LITERAL}))*)\s*\]\s*$")
_OPS = {
    "zh": {">": "超过", ">=": "不少于", "<": "不足", "<=": "不超过", "==": "为", "!=": "不为"},
    "en": {">": "is over", ">=": "is at least", "<": "is under", "<=": "is at most", "==": "is", "!=": "is not"},
}


class _Words:
    def __init__(self, facts: dict[str, FactSpec], lang: str, currency: str) -> None:
        self.facts = facts
        self.lang = "zh" if lang == "zh" else "en"
        self.currency = currency

    def label(self, name: str) -> str | None:
        if name == "party.age":
            return "当事人年龄" if self.lang == "zh" else "the party's age"
        spec = self.facts.get(name)
        return spec.label.get(self.lang) if spec else None

    def unit(self, name: str) -> str:
        if name == "party.age":
            return "周岁" if self.lang == "zh" else "years"
        spec = self.facts.get(name)
        if spec is None:
            return ""
        if spec.unit:
            return spec.unit
        if spec.type is FactType.money:
            return "元" if self.lang == "zh" and self.currency == "CNY" else self.currency
        return ""

    def value(self, name: str, literal: str) -> str | None:
        spec = self.facts.get(name)
        if literal.startswith('"'):
            text = literal[1:-1]
            if name == "party.kind" and text in ("individual", "organization"):
                return labels(self.lang)(text)
            return f"“{text}”"
        if spec is not None and spec.type is FactType.bool:
            return None
        unit = self.unit(name)
        sep = "" if self.lang == "zh" or not unit else " "
        return f"{literal}{sep}{unit}"

    def atom(self, expr: str) -> str | None:
        zh = self.lang == "zh"
        m = _RE_BOOL.match(expr)
        if m:
            negated, name = m.group(1) == "!", m.group(2)
            spec = self.facts.get(name)
            if spec is None or spec.type is not FactType.bool:
                return None
            return self._bool(spec.label.get(self.lang), not negated)
        m = _RE_CMP.match(expr)
        if m:
            name, op, literal = m.groups()
            if name == "party.kind" and op in ("==", "!="):
                kind = self.value(name, literal)
                if zh:
                    return f"当事人{'为' if op == '==' else '不为'}{kind}"
                return f"the party {'is' if op == '==' else 'is not'} an {kind}"
            label = self.label(name)
            if label is None:
                return None
            spec = self.facts.get(name)
            if spec is not None and spec.type is FactType.bool and literal in ("true", "false") and op in ("==", "!="):
                return self._bool(label, (literal == "true") == (op == "=="))
            if spec is not None and spec.type is FactType.enum and op not in ("==", "!="):
                return None  # enums compare alphabetically with < and >: not worth words
            value = self.value(name, literal)
            if value is None:
                return None
            return f"{label}{_OPS['zh'][op]}{value}" if zh else f"{label} {_OPS['en'][op]} {value}"
        m = _RE_IN.match(expr)
        if m:
            name, items = m.groups()
            label = self.label(name)
            if label is None:
                return None
            values = [self.value(name, x.strip()) for x in re.findall(_LITERAL, items)]
            if any(v is None for v in values):
                return None
            joined = ("或" if zh else " or ").join(v for v in values if v is not None)
            return f"{label}为{joined}" if zh else f"{label} is {joined}"
        return None

    def _bool(self, label: str, positive: bool) -> str:
        if positive:
            return label
        return f"非“{label}”" if self.lang == "zh" else f"not: {label}"

    def expression(self, expr: str) -> str | None:
        if "(" in expr or ")" in expr:
            return None
        has_and, has_or = "&&" in expr, "||" in expr
        if has_and and has_or:
            return None
        if not (has_and or has_or):
            return self.atom(expr)
        parts = [self.atom(p) for p in expr.split("&&" if has_and else "||")]
        if any(p is None for p in parts):
            return None
        return self._join([p for p in parts if p is not None], has_and)

    def _join(self, parts: list[str], all_: bool) -> str:
        if self.lang == "zh":
            return ("，且" if all_ else "，或").join(parts)
        return (" and " if all_ else " or ").join(parts)

    def condition(self, cond: Condition) -> str | None:
        words = self._condition(cond)
        return words[0] if words else None

    def _condition(self, cond: Condition) -> tuple[str, bool] | None:
        """The words and whether they join several clauses (then a nested use wraps them)."""
        if isinstance(cond, str):
            expr = " ".join(cond.split())
            words = self.expression(expr)
            return (words, "&&" in expr or "||" in expr) if words is not None else None
        items = cond.all if isinstance(cond, AllOf) else cond.any
        parts = []
        for item in items:
            sub = self._condition(item)
            if sub is None:
                return None
            text, compound = sub
            parts.append((f"（{text}）" if self.lang == "zh" else f"({text})") if compound else text)
        return self._join(parts, isinstance(cond, AllOf)), len(parts) > 1


def cel_text(cond: Condition) -> str:
    """The condition as one CEL-like line (``all``/``any`` lists joined with && and ||)."""
    if isinstance(cond, str):
        return " ".join(cond.split())
    if isinstance(cond, AllOf):
        return " && ".join(_wrap(c) for c in cond.all)
    assert isinstance(cond, AnyOf)
    return " || ".join(_wrap(c) for c in cond.any)


def _wrap(cond: Condition) -> str:
    text = cel_text(cond)
    return f"({text})" if ("&&" in text or "||" in text) else text


def condition_view(cond: Condition | None, facts: dict[str, FactSpec], lang: str, currency: str = "CNY") -> Cond | None:
    """A condition in words where it is simple (facts compared with literals, all/any of those)."""
    if cond is None:
        return None
    return Cond(_Words(facts, lang, currency).condition(cond), cel_text(cond))


# ---------------------------------------------------------------- amounts


def _fine_kind(branch: Branch) -> str | None:
    if isinstance(branch.fine, RangeFine):
        return "range"
    if isinstance(branch.fine, MultipleFine):
        return "multiple"
    if isinstance(branch.fine, PerUnitFine):
        return "per_unit"
    return None


def _money(amount: Decimal, currency: str, lang: str) -> str:
    if lang == "zh" and currency == "CNY":
        return f"{dec_str(amount)}元"
    return f"{dec_str(amount)} {currency}"


# ---------------------------------------------------------------- building the view


class _Builder:
    def __init__(self, pack: Pack, rules: Sequence[CompiledRule], lang: str) -> None:
        self.pack = pack
        self.rules = rules
        self.lang = "zh" if lang == "zh" else "en"
        self.t = labels(self.lang)
        self.register = _Register()
        self.common = dict(pack.common_facts)

    # -- small pieces

    def quotes(self, basis: Sequence[Basis]) -> list[Quote]:
        out = []
        for b in basis:
            if isinstance(b, LawRef):
                out.append(Quote(b.citation, " ".join(b.text.split())))
            else:
                assert isinstance(b, Benchmark)
                out.append(Quote(self.t("benchmark"), None, " ".join(b.benchmark.split())))
        return out

    def cond(self, cond: Condition | None, facts: dict[str, FactSpec]) -> Cond | None:
        return condition_view(cond, facts, self.lang, self.pack.currency)

    def fact_rows(self, facts: dict[str, FactSpec]) -> list[FactRow]:
        rows = []
        for name, s in facts.items():
            if s.values:
                bounds = ", ".join(s.values)
            elif s.min is not None or s.max is not None:
                lo = dec_str(s.min) if s.min is not None else ""
                hi = dec_str(s.max) if s.max is not None else ""
                bounds = f"{lo} – {hi}"
            else:
                bounds = ""
            if s.required:
                default = self.t("required")
            elif isinstance(s.default, bool):
                default = "true" if s.default else "false"
            else:
                default = str(s.default)
            rows.append(
                FactRow(
                    name,
                    s.label.get(self.lang),
                    s.type.value,
                    s.unit or "",
                    bounds,
                    default,
                    self.t(s.direction) if s.direction else "",
                )
            )
        return rows

    def span(self, start: Any, end: Any | None) -> str:
        if end is None:
            return self.t("version_open").format(start=start)
        return self.t("version_span").format(start=start, end=end)

    # -- pack level

    def identity(self) -> dict[str, Any]:
        p = self.pack
        other = "en" if self.lang == "zh" else "zh"
        return {
            "id": p.id,
            "title": p.title.get(self.lang),
            "other_title": p.title.get(other),
            "title_zh": p.title.zh,
            "title_en": p.title.en,
            "jurisdiction": p.jurisdiction,
            "authority": p.authority.get(self.lang),
            "currency": p.currency,
            "version": p.version,
            "rule_count": len(self.rules),
            "engine": f"penalty-engine {__version__}",
        }

    def scheme(self) -> dict[str, Any]:
        """Tier scheme, start position, rounding, 以上/以下 and settings, in the document's order."""
        p, t, reg = self.pack, self.t, self.register
        scope = t("scope_pack")
        bands = [
            {
                "tier": t(name),
                "lower": frac_str(p.tier_scheme.band(name).lower),
                "upper": frac_str(p.tier_scheme.band(name).upper),
            }
            for name in ("lighter", "standard", "heavier")
        ]
        tiers = {
            "bands": bands,
            "basis": self.quotes(p.tier_scheme.basis),
            "assumption": reg.add(scope, t("tier_scheme"), p.tier_scheme.assumption),
        }
        factor_start = {
            "text": t("factor_start_text").format(start=frac_str(p.factor_start)),
            "assumption": reg.add(scope, t("factor_start"), p.factor_start_assumption),
        }
        rounding = {
            "text": t("rounding_text").format(
                unit=dec_str(p.rounding.unit), currency=p.currency, mode=t(p.rounding.mode.value)
            ),
            "assumption": reg.add(scope, t("rounding"), p.rounding.assumption),
        }
        boundaries = {
            "above": t(p.boundaries.above),
            "below": t(p.boundaries.below),
            "assumption": reg.add(scope, t("boundaries"), p.boundaries.assumption),
        }
        settings = []
        for name, s in p.settings.items():
            label = s.label.get(self.lang) if s.label else name
            settings.append(
                {
                    "name": name,
                    "label": label,
                    "value": str(s.value),
                    "assumption": reg.add(scope, f"{t('settings')}: {label}", s.assumption),
                }
            )
        return {
            "tiers": tiers,
            "factor_start": factor_start,
            "rounding": rounding,
            "boundaries": boundaries,
            "settings": settings,
        }

    def general(self) -> dict[str, Any]:
        g, t, reg, scope = self.pack.general, self.t, self.register, self.t("scope_pack")
        provisions = []
        for prov in g.provisions:
            notes = []
            if prov.education:
                notes.append(t("education"))
            if prov.recommend_for:
                notes.append(t("recommend_for").format(name=prov.recommend_for))
            provisions.append(
                {
                    "id": prov.id,
                    "label": prov.label.get(self.lang),
                    "effect": t(f"{prov.effect.value}_effect"),
                    "when": self.cond(prov.when, self.common),
                    "basis": self.quotes(prov.basis),
                    "notes": notes,
                    "mandatory": prov.effect in (Effect.no_penalty, Effect.mitigate),
                }
            )
        lists = [
            {
                "name": name,
                "rules": list(lst.rules),
                "basis": self.quotes(lst.basis),
                "assumption": reg.add(scope, f"{t('lists')}: {name}", lst.assumption),
            }
            for name, lst in g.lists.items()
        ]
        below = None
        if g.below_minimum is not None:
            b = g.below_minimum
            below = {
                "text": t("below_minimum_text").format(lower=frac_str(b.lower), upper=frac_str(b.upper)),
                "basis": self.quotes(b.basis),
                "assumption": reg.add(scope, t("below_minimum"), b.assumption),
            }
        limitation = None
        if g.limitation is not None:
            lim = g.limitation
            limitation = {
                "text": t("limitation_text").format(years=lim.years, extended=lim.extended_years),
                "basis": self.quotes(lim.basis),
                "assumption": reg.add(scope, t("limitation"), lim.assumption),
            }
        hearing = []
        for h in g.hearing:
            hearing.append(
                {
                    "party": t(h.party),
                    "amount": _money(h.amount, self.pack.currency, self.lang),
                    "inclusive": t("inclusive_yes" if h.inclusive else "inclusive_no"),
                    "span": self.span(h.effective_from, h.effective_to),
                    "assumption": reg.add(scope, f"{t('hearing')} ({t(h.party)})", h.assumption),
                }
            )
        review = None
        if g.legal_review_with_hearing is not None:
            s = g.legal_review_with_hearing
            review = {
                "text": t("legal_review_yes" if s.value is True else "legal_review_no"),
                "assumption": reg.add(scope, t("legal_review_with_hearing"), s.assumption),
            }
        other = [
            {"label": t(key), "basis": self.quotes(getattr(g, key))}
            for key in (
                "hearing_basis",
                "collective_discussion_basis",
                "education_basis",
                "legal_review_basis",
                "lenient_law_basis",
            )
            if getattr(g, key)
        ]
        return {
            "precedence": t("precedence_text"),
            "provisions": provisions,
            "lists": lists,
            "below_minimum": below,
            "limitation": limitation,
            "hearing": hearing,
            "hearing_kinds": t("hearing_kinds"),
            "legal_review": review,
            "other_bases": other,
        }

    # -- rules

    def fine_text(self, branch: Branch, facts: dict[str, FactSpec]) -> tuple[str | None, str | None]:
        fine, cur, zh = branch.fine, self.pack.currency, self.lang == "zh"
        if fine is None:
            return None, None
        if isinstance(fine, RangeFine):
            lo, hi = _money(fine.min, cur, self.lang), _money(fine.max, cur, self.lang)
            if zh:
                return (f"处{lo}以上{hi}以下罚款" if fine.min > 0 else f"处{hi}以下罚款"), None
            return (f"fine of {lo} to {hi}" if fine.min > 0 else f"fine of up to {hi}"), None
        if isinstance(fine, MultipleFine):
            label = facts[fine.times].label.get(self.lang) if fine.times in facts else fine.times
            lo, hi = frac_str(fine.min), frac_str(fine.max)
            text = f"处{label}{lo}倍以上{hi}倍以下的罚款" if zh else f"fine of {lo} to {hi} times the {label}"
            return text, self.t("multiple_note").format(label=label)
        assert isinstance(fine, PerUnitFine)
        spec = facts.get(fine.per)
        label = spec.label.get(self.lang) if spec else fine.per
        unit = (spec.unit or "") if spec else ""
        if isinstance(fine.partial, SettingRef):
            setting = self.pack.settings.get(fine.partial.setting)
            value = PartialCount(setting.value) if setting else PartialCount.exact
            name = setting.label.get(self.lang) if setting and setting.label else fine.partial.setting
            partial = f"{_PARTIAL[self.lang][value]}（{name}）" if zh else f"{_PARTIAL[self.lang][value]} ({name})"
        else:
            partial = _PARTIAL[self.lang][fine.partial]
        rate = _money(fine.rate, cur, self.lang)
        if zh:
            text = f"按{label}计，每{dec_str(fine.unit)}{unit}罚款{rate}"
            if fine.cap is not None:
                text += f"，最高不超过{_money(fine.cap, cur, self.lang)}"
            text += f"；{partial}"
        else:
            text = f"{rate} per {dec_str(fine.unit)} {unit} of {label}".replace("  ", " ")
            if fine.cap is not None:
                text += f", at most {_money(fine.cap, cur, self.lang)}"
            text += f"; {partial}"
        return text, self.t("fixed_note")

    def branch_row(self, b: Branch, facts: dict[str, FactSpec]) -> BranchRow:
        fine, note = self.fine_text(b, facts)
        confiscate = []
        for name in b.confiscate:
            label = facts[name].label.get(self.lang) if name in facts else name
            confiscate.append(f"没收{label}" if self.lang == "zh" else f"confiscation of the {label}")
        also = []
        for o in b.also:
            text = self.t(o.kind.value)
            if o.object is not None:
                obj = o.object.get(self.lang)
                text += f"（{obj}）" if self.lang == "zh" else f" ({obj})"
            also.append(text)
        return BranchRow(
            id=b.id,
            kind=_fine_kind(b),
            label=b.label.get(self.lang) if b.label else None,
            when=self.cond(b.when, facts),
            fine=fine,
            note=note,
            confiscate=confiscate,
            also=also,
            basis=self.quotes(b.basis),
        )

    def tier_rows(self, v: RuleVersion, facts: dict[str, FactSpec]) -> tuple[list[TierRow], bool]:
        tiers: list[Tier] = list(v.tiers) or [Tier(tier="standard")]
        ranges = [(b.id, b.fine) for b in v.frame if isinstance(b.fine, RangeFine)]
        rows = []
        for tier in tiers:
            band = tier.band or self.pack.tier_scheme.band(tier.tier)
            amounts = []
            for branch_id, fine in ranges:
                unit = self.pack.rounding.unit
                lo = band_edge(fine.min, fine.max, band.lower, unit, self.pack.rounding.mode)
                hi = band_edge(fine.min, fine.max, band.upper, unit, self.pack.rounding.mode)
                amounts.append(
                    BandAmounts(
                        branch_id, _money(lo, self.pack.currency, self.lang), _money(hi, self.pack.currency, self.lang)
                    )
                )
            rows.append(
                TierRow(
                    tier=self.t(tier.tier),
                    label=tier.label.get(self.lang) if tier.label else None,
                    when=self.cond(tier.when, facts),
                    lower=frac_str(band.lower),
                    upper=frac_str(band.upper),
                    own_band=tier.band is not None,
                    basis=self.quotes(tier.basis),
                    amounts=amounts,
                )
            )
        return rows, not v.tiers

    def version_view(self, rule: CompiledRule, v: RuleVersion) -> VersionView:
        facts = rule.facts
        scope = self.t("scope_rule").format(rule=rule.rule.id, version=v.key)
        entries = []
        for a in v.assumptions:
            if isinstance(a, str):
                entry = self.register.add(scope, self.t("assumptions"), a)
            else:
                entry = self.register.add(scope, self.t("assumptions"), a.text, self.cond(a.when, facts))
            if entry is not None:
                entries.append(entry)
        tiers, implied = self.tier_rows(v, facts)
        start = self.t("start_rule" if v.start is not None else "start_pack").format(
            start=frac_str(v.start if v.start is not None else self.pack.factor_start)
        )
        return VersionView(
            key=v.key,
            span=self.span(v.effective_from, v.effective_to),
            basis=self.quotes(v.basis),
            branches=[self.branch_row(b, facts) for b in v.frame],
            tiers=tiers,
            implied_tier=implied,
            tiers_apply=any(isinstance(b.fine, (RangeFine, MultipleFine)) for b in v.frame),
            factors=[
                FactorRow(
                    f.id,
                    f.label.get(self.lang),
                    self.t(f.effect),
                    frac_str(f.weight),
                    self.cond(f.when, facts) or Cond(None, cel_text(f.when)),
                    self.quotes(f.basis),
                )
                for f in v.factors
            ],
            start=start,
            assumptions=entries,
        )

    def rule_view(self, rule: CompiledRule) -> RuleView:
        r = rule.rule
        other = "en" if self.lang == "zh" else "zh"
        versions = sorted(r.versions, key=lambda v: v.effective_from)
        return RuleView(
            id=r.id,
            full_id=rule.id,
            title=r.title.get(self.lang),
            other_title=r.title.get(other),
            anchor=f"rule-{r.id}",
            facts=self.fact_rows(dict(r.facts)),
            notes=r.notes.get(self.lang) if r.notes else None,
            life_health=r.life_health_or_financial_safety,
            special_provisions=[(sp.sets_aside, self.quotes(sp.basis)) for sp in r.special_provisions],
            versions=[self.version_view(rule, v) for v in versions],
        )

    def build(self) -> dict[str, Any]:
        identity = self.identity()
        for text in self.pack.assumptions:
            self.register.add(self.t("scope_pack"), self.t("identity"), text)
        pack_assumptions = list(self.register.entries)
        general = self.general()
        scheme = self.scheme()
        rules = [self.rule_view(r) for r in self.rules]
        return {
            "lang": self.lang,
            "pack": identity,
            "general": general,
            "scheme": scheme,
            "common_facts": self.fact_rows(self.common),
            "rules": rules,
            "assumptions": self.register.entries,
            "pack_assumptions": pack_assumptions,
        }


def publication(pack: Pack, rules: Sequence[CompiledRule], lang: str = "zh") -> dict[str, Any]:
    """The document's content as plain data (what both templates lay out)."""
    return _Builder(pack, rules, lang).build()


def render_publication(pack: Pack, rules: Sequence[CompiledRule], fmt: str = "html", lang: str = "zh") -> str:
    """Render the benchmark document of ``pack`` as ``html`` or ``markdown`` in ``lang`` (``zh``/``en``)."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    doc = publication(pack, rules, lang)
    name = "publish.html.j2" if fmt == "html" else "publish.md.j2"
    return _env.get_template(name).render(doc=doc, t=labels(lang), md=md_escape)


def publish(pack_ref: str | Path, fmt: str = "html", lang: str = "zh") -> str:
    """Load, compile and render a pack (a bundled id or a folder).

    Raises:
        RuleError: (often ``RuleErrors``) when the pack does not load cleanly: an invalid pack
            is not published.
    """
    loaded = load_pack_files(pack_ref)
    rules = compile_pack(loaded)
    return render_publication(loaded.pack, rules, fmt, lang)


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def md_escape(text: Any) -> str:
    """Text for Markdown: one line, with the characters Markdown would interpret backslash-escaped."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))
