"""The explanation trail: one step per stage of a decision, in English or Chinese.

A step stores a stable ``code``, the ``inputs`` it used and its ``result`` (JSON values only:
amounts and ratios as exact strings), and the ``basis`` it rests on. Its ``message`` is made
from those by the catalog below, so the same decision can be shown in either language and an
auditor can redo every number from ``inputs`` alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

CATALOG: dict[str, dict[str, str]] = {
    "dates": {
        "en": "Occurred on {occurred_on}; decision date {decided_on} (from {decided_source}).",
        "zh": "违法行为发生日 {occurred_on}；决定日 {decided_on}（来源：{decided_source}）。",
    },
    "rule": {
        "en": "Rule {rule} «{title}», version in force on {on}: effective from {version}.",
        "zh": "适用规则 {rule}《{title_zh}》，{on} 有效的版本：{version} 起施行。",
    },
    "facts": {
        "en": "Facts checked against the fact schema; defaults used for: {defaults_text}.",
        "zh": "事实已按事实表校验；使用默认值的事实：{defaults_text}。",
    },
    "branch": {
        "en": "Statutory branch '{branch}' applies (branches are tried in order, the first that holds wins).",
        "zh": "适用法定情形 '{branch}'（按顺序判断，第一个成立的情形适用）。",
    },
    "range.range": {
        "en": "Statutory range {min}–{max} {currency}.",
        "zh": "法定罚款幅度 {min}–{max} 元。",
    },
    "range.multiple": {
        "en": "Statutory range = {fact} {value} × {min_times}–{max_times} = {min}–{max} {currency}.",
        "zh": "法定罚款幅度 = {fact} {value} × {min_times}–{max_times} 倍 = {min}–{max} 元。",
    },
    "range.per_unit": {
        "en": "Fixed fine: {fact} {value} ÷ {unit} = {quotient}, counted as {units} unit(s) ({partial}); "
        "{units} × {rate} = {amount}; cap {cap}: {result} {currency} (a multiple of {round_unit}; never rounded up).",
        "zh": "固定罚款：{fact} {value} ÷ {unit} = {quotient}，计为 {units} 个单位（{partial}）；"
        "{units} × {rate} = {amount}；上限 {cap}：{result} 元（{round_unit} 的倍数，不向上取整）。",
    },
    "tier": {
        "en": "Tier '{tier}' (first tier whose condition holds); band = fractions {lower}–{upper} of the range.",
        "zh": "裁量档次 '{tier}'（第一个条件成立的档次）；裁量区间为法定幅度的 {lower}–{upper}。",
    },
    "band": {
        "en": "Band {band_min}–{band_max}: lower edge = {range_min} + {lower} × {width} = {lower_raw}, "
        "upper edge = {range_min} + {upper} × {width} = {upper_raw}; edges inside the range rounded {mode} to {unit}.",
        "zh": "裁量区间 {band_min}–{band_max}：下限 = {range_min} + {lower} × {width} = {lower_raw}，"
        "上限 = {range_min} + {upper} × {width} = {upper_raw}；幅度内部的边界按 {mode} 取整至 {unit}。",
    },
    "factor": {
        "en": "Factor '{factor}' ({effect}, weight {weight}): {result_text}.",
        "zh": "裁量因素 '{factor}'（{effect}，权重 {weight}）：{result_text}。",
    },
    "position": {
        "en": "Position in band = start {start} + aggravating {plus} − mitigating {minus} = {raw}; "
        "kept in [0, 1]: {position}.",
        "zh": "区间内位置 = 起点 {start} + 从重 {plus} − 从轻 {minus} = {raw}；限定在 [0, 1]：{position}。",
    },
    "amount": {
        "en": "Amount = {band_min} + {position} × ({band_max} − {band_min}) = {raw}.",
        "zh": "金额 = {band_min} + {position} × ({band_max} − {band_min}) = {raw}。",
    },
    "round": {
        "en": "Rounded {mode} to a multiple of {unit}: {raw} → {rounded}; "
        "kept inside band and range: {result} {currency}.",
        "zh": "按 {mode} 取整至 {unit} 的倍数：{raw} → {rounded}；限定在区间和法定幅度内：{result} 元。",
    },
    "penalty": {
        "en": "Penalty: {kind}{amount_text}.",
        "zh": "处罚种类：{kind}{amount_text}。",
    },
    "duty": {
        "en": "Procedural duty: {kind} ({why}).",
        "zh": "程序义务：{kind}（{why}）。",
    },
    "limitation": {
        "en": "Limitation: {years} years from {occurred_on} end on {deadline}; discovered {discovered} "
        "(from {discovered_source}): {result_text}.",
        "zh": "追责时效：自 {occurred_on} 起 {years} 年，至 {deadline} 届满；发现日 {discovered}（来源：{discovered_source}）："
        "{result_text}。",
    },
    "provision": {
        "en": "General provision '{provision}' ({label}) applies: effect {effect}.",
        "zh": "总则规定 '{provision}'（{label_zh}）适用：效果 {effect}。",
    },
    "provision.set_aside": {
        "en": "General provision '{provision}' is set aside for this violation by a special provision of law.",
        "zh": "总则规定 '{provision}' 因法律另有规定不适用于本违法行为。",
    },
    "no_penalty": {
        "en": "No penalty under {provisions}: {how}.",
        "zh": "依 {provisions} 不予行政处罚：{how}。",
    },
    "option": {
        "en": "Option for the officer: {kind} — {reason}.",
        "zh": "可选择的处理：{kind} — {reason}。",
    },
    "tier.capped": {
        "en": "The law requires a lighter or below-minimum penalty ({provisions}): tier '{from}' is capped to "
        "'lighter', band fractions {lower}–{upper}; the law wins over the benchmark tier.",
        "zh": "法律规定应当从轻或者减轻（{provisions}）：档次由 '{from}' 降为 '从轻'，区间为幅度的 {lower}–{upper}；"
        "法律优先于裁量基准。",
    },
    "below_minimum": {
        "en": "The fine is fixed by a formula at {fixed}, so the mandatory mitigation ({provisions}) is met below it: "
        "band {lower}–{upper} of {fixed} = {band_min} up to {band_max} (exclusive); {band_min} + {start} × width = "
        "{raw}; rounded {mode} to {unit}: {rounded}, kept inside: {result}.",
        "zh": "罚款由公式确定为 {fixed}，应当从轻或者减轻（{provisions}）只能低于该数额：区间为 {fixed} 的 {lower}–{upper}，"
        "即 {band_min} 至 {band_max}（不含）；{band_min} + {start} × 区间宽度 = {raw}；按 {mode} 取整至 {unit}：{rounded}，"
        "限定在区间内：{result}。",
    },
    "mitigation.no_fine": {
        "en": "Mandatory mitigation ({provisions}) applies, but the branch imposes no fine to lighten.",
        "zh": "应当从轻或者减轻（{provisions}），但该情形没有可减轻的罚款。",
    },
    "mitigation.no_rule": {
        "en": "Mandatory mitigation ({provisions}) applies, but the pack sets no below-minimum rule: fine unchanged.",
        "zh": "应当从轻或者减轻（{provisions}），但本基准未规定减轻处罚的计算方法：罚款不变。",
    },
    "lenient_law": {
        "en": "Art. 37: the version of {occurred_version} (act) gives {occurred_text}; the version of "
        "{decided_version} (decision) gives {decided_text}; applied: {applied} ({rule_text}).",
        "zh": "第三十七条：行为时版本 {occurred_version} 的结果为 {occurred_text}；决定时版本 {decided_version} 的结果为 "
        "{decided_text}；适用 {applied}（从旧兼从轻）。",
    },
    "lenient_law.none": {
        "en": "No version of the rule is in force on {decided_on}; the version of the act ({occurred_version}) applies.",
        "zh": "{decided_on} 没有有效的规则版本；适用行为时版本（{occurred_version}）。",
    },
}


#: Values shown in Chinese messages in place of the engine's English words.
ZH_VALUES = {
    "applies": "成立",
    "does not apply": "不成立",
    "aggravating": "从重",
    "mitigating": "从轻",
    "lighter": "从轻",
    "standard": "一般",
    "heavier": "从重",
    "half_up": "四舍五入",
    "half_even": "四舍六入五成双",
    "down": "舍去",
    "up": "进一",
    "exact": "按比例",
    "none": "无",
    "fine": "罚款",
    "warning": "警告",
    "confiscation": "没收违法所得",
    "revocation": "吊销许可证件",
    "suspension": "暂扣许可证件/责令停产停业",
    "order_correction": "责令改正",
    "education": "对当事人进行教育",
    "hearing_notice": "告知听证权利",
    "legal_review": "法制审核",
    "collective_discussion": "集体讨论",
    "no_penalty": "不予处罚",
    "below_minimum": "减轻处罚",
    "mitigate": "应当从轻或者减轻",
    "may_mitigate": "可以从轻或者减轻",
    "may_no_penalty": "可以不予处罚",
    "expired: not punished": "已过时效，不再处罚",
    "within the period": "在时效内",
}


class _Safe(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "—"


def render_message(code: str, inputs: dict[str, Any], result: Any, lang: str = "en") -> str:
    """The message of a trail step in ``lang`` (``en`` or ``zh``)."""
    if lang == "zh":
        inputs = {k: ZH_VALUES.get(v, v) if isinstance(v, str) else v for k, v in inputs.items()}
        return CATALOG[code]["zh"].format_map(_Safe(inputs, result=result))
    try:
        return CATALOG[code]["en"].format(result=result, **inputs)
    except KeyError:  # a value the step does not have: shown as a dash
        return CATALOG[code]["en"].format_map(_Safe(inputs, result=result))


@dataclass(slots=True)
class TrailStep:
    """One step of the explanation trail; treat it as read-only.

    A plain dataclass rather than a model: a decision carries a dozen or more steps and pydantic
    accepts dataclass instances as they are. ``message`` is rendered from the catalog when read,
    in ``lang`` (not part of the step's identity).
    """

    step: int
    code: str
    basis: list[str]
    inputs: dict[str, Any]
    result: Any = None
    lang: str = field(default="en", compare=False, repr=False)

    @property
    def message(self) -> str:
        return render_message(self.code, self.inputs, self.result, self.lang)

    def as_json(self) -> dict[str, Any]:
        return {"step": self.step, "code": self.code, "message": self.message, "basis": self.basis,
                "inputs": self.inputs, "result": self.result}  # fmt: skip


def step_from_json(value: Any) -> TrailStep:
    """A step from its JSON form (its ``message`` is derived, so it is not read back)."""
    if isinstance(value, TrailStep):
        return value
    if not isinstance(value, dict):
        raise ValueError("a trail step is an object")
    return TrailStep(value["step"], value["code"], list(value.get("basis", [])), dict(value.get("inputs", {})),
                     value.get("result"))  # fmt: skip


def steps_json(steps: list[TrailStep]) -> list[dict[str, Any]]:
    return [s.as_json() for s in steps]


class Trail:
    """Collects trail steps while a decision is made, numbered from ``start`` (the steps that come
    before them in the decision are already made when a trail starts)."""

    __slots__ = ("start", "steps")

    def __init__(self, start: int = 1) -> None:
        self.start = start
        self.steps: list[TrailStep] = []

    def add(self, code: str, inputs: dict[str, Any], result: Any = None, basis: list[str] | None = None) -> None:
        steps = self.steps
        steps.append(TrailStep(self.start + len(steps), code, [] if basis is None else basis, inputs, result))


def localized(steps: list[TrailStep], lang: str) -> list[TrailStep]:
    """The same steps with messages in ``lang``."""
    return [replace(s, lang=lang) for s in steps]
