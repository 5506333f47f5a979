"""Conditions in CEL: compiled once, type-checked on typed samples, traced clause by clause.

A condition is one CEL expression or an ``all:`` / ``any:`` list of conditions. Every leaf
expression is a *clause*. All clauses of one rule version are compiled into a single CEL program
that returns the list of their results (one call per decision); if that call fails, the
clauses are run one by one to name the one that failed. See docs/adr/0001-cel-conditions.md.

Each clause is also parsed once into its tree (``cel.tree``; ``None`` outside the subset), kept in
``ClauseTable.trees`` for the readers above the core, and compiled from it into the fast path
(``cel.fast``, ADR 0009) unless the table is made with ``fast=False``: then every clause runs on
the library, the reference path the golden suite also runs on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from operator import itemgetter
from typing import Any, Literal

from ..errors import EvaluationError, Msg, RuleError, joined, kind_of, msg, suggest, word
from ..models import AllOf, AnyOf, Condition, FactSpec, FactType
from . import limits
from .fast import Parts, tree_parts
from .library import cel
from .tree import Node, cel_types, parse

PARTY = "party"
#: How a pack's clauses run: "tree" (the fast path compiled from each clause's tree, the library
#: where it is outside the subset) or "library" (the CEL library alone, the reference path)
CelPath = Literal["tree", "library"]
RESERVED = {
    "party",
    "true",
    "false",
    "null",
    "in",
    "as",
    "break",
    "const",
    "continue",
    "else",
    "for",
    "function",
    "if",
    "import",
    "let",
    "loop",
    "package",
    "namespace",
    "return",
    "var",
    "void",
    "while",
}


def cel_value(spec: FactSpec, value: Any) -> Any:
    """The CEL value of a validated fact: money and numbers reach CEL as doubles.

    Comparisons stay exact because amounts are validated to at most two decimals and stay far
    below 2**53, and rounding to the nearest double preserves order. CEL never computes an
    amount (DESIGN.md, Conditions).
    """
    if spec.type in (FactType.money, FactType.number):
        assert isinstance(value, Decimal)
        return float(value)  # CEL boundary only; amounts stay Decimal in the engine
    return value


def sample_activations(facts: Mapping[str, FactSpec]) -> list[dict[str, Any]]:
    """Typed sample cases (low and high values, both party kinds) for load-time checks."""
    low: dict[str, Any] = {}
    high: dict[str, Any] = {}
    for name, spec in facts.items():
        if spec.type is FactType.bool:
            low[name], high[name] = False, True
        elif spec.type is FactType.enum:
            assert spec.values
            low[name], high[name] = spec.values[0], spec.values[-1]
        else:
            lo = spec.min if spec.min is not None else Decimal(0)
            hi = spec.max if spec.max is not None else lo + Decimal(100000)
            if spec.type is FactType.int:
                low[name], high[name] = int(lo), int(hi)
            else:
                low[name], high[name] = cel_value(spec, lo), cel_value(spec, hi)
    return [
        {**low, PARTY: {"kind": "individual", "age": 30, "age_given": True}},
        {**high, PARTY: {"kind": "organization"}},
        {**high, PARTY: {"kind": "individual", "age": 15, "age_given": True}},
        {**low, PARTY: {"kind": "organization"}},
    ]


def leaves(cond: Condition) -> list[str]:
    """The CEL clauses of a condition, in order."""
    if isinstance(cond, str):
        return [cond]
    items = cond.all if isinstance(cond, AllOf) else cond.any
    return [leaf for sub in items for leaf in leaves(sub)]


#: How ``CompiledCondition.holds`` reads its tree: one clause, a flat all/any of clauses, nested.
_ONE, _ALL, _ANY, _NESTED = 0, 1, 2, 3


@dataclass(frozen=True)
class CompiledCondition:
    """A condition whose leaves are indices into the version's clause table."""

    tree: Any  # int (clause index) | ("all" | "any", tuple[tree, ...])
    indices: tuple[int, ...]  # the clause indices of the tree's leaves, in order
    #: (source, index, names read) of each clause, for the trail
    clauses: tuple[tuple[str, int, tuple[str, ...]], ...]
    shape: int = field(default=_NESTED, init=False, compare=False)

    def __post_init__(self) -> None:
        tree = self.tree
        shape = _ONE if type(tree) is int else _NESTED
        if shape == _NESTED and tree[1] == self.indices:  # a flat all/any of clauses (the usual compound form)
            shape = _ALL if tree[0] == "all" else _ANY
        object.__setattr__(self, "shape", shape)
        if shape == _ONE:  # ``holds`` is ``results[tree]``: an item getter, without a Python call
            object.__setattr__(self, "holds", itemgetter(tree))

    def holds(self, results: Sequence[bool]) -> bool:
        shape = self.shape
        if shape == _ONE:
            return results[self.tree]  # type: ignore[no-any-return]  # tree is a clause index here
        if shape == _ALL:
            return all(map(results.__getitem__, self.indices))
        if shape == _ANY:
            return any(map(results.__getitem__, self.indices))
        return _holds(self.tree, results)


