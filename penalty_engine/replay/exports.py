"""The replay's exports for spreadsheets: CSV (UTF-8 with a BOM, which Excel reads as UTF-8) and
XLSX with headers in Chinese (English on request) and one sheet per kind of finding: the summary,
each flagged status, the similar-case groups (one row per case, with what makes the group alike),
the date errors and the other rejected rows.

Amounts stay exact text (``60000``), never floats; findings, tiers and violations are words
(``present.Presenter``). ``write_csv`` and ``write_xlsx`` take any header and rows, so another
report (``penalty impact``) writes its tables the same way. Streamed: the flagged cases are read
from the spill, and XLSX is written in openpyxl's write-only mode.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .html import GROUPS_MAX, flagged_entries, group_views, jsonl
from .present import FLAGGED_STATUSES, Presenter
from .run import Replay

#: the columns of a flagged case, by catalog key (``replay.col.*``)
FLAGGED_COLUMNS = (
    "case",
    "status",
    "violation",
    "violation_id",
    "recommended",
    "band_min",
    "band_max",
    "actual",
    "deviation",
    "deviation_pct",
    "tier",
    "actual_tier",
    "level",
    "officer",
    "unit",
    "decided_on",
    "source",
)
GROUP_COLUMNS = (
    "group",
    "count",
    "low",
    "high",
    "spread",
    "tolerance",
    "alike",
    "case",
    "actual",
    "status",
    "deviation_pct",
    "unit",
    "officer",
    "decided_on",
    "source",
)
REJECT_COLUMNS = ("source", "case", "error", "message")
XLSX_SHEET_CHARS = 31
_NOT_IN_SHEET_NAMES = str.maketrans({c: "_" for c in "[]:*?/\\"})


@dataclass(frozen=True)
class Sheet:
    """One sheet (or CSV file): its name, header and rows (any iterable, read once)."""

    name: str
    header: Sequence[str]
    rows: Iterable[Sequence[Any]]


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """A CSV file in UTF-8 with a BOM (Excel opens it as UTF-8); None is an empty cell."""
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for row in rows:
            w.writerow(["" if v is None else v for v in row])


def write_xlsx(path: Path, sheets: Iterable[Sheet]) -> None:
    """An XLSX workbook, one sheet per ``Sheet`` in order (names made valid: at most 31 characters,
    none of ``[]:*?/\\``), header row frozen and bold; streamed (write-only)."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = openpyxl.Workbook(write_only=True)
    bold = Font(bold=True)
    for sheet in sheets:
        ws = wb.create_sheet(sheet.name.translate(_NOT_IN_SHEET_NAMES)[:XLSX_SHEET_CHARS])
        ws.freeze_panes = "A2"
        head = []
        for text in sheet.header:
            cell = WriteOnlyCell(ws, value=text)
            cell.font = bold
            head.append(cell)
        ws.append(head)
        for row in sheet.rows:
            ws.append(list(row))
    wb.save(path)


def flagged_row(e: dict[str, Any], p: Presenter) -> list[Any]:
    """A flagged case as the cells of ``FLAGGED_COLUMNS``."""
    band = e.get("band") or {}
    return [
        e.get("case_id"),
        p.status(e["status"]),
        p.violation(e.get("violation")),
        e.get("violation"),
        e.get("recommended_fine"),
        band.get("min"),
        band.get("max"),
        e.get("actual_fine"),
        e.get("deviation"),
        e.get("deviation_pct"),
        p.tier(e.get("tier")),
        p.tier(e.get("actual_tier")),
        p.level(e.get("level")),
        e.get("officer"),
        e.get("unit"),
        e.get("decided_on"),
        e.get("source"),
    ]


def _header(columns: Sequence[str], p: Presenter) -> list[str]:
    return [p.col(c) for c in columns]


def write_flagged_csv(state: Replay, path: Path, *, lang: str = "zh") -> None:
    """The flagged cases as CSV (UTF-8 with BOM), headers and findings in ``lang``."""
    p = Presenter(lang, state.names)
    write_csv(path, _header(FLAGGED_COLUMNS, p), (flagged_row(e, p) for e in flagged_entries(state)))


def _group_rows(state: Replay, p: Presenter) -> Iterable[list[Any]]:
    for g in group_views(state, p, GROUPS_MAX):
        e = g["entry"]
        alike = p.t("groups.sep").join(g["alike"])
        for m in g["members"]:
            yield [
                g["n"],
                e["count"],
                e["actual_fines"][0],
                e["actual_fines"][1],
                e["spread"],
                e["tolerance"],
                alike,
                m.get("case_id"),
                m.get("actual_fine"),
                p.status(m["status"]) if m.get("status") else "",
                m.get("deviation_pct"),
                m.get("unit"),
                m.get("officer"),
                m.get("decided_on"),
                m.get("source"),
            ]


def _reject_rows(state: Replay, p: Presenter, dates: bool) -> Iterable[list[Any]]:
    for r in jsonl(state.rejects_path):
        kind = r.get("data_error")
        if bool(kind) == dates:
            problem = p.t(f"date_error.{kind}") if kind else p.error(r["error"])
            yield [r.get("source"), r.get("case_id"), problem, p.message(r)]


def _summary_rows(state: Replay, p: Presenter) -> list[list[Any]]:
    rows: list[list[Any]] = [[p.t(f"card.{k}"), v] for k, v in state.counts.items()]
    rows.append([p.t("card.groups"), len(state.groups.flagged())])
    rows.append([p.t("card.date_errors"), state.date_errors])
    statuses = state.aggregates.statuses
    rows.extend([p.status(s), statuses[s]] for s in FLAGGED_STATUSES if statuses.get(s))
    return rows


class _ByStatus:
    """The flagged cases of one status, read from the spill when its sheet is written."""

    def __init__(self, state: Replay, p: Presenter, status: str) -> None:
        self.state, self.p, self.status = state, p, status

    def __iter__(self) -> Any:
        for e in flagged_entries(self.state):
            if e["status"] == self.status:
                yield flagged_row(e, self.p)


def replay_sheets(state: Replay, lang: str = "zh") -> list[Sheet]:
    """The sheets of the replay's XLSX export: summary, one per flagged status, similar groups, date
    errors, rejected rows."""
    p = Presenter(lang, state.names)
    sheets = [Sheet(p.t("sheet.summary"), [p.col("item"), p.col("value")], _summary_rows(state, p))]
    head = _header(FLAGGED_COLUMNS, p)
    sheets.extend(Sheet(p.status(s), head, _ByStatus(state, p, s)) for s in FLAGGED_STATUSES)
    sheets.append(Sheet(p.t("sheet.groups"), _header(GROUP_COLUMNS, p), _group_rows(state, p)))
    rejects = _header(REJECT_COLUMNS, p)
    sheets.append(Sheet(p.t("date_errors.title"), rejects, _reject_rows(state, p, dates=True)))
    sheets.append(Sheet(p.t("sheet.rejects"), rejects, _reject_rows(state, p, dates=False)))
    return sheets


def write_flagged_xlsx(state: Replay, path: Path, *, lang: str = "zh") -> None:
    """The replay as an XLSX workbook (``replay_sheets``), headers and findings in ``lang``."""
    write_xlsx(path, replay_sheets(state, lang))
