"""The publication policy: a pack with check errors is not published unless forced.

``publish_checked(pack, fmt, lang, force=False)`` runs the static part of ``rules check``
(``check.check_pack``: gaps, overlapping bands, unreachable entries, ...) and refuses with
:class:`NotPublished`, which lists every error finding, when there is any and ``force`` is false;
otherwise it returns :func:`publish`'s document. Every caller (the command line, a service) gets
the same rule. Not pure: reads the pack's files. Cost: one static check plus one publication.
"""

from __future__ import annotations

from pathlib import Path

from ..check import Finding, Report, check_pack
from ..errors import RuleError
from .document import publish


class NotPublished(RuleError):
    """A pack was refused publication (PE-R018): the static check found errors.

    Attributes:
        report: the whole static check report.
        findings: its error findings, in report order.
    """

    def __init__(self, report: Report) -> None:
        self.report = report
        self.findings: list[Finding] = [f for f in report.findings if f.severity == "error"]
        summary = f"not published: {self.errors} errors from rules check (force publishes anyway)"
        super().__init__("PE-R018", "\n".join([*self.lines(), summary]))

    @property
    def errors(self) -> int:
        """How many error findings stopped the publication."""
        return len(self.findings)

    def lines(self) -> list[str]:
        """One line per error finding: ``kind file:line rule: message``."""
        return [f"{f.kind} {f.file}:{f.line} {f.rule or ''}: {f.message}" for f in self.findings]


def publish_checked(pack_ref: str | Path, fmt: str = "html", lang: str = "zh", *, force: bool = False) -> str:
    """The pack's public document, if the static check finds no error (or ``force`` is true).

    Raises:
        NotPublished: the static check found errors and ``force`` is false.
        RuleError: PE-R009 when there is no pack at ``pack_ref``; a pack that does not load
            cleanly (raised by :func:`publish` when forced).
    """
    report = check_pack(pack_ref)
    if report.errors and not force:
        raise NotPublished(report)
    return publish(pack_ref, fmt, lang)
