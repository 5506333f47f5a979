"""Rendering decisions for people: plain text for the terminal, Markdown for the case file.

Templates are jinja2 files in ``render/templates``; every label they show is a key of the text
catalog's ``decision`` area (``penalty_engine/text``), passed to them as ``t``, in ``zh`` or ``en``.
JSON is not rendered here: it is ``Decision.model_dump(mode="json")``.
"""

from __future__ import annotations

import json

from ..models import Decision, Decisions, localized
from ..text import words
from .templating import environment

FORMATS = ("text", "json", "markdown")

_env = environment("penalty_engine.render")


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
    return template.render(d=decision, trail=steps, t=words(lang).scope("decision"), adult_assumed=adult)


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
    parts.append(template.render(r=result, t=words(lang).scope("decision")))
    return ("\n" + ("---" if fmt == "markdown" else "-" * 72) + "\n\n").join(parts)
