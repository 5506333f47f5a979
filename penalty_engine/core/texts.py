"""Texts the engine writes into a decision, in Chinese with their English twin (``Prose``).

A decision's option reasons and the combined-fines reason are made here from the text catalog's
``decision.reason.*`` patterns, once per language, so the decision shows them in either language;
the trail's labels of general provisions likewise (``provisions_zh`` / ``provisions_en``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..models import Prose, Provision, Text, in_lang
from ..text import words


def _in(value: Any, lang: str) -> Any:
    if isinstance(value, Text):
        return value.get(lang)
    return in_lang(value, lang) if isinstance(value, str) else value


def both(key: str, **fields: Any) -> Prose:
    """``decision.<key>`` filled in Chinese and in English (``Text`` and ``Prose`` fields in each)."""
    zh = words("zh")(f"decision.{key}", **{k: _in(v, "zh") for k, v in fields.items()})
    en = words("en")(f"decision.{key}", **{k: _in(v, "en") for k, v in fields.items()})
    return Prose(zh, en)


def provision_labels(provisions: Iterable[Provision]) -> dict[str, str]:
    """The labels of general provisions for a trail step, in both languages."""
    ps = list(provisions)
    return {"provisions_zh": "、".join(p.label.zh for p in ps), "provisions_en": "; ".join(p.label.en for p in ps)}
