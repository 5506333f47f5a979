"""Safe YAML and JSON reading with line numbers.

Rule files and case files are plain data. The loader here:

* builds only plain data (maps, lists, strings, numbers, booleans, dates, null); any tag that
  would build an object (``!!python/object``, custom ``!tags``) is refused with its line;
* refuses duplicate keys (PyYAML silently keeps the last one);
* reads every non-integer number as ``Decimal`` from its text, so no float ever holds a value
  read from a file;
* records the line of every key and list item, so a schema error deep inside a file can be
  reported as ``file:line``;
* stays within bounded time and memory on hostile input (docs/error-codes.md, "Limits"): a file
  larger than ``MAX_FILE_BYTES`` is refused before it is parsed, nesting deeper than ``MAX_DEPTH``
  while it is composed, a document whose aliases expand to more than ``MAX_NODES`` values (an alias
  bomb) or that refers to itself before it is built, a number written with more than
  ``MAX_NUMBER_CHARS`` characters before it is converted; invalid dates (``2023-02-29``) and text
  that is not valid Unicode (a lone surrogate from an escape such as ``"\\ud800"``) are errors with
  their line. Every check is linear in the size of the text.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

from .errors import Msg, PenaltyEngineError, msg, word

Loc = tuple[str | int, ...]

#: Largest rule or case file read, in bytes (checked before the file is parsed).
MAX_FILE_BYTES = 1_048_576
#: Deepest nesting of maps and lists in a file or a case.
MAX_DEPTH = 50
#: Most values (maps, lists, scalars) a document may hold once its aliases are expanded.
MAX_NODES = 250_000
#: Longest number, in characters, that is converted (an integer of 10**1000000 never is).
MAX_NUMBER_CHARS = 100
_MAX_INT_BITS = 332  # 10**100 has 333 bits

_STD_TAGS = {
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}


@dataclass(frozen=True)
class Located:
    """Parsed data plus the line (1-based) of each location path in it."""

    data: Any
    path: str
    lines: dict[Loc, int] = field(default_factory=dict)

    def line_of(self, loc: Loc) -> int:
        """Line of the deepest known prefix of ``loc`` (1 when nothing is known)."""
        for end in range(len(loc), -1, -1):
            line = self.lines.get(tuple(loc[:end]))
            if line is not None:
                return line
        return 1

    def where(self, loc: Loc = ()) -> str:
        return f"{self.path}:{self.line_of(loc)}"


def detail(text: str) -> Msg:
    """A message of the YAML or JSON library (English), with its Chinese from the catalog's
    ``details`` area, or a Chinese sentence saying the text there does not parse."""
    if text.startswith("found undefined alias "):
        return msg("found undefined alias {name}", name=text.removeprefix("found undefined alias "))
    return word("details", text, default="(other)")


def _deep() -> Msg:
    return msg("nested deeper than {n} levels of maps and lists", n=MAX_DEPTH)


class YamlProblem(Exception):
    """Raised by the loader; ``kind`` is ``syntax`` | ``duplicate`` | ``tag`` | ``limit``;
    ``message`` is a ``Msg`` (both languages)."""

    def __init__(self, kind: str, message: Msg, line: int) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.line = line


class _DepthComposer(Composer):
    depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        """PyYAML's composer, with the nesting depth counted (it recurses once per level)."""
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                line = self.peek_event().start_mark.line + 1  # type: ignore[attr-defined]
                raise YamlProblem("limit", _deep(), line)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _c_parser() -> Any:
    """libyaml's parser, which the published PyYAML wheels carry; None for a build without it."""
    try:
        from yaml import cyaml
    except ImportError:  # pragma: no cover - a PyYAML built without libyaml
        return None
    return getattr(cyaml, "CParser", None)


CParser: Any = _c_parser()

