"""The names a replay report shows for a rule, in both languages: its title, its facts' labels and
units, its branches (by label, else by their condition in words), factors and levels.

Built once per rule in each worker from the loaded rule (``rule_names``) and carried to the parent
with the first outcome that names the rule, so the report can name violations by their titles and
explain similar-case groups in words without loading the engine again. Pure.

Also the two small formatters the replay's outputs use for people: ``amount_text`` (52,000元 /
CNY 52,000) and ``date_text`` (2026年4月10日 / 2026-04-10).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from ..pack import CompiledRule
from ..publish import condition_view

Names = dict[str, Any]
"""``{"title": {zh, en}, "facts": {name: {zh, en, type, unit}}, "branches": {"VERSION|id": {zh, en}},
"other": ["VERSION|id", …], "factors": {id: {zh, en}}, "levels": {id: {zh, en}}}``: ``other`` are
the last branches without a condition (the rule's other cases); a branch with a condition that has
no words and no label has no entry."""


def _both(text: Any) -> dict[str, str]:
    return {"zh": text.zh, "en": text.en}


def rule_names(rule: CompiledRule) -> Names:
    """The names of ``rule`` the report shows (see ``Names``)."""
    branches: dict[str, dict[str, str]] = {}
    factors: dict[str, dict[str, str]] = {}
    levels: dict[str, dict[str, str]] = {}
    other: list[str] = []
    for version in rule.rule.versions:
        for b in version.frame:
            if b.when is None and b.label is None:
                other.append(f"{version.key}|{b.id}")
                continue
            if b.label is not None:
                branches[f"{version.key}|{b.id}"] = _both(b.label)
                continue
            said = {lang: condition_view(b.when, rule.facts, lang) for lang in ("zh", "en")}
            if all(s is not None and s.words for s in said.values()):
                branches[f"{version.key}|{b.id}"] = {lang: str(s.words) for lang, s in said.items() if s}
        for f in version.factors:
            factors.setdefault(f.id, _both(f.label))
        for lv in version.levels:
            levels.setdefault(lv.id, _both(lv.name))
    return {
        "title": _both(rule.rule.title),
        "facts": {
            name: {"zh": spec.label.zh, "en": spec.label.en, "type": spec.type.value, "unit": spec.unit}
            for name, spec in rule.facts.items()
        },
        "branches": branches,
        "other": other,
        "factors": factors,
        "levels": levels,
    }


def amount_text(value: str | Decimal | None, lang: str) -> str:
    """An amount of yuan for people: ``52,000元`` (zh), ``CNY 52,000`` (en); cents kept as given
    (``1,200.50元``), whole amounts without them (``2,080.00`` is ``2,080元``); empty for None; a
    value that is not a number is shown as it is.

    (The decision texts may get their own formatter; this one serves the replay's report and exports.)
    """
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if number == number.to_integral_value():  # whole yuan: no ".00" (a tolerance is kept to the cent)
        number = number.quantize(Decimal(1))
    text = f"{number:,}"
    return f"{text}元" if lang == "zh" else f"CNY {text}"


def date_text(value: str | dt.date | None, lang: str) -> str:
    """A date for people: ``2026年4月10日`` (zh), ``2026-04-10`` (en); a month ``2026-04`` is
    ``2026年4月``; anything else is shown as it is."""
    if value is None or value == "":
        return ""
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    if lang != "zh":
        return text
    parts = text.split("-")
    if len(parts) in (2, 3) and all(p.isdigit() for p in parts):
        year, month = parts[0], int(parts[1])
        return f"{year}年{month}月" + (f"{int(parts[2])}日" if len(parts) == 3 else "")
    return text
