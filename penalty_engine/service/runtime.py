"""The running service's state and the work behind each endpoint, free of HTTP.

``Service`` holds the engine (packs loaded once), the ledger and the key ring. ``decide`` evaluates
one parsed case, records it in the ledger (one ``Entry`` per case, ``caller`` the API key id) and
returns the ledger id with the decision JSON exactly as ``Decision.model_dump(mode="json")``, its
trail messages in the language asked (``render_any(…, "json", lang)`` without the text round trip).

Not pure: reads the clock (a case without ``decided_on`` is decided as of today, as the CLI does)
and writes the ledger. Appends go through one writer thread that commits the entries queued by
concurrent requests together (``commit.GroupCommitter``, ADR 0012): each request still waits for
its own record's commit. Reads (a record, the ping) are serialised by one lock.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..__about__ import __version__
from ..core import Engine
from ..ledger import Entry, Ledger, Record
from ..models import Decision, Decisions
from ..render import result_data
from ..yamlio import Located
from .commit import GroupCommitter
from .keys import KeyRing

ENGINE = f"penalty-engine {__version__}"


def decision_json(result: Decision | Decisions, lang: str) -> dict[str, Any]:
    """The decision (or decisions) JSON with trail messages in ``lang``: ``render_any(result,
    "json", lang)`` as data."""
    return result_data(result, lang)


def json_values(value: Any) -> Any:
    """The case as JSON values: the decimals the body was parsed into become numbers again (an
    integer when whole, else a float when it reads back as the same text, else a string)."""
    if isinstance(value, dict):
        return {k: json_values(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_values(v) for v in value]
    if isinstance(value, Decimal):
        if value == value.to_integral_value() and "e" not in str(value).lower():
            return int(value)
        f = float(value)
        return f if repr(f) == str(value) else str(value)
    return value


def record_json(rec: Record) -> dict[str, Any]:
    """A ledger record as ``GET /v1/decisions/{id}`` returns it (``RecordOut``)."""
    e = rec.entry
    return {
        "id": rec.id,
        "seq": rec.seq,
        "recorded_at": rec.recorded_at.isoformat(),
        "case": e.case,
        "decision": e.decision,
        "fingerprint": e.fingerprint,
        "pack_id": e.pack_id,
        "pack_version": e.pack_version,
        "engine": e.engine,
        "caller": e.caller,
        "prev_hash": rec.prev_hash,
        "hash": rec.hash,
    }


@dataclass
class Service:
    """What the endpoints share: the engine, the ledger, the keys and the limits."""

    engine: Engine
    ledger: Ledger
    keys: KeyRing
    max_batch: int
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _committer: GroupCommitter | None = None

    def __post_init__(self) -> None:
        self._committer = GroupCommitter(self.ledger)

    def decide(self, case: Located, lang: str, as_of: dt.date | None, caller: str) -> tuple[str, dict[str, Any]]:
        """Evaluate ``case`` (parsed, with where it came from), record it; return (ledger id, JSON).

        Raises:
            PenaltyEngineError: the case is invalid or exposes a defect of the pack (nothing recorded).
        """
        day = as_of or dt.date.today()
        result = self.engine.evaluate_any(case.data, as_of=day, source=case, as_of_label="as_of" if as_of else "today")
        data = decision_json(result, lang)
        first = result if isinstance(result, Decision) else result.decisions[0]
        pack = self.engine.rule(first.violation.id).pack
        entry = Entry(
            case=json_values(case.data),
            decision=data,
            fingerprint=first.fingerprint,
            pack_id=pack.id,
            pack_version=pack.version,
            engine=ENGINE,
            caller=caller,
        )
        assert self._committer is not None
        record = self._committer.append(entry)
        return record.id, data

    def record(self, record_id: str) -> Record | None:
        """The ledger record with this id, or None."""
        with self._lock:
            return self.ledger.get(record_id)

    def ready(self) -> bool:
        """Packs loaded and the ledger reachable."""
        if not self.engine.packs():
            return False
        with self._lock:
            try:
                return self.ledger.ping()
            except Exception:
                return False
