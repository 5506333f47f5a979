"""Reading cases: files (YAML, JSON, ``-`` for stdin) and plain dicts → validated ``Case``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import CaseError, suggest
from ..models import Case
from ..pack import allowed_fields, shown_input
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
        return CaseError("PE-C011", f"{exc.message}", f"{path}:{exc.line}")
    return CaseError("PE-C001", f"{exc.kind} error: {exc.message}", f"{path}:{exc.line}")


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
            raise CaseError("PE-C011", f"larger than {MAX_FILE_BYTES} bytes, the limit for a case", "<stdin>")
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
        raise CaseError("PE-C001", f"a case is a mapping of fields, got {type(data).__name__}", where_src)
    case_id = data.get("case_id")
    problem = plain_problem(data)
    if problem is not None:
        code = "PE-C004" if "Unicode" in problem else "PE-C011"
        shown_id = case_id if isinstance(case_id, str) and text_problem(case_id) is None else None
        raise CaseError(code, problem, case_where(located, shown_id[:100] if shown_id else None))
    try:
        return Case.model_validate(data)
    except ValidationError as exc:
        errors = sorted(
            exc.errors(), key=lambda e: e["type"] != "extra_forbidden"
        )  # a misspelling explains a "missing"
        first = case_field_error(errors[0], tuple(errors[0]["loc"]), case_id, located)
        if len(errors) > 1:
            more = "; ".join(".".join(str(p) for p in e["loc"]) + f": {e['msg']}" for e in errors[1:4])
            first.message += f" (also: {more})"
        raise first from None


def case_where(located: Located | None, case_id: Any, loc: Loc = ()) -> str:
    parts = []
    if located is not None:
        parts.append(located.where(loc) if located.lines else located.path)
    if case_id:
        parts.append(f"case {case_id}")
    return ", ".join(parts)


def case_field_error(err: Any, loc: Loc, case_id: Any, located: Located | None) -> CaseError:
    field = ".".join(str(p) for p in loc) or "(case)"
    where = case_where(located, case_id, loc)
    kind = err["type"]
    if kind == "missing":
        return CaseError("PE-C002", f"{field}: required field missing", where)
    if kind == "extra_forbidden":
        name = str(loc[-1])
        allowed = allowed_fields(Case, loc[:-1])
        return CaseError("PE-C003", f"{field}: unknown field{suggest(name, allowed)}", where)
    code = "PE-C005" if kind in _BOUND_ERRORS else "PE-C004"
    return CaseError(code, f"{field}: {err['msg']}{shown_input(err)}", where)
