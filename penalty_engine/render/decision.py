"""Rendering decisions for people: plain text for the terminal, Markdown for the case file.

Templates are jinja2 files in ``render/templates``; every label they show is a key of the text
catalog's ``decision`` area (``penalty_engine/text``), passed to them as ``t``, in ``zh`` or ``en``.
JSON is not rendered here: it is ``Decision.model_dump(mode="json")``.
"""

from __future__ import annotations

import json
from typing import Any

from ..models import Decision, Decisions, in_lang, localized
from ..text import capitals, date_text, money, words
from .templating import environment

FORMATS = ("text", "json", "markdown")

_env = environment("penalty_engine.render")
_env.filters["in_lang"] = in_lang


def render_decision(decision: Decision, fmt: str = "text", lang: str = "en") -> str:
    """Render one decision as ``text``, ``markdown`` or ``json`` in ``lang`` (``zh``/``en``)."""
    if fmt == "json":
        return json.dumps(decision_data(decision, lang), ensure_ascii=False, indent=2) + "\n"
    steps = localized(decision.trail, lang)
    template = _env.get_template(f"decision.{'md' if fmt == 'markdown' else 'txt'}.j2")
    facts = next((st for st in steps if st.code == "facts"), None)
    adult = bool(facts and facts.inputs.get("party_note"))
    return template.render(d=decision, trail=steps, adult_assumed=adult, **helpers(lang, decision.currency))


def helpers(lang: str, currency: str = "CNY") -> dict[str, object]:
    """What every decision template gets: ``t`` (the catalog's ``decision`` words), ``tr`` (a pack's
    prose in ``lang``), ``money`` (52,000元), ``capitals`` (伍万贰仟元整), ``date`` (2026年4月10日),
    ``label`` (a {zh, en} label in ``lang``) and ``lang``."""
    return {
        "t": words(lang).scope("decision"),
        "tr": lambda text: in_lang(text, lang),
        "money": lambda amount: money(amount, lang, currency),
        "capitals": capitals,
        "date": lambda day: date_text(day, lang),
        "label": lambda text, fallback="": (text.zh if lang == "zh" else text.en) if text is not None else fallback,
        "lang": lang,
    }


def render_any(result: Decision | Decisions, fmt: str = "text", lang: str = "en") -> str:
    """Render a decision, or the decisions of a case with several violations and how their fines combine."""
    if isinstance(result, Decision):
        return render_decision(result, fmt, lang)
    if fmt == "json":
        return json.dumps(result_data(result, lang), ensure_ascii=False, indent=2) + "\n"
    parts = [render_decision(d, fmt, lang) for d in result.decisions]
    template = _env.get_template(f"combined.{'md' if fmt == 'markdown' else 'txt'}.j2")
    titles = {d.violation.id: d.violation.title for d in result.decisions}
    parts.append(template.render(r=result, titles=titles, **helpers(lang, result.decisions[0].currency)))
    return ("\n" + ("---" if fmt == "markdown" else "-" * 72) + "\n\n").join(parts)


def decision_data(decision: Decision, lang: str) -> dict[str, Any]:
    """The decision JSON with its texts for people in ``lang`` (trail messages, pack prose)."""
    data = decision.model_dump(mode="json")
    steps = localized(decision.trail, lang)
    data["trail"] = [{**s.as_json(), "basis": [in_lang(b, lang) for b in s.basis]} for s in steps]
    _localize_json(data, decision, lang)
    return data


def result_data(result: Decision | Decisions, lang: str) -> dict[str, Any]:
    """``decision_data`` of a decision, or of each decision of a case with several (and the reason
    of how their fines combine in ``lang``)."""
    if isinstance(result, Decision):
        return decision_data(result, lang)
    data = result.model_dump(mode="json")
    data["decisions"] = [decision_data(d, lang) for d in result.decisions]
    data["combined"]["reason"] = in_lang(result.combined.reason, lang)
    data["combined"]["basis"] = [in_lang(b, lang) for b in result.combined.basis]
    return data


def _localize_json(data: dict[str, object], decision: Decision, lang: str) -> None:
    """The decision JSON's texts for people in ``lang``: the title, factor and option texts, basis
    citations of benchmark choices and the assumptions (ids, kinds and amounts stay as they are)."""
    if lang == "zh":
        return  # the model's own texts are the Chinese
    data["violation"] = {**decision.violation.model_dump(mode="json"), "title": in_lang(decision.violation.title, lang)}
    data["factors"] = [
        {**f.model_dump(mode="json"), "basis": [in_lang(b, lang) for b in f.basis]} for f in decision.factors
    ]
    data["duties"] = [
        {**x.model_dump(mode="json"), "basis": [in_lang(b, lang) for b in x.basis]} for x in decision.duties
    ]
    data["options"] = [
        {**o.model_dump(mode="json"), "basis": [in_lang(b, lang) for b in o.basis], "reason": in_lang(o.reason, lang)}
        for o in decision.options
    ]
    data["assumptions"] = [in_lang(a, lang) for a in decision.assumptions]
