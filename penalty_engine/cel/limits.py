"""Limits on a CEL clause, checked before the CEL library sees it (docs/error-codes.md, "Limits").

The CEL library parses recursively (100,000 nested parentheses end in a Rust panic) and evaluates
without a budget (four nested ``.map()`` over list literals run for minutes; ``x in [0, …, 99999]``
for seconds). A rule file cannot run code, and it must not be able to stop the engine either: a
clause is refused at load when it is longer than ``MAX_CHARS``, nests brackets deeper than
``MAX_DEPTH``, writes a list or map of more than ``MAX_ITEMS`` items, or uses comprehensions
(``all exists exists_one map filter``) beyond the cost bound: at most ``MAX_COMPREHENSIONS`` in a
clause and none inside another, so that the worst case is linear in the clause's length. A ``//``
comment is refused too: accepted alone, it would swallow the rest of the program the clauses of a
version are joined into.

Pure; one pass over the characters of the clause. :func:`is_cel_failure` tells a failure of the
library (an ``Exception``, or the ``PanicException`` of its Rust core, which is not one) from an
interruption that must go through.
"""

from __future__ import annotations

from ..errors import Msg, msg

MAX_CHARS = 2000
MAX_DEPTH = 24
MAX_ITEMS = 200
MAX_COMPREHENSIONS = 4
MACROS = frozenset({"all", "exists", "exists_one", "map", "filter"})
_OPEN = {"(": ")", "[": "]", "{": "}"}
_QUOTES = ("'''", '"""', "'", '"')
_PREFIXES = frozenset({"r", "b", "rb", "br"})


class Limit(ValueError):
    """A clause beyond a limit; ``code`` is PE-R021 (a limit) or PE-R005 (a comment)."""

    def __init__(self, code: str, message: Msg) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def check(source: str) -> None:
    """Raise :class:`Limit` when ``source`` is beyond a limit; return when it may be compiled."""
    if len(source) > MAX_CHARS:
        raise Limit(
            "PE-R021", msg("the condition has {n} characters; at most {max} are allowed", n=len(source), max=MAX_CHARS)
        )
    closers: list[str] = []  # the closing bracket of each open one, innermost last
    items: list[int] = []  # the commas seen directly inside each open bracket
    inside: list[bool] = []  # whether each open bracket holds a comprehension's arguments
    comprehensions = 0
    i, n = 0, len(source)
    while i < n:
        c = source[i]
        if c.isalpha() or c == "_":
            j = i
            while j < n and (source[j].isalnum() or source[j] == "_"):
                j += 1
            if source[i:j].lower() in _PREFIXES and j < n and source[j] in "'\"":
                j = _skip_string(source, j, raw="r" in source[i:j].lower())
            i = j
            continue
        if c in "'\"":
            i = _skip_string(source, i)
            continue
        if source.startswith("//", i):
            raise Limit("PE-R005", msg("a // comment is not allowed in a condition (say it in the rule's notes)"))
        if c in _OPEN:
            macro = _macro_before(source, i)
            if macro:
                comprehensions += 1
                if any(inside):
                    raise Limit(
                        "PE-R021",
                        msg("a comprehension (.{macro}) inside another one: the cost would multiply", macro=macro),
                    )
                if comprehensions > MAX_COMPREHENSIONS:
                    raise Limit("PE-R021", msg("more than {n} comprehensions in one condition", n=MAX_COMPREHENSIONS))
            closers.append(_OPEN[c])
            items.append(0)
            inside.append(macro is not None)
            if len(closers) > MAX_DEPTH:
                raise Limit("PE-R021", msg("brackets nested deeper than {n} levels", n=MAX_DEPTH))
        elif c in ")]}" and closers:
            closers.pop()
            items.pop()
            inside.pop()
        elif c == "," and items:
            items[-1] += 1
            if items[-1] >= MAX_ITEMS:
                raise Limit("PE-R021", msg("a list or map of more than {n} items", n=MAX_ITEMS))
        i += 1


def _macro_before(source: str, i: int) -> str | None:
    """The macro name when ``source[i]`` is the ``(`` of ``.map(`` and the like."""
    if source[i] != "(":
        return None
    j = i
    while j > 0 and source[j - 1] in " \t\r\n":
        j -= 1
    k = j
    while k > 0 and (source[k - 1].isalnum() or source[k - 1] == "_"):
        k -= 1
    name = source[k:j]
    while k > 0 and source[k - 1] in " \t\r\n":
        k -= 1
    return name if name in MACROS and k > 0 and source[k - 1] == "." else None


def _skip_string(source: str, i: int, raw: bool = False) -> int:
    """The index after the string literal whose quote is at ``i``; the end of the source for an
    unclosed one (the library reports it)."""
    quote = next(q for q in _QUOTES if source.startswith(q, i))
    i += len(quote)
    while i < len(source):
        if not raw and source[i] == "\\":
            i += 2
            continue
        if source.startswith(quote, i):
            return i + len(quote)
        if len(quote) == 1 and source[i] in "\r\n":
            return len(source)
        i += 1
    return len(source)


def is_cel_failure(exc: BaseException) -> bool:
    """Whether ``exc`` is the CEL library failing (an ``Exception`` or a Rust panic), not an
    interruption (``KeyboardInterrupt``, ``SystemExit``) that must propagate."""
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"
