"""Conditions in words, where they are simple (facts compared with literals, all/any of those).

Used by the published benchmark (``publish``) and, for a statutory branch the pack gives no label,
by the decision's trail (``CompiledVersion.branch_words``): a branch is named by its condition in
words, never by its identifier.

Pure. Each clause is read by walking its tree (``cel.parse``, the one parser, ADR 0009): a bool
fact or its negation, ``read OP literal`` (either side), ``read in [literals]``, and chains of
one of ``&&`` / ``||`` over those. Anything else (a clause outside the subset, arithmetic, a
ternary, ``&&`` mixed with ``||``) gives no words, and the document shows the CEL text alone.
"""

from __future__ import annotations

from ..cel import CelType, CmpOp, Compare, Fact, In, Literal, Logical, Node, Not, PartyMember, cel_types, parse
from ..models import (
    AllOf,
    AnyOf,
    Condition,
    FactSpec,
    FactType,
)
from ..text import unit_word
from ..text import words as catalog
from ..values import words as value_words

# ---------------------------------------------------------------- conditions in words

#: the catalog key (``publish.cond.*``) of each comparison's sentence
_OPS = {">": "gt", ">=": "ge", "<": "lt", "<=": "le", "==": "eq", "!=": "ne"}
_EQUALITY = (CmpOp.EQ, CmpOp.NE)


def _plain_number(text: str) -> bool:
    """A number written plainly (``12``, ``-4.5``), not ``1e3`` or ``.5``: shown as written."""
    whole, _, fraction = text.removeprefix("-").partition(".")
    return whole.isdigit() and (fraction.isdigit() or "." not in text)


class _Words:
    def __init__(self, facts: dict[str, FactSpec], lang: str, currency: str) -> None:
        self.facts = facts
        self.types = cel_types(facts)
        self.lang = "zh" if lang == "zh" else "en"
        self.currency = currency
        self.t = catalog(self.lang).scope("publish")

    def label(self, name: str) -> str | None:
        if name == "party.age":
            return self.t("cond.party_age")
        spec = self.facts.get(name)
        return spec.label.get(self.lang) if spec else None

    def unit(self, name: str) -> str:
        if name == "party.age":
            return self.t("cond.years")
        spec = self.facts.get(name)
        if spec is None:
            return ""
        if spec.unit:
            return unit_word(spec.unit, self.lang)
        if spec.type is FactType.money:
            return self.t("cond.unit_cny") if self.currency == "CNY" else self.currency
        return ""

    def value(self, name: str, literal: Literal) -> str | None:
        spec = self.facts.get(name)
        if literal.type is CelType.STRING:
            text = str(literal.value)
            if name == "party.kind" and text in ("individual", "organization"):
                return self.t(text)
            if self.lang == "zh" and spec is not None and spec.type is FactType.enum:
                text = value_words().main("enum", text) or text  # in words: 危害后果为“严重”, not “serious”
            return self.t("cond.quoted", text=text)
        if spec is not None and spec.type is FactType.bool:
            return None
        if literal.type is not CelType.BOOL and not _plain_number(literal.text):
            return None
        unit = self.unit(name)
        return self.t("cond.value_unit", value=literal.text, unit=unit) if unit else literal.text

    def atom(self, node: Node) -> str | None:
        if isinstance(node, Fact | Not):
            read = node.operand if isinstance(node, Not) else node
            spec = self.facts.get(read.name) if isinstance(read, Fact) else None
            if spec is None or spec.type is not FactType.bool:
                return None
            return self._bool(spec.label.get(self.lang), isinstance(node, Fact))
        if isinstance(node, Compare):
            return self._compare(node)
        if isinstance(node, In) and isinstance(node.operand, Fact | PartyMember):
            name = node.operand.path
            label = self.label(name)
            if label is None:
                return None
            values = [self.value(name, item) for item in node.items]
            if any(v is None for v in values):
                return None
            joined = self.t("cond.in_sep").join(v for v in values if v is not None)
            return self.t("cond.in", label=label, values=joined)
        return None

    def _compare(self, node: Compare) -> str | None:
        """``read OP literal`` (or ``literal OP read``, said the other way round) in words."""
        op, read, literal = node.op, node.left, node.right
        if isinstance(read, Literal):
            op, read, literal = op.mirrored, literal, read
        if not isinstance(read, Fact | PartyMember) or not isinstance(literal, Literal):
            return None
        name = read.path
        if name == "party.kind" and op in _EQUALITY:
            kind = self.value(name, literal)
            return self.t("cond.party_is" if op is CmpOp.EQ else "cond.party_is_not", kind=kind)
        label = self.label(name)
        if label is None:
            return None
        spec = self.facts.get(name)
        if spec is not None and spec.type is FactType.bool and literal.type is CelType.BOOL and op in _EQUALITY:
            return self._bool(label, literal.value == (op is CmpOp.EQ))
        if spec is not None and spec.type is FactType.enum and op not in _EQUALITY:
            return None  # enums compare alphabetically with < and >: not worth words
        value = self.value(name, literal)
        if value is None:
            return None
        return self.t(f"cond.{_OPS[op]}", label=label, value=value)

    def _bool(self, label: str, positive: bool) -> str:
        return label if positive else self.t("cond.not", label=label)

    def expression(self, tree: Node) -> str | None:
        """A clause: one atom, or a chain of one of ``&&`` / ``||`` over atoms."""
        if not isinstance(tree, Logical):
            return self.atom(tree)
        leaves: list[Node] = []
        stack: list[Node] = [tree]
        while stack:
            node = stack.pop()
            if isinstance(node, Logical) and node.op is tree.op:
                stack.extend((node.right, node.left))
            else:
                leaves.append(node)
        parts = [None if isinstance(leaf, Logical) else self.atom(leaf) for leaf in leaves]
        if any(p is None for p in parts):
            return None
        return self._join([p for p in parts if p is not None], tree.op == "&&")

    def _join(self, parts: list[str], all_: bool) -> str:
        return self.t("cond.and_sep" if all_ else "cond.or_sep").join(parts)

    def condition(self, cond: Condition) -> str | None:
        words = self._condition(cond)
        return words[0] if words else None

    def _condition(self, cond: Condition) -> tuple[str, bool] | None:
        """The words and whether they join several clauses (then a nested use wraps them)."""
        if isinstance(cond, str):
            tree = parse(cond, self.types)
            words = self.expression(tree) if tree is not None else None
            return (words, isinstance(tree, Logical)) if words is not None else None
        items = cond.all if isinstance(cond, AllOf) else cond.any
        parts = []
        for item in items:
            sub = self._condition(item)
            if sub is None:
                return None
            text, compound = sub
            parts.append(self.t("cond.group", text=text) if compound else text)
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


def condition_words(cond: Condition, facts: dict[str, FactSpec], lang: str, currency: str = "CNY") -> str | None:
    """A condition in words where it is simple (facts compared with literals, all/any of those)."""
    return _Words(facts, lang, currency).condition(cond)
