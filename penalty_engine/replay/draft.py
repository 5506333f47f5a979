"""Draft a mapping file from an export (``penalty replay --init-mapping``, issue #14).

Reads the export's headers and the values of its enumerable columns (through ``readers``, so in any
encoding and format replay reads) and guesses:

- each header's case field: by the built-in header names of ``names.yaml`` (案号 → case_id,
  程序义务 → actual.duties, …), by the dotted field name itself, or by a fact's label or name in
  the loaded rules (``facts.<name>``; a bool fact also gets ``type: bool``);
- a ``values:`` table for the violation column (rule ids, or rule titles → ids) and for columns of
  a kind with built-in names (outcome, tier, duties item by item, party kind, yes/no).

Every guess is a ``key: value  # GUESS: check`` line for the auditor to confirm; what cannot be
guessed (unknown headers, unrecognised values) is written commented out and listed in
``Draft.unguessed``. Not pure: reads the export. Cost: one pass over at most ``limit`` rows.
"""

from __future__ import annotations

import codecs
import difflib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field as _field
from pathlib import Path
from typing import Any

import yaml

from ..core import Engine
from ..errors import Msg, PenaltyEngineError, msg
from .mapping import FIELD_TYPES, LIST_ITEM, split_list
from .names import KINDS, names, normalise
from .readers import read_rows

GUESS = "# GUESS: check"
"""The marker of every guessed line."""

_MAX_VALUES = 200  # distinct values kept per column


@dataclass
class Draft:
    """A drafted mapping: its YAML ``text``, the ``fields`` guessed per header, what was not guessed."""

    text: str
    fields: dict[str, str] = _field(default_factory=dict)
    unguessed: list[str] = _field(default_factory=list)


@dataclass
class _Column:
    header: str
    target: str | None = None  # the case field guessed
    type: str | None = None
    kind: str | None = None  # the built-in names kind of its values (or of its list items)
    seen: dict[str, None] = _field(default_factory=dict)  # distinct values, in order of appearance


def draft_mapping(
    inputs: Iterable[str | Path], engine: Engine, encoding: str | None = None, limit: int = 100_000
) -> Draft:
    """Draft a mapping for the exports ``inputs`` (CSV or XLSX), guessing fields with ``engine``'s rules.

    Raises ``PenaltyEngineError`` (PE-C001) when no file has a header row to map."""
    facts = _fact_names(engine)
    columns: dict[str, _Column] = {}
    read = 0
    for path in inputs:
        for row in read_rows(path, encoding=encoding):
            if row.error is not None and row.source.endswith(":0"):
                err = row.error
                problem = err.fields["problem"] if isinstance(err, Msg) else err.removeprefix("PE-C001 ")
                raise PenaltyEngineError("PE-C001", problem, str(path))
            if not isinstance(row.data, dict):
                continue
            read += 1
            for header, value in row.data.items():
                col = columns.get(header)
                if col is None:
                    col = columns[header] = _guess(header, facts)
                if col.kind is not None or col.target == "violation":
                    _see(col, value)
            if read >= limit:
                break
    if not columns:
        raise PenaltyEngineError("PE-C001", msg("no header row to draft a mapping from"), ", ".join(map(str, inputs)))
    return _render(columns, engine, read, encoding or _sniff(inputs))


def _sniff(inputs: Iterable[str | Path]) -> str | None:
    """``gbk`` (or ``gb18030``) when a text input is not UTF-8, else ``None``.

    Worth writing down: a short GBK cell can be valid UTF-8 by chance (``元`` is D4 AA, which UTF-8
    reads as ``Ԫ``), so detecting cell by cell misreads some cells of a GBK file."""
    for path in inputs:
        p = Path(path)
        if p.suffix.lower() not in (".csv", ".tsv", ".txt", ".jsonl", ".ndjson", ".json") or not p.is_file():
            continue
        with p.open("rb") as fh:
            raw = fh.read(4 << 20)
        for name in ("utf-8", "gbk", "gb18030"):
            try:
                codecs.getincrementaldecoder(name)().decode(raw, final=False)
            except UnicodeDecodeError:
                continue
            if name != "utf-8":
                return name
            break
    return None


def _fact_names(engine: Engine) -> dict[str, tuple[str, str]]:
    """Normalised fact label or name → (fact name, fact type), over every loaded rule."""
    out: dict[str, tuple[str, str]] = {}
    for rule in engine.rules():
        for name, spec in rule.facts.items():
            for key in (spec.label.zh, spec.label.en, name, f"facts.{name}"):
                out.setdefault(normalise(key), (name, spec.type.value))
    return out


