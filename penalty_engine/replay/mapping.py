"""Column mapping: flat rows (CSV/XLSX headers, often Chinese) → case-input dicts.

A mapping file (YAML) names, for each source header, the case field it fills and how its values
convert (docs/replay.md "Mapping real exports")::

    encoding: gbk                 # optional: encoding of every column (else detected per cell)
    columns:
      案件编号: case_id
      违法行为: {field: violation, values: {无证货运: cn-transport/unlicensed-freight}}
      当事人类型: party.kind        # 个人/单位 are understood without a value map
      违法所得: {field: facts.illegal_gain, type: amount}      # "1.5万元" → 15000
      发生日期: occurred_on         # 2026/3/2, 2026年3月2日, 2026-03-02
      是否严重: {field: facts.serious, type: bool}              # 是/否 → true/false
      经办人: {field: actual.officer, encoding: gb18030}
    constants: {actual.outcome: penalty}                       # optional fixed fields

Without a mapping, headers are the dotted field names themselves (``party.kind``,
``facts.illegal_gain``, ``actual.fine``) and the built-in converters of the known fields apply.

A cell converts in this order: a list cell (``actual.duties``, type ``list``/``duties``) is split
first, on 、 ， , ； ; and whitespace, and each item converts on its own; then the column's own
``values:`` (matched after ``names.normalise``: NFKC, stripped, Latin case-insensitive) wins; then
the built-in converter of the field's type: amounts, dates, whole numbers, or the built-in names of
``names.yaml`` (outcomes, tiers, duties, penalty kinds, party kinds, yes/no). A value nothing
recognises rejects the row with the column, the value and the nearest known names (PE-C004).
Pure: no I/O apart from reading a mapping file in ``load_mapping``.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from ..errors import CaseError, Msg, joined, msg, pair, word
from ..values import ValueProblem, read_amount, read_date
from .names import KINDS, WHAT, names, normalise

TYPES = (
    "str",
    "amount",
    "date",
    "bool",
    "int",
    "list",
    "party_kind",
    "outcome",
    "tier",
    "duty",
    "duties",
    "penalty_kind",
)
LIST_ITEM = {"list": None, "duties": "duty"}
"""List types: the cell is split first (``split_list``), then each item converts by its type."""

FIELD_TYPES: dict[str, str] = {
    "occurred_on": "date",
    "discovered_on": "date",
    "decided_on": "date",
    "party.kind": "party_kind",
    "party.age": "int",
    "actual.fine": "amount",
    "actual.outcome": "outcome",
    "actual.tier": "tier",
    "actual.duties": "duties",
    "same_act": "bool",
}

_LIST_SPLIT = re.compile(r"[,，、;；\s]+")  # \s covers the ideographic space U+3000 and line breaks


def _is_not(column: str, value: str, what: Msg) -> Msg:
    return msg("{column}: {value!r} is not {what}", column=column, value=value, what=what)


def _bad(what: Msg, value: str, column: str) -> CaseError:
    return CaseError("PE-C004", _is_not(column, value, what))


def parse_amount(value: str, column: str = "amount") -> str:
    """ "1.5万元" → "15000", "1,200.50" → "1200.5": a canonical decimal string, never a float.

    Read by the shared reader (``values.read_amount``, ADR 0016), without exponents."""
    try:
        number = read_amount(value, exponent=False)
    except ValueProblem as exc:
        problem = _is_not(column, value, exc.expected)
        raise CaseError(exc.code, problem + msg(": {detail}", detail=exc.detail) if exc.detail else problem) from None
    if number == number.to_integral_value():
        return str(number.quantize(Decimal(1)))
    return format(number.normalize(), "f")


def parse_date(value: Any, column: str = "date") -> str:
    """2026/3/2, 2026年3月2日, 2026-03-02 (a time after it ignored; datetime objects from XLSX)
    → ISO date string. Read by the shared reader (``values.read_date``, ADR 0016)."""
    try:
        return read_date(value if isinstance(value, dt.date) else str(value), time_ok=True).isoformat()
    except ValueProblem as exc:
        raise _bad(exc.expected, str(value), column) from None


def _named(kind: str, text: str, column: str) -> Any:
    """A value by its built-in name (names.yaml), or a reject naming the nearest known names."""
    table = names()
    found = table.value(kind, text)
    if found is not None:
        return found
    near = table.nearest(kind, text)
    known = joined(pair(f"{name} ({value})", name) for name, value in table.known(kind).items())
    problem = _is_not(column, text.strip(), WHAT[kind])
    if near:
        problem = problem + msg("; nearest: {names}", names=joined(near))
    raise CaseError("PE-C004", problem + msg("; known: {known}", known=known))


def split_list(value: Any) -> list[str]:
    """A list cell → its items, split on 、 ， , ； ; and whitespace (empty items dropped)."""
    text = value if isinstance(value, str) else _plain(value)
    return [p for p in _LIST_SPLIT.split(text.strip()) if p]


def convert(kind: str, value: Any, column: str) -> Any:
    """Convert one cell by type name (a list type: split, then each item by its item type)."""
    if kind == "date":
        return parse_date(value, column)
    if kind in LIST_ITEM:
        item = LIST_ITEM[kind]
        return [p if item is None else convert(item, p, column) for p in split_list(value)]
    if isinstance(value, bool):
        return value
    text = value if isinstance(value, str) else _plain(value)
    if kind == "amount":
        return parse_amount(text, column)
    if kind == "int":
        try:
            number = Decimal(text.strip())
        except InvalidOperation:
            raise _bad(msg("a whole number"), text, column) from None
        if number != number.to_integral_value():
            raise _bad(msg("a whole number"), text, column)
        return int(number)
    if kind in KINDS:
        return _named(kind, text, column)
    return text.strip()


def _plain(value: Any) -> str:
    """A spreadsheet number as text without going through float arithmetic ("15000.0" → "15000")."""
    if isinstance(value, int):
        return str(value)
    text = repr(value)
    if re.fullmatch(r"-?\d+\.0", text):
        return text[:-2]
    return text


@dataclass(frozen=True)
class Column:
    """How one source column fills one case field."""

    field: str
    type: str | None = None
    values: dict[str, Any] | None = None
    encoding: str | None = None

    def normalised(self) -> dict[str, Any]:
        """``values`` keyed by their normalised names (computed once per column)."""
        cached: dict[str, Any] | None = self.__dict__.get("_normalised")
        if cached is None:
            cached = {normalise(k): v for k, v in (self.values or {}).items()}
            object.__setattr__(self, "_normalised", cached)
        return cached


@dataclass
class Mapping:
    """Headers → case fields, value maps, encodings (file-wide and per column)."""

    columns: dict[str, Column] = field(default_factory=dict)
    encoding: str | None = None
    constants: dict[str, Any] = field(default_factory=dict)
    #: the XLSX sheet to read (``--sheet`` wins); else the workbook's only sheet with data
    sheet: str | None = None

    def column_encoding(self, header: str) -> str | None:
        col = self.columns.get(header)
        return (col.encoding if col else None) or self.encoding

    def to_case(self, row: dict[str, Any]) -> dict[str, Any]:
        """One flat row → a nested case dict; empty cells are left out. Raises ``CaseError``."""
        case: dict[str, Any] = {}
        for dotted, value in self.constants.items():
            _put(case, dotted, value)
        for header, value in row.items():
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            col = self.columns.get(header) if self.columns else Column(field=header)
            if col is None:
                continue  # a column the mapping does not name is not part of the case
            _put(case, col.field, self._value(col, header, value))
        return case

    def _value(self, col: Column, header: str, value: Any) -> Any:
        kind = col.type or FIELD_TYPES.get(col.field)
        if kind in LIST_ITEM:  # split first, then translate each item (issue #14)
            item = LIST_ITEM[kind]
            return [self._item(col, header, p, item) for p in split_list(value)]
        return self._item(col, header, value, kind)

    def _item(self, col: Column, header: str, value: Any, kind: str | None) -> Any:
        """One cell or list item: the column's own ``values:`` first, then the built-in converter."""
        if col.values is not None and not isinstance(value, bool | dt.date):
            key = normalise(value if isinstance(value, str) else _plain(value))
            table = col.normalised()
            if key in table:
                return table[key]
            if kind is None:
                near = difflib.get_close_matches(key, list(table), n=3, cutoff=0.4)
                what = msg("one of {values}", values=joined(col.values))
                if near:
                    what = what + msg("; nearest: {names}", names=joined(near))
                raise _bad(what, str(value).strip(), header)
        if kind is None:
            return value if isinstance(value, str | bool) else _plain(value)
        return convert(kind, value, header)