if CParser is not None:

    class _Loader(_DepthComposer, CParser, SafeConstructor, Resolver):  # type: ignore[misc]
        """libyaml's scanner and parser (C, about ten times faster) under PyYAML's own composer.

        Only the event stream comes from C: nodes are composed here in Python, so the nesting
        depth is counted and every node carries its line exactly as with the pure-Python parser."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)
            Composer.__init__(self)

else:  # pragma: no cover - a PyYAML built without libyaml

    class _Loader(_DepthComposer, Reader, Scanner, Parser, SafeConstructor, Resolver):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


def _number_text(node: Node) -> str:
    assert isinstance(node, ScalarNode)
    text = str(node.value)
    if len(text) > MAX_NUMBER_CHARS:
        raise YamlProblem("limit", _long_number(len(text)), _line(node))
    return text


def _int(loader: _Loader, node: Node) -> Any:
    _number_text(node)
    assert isinstance(node, ScalarNode)
    return loader.construct_yaml_int(node)


def _timestamp(loader: _Loader, node: Node) -> Any:
    assert isinstance(node, ScalarNode)
    try:
        return loader.construct_yaml_timestamp(node)
    except (ValueError, OverflowError):
        value = getattr(node, "value", "")
        message = msg("'{value}' is not a valid date (quote it to read it as text)", value=value)
        raise YamlProblem("syntax", message, _line(node)) from None


def _str(loader: _Loader, node: Node) -> Any:
    value = loader.construct_yaml_str(node)
    problem = text_problem(value)
    if problem:
        raise YamlProblem("syntax", problem, _line(node))
    return value


def _long_number(n: int) -> Msg:
    return msg("a number of {n} characters (at most {max} are read)", n=n, max=MAX_NUMBER_CHARS)


def text_problem(value: str) -> Msg | None:
    """Why a string is not valid Unicode text (a lone surrogate such as ``\\ud800``), else None."""
    if value.isascii():
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        return msg(
            "text is not valid Unicode: {char} at position {pos} of {start}",
            char=ascii(value[exc.start]),
            pos=exc.start,
            start=ascii(value[:40]),
        )
    return None


def _decimal(loader: _Loader, node: Node) -> Any:
    text = _number_text(node).replace("_", "").lower()
    if text in {".nan", ".inf", "+.inf", "-.inf"}:
        raise YamlProblem("syntax", msg("'{value}' is not a usable number", value=node.value), node.start_mark.line + 1)
    try:
        return Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the resolver only passes numbers
        raise YamlProblem(
            "syntax", msg("'{value}' is not a number", value=node.value), node.start_mark.line + 1
        ) from exc


def _map(loader: _Loader, node: Node) -> dict[Any, Any]:
    assert isinstance(node, MappingNode)
    loader.flatten_mapping(node)
    out: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, (dict, list)):
            raise YamlProblem("syntax", msg("a map key must be a plain value"), key_node.start_mark.line + 1)
        if key in out:
            raise YamlProblem("duplicate", msg("duplicate key '{key}'", key=key), key_node.start_mark.line + 1)
        out[key] = loader.construct_object(value_node, deep=True)
    return out


_Loader.add_constructor("tag:yaml.org,2002:float", _decimal)
_Loader.add_constructor("tag:yaml.org,2002:int", _int)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)
_Loader.add_constructor("tag:yaml.org,2002:str", _str)
_Loader.add_constructor("tag:yaml.org,2002:map", _map)


def _node_children(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []


def _check_nodes(root: Node) -> None:
    """Refuse object-building tags, self-reference and alias bombs, visiting each node once.

    The size of a node is computed once per node (aliases make the document a graph, in which a
    node can be reached many times) and is the number of values it holds once expanded; a document
    larger than ``MAX_NODES``, or nested deeper than ``MAX_DEPTH`` once expanded (a chain of
    aliases), is refused before anything walks it as a tree."""
    size: dict[int, int] = {}
    height: dict[int, int] = {}
    open_: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            open_.discard(key)
            total = 1 + sum(size[id(c)] for c in _node_children(node))
            if total > MAX_NODES:
                raise YamlProblem(
                    "limit",
                    msg("the document expands to more than {n} values (aliases repeat what they name)", n=MAX_NODES),
                    _line(node),
                )
            size[key] = total
            height[key] = 1 + max((height[id(c)] for c in _node_children(node)), default=0)
            if height[key] > MAX_DEPTH + 1:  # a chain of aliases nests deeper than the text does
                raise YamlProblem("limit", _deep(), _line(node))
            continue
        if key in size:
            continue
        if key in open_:
            raise YamlProblem("limit", msg("an alias refers to the map or list it is part of"), _line(node))
        if node.tag not in _STD_TAGS:
            raise YamlProblem(
                "tag",
                msg("tag '{tag}' is not allowed: rule and case files hold plain data only", tag=node.tag),
                _line(node),
            )
        open_.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in reversed(_node_children(node)))


def _record_lines(node: Node, loc: Loc, lines: dict[Loc, int]) -> None:
    lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, MappingNode):
        for k, v in node.value:
            if isinstance(k, ScalarNode):
                key_loc = (*loc, str(k.value))
                lines[key_loc] = k.start_mark.line + 1
                _record_lines(v, key_loc, lines)
    elif isinstance(node, SequenceNode):
        for i, item in enumerate(node.value):
            _record_lines(item, (*loc, i), lines)


def _size_problem(text: str) -> None:
    if len(text) > MAX_FILE_BYTES:  # characters: at least as many bytes
        raise YamlProblem("limit", msg("larger than {n} bytes", n=MAX_FILE_BYTES), 1)


def parse_yaml(text: str, path: str = "<string>") -> Located:
    """Parse one YAML document safely; raise ``YamlProblem`` on any defect or limit."""
    _size_problem(text)
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return Located(None, path, {})
            _check_nodes(node)
            data = loader.construct_document(node)
        finally:
            loader.dispose()
    except YamlProblem:
        raise
    except ConstructorError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise YamlProblem("tag", detail(str(exc.problem or exc)), (mark.line + 1) if mark else 1) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        if "maximum nesting depth" in str(problem):  # libyaml stops first, at its own limit (1000)
            raise YamlProblem("limit", _deep(), (mark.line + 1) if mark else 1) from exc
        raise YamlProblem("syntax", detail(str(problem)), (mark.line + 1) if mark else 1) from exc
    lines: dict[Loc, int] = {}
    _record_lines(node, (), lines)
    return Located(data, path, lines)


def parse_json(text: str, path: str = "<string>") -> Located:
    """Parse JSON with decimals for non-integers and duplicate keys refused."""

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for k, v in items:
            if k in out:
                raise YamlProblem("duplicate", msg("duplicate key '{key}'", key=k), 1)
            out[k] = v
        return out

    def number(text: str) -> Decimal:
        if len(text) > MAX_NUMBER_CHARS:
            raise YamlProblem("limit", _long_number(len(text)), 1)
        return Decimal(text)

    def integer(text: str) -> int:
        number(text)
        return int(text)

    _size_problem(text)
    try:
        data = json.loads(text, parse_float=number, parse_int=integer, object_pairs_hook=pairs)
    except json.JSONDecodeError as exc:
        raise YamlProblem("syntax", detail(exc.msg), exc.lineno) from exc
    except RecursionError:
        raise YamlProblem("limit", _deep(), 1) from None
    problem = plain_problem(data)
    if problem is not None:
        raise YamlProblem("limit" if "Unicode" not in problem else "syntax", problem, 1)
    return Located(data, path, {})


#: values ``plain_problem`` never objects to, by their exact type
_HARMLESS = frozenset((bool, float, type(None), Decimal))
#: ``_surely_plain`` answers for data up to this many values and this depth (else the full walk does)
_QUICK_NODES, _QUICK_DEPTH = 4096, 8


def _surely_plain(container: Any, depth: int = 0) -> int:
    """How many values a dict or list holds when it surely has none of ``plain_problem``'s
    problems (small, shallow, text keys, values of the usual types), else -1: then
    ``plain_problem`` walks it and says what. The shape of every case dict, in a fraction of the
    full walk's time."""
    seen = 1
    if type(container) is dict:
        for key in container:
            if type(key) is not str or not (key.isascii() or text_problem(key) is None):
                return -1
        seen += len(container)
        values: Any = container.values()
    else:
        values = container
    for v in values:
        t = type(v)
        if t is str:
            if not v.isascii() and text_problem(v) is not None:
                return -1
        elif t is int:
            if v.bit_length() > _MAX_INT_BITS:
                return -1
        elif t is dict or t is list or t is tuple:
            n = _surely_plain(v, depth + 1) if depth + 1 < _QUICK_DEPTH else -1
            if n < 0:
                return -1
            seen += n - 1
        elif t not in _HARMLESS:
            return -1
        seen += 1
        if seen > _QUICK_NODES:
            return -1
    return seen


