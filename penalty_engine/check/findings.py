"""What ``penalty rules check`` reports: the finding kinds with their severity, a finding, a report.

Pure data, no I/O. A finding's location is the file and line that wrote the part it is about:
``at(source, loc)`` follows a layer's redirects (``LayeredSource.where``, ADR 0011), so a part a
layer overrides points into the layer's file and an inherited part into its base's. Findings
follow the check contract (DESIGN.md "Check output"); docs/rule-authoring.md §15 documents
every kind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from ..yamlio import Loc, Located

Severity = Literal["error", "warning"]

KINDS: dict[str, Severity] = {
    "gap": "error",
    "overlap": "warning",
    "unreachable": "warning",
    "band_outside_range": "error",
    "band_overlap": "error",
    "band_hole": "warning",
    "inert_weight": "warning",
    "always_clamped": "warning",
    "undeclared_fact": "error",
    "unused_fact": "warning",
    "version_overlap": "error",
    "version_gap": "warning",
    "type_error": "error",
    "invariant": "error",
    "statutory_step": "warning",
    "unmarked_assumption": "warning",
    "missing_zh": "error",
    "load_error": "error",
    "quote_mismatch": "error",
    "level_gap": "error",
    "level_unreachable": "warning",
    "level_band_outside_range": "error",
    "level_band_overlap": "warning",
    "level_order": "warning",
    "layer_widens_base": "error",
    "weights_short": "warning",
    "weights_over": "warning",
    "weighted_below_minimum": "warning",
    "weight_level_unreachable": "warning",
    "banded_overlap": "error",
    "banded_hole": "error",
    "banded_outside_range": "error",
    "banded_order": "warning",
}


@dataclass
class Finding:
    kind: str
    rule: str | None
    file: str | None
    line: int | None
    message: str
    witness: dict[str, Any] | None = None
    severity: Severity = "warning"

    def __post_init__(self) -> None:
        self.severity = KINDS[self.kind]

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "severity": self.severity,
            "rule": self.rule,
            "file": self.file,
            "line": self.line,
            "message": self.message,
            "witness": self.witness,
        }


@dataclass
class Report:
    pack: str
    findings: list[Finding] = field(default_factory=list)
    rules: int = 0
    witnesses: int = 0

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity == "warning" for f in self.findings)

    def as_json(self) -> dict[str, Any]:
        return {
            "schema": "penalty-engine/check@1",
            "pack": self.pack,
            "findings": [f.as_json() for f in self.findings],
            "summary": {"errors": self.errors, "warnings": self.warnings},
        }


def split_where(where: str) -> tuple[str | None, int | None]:
    """``("path", line)`` of a ``path:line`` text (``(text, None)`` when it has no line)."""
    path, _, line = where.rpartition(":")
    if path and line.isdigit():
        return path, int(line)
    return where or None, None


def at(source: Located, loc: Loc) -> tuple[str, int]:
    """The file and line that wrote ``loc`` of ``source`` (a layer's part: the layer's file)."""
    path, line = split_where(source.where(loc))
    if path is None or line is None:  # pragma: no cover - ``where`` always ends in a line
        return source.path, source.line_of(loc)
    return path, line