def _put(case: dict[str, Any], dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    node = case
    for p in parts[:-1]:
        nxt = node.setdefault(p, {})
        if not isinstance(nxt, dict):
            raise CaseError(
                "PE-C004", msg("{field}: '{part}' is both a value and a group of fields", field=dotted, part=p)
            )
        node = nxt
    node[parts[-1]] = value


def load_mapping(path: str | Path) -> Mapping:
    """Read a mapping YAML file. Raises ``CaseError`` (PE-C001) naming what is wrong."""
    where = str(path)
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        detail = word("details", str(exc), default="(not found)" if isinstance(exc, FileNotFoundError) else "(other)")
        raise CaseError("PE-C001", msg("mapping file: {detail}", detail=detail), where) from None
    if not isinstance(data, dict) or not isinstance(data.get("columns", {}), dict):
        message = msg("mapping file: expected a mapping with {shape}", shape="'columns: {header: field}'")
        raise CaseError("PE-C001", message, where)
    unknown = set(data) - {"columns", "encoding", "constants", "sheet"}
    if unknown:
        raise CaseError("PE-C001", msg("mapping file: unknown keys {keys}", keys=sorted(unknown)), where)
    columns: dict[str, Column] = {}
    for header, spec in (data.get("columns") or {}).items():
        if isinstance(spec, str):
            columns[str(header)] = Column(field=spec)
            continue
        if not isinstance(spec, dict) or "field" not in spec or set(spec) - {"field", "type", "values", "encoding"}:
            message = msg(
                "mapping file: column {header!r}: expected a field name or {shape}",
                header=header,
                shape="{field, type, values, encoding}",
            )
            raise CaseError("PE-C001", message, where)
        if spec.get("type") is not None and spec["type"] not in TYPES:
            message = msg("mapping file: column {header!r}: type must be one of {types}", header=header, types=TYPES)
            raise CaseError("PE-C001", message, where)
        values = spec.get("values")
        columns[str(header)] = Column(
            field=str(spec["field"]),
            type=spec.get("type"),
            values={str(k): v for k, v in values.items()} if isinstance(values, dict) else None,
            encoding=spec.get("encoding"),
        )
    constants = data.get("constants") or {}
    sheet = data.get("sheet")
    if sheet is not None and not isinstance(sheet, str):
        raise CaseError("PE-C001", msg("mapping file: sheet: expected a sheet name, got {sheet!r}", sheet=sheet), where)
    return Mapping(columns=columns, encoding=data.get("encoding"), constants=dict(constants), sheet=sheet)
