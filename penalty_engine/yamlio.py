"""Safe YAML and JSON reading with line numbers.

Rule files and case files are plain data. The loader here:

* builds only plain data (maps, lists, strings, numbers, booleans, dates, null); any tag that
  would build an object (``!!python/object``, custom ``!tags``) is refused with its line;
* refuses duplicate keys (PyYAML silently keeps the last one);
* reads every non-integer number as ``Decimal`` from its text, so no float ever holds a value
  read from a file;
* records the line of every key and list item, so a schema error deep inside a file can be
  reported as ``file:line``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import PenaltyEngineError

Loc = tuple[str | int, ...]

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


class YamlProblem(Exception):
    """Raised by the loader; ``kind`` is ``syntax`` | ``duplicate`` | ``tag``."""

    def __init__(self, kind: str, message: str, line: int) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.line = line


class _Loader(yaml.SafeLoader):
    pass


def _decimal(loader: _Loader, node: Node) -> Any:
    assert isinstance(node, ScalarNode)
    text = str(node.value).replace("_", "").lower()
    if text in {".nan", ".inf", "+.inf", "-.inf"}:
        raise YamlProblem("syntax", f"'{node.value}' is not a usable number", node.start_mark.line + 1)
    try:
        return Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the resolver only passes numbers
        raise YamlProblem("syntax", f"'{node.value}' is not a number", node.start_mark.line + 1) from exc


def _map(loader: _Loader, node: Node) -> dict[Any, Any]:
    assert isinstance(node, MappingNode)
    loader.flatten_mapping(node)
    out: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, (dict, list)):
            raise YamlProblem("syntax", "a map key must be a plain value", key_node.start_mark.line + 1)
        if key in out:
            raise YamlProblem("duplicate", f"duplicate key '{key}'", key_node.start_mark.line + 1)
        out[key] = loader.construct_object(value_node, deep=True)
    return out


_Loader.add_constructor("tag:yaml.org,2002:float", _decimal)
_Loader.add_constructor("tag:yaml.org,2002:map", _map)


def _check_tags(node: Node) -> None:
    if node.tag not in _STD_TAGS:
        raise YamlProblem(
            "tag",
            f"tag '{node.tag}' is not allowed: rule and case files hold plain data only",
            node.start_mark.line + 1,
        )
    if isinstance(node, MappingNode):
        for k, v in node.value:
            _check_tags(k)
            _check_tags(v)
    elif isinstance(node, SequenceNode):
        for item in node.value:
            _check_tags(item)


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


def parse_yaml(text: str, path: str = "<string>") -> Located:
    """Parse one YAML document safely; raise ``YamlProblem`` on any defect."""
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return Located(None, path, {})
            _check_tags(node)
            data = loader.construct_document(node)
        finally:
            loader.dispose()
    except YamlProblem:
        raise
    except ConstructorError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise YamlProblem("tag", str(exc.problem or exc), (mark.line + 1) if mark else 1) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise YamlProblem("syntax", str(problem), (mark.line + 1) if mark else 1) from exc
    lines: dict[Loc, int] = {}
    _record_lines(node, (), lines)
    return Located(data, path, lines)


def parse_json(text: str, path: str = "<string>") -> Located:
    """Parse JSON with decimals for non-integers and duplicate keys refused."""

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for k, v in items:
            if k in out:
                raise YamlProblem("duplicate", f"duplicate key '{k}'", 1)
            out[k] = v
        return out

    try:
        data = json.loads(text, parse_float=Decimal, object_pairs_hook=pairs)
    except json.JSONDecodeError as exc:
        raise YamlProblem("syntax", exc.msg, exc.lineno) from exc
    return Located(data, path, {})


def read_text(path: Path, make_error: Callable[[str, str], PenaltyEngineError]) -> str:
    """Read a UTF-8 file (a BOM is accepted) or raise the caller's error."""
    try:
        return path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise make_error(f"file not found: {path}", str(path)) from None
    except UnicodeDecodeError as exc:
        raise make_error(f"not UTF-8 text (byte {exc.start})", str(path)) from None
    except OSError as exc:
        raise make_error(f"cannot read: {exc.strerror}", str(path)) from None
