"""Conditions in words, where they are simple (facts compared with literals, all/any of those)."""

from __future__ import annotations

import re

from ..models import (
    AllOf,
    AnyOf,
    Condition,
    FactSpec,
    FactType,
)
from .labels import labels
from .view import Cond

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
