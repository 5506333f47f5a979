"""Rendering decisions for people: plain text for the terminal, Markdown for the case file.

Templates are jinja2 files in ``penalty_engine/templates``; labels come in Chinese and English.
JSON is not rendered here: it is ``Decision.model_dump(mode="json")``.
"""

from __future__ import annotations

import json
from typing import Any

from ..models import Decision, Decisions, localized
from .templating import environment

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Penalty recommendation",
        "case": "Case",
        "violation": "Violation",
        "version": "rule version from",
        "outcome": "Outcome",
        "penalty": "penalty",
        "no_penalty": "no penalty",
        "tier": "Tier",
        "range": "Statutory range",
        "band": "Band the officer may choose in",
        "recommended": "Recommended fine",
        "penalties": "Penalties",
        "factors": "Factors applied",
        "duties": "Procedural duties",
        "options": "Options",
        "assumptions": "Assumptions this result relies on",
        "trail": "How the result was reached",
        "basis": "basis",
        "dates": "Dates",
        "occurred": "occurred",
        "discovered": "discovered",
        "decided": "decided",
        "none": "none",
        "fingerprint": "Fingerprint",
        "lighter": "lighter (从轻)",
        "standard": "standard (一般)",
        "heavier": "heavier (从重)",
        "fixed": "fixed by formula",
        "below_minimum": "below the minimum (减轻)",
        "aggravating": "aggravating",
        "mitigating": "mitigating",
        "warning": "warning",
        "fine": "fine",
        "confiscation": "confiscation of illegal gain",
        "confiscation_property": "confiscation of illegal property",
        "suspension": "suspension",
        "revocation": "revocation",
        "qualification_downgrade": "qualification downgrade",
        "closure": "closure",
        "practice_restriction": "practice restriction",
        "detention": "detention",
        "order_correction": "order to correct (责令改正)",
        "education": "education",
        "hearing_notice": "notice of the right to a hearing",
        "legal_review": "legal review",
        "collective_discussion": "collective discussion",
        "combined": "Fines of the case together",
        "same_act": "one act (Art. 29: one fine)",
        "separate_acts": "separate acts",
        "fines_standing": "Fines that stand",
        "adult_assumed": "The party's age was not given: treated as an adult.",
        "reason_same_act": "One act breaking several provisions: only the fine of the provision with the higher "
        "statutory maximum (then minimum) stands; other penalty kinds combine.",
        "reason_separate": "Separate acts: each fine stands, except that fines of a fine group add up to at most "
        "its cap.",
    },
    "zh": {
        "title": "行政处罚裁量建议",
        "case": "案件",
        "violation": "违法行为",
        "version": "规则版本起始日",
        "outcome": "处理结果",
        "penalty": "给予行政处罚",
        "no_penalty": "不予行政处罚",
        "tier": "裁量档次",
        "range": "法定罚款幅度",
        "band": "裁量区间",
        "recommended": "建议罚款",
        "penalties": "处罚种类",
        "factors": "适用的裁量因素",
        "duties": "程序义务",
        "options": "可选择的处理",
        "assumptions": "本结果所依赖的假设",
        "trail": "裁量过程",
        "basis": "依据",
        "dates": "日期",
        "occurred": "发生",
        "discovered": "发现",
        "decided": "决定",
        "none": "无",
        "fingerprint": "指纹",
        "lighter": "从轻",
        "standard": "一般",
        "heavier": "从重",
        "fixed": "按公式确定",
        "below_minimum": "减轻",
        "aggravating": "从重",
        "mitigating": "从轻",
        "warning": "警告",
        "fine": "罚款",
        "confiscation": "没收违法所得",
        "confiscation_property": "没收非法财物",
        "suspension": "暂扣许可证件/责令停产停业",
        "revocation": "吊销许可证件",
        "qualification_downgrade": "降低资质等级",
        "closure": "责令关闭",
        "practice_restriction": "限制从业",
        "detention": "行政拘留",
        "order_correction": "责令改正",
        "education": "对当事人进行教育",
        "hearing_notice": "告知听证权利",
        "legal_review": "法制审核",
        "collective_discussion": "集体讨论",
        "combined": "本案罚款合并",
        "same_act": "同一违法行为（第二十九条：不得给予两次以上罚款）",
        "separate_acts": "数个违法行为",
        "fines_standing": "执行的罚款",
        "adult_assumed": "未提供当事人年龄：按成年人处理。",
        "reason_same_act": "同一个违法行为违反多个法律规范：按照罚款数额高的规定处罚"
        "（法定最高额高者，其次最低额高者），其他处罚种类合并适用。",
        "reason_separate": "数个违法行为：各自罚款，但同一累计组的罚款合计不超过其上限。",
    },
}

FORMATS = ("text", "json", "markdown")

_env = environment("penalty_engine.render")


def _label(lang: str) -> Any:
    table = LABELS["zh" if lang == "zh" else "en"]
    return lambda key: table.get(str(key), str(key))


def render_decision(decision: Decision, fmt: str = "text", lang: str = "en") -> str:
    """Render one decision as ``text``, ``markdown`` or ``json`` in ``lang`` (``zh``/``en``)."""
    steps = localized(decision.trail, lang)
    if fmt == "json":
        data = decision.model_dump(mode="json")
        data["trail"] = [s.as_json() for s in steps]
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    template = _env.get_template(f"decision.{'md' if fmt == 'markdown' else 'txt'}.j2")
    facts = next((st for st in steps if st.code == "facts"), None)
    adult = bool(facts and facts.inputs.get("party_note"))
    return template.render(d=decision, trail=steps, t=_label(lang), lang=lang, adult_assumed=adult)


def render_any(result: Decision | Decisions, fmt: str = "text", lang: str = "en") -> str:
    """Render a decision, or the decisions of a case with several violations and how their fines combine."""
    if isinstance(result, Decision):
        return render_decision(result, fmt, lang)
    if fmt == "json":
        data = result.model_dump(mode="json")
        data["decisions"] = [json.loads(render_decision(d, "json", lang)) for d in result.decisions]
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    parts = [render_decision(d, fmt, lang) for d in result.decisions]
    template = _env.get_template(f"combined.{'md' if fmt == 'markdown' else 'txt'}.j2")
    parts.append(template.render(r=result, t=_label(lang), lang=lang))
    return ("\n" + ("---" if fmt == "markdown" else "-" * 72) + "\n\n").join(parts)
