"""Errors the engine raises on purpose, each with a stable code.

::

    PenaltyEngineError            PE-*   root; ``code``, ``message``, ``where``
    ├── RuleError                 PE-R*  a rule pack or rule file is wrong (file:line, field)
    ├── CaseError                 PE-C*  a case is wrong (file:line, case id, field)
    ├── EvaluationError           PE-E*  a valid case hits a defect of the pack at evaluation
    └── LedgerError               PE-L*  the decision ledger cannot be opened, read or written

Codes are listed in ``CODES`` and documented in ``docs/error-codes.md``; a test keeps the two
in step. Messages say where, what was expected and what came in, and suggest the nearest valid
name when one is close.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")

CODES: dict[str, str] = {
    # rule packs
    "PE-R001": "rule file is not valid YAML",
    "PE-R002": "duplicate key in a rule file",
    "PE-R003": "YAML tag that would build an object (only plain data is allowed)",
    "PE-R004": "rule file does not match the rule-pack schema",
    "PE-R005": "CEL condition does not parse",
    "PE-R006": "CEL condition fails on a typed sample (type error, wrong result type)",
    "PE-R007": "condition reads a fact the rule does not declare",
    "PE-R008": "rule versions overlap or are out of order",
    "PE-R009": "pack or rule file not found",
    "PE-R010": "reference to an unknown fact, setting or pack item",
    "PE-R011": "two loaded rules or packs share an id",
    "PE-R012": "the base pack a layer extends cannot be found",
    "PE-R013": "a layer extends another version of its base than the base is",
    "PE-R014": "layers extend each other in a cycle",
    "PE-R015": "a layer names a rule its base does not have (overrides, not_applied)",
    "PE-R016": "a layer overrides a rule version the base rule does not have",
    "PE-R017": "a layer changes what only its base may set (frame, basis, dates, title, currency, general part)",
    "PE-R018": "a pack is not published: rules check found errors in it",
    "PE-R019": "a rule file is beyond a reading limit (size, nesting, aliases, length of a number)",
    "PE-R020": "a number or date in a rule file is beyond what the engine computes exactly",
    "PE-R021": "a CEL condition is beyond a limit (length, nesting, list size, comprehensions)",
    # cases
    "PE-C001": "case file cannot be read or parsed",
    "PE-C002": "required field missing",
    "PE-C003": "unknown field or fact",
    "PE-C004": "value has the wrong type",
    "PE-C005": "value out of bounds",
    "PE-C006": "unknown violation",
    "PE-C007": "ambiguous violation: several loaded packs have this rule id",
    "PE-C008": "no version of the rule is in force on the date",
    "PE-C009": "no decision date: the case has no decided_on and no as_of was given",
    "PE-C010": "the rule is not applied in the territory of the loaded layer",
    "PE-C011": "a case or case file is beyond a reading limit (size, nesting, aliases, length of a number)",
    "PE-C012": "contradictory facts: the pack declares that these facts cannot hold together",
    # evaluation
    "PE-E001": "no statutory branch matches the case (gap in the rule)",
    "PE-E002": "a condition failed while evaluating the case",
    "PE-E003": "no level of the rule's table applies to the case (gap in the table)",
    "PE-E004": "a level's band lies wholly outside the statutory range",
    # the decision ledger
    "PE-L001": "ledger URL not understood (not a file path, sqlite:/// or postgresql:// URL)",
    "PE-L002": "ledger cannot be opened or reached",
    "PE-L003": "ledger schema is newer than this engine knows",
    "PE-L004": "entry cannot be recorded: not plain JSON",
    "PE-L005": "ledger export format not recognised (by the file's extension)",
}


def suggest(name: str, candidates: Iterable[str]) -> str:
    """Return ``"; did you mean 'x'?"`` when a candidate is close to ``name``, else ``""``."""
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


class PenaltyEngineError(Exception):
    """Root of every error the engine raises on purpose.

    Attributes:
        code: stable code such as ``PE-C004``.
        message: what is wrong, expected and found.
        where: location (``file:line``, ``case ZJ-1``, ``facts.x``), may be empty.
    """

    prefix = "PE-"

    def __init__(self, code: str, message: str, where: str = "") -> None:
        if code not in CODES:
            raise ValueError(f"unknown error code {code}")
        self.code = code
        self.message = message
        self.where = where
        super().__init__(str(self))

    def __str__(self) -> str:
        loc = f"{self.where}: " if self.where else ""
        return f"{self.code} {loc}{self.message}"


class RuleError(PenaltyEngineError):
    """A rule pack or a rule file is invalid; ``where`` is ``file:line``."""


class CaseError(PenaltyEngineError):
    """A case is invalid; ``where`` names the source, the case id and the field."""


class EvaluationError(PenaltyEngineError):
    """A valid case exposes a defect of the rule pack during evaluation."""


class LedgerError(PenaltyEngineError):
    """The decision ledger cannot be opened, read or written; ``where`` names the ledger."""


class RuleErrors(RuleError):
    """Several rule errors found while loading; ``errors`` holds each one."""

    def __init__(self, errors: list[RuleError]) -> None:
        self.errors = errors
        first = errors[0]
        super().__init__(first.code, first.message, first.where)

    def __str__(self) -> str:
        return "\n".join(PenaltyEngineError.__str__(e) for e in self.errors)


def collect(errors: list[RuleError], step: Callable[[], T]) -> T | None:
    """Run ``step``; on a rule error, add it (or each of several) to ``errors`` and return None."""
    try:
        return step()
    except RuleErrors as exc:
        errors.extend(exc.errors)
    except RuleError as exc:
        errors.append(exc)
    return None
