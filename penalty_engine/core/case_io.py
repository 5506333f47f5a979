"""Reading cases: files (YAML, JSON, ``-`` for stdin) and plain dicts → validated ``Case``.

Values are read as people write them (ADR 0016): dates as ``2026年5月10日``, ``2026/5/10`` or
``2026.5.10``, the party kind as 个人/单位/法人/…, the age as ``35周岁``, ``same_act`` as 是/否, and
``actual`` in Chinese (处罚, 从轻, 责令改正, ``5.2万``), each by the shared reader (``values``) into
the machine value before the contract is checked; facts are read against their rule's schema when
the case is evaluated (``models.coerce``). So the same case in Chinese or in machine values is the
same ``Case``, with the same decision and fingerprint.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import CaseError, Msg, field_name, joined, kind_of, msg, suggest, word
from ..models import Case
from ..pack import allowed_fields
from ..text import pydantic_text, shown_input
from ..values import ValueProblem, read_age, read_amount, read_date, read_named, words
from ..yamlio import (
    MAX_FILE_BYTES,
    Loc,
    Located,
    YamlProblem,
    parse_json,
    parse_yaml,
    plain_problem,
    read_text,
    text_problem,
)

_BOUND_ERRORS = {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}


def _problem(exc: YamlProblem, path: str) -> CaseError:
    if exc.kind == "limit":
        return CaseError("PE-C011", exc.message, f"{path}:{exc.line}")
    message = msg("{kind} error: {problem}", kind=word("kinds", exc.kind), problem=exc.message)
    return CaseError("PE-C001", message, f"{path}:{exc.line}")


def parse_case_text(text: str, path: str) -> Located:
    """Parse case text as JSON when it looks like JSON, else as YAML (within ``yamlio``'s limits)."""
    try:
        if path.endswith(".json") or text.lstrip().startswith("{"):
            return parse_json(text, path)
        return parse_yaml(text, path)
    except YamlProblem as exc:
        raise _problem(exc, path) from None


def read_case_file(path: str) -> Located:
    """Read one case file, or standard input for ``-`` (at most ``MAX_FILE_BYTES`` either way)."""
    if path == "-":
        text = sys.stdin.read(MAX_FILE_BYTES + 1)
        if len(text) > MAX_FILE_BYTES:
            message = msg("larger than {n} bytes, the limit for a case", n=MAX_FILE_BYTES)
            raise CaseError("PE-C011", message, "<stdin>")
        return parse_case_text(text, "<stdin>")
    try:
        text = read_text(Path(path), lambda msg, where: CaseError("PE-C001", msg, where))
    except YamlProblem as exc:
        raise CaseError("PE-C011", exc.message, path) from None
    return parse_case_text(text, path)


def to_case(data: Any, located: Located | None = None) -> Case:
    """Validate a plain mapping as a ``Case``; errors name the case, the field and the line."""
    if isinstance(data, Case):
        return data
    where_src = located.path if located else "<case>"
    if not isinstance(data, dict):
        raise CaseError("PE-C001", msg("a case is a mapping of fields, got {kind}", kind=kind_of(data)), where_src)
    case_id = data.get("case_id")
    problem = plain_problem(data)
    if problem is not None:
        code = "PE-C004" if "Unicode" in problem else "PE-C011"
        shown_id = case_id if isinstance(case_id, str) and text_problem(case_id) is None else None
        raise CaseError(code, problem, case_where(located, shown_id[:100] if shown_id else None))
    data = read_values(data, located)
    try:
        return Case.model_validate(data)
    except ValidationError as exc:
        errors = sorted(
            exc.errors(), key=lambda e: e["type"] != "extra_forbidden"
        )  # a misspelling explains a "missing"
        first = case_field_error(errors[0], tuple(errors[0]["loc"]), case_id, located)
        if len(errors) > 1:
            more = joined(
                (msg("{field}: {problem}", field=_field(e["loc"]), problem=pydantic_text(e)) for e in errors[1:4]),
                "; ",
                "；",
            )
            first.message = first.message + msg(" (also: {more})", more=more)
        raise first from None


def _field(loc: Any) -> Msg:
    """A field's path (``party.kind``), in Chinese with its name (``party.kind（当事人类型）``,
    area ``fields``); the case itself, ``(case)``, in words."""
    if not loc:
        return msg("(case)")
    return field_name(".".join(str(p) for p in loc))


def case_where(located: Located | None, case_id: Any, loc: Loc = ()) -> Msg:
    """Where in a case: ``file:line, case ID`` (``file:line，案件 ID``)."""
    parts: list[Any] = []
    if located is not None:
        parts.append(located.where(loc) if located.lines else located.path)
    if case_id:
        parts.append(msg("case {case_id}", case_id=case_id))
    return joined(parts, ", ", "，")


def case_field_error(err: Any, loc: Loc, case_id: Any, located: Located | None) -> CaseError:
    field = _field(loc)
    where = case_where(located, case_id, loc)
    kind = err["type"]
    if kind == "missing":
        return CaseError("PE-C002", msg("{field}: required field missing", field=field), where)
    if kind == "extra_forbidden":
        name = str(loc[-1])
        allowed = allowed_fields(Case, loc[:-1])
        return CaseError("PE-C003", msg("{field}: unknown field", field=field) + suggest(name, allowed), where)
    code = "PE-C005" if kind in _BOUND_ERRORS else "PE-C004"
    problem = msg("{field}: {problem}", field=field, problem=pydantic_text(err)) + shown_input(err)
    return CaseError(code, problem, where)


_DATES = ("occurred_on", "discovered_on", "decided_on")
_KINDS = frozenset(("individual", "organization"))


def _party_kind(value: Any) -> Any:
    return read_named("party_kind", value)


def _iso(text: str) -> bool:
    """``2026-05-10`` as the contract writes it (ASCII, dashes at 4 and 7): left to pydantic as it
    is, the common case; cheaper than a regular expression on the service's hot path."""
    return len(text) == 10 and text[4] == "-" and text[7] == "-" and text.isascii()


def read_values(data: dict[str, Any], located: Located | None = None) -> dict[str, Any]:
    """The case with the values people write (Chinese, full-width, ``5.2万``) read into machine
    values: dates, ``party.kind``/``party.age``, ``same_act`` and ``actual``; ``data`` itself
    when nothing needs reading. A value that does not read is a ``CaseError`` (PE-C004, PE-C005)
    with the field, what was expected, what came in, and the file:line.

    Values of another type (a number for a date) are left for the contract's own check.
    """
    case_id = data.get("case_id")
    out = data
    changes: dict[str, Any] = {}

    def read(loc: tuple[str | int, ...], value: Any, reader: Any) -> Any:
        try:
            return reader(value)
        except ValueProblem as exc:
            problem = msg("{field}: {problem}", field=_field(loc), problem=exc.message)
            raise CaseError(exc.code, problem, case_where(located, case_id, loc)) from None

    for name in _DATES:
        value = data.get(name)
        if isinstance(value, str) and not _iso(value):
            changes[name] = read((name,), value, read_date)
    same = data.get("same_act")
    if isinstance(same, str):
        changes["same_act"] = read(("same_act",), same, lambda v: read_named("bool", v))
    party = data.get("party")
    if isinstance(party, dict):
        kind, age = party.get("kind"), party.get("age")
        if isinstance(kind, str) and kind not in _KINDS:
            party = changes["party"] = {**party, "kind": read(("party", "kind"), kind, _party_kind)}
        if isinstance(age, str):
            changes["party"] = {**party, "age": read(("party", "age"), age, read_age)}
    actual = data.get("actual")
    if isinstance(actual, dict):
        changes_actual = _read_actual(actual, read)
        if changes_actual is not actual:
            changes["actual"] = changes_actual
    if changes:
        out = {**data, **changes}
    return out


_OUTCOMES = frozenset(("penalty", "no_penalty"))
_TIERS = frozenset(("none", "fixed", "lighter", "standard", "heavier", "below_minimum", "weighted", "banded"))


def _read_actual(actual: dict[str, Any], read: Any) -> dict[str, Any]:
    """``actual`` with 处罚/不予处罚, 从轻/一般/…, duties by name (责令改正 → ``order_correction``)
    and ``5.2万`` read; ``actual`` itself when nothing needs reading."""
    new = dict(actual)
    outcome, tier, fine, duties = (actual.get(k) for k in ("outcome", "tier", "fine", "duties"))
    if isinstance(outcome, str) and outcome not in _OUTCOMES:
        new["outcome"] = read(("actual", "outcome"), outcome, lambda v: read_named("outcome", v))
    if isinstance(tier, str) and tier not in _TIERS:
        new["tier"] = read(("actual", "tier"), tier, lambda v: read_named("tier", v))
    if isinstance(fine, str):
        new["fine"] = read(("actual", "fine"), fine, read_amount)
    if isinstance(duties, list | tuple):  # a step the engine does not know stays as written
        new["duties"] = [(words().value("duty", d) or d) if isinstance(d, str) else d for d in duties]
    return new if new != actual else actual
