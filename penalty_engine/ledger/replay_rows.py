"""Export a ledger as past decisions that ``penalty replay`` reads as they are (JSONL or CSV).

Each record becomes one replay row: the case as recorded, with ``actual`` set from the decision the
engine gave (outcome, recommended fine, tier, duty kinds) and ``decided_on`` filled from the
decision when the case had none (the date the engine decided on). Replaying an unchanged ledger
with the same packs therefore flags nothing; with new packs it shows what they would change.

For several violations (``decisions@2``) ``actual`` is what a replay compares: the outcome
(``penalty`` when any decision is), the sum of the recommended fines that stand (Art. 29, the
``combined`` fines), no tier, and every duty kind. CSV holds flat rows only: the case's nested
fields become dotted columns (``party.kind``, ``facts.x``), duties are joined with ``,``, and a
multi-violation case (a list of violations) cannot be written to CSV (use JSONL), so such records
are counted as skipped.

Not pure: reads the ledger, writes one file. Imports no engine code (the ledger stores JSON).
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..errors import LedgerError, msg
from .base import Ledger, Record


@dataclass(frozen=True, slots=True)
class Exported:
    """What ``export`` wrote: rows written, and records left out (CSV cannot hold them)."""

    written: int
    skipped: int
    path: Path

    def as_json(self) -> dict[str, Any]:
        """The result as plain JSON values."""
        return {"written": self.written, "skipped": self.skipped, "path": str(self.path)}


def actual_of(decision: dict[str, Any]) -> dict[str, Any]:
    """The ``actual`` (models ``Actual``) that says the engine's recommendation was decided."""
    if "decisions" in decision:
        parts: list[dict[str, Any]] = decision["decisions"]
        standing = {f["violation"] for f in decision.get("combined", {}).get("fines", [])}
        fined = [
            d
            for d in parts
            if d["violation"]["id"] in standing and d.get("band") and d.get("statutory_range")
            if d.get("recommended_fine") is not None
        ]
        out: dict[str, Any] = {"outcome": "penalty" if any(d["outcome"] == "penalty" for d in parts) else "no_penalty"}
        if fined:
            out["fine"] = str(sum((Decimal(d["recommended_fine"]) for d in fined), Decimal(0)))
        out["duties"] = sorted({x["kind"] for d in parts for x in d.get("duties", [])})
        return out
    out = {"outcome": decision["outcome"]}
    if decision.get("recommended_fine") is not None:
        out["fine"] = decision["recommended_fine"]
    if decision.get("tier") is not None:
        out["tier"] = decision["tier"]
    out["duties"] = sorted({x["kind"] for x in decision.get("duties", [])})
    return out


def replay_row(record: Record) -> dict[str, Any]:
    """The replay input row of one record (a case dict with ``actual``)."""
    case = dict(record.entry.case)
    decision = record.entry.decision
    case["actual"] = actual_of(decision)
    if not case.get("decided_on"):
        first = decision["decisions"][0] if "decisions" in decision else decision
        decided = (first.get("dates") or {}).get("decided_on")
        if decided:
            case["decided_on"] = decided
    return case


def _flat(node: dict[str, Any], prefix: str, out: dict[str, str]) -> None:
    for key, value in node.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            _flat(value, name + ".", out)
        elif isinstance(value, list):
            out[name] = ",".join(str(v) for v in value)
        elif isinstance(value, bool):
            out[name] = "true" if value else "false"
        elif value is not None:
            out[name] = str(value)


def export(ledger: Ledger, path: str | Path) -> Exported:
    """Write every record of ``ledger`` as a replay row to ``path`` (``.jsonl``/``.ndjson`` or ``.csv``).

    Raises:
        LedgerError: PE-L005 for another extension.
    """
    out = Path(path)
    suffix = out.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        written = 0
        with out.open("w", encoding="utf-8") as fh:
            for rec in ledger.records():
                fh.write(json.dumps(replay_row(rec), ensure_ascii=False) + "\n")
                written += 1
        return Exported(written, 0, out)
    if suffix == ".csv":
        rows: list[dict[str, str]] = []
        skipped = 0
        for rec in ledger.records():
            row = replay_row(rec)
            if "violations" in row:
                skipped += 1
                continue
            row.pop("expect", None)
            flat: dict[str, str] = {}
            _flat(row, "", flat)
            rows.append(flat)
        header: dict[str, None] = {}
        for flat in rows:
            header.update(dict.fromkeys(flat))
        with out.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(header))
            writer.writeheader()
            writer.writerows(rows)
        return Exported(len(rows), skipped, out)
    message = msg(
        "cannot export to '{name}': use {jsonl} or {csv}", name=suffix or out.name, jsonl=".jsonl", csv=".csv"
    )
    raise LedgerError("PE-L005", message, str(out))