def plain_problem(data: Any) -> Msg | None:
    """What makes plain data (a case given as a dict, parsed JSON) unsafe to read, else None:
    nesting deeper than ``MAX_DEPTH``, more than ``MAX_NODES`` values, text that is not valid
    Unicode, an integer of more than ``MAX_NUMBER_CHARS`` digits. Iterative, stops at the first
    problem; a cycle is reported as too deep."""
    if type(data) is dict and _surely_plain(data) >= 0:
        return None
    return walk_problem(data)


def walk_problem(data: Any) -> Msg | None:
    """``plain_problem`` by walking every value (what it does when ``_surely_plain`` cannot say)."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    seen = 0
    while stack:
        value, depth = stack.pop()
        seen += 1
        if seen > MAX_NODES:
            return msg("more than {n} values", n=MAX_NODES)
        if isinstance(value, str):
            problem = text_problem(value)
            if problem:
                return problem
        elif isinstance(value, int):
            if value.bit_length() > _MAX_INT_BITS:
                return msg("a number of more than {n} digits", n=MAX_NUMBER_CHARS)
        elif isinstance(value, dict):
            if depth >= MAX_DEPTH:
                return _deep()
            for k, v in value.items():
                stack.append((k, depth + 1))
                stack.append((v, depth + 1))
        elif isinstance(value, (list, tuple)):
            if depth >= MAX_DEPTH:
                return _deep()
            stack.extend((v, depth + 1) for v in value)
    return None


def read_text(path: Path, make_error: Callable[[Msg, str], PenaltyEngineError]) -> str:
    """Read a UTF-8 file (a BOM is accepted) of at most ``MAX_FILE_BYTES``, or raise the caller's error.

    Raises:
        YamlProblem: ``limit``, the file is larger than ``MAX_FILE_BYTES`` (checked before reading).
    """
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            limit = msg("larger than {n} bytes, the limit for a rule or case file", n=MAX_FILE_BYTES)
            raise YamlProblem("limit", limit, 1)
        return path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise make_error(msg("file not found: {path}", path=path), str(path)) from None
    except UnicodeDecodeError as exc:
        raise make_error(msg("not UTF-8 text (byte {n})", n=exc.start), str(path)) from None
    except OSError as exc:
        reason = word("details", str(exc.strerror), default="(os)")
        raise make_error(msg("cannot read: {reason}", reason=reason), str(path)) from None
