"""The chain, defined once for every store: the canonical text of a record, its hash, the record id,
and the walk that checks a sequence of records (``verify``).

Canonical text: the JSON object ``{seq, id, recorded_at, case, decision, fingerprint, pack_id,
pack_version, engine, caller, prev_hash}`` with sorted keys, no whitespace, ``ensure_ascii=False``,
encoded as UTF-8; ``recorded_at`` is ISO 8601 in UTC with microseconds
(``2026-04-10T08:00:00.123456+00:00``). ``hash`` = sha256 hex of that text. The first record's
``prev_hash`` is ``''``.

Pure except ``new_id`` and ``now`` (clock and randomness), which only the stores call.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import time
from collections.abc import Iterable
from typing import Any

from .base import Entry, Record, Verification

#: Crockford base32, the alphabet of ULIDs (no I, L, O, U)
_B32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def canonical_json(value: Any) -> str:
    """The one JSON text of ``value``: sorted keys, no whitespace, non-ASCII kept, no NaN.

    Raises:
        ValueError: a NaN or infinite number; TypeError: a value JSON cannot hold.
    """
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def timestamp(at: dt.datetime) -> str:
    """``at`` as the chain writes it: ISO 8601, UTC, microseconds."""
    return at.astimezone(dt.UTC).isoformat(timespec="microseconds")


def record_hash(seq: int, record_id: str, recorded_at: dt.datetime, entry: Entry, prev_hash: str) -> str:
    """sha256 hex of the record's canonical text (which includes ``prev_hash``: the link)."""
    body = {
        "seq": seq,
        "id": record_id,
        "recorded_at": timestamp(recorded_at),
        "case": entry.case,
        "decision": entry.decision,
        "fingerprint": entry.fingerprint,
        "pack_id": entry.pack_id,
        "pack_version": entry.pack_version,
        "engine": entry.engine,
        "caller": entry.caller,
        "prev_hash": prev_hash,
    }
    return hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()


def seal(seq: int, record_id: str, recorded_at: dt.datetime, entry: Entry, prev_hash: str) -> Record:
    """The record for ``entry`` at ``seq``, linked to ``prev_hash``, with its hash."""
    digest = record_hash(seq, record_id, recorded_at, entry, prev_hash)
    return Record(seq, record_id, recorded_at, entry, prev_hash, digest)


def chained(entries: Iterable[Entry], seq: int, prev_hash: str) -> list[Record]:
    """The records of ``entries`` appended after the record ``seq`` whose hash is ``prev_hash``: each
    sealed with a fresh id and time and linked to the one before (one group, as one by one)."""
    records: list[Record] = []
    for entry in entries:
        rec = seal(seq + 1, new_id(), now(), entry, prev_hash)
        records.append(rec)
        seq, prev_hash = rec.seq, rec.hash
    return records


def meta_of(entry: Entry) -> tuple[str, str, str, str, str]:
    """The entry's columns after case and decision, in the stores' order."""
    return entry.fingerprint, entry.pack_id, entry.pack_version, entry.engine, entry.caller


def new_id() -> str:
    """A fresh record id: ``dec_`` + 26 characters (a ULID: milliseconds, then 80 random bits)."""
    n = ((time.time_ns() // 1_000_000) << 80) | secrets.randbits(80)
    return "dec_" + "".join(_B32[(n >> (5 * i)) & 31] for i in range(25, -1, -1))


def now() -> dt.datetime:
    """The current time in UTC, to the microsecond (what a store records)."""
    return dt.datetime.now(dt.UTC)


def walk(records: Iterable[Record], head: tuple[int, str] | None = None) -> Verification:
    """Check a chain: seq 1, 2, … without gaps, each ``prev_hash`` the previous hash, each hash
    recomputed; then, when ``head`` (the store's last seq and hash, kept apart) is given, that the
    chain ends there. Names the first record that breaks it.

    What each tampering looks like: an edited record fails its own hash; a deleted one leaves a gap
    in seq (or, at the end, a chain shorter than its head); an inserted or reordered one carries a
    ``prev_hash`` (or a seq, which is hashed) that does not fit its place.
    """
    checked = 0
    prev_seq, prev_hash = 0, ""
    for rec in records:
        checked += 1
        if rec.seq != prev_seq + 1:
            if rec.seq > prev_seq + 1:
                gone = f"{prev_seq + 1}" if rec.seq == prev_seq + 2 else f"{prev_seq + 1}–{rec.seq - 1}"
                why = f"seq {rec.seq} follows seq {prev_seq}: record {gone} is missing (deleted)"
            else:
                why = f"seq {rec.seq} follows seq {prev_seq}: out of order (inserted or reordered)"
            return Verification(checked, False, rec.seq, f"record {rec.id}: {why}")
        if rec.prev_hash != prev_hash:
            why = (
                f"prev_hash {rec.prev_hash[:12] or '(empty)'}… is not the hash of record {prev_seq} "
                f"({prev_hash[:12] or '(empty)'}…): a record before it was deleted, inserted or reordered"
            )
            return Verification(checked, False, rec.seq, f"record {rec.id}: {why}")
        digest = record_hash(rec.seq, rec.id, rec.recorded_at, rec.entry, rec.prev_hash)
        if digest != rec.hash:
            why = f"hash {rec.hash[:12]}… does not match its contents ({digest[:12]}…): the record was edited"
            return Verification(checked, False, rec.seq, f"record {rec.id}: {why}")
        prev_seq, prev_hash = rec.seq, rec.hash
    if head is not None and head != (prev_seq, prev_hash):
        head_seq, head_hash = head
        if head_seq > prev_seq:
            gone = f"{prev_seq + 1}" if head_seq == prev_seq + 1 else f"{prev_seq + 1}–{head_seq}"
            why = f"the chain ends at seq {prev_seq} but its head is seq {head_seq}: record {gone} deleted"
            return Verification(checked, False, prev_seq + 1, why)
        if head_seq < prev_seq:
            why = f"the chain's head is seq {head_seq} but records go on to seq {prev_seq}: inserted after the head"
            return Verification(checked, False, head_seq + 1, why)
        why = f"the last record's hash is not the head's ({head_hash[:12]}…): the record was rewritten"
        return Verification(checked, False, prev_seq, why)
    return Verification(checked, True)