def _guess(header: str, facts: dict[str, tuple[str, str]]) -> _Column:
    col = _Column(header)
    built_in = names().field(header)
    if built_in is not None:
        col.target = built_in
        kind = FIELD_TYPES.get(built_in)
        kind = LIST_ITEM.get(kind, kind) if kind is not None else None
        col.kind = kind if kind in KINDS else None
        return col
    fact = facts.get(normalise(header))
    if fact is not None:
        col.target = f"facts.{fact[0]}"
        if fact[1] == "bool":
            col.type = col.kind = "bool"
    return col


def _see(col: _Column, value: Any) -> None:
    if value is None or len(col.seen) >= _MAX_VALUES:
        return
    text = value if isinstance(value, str) else str(value)
    if not text.strip():
        return
    items = split_list(text) if col.target == "actual.duties" else [text.strip()]
    for item in items:
        col.seen.setdefault(item, None)


def _render(columns: dict[str, _Column], engine: Engine, read: int, encoding: str | None) -> Draft:
    draft = Draft(text="")
    lines = [
        f"# Drafted by `penalty replay --init-mapping` from the headers and values of {read} rows.",
        f'# Every line marked "{GUESS}" is a guess: confirm it or correct it. Lines commented out',
        "# could not be guessed: fill them in, or leave them out (columns not named are ignored).",
        "# Values with built-in names (处罚/不予处罚, 从轻/一般/从重, 责令改正/告知听证权利/…, 个人/单位,",
        "# 是/否) need no table; the tables below show what was recognised, for you to confirm.",
    ]
    if encoding is not None:
        lines.append(f"encoding: {encoding}  {GUESS}")
    lines.append("columns:")
    for col in columns.values():
        if col.target is None:
            lines.append(f"  # {_q(col.header)}: ?  # not guessed: name a case field, or leave it out")
            draft.unguessed.append(f"column {col.header!r}: no case field guessed")
            continue
        draft.fields[col.header] = col.target
        table = _violation_values(col, engine, draft) if col.target == "violation" else _named_values(col, draft)
        if col.type is None and not table:
            lines.append(f"  {_q(col.header)}: {col.target}  {GUESS}")
            continue
        lines.append(f"  {_q(col.header)}:")
        lines.append(f"    field: {col.target}  {GUESS}")
        if col.type is not None:
            lines.append(f"    type: {col.type}  {GUESS}")
        if table:
            lines.append("    values:")
            lines.extend(f"      {line}" for line in table)
    draft.text = "\n".join(lines) + "\n"
    return draft


def _named_values(col: _Column, draft: Draft) -> list[str]:
    if col.kind is None:
        return []
    out = []
    for value in col.seen:
        found = names().value(col.kind, value)
        if found is None:
            out.append(f"# {_q(value)}: ?  # not recognised: write its value")
            draft.unguessed.append(f"column {col.header!r}: value {value!r} not recognised")
        elif not (col.kind == "duty" and found == value.strip()):  # a step the engine does not check
            out.append(f"{_q(value)}: {_q(found)}  {GUESS}")
    return out


def _violation_values(col: _Column, engine: Engine, draft: Draft) -> list[str]:
    titles: dict[str, str] = {}
    for rule in engine.rules():
        preferred = _resolves(engine, rule.id.partition("/")[2]) or rule.id
        for title in (rule.rule.title.zh, rule.rule.title.en):
            titles.setdefault(normalise(title), preferred)
    out: list[str] = []
    needed = False
    for value in col.seen:
        ref = _resolves(engine, value)
        if ref is not None:
            out.append(f"{_q(value)}: {_q(value)}")  # a rule id already: kept as it is
            continue
        needed = True
        key = normalise(value)
        guess = titles.get(key)
        if guess is None:
            near = difflib.get_close_matches(key, list(titles), n=1, cutoff=0.6)
            guess = titles[near[0]] if near else None
        if guess is None:
            out.append(f"# {_q(value)}: ?  # no rule title like it: write its rule id")
            draft.unguessed.append(f"column {col.header!r}: violation {value!r} not recognised")
        else:
            out.append(f"{_q(value)}: {_q(guess)}  {GUESS}")
    return out if needed else []


def _resolves(engine: Engine, ref: str) -> str | None:
    try:
        return engine.rule(ref).id
    except PenaltyEngineError:
        return None


def _q(value: Any) -> str:
    """A YAML scalar: plain when it reads back as itself, else quoted (JSON is YAML)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    try:
        plain = yaml.safe_load(f"k: {text}")
    except yaml.YAMLError:
        plain = None
    if isinstance(plain, dict) and plain.get("k") == text and "#" not in text and text == text.strip():
        return text
    return json.dumps(text, ensure_ascii=False)
