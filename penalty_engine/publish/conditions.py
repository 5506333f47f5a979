"""Conditions in words for the published benchmark (the words themselves: ``pack.cond_words``)."""

from __future__ import annotations

from ..models import Condition, FactSpec
from ..pack import cel_text, condition_words
from .view import Cond

__all__ = ["cel_text", "condition_view"]


def condition_view(cond: Condition | None, facts: dict[str, FactSpec], lang: str, currency: str = "CNY") -> Cond | None:
    """A condition in words where it is simple (facts compared with literals, all/any of those)."""
    if cond is None:
        return None
    return Cond(condition_words(cond, facts, lang, currency), cel_text(cond))
