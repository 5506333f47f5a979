"""Speed tricks of the evaluation, kept apart from its legal meaning (private; ADR 0008).

Each function here gives exactly what a plain one gives, only faster; the tests compare them
(``tests/property/test_fast.py``):

- ``band``, ``amount``, ``below_reason``: ``amounts.band``, ``amounts.amount`` and
  ``amounts.below_reason`` memoised. They are pure functions of amounts that repeat across cases
  (a fixed statutory range gives the same band for every case of a tier). The memo is bounded
  (cleared when full) and keyed by the exact texts of amounts and ratios, so ``100`` and
  ``100.00`` stay apart and no result depends on what was evaluated before. Texts, not values:
  hashing a ``Fraction`` or an ``Enum`` member runs Python code.
- ``fingerprint_text``: the canonical JSON that ``evaluation.fingerprint_text`` writes with the
  generic encoder, written directly (keys already in sorted order), or ``None`` when the case is
  not of the usual shape and the generic encoder must write it.

Pure: the memo only remembers results; nothing here reads a file, clock or the environment.
"""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from typing import Any, TypeVar

from ..models import Case, Prose, RoundingSpec
from ..pack import CompiledVersion
from . import amounts
from .amounts import Amount, Interval

#: Memo of ``band``, ``amount`` and ``below_reason``, keyed by the function's name and the texts of
#: its arguments. Bounded: cleared when full.
MEMO: dict[tuple[Any, ...], Any] = {}
MEMO_MAX = 8192
_T = TypeVar("_T")


def _remember(key: tuple[Any, ...], value: _T) -> _T:
    if len(MEMO) >= MEMO_MAX:
        MEMO.clear()
    MEMO[key] = value
    return value


def band(
    lo: Decimal, hi: Decimal, lower: Fraction, upper: Fraction, lower_s: str, upper_s: str, rounding: RoundingSpec
) -> tuple[Interval, dict[str, Any]]:
    """``amounts.band``, memoised (the inputs are shared: never change them, copy them)."""
    # amounts by their text: equal Decimals with other exponents ("100" and "100.00") stay apart;
    # ratio texts are exact; str() of the mode (a StrEnum) is its value, hashed without a Python call
    key = ("band", str(lo), str(hi), lower_s, upper_s, str(rounding.unit), str(rounding.mode))
    hit = MEMO.get(key)
    if hit is not None:
        return hit  # type: ignore[no-any-return]
    return _remember(key, amounts.band(lo, hi, lower, upper, lower_s, upper_s, rounding))


def amount(
    band: Interval, position: Fraction, position_s: str, rng: Interval, rounding: RoundingSpec, currency: str
) -> Amount:
    """``amounts.amount``, memoised (the inputs are shared: never change them, copy them)."""
    key = (
        "amount",
        str(band.lo),
        str(band.hi),
        position_s,
        str(rng.lo),
        str(rng.hi),
        rng.lo_incl,
        rng.hi_incl,
        str(rounding.unit),
        str(rounding.mode),
        currency,
    )
    hit = MEMO.get(key)
    if hit is not None:
        return hit  # type: ignore[no-any-return]
    return _remember(key, amounts.amount(band, position, position_s, rng, rounding, currency))


def below_reason(en: str, zh: str, minimum: Decimal, lower: Fraction, upper: Fraction, texts: tuple[str, str]) -> Prose:
    """``amounts.below_reason``, memoised; ``texts`` are the exact texts of ``lower`` and ``upper``
    (the key: hashing a Fraction is slow)."""
    key = ("below", en, zh, str(minimum), *texts)
    hit = MEMO.get(key)
    if hit is not None:
        return hit  # type: ignore[no-any-return]
    return _remember(key, amounts.below_reason(en, zh, minimum, lower, upper))


_js = json.encoder.encode_basestring  # a JSON string as canonical_json writes it (ensure_ascii=False)
#: ``canonical_json``'s encoder without its per-call set-up (compact, ensure_ascii=False, ``default=str``)
#: for a dict whose keys are already sorted; called with a value and 0 it gives the text's chunks
_canonical_chunks = json.encoder.c_make_encoder(  # type: ignore[attr-defined]
    None, str, _js, None, ":", ",", False, False, True
)


def fingerprint_text(
    case: Case,
    rule_id: str,
    occurred_s: str,
    decided_s: str,
    facts_json: dict[str, Any],
    versions: list[CompiledVersion],
    engine: str,
) -> str | None:
    """``evaluation.fingerprint_text`` written directly: the same text, or ``None`` when the party's
    age is not an int or its name not a str, or the case has a ``correction`` (then only the generic
    encoder knows the bytes).

    ``facts_json`` must already be in sorted key order (the evaluation builds it so);
    ``occurred_s`` and ``decided_s`` are the ISO texts of the dates."""
    party = case.party
    age, name = party.age, party.name
    age_s = "null" if age is None else int.__repr__(age) if type(age) is int else None
    name_s = "null" if name is None else _js(name) if type(name) is str else None
    if age_s is None or name_s is None or case.correction is not None:
        return None
    facts = "".join(_canonical_chunks(facts_json, 0))
    discovered = f'"{case.discovered_on.isoformat()}"' if case.discovered_on else "null"
    hashes = ",".join([v.hash_json for v in versions])
    return (
        f'{{"case":{{"case_id":{_js(case.case_id)},"decided_on":"{decided_s}","discovered_on":{discovered},'
        f'"facts":{facts},"occurred_on":"{occurred_s}",'
        f'"party":{{"age":{age_s},"kind":{_js(party.kind)},"name":{name_s}}},"violation":{_js(rule_id)}}},'
        f'"engine":{_js(engine)},"rule_versions":[{hashes}]}}'
    )