def _holds(tree: Any, results: Sequence[bool]) -> bool:
    if type(tree) is int:
        return results[tree]
    op, items = tree
    if op == "all":
        return all(results[t] if type(t) is int else _holds(t, results) for t in items)
    return any(results[t] if type(t) is int else _holds(t, results) for t in items)


def _collect(tree: Any, out: list[int]) -> None:
    if isinstance(tree, int):
        out.append(tree)
    else:
        for t in tree[1]:
            _collect(t, out)


class ClauseTable:
    """Every clause of one rule version, compiled, checked and run as one CEL program."""

    def __init__(self, declared: Mapping[str, FactSpec], where: str, *, fast: bool = True) -> None:
        """``fast=False``: every clause runs on the CEL library (the reference path)."""
        self._declared = declared
        self._where = where
        self._use_fast = fast
        self._types = cel_types(declared)
        self.sources: list[str] = []
        self.reads: list[tuple[str, ...]] = []
        #: the tree of each clause (``cel.tree``), ``None`` where it is outside the subset
        self.trees: list[Node | None] = []
        self._programs: list[Any] = []
        self._index: dict[str, int] = {}
        self._combined: Any = None
        self._fast: tuple[Parts, ...] | None = None

    def add(self, cond: Condition, where: str) -> CompiledCondition:
        """Compile a condition (its clauses once each); ``where`` is its file:line."""
        tree = self._tree(cond, where)
        indices: list[int] = []
        _collect(tree, indices)
        return CompiledCondition(tree, tuple(indices), tuple((self.sources[i], i, self.reads[i]) for i in indices))

    def _tree(self, cond: Condition, where: str) -> Any:
        if isinstance(cond, str):
            return self._clause(cond, where)
        if isinstance(cond, AllOf):
            return ("all", tuple(self._tree(c, where) for c in cond.all))
        assert isinstance(cond, AnyOf)
        return ("any", tuple(self._tree(c, where) for c in cond.any))

    def _clause(self, source: str, where: str) -> int:
        source = source.strip()
        if source in self._index:
            return self._index[source]
        try:
            limits.check(source)  # before the library: its parser recurses, its evaluation has no budget
        except limits.Limit as exc:
            message = msg("condition '{source}': {problem}", source=_short(source), problem=exc.message)
            raise RuleError(exc.code, message, where) from None
        try:
            program = cel.compile(source)
        except BaseException as exc:  # ValueError, RuntimeError; a Rust panic as a last resort
            if not limits.is_cel_failure(exc):
                raise
            message = msg("CEL syntax error in '{source}': {detail}", source=_short(source), detail=_first_line(exc))
            raise RuleError("PE-R005", message, where) from None
        names = tuple(program.variables())
        for name in names:
            if name != PARTY and name not in self._declared:
                message = msg(
                    "condition '{source}' reads '{name}', which is not a declared fact", source=source, name=name
                )
                raise RuleError("PE-R007", message + suggest(name, self._declared), where)
        for sample in sample_activations(self._declared):
            try:
                value = program.execute(sample)
            except BaseException as exc:  # the CEL binding raises TypeError, RuntimeError, ZeroDivisionError…
                if not limits.is_cel_failure(exc):
                    raise
                message = msg(
                    "condition '{source}' fails on a typed sample ({sample}): {detail}",
                    source=source,
                    sample=_sample_text(sample, names),
                    detail=_first_line(exc),
                )
                raise RuleError("PE-R006", message, where) from None
            if not isinstance(value, bool):
                message = msg(
                    "condition '{source}' gives {kind} {value!r}, not true/false",
                    source=source,
                    kind=kind_of(value),
                    value=value,
                )
                raise RuleError("PE-R006", message, where)
        self._index[source] = len(self.sources)
        self.sources.append(source)
        self.reads.append(names)
        self.trees.append(parse(source, self._types))
        self._programs.append(program)
        return self._index[source]

    @property
    def fast(self) -> bool:
        """Whether ``run`` tries the fast path first (every clause compiled from its tree)."""
        return self._fast is not None

    def seal(self) -> None:
        """Compile all clauses into one program returning the list of their results, and, when
        the table may use the fast path, every clause has a tree that compiles (``cel.fast``) and
        the closures agree with the library on the typed samples, into the fast path ``run``
        tries first."""
        if not self.sources:
            return
        try:  # every clause compiled alone and is free of comments: so does their list
            self._combined = cel.compile("[" + ", ".join(f"({s})" for s in self.sources) + "]")
        except BaseException as exc:
            if not limits.is_cel_failure(exc):
                raise
            message = msg(
                "the conditions of {where} do not compile together: {detail}",
                where=self._where,
                detail=_first_line(exc),
            )
            raise RuleError("PE-R005", message) from None
        if not self._use_fast:
            return
        # finite: the activation's doubles come from validated facts, finite decimals (never NaN)
        compiled = [tree_parts(tree, finite=True) if tree is not None else None for tree in self.trees]
        fast = tuple(f for f in compiled if f is not None)
        if len(fast) != len(compiled):
            return
        combined = self._combined
        for sample in sample_activations(self._declared):
            if _outcome(lambda: _run_parts(fast, sample)) != _outcome(lambda: combined.execute(sample)):  # noqa: B023
                return  # never expected (the property tests say so); the library alone then
        self._fast = fast

    def run(self, activation: Mapping[str, Any], case_where: str | Callable[[], str]) -> list[bool]:
        """Evaluate every clause on one case; raise PE-E002 naming the clause that fails.

        ``case_where`` names the case for errors; a callable is only called on an error."""
        if self._combined is None:
            return []
        fast = self._fast
        if fast is not None:
            try:
                return [test(get(activation), operand) for get, test, operand in fast]  # _run_parts, inline
            except Exception:  # an error: the library gives its exact result or error below
                pass
        try:
            out = self._combined.execute(activation)
        except BaseException as exc:  # a Rust panic too: the clauses one by one name the failure
            if not limits.is_cel_failure(exc):
                raise
            out = None
        if type(out) is list and set(map(type, out)) <= _BOOL:  # every result a bool (bool has no subclasses)
            return out
        results: list[bool] = []
        if callable(case_where):
            case_where = case_where()
        for source, program in zip(self.sources, self._programs, strict=True):
            try:
                value = program.execute(activation)
            except BaseException as exc:
                if not limits.is_cel_failure(exc):
                    raise
                message = msg(
                    "condition '{source}' failed in {where}: {detail}",
                    source=source,
                    where=self._where,
                    detail=_first_line(exc),
                )
                raise EvaluationError("PE-E002", message, case_where) from None
            if not isinstance(value, bool):
                message = msg("condition '{source}' gave {value!r}, not true/false", source=source, value=value)
                raise EvaluationError("PE-E002", message, case_where)
            results.append(value)
        return results


_BOOL = {bool}


def _run_parts(parts: Sequence[Parts], activation: Mapping[str, Any]) -> list[bool]:
    return [test(get(activation), operand) for get, test, operand in parts]


def _outcome(run: Callable[[], Any]) -> tuple[str, Any]:
    """What running gives: ("ok", value) or ("error", None)."""
    try:
        return ("ok", run())
    except BaseException as exc:
        if not limits.is_cel_failure(exc):
            raise
        return ("error", None)


def _short(source: str) -> str:
    """A clause as quoted in a message: at most 200 characters."""
    return source if len(source) <= 200 else source[:200] + "…"


def _first_line(exc: BaseException) -> Msg:
    """What the CEL library says (English, on one line); in Chinese, a sentence in general words
    (the library's text is not translated: ``details`` area, ``(cel)``)."""
    text = str(exc).strip()
    return word("details", text.replace("\n", " ⏎ ")[:400], default="(cel)")


def _sample_text(sample: Mapping[str, Any], names: Sequence[str]) -> Msg:
    return joined(f"{n}={sample.get(n)!r}" for n in names) if names else msg("no facts")
